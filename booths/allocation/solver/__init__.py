"""Fair booth allocation that explains itself: plain inputs in, an assignment with reasons out; no I/O.

Who is placed follows the published priority (reserved class quotas first, then application day, then a
seeded lottery); where they go is optimised for ranked preferences, product clusters, distance from
competitors, wishes to be near someone, and fairness of exposure between groups. Hard rules always hold:
a booth fits its exhibitor's needs and the zone rules, locked bookings and pins stay, and a booth holds
one stand (several exhibitors only as a shared stand they all asked for). Every applicant gets an
explanation as a code with parameters, translated where it is shown.

The parts: ``model`` (inputs, outputs, geometry, needs, priority), ``plan`` (shared
stands, pins, who is placed, the optimiser's instance), ``engine`` (min-cost flow, local
search, the bound; ``state`` holds the arithmetic, ``cpsat`` the CP-SAT model),
``explain`` (reasons, stands, fairness) and ``solve`` (the entry point).
"""

from booths.allocation.solver.model import (
    NEEDS,
    PREFERENCE_LIMIT,
    ApplicantIn,
    BoothIn,
    ClassQuota,
    Explanation,
    GroupFairness,
    HallIn,
    LockedIn,
    Options,
    Outcome,
    PriorityEntry,
    Problem,
    Reason,
    Stand,
    Weights,
    ZoneRule,
    adjacent,
    lottery,
    neighbourhoods,
    parse_preference,
    position_scores,
    preference_matches,
    preference_points,
    preference_rank,
    priority,
    stand_capacity,
    unmet_needs,
)
from booths.allocation.solver.solve import solve

__all__ = [
    "NEEDS",
    "PREFERENCE_LIMIT",
    "ApplicantIn",
    "BoothIn",
    "ClassQuota",
    "Explanation",
    "GroupFairness",
    "HallIn",
    "LockedIn",
    "Options",
    "Outcome",
    "PriorityEntry",
    "Problem",
    "Reason",
    "Stand",
    "Weights",
    "ZoneRule",
    "adjacent",
    "lottery",
    "neighbourhoods",
    "parse_preference",
    "position_scores",
    "preference_matches",
    "preference_points",
    "preference_rank",
    "priority",
    "solve",
    "stand_capacity",
    "unmet_needs",
]
