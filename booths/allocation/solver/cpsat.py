"""The CP-SAT model of an allocation instance (time-limited, seeded, deterministic, hinted)."""

import importlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from booths.allocation.solver.state import FREE, Instance, State

FULL_MODEL_LIMIT = 8_000  # unit-booth pairs up to which CP-SAT sees the whole model (and its bound counts)
RESTRICTED_CANDIDATES = 16
# CP-SAT's deterministic time runs about 1.6x slower than the wall clock on a 2-core machine: giving it half
# the wall-clock budget lets the deterministic limit (reproducible) strike first.
DETERMINISTIC_SHARE = 0.5


def _optional(module: str) -> Any:
    """OR-Tools is a dependency; the fallbacks keep the allocator answering on a platform without it."""
    try:
        return importlib.import_module(module)
    except ImportError:  # pragma: no cover
        return None


_cp: Any = _optional("ortools.sat.python.cp_model")


def available() -> bool:
    return _cp is not None


@dataclass
class _Model:
    model: Any
    x: list[dict[int, Any]]
    terms: list[tuple[Any, int]] = field(default_factory=list)
    hints: list[tuple[Any, int]] = field(default_factory=list)


def _build(inst: Instance, allowed: list[list[int]], hint: Sequence[int]) -> _Model:
    assert _cp is not None
    model = _cp.CpModel()
    state = State(inst, hint)
    m = _Model(model, [])
    by_booth: dict[int, list[Any]] = {}
    for u in range(inst.n_units):
        row = {b: model.new_bool_var(f"x{u}_{b}") for b in allowed[u]}
        model.add_exactly_one(list(row.values()))
        for b, var in row.items():
            by_booth.setdefault(b, []).append(var)
            if inst.score[u][b]:
                m.terms.append((var, inst.score[u][b]))
            m.hints.append((var, int(hint[u] == b)))
        m.x.append(row)
    for vars_ in by_booth.values():
        if len(vars_) > 1:
            model.add_at_most_one(vars_)
    if inst.weights.adjacent:
        _add_adjacency(m, inst, state)
    if inst.weights.avoid:
        _add_avoid(m, inst, state)
    if inst.weights.near:
        _add_wishes(m, inst, state)
    if inst.weights.fairness and sum(1 for size in inst.group_sizes if size > 0) > 1:
        _add_fairness(m, inst, state)
    model.maximize(sum(var * coef for var, coef in m.terms))
    for var, value in m.hints:
        model.add_hint(var, value)
    return m


def _add_adjacency(m: _Model, inst: Instance, state: State) -> None:
    """z[b, c]: a unit of cluster c is on b; y: both ends of an edge hold cluster c."""
    on: dict[int, dict[int, list[Any]]] = {}
    for u in range(inst.n_units):
        if inst.cluster[u] >= 0:
            for b, var in m.x[u].items():
                on.setdefault(b, {}).setdefault(inst.cluster[u], []).append(var)
    z: dict[tuple[int, int], Any] = {}
    for b, by_cluster in on.items():
        for c, vars_ in by_cluster.items():
            if len(vars_) == 1:
                z[b, c] = vars_[0]
            else:
                z[b, c] = m.model.new_bool_var(f"z{b}_{c}")
                m.model.add(z[b, c] == sum(vars_))
                m.hints.append((z[b, c], int(_cluster_on(state, b) == c)))
    for b, by_cluster in on.items():
        for nb in inst.neighbours[b]:
            if nb <= b or nb not in on:
                continue
            for c in by_cluster:
                if (nb, c) in z:
                    y = m.model.new_bool_var(f"y{b}_{nb}_{c}")
                    m.model.add_implication(y, z[b, c])
                    m.model.add_implication(y, z[nb, c])
                    m.terms.append((y, inst.weights.adjacent))
                    m.hints.append((y, int(_cluster_on(state, b) == c == _cluster_on(state, nb))))


def _add_avoid(m: _Model, inst: Instance, state: State) -> None:
    """p: rivals i and j are side by side (i on b and j on a neighbour of b)."""
    for k, (i, j) in enumerate(inst.avoid):
        p = m.model.new_bool_var(f"p{k}")
        for b, var in m.x[i].items():
            close = [m.x[j][nb] for nb in inst.neighbours[b] if nb in m.x[j]]
            if close:
                m.model.add(var + sum(close) <= 1 + p)
        m.terms.append((p, -inst.weights.avoid))
        m.hints.append((p, int(state.at[j] in state.adj[state.at[i]])))


def _add_wishes(m: _Model, inst: Instance, state: State) -> None:
    """r: i's wish to be near j is met (wherever i is, j is on a booth near it)."""
    for k, (i, j) in enumerate(inst.wishes):
        r = m.model.new_bool_var(f"r{k}")
        for b, var in m.x[i].items():
            close = [m.x[j][nb] for nb in inst.near[b] if nb in m.x[j]]
            m.model.add(r + var <= 1 + sum(close))
        m.terms.append((r, inst.weights.near))
        m.hints.append((r, int(state.at[j] in state.near[state.at[i]])))


def _add_fairness(m: _Model, inst: Instance, state: State) -> None:
    """excess >= mean_g - mean_h - gap for all groups, in integers: n_h S_g - n_g S_h <= (gap + excess) n_g n_h."""
    live = [g for g, size in enumerate(inst.group_sizes) if size > 0]
    excess = m.model.new_int_var(0, 100, "excess")
    parts: dict[int, list[tuple[Any, int]]] = {g: [] for g in live}
    for u in range(inst.n_units):
        for g, members in state.groups[u]:
            parts[g].extend((var, members * inst.position[b]) for b, var in m.x[u].items())
    sums = {g: sum(var * coef for var, coef in parts[g]) for g in live}
    for g in live:
        for h in live:
            if g != h:
                ng, nh = inst.group_sizes[g], inst.group_sizes[h]
                m.model.add(nh * sums[g] - ng * sums[h] - ng * nh * excess <= inst.fair_gap * ng * nh)
    m.terms.append((excess, -inst.weights.fairness))
    m.hints.append((excess, state.fairness_excess()))


def _cluster_on(state: State, booth: int) -> int:
    u = state.occ[booth]
    return state.inst.cluster[u] if u != FREE else -2


def _restricted(inst: Instance, hint: Sequence[int]) -> list[list[int]]:
    """Each unit's best candidates by its own score, its neighbours' booths and the hint's booth."""
    out = []
    for u in range(inst.n_units):
        ranked = sorted(inst.candidates[u], key=lambda b: (-inst.score[u][b], b))
        keep = set(ranked[:RESTRICTED_CANDIDATES]) | {hint[u]}
        out.append(sorted(keep))
    return out


def solve(
    inst: Instance, hint: Sequence[int], seed: int, time_limit_s: float, workers: int, whole: bool
) -> tuple[list[int] | None, int | None, bool, bool]:
    """Returns (assignment or None, CP-SAT's bound or None, proved optimal, hit the time limit)."""
    assert _cp is not None
    allowed = [list(c) for c in inst.candidates] if whole else _restricted(inst, hint)
    m = _build(inst, allowed, hint)
    solver = _cp.CpSolver()
    params = solver.parameters
    # Deterministic for a seed: interleaved workers and a deterministic time limit; the wall-clock limit
    # is only a safety net (when it strikes, a re-run may differ, and the result says so).
    params.num_workers = max(1, min(2, workers))
    params.interleave_search = True
    params.random_seed = seed % (2**31)
    params.max_deterministic_time = max(0.02, time_limit_s * DETERMINISTIC_SHARE)
    params.max_time_in_seconds = max(0.05, time_limit_s)
    params.cp_model_probing_level = 0  # probing and inclusion detection cost seconds on this model shape
    params.presolve_inclusion_work_limit = 10**6
    params.symmetry_level = 0
    status = solver.solve(m.model)
    timed_out = status not in (_cp.OPTIMAL, _cp.INFEASIBLE, _cp.MODEL_INVALID)
    if status not in (_cp.OPTIMAL, _cp.FEASIBLE):
        return None, None, False, timed_out
    assignment = [next(b for b, var in m.x[u].items() if solver.boolean_value(var)) for u in range(inst.n_units)]
    bound = int(solver.best_objective_bound + 1e-6) if whole else None
    return assignment, bound, whole and status == _cp.OPTIMAL, timed_out
