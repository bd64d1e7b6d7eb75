"""The allocation's vocabulary (pure): inputs, outputs, booth geometry, hard needs and the published priority."""

import hashlib
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

PREFERENCE_LIMIT = 5
NEEDS = ("type", "package", "area", "power", "accessible", "zone_rule", "capacity")
OPEN_SIDES = {"island": 1.0, "corner": 0.5, "tent": 0.5, "inline": 0.25}


# --- inputs ----------------------------------------------------------------------------------------
@dataclass(frozen=True)
class BoothIn:
    id: int
    code: str
    hall: str
    x: float
    y: float
    width: float
    depth: float
    booth_type: str = "inline"
    package: str = ""
    zone: str | None = None  # the product cluster whose zone the booth lies in
    power_amps: int = 0
    accessible: bool = True
    position_score: int = 50  # 0..100: exposure (near entrances and main aisles, open sides)
    capacity: int = 1  # exhibitors a shared stand on this booth may hold
    staff_quota: int = 2

    @property
    def area(self) -> float:
        return self.width * self.depth


@dataclass(frozen=True)
class ApplicantIn:
    id: int  # the application
    exhibitor_id: int
    name: str
    exhibitor_class: str
    applied_on: date
    cluster: str | None = None
    group: str = ""  # fairness group; empty: the exhibitor class
    booth_types: frozenset[str] = frozenset()  # empty: any
    packages: frozenset[str] = frozenset()  # empty: any
    min_area_m2: float = 0.0
    power_amps: int = 0
    accessible: bool = False
    preferences: tuple[str, ...] = ()  # "A-12", "zone:kuliner" or "hall:A", best first
    share: bool = False
    share_with: frozenset[int] = frozenset()  # exhibitor ids
    near: frozenset[int] = frozenset()  # exhibitor ids
    avoid: frozenset[int] = frozenset()  # exhibitor ids of competitors

    @property
    def fairness_group(self) -> str:
        return self.group or self.exhibitor_class


@dataclass(frozen=True)
class LockedIn:
    """An active booking that stays where it is (main exhibitor first, then co-exhibitors)."""

    booth_id: int
    exhibitor_ids: tuple[int, ...]
    cluster: str | None = None


@dataclass(frozen=True)
class ClassQuota:
    """``reserved`` applicants of the class rank before everyone else; at most ``cap`` are placed."""

    exhibitor_class: str
    reserved: int = 0
    cap: int | None = None


@dataclass(frozen=True)
class ZoneRule:
    """Booths in ``zone`` (a cluster zone, ``hall:<code>`` or ``package:<code>``) only take applicants of
    the listed clusters and classes (None: any)."""

    zone: str
    clusters: frozenset[str] | None = None
    classes: frozenset[str] | None = None

    def matches(self, booth: BoothIn) -> bool:
        kind, _, value = self.zone.partition(":")
        if kind == "hall" and value:
            return booth.hall == value
        if kind == "package" and value:
            return booth.package == value
        return booth.zone == self.zone

    def allows(self, applicant: ApplicantIn) -> bool:
        return (self.clusters is None or applicant.cluster in self.clusters) and (
            self.classes is None or applicant.exhibitor_class in self.classes
        )


@dataclass(frozen=True)
class Weights:
    """Points per unit of each soft goal; the organiser sets them (0 switches a goal off)."""

    preference: int = 10  # per step: a first choice is worth 5x, a fifth 1x
    position: int = 2  # per 10 points of position score
    cluster_zone: int = 20  # placed in the zone of its own product cluster
    cluster_adjacent: int = 2  # per pair of neighbouring booths of one cluster
    competitor: int = 40  # per pair of competitors side by side (a penalty)
    near: int = 10  # per wish to be near someone that is met
    fairness: int = 5  # per point the gap in mean position score between groups exceeds the allowed gap
    priority_boost: int = 20  # percent more preference points for the first in priority than for the last


@dataclass(frozen=True)
class Options:
    seed: int = 0
    weights: Weights = field(default_factory=Weights)
    quotas: tuple[ClassQuota, ...] = ()
    zone_rules: tuple[ZoneRule, ...] = ()
    fairness_max_gap: int = 10
    adjacent_gap_m: float = 1.0  # booths closer than this (edge to edge, facing) are neighbours
    near_m: float = 7.0  # booth centres closer than this are "near"
    max_per_stand: int = 3
    time_limit_s: float = 5.0
    workers: int = 2
    use_solver: bool = True


@dataclass(frozen=True)
class Problem:
    booths: tuple[BoothIn, ...]
    applicants: tuple[ApplicantIn, ...]
    locked: tuple[LockedIn, ...] = ()
    pins: Mapping[int, int] = field(default_factory=dict)  # application id -> booth id
    names: Mapping[int, str] = field(default_factory=dict)  # exhibitor id -> name, for explanations
    options: Options = field(default_factory=Options)


# --- outputs ---------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Reason:
    code: str
    params: dict[str, str | int | float] = field(default_factory=dict)


@dataclass(frozen=True)
class Explanation:
    application_id: int
    exhibitor_id: int
    rank: int
    placed: bool
    booth_id: int | None
    booth_code: str | None
    reason: Reason
    notes: tuple[Reason, ...] = ()
    shared_with: tuple[int, ...] = ()  # other applications on the same stand
    main: bool = True
    position_score: int | None = None


@dataclass(frozen=True)
class PriorityEntry:
    application_id: int
    rank: int
    tier: str  # "reserved" or "open"
    applied_on: str
    lottery: str


@dataclass(frozen=True)
class Stand:
    booth_id: int
    booth_code: str
    application_ids: tuple[int, ...]  # main first
    exhibitor_ids: tuple[int, ...]
    staff_quota_shares: tuple[int, ...]
    pinned: bool = False


@dataclass(frozen=True)
class GroupFairness:
    group: str
    placed: int
    mean: float
    worst: int
    best: int


@dataclass(frozen=True)
class Outcome:
    stands: tuple[Stand, ...]
    explanations: tuple[Explanation, ...]
    priority: tuple[PriorityEntry, ...]
    objective: int
    bound: int
    gap_pct: float
    terms: dict[str, int]
    method: str
    optimal: bool
    timed_out: bool
    solve_s: float
    fairness: tuple[GroupFairness, ...]
    fairness_gap: float
    competitor_pairs_adjacent: int
    placed: int
    unplaced: int
    seed: int


# --- geometry ----------------------------------------------------------------------------------------
def _gap(a0: float, a1: float, b0: float, b1: float) -> float:
    """Distance between two intervals; negative when they overlap (by that much)."""
    return max(b0 - a1, a0 - b1)


def adjacent(a: BoothIn, b: BoothIn, gap_m: float) -> bool:
    """Side by side: sharing an edge, or facing across a gap narrower than ``gap_m`` along at least
    half a metre (corner to corner does not count)."""
    if a.hall != b.hall or a.id == b.id:
        return False
    gx = _gap(a.x, a.x + a.width, b.x, b.x + b.width)
    gy = _gap(a.y, a.y + a.depth, b.y, b.y + b.depth)
    eps = 1e-6
    return (-eps <= gx <= gap_m + eps and gy < -0.5) or (-eps <= gy <= gap_m + eps and gx < -0.5)


def _centre(b: BoothIn) -> tuple[float, float]:
    return b.x + b.width / 2, b.y + b.depth / 2


def neighbourhoods(booths: Sequence[BoothIn], gap_m: float, near_m: float) -> tuple[list[list[int]], list[list[int]]]:
    """Adjacent and near booths (as indexes into ``booths``), found through a coarse grid per hall."""
    cell = max(near_m, gap_m, max((max(b.width, b.depth) for b in booths), default=1.0)) + 1.0
    grid: dict[tuple[str, int, int], list[int]] = {}
    for i, b in enumerate(booths):
        cx, cy = _centre(b)
        grid.setdefault((b.hall, int(cx // cell), int(cy // cell)), []).append(i)
    adj: list[list[int]] = [[] for _ in booths]
    near: list[list[int]] = [[] for _ in booths]
    for i, b in enumerate(booths):
        cx, cy = _centre(b)
        gx, gy = int(cx // cell), int(cy // cell)
        for dx in (-1, 0, 1):
            for dy in (-1, 0, 1):
                for j in grid.get((b.hall, gx + dx, gy + dy), ()):
                    if j == i:
                        continue
                    other = booths[j]
                    if adjacent(b, other, gap_m):
                        adj[i].append(j)
                    ox, oy = _centre(other)
                    if math.hypot(cx - ox, cy - oy) <= near_m:
                        near[i].append(j)
    return [sorted(a) for a in adj], [sorted(n) for n in near]


@dataclass(frozen=True)
class HallIn:
    code: str
    width: float
    depth: float
    entrances: tuple[tuple[float, float], ...] = ()  # points on the floor plan; none: the front centre
    main_aisles: tuple[tuple[float, float, float, float], ...] = ()  # segments; none: the centre lines


def _segment_distance(px: float, py: float, seg: tuple[float, float, float, float]) -> float:
    x0, y0, x1, y1 = seg
    dx, dy = x1 - x0, y1 - y0
    length = dx * dx + dy * dy
    t = 0.0 if length == 0 else max(0.0, min(1.0, ((px - x0) * dx + (py - y0) * dy) / length))
    return math.hypot(px - (x0 + t * dx), py - (y0 + t * dy))


def position_scores(booths: Sequence[BoothIn], halls: Sequence[HallIn]) -> dict[int, int]:
    """Exposure 0..100 per booth: 60% closeness to the nearest entrance, 20% to a main aisle, 20% open
    sides. Without venue features the entrance is the middle of the front wall (y = 0) and the main
    aisles are the hall's centre lines."""
    by_code = {h.code: h for h in halls}
    out: dict[int, int] = {}
    for b in booths:
        hall = by_code.get(b.hall)
        if hall is None:
            out[b.id] = 50
            continue
        cx, cy = _centre(b)
        diagonal = max(1.0, math.hypot(hall.width, hall.depth))
        entrances = hall.entrances or ((hall.width / 2, 0.0),)
        aisles = hall.main_aisles or (
            (hall.width / 2, 0.0, hall.width / 2, hall.depth),
            (0.0, hall.depth / 2, hall.width, hall.depth / 2),
        )
        entrance = 1 - min(math.hypot(cx - ex, cy - ey) for ex, ey in entrances) / diagonal
        aisle = 1 - min(_segment_distance(cx, cy, s) for s in aisles) / (diagonal / 2)
        score = 60 * max(0.0, entrance) + 20 * max(0.0, aisle) + 20 * OPEN_SIDES.get(b.booth_type, 0.25)
        out[b.id] = max(0, min(100, round(score)))
    return out


def stand_capacity(width: float, depth: float, max_per_stand: int) -> int:
    """How many exhibitors may share a stand: one per 3 m² (a 3 x 3 m booth holds three), at most
    ``max_per_stand``."""
    return max(1, min(max_per_stand, int(width * depth // 3)))


# --- preferences, needs, priority ---------------------------------------------------------------------
def parse_preference(text: str) -> tuple[str, str]:
    """``A-12`` -> ("booth", "A-12"); ``zone:kuliner`` -> ("zone", "kuliner"); ``hall:A`` -> ("hall", "A")."""
    kind, sep, value = text.strip().partition(":")
    if sep and kind.lower() in {"zone", "hall"} and value.strip():
        return kind.lower(), value.strip()
    return "booth", text.strip().upper()


def preference_matches(kind: str, value: str, booth: BoothIn) -> bool:
    if kind == "booth":
        return booth.code.upper() == value
    if kind == "zone":
        return booth.zone == value
    return booth.hall.upper() == value.upper()


def preference_points(weights: Weights, preference: int | None, rank: int, applicants: int) -> int:
    """Points for getting the ``preference``-th choice (1 = first) to the applicant ranked ``rank`` of
    ``applicants``: a first choice is worth five steps, a fifth one step, and higher priority adds up to
    ``priority_boost`` percent (so equal wishes are settled in priority order)."""
    if preference is None:
        return 0
    boost = weights.priority_boost * (applicants - rank) // max(1, applicants - 1)
    return weights.preference * (PREFERENCE_LIMIT + 1 - preference) * (100 + boost) // 100


def preference_rank(applicant: ApplicantIn, booth: BoothIn) -> int | None:
    """The best rank (1-based) of the applicant's preferences that ``booth`` satisfies."""
    for rank, text in enumerate(applicant.preferences[:PREFERENCE_LIMIT], start=1):
        if preference_matches(*parse_preference(text), booth):
            return rank
    return None


def unmet_needs(applicant: ApplicantIn, booth: BoothIn, rules: Sequence[ZoneRule]) -> list[str]:
    """The hard needs ``booth`` fails for ``applicant`` (empty: it fits)."""
    failed = []
    if applicant.booth_types and booth.booth_type not in applicant.booth_types:
        failed.append("type")
    if applicant.packages and booth.package not in applicant.packages:
        failed.append("package")
    if booth.area + 1e-6 < applicant.min_area_m2:
        failed.append("area")
    if booth.power_amps < applicant.power_amps:
        failed.append("power")
    if applicant.accessible and not booth.accessible:
        failed.append("accessible")
    if any(rule.matches(booth) and not rule.allows(applicant) for rule in rules):
        failed.append("zone_rule")
    return failed


def lottery(seed: int, application_id: int) -> str:
    """The published tie-break: the first 12 hex digits of SHA-256("<seed>:<application id>")."""
    return hashlib.sha256(f"{seed}:{application_id}".encode()).hexdigest()[:12]


def priority(applicants: Sequence[ApplicantIn], quotas: Sequence[ClassQuota], seed: int) -> list[PriorityEntry]:
    """Ranks: the first ``reserved`` applicants of each reserved class (by day, then lottery), then
    everyone else by application day, then lottery. Rank 1 comes first."""

    def key(a: ApplicantIn) -> tuple[date, str, int]:
        return a.applied_on, lottery(seed, a.id), a.id

    reserved: set[int] = set()
    for quota in quotas:
        if quota.reserved > 0:
            same = sorted((a for a in applicants if a.exhibitor_class == quota.exhibitor_class), key=key)
            reserved.update(a.id for a in same[: quota.reserved])
    ordered = sorted(applicants, key=lambda a: (a.id not in reserved, *key(a)))
    return [
        PriorityEntry(
            application_id=a.id,
            rank=i,
            tier="reserved" if a.id in reserved else "open",
            applied_on=a.applied_on.isoformat(),
            lottery=lottery(seed, a.id),
        )
        for i, a in enumerate(ordered, start=1)
    ]
