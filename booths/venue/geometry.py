"""Pure geometry of booths on a hall floor (metres, origin at the hall's top-left corner)."""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from booths.venue.models import BoothType

EPS = 1e-6


@dataclass(frozen=True)
class Rect:
    x: float
    y: float
    w: float
    d: float

    @property
    def right(self) -> float:
        return self.x + self.w

    @property
    def bottom(self) -> float:
        return self.y + self.d


def overlaps(a: Rect, b: Rect) -> bool:
    """True when the two rectangles share area (touching edges do not count)."""
    return a.x < b.right - EPS and b.x < a.right - EPS and a.y < b.bottom - EPS and b.y < a.bottom - EPS


def inside(rect: Rect, width: float, depth: float) -> bool:
    return rect.x >= -EPS and rect.y >= -EPS and rect.right <= width + EPS and rect.bottom <= depth + EPS


def _span_overlap(a0: float, a1: float, b0: float, b1: float) -> float:
    return min(a1, b1) - max(a0, b0)


def closed_sides(rect: Rect, others: Iterable[Rect], width: float, depth: float) -> int:
    """How many of the four sides are against a wall or another booth."""
    top = rect.y <= EPS
    bottom = rect.bottom >= depth - EPS
    left = rect.x <= EPS
    right = rect.right >= width - EPS
    for o in others:
        if _span_overlap(rect.x, rect.right, o.x, o.right) > EPS:
            top = top or abs(o.bottom - rect.y) <= EPS
            bottom = bottom or abs(o.y - rect.bottom) <= EPS
        if _span_overlap(rect.y, rect.bottom, o.y, o.bottom) > EPS:
            left = left or abs(o.right - rect.x) <= EPS
            right = right or abs(o.x - rect.right) <= EPS
    return sum((top, bottom, left, right))


def derive_booth_type(rect: Rect, others: Iterable[Rect], width: float, depth: float, outdoor: bool) -> BoothType:
    """Inline (one open side), corner (two or three), island (four); tents outdoors."""
    if outdoor:
        return BoothType.TENT
    open_sides = 4 - closed_sides(rect, others, width, depth)
    if open_sides >= 4:
        return BoothType.ISLAND
    if open_sides >= 2:
        return BoothType.CORNER
    return BoothType.INLINE


def derive_types(rects: Sequence[Rect], width: float, depth: float, outdoor: bool) -> list[BoothType]:
    """Types for every booth of one hall. Neighbours are looked up in a coarse grid, so a hall of
    thousands of booths costs about as much as its booths, not their square."""
    cell = max(1.0, max((max(r.w, r.d) for r in rects), default=1.0))
    grid: dict[tuple[int, int], list[int]] = {}
    for i, r in enumerate(rects):
        for gx in range(int(r.x // cell), int(r.right // cell) + 1):
            for gy in range(int(r.y // cell), int(r.bottom // cell) + 1):
                grid.setdefault((gx, gy), []).append(i)
    types = []
    for i, r in enumerate(rects):
        near: set[int] = set()
        for gx in range(int(r.x // cell) - 1, int(r.right // cell) + 2):
            for gy in range(int(r.y // cell) - 1, int(r.bottom // cell) + 2):
                near.update(grid.get((gx, gy), ()))
        near.discard(i)
        types.append(derive_booth_type(r, (rects[j] for j in near), width, depth, outdoor))
    return types


@dataclass(frozen=True)
class BlockSpec:
    """A block of booths: ``rows`` x ``columns``, rows separated by aisles (or paired back to back)."""

    origin_x: float
    origin_y: float
    rows: int
    columns: int
    booth_width: float
    booth_depth: float
    aisle_m: float
    prefix: str
    start_number: int = 1
    back_to_back: bool = False
    number_width: int = 2


def block_layout(spec: BlockSpec) -> list[tuple[str, Rect]]:
    """Codes and rectangles of a generated block, numbered row by row (``A-01``, ``A-02``, ...)."""
    out: list[tuple[str, Rect]] = []
    total = spec.rows * spec.columns
    digits = max(spec.number_width, len(str(spec.start_number + total - 1)))
    y = spec.origin_y
    n = spec.start_number
    for row in range(spec.rows):
        for col in range(spec.columns):
            code = f"{spec.prefix}-{n:0{digits}d}"
            out.append((code, Rect(spec.origin_x + col * spec.booth_width, y, spec.booth_width, spec.booth_depth)))
            n += 1
        paired_with_next = spec.back_to_back and row % 2 == 0
        y += spec.booth_depth + (0.0 if paired_with_next else spec.aisle_m)
    return out
