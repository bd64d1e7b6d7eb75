"""The layout check: a pure function over one hall's booths and features, with per-expo thresholds.

It finds what makes a floor plan unsafe or unusable: booths overlapping each other or a solid
feature, anything outside the walls, aisles narrower than the minimum, exits with something in
front of them, and booths with no side open to an aisle. Errors ("hard failures") stop printing the
public map and publishing it; warnings are shown to organisers only.

Why one module of about 440 lines: the six rules share one spatial index (``_Grid``) of the hall's
booths and solid features, built once per hall, the gaps found between them and one list of
findings; ``_Check`` holds that state and each rule is one of its methods. Split across modules, the
rules would pass all of it around. Its public face is the data types and ``check_venue``.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Literal

from booths.maps.models import FeatureKind
from booths.venue.geometry import EPS, Rect, inside, overlaps
from expo.i18n import N_

Severity = Literal["error", "warning"]

DOORS = frozenset({FeatureKind.ENTRANCE, FeatureKind.EXIT})
SOLID = frozenset(
    {
        FeatureKind.STAGE,
        FeatureKind.MUSHOLLA,
        FeatureKind.TOILET,
        FeatureKind.INFO,
        FeatureKind.FIRST_AID,
        FeatureKind.REGISTRATION,
        FeatureKind.FOOD_COURT,
        FeatureKind.WALL,
    }
)
_WALL_SNAP_M = 0.5  # a door this close to a wall opens through that wall
_CELL_M = 6.0


@dataclass(frozen=True)
class Rules:
    """Thresholds of the check (stored per expo in ``venue_map``)."""

    min_aisle_m: float = 3.0
    exit_clearance_m: float = 2.0
    min_access_m: float = 1.0


@dataclass(frozen=True)
class FloorFeature:
    kind: FeatureKind
    name: str  # the label, or the kind's name when the label is empty
    rect: Rect


@dataclass(frozen=True)
class HallPlan:
    code: str
    width: float
    depth: float
    booths: Sequence[tuple[str, Rect]]
    features: Sequence[FloorFeature] = ()
    outdoor: bool = False


@dataclass(frozen=True)
class Finding:
    """One problem. ``message`` is a message id filled with ``params``; ``area`` is where to look."""

    code: str
    severity: Severity
    hall: str
    items: tuple[str, ...]
    message: str
    params: dict[str, object]
    area: Rect


@dataclass
class Report:
    findings: list[Finding] = field(default_factory=list)

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "error"]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "warning"]

    @property
    def ok(self) -> bool:
        return not self.errors


@dataclass(frozen=True)
class _Item:
    name: str
    rect: Rect
    booth: bool
    kind: FeatureKind | None = None

    @property
    def column(self) -> bool:
        return self.kind is FeatureKind.COLUMN


class _Grid:
    """Items bucketed by the 6 m cells they cover, so a hall of thousands of booths stays near-linear."""

    def __init__(self, items: Sequence[_Item]) -> None:
        self.items = items
        self.cells: dict[tuple[int, int], list[int]] = {}
        for i, item in enumerate(items):
            for key in self._keys(item.rect, 0.0):
                self.cells.setdefault(key, []).append(i)

    @staticmethod
    def _keys(r: Rect, margin: float) -> Iterable[tuple[int, int]]:
        for gx in range(int((r.x - margin) // _CELL_M), int((r.right + margin) // _CELL_M) + 1):
            for gy in range(int((r.y - margin) // _CELL_M), int((r.bottom + margin) // _CELL_M) + 1):
                yield gx, gy

    def near(self, r: Rect, margin: float) -> list[int]:
        found: set[int] = set()
        for key in self._keys(r, margin):
            found.update(self.cells.get(key, ()))
        return sorted(found)


def _union_covers(spans: Iterable[tuple[float, float]], lo: float, hi: float) -> bool:
    reach = lo
    for a, b in sorted(spans):
        if a > reach + EPS:
            return False
        reach = max(reach, b)
        if reach >= hi - EPS:
            return True
    return reach >= hi - EPS


def _longest_free(spans: Iterable[tuple[float, float]], lo: float, hi: float) -> float:
    best, reach = 0.0, lo
    for a, b in sorted(spans):
        if a > reach:
            best = max(best, min(a, hi) - reach)
        reach = max(reach, b)
        if reach >= hi:
            break
    return max(best, hi - reach)


def _fmt(value: float) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".")


def _join(names: Iterable[str], limit: int = 8) -> str:
    ordered = sorted(set(names))
    return ", ".join(ordered[:limit]) + (f" (+{len(ordered) - limit})" if len(ordered) > limit else "")


def _bbox(rects: Iterable[Rect]) -> Rect:
    rs = list(rects)
    x0, y0 = min(r.x for r in rs), min(r.y for r in rs)
    x1, y1 = max(r.right for r in rs), max(r.bottom for r in rs)
    return Rect(x0, y0, x1 - x0, y1 - y0)


def door_clear_zone(door: Rect, width: float, depth: float, clearance: float) -> Rect:
    """The floor in front of a door that must stay clear: the door's span, ``clearance`` deep into
    the hall from the wall it sits on (or all round when the door stands free)."""
    if door.y <= _WALL_SNAP_M:
        return Rect(door.x, 0.0, door.w, max(door.bottom, clearance))
    if door.bottom >= depth - _WALL_SNAP_M:
        top = min(door.y, depth - clearance)
        return Rect(door.x, top, door.w, depth - top)
    if door.x <= _WALL_SNAP_M:
        return Rect(0.0, door.y, max(door.right, clearance), door.d)
    if door.right >= width - _WALL_SNAP_M:
        left = min(door.x, width - clearance)
        return Rect(left, door.y, width - left, door.d)
    return Rect(door.x - clearance, door.y - clearance, door.w + 2 * clearance, door.d + 2 * clearance)


@dataclass
class _Gap:
    """Narrow gaps found on one line (same axis and edges), merged into one finding."""

    items: set[str]
    rects: list[Rect]
    width: float
    severity: Severity


class _Check:
    """One hall's check; each method adds the findings of one rule."""

    def __init__(self, plan: HallPlan, rules: Rules) -> None:
        self.plan, self.rules = plan, rules
        self.booths = [_Item(code, rect, True) for code, rect in plan.booths]
        solid = SOLID | {FeatureKind.COLUMN}
        floor = [_Item(f.name, f.rect, False, f.kind) for f in plan.features if f.kind in solid]
        self.obstacles: list[_Item] = self.booths + floor
        self.others = [_Item(f.name, f.rect, False, f.kind) for f in plan.features if f.kind not in solid]
        self.grid = _Grid(self.obstacles)
        self.findings: list[Finding] = []
        self.gaps: dict[tuple[str, float, float], _Gap] = {}

    def add(
        self, code: str, severity: Severity, refs: Iterable[str], message: str, area: Rect, **params: object
    ) -> None:
        self.findings.append(Finding(code, severity, self.plan.code, tuple(refs), message, dict(params), area))

    def run(self) -> list[Finding]:
        self.outside()
        self.overlaps()
        self.marked_aisles()
        self.doors()
        self.narrow_gaps()
        self.access()
        self.findings.sort(key=lambda f: (f.severity != "error", f.code, f.items))
        return self.findings

    def outside(self) -> None:
        plan = self.plan
        for item in self.obstacles + self.others:
            if not inside(item.rect, plan.width, plan.depth):
                self.add(
                    "outside_hall",
                    "error",
                    [item.name],
                    N_("%(item)s lies outside the walls of hall %(hall)s."),
                    item.rect,
                    item=item.name,
                    hall=plan.code,
                )

    def overlaps(self) -> None:
        obstacles = self.obstacles
        for i, a in enumerate(obstacles):
            for j in self.grid.near(a.rect, 0.0):
                b = obstacles[j]
                if j <= i or not overlaps(a.rect, b.rect):
                    continue
                area = _bbox([a.rect, b.rect])
                if a.booth and b.booth:
                    self.add(
                        "booth_overlap",
                        "error",
                        [a.name, b.name],
                        N_("Booths %(a)s and %(b)s overlap."),
                        area,
                        a=a.name,
                        b=b.name,
                    )
                elif a.booth or b.booth:
                    booth, other = (a, b) if a.booth else (b, a)
                    if other.column:
                        self.add(
                            "column_in_booth",
                            "warning",
                            [booth.name, other.name],
                            N_("A column (%(feature)s) stands inside booth %(booth)s."),
                            area,
                            booth=booth.name,
                            feature=other.name,
                        )
                    else:
                        self.add(
                            "booth_on_feature",
                            "error",
                            [booth.name, other.name],
                            N_("Booth %(booth)s overlaps %(feature)s."),
                            area,
                            booth=booth.name,
                            feature=other.name,
                        )
                elif not (a.column or b.column):
                    self.add(
                        "features_overlap",
                        "warning",
                        [a.name, b.name],
                        N_("%(a)s and %(b)s overlap."),
                        area,
                        a=a.name,
                        b=b.name,
                    )

    def marked_aisles(self) -> None:
        for aisle in (f for f in self.others if f.kind is FeatureKind.AISLE):
            width = min(aisle.rect.w, aisle.rect.d)
            if width < self.rules.min_aisle_m - EPS:
                self.add(
                    "narrow_aisle",
                    "error",
                    [aisle.name],
                    N_("The aisle %(items)s is %(width)s m wide; the minimum is %(min)s m."),
                    aisle.rect,
                    items=aisle.name,
                    width=_fmt(width),
                    min=_fmt(self.rules.min_aisle_m),
                )
            for j in self.grid.near(aisle.rect, 0.0):
                booth = self.obstacles[j]
                if booth.booth and overlaps(booth.rect, aisle.rect):
                    self.add(
                        "aisle_blocked",
                        "error",
                        [booth.name, aisle.name],
                        N_("Booth %(booth)s stands in the marked aisle %(aisle)s."),
                        _bbox([booth.rect, aisle.rect]),
                        booth=booth.name,
                        aisle=aisle.name,
                    )

    def doors(self) -> None:
        plan, clearance = self.plan, self.rules.exit_clearance_m
        for door in (f for f in self.others if f.kind in DOORS):
            zone = door_clear_zone(door.rect, plan.width, plan.depth, clearance)
            blockers = sorted(
                {self.obstacles[j].name for j in self.grid.near(zone, 0.0) if overlaps(zone, self.obstacles[j].rect)}
            )
            if blockers:
                self.add(
                    "exit_blocked",
                    "error",
                    [door.name, *blockers],
                    N_("%(door)s is blocked by %(items)s: keep %(clearance)s m in front of it clear."),
                    zone,
                    door=door.name,
                    items=_join(blockers),
                    clearance=_fmt(clearance),
                )

    def narrow_gaps(self) -> None:
        """Gaps between a booth and a booth, a solid feature, a column or (indoors) a wall that are
        open but narrower than the minimum aisle. A gap filled by something else is no aisle."""
        n = len(self.booths)
        for i, booth in enumerate(self.booths):
            r = booth.rect
            for j in self.grid.near(r, self.rules.min_aisle_m):
                if j == i or (j < n and j < i):
                    continue  # each pair of booths once
                other = self.obstacles[j]
                o, names = other.rect, [booth.name, other.name]
                x_span = (max(r.x, o.x), min(r.right, o.right))
                y_span = (max(r.y, o.y), min(r.bottom, o.bottom))
                if x_span[1] - x_span[0] > EPS:
                    lo, hi = (r.bottom, o.y) if o.y >= r.bottom - EPS else (o.bottom, r.y)
                    self.gap("y", (lo, hi), x_span, names, column=other.column)
                if y_span[1] - y_span[0] > EPS:
                    lo, hi = (r.right, o.x) if o.x >= r.right - EPS else (o.right, r.x)
                    self.gap("x", (lo, hi), y_span, names, column=other.column)
            if not self.plan.outdoor:
                width, depth = self.plan.width, self.plan.depth
                self.gap("x", (0.0, r.x), (r.y, r.bottom), [booth.name], column=False)
                self.gap("x", (r.right, width), (r.y, r.bottom), [booth.name], column=False)
                self.gap("y", (0.0, r.y), (r.x, r.right), [booth.name], column=False)
                self.gap("y", (r.bottom, depth), (r.x, r.right), [booth.name], column=False)
        for gap in self.gaps.values():
            self.add(
                "narrow_aisle",
                gap.severity,
                sorted(gap.items),
                N_("The aisle by %(items)s is %(width)s m wide; the minimum is %(min)s m."),
                _bbox(gap.rects),
                items=_join(gap.items),
                width=_fmt(gap.width),
                min=_fmt(self.rules.min_aisle_m),
            )

    def gap(
        self, axis: str, edges: tuple[float, float], span: tuple[float, float], names: list[str], *, column: bool
    ) -> None:
        lo, hi = edges
        width = hi - lo
        if not (EPS < width < self.rules.min_aisle_m - EPS) or span[1] - span[0] <= EPS:
            return
        if axis == "x":
            rect = Rect(lo, span[0], width, span[1] - span[0])
        else:
            rect = Rect(span[0], lo, span[1] - span[0], width)
        covering = [
            (o.y, o.bottom) if axis == "x" else (o.x, o.right)
            for o in (self.obstacles[k].rect for k in self.grid.near(rect, 0.0))
            if overlaps(rect, o)
        ]
        if covering and _union_covers(covering, span[0], span[1]):
            return
        entry = self.gaps.setdefault((axis, round(lo, 3), round(hi, 3)), _Gap(set(), [], width, "warning"))
        entry.items.update(names)
        entry.rects.append(rect)
        if not column:
            entry.severity = "error"

    def access(self) -> None:
        """A booth needs one side with a strip ``min_access_m`` deep in front of it, free and inside
        the hall, along at least ``min_access_m`` of its length (or the whole side when shorter)."""
        reach, plan = self.rules.min_access_m, self.plan
        for booth in self.booths:
            r = booth.rect
            sides = (
                ("y", Rect(r.x, r.y - reach, r.w, reach)),
                ("y", Rect(r.x, r.bottom, r.w, reach)),
                ("x", Rect(r.x - reach, r.y, reach, r.d)),
                ("x", Rect(r.right, r.y, reach, r.d)),
            )
            for axis, strip in sides:
                if not inside(strip, plan.width, plan.depth):
                    continue
                blocked = [
                    (o.rect.x, o.rect.right) if axis == "y" else (o.rect.y, o.rect.bottom)
                    for o in (self.obstacles[j] for j in self.grid.near(strip, 0.0))
                    if o is not booth and overlaps(strip, o.rect)
                ]
                lo, hi = (strip.x, strip.right) if axis == "y" else (strip.y, strip.bottom)
                if _longest_free(blocked, lo, hi) >= min(reach, hi - lo) - EPS:
                    break
            else:
                self.add(
                    "no_access",
                    "error",
                    [booth.name],
                    N_("Booth %(booth)s has no side open to an aisle."),
                    r,
                    booth=booth.name,
                )


def check_hall(plan: HallPlan, rules: Rules) -> list[Finding]:
    """Every problem of one hall, errors first, in a stable order."""
    return _Check(plan, rules).run()


def check_venue(plans: Sequence[HallPlan], rules: Rules) -> Report:
    report = Report()
    for plan in plans:
        report.findings.extend(check_hall(plan, rules))
    return report
