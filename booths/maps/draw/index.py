"""The index pages of a booth map (exhibitors A–Z, booths by code, by product cluster), laid out as
positioned text in newspaper columns. Pure layout: drawing is ``mapdraw``'s job."""

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

from reportlab.lib.units import mm

from expo.fonts import FontNames
from expo.pdf_text import LEADING, width, wrap

OpKind = Literal["text", "bold", "right", "muted", "heading", "subheading", "swatch"]


@dataclass(frozen=True)
class Entry:
    main: str
    right: str = ""
    sub: str = ""


@dataclass(frozen=True)
class Section:
    title: str
    entries: Sequence[Entry]
    level: int = 1  # 1: an index of its own; 2: a group inside it (a cluster)
    swatch: str | None = None  # the cluster code whose swatch leads the title


@dataclass(frozen=True)
class Op:
    kind: OpKind
    x: float
    y: float  # baseline, PDF coordinates
    text: str = ""
    size: float = 0.0


@dataclass
class IndexPage:
    ops: list[Op] = field(default_factory=list)


@dataclass
class _Cursor:
    columns: int
    col_w: float
    gap: float
    left: float
    top: float
    bottom: float
    pages: list[IndexPage] = field(default_factory=list)
    column: int = 0
    y: float = 0.0

    def new_page(self) -> None:
        self.pages.append(IndexPage())
        self.column, self.y = 0, self.top

    def next_column(self) -> None:
        if self.column + 1 < self.columns:
            self.column += 1
            self.y = self.top
        else:
            self.new_page()

    def ensure(self, height: float) -> None:
        if not self.pages:
            self.new_page()
        if self.y - height < self.bottom and self.y < self.top:
            self.next_column()

    @property
    def x(self) -> float:
        return self.left + self.column * (self.col_w + self.gap)

    def add(self, op: Op) -> None:
        self.pages[-1].ops.append(op)


def layout_index(
    sections: Sequence[Section],
    *,
    page_w: float,
    top: float,
    bottom: float,
    margin: float,
    unit: float,
    fonts: FontNames,
) -> list[IndexPage]:
    """Pages of positioned text; ``top``/``bottom`` bound the text area (PDF y), ``unit`` scales sizes."""
    size = 7.5 * unit
    lead = size * LEADING
    small = 6.5 * unit
    gap = 6 * mm * unit
    usable = page_w - 2 * margin
    columns = max(1, int((usable + gap) // (80 * mm * unit + gap)))
    col_w = (usable - gap * (columns - 1)) / columns
    cur = _Cursor(columns, col_w, gap, margin, top, bottom)
    for section in sections:
        head = (13 if section.level == 1 else 9) * unit
        first = _entry_height(section.entries[0], fonts, size, small, col_w) if section.entries else 0.0
        if section.level == 1 and cur.pages and cur.y < cur.top:
            cur.y -= head * 0.6
        cur.ensure(head * 1.4 + first)
        cur.y -= head
        if section.swatch:
            cur.add(Op("swatch", cur.x, cur.y, section.swatch, head))
        indent = head * 1.6 if section.swatch else 0.0
        title_lines = wrap(section.title, fonts.bold, head, col_w - indent) or [""]
        for i, line in enumerate(title_lines):
            kind: OpKind = "heading" if section.level == 1 else "subheading"
            cur.add(Op(kind, cur.x + indent, cur.y - i * head * LEADING, line, head))
        cur.y -= head * LEADING * (len(title_lines) - 1) + head * 0.5
        for entry in section.entries:
            height = _entry_height(entry, fonts, size, small, col_w)
            cur.ensure(height)
            _place(cur, entry, fonts, size, small, lead)
    return cur.pages


def _entry_height(entry: Entry, fonts: FontNames, size: float, small: float, col_w: float) -> float:
    main_w = col_w - (width(entry.right, fonts.bold, size) + size if entry.right else 0.0)
    lines = len(wrap(entry.main, fonts.regular, size, main_w)) or 1
    subs = len(wrap(entry.sub, fonts.regular, small, main_w)) if entry.sub else 0
    return lines * size * LEADING + subs * small * LEADING + size * 0.35


def _place(cur: _Cursor, entry: Entry, fonts: FontNames, size: float, small: float, lead: float) -> None:
    right_w = width(entry.right, fonts.bold, size) + size if entry.right else 0.0
    main_w = cur.col_w - right_w
    top = cur.y
    if entry.right:
        cur.add(Op("right", cur.x + cur.col_w, top - size, entry.right, size))
    for line in wrap(entry.main, fonts.regular, size, main_w) or [""]:
        cur.add(Op("text", cur.x, top - size, line, size))
        top -= lead
    for line in wrap(entry.sub, fonts.regular, small, main_w) if entry.sub else []:
        cur.add(Op("muted", cur.x + size * 0.6, top - small, line, small))
        top -= small * LEADING
    cur.y = top - size * 0.35
