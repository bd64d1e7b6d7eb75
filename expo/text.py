"""Text that people send us: no control characters, the same answer on SQLite and PostgreSQL.

PostgreSQL refuses a NUL character in text while SQLite stores it, and other control characters
(escape sequences, backspaces, lone surrogates) are never typed by a person: they come from
copy-paste accidents or from someone probing. They are refused at the edge, as a translated problem
on the field, before any engine sees them. Tab and line breaks are allowed only in multi-line free
text (descriptions, notes), which a field says by carrying :data:`MULTI_LINE`.

- :class:`CleanInput` is the base of every request schema: each string in it (also inside lists
  and dicts) is checked, single-line unless the field is marked multi-line.
- :data:`Line` and :data:`MultiLineText` are the same checks as types, for models and forms that do
  not derive from :class:`CleanInput`.
"""

import unicodedata
from dataclasses import dataclass
from functools import cache
from typing import Annotated, Any, get_args

from pydantic import AfterValidator, BaseModel, ValidationInfo, field_validator

from expo.i18n import N_

NOT_ALLOWED = N_("This text contains a character that is not allowed.")
_LINE_BREAKS = frozenset("\t\n\r")
# Cc: C0 and C1 controls and DEL; Cs: lone surrogates (not even encodable as UTF-8).
_REFUSED_CATEGORIES = frozenset({"Cc", "Cs"})


@dataclass(frozen=True)
class _MultiLine:
    """Marks a string field whose value may hold tabs and line breaks."""


MULTI_LINE = _MultiLine()


@dataclass(frozen=True)
class _Raw:
    """Marks a string field that is data for a parser, not text for people (a scanned QR code):
    never stored as it is, so it is left for its parser to judge."""


RAW = _Raw()


def has_control(value: str, *, multi_line: bool = False) -> bool:
    allowed = _LINE_BREAKS if multi_line else frozenset()
    return any(unicodedata.category(ch) in _REFUSED_CATEGORIES and ch not in allowed for ch in value)


def single_line(value: str) -> str:
    if has_control(value):
        raise ValueError(NOT_ALLOWED)
    return value


def multi_line(value: str) -> str:
    if has_control(value, multi_line=True):
        raise ValueError(NOT_ALLOWED)
    return value


Line = Annotated[str, AfterValidator(single_line)]
MultiLineText = Annotated[str, MULTI_LINE, AfterValidator(multi_line)]


def _refuse_in(value: Any, *, multi: bool) -> None:
    if isinstance(value, str):
        if has_control(value, multi_line=multi):
            raise ValueError(NOT_ALLOWED)
    elif isinstance(value, (list, tuple, set, frozenset)):
        for item in value:
            _refuse_in(item, multi=multi)
    elif isinstance(value, dict):
        for key, item in value.items():
            _refuse_in(key, multi=False)
            _refuse_in(item, multi=multi)


def _marked(annotation: Any, marker: object) -> bool:
    """Does this type, or one it is made of (``MultiLineText | None``), carry ``marker``?"""
    if marker in getattr(annotation, "__metadata__", ()):
        return True
    return any(_marked(arg, marker) for arg in get_args(annotation))


@cache
def _field_kind(model: type[BaseModel], name: str) -> str:
    field = model.model_fields.get(name)
    if field is None:
        return "line"
    for marker, kind in ((RAW, "raw"), (MULTI_LINE, "multi")):
        if marker in field.metadata or _marked(field.annotation, marker):
            return kind
    return "line"


class CleanInput(BaseModel):
    """Base of request schemas: no string field accepts control characters (see the module)."""

    @field_validator("*", mode="after")
    @classmethod
    def _no_control_characters(cls, value: Any, info: ValidationInfo) -> Any:
        kind = _field_kind(cls, info.field_name or "")
        if kind != "raw":
            _refuse_in(value, multi=kind == "multi")
        return value
