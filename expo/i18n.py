"""Translations from Babel catalogs (Bahasa Indonesia by default, English by switch).

Message ids are English. The catalogs live in ``expo/locale/<lang>/LC_MESSAGES/messages.po`` and are
read with Babel when first needed, so a fresh checkout needs no compile step.
"""

from contextvars import ContextVar
from functools import cache
from io import BytesIO
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations

LOCALE_DIR = Path(__file__).parent / "locale"
SUPPORTED_LOCALES = ("id", "en")
DEFAULT_LOCALE = "id"
LOCALE_COOKIE = "lang"

current_locale: ContextVar[str] = ContextVar("current_locale", default=DEFAULT_LOCALE)


@cache
def translations(locale: str) -> Translations:
    """The compiled catalog for one locale (read once per process)."""
    po_path = LOCALE_DIR / locale / "LC_MESSAGES" / "messages.po"
    if not po_path.exists():
        return Translations()
    with po_path.open("rb") as fh:
        catalog = read_po(fh, locale=locale)
    buffer = BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return Translations(fp=buffer)


def load_catalogs() -> None:
    """Read every locale's catalog at a worker's start rather than in its first requests (a few
    hundred milliseconds each: a restarted worker met by a rush answered its first ones that late)."""
    for locale in SUPPORTED_LOCALES:
        translations(locale)


def gettext(message: str, locale: str | None = None) -> str:
    return translations(locale or current_locale.get()).gettext(message)


def ngettext(singular: str, plural: str, n: int, locale: str | None = None) -> str:
    return translations(locale or current_locale.get()).ngettext(singular, plural, n)


_ = gettext


def translate(message: str, params: dict[str, object] | None = None, locale: str | None = None) -> str:
    """Translate a message id and fill its ``%(name)s`` placeholders."""
    text = gettext(message, locale)
    if params:
        try:
            return text % params
        except (KeyError, ValueError, TypeError):
            return text
    return text


def negotiate_locale(query: str | None, cookie: str | None, accept_language: str | None) -> str:
    """Pick the locale: explicit ``?lang=``, then the cookie, then Accept-Language, then Indonesian."""
    for candidate in (query, cookie):
        if candidate in SUPPORTED_LOCALES:
            return candidate
    if accept_language:
        for part in accept_language.split(","):
            tag = part.split(";")[0].strip().lower()
            primary = tag.split("-")[0]
            if primary in SUPPORTED_LOCALES:
                return primary
            if primary == "ms":  # Malay readers understand Bahasa Indonesia better than English
                return "id"
    return DEFAULT_LOCALE


def N_(message: str) -> str:  # noqa: N802  (the conventional gettext_noop name)
    """Mark a message id for extraction where it is defined; it is translated when shown."""
    return message
