"""One way to write a moment in the API: an aware UTC timestamp ending in ``Z``.

SQLite gives stored times back naive (they are UTC); PostgreSQL gives them aware. A response
schema field typed :data:`UtcDateTime` is made aware UTC when the model is built and written as
``2026-10-21T03:00:00Z`` in JSON, whatever the engine, so a phone or a spreadsheet never has to
guess the zone. Times of day (opening hours) stay ``time``: they are local to the expo, not moments.
"""

from datetime import datetime
from typing import Annotated

from pydantic import AfterValidator, PlainSerializer, WithJsonSchema

from expo.formatting import as_utc


def utc_z(value: datetime) -> str:
    """``2026-10-21T03:00:00Z``: ISO 8601 in UTC with ``Z`` (a naive value is taken as UTC)."""
    return as_utc(value).isoformat().removesuffix("+00:00") + "Z"


UtcDateTime = Annotated[
    datetime,
    AfterValidator(as_utc),
    PlainSerializer(utc_z, return_type=str, when_used="json"),
    WithJsonSchema({"type": "string", "format": "date-time"}),
]
