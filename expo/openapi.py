"""What the OpenAPI document says beyond what Litestar infers: the problem-details error answers of
every API operation, and opening hours as times of day (Litestar calls every ``time`` a duration)."""

from datetime import time
from typing import Any

from litestar import Litestar
from litestar.handlers import HTTPRouteHandler
from litestar.openapi.datastructures import ResponseSpec
from litestar.openapi.spec import Schema
from litestar.openapi.spec.enums import OpenAPIFormat, OpenAPIType
from litestar.plugins import OpenAPISchemaPlugin
from litestar.typing import FieldDefinition
from pydantic import BaseModel, Field

PROBLEM_MEDIA_TYPE = "application/problem+json"


class FieldError(BaseModel):
    field: str = Field(description="The input it is about, as a dotted path (``nib``, ``rows.3.code``).")
    message: str = Field(description="What is wrong, in the request's language.")


class ProblemDetails(BaseModel):
    """An error (RFC 9457). ``code`` is stable; ``title`` and ``detail`` are in the request's language."""

    type: str = Field(description="A URI naming the problem: the problem base plus ``code``.")
    title: str
    status: int
    code: str = Field(description="Stable, machine-readable: ``booth_taken``, ``invalid_input``, ...")
    detail: str
    errors: list[FieldError] = Field(default_factory=list, description="Per field, when input was refused.")


_EVERY_OPERATION = {
    400: "The request could not be processed (e.g. malformed or too deeply nested JSON).",
    401: "Not logged in.",
    403: "Logged in, but not allowed.",
    404: "Not found.",
    409: "Conflicts with the current state.",
    422: "Some fields are not valid (see ``errors``).",
    503: "The database is busy or unavailable; try again after ``Retry-After``.",
}
_WITH_BODY = {
    413: "The body is too large.",
    415: "The body is not of the expected type (send JSON).",
}


def _spec(description: str) -> ResponseSpec:
    return ResponseSpec(
        data_container=ProblemDetails, description=description, media_type=PROBLEM_MEDIA_TYPE, generate_examples=False
    )


def problem_responses(handler: HTTPRouteHandler) -> dict[int, ResponseSpec]:
    codes = dict(_EVERY_OPERATION)
    if handler.http_methods & {"POST", "PUT", "PATCH"}:
        codes |= _WITH_BODY
    if handler.opt.get("rate_limit"):
        codes[429] = "Too many attempts; wait and try again."
    return {status: _spec(text) for status, text in codes.items()}


def document_problems(app: Litestar) -> None:
    """Give every API operation of ``app`` its problem-details answers (replacing Litestar's default
    400 shape, which this app never sends). The handlers are the app's own copies."""
    for route in app.routes:
        if not route.path.startswith("/api"):
            continue
        for handler in getattr(route, "route_handlers", []):
            if isinstance(handler, HTTPRouteHandler):
                handler.responses = problem_responses(handler) | dict(handler.responses or {})


class TimeOfDaySchema(OpenAPISchemaPlugin):
    """Opening hours are times of day (``09:00:00``), ``format: time``, not ``duration``."""

    @staticmethod
    def is_plugin_supported_type(value: Any) -> bool:
        return value is time

    def to_openapi_schema(self, field_definition: FieldDefinition, schema_creator: Any) -> Schema:
        return Schema(type=OpenAPIType.STRING, format=OpenAPIFormat.TIME, examples=["09:00:00"])
