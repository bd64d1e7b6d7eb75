"""Message texts from Jinja templates in ``templates/messages/``, in the recipient's language.

A message ``<name>`` has ``<name>.subject.txt`` and ``<name>.txt`` (the e-mail's subject and plain
text), optionally ``<name>.html`` (the e-mail's HTML part) and ``<name>.wa.txt`` (the WhatsApp text; the
plain text when absent). Undefined variables are errors (``StrictUndefined``): a message is never sent
with a hole in it; the caller records the problem as the message's failure reason."""

from dataclasses import dataclass
from functools import cache
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, TemplateError, TemplateNotFound, select_autoescape

from expo.i18n import DEFAULT_LOCALE, SUPPORTED_LOCALES, translations
from expo.templating import TEMPLATES_DIR

MESSAGES_DIR = TEMPLATES_DIR / "messages"


class TemplateProblem(Exception):
    """A message template cannot be rendered (missing, broken, or a variable not given)."""


@dataclass(frozen=True)
class Rendered:
    subject: str
    text: str
    html: str
    whatsapp: str


def language_of(language: str | None) -> str:
    return language if language in SUPPORTED_LOCALES else DEFAULT_LOCALE


@cache
def _environment(language: str) -> Environment:
    env = Environment(
        loader=FileSystemLoader(MESSAGES_DIR),
        autoescape=select_autoescape(["html"]),
        undefined=StrictUndefined,
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.install_gettext_translations(translations(language), newstyle=True)  # type: ignore[attr-defined]
    return env


def _render(env: Environment, name: str, context: dict[str, Any], *, required: bool) -> str | None:
    try:
        template = env.get_template(name)
    except TemplateNotFound:
        if required:
            raise TemplateProblem(f"template {name} is missing") from None
        return None
    except TemplateError as exc:
        raise TemplateProblem(f"template {name}: {exc}") from exc
    try:
        return template.render(context).strip() + "\n"
    except TemplateError as exc:
        raise TemplateProblem(f"template {name}: {exc}") from exc
    except (TypeError, ValueError, KeyError, AttributeError) as exc:
        raise TemplateProblem(f"template {name}: {type(exc).__name__}: {exc}") from exc


def render(template: str, context: dict[str, Any], language: str) -> Rendered:
    """Every text of message ``template`` in ``language``; raises :class:`TemplateProblem`."""
    if not template.replace("_", "").replace("-", "").isalnum():
        raise TemplateProblem(f"template name {template!r} is not valid")
    language = language_of(language)
    env = _environment(language)
    context = {**context, "language": language}
    subject = _render(env, f"{template}.subject.txt", context, required=True) or ""
    text = _render(env, f"{template}.txt", context, required=True) or ""
    html = _render(env, f"{template}.html", context, required=False) or ""
    whatsapp = _render(env, f"{template}.wa.txt", context, required=False) or text
    # One line: a subject is a mail header, where a line break would start another header.
    return Rendered(subject=" ".join(subject.split())[:300], text=text, html=html, whatsapp=whatsapp)
