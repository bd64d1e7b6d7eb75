"""Domain errors with stable codes. Services raise these; the web layer turns them into problem details."""

import dataclasses
from dataclasses import dataclass
from typing import ClassVar

from expo.i18n import N_


@dataclass(frozen=True)
class FieldProblem:
    """A message about one input field (``field`` is a dotted path such as ``nib`` or ``rows.3.code``)."""

    field: str
    message: str  # an English message id, translated when shown
    params: dict[str, object] = dataclasses.field(default_factory=dict)


class DomainError(Exception):
    """A rule was broken. ``code`` is stable and machine-readable; ``message`` is a message id."""

    status: ClassVar[int] = 400
    default_code: ClassVar[str] = "bad_request"
    default_message: ClassVar[str] = N_("The request could not be processed.")

    def __init__(
        self,
        message: str | None = None,
        *,
        code: str | None = None,
        params: dict[str, object] | None = None,
        fields: list[FieldProblem] | None = None,
    ) -> None:
        self.code = code or self.default_code
        self.message = message or self.default_message
        self.params = params or {}
        self.fields = fields or []
        super().__init__(f"{self.code}: {self.message}")


class InvalidInput(DomainError):
    status = 422
    default_code = "invalid_input"
    default_message = N_("Some fields are not valid.")


class NotFound(DomainError):
    status = 404
    default_code = "not_found"
    default_message = N_("Not found.")


class Conflict(DomainError):
    status = 409
    default_code = "conflict"
    default_message = N_("This conflicts with the current state; reload and try again.")


class Forbidden(DomainError):
    status = 403
    default_code = "forbidden"
    default_message = N_("You may not do this.")


class Unauthenticated(DomainError):
    status = 401
    default_code = "unauthenticated"
    default_message = N_("Please log in first.")


class Busy(DomainError):
    status = 503
    default_code = "busy"
    default_message = N_("The server is busy; please try again in a moment.")


class UnsupportedMediaType(DomainError):
    status = 415
    default_code = "unsupported_media_type"
    default_message = N_("This content type is not supported.")


class TooLarge(DomainError):
    status = 413
    default_code = "too_large"
    default_message = N_("The file is too large (at most %(max)s bytes).")
