"""Allocation benchmark: 300 applications over 400 booths with clusters, competitors and fairness on.

A seeded, fictional but OPOP-shaped instance: two halls of back-to-back rows zoned by product cluster,
a free UMKM block per hall and a forecourt of food tents; pesantren, Koppontren, UMKM, sponsors and
agencies applying with ranked preferences (popular booths near the entrances are wanted by many),
power and accessibility needs, competitors to avoid, wishes to be near someone and to share a stand;
reserved places for OPOP pesantren and UMKM, and the gap in mean position score between free and paying
exhibitors bounded. The pure allocator runs on it (no database, no web) and prints JSON lines::

    {"name": "alloc.solve_s", "value": 7.41, "unit": "s", "applications": 300, "booths": 400}

Run: ``.venv/bin/python bench/allocation.py [--applications 300] [--booths 400] [--seed 1] [--time-limit 8]``
(see docs/benchmarks.md). Exits non-zero if a hard rule is broken.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # the project may not be installed into the venv
    sys.path.insert(0, str(ROOT))

from booths.allocation.solver import (  # noqa: E402
    ApplicantIn,
    BoothIn,
    ClassQuota,
    HallIn,
    Options,
    Problem,
    ZoneRule,
    adjacent,
    position_scores,
    stand_capacity,
    unmet_needs,
)

CLUSTERS = ("kuliner", "fashion", "kerajinan", "herbal", "agribisnis", "jasa")
CLUSTER_WEIGHTS = (35, 18, 14, 14, 11, 8)
CLASSES = (("pesantren", 40), ("koperasi", 15), ("umkm", 35), ("sponsor", 5), ("government", 5))
PACKAGE_POWER = {"standar": 2, "premium": 6, "gratis-umkm": 2, "tenda": 4}


def venue(n_booths: int, rng: random.Random) -> tuple[list[BoothIn], list[HallIn]]:
    """Halls A and B with 2 x 10 back-to-back blocks (3 m aisles), then tents outside, to ``n_booths``."""
    halls = [HallIn("A", 75, 48, entrances=((37.5, 0.0), (0.0, 24.0))), HallIn("B", 75, 48), HallIn("T", 70, 30)]
    booths: list[BoothIn] = []
    block = 0
    for hall in ("A", "B"):
        for band in range(4):
            for col in range(2):
                zone = CLUSTERS[block % len(CLUSTERS)] if block % 8 != 7 else None
                package = "gratis-umkm" if block % 8 == 5 else "standar"
                for row in range(2):
                    for k in range(10):
                        if len(booths) >= n_booths:
                            break
                        x, y = 4.5 + col * 36 + k * 3, 3 + band * 11 + row * 3
                        corner = k in (0, 9)
                        booths.append(
                            BoothIn(
                                id=len(booths) + 1,
                                code=f"{hall}-{len(booths) + 1:03d}",
                                hall=hall,
                                x=x,
                                y=y,
                                width=3,
                                depth=3,
                                booth_type="corner" if corner else "inline",
                                package="premium" if corner and package == "standar" else package,
                                zone=zone,
                            )
                        )
                block += 1
    k = 0
    while len(booths) < n_booths:
        row, col = divmod(k, 20)
        booths.append(
            BoothIn(
                id=len(booths) + 1,
                code=f"T-{k + 1:03d}",
                hall="T",
                x=2 + col * 3.4,
                y=2 + row * 6,
                width=3,
                depth=3,
                booth_type="tent",
                package="tenda",
                zone="kuliner",
                accessible=False,
            )
        )
        k += 1
    scores = position_scores(booths, halls)
    out = [
        BoothIn(
            **{
                **b.__dict__,
                "power_amps": PACKAGE_POWER[b.package],
                "position_score": scores[b.id],
                "capacity": stand_capacity(b.width, b.depth, 3),
                "staff_quota": 2,
            }
        )
        for b in booths
    ]
    rng.shuffle(out)
    return sorted(out, key=lambda b: b.id), halls


def _preferences(rng: random.Random, cluster: str, popular: list[BoothIn]) -> tuple[str, ...]:
    """0-5 ranked choices: mostly popular booths of the cluster's zone, some zones and halls, a few typos."""
    prefs: list[str] = []
    for _ in range(rng.choice((0, 1, 2, 3, 3, 4, 5, 5))):
        roll = rng.random()
        if roll < 0.8 and popular:
            code = rng.choice(popular).code
        elif roll < 0.9:
            code = f"zone:{cluster}"
        elif roll < 0.97:
            code = f"hall:{rng.choice('AB')}"
        else:
            code = f"Z-{rng.randrange(999)}"  # a booth that does not exist
        if code not in prefs:
            prefs.append(code)
    return tuple(prefs)


def _people(n: int, clusters: list[str], rng: random.Random) -> tuple[list[frozenset[int]], list[frozenset[int]]]:
    """A quarter name one or two competitors of their own cluster; 8% wish to be near someone."""
    same: dict[str, list[int]] = {}
    for i, c in enumerate(clusters):
        same.setdefault(c, []).append(i)
    rivals, near = [], []
    for i in range(n):
        named = {1000 + j for j in (rng.choice(same[clusters[i]]) for _ in range(rng.choice((1, 1, 2)))) if j != i}
        rivals.append(frozenset(named) if rng.random() < 0.25 else frozenset())
        friend = rng.choice(same[clusters[i]])
        near.append(frozenset({1000 + friend}) if rng.random() < 0.08 and friend != i else frozenset())
    return rivals, near


def applicants(n: int, booths: list[BoothIn], rng: random.Random) -> list[ApplicantIn]:
    classes = [c for c, w in CLASSES for _ in range(w)]
    by_zone: dict[str | None, list[BoothIn]] = {}
    for b in booths:
        by_zone.setdefault(b.zone, []).append(b)
    free_booths = [b for b in booths if b.package == "gratis-umkm"]
    out: list[ApplicantIn] = []
    for i in range(n):
        cls = rng.choice(classes)
        cluster = rng.choices(CLUSTERS, CLUSTER_WEIGHTS)[0]
        free = cls == "umkm" and rng.random() < 0.45
        zone_booths = free_booths if free else by_zone.get(cluster, [])
        popular = sorted(zone_booths, key=lambda b: -b.position_score)[: max(5, len(zone_booths) // 3)]
        out.append(
            ApplicantIn(
                id=i + 1,
                exhibitor_id=1000 + i,
                name=f"Peserta {i + 1}",
                exhibitor_class=cls,
                applied_on=date(2026, 8, 1) + timedelta(days=rng.randrange(21)),
                cluster=cluster,
                group="free" if free or cls == "pesantren" else "paid",
                packages=frozenset({"gratis-umkm"}) if free else frozenset(),
                power_amps=4 if cluster == "kuliner" and not free and rng.random() < 0.3 else 0,
                accessible=rng.random() < 0.03,
                preferences=_preferences(rng, cluster, popular),
                share=cls == "pesantren" and rng.random() < 0.12,
            )
        )
    rivals, near = _people(n, [a.cluster or "" for a in out], rng)
    return [replace(a, avoid=r, near=w) for a, r, w in zip(out, rivals, near, strict=True)]


def problem(n_apps: int, n_booths: int, seed: int, time_limit: float) -> Problem:
    rng = random.Random(seed)
    booths, _halls = venue(n_booths, rng)
    apps = applicants(n_apps, booths, rng)
    options = Options(
        seed=seed,
        quotas=(ClassQuota("pesantren", reserved=100), ClassQuota("umkm", reserved=30), ClassQuota("sponsor", cap=12)),
        zone_rules=(
            ZoneRule("package:gratis-umkm", classes=frozenset({"umkm"})),
            ZoneRule("hall:T", clusters=frozenset({"kuliner"})),
        ),
        fairness_max_gap=8,
        time_limit_s=time_limit,
        workers=2,
    )
    return Problem(tuple(booths), tuple(apps), options=options)


def check(p: Problem, outcome_stands: list[tuple[int, tuple[int, ...]]]) -> list[str]:
    """Hard rules, checked from scratch: one stand per booth, needs and zone rules met, sharing only by wish."""
    booths = {b.id: b for b in p.booths}
    apps = {a.id: a for a in p.applicants}
    seen: set[int] = set()
    problems = []
    for booth_id, members in outcome_stands:
        if booth_id in seen:
            problems.append(f"booth {booth_id} twice")
        seen.add(booth_id)
        for m in members:
            if unmet_needs(apps[m], booths[booth_id], p.options.zone_rules):
                problems.append(f"application {m} does not fit booth {booth_id}")
            if len(members) > 1 and not apps[m].share:
                problems.append(f"application {m} shares without asking")
        if len(members) > booths[booth_id].capacity:
            problems.append(f"booth {booth_id} over capacity")
    return problems


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--applications", type=int, default=300)
    parser.add_argument("--booths", type=int, default=400)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--time-limit", type=float, default=8.0)
    args = parser.parse_args()
    from booths.allocation.solver import solve

    p = problem(args.applications, args.booths, args.seed, args.time_limit)
    began = time.perf_counter()
    outcome = solve(p)
    elapsed = time.perf_counter() - began
    booths = {b.id: b for b in p.booths}
    pairs = sum(1 for a in p.booths for b in p.booths if a.id < b.id and adjacent(a, b, 1.0))
    common = {"applications": args.applications, "booths": args.booths, "seed": args.seed}
    figures = [
        ("alloc.solve_s", round(elapsed, 2), "s"),
        ("alloc.objective", outcome.objective, "points"),
        ("alloc.bound", outcome.bound, "points"),
        ("alloc.bound_gap_pct", outcome.gap_pct, "%"),
        ("alloc.fairness_gap", outcome.fairness_gap, "points"),
        ("alloc.placed", outcome.placed, "count"),
        ("alloc.unplaced", outcome.unplaced, "count"),
        ("alloc.competitors_adjacent", outcome.competitor_pairs_adjacent, "count"),
        ("alloc.shared_stands", sum(1 for s in outcome.stands if len(s.application_ids) > 1), "count"),
        ("alloc.adjacent_booth_pairs", pairs, "count"),
        ("alloc.timed_out", int(outcome.timed_out), "bool"),
    ]
    for name, value, unit in figures:
        print(json.dumps({"name": name, "value": value, "unit": unit, **common, "method": outcome.method}))
    problems = check(p, [(s.booth_id, s.application_ids) for s in outcome.stands])
    if sum(outcome.terms.values()) != outcome.objective:
        problems.append(f"terms {outcome.terms} do not add up to {outcome.objective}")
    if not all(b in booths for b, _ in [(s.booth_id, 0) for s in outcome.stands]):
        problems.append("unknown booth")
    for line in problems:
        print(line, file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
