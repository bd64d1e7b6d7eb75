"""Limits on what a request body may be, so that hostile input is a clear 4xx and never a 500.

- Size: the app's ``request_max_body_size`` (``EXPO_MAX_BODY_BYTES``, 1 MB by default) holds for
  every route; the CSV and file uploads raise it to :data:`UPLOAD_BODY_LIMIT` and check the
  ``EXPO_MAX_CSV_BYTES`` setting themselves. Too large: 413 ``too_large``.
- JSON: a body read as JSON must be declared JSON (else 415 ``unsupported_media_type``), must parse
  (else 400 ``json_invalid``) and may nest at most :data:`MAX_JSON_DEPTH` levels (else 400
  ``json_too_deep``): a body of a thousand ``[`` used to exhaust the parser's recursion and answer 500.
"""

from typing import Any

from litestar import Request
from litestar.exceptions import SerializationException

from expo.errors import DomainError, UnsupportedMediaType
from expo.i18n import N_

# No API shape nests more than a handful of levels (a sync batch: object > list > object > value).
MAX_JSON_DEPTH = 32
# Uploads (CSV imports) may be this large on the wire; the setting EXPO_MAX_CSV_BYTES is the real limit.
UPLOAD_BODY_LIMIT = 32 * 1024 * 1024


def too_deep(value: Any, limit: int = MAX_JSON_DEPTH) -> bool:
    """Whether a decoded JSON value nests lists and objects more than ``limit`` levels (no recursion)."""
    stack: list[tuple[Any, int]] = [(value, 1)] if isinstance(value, dict | list) else []
    while stack:
        item, depth = stack.pop()
        if depth > limit:
            return True
        children = item.values() if isinstance(item, dict) else item
        stack.extend((child, depth + 1) for child in children if isinstance(child, dict | list))
    return False


def _is_json(media_type: str) -> bool:
    return media_type == "application/json" or (media_type.startswith("application/") and media_type.endswith("+json"))


class ExpoRequest(Request[Any, Any, Any]):
    """Litestar's request with the JSON rules above (every ``JSONBody`` is read through ``json()``)."""

    async def json(self) -> Any:
        media_type, _ = self.content_type
        if not _is_json(media_type.lower()):
            raise UnsupportedMediaType(N_("Send the data as JSON."), code="unsupported_media_type")
        try:
            value = await super().json()
        except RecursionError:
            raise DomainError(N_("The data is nested too deeply."), code="json_too_deep") from None
        except SerializationException:
            raise DomainError(N_("The data is not valid JSON."), code="json_invalid") from None
        if too_deep(value):
            raise DomainError(N_("The data is nested too deeply."), code="json_too_deep")
        return value
