"""Field types and the strict base that every booths request schema uses."""

from typing import Annotated

from pydantic import AfterValidator, BeforeValidator, ConfigDict, Field

from booths.exhibitors.validation import normalise_booth_code, normalise_nib, normalise_whatsapp
from expo.text import CleanInput

Name = Annotated[str, Field(min_length=1, max_length=160), AfterValidator(str.strip)]


ShortCode = Annotated[str, Field(min_length=1, max_length=32, pattern=r"^[A-Za-z0-9_-]+$")]


Metres = Annotated[float, Field(gt=0, le=2000)]


Position = Annotated[float, Field(ge=0, le=2000)]


Rupiah = Annotated[int, Field(ge=0, le=10_000_000_000)]


def _not_below_zero(value: object) -> object:
    if isinstance(value, str | int) and str(value).strip().startswith("-"):
        raise ValueError("A price cannot be below zero.")
    return value


Price = Annotated[Rupiah, BeforeValidator(_not_below_zero)]
"""A stand's price: rupiah, refused below zero with its own message."""


Nib = Annotated[str, AfterValidator(normalise_nib)]


WhatsApp = Annotated[str, Field(max_length=32), AfterValidator(normalise_whatsapp)]


BoothCode = Annotated[str, Field(max_length=16), AfterValidator(normalise_booth_code)]


Email = Annotated[str, Field(max_length=254, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")]


Colour = Annotated[str, Field(pattern=r"^#[0-9a-fA-F]{6}$")]


# Query parameters reach SQL as they are: no NUL (PostgreSQL refuses it in text), codes as codes.
NO_NUL = r"^[^\x00]*$"


CLUSTER_QUERY = r"^[A-Za-z0-9_-]*$"


class Strict(CleanInput):
    """Request bodies: unknown fields refused, no control characters (tab and line breaks only in
    fields marked ``MULTI_LINE``), the same on SQLite and PostgreSQL."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)
