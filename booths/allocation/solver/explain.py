"""Explaining an allocation (pure): each applicant's reason and notes as codes with parameters, the stands
with their staff-pass shares, the fairness report and the objective by goal."""

from dataclasses import dataclass

from booths.allocation.solver import engine
from booths.allocation.solver.model import (
    NEEDS,
    PREFERENCE_LIMIT,
    ApplicantIn,
    BoothIn,
    Explanation,
    GroupFairness,
    Outcome,
    Reason,
    Stand,
    Weights,
    parse_preference,
    preference_matches,
    preference_points,
    preference_rank,
    unmet_needs,
)
from booths.allocation.solver.plan import Plan, Unit

_TRADEOFF_TERMS = ("competitor", "fairness", "cluster", "near", "other_applicant", "score")


@dataclass
class _Placed:
    """Where every exhibitor ended up (allocated stands and locked bookings) and what that is worth."""

    s: Plan
    units: list[Unit]
    inst: engine.Instance
    assignment: list[int]

    def __post_init__(self) -> None:
        s = self.s
        self.booth_of: dict[int, int] = dict(s.booth_of_exhibitor)  # exhibitor -> booth id
        self.unit_of_app: dict[int, int] = {}
        self.stand_cluster: dict[int, str | None] = {bid: lock.cluster for bid, lock in s.locked.items()}
        self.allocated: set[int] = set()
        for k, (unit, b) in enumerate(zip(self.units, self.assignment, strict=True)):
            booth = s.free[b]
            self.allocated.add(booth.id)
            self.stand_cluster[booth.id] = unit.main.cluster
            for m in unit.members:
                self.booth_of[m.exhibitor_id] = booth.id
                self.unit_of_app[m.id] = k

    def adjacent(self, a: int, b: int) -> bool:
        s = self.s
        return s.all_index[b] in s.adj_all[s.all_index[a]]

    def near(self, a: int, b: int) -> bool:
        s = self.s
        return a == b or s.all_index[b] in s.near_all[s.all_index[a]]

    def rival_pairs(self) -> set[tuple[int, int]]:
        """Pairs of exhibitors side by side where one named the other a competitor (at least one of
        them allocated now)."""
        pairs: set[tuple[int, int]] = set()
        for a in self.s.ranked:
            here = self.booth_of.get(a.exhibitor_id)
            if here is None:
                continue
            for e in a.avoid:
                there = self.booth_of.get(e)
                if (
                    there is not None
                    and there != here
                    and (here in self.allocated or there in self.allocated)
                    and self.adjacent(here, there)
                ):
                    pairs.add((min(a.exhibitor_id, e), max(a.exhibitor_id, e)))
        return pairs

    def terms(self, excess: int) -> dict[str, int]:
        """The objective by goal, computed from the answer itself (a check on the engine's arithmetic)."""
        s, w = self.s, self.s.w
        preference = position = zone = 0
        for unit, b in zip(self.units, self.assignment, strict=True):
            booth = s.free[b]
            for m in unit.members:
                preference += preference_points(w, preference_rank(m, booth), s.rank[m.id], len(s.ranked))
                zone += w.cluster_zone if booth.zone is not None and booth.zone == m.cluster else 0
                position += w.position * booth.position_score // 10
        same = 0
        for bid in self.allocated:
            i = s.all_index[bid]
            for j in s.adj_all[i]:
                other = s.all_booths[j].id
                if other not in self.stand_cluster or (other in self.allocated and other < bid):
                    continue
                cluster = self.stand_cluster[bid]
                same += cluster is not None and cluster == self.stand_cluster[other]
        wishes = 0
        for a in s.ranked:
            here = self.booth_of.get(a.exhibitor_id)
            if here is None:
                continue
            for e in a.near:
                there = self.booth_of.get(e)
                if there is not None and (here in self.allocated or there in self.allocated) and self.near(here, there):
                    wishes += 1
        return {
            "preference": preference,
            "position": position,
            "cluster_zone": zone,
            "cluster_adjacent": w.cluster_adjacent * same,
            "competitor": -w.competitor * len(self.rival_pairs()),
            "near": w.near * wishes,
            "fairness": -w.fairness * excess,
        }


def _name(s: Plan, exhibitor_id: int) -> str:
    if exhibitor_id in s.p.names:
        return s.p.names[exhibitor_id]
    applicant = s.by_exhibitor.get(exhibitor_id)
    return applicant.name if applicant else f"#{exhibitor_id}"


def _blocking_needs(s: Plan, a: ApplicantIn) -> list[str]:
    """The needs that no free booth meets on its own (else: "combination")."""
    if not s.free:
        return ["all_booked"]
    failures = [set(unmet_needs(a, b, s.o.zone_rules)) for b in s.free]
    blocking = [need for need in NEEDS if all(need in f for f in failures)]
    return blocking or ["combination"]


def _tradeoff(effect: engine.Effect, w: Weights, swapped: bool) -> str:
    losses = {
        "competitor": w.competitor * effect.avoid_pairs,
        "fairness": w.fairness * effect.fairness_excess,
        "cluster": -w.cluster_adjacent * effect.adjacent_pairs,
        "near": -w.near * effect.wishes_met,
        "other_applicant" if swapped else "score": -effect.linear,
    }
    return max(_TRADEOFF_TERMS, key=lambda t: (losses.get(t, 0), -_TRADEOFF_TERMS.index(t)))


def _preference_notes(placed: _Placed, probe: engine.Probe, k: int, a: ApplicantIn, got: int | None) -> list[Reason]:
    """Why each preference ranked above the one obtained was not given."""
    last = (got - 1) if got is not None else PREFERENCE_LIMIT
    return [
        _preference_note(placed, probe, k, a, rank, text) for rank, text in enumerate(a.preferences[:last], start=1)
    ]


def _preference_note(placed: _Placed, probe: engine.Probe, k: int, a: ApplicantIn, rank: int, text: str) -> Reason:
    s = placed.s
    kind, value = parse_preference(text)
    matching = [b for b in s.all_booths if preference_matches(kind, value, b)]
    label = value if kind == "booth" else f"{kind}:{value}"
    if not matching:
        return Reason("pref_unknown", {"rank": rank, "ref": text[:40]})
    open_ = [b for b in matching if b.id not in s.locked]
    if not open_:
        return Reason("pref_already_booked", {"rank": rank, "booth": label})
    fitting = [b for b in open_ if s.free_index[b.id] in placed.inst.score[k]]
    if not fitting:
        needs = set().union(*(unmet_needs(a, b, s.o.zone_rules) for b in open_)) or {"capacity"}
        return Reason(
            "pref_unsuitable", {"rank": rank, "booth": label, "need": ",".join(n for n in NEEDS if n in needs)}
        )
    return _contested_note(placed, probe, k, a, rank, label, kind, fitting)


def _contested_note(
    placed: _Placed,
    probe: engine.Probe,
    k: int,
    a: ApplicantIn,
    rank: int,
    label: str,
    kind: str,
    fitting: list[BoothIn],
) -> Reason:
    """A preferred booth that fits: who has it, and what giving it to this applicant would cost."""
    s = placed.s
    best: tuple[engine.Effect, BoothIn, int] | None = None
    for booth in fitting:
        b = s.free_index[booth.id]
        effect = probe.effect(k, b)
        if effect is not None and (best is None or effect.total > best[0].total):
            best = (effect, booth, probe.occupant(b))
    holder = probe.occupant(s.free_index[fitting[0].id]) if best is None else best[2]
    other_rank = s.rank[placed.units[holder].main.id] if holder != engine.FREE else 0
    higher = bool(other_rank) and other_rank < s.rank[a.id]
    if best is None:  # every fitting booth holds a stand that cannot swap with this one
        if higher and kind == "booth":
            return Reason("pref_taken_by_higher", {"rank": rank, "booth": label, "other_rank": other_rank})
        return Reason("pref_area_full", {"rank": rank, "booth": label})
    effect, booth, _ = best
    if higher and effect.linear < 0:
        return Reason("pref_taken_by_higher", {"rank": rank, "booth": booth.code, "other_rank": other_rank})
    if effect.total > 0:
        return Reason("pref_missed", {"rank": rank, "booth": booth.code, "gain": effect.total})
    why = _tradeoff(effect, s.w, holder != engine.FREE)
    return Reason("pref_tradeoff", {"rank": rank, "booth": booth.code, "why": why, "cost": -effect.total})


def _people_notes(placed: _Placed, a: ApplicantIn) -> list[Reason]:
    s = placed.s
    here = placed.booth_of.get(a.exhibitor_id)
    notes: list[Reason] = []
    if here is None:
        return notes
    rivals = set(a.avoid) | {o.exhibitor_id for o in s.ranked if a.exhibitor_id in o.avoid}
    for e in sorted(rivals):
        there = placed.booth_of.get(e)
        if there is not None and there != here and placed.adjacent(here, there):
            notes.append(Reason("competitor_adjacent", {"name": _name(s, e)}))
    for e in sorted(a.near):
        there = placed.booth_of.get(e)
        if there is None:
            notes.append(Reason("near_absent", {"name": _name(s, e)}))
        else:
            notes.append(Reason("near_met" if placed.near(here, there) else "near_unmet", {"name": _name(s, e)}))
    return notes


def _shares(quota: int, members: int) -> tuple[int, ...]:
    """Split a stand's staff passes: equal shares, the remainder to the main exhibitor and then by rank."""
    base, extra = divmod(quota, members)
    return tuple(base + (1 if i < extra else 0) for i in range(members))


def _fairness(placed: _Placed) -> tuple[tuple[GroupFairness, ...], float]:
    scores: dict[str, list[int]] = {}
    for unit, b in zip(placed.units, placed.assignment, strict=True):
        for m in unit.members:
            scores.setdefault(m.fairness_group, []).append(placed.s.free[b].position_score)
    rows = tuple(GroupFairness(g, len(v), round(sum(v) / len(v), 1), min(v), max(v)) for g, v in sorted(scores.items()))
    means = [sum(v) / len(v) for v in scores.values()]
    return rows, round(max(means) - min(means), 1) if means else 0.0


def _headline(unit: Unit, m: ApplicantIn, booth: BoothIn) -> Reason:
    got = preference_rank(m, booth)
    if unit.pin is not None:
        return Reason("pinned", {"booth": booth.code})
    if got is not None:
        kind, value = parse_preference(m.preferences[got - 1])
        if kind == "booth":
            return Reason("got_preference", {"rank": got, "booth": booth.code})
        return Reason("got_area_preference", {"rank": got, "area": f"{kind}:{value}", "booth": booth.code})
    if booth.zone is not None and booth.zone == m.cluster:
        return Reason("placed_in_cluster_zone", {"cluster": m.cluster or "", "booth": booth.code})
    return Reason("placed_best_available", {"booth": booth.code})


def _placed_explanations(placed: _Placed, probe: engine.Probe, k: int, unit: Unit, booth: BoothIn) -> list[Explanation]:
    s = placed.s
    out = []
    for m in unit.members:
        notes = list(s.notes[m.id])
        if unit.pin is None:
            notes += _preference_notes(placed, probe, k, m, preference_rank(m, booth))
        others = [o for o in unit.members if o.id != m.id]
        if others:
            notes.append(Reason("shared_stand", {"with": ", ".join(_name(s, o.exhibitor_id) for o in others)}))
        notes += _people_notes(placed, m)
        out.append(
            Explanation(
                m.id,
                m.exhibitor_id,
                s.rank[m.id],
                True,
                booth.id,
                booth.code,
                _headline(unit, m, booth),
                tuple(notes),
                tuple(o.id for o in others),
                m is unit.main,
                booth.position_score,
            )
        )
    return out


def _unplaced_reason(s: Plan, m: ApplicantIn, why: str) -> Reason:
    if why == "cap":
        quota = next((q for q in s.o.quotas if q.exhibitor_class == m.exhibitor_class), None)
        cap = quota.cap if quota and quota.cap is not None else 0
        return Reason("class_cap_reached", {"class": m.exhibitor_class, "cap": cap})
    if not s.fits[m.id]:
        return Reason("no_fitting_booth", {"needs": ",".join(_blocking_needs(s, m))})
    return Reason("outranked", {"rank": s.rank[m.id], "fitting": len(s.fits[m.id])})


def _kept_explanation(placed: _Placed, a: ApplicantIn) -> Explanation:
    s = placed.s
    bid = s.booth_of_exhibitor[a.exhibitor_id]
    code = s.all_booths[s.all_index[bid]].code if bid in s.all_index else "?"
    notes = tuple(s.notes[a.id]) + tuple(_people_notes(placed, a))
    reason = Reason("kept_existing_booking", {"booth": code})
    return Explanation(a.id, a.exhibitor_id, s.rank[a.id], True, bid, code, reason, notes)


def outcome(
    s: Plan,
    units: list[Unit],
    placed_units: list[Unit],
    refused: dict[int, str],
    inst: engine.Instance,
    result: engine.EngineResult,
    constant: int,
) -> Outcome:
    placed = _Placed(s, placed_units, inst, result.assignment)
    probe = engine.Probe(inst, result.assignment)
    explanations: list[Explanation] = []
    stands: list[Stand] = []
    for k, (unit, b) in enumerate(zip(placed_units, result.assignment, strict=True)):
        booth = s.free[b]
        stands.append(
            Stand(
                booth.id,
                booth.code,
                tuple(m.id for m in unit.members),
                tuple(m.exhibitor_id for m in unit.members),
                _shares(booth.staff_quota, len(unit.members)),
                pinned=unit.pin is not None,
            )
        )
        explanations += _placed_explanations(placed, probe, k, unit, booth)
    unplaced = [(m, why) for k, why in refused.items() for m in units[k].members]
    for m, why in unplaced:
        reason = _unplaced_reason(s, m, why)
        explanations.append(
            Explanation(m.id, m.exhibitor_id, s.rank[m.id], False, None, None, reason, tuple(s.notes[m.id]))
        )
    explanations += [_kept_explanation(placed, a) for a in s.ranked if a.id in s.kept]
    objective = result.breakdown.total + constant
    bound = result.bound + constant
    fairness, gap = _fairness(placed)
    return Outcome(
        stands=tuple(sorted(stands, key=lambda st: st.booth_code)),
        explanations=tuple(sorted(explanations, key=lambda e: e.rank)),
        priority=tuple(s.priority),
        objective=objective,
        bound=bound,
        gap_pct=round(100 * (bound - objective) / abs(bound), 2) if bound else 0.0,
        terms=placed.terms(result.breakdown.fairness_excess),
        method=result.method,
        optimal=result.optimal,
        timed_out=result.timed_out,
        solve_s=round(result.solve_s, 3),
        fairness=fairness,
        fairness_gap=gap,
        competitor_pairs_adjacent=len(placed.rival_pairs()),
        placed=sum(len(u.members) for u in placed_units) + len(s.kept),
        unplaced=len(unplaced),
        seed=s.o.seed,
    )
