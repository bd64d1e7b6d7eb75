"""The optimiser behind ``booths.allocation.solver``: put units on booths, maximising linear scores plus pair terms.

Pure and domain-free. A unit needs one booth (an exhibitor, or a shared stand); booths are indices; every
score is an integer. The caller has already decided *which* units are placed (by published priority);
this module decides *where*:

    maximise  sum score[u][b]                    (preferences, cluster zone, position, fixed neighbours)
            + w_adjacent * adjacent pairs of booths holding units of one cluster
            - w_avoid    * adjacent pairs of competitors
            + w_near     * "near" wishes met
            - w_fairness * points by which the largest gap in mean position score between groups
                           exceeds the allowed gap

Steps: the exact optimum of the linear part (min-cost flow), a seeded local search (moves and swaps),
then CP-SAT (time-limited, seeded, hinted): on the whole model when it is small, else on each unit's
best candidates. The bound is CP-SAT's when it saw the whole model, and in any case no more than an
assignment relaxation solved exactly, which credits each unit with the pair rewards it could possibly
collect (rewards of a pair split between its two ends, guided by the best answer found). So every
result carries an honest gap.
"""

import importlib
import random
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from booths.allocation.solver import cpsat
from booths.allocation.solver.state import (
    FREE,
    Breakdown,
    Effect,
    EngineWeights,
    Instance,
    Probe,
    State,
    evaluate,
    is_feasible,
)

__all__ = [
    "FREE",
    "Breakdown",
    "Effect",
    "EngineResult",
    "EngineWeights",
    "Instance",
    "Probe",
    "evaluate",
    "is_feasible",
    "local_search",
    "optimise",
    "priority_matching",
    "relaxation_bound",
]


def _import(module: str) -> Any:
    try:
        return importlib.import_module(module)
    except ImportError:  # pragma: no cover  (without OR-Tools: each stand's best booth bounds, greedy start)
        return None


_mcf: Any = _import("ortools.graph.python.min_cost_flow")


@dataclass(frozen=True)
class EngineResult:
    assignment: list[int]
    breakdown: Breakdown
    bound: int
    method: str
    optimal: bool
    timed_out: bool
    solve_s: float


# --- the linear optimum and the relaxation -------------------------------------------------------------
def _best_assignment(inst: Instance, scores: Sequence[dict[int, int]]) -> list[int] | None:
    """The assignment maximising per-(unit, booth) scores alone, exactly; None without OR-Tools."""
    if inst.n_units == 0:
        return []
    if _mcf is None:
        return None
    flow = _mcf.SimpleMinCostFlow()
    n, m = inst.n_units, inst.n_booths
    sink = n + m
    arcs: list[tuple[int, int]] = []
    for u in range(n):
        top = max(scores[u].values())
        for b, value in scores[u].items():
            flow.add_arc_with_capacity_and_unit_cost(u, n + b, 1, top - value)
            arcs.append((u, b))
    for b in range(m):
        flow.add_arc_with_capacity_and_unit_cost(n + b, sink, 1, 0)
    for u in range(n):
        flow.set_node_supply(u, 1)
    flow.set_node_supply(sink, -n)
    if flow.solve() != flow.OPTIMAL:
        return None
    out = [FREE] * n
    for arc, (u, b) in enumerate(arcs):
        if flow.flow(arc):
            out[u] = b
    return out


def relaxation_bound(inst: Instance, incumbent: Sequence[int] | None = None) -> int:
    """An upper bound on the objective, by an assignment problem solved exactly.

    A same-cluster pair of neighbours is worth ``w_adjacent``; any split of it between the two ends is a
    valid credit, paid to a unit at one end whenever the other end could hold its cluster at all. With an
    incumbent, a pair's whole credit goes to the end whose incumbent occupant is *not* of that cluster
    (half each otherwise), which keeps the credits close to what can really be had. Wishes are credited in
    full where the other unit could be near; penalties count as zero. Doubled to stay in integers.
    """
    w = inst.weights
    occ = [FREE] * inst.n_booths
    for u, b in enumerate(incumbent or ()):
        occ[b] = u
    cluster_booths: dict[int, set[int]] = {}
    for u, cands in enumerate(inst.candidates):
        if inst.cluster[u] >= 0:
            cluster_booths.setdefault(inst.cluster[u], set()).update(cands)
    wishes_of: list[list[int]] = [[] for _ in range(inst.n_units)]
    for i, j in inst.wishes:
        wishes_of[i].append(j)
    near_sets = [frozenset(n) for n in inst.near]
    cand_sets = [frozenset(c) for c in inst.candidates]

    def holds(booth: int, cluster: int) -> bool:
        return occ[booth] != FREE and inst.cluster[occ[booth]] == cluster

    doubled: list[dict[int, int]] = []
    for u in range(inst.n_units):
        c = inst.cluster[u]
        same = cluster_booths.get(c, set())
        row: dict[int, int] = {}
        for b in inst.candidates[u]:
            value = 2 * inst.score[u][b]
            if c >= 0 and w.adjacent:
                for nb in inst.neighbours[b]:
                    if nb in same:
                        here, there = holds(b, c), holds(nb, c)
                        value += w.adjacent if here == there else (2 * w.adjacent if there else 0)
            for j in wishes_of[u]:
                if not near_sets[b].isdisjoint(cand_sets[j]):
                    value += 2 * w.near
            row[b] = value
        doubled.append(row)
    best = _best_assignment(inst, doubled)
    if best is None:
        return sum(max(row.values()) for row in doubled) // 2
    return sum(doubled[u][b] for u, b in enumerate(best)) // 2


# --- local search ----------------------------------------------------------------------------------
def local_search(
    inst: Instance, start: Sequence[int], seed: int, max_passes: int = 8, deadline: float | None = None
) -> tuple[list[int], bool]:
    """Best-improvement move or swap per unit, units in a seeded order, until a pass changes nothing.
    Deterministic unless ``deadline`` (wall clock) cuts it short; returns whether it did."""
    state = State(inst, start)
    rng = random.Random(seed)  # noqa: S311  (a reproducible search order, not a secret)
    order = [u for u in range(inst.n_units) if len(inst.candidates[u]) > 1]
    for _ in range(max_passes):
        rng.shuffle(order)
        improved = False
        for u in order:
            if deadline is not None and time.monotonic() > deadline:
                return state.at, True
            base_excess = state.fairness_excess()
            best_gain, best_booth = 0, FREE
            for b in inst.candidates[u]:
                if b != state.at[u]:
                    gain = state.gain(u, b, base_excess)
                    if gain is not None and gain > best_gain:
                        best_gain, best_booth = gain, b
            if best_booth != FREE:
                home, v = state.at[u], state.occ[best_booth]
                state.place(u, best_booth)
                if v != FREE:
                    state.place(v, home)
                improved = True
        if not improved:
            break
    return state.at, False


# --- the entry point -----------------------------------------------------------------------------------
def optimise(
    inst: Instance,
    start: Sequence[int],
    *,
    seed: int,
    time_limit_s: float = 5.0,
    workers: int = 2,
    use_solver: bool = True,
) -> EngineResult:
    """Improve ``start`` (feasible: every unit on one of its candidates, no booth twice) within the limit."""
    began = time.monotonic()
    if inst.n_units == 0:
        empty = evaluate(inst, [])
        return EngineResult([], empty, empty.total, "none", True, False, 0.0)
    linear_best = _best_assignment(inst, inst.score)
    current = linear_best if linear_best is not None else list(start)
    searched, timed_out = local_search(inst, current, seed, deadline=began + max(0.05, time_limit_s * 0.4))
    best, value = searched, evaluate(inst, searched)
    bound = min(relaxation_bound(inst), relaxation_bound(inst, searched))
    method, optimal = "local search", value.total >= bound
    if use_solver and cpsat.available() and not optimal:
        whole = sum(len(c) for c in inst.candidates) <= cpsat.FULL_MODEL_LIMIT
        left = time_limit_s * 0.95 - (time.monotonic() - began)  # keep a little for the explanations
        solved, cp_bound, cp_optimal, cp_timed_out = cpsat.solve(inst, best, seed, left, workers, whole)
        timed_out = timed_out or cp_timed_out
        if solved is not None and is_feasible(inst, solved):
            found = evaluate(inst, solved)
            if found.total > value.total:
                best, value, method = solved, found, "cp-sat"
        if cp_bound is not None:
            bound = min(bound, cp_bound)
        optimal = cp_optimal or value.total >= bound
        if optimal:
            method = "cp-sat optimal" if cp_optimal else method
    return EngineResult(best, value, max(bound, value.total), method, optimal, timed_out, time.monotonic() - began)


# --- who is placed ---------------------------------------------------------------------------------------
def priority_matching(
    order: Sequence[int],
    candidates: Sequence[Sequence[int]],
    uses: Sequence[dict[int, int]] | None = None,
    caps: Sequence[int] | None = None,
) -> tuple[dict[int, int], dict[int, str]]:
    """Take units in priority order; a unit is placed if it and everyone placed before it can still all
    have a booth (an augmenting path exists), and no quota it ``uses`` would exceed its cap.

    This is the greedy algorithm on a matroid, so it places the most units possible while preferring
    higher priority lexicographically: nobody is left out for someone ranked below them (quotas apart).
    Booths visited by a failed search are dead for good (their occupants can reach no free booth), which
    keeps a long waiting list cheap. Returns (unit -> booth, unit -> "cap" | "no_booth").
    """
    booth_of: dict[int, int] = {}
    owner: dict[int, int] = {}
    dead: set[int] = set()
    used = [0] * len(caps or ())
    refused: dict[int, str] = {}
    for root in order:
        needs = (uses[root] if uses else {}).items()
        if caps is not None and any(used[q] + k > caps[q] for q, k in needs):
            refused[root] = "cap"
            continue
        path = _augmenting_path(root, candidates, owner, dead)
        if path is None:
            refused[root] = "no_booth"
            continue
        for unit, booth in path:
            booth_of[unit] = booth
            owner[booth] = unit
        for q, k in needs:
            used[q] += k
    return booth_of, refused


def _augmenting_path(
    root: int, candidates: Sequence[Sequence[int]], owner: dict[int, int], dead: set[int]
) -> list[tuple[int, int]] | None:
    """An alternating path from ``root`` to a free booth, as the (unit, new booth) pairs to apply."""
    visited: set[int] = set()
    stack: list[list[int]] = [[root, 0, FREE]]  # unit, next candidate index, booth taken from the next unit
    while stack:
        top = stack[-1]
        unit, index = top[0], top[1]
        cands = candidates[unit]
        if index >= len(cands):
            stack.pop()
            continue
        top[1] += 1
        booth = cands[index]
        if booth in dead or booth in visited:
            continue
        visited.add(booth)
        holder = owner.get(booth, FREE)
        if holder == FREE:
            top[2] = booth
            return [(entry[0], entry[2]) for entry in stack]
        top[2] = booth
        stack.append([holder, 0, FREE])
    dead.update(visited)
    return None
