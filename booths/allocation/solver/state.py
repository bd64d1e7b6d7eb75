"""The allocation optimiser's model and arithmetic (pure): an instance, an assignment's value, and
"what if this unit moved?" for explanations. Shared by the search (``allocation_engine``) and the
CP-SAT model (``allocation_cpsat``)."""

from collections.abc import Sequence
from dataclasses import dataclass, field

FREE = -1


@dataclass(frozen=True)
class EngineWeights:
    adjacent: int = 0
    avoid: int = 0
    near: int = 0
    fairness: int = 0


@dataclass
class Instance:
    """Units 0..n-1 onto booths 0..m-1; every unit goes on exactly one of its candidates."""

    n_booths: int
    candidates: list[list[int]]
    score: list[dict[int, int]]
    cluster: list[int]  # -1: no cluster
    neighbours: list[list[int]]
    near: list[list[int]]
    position: list[int]
    weights: EngineWeights = field(default_factory=EngineWeights)
    avoid: list[tuple[int, int]] = field(default_factory=list)  # may repeat: each copy is one pair of rivals
    wishes: list[tuple[int, int]] = field(default_factory=list)  # (i, j): i wants to be near j
    groups: list[list[tuple[int, int]]] = field(default_factory=list)  # unit -> [(group, members)]
    group_sizes: list[int] = field(default_factory=list)
    fair_gap: int = 100

    @property
    def n_units(self) -> int:
        return len(self.candidates)


@dataclass(frozen=True)
class Breakdown:
    linear: int
    adjacent_pairs: int
    avoid_pairs: int
    wishes_met: int
    fairness_excess: int
    total: int


def _ceil_div(a: int, b: int) -> int:
    return -((-a) // b)


# --- evaluation ------------------------------------------------------------------------------------
class State:
    """An assignment with the indexes that make the change of a move cheap to compute."""

    def __init__(self, inst: Instance, assignment: Sequence[int]) -> None:
        self.inst = inst
        self.at = list(assignment)
        self.occ = [FREE] * inst.n_booths
        for u, b in enumerate(self.at):
            self.occ[b] = u
        self.adj = [frozenset(n) for n in inst.neighbours]
        self.near = [frozenset(n) for n in inst.near]
        self.avoid_of: list[list[int]] = [[] for _ in range(inst.n_units)]
        for i, j in inst.avoid:
            self.avoid_of[i].append(j)
            self.avoid_of[j].append(i)
        self.wish_out: list[list[int]] = [[] for _ in range(inst.n_units)]
        self.wish_in: list[list[int]] = [[] for _ in range(inst.n_units)]
        for i, j in inst.wishes:
            self.wish_out[i].append(j)
            self.wish_in[j].append(i)
        self.groups = inst.groups or [[] for _ in range(inst.n_units)]
        self.sums = [0] * len(inst.group_sizes)
        for u, b in enumerate(self.at):
            for g, members in self.groups[u]:
                self.sums[g] += members * inst.position[b]

    def fairness_excess(self) -> int:
        sizes = self.inst.group_sizes
        live = [g for g, n in enumerate(sizes) if n > 0]
        worst = 0
        for g in live:
            for h in live:
                if g != h:
                    ng, nh = sizes[g], sizes[h]
                    over = nh * self.sums[g] - ng * self.sums[h] - self.inst.fair_gap * ng * nh
                    if over > 0:
                        worst = max(worst, _ceil_div(over, ng * nh))
        return worst

    def touching(self, units: Sequence[int]) -> tuple[int, int, int, int]:
        """Linear score, same-cluster adjacent pairs, adjacent rivals and wishes met that involve at
        least one of ``units``, each pair counted once."""
        inst, at, occ = self.inst, self.at, self.occ
        unit_set = set(units)
        linear = adjacent = avoid = wishes = 0
        for u in units:
            b = at[u]
            linear += inst.score[u][b]
            c = inst.cluster[u]
            if c >= 0:
                for nb in inst.neighbours[b]:
                    v = occ[nb]
                    if v != FREE and inst.cluster[v] == c and (v not in unit_set or v > u):
                        adjacent += 1
            for v in self.avoid_of[u]:
                if (v not in unit_set or v > u) and at[v] in self.adj[b]:
                    avoid += 1
            for v in self.wish_out[u]:
                if at[v] in self.near[b]:
                    wishes += 1
            for v in self.wish_in[u]:
                if v not in unit_set and b in self.near[at[v]]:
                    wishes += 1
        return linear, adjacent, avoid, wishes

    def local_value(self, units: Sequence[int]) -> int:
        w = self.inst.weights
        linear, adjacent, avoid, wishes = self.touching(units)
        return linear + w.adjacent * adjacent - w.avoid * avoid + w.near * wishes

    def place(self, u: int, b: int) -> None:
        old = self.at[u]
        if self.occ[old] == u:
            self.occ[old] = FREE
        for g, members in self.groups[u]:
            self.sums[g] += members * (self.inst.position[b] - self.inst.position[old])
        self.at[u] = b
        self.occ[b] = u

    def gain(self, u: int, b: int, base_excess: int) -> int | None:
        """What moving ``u`` to ``b`` (swapping with its occupant) changes; None when not allowed."""
        home = self.at[u]
        v = self.occ[b]
        if v != FREE and home not in self.inst.score[v]:
            return None
        moved = (u,) if v == FREE else (u, v)
        before = self.local_value(moved)
        self.place(u, b)
        if v != FREE:
            self.place(v, home)
        after = self.local_value(moved)
        change = after - before - self.inst.weights.fairness * (self.fairness_excess() - base_excess)
        if v != FREE:
            self.place(v, b)
        self.place(u, home)
        if v != FREE:
            self.occ[b] = v
        return change

    def breakdown(self) -> Breakdown:
        linear, adjacent, avoid, wishes = self.touching(range(self.inst.n_units))
        excess = self.fairness_excess()
        w = self.inst.weights
        total = linear + w.adjacent * adjacent - w.avoid * avoid + w.near * wishes - w.fairness * excess
        return Breakdown(linear, adjacent, avoid, wishes, excess, total)


def evaluate(inst: Instance, assignment: Sequence[int]) -> Breakdown:
    return State(inst, assignment).breakdown()


@dataclass(frozen=True)
class Effect:
    """How each part of the objective would change (after minus before)."""

    total: int
    linear: int
    adjacent_pairs: int
    avoid_pairs: int
    wishes_met: int
    fairness_excess: int


class Probe:
    """Asks "what if this unit were on that booth?" of a fixed assignment, to explain the answer."""

    def __init__(self, inst: Instance, assignment: Sequence[int]) -> None:
        self.state = State(inst, assignment)
        self.excess = self.state.fairness_excess()

    def occupant(self, booth: int) -> int:
        return self.state.occ[booth]

    def effect(self, unit: int, booth: int) -> Effect | None:
        """Moving ``unit`` to ``booth``, swapping with its occupant; None when that is not allowed."""
        state, inst = self.state, self.state.inst
        home, v = state.at[unit], state.occ[booth]
        if booth not in inst.score[unit] or booth == home or (v != FREE and home not in inst.score[v]):
            return None
        moved = (unit,) if v == FREE else (unit, v)
        before = state.touching(moved)
        state.place(unit, booth)
        if v != FREE:
            state.place(v, home)
        after = state.touching(moved)
        excess = state.fairness_excess()
        if v != FREE:
            state.place(v, booth)
        state.place(unit, home)
        if v != FREE:
            state.occ[booth] = v
        d = [a - b for a, b in zip(after, before, strict=True)]
        w = inst.weights
        d_excess = excess - self.excess
        total = d[0] + w.adjacent * d[1] - w.avoid * d[2] + w.near * d[3] - w.fairness * d_excess
        return Effect(total, d[0], d[1], d[2], d[3], d_excess)


def is_feasible(inst: Instance, assignment: Sequence[int]) -> bool:
    return (
        len(assignment) == inst.n_units
        and all(b in inst.score[u] for u, b in enumerate(assignment))
        and len(set(assignment)) == len(assignment)
    )
