"""Field types and the strict base that every booths request schema uses."""

import re
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


_TYPED_RUPIAH = re.compile(r"^\s*-?\s*(Rp\.?\s*)?[\d.,\s]+$", re.IGNORECASE)


def typed_rupiah(text: str) -> str:
    """What a page's amount field holds, for a ``Rupiah`` schema field: people type ``1.500.000`` or
    ``Rp 1.500.000`` (the digits are kept; a minus too, so that it is refused, not lost); anything else
    stays as typed, for the schema to refuse with its own message."""
    if not _TYPED_RUPIAH.match(text):
        return text.strip()
    digits = re.sub(r"\D", "", text)
    return f"-{digits}" if text.strip().startswith("-") else digits
