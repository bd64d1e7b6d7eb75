"""The allocation's plan (pure): shared stands from the applications, the organiser's pins, who is placed
by the published priority, and the optimiser's instance for where they go."""

from collections.abc import Iterable
from dataclasses import dataclass

from booths.allocation.solver import engine
from booths.allocation.solver.model import (
    ApplicantIn,
    BoothIn,
    LockedIn,
    Problem,
    Reason,
    neighbourhoods,
    preference_points,
    preference_rank,
    priority,
    unmet_needs,
)


@dataclass
class Unit:
    members: list[ApplicantIn]  # by rank, the main exhibitor first
    fits: list[int]  # booth indexes
    pin: int | None = None

    @property
    def main(self) -> ApplicantIn:
        return self.members[0]


class Plan:
    """One allocation: the indexes of booths and applicants, the stands, and the notes gathered on the way."""

    def __init__(self, problem: Problem) -> None:
        self.p = problem
        self.o = problem.options
        self.w = problem.options.weights
        booths = {b.id: b for b in problem.booths}  # last wins on a repeated id
        self.locked: dict[int, LockedIn] = {}
        for lock in problem.locked:
            self.locked.setdefault(lock.booth_id, lock)
        self.all_booths = sorted(booths.values(), key=lambda b: (b.hall, b.code, b.id))
        self.all_index = {b.id: i for i, b in enumerate(self.all_booths)}
        self.adj_all, self.near_all = neighbourhoods(self.all_booths, self.o.adjacent_gap_m, self.o.near_m)
        self.free = [b for b in self.all_booths if b.id not in self.locked]
        self.free_index = {b.id: i for i, b in enumerate(self.free)}
        self.booth_of_exhibitor: dict[int, int] = {}
        for lock in self.locked.values():
            for e in lock.exhibitor_ids:
                self.booth_of_exhibitor.setdefault(e, lock.booth_id)
        applicants: dict[int, ApplicantIn] = {}
        seen_exhibitors: set[int] = set()
        for a in sorted(problem.applicants, key=lambda a: a.id):
            if a.exhibitor_id not in seen_exhibitors:  # one application per exhibitor
                applicants[a.id] = a
                seen_exhibitors.add(a.exhibitor_id)
        self.priority = priority(list(applicants.values()), self.o.quotas, self.o.seed)
        self.rank = {e.application_id: e.rank for e in self.priority}
        self.ranked = [applicants[e.application_id] for e in self.priority]
        self.kept = {a.id for a in self.ranked if a.exhibitor_id in self.booth_of_exhibitor}
        self.by_exhibitor = {a.exhibitor_id: a for a in self.ranked}
        self.fits: dict[int, list[int]] = {
            a.id: [i for i, b in enumerate(self.free) if not unmet_needs(a, b, self.o.zone_rules)]
            for a in self.ranked
            if a.id not in self.kept
        }
        self.notes: dict[int, list[Reason]] = {a.id: [] for a in self.ranked}

    # -- grouping into stands ---------------------------------------------------------------------
    def rivals(self, a: ApplicantIn, b: ApplicantIn) -> bool:
        return b.exhibitor_id in a.avoid or a.exhibitor_id in b.avoid

    def _joinable(self, group: list[ApplicantIn], fits: set[int], candidate: ApplicantIn) -> set[int] | None:
        if len(group) >= self.o.max_per_stand or any(self.rivals(candidate, m) for m in group):
            return None
        size = len(group) + 1
        common = {i for i in fits & set(self.fits[candidate.id]) if self.free[i].capacity >= size}
        return common or None

    def units(self) -> list[Unit]:
        """Stands to place, in priority order: shared stands for applicants who asked to share (named
        partners first, then others of the same cluster and class), everyone else alone."""
        open_ = [a for a in self.ranked if a.id not in self.kept]
        sharers = [a for a in open_ if a.share]
        sharer_ids = {a.exhibitor_id for a in sharers}
        grouped: set[int] = set()
        groups: list[list[ApplicantIn]] = []

        def grow(seeds: Iterable[ApplicantIn], pool: list[ApplicantIn]) -> None:
            for first in seeds:
                if first.id in grouped:
                    continue
                group, fits = [first], set(self.fits[first.id])
                grouped.add(first.id)
                for other in pool:
                    if other.id in grouped:
                        continue
                    common = self._joinable(group, fits, other)
                    if common is not None:
                        group.append(other)
                        fits = common
                        grouped.add(other.id)
                groups.append(group)

        for a in sharers:  # named partners who also asked to share
            partners = [self.by_exhibitor[e] for e in sorted(a.share_with) if e in sharer_ids and e != a.exhibitor_id]
            partners = [p for p in partners if p.id not in self.kept]
            if partners and a.id not in grouped:
                grow([a], sorted(partners, key=lambda p: self.rank[p.id]))
        for a in sharers:
            pool = [s for s in sharers if (s.cluster, s.exhibitor_class) == (a.cluster, a.exhibitor_class)]
            grow([a], pool)
        for a in open_:
            if a.id not in grouped:
                groups.append([a])
        units = []
        for group in sorted(groups, key=lambda g: self.rank[g[0].id]):
            fits = set(self.fits[group[0].id])
            for m in group[1:]:
                fits &= set(self.fits[m.id])
            units.append(Unit(group, sorted(i for i in fits if self.free[i].capacity >= len(group))))
            if len(group) == 1 and group[0].share:
                self.notes[group[0].id].append(Reason("share_no_partner"))
        return units

    def apply_pins(self, units: list[Unit]) -> None:
        taken: set[int] = set()
        for unit in units:
            for m in unit.members:
                booth_id = self.p.pins.get(m.id)
                if booth_id is None or unit.pin is not None:
                    continue
                why = None
                if booth_id in self.locked:
                    why = "booth_booked"
                elif booth_id not in self.free_index:
                    why = "booth_unknown"
                elif self.free_index[booth_id] not in unit.fits:
                    why = "unsuitable"
                elif self.free_index[booth_id] in taken:
                    why = "pinned_twice"
                if why is None:
                    unit.pin = self.free_index[booth_id]
                    taken.add(unit.pin)
                else:
                    code = self.all_booths[self.all_index[booth_id]].code if booth_id in self.all_index else "?"
                    self.notes[m.id].append(Reason("lock_dropped", {"booth": code, "why": why}))
        for a in self.ranked:  # pins of applicants that keep an existing booking
            if a.id in self.kept and a.id in self.p.pins:
                self.notes[a.id].append(Reason("lock_dropped", {"booth": "?", "why": "booth_booked"}))

    def select(self, units: list[Unit]) -> tuple[dict[int, int], dict[int, str]]:
        quotas = [q for q in self.o.quotas if q.cap is not None]
        quota_of = {q.exhibitor_class: k for k, q in enumerate(quotas)}
        uses: list[dict[int, int]] = []
        for unit in units:
            use: dict[int, int] = {}
            for m in unit.members:
                if m.exhibitor_class in quota_of:
                    use[quota_of[m.exhibitor_class]] = use.get(quota_of[m.exhibitor_class], 0) + 1
            uses.append(use)
        caps = [q.cap or 0 for q in quotas]
        pinned = [k for k, u in enumerate(units) if u.pin is not None]
        for k in pinned:  # the organiser's pins are placed first and count against the caps
            for q, n in uses[k].items():
                caps[q] -= n
            uses[k] = {}
        caps = [max(0, c) for c in caps]
        order = pinned + [k for k, u in enumerate(units) if u.pin is None]
        candidates = [[u.pin] if u.pin is not None else u.fits for u in units]
        return engine.priority_matching(order, candidates, uses, caps)

    # -- the model ----------------------------------------------------------------------------------
    def _linear(self, unit: Unit, booth: BoothIn) -> int:
        """Per-member preference, cluster zone and position points, and terms with locked neighbours."""
        w = self.w
        value = 0
        for m in unit.members:
            value += preference_points(w, preference_rank(m, booth), self.rank[m.id], len(self.ranked))
            if booth.zone is not None and booth.zone == m.cluster:
                value += w.cluster_zone
            value += w.position * booth.position_score // 10
        i = self.all_index[booth.id]
        for j in self.adj_all[i]:
            lock = self.locked.get(self.all_booths[j].id)
            if lock is None:
                continue
            if lock.cluster is not None and lock.cluster == unit.main.cluster:
                value += w.cluster_adjacent
            value -= w.competitor * sum(self._rival_count(m, lock) for m in unit.members)
        for j in self.near_all[i]:
            lock = self.locked.get(self.all_booths[j].id)
            if lock is not None:
                value += w.near * sum(self._wish_count(m, lock) for m in unit.members)
        return value

    def _rival_count(self, member: ApplicantIn, lock: LockedIn) -> int:
        count = 0
        for e in lock.exhibitor_ids:
            other = self.by_exhibitor.get(e)
            if e in member.avoid or (other is not None and member.exhibitor_id in other.avoid):
                count += 1
        return count

    def _wish_count(self, member: ApplicantIn, lock: LockedIn) -> int:
        count = 0
        for e in lock.exhibitor_ids:
            other = self.by_exhibitor.get(e)
            count += e in member.near
            count += other is not None and member.exhibitor_id in other.near
        return count

    def instance(self, units: list[Unit]) -> tuple[engine.Instance, int]:
        """The engine's instance for the placed units, and the constant part of the objective
        (wishes met inside a shared stand)."""
        w, o = self.w, self.o
        clusters = sorted({u.main.cluster for u in units if u.main.cluster is not None})
        cluster_index = {c: k for k, c in enumerate(clusters)}
        groups = sorted({m.fairness_group for u in units for m in u.members})
        group_index = {g: k for k, g in enumerate(groups)}
        free_ids = [b.id for b in self.free]
        to_free = {self.all_index[bid]: k for k, bid in enumerate(free_ids)}
        neighbours = [[to_free[j] for j in self.adj_all[self.all_index[bid]] if j in to_free] for bid in free_ids]
        near = [[to_free[j] for j in self.near_all[self.all_index[bid]] if j in to_free] for bid in free_ids]
        unit_of: dict[int, int] = {}
        for k, u in enumerate(units):
            for m in u.members:
                unit_of[m.exhibitor_id] = k
        avoid: list[tuple[int, int]] = []
        wishes: list[tuple[int, int]] = []
        constant = 0
        for k, u in enumerate(units):
            for m in u.members:
                for e in sorted(m.avoid):
                    j = unit_of.get(e)
                    other = self.by_exhibitor.get(e)
                    mutual = other is not None and m.exhibitor_id in other.avoid
                    if j is not None and j != k and (not mutual or m.exhibitor_id < e):
                        avoid.append((min(k, j), max(k, j)))
                for e in sorted(m.near):
                    j = unit_of.get(e)
                    if j == k:
                        constant += w.near
                    elif j is not None:
                        wishes.append((k, j))
        group_sizes = [0] * len(groups)
        unit_groups: list[list[tuple[int, int]]] = []
        for u in units:
            counts: dict[int, int] = {}
            for m in u.members:
                g = group_index[m.fairness_group]
                counts[g] = counts.get(g, 0) + 1
                group_sizes[g] += 1
            unit_groups.append(sorted(counts.items()))
        candidates = [[u.pin] if u.pin is not None else list(u.fits) for u in units]
        inst = engine.Instance(
            n_booths=len(self.free),
            candidates=candidates,
            score=[
                {b: self._linear(u, self.free[b]) for b in cands} for u, cands in zip(units, candidates, strict=True)
            ],
            cluster=[cluster_index.get(u.main.cluster or "", -1) for u in units],
            neighbours=neighbours,
            near=near,
            position=[b.position_score for b in self.free],
            weights=engine.EngineWeights(w.cluster_adjacent, w.competitor, w.near, w.fairness),
            avoid=avoid,
            wishes=wishes,
            groups=unit_groups,
            group_sizes=group_sizes,
            fair_gap=o.fairness_max_gap,
        )
        return inst, constant
