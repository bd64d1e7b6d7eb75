"""What HTML page tests share: a message as a page shows it."""

from typing import Any

from markupsafe import escape

from expo.i18n import translate


def shown(message: str, **params: Any) -> str:
    """A message as the pages show it by default (Bahasa Indonesia), HTML-escaped like Jinja does."""
    return str(escape(translate(message, params, locale="id")))
