"""The one way a page handles a form: parse and validate, call the rules, and either move on or show the
same page again with the reasons in the reader's language and the reader's input kept.

A page handler gives ``submit`` the work to do (an async function that checks the form into a schema and
calls a service) and how to show its page with errors; ``submit`` commits on success, and on a
``pydantic.ValidationError`` or a domain error rolls back and renders that page again with a 4xx status.
"""

import inspect
from collections.abc import Awaitable, Callable, Collection, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar
from urllib.parse import parse_qsl, urlencode

from litestar import Response
from litestar.enums import RequestEncodingType
from litestar.params import Body
from litestar.response import Redirect
from pydantic import ValidationError
from sqlalchemy.ext.asyncio import AsyncSession

from expo.errors import DomainError
from expo.i18n import gettext, translate
from expo.problems import field_message
from expo.web import redirect

FormBody = Body(media_type=RequestEncodingType.URL_ENCODED)
"""Annotate a handler's ``data`` with this to read an HTML form (``application/x-www-form-urlencoded``)."""

T = TypeVar("T")


@dataclass
class FormErrors:
    """Messages for a re-rendered form: per field, and those that belong to no shown field."""

    fields: dict[str, str] = field(default_factory=dict)
    general: list[str] = field(default_factory=list)
    code: str = ""  # the domain error's stable code, or ``invalid_input`` for a validation error
    message: str = ""  # the refusal in one sentence (the domain error's message), translated
    validation: bool = False  # the form did not pass its schema (no rule was asked)

    def __bool__(self) -> bool:
        return bool(self.fields or self.general)

    def text(self) -> str:
        """All messages as one line, for pages that show a single notice rather than a form."""
        return " ".join([*self.general, *self.fields.values()])


# Whole-form rules of the schemas, shown at the field they are about.
_MODEL_RULE_FIELDS = {
    "Give the pesantren's name.": "pesantren_name",
    "Booking must close after it opens.": "booking_closes_at",
}


def _shown_at(name: str, known: Collection[str], aliases: Mapping[str, str] | None = None) -> str | None:
    """The form field a message about ``name`` (``preferences.2``, ``nib``) is shown at, if any;
    ``aliases`` name the form field for a schema field the form calls otherwise (``payment``: ``amount``)."""
    for part in (name, name.split(".", maxsplit=1)[0]):
        candidate = (aliases or {}).get(part, part)
        if candidate in known:
            return candidate
    return None


def _add(
    errors: FormErrors, name: str, message: str, known: Collection[str], aliases: Mapping[str, str] | None = None
) -> None:
    at = _shown_at(name, known, aliases)
    if at is not None:
        errors.fields.setdefault(at, message)
    elif message not in errors.general:
        errors.general.append(message)


def validation_errors(exc: ValidationError, known: Collection[str] = (), choices: Collection[str] = ()) -> FormErrors:
    """Pydantic's messages as translated ones, at the field they are about (a choice field, or any field
    left empty, gets a plain sentence instead of the validator's)."""
    errors = FormErrors(code="invalid_input", message=gettext("Some fields are not valid."), validation=True)
    for item in exc.errors():
        name = ".".join(str(part) for part in item["loc"])
        msgid, params = field_message(item["msg"])
        name = name or _MODEL_RULE_FIELDS.get(msgid, "")
        if _shown_at(name, choices) and item["type"] in {"enum", "literal_error"}:
            message = gettext("Choose one of the options.")
        elif isinstance(item.get("input"), str) and not item["input"].strip():
            message = gettext("This field is required.")
        else:
            message = translate(msgid, params)
        _add(errors, name, message, known)
    return errors


def domain_errors(
    exc: DomainError, known: Collection[str] = (), aliases: Mapping[str, str] | None = None
) -> FormErrors:
    """A refused rule: its field problems at their fields, else its message."""
    errors = FormErrors(code=exc.code, message=translate(exc.message, exc.params))
    for problem in exc.fields:
        _add(errors, problem.field, translate(problem.message, problem.params), known, aliases)
    if not exc.fields:
        errors.general.append(errors.message)
    return errors


Rerender = Callable[[FormErrors, int], Awaitable[Response[Any]]]
"""Shows the form's page again with these errors and this status (it may choose another 4xx)."""


async def submit(
    db_session: AsyncSession,
    action: Callable[[], Awaitable[T]],
    *,
    rerender: Rerender,
    done: str | Response[Any] | Callable[[T], Response[Any] | str | Awaitable[Response[Any]]],
    fields: Collection[str] = (),
    choices: Collection[str] = (),
    aliases: Mapping[str, str] | None = None,
) -> Response[Any]:
    """Run a form's ``action``; commit and answer ``done`` (a path to redirect to, a response, or a
    function of the action's result giving either or rendering a page); on a refusal roll back and
    ``rerender`` with why.

    ``fields`` are the form fields that show their own message; ``choices`` those that are picked
    from a list (a wrong value there reads "Choose one of the options."); ``aliases`` map a rule's field
    name to the form field that shows its message.
    """
    try:
        result = await action()
    except ValidationError as exc:
        await db_session.rollback()
        return await rerender(validation_errors(exc, fields, choices), 422)
    except DomainError as exc:
        await db_session.rollback()
        return await rerender(domain_errors(exc, fields, aliases), exc.status)
    await db_session.commit()
    target = done if isinstance(done, str | Response) else done(result)
    if isinstance(target, str):
        return redirect(target)
    return await target if inspect.isawaitable(target) else target


def back_filters(back: str, allowed: Collection[str]) -> dict[str, str]:
    """A list page's filters, posted back by its forms as ``back``, to return to after an action (only
    known keys, never a URL; no control characters, which PostgreSQL text refuses)."""
    pairs = ((k, "".join(c for c in v[:100] if c.isprintable())) for k, v in parse_qsl(back[:500]) if k in allowed)
    return {k: v for k, v in pairs if v}


def back_to(path: str, back: str, allowed: Collection[str], msg: str) -> Redirect:
    """Redirect to a list page with its filters kept and a notice code."""
    return redirect(f"{path}?{urlencode(back_filters(back, allowed) | {'msg': msg})}")
