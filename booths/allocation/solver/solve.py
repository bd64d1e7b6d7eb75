"""The allocation itself (pure): sanitise the inputs, plan the stands and who is placed, optimise where,
and explain."""

import time

from booths.allocation.solver import engine
from booths.allocation.solver.explain import outcome
from booths.allocation.solver.model import BoothIn, ClassQuota, Options, Outcome, Problem, Weights
from booths.allocation.solver.plan import Plan


def _clamp(value: float, low: float, high: float) -> float:
    return max(low, min(high, value))


def _sanitised(problem: Problem) -> Problem:
    o = problem.options
    w = o.weights
    weights = Weights(**{f: int(_clamp(getattr(w, f), 0, 1000)) for f in Weights.__dataclass_fields__})
    options = Options(
        seed=int(o.seed),
        weights=weights,
        quotas=tuple(ClassQuota(q.exhibitor_class, max(0, q.reserved), q.cap and max(0, q.cap)) for q in o.quotas),
        zone_rules=o.zone_rules,
        fairness_max_gap=int(_clamp(o.fairness_max_gap, 0, 100)),
        adjacent_gap_m=_clamp(o.adjacent_gap_m, 0.0, 10.0),
        near_m=_clamp(o.near_m, 0.0, 100.0),
        max_per_stand=int(_clamp(o.max_per_stand, 1, 10)),
        time_limit_s=_clamp(o.time_limit_s, 0.05, 120.0),
        workers=int(_clamp(o.workers, 1, 2)),
        use_solver=o.use_solver,
    )
    booths = tuple(
        BoothIn(
            id=b.id,
            code=b.code,
            hall=b.hall,
            x=b.x,
            y=b.y,
            width=max(0.01, b.width),
            depth=max(0.01, b.depth),
            booth_type=b.booth_type,
            package=b.package,
            zone=b.zone,
            power_amps=b.power_amps,
            accessible=b.accessible,
            position_score=int(_clamp(b.position_score, 0, 100)),
            capacity=int(_clamp(b.capacity, 1, 10)),
            staff_quota=int(_clamp(b.staff_quota, 0, 1000)),
        )
        for b in problem.booths
    )
    return Problem(booths, problem.applicants, problem.locked, problem.pins, problem.names, options)


def solve(problem: Problem) -> Outcome:
    """Allocate. Never raises on odd input: what cannot be placed is listed with its reason."""
    began = time.monotonic()
    problem = _sanitised(problem)
    s = Plan(problem)
    units = s.units()
    s.apply_pins(units)
    chosen, refused = s.select(units)
    placed_units = [units[k] for k in sorted(chosen)]
    inst, constant = s.instance(placed_units)
    start = [chosen[k] for k in sorted(chosen)]  # pinned units were matched to their pin only
    result = engine.optimise(
        inst,
        start,
        seed=problem.options.seed,
        time_limit_s=max(0.05, problem.options.time_limit_s - (time.monotonic() - began)),
        workers=problem.options.workers,
        use_solver=problem.options.use_solver,
    )
    return outcome(s, units, placed_units, refused, inst, result, constant)
