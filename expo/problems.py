"""Problem details (RFC 9457) for the API and readable error pages for people, in their language.

Nothing escapes as a bare 500: domain errors keep their code, framework errors get one, database
races become 409, a locked SQLite becomes 503, a database that cannot be reached (stopped,
restarting, network cut) becomes 503 ``database_unavailable`` with ``Retry-After``, and anything
unexpected is logged and answered with a generic problem.
"""

import logging
import re
from typing import Any
from urllib.parse import quote, urlsplit

from litestar import MediaType, Request, Response
from litestar.exceptions import HTTPException, ValidationException
from litestar.response import Redirect
from sqlalchemy.exc import DataError, DBAPIError, IntegrityError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError

from expo.database import DatabaseUnavailable, database_unreachable
from expo.errors import DomainError
from expo.i18n import N_, translate

log = logging.getLogger("expo")
PROBLEM_BASE = "https://expo.invalid/problems/"

_HTTP_CODES = {
    400: ("bad_request", N_("The request could not be processed.")),
    401: ("unauthenticated", N_("Please log in first.")),
    403: ("forbidden", N_("You may not do this.")),
    404: ("not_found", N_("Not found.")),
    405: ("method_not_allowed", N_("This method is not allowed here.")),
    409: ("conflict", N_("This conflicts with the current state; reload and try again.")),
    413: ("too_large", N_("The request is too large.")),
    422: ("invalid_input", N_("Some fields are not valid.")),
    415: ("unsupported_media_type", N_("This content type is not supported.")),
    429: ("rate_limited", N_("Too many attempts; please wait a minute and try again.")),
    503: ("busy", N_("The server is busy; please try again in a moment.")),
}

# Pydantic's English messages, matched and re-issued as catalog message ids.
_PYDANTIC_MESSAGES: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"^Field required$"), N_("This field is required.")),
    (re.compile(r"^Extra inputs are not permitted$"), N_("This field is not expected.")),
    (re.compile(r"^String should have at least (?P<n>\d+) characters?$"), N_("Use at least %(n)s characters.")),
    (re.compile(r"^String should have at most (?P<n>\d+) characters?$"), N_("Use at most %(n)s characters.")),
    (re.compile(r"^String should match pattern .*$"), N_("This value has the wrong format.")),
    (re.compile(r"^Input should be greater than or equal to (?P<n>\S+)$"), N_("Must be at least %(n)s.")),
    (re.compile(r"^Input should be greater than (?P<n>\S+)$"), N_("Must be greater than %(n)s.")),
    (re.compile(r"^Input should be less than or equal to (?P<n>\S+)$"), N_("Must be at most %(n)s.")),
    (re.compile(r"^Input should be less than (?P<n>\S+)$"), N_("Must be less than %(n)s.")),
    (re.compile(r"^Input should be a valid integer.*$"), N_("Enter a whole number.")),
    (re.compile(r"^Input should be a valid number.*$"), N_("Enter a number.")),
    (re.compile(r"^Input should be a valid boolean.*$"), N_("Enter yes or no.")),
    (re.compile(r"^Input should be a valid date.*$"), N_("Enter a date as YYYY-MM-DD.")),
    (re.compile(r"^Input should be a valid time.*$"), N_("Enter a time as HH:MM.")),
    (re.compile(r"^Input should be a valid datetime.*$"), N_("Enter a date and time.")),
    (re.compile(r"^Input should be a valid (string|dictionary|list).*$"), N_("This value has the wrong type.")),
    (re.compile(r"^Input should be (?P<options>'.*)$"), N_("Choose one of: %(options)s.")),
    (re.compile(r"^Date should be in the (past|future).*$"), N_("This date is not allowed.")),
    (re.compile(r"^Invalid enum value .*$"), N_("Choose one of the listed values.")),
]


def field_message(raw: str) -> tuple[str, dict[str, object]]:
    """Turn a validator's English message into a catalog message id and its parameters."""
    text = raw.removeprefix("Value error, ").removeprefix("Assertion failed, ")
    for pattern, msgid in _PYDANTIC_MESSAGES:
        match = pattern.match(text)
        if match:
            return msgid, dict(match.groupdict())
    return text, {}


def problem(
    status: int,
    code: str,
    message: str,
    *,
    params: dict[str, object] | None = None,
    fields: list[dict[str, str]] | None = None,
) -> dict[str, Any]:
    body: dict[str, Any] = {
        "type": PROBLEM_BASE + code,
        "title": translate(_HTTP_CODES[status][1] if status in _HTTP_CODES else message),
        "status": status,
        "code": code,
        "detail": translate(message, params),
    }
    if fields:
        body["errors"] = fields
    return body


def _respond(
    request: Request[Any, Any, Any], body: dict[str, Any], headers: dict[str, str] | None = None
) -> Response[Any]:
    from expo.web import page, wants_html

    status = int(body["status"])
    if wants_html(request):
        if status == 401:
            # Come back to a page, never to a form's POST-only address.
            target = request.url.path if request.method == "GET" else _referer_path(request)
            return Redirect(path=f"/login?next={quote(target)}" if target else "/login", status_code=303)
        response = page(request, "error.html", status_code=status, problem=body)
        for name, value in (headers or {}).items():
            response.headers[name] = value
        return response
    return Response(content=body, status_code=status, media_type="application/problem+json", headers=headers)


def _referer_path(request: Request[Any, Any, Any]) -> str:
    referer = urlsplit(request.headers.get("referer", ""))
    if referer.netloc and referer.netloc != request.url.netloc:
        return ""
    return referer.path + (f"?{referer.query}" if referer.query else "")


def domain_error_handler(request: Request[Any, Any, Any], exc: DomainError) -> Response[Any]:
    fields = [{"field": f.field, "message": translate(f.message, f.params)} for f in exc.fields]
    headers = getattr(exc, "headers", None)  # e.g. Retry-After of a locked account
    return _respond(
        request, problem(exc.status, exc.code, exc.message, params=exc.params, fields=fields), headers=headers
    )


def validation_error_handler(request: Request[Any, Any, Any], exc: ValidationException) -> Response[Any]:
    fields = []
    for item in exc.extra if isinstance(exc.extra, list) else []:
        if isinstance(item, dict):
            msgid, params = field_message(str(item.get("message", "")))
            fields.append({"field": str(item.get("key", "")), "message": translate(msgid, params)})
    return _respond(
        request, problem(422 if fields else 400, "invalid_input", "Some fields are not valid.", fields=fields)
    )


def http_error_handler(request: Request[Any, Any, Any], exc: HTTPException) -> Response[Any]:
    status = exc.status_code
    code, message = _HTTP_CODES.get(status, ("error", "The request could not be processed."))
    if status == 403 and "CSRF" in str(exc.detail):
        code, message = "csrf_failed", N_("The form expired; reload the page and try again.")
    if status >= 500:
        log.error("HTTP %s on %s %s: %s", status, request.method, request.url.path, exc.detail)
    return _respond(request, problem(status, code, message), headers=exc.headers)


def integrity_error_handler(request: Request[Any, Any, Any], exc: IntegrityError) -> Response[Any]:
    log.info("integrity conflict on %s: %s", request.url.path, exc.orig)
    return _respond(request, problem(409, "conflict", "Someone changed this at the same moment; reload and try again."))


RETRY_AFTER_OUTAGE = "5"


def unavailable_handler(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    """The database is away: a calm 503 that says to try again; the pool reconnects by itself."""
    log.warning("database unreachable on %s %s: %s", request.method, request.url.path, exc)
    message = N_("The system is briefly unavailable; please try again in a moment.")
    return _respond(request, problem(503, "database_unavailable", message), headers={"Retry-After": RETRY_AFTER_OUTAGE})


def operational_error_handler(
    request: Request[Any, Any, Any], exc: OperationalError | PoolTimeoutError
) -> Response[Any]:
    if database_unreachable(exc):
        return unavailable_handler(request, exc)
    log.warning("database busy on %s: %s", request.url.path, exc)
    return _respond(
        request, problem(503, "busy", "The server is busy; please try again in a moment."), headers={"Retry-After": "1"}
    )


def out_of_range_handler(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    """A number too large for the database column (an id of 30 digits, say) is bad input, not a crash."""
    log.info("value out of range on %s: %s", request.url.path, exc)
    return _respond(request, problem(422, "out_of_range", N_("A number in the request is out of range.")))


def database_error_handler(request: Request[Any, Any, Any], exc: DBAPIError) -> Response[Any]:
    """Drivers report some bad values only when the query runs (asyncpg: "value out of int32 range")."""
    if database_unreachable(exc):
        return unavailable_handler(request, exc)
    reason = str(exc.orig)
    if "out of" in reason and "range" in reason:
        return out_of_range_handler(request, exc)
    if "0x00" in reason:  # PostgreSQL text cannot hold NUL characters
        return _respond(
            request, problem(422, "invalid_input", N_("This text contains a character that is not allowed."))
        )
    log.exception("database error on %s %s", request.method, request.url.path, exc_info=exc)
    return _respond(
        request, problem(503, "busy", "The server is busy; please try again in a moment."), headers={"Retry-After": "1"}
    )


def unexpected_error_handler(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    if database_unreachable(exc):
        return unavailable_handler(request, exc)
    log.exception("unexpected error on %s %s", request.method, request.url.path, exc_info=exc)
    return _respond(request, problem(500, "internal_error", "Something went wrong on our side; it has been logged."))


EXCEPTION_HANDLERS: dict[type[Exception] | int, Any] = {
    DomainError: domain_error_handler,
    ValidationException: validation_error_handler,
    HTTPException: http_error_handler,
    IntegrityError: integrity_error_handler,
    OperationalError: operational_error_handler,
    PoolTimeoutError: operational_error_handler,
    DatabaseUnavailable: unavailable_handler,
    OverflowError: out_of_range_handler,
    DataError: out_of_range_handler,
    DBAPIError: database_error_handler,
    Exception: unexpected_error_handler,
}

__all__ = ["EXCEPTION_HANDLERS", "MediaType", "field_message", "problem"]
