"""The pure allocator: hand-checked cases with known optimal answers, a brute-force oracle, properties."""

import itertools
from dataclasses import replace
from datetime import date

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from booths.allocation.solver import (
    ApplicantIn,
    BoothIn,
    ClassQuota,
    HallIn,
    LockedIn,
    Options,
    Outcome,
    Problem,
    Weights,
    ZoneRule,
    adjacent,
    engine,
    neighbourhoods,
    position_scores,
    preference_points,
    preference_rank,
    priority,
    solve,
    unmet_needs,
)

DAY = date(2026, 8, 1)
FAST = Options(seed=7, time_limit_s=2.0)


def row(
    n: int, *, hall: str = "A", zone: str | None = None, y: float = 0, start: int = 1, **kw: object
) -> list[BoothIn]:
    """``n`` booths of 3 x 3 m side by side (each adjacent to the next)."""
    return [
        BoothIn(
            id=start + i,
            code=f"{hall}-{start + i:02d}",
            hall=hall,
            x=3.0 * i,
            y=y,
            width=3,
            depth=3,
            zone=zone,
            **kw,  # type: ignore[arg-type]
        )
        for i in range(n)
    ]


def app(i: int, **kw: object) -> ApplicantIn:
    values: dict[str, object] = {
        "id": i,
        "exhibitor_id": 100 + i,
        "name": f"Peserta {i}",
        "exhibitor_class": "umkm",
        "applied_on": DAY,
    }
    return ApplicantIn(**(values | kw))  # type: ignore[arg-type]


def placed_at(outcome: Outcome) -> dict[int, str]:
    return {e.application_id: e.booth_code or "" for e in outcome.explanations if e.placed}


def explanation(outcome: Outcome, application_id: int) -> tuple[str, dict[str, object], list[str]]:
    e = next(e for e in outcome.explanations if e.application_id == application_id)
    return e.reason.code, dict(e.reason.params), [n.code for n in e.notes]


# --- geometry ---------------------------------------------------------------------------------------
def test_adjacency_is_a_shared_edge_or_a_narrow_gap_never_a_corner_or_an_aisle() -> None:
    a = BoothIn(1, "A-01", "A", 0, 0, 3, 3)
    assert adjacent(a, BoothIn(2, "A-02", "A", 3, 0, 3, 3), 1.0)  # shared edge
    assert adjacent(a, BoothIn(3, "A-03", "A", 0, 3, 3, 3), 1.0)  # back to back
    assert adjacent(a, BoothIn(4, "A-04", "A", 3.5, 0, 3, 3), 1.0)  # a 0.5 m gap
    assert not adjacent(a, BoothIn(5, "A-05", "A", 0, 6, 3, 3), 1.0)  # across a 3 m aisle
    assert not adjacent(a, BoothIn(6, "A-06", "A", 3, 3, 3, 3), 1.0)  # corner to corner
    assert not adjacent(a, BoothIn(7, "B-01", "B", 3, 0, 3, 3), 1.0)  # another hall
    assert not adjacent(a, BoothIn(8, "A-08", "A", 3, 2.8, 3, 3), 1.0)  # 0.2 m of edge is not a side
    adj, near = neighbourhoods(row(4), 1.0, 7.0)
    assert adj == [[1], [0, 2], [1, 3], [2]]
    assert near[0] == [1, 2]  # centres 3 m and 6 m away, not 9 m


def test_position_score_favours_the_entrance_main_aisles_and_open_sides() -> None:
    hall = HallIn("A", 60, 40)  # entrance: the middle of the front wall
    front = BoothIn(1, "A-01", "A", 28.5, 0, 3, 3)
    back_corner = BoothIn(2, "A-02", "A", 0, 37, 3, 3)
    island = BoothIn(3, "A-03", "A", 28.5, 0, 3, 3, booth_type="island")
    scores = position_scores([front, back_corner, island], [hall])
    assert scores[1] > 70
    assert scores[2] < 40
    assert scores[3] > scores[1]
    moved = position_scores([back_corner], [HallIn("A", 60, 40, entrances=((0.0, 40.0),))])
    assert moved[2] > scores[2]  # an entrance from the venue features changes the score


def test_needs_and_zone_rules() -> None:
    booth = BoothIn(1, "T-01", "T", 0, 0, 3, 3, booth_type="tent", package="tenda", zone="kuliner", power_amps=4)
    assert unmet_needs(app(1, cluster="kuliner", power_amps=4), booth, []) == []
    wants = app(1, power_amps=6, accessible=True, booth_types=frozenset({"island"}), min_area_m2=12)
    assert unmet_needs(replace(wants, packages=frozenset({"standar"})), replace(booth, accessible=False), []) == [
        "type",
        "package",
        "area",
        "power",
        "accessible",
    ]
    rule = ZoneRule("hall:T", clusters=frozenset({"kuliner"}))
    assert unmet_needs(app(1, cluster="fashion"), booth, [rule]) == ["zone_rule"]
    assert unmet_needs(app(1, cluster="kuliner"), booth, [rule]) == []


def test_priority_reserved_then_day_then_published_lottery() -> None:
    apps = [
        app(1, applied_on=date(2026, 8, 1)),
        app(2, applied_on=date(2026, 8, 3), exhibitor_class="pesantren"),
        app(3, applied_on=date(2026, 8, 1)),
        app(4, applied_on=date(2026, 8, 2)),
    ]
    ranks = priority(apps, [ClassQuota("pesantren", reserved=5)], seed=11)
    assert next(e.application_id for e in ranks) == 2  # the reserved OPOP place comes first
    assert ranks[0].tier == "reserved"
    assert {e.application_id for e in ranks[1:3]} == {1, 3}  # same day: the lottery decides
    assert ranks[3].application_id == 4
    again = priority(list(reversed(apps)), [ClassQuota("pesantren", reserved=5)], seed=11)
    assert [e.application_id for e in again] == [e.application_id for e in ranks]
    lottery_order = [e.application_id for e in priority(apps[:1] + apps[2:3], [], seed=12)]
    assert sorted(lottery_order) == [1, 3]


# --- hand-checked answers -------------------------------------------------------------------------------
def test_first_choices_go_by_priority_when_wishes_collide() -> None:
    booths = row(3)
    early = app(1, preferences=("A-01", "A-02"))
    late = app(2, applied_on=date(2026, 8, 9), preferences=("A-01", "A-03"))
    outcome = solve(Problem(tuple(booths), (late, early), options=FAST))
    assert placed_at(outcome) == {1: "A-01", 2: "A-03"}
    assert explanation(outcome, 1)[:2] == ("got_preference", {"rank": 1, "booth": "A-01"})
    code, _, notes = explanation(outcome, 2)
    assert code == "got_preference"
    assert notes == ["pref_taken_by_higher"]
    assert outcome.optimal
    assert outcome.bound == outcome.objective


def test_clusters_go_to_their_zones_and_competitors_are_kept_apart() -> None:
    booths = row(3, zone="kuliner") + row(3, zone="fashion", y=20, start=4)
    kuliner = [app(i, cluster="kuliner") for i in (1, 2, 3)]
    kuliner[0] = replace(kuliner[0], avoid=frozenset({102}))
    fashion = app(4, cluster="fashion")
    options = replace(FAST, weights=Weights(position=0))
    outcome = solve(Problem(tuple(booths), (*kuliner, fashion), options=options))
    where = placed_at(outcome)
    assert {where[1], where[2], where[3]} == {"A-01", "A-02", "A-03"}
    assert where[2] != "A-02"
    assert where[1] != "A-02"
    assert where[4].startswith("A-0")
    assert int(where[4][2:]) >= 4
    assert outcome.competitor_pairs_adjacent == 0
    assert outcome.terms["cluster_zone"] == 4 * 20
    assert outcome.terms["cluster_adjacent"] == 2 * 2  # kuliner pairs (1-2 and 2-3 of the row)


def test_shared_stand_for_pesantren_who_asked_and_split_staff_passes() -> None:
    booth = BoothIn(1, "A-01", "A", 0, 0, 3, 3, zone="kuliner", capacity=3, staff_quota=4)
    a = app(1, exhibitor_class="pesantren", cluster="kuliner", share=True)
    b = app(2, exhibitor_class="pesantren", cluster="kuliner", share=True, applied_on=date(2026, 8, 5))
    c = app(3, exhibitor_class="pesantren", cluster="kuliner", applied_on=date(2026, 8, 6))  # wants its own
    outcome = solve(Problem((booth,), (a, b, c), options=FAST))
    (stand,) = outcome.stands
    assert stand.application_ids == (1, 2)
    assert stand.staff_quota_shares == (2, 2)
    assert explanation(outcome, 2)[2] == ["shared_stand"]
    assert explanation(outcome, 3)[:2] == ("outranked", {"rank": 3, "fitting": 1})


def test_rivals_never_share_a_stand_and_named_partners_come_first() -> None:
    booths = tuple(row(2, capacity=2))
    a = app(1, share=True, cluster="kuliner", share_with=frozenset({103}))
    b = app(2, share=True, cluster="kuliner")
    c = app(3, share=True, cluster="kuliner", applied_on=date(2026, 8, 9), avoid=frozenset({102}))
    outcome = solve(Problem(booths, (a, b, c), options=FAST))
    stands = {s.application_ids for s in outcome.stands}
    assert (1, 3) in stands
    assert (2,) in stands


def test_more_applications_than_booths_leaves_the_lowest_priority_out_with_reasons() -> None:
    booths = row(2)
    apps = [app(i, applied_on=date(2026, 8, i)) for i in (1, 2, 3)]
    apps.append(app(4, power_amps=16))
    outcome = solve(Problem(tuple(booths), tuple(apps), options=FAST))
    assert set(placed_at(outcome)) == {1, 2}
    assert explanation(outcome, 3)[0] == "outranked"
    assert explanation(outcome, 4)[:2] == ("no_fitting_booth", {"needs": "power"})
    assert outcome.unplaced == 2


def test_reservations_and_caps() -> None:
    booths = row(2)
    early_umkm = app(1, applied_on=date(2026, 8, 1))
    late_pesantren = app(2, exhibitor_class="pesantren", applied_on=date(2026, 8, 20))
    sponsors = [app(3, exhibitor_class="sponsor"), app(4, exhibitor_class="sponsor")]
    quotas = (ClassQuota("pesantren", reserved=1), ClassQuota("sponsor", cap=1))
    outcome = solve(
        Problem(tuple(booths), (early_umkm, late_pesantren, *sponsors), options=replace(FAST, quotas=quotas))
    )
    where = placed_at(outcome)
    assert 2 in where  # reserved OPOP place beats an earlier application
    assert sum(1 for i in (3, 4) if i in where) == 1
    refused = [explanation(outcome, i) for i in (3, 4) if i not in where]
    assert refused[0][:2] == ("class_cap_reached", {"class": "sponsor", "cap": 1})


def test_locked_bookings_stay_and_their_exhibitors_keep_them() -> None:
    booths = row(3)
    locked = (LockedIn(booth_id=1, exhibitor_ids=(101,), cluster="kuliner"),)
    keeps = app(1, preferences=("A-02",))
    newcomer = app(2, preferences=("A-01",), cluster="kuliner")
    outcome = solve(Problem(tuple(booths), (keeps, newcomer), locked=locked, options=FAST))
    assert all(s.booth_id != 1 for s in outcome.stands)
    assert explanation(outcome, 1)[:2] == ("kept_existing_booking", {"booth": "A-01"})
    code, _, notes = explanation(outcome, 2)
    assert code == "placed_best_available"
    assert notes == ["pref_already_booked"]
    assert placed_at(outcome)[2] == "A-02"  # next to its own cluster's locked neighbour


def test_pins_hold_and_impossible_pins_are_dropped_with_a_reason() -> None:
    booths = row(3, power_amps=2)
    a = app(1, preferences=("A-01",))
    b = app(2, power_amps=10)
    c = app(3)
    pins = {1: 3, 3: 99, 2: 2}
    outcome = solve(Problem(tuple(booths), (a, b, c), pins=pins, options=FAST))
    assert placed_at(outcome)[1] == "A-03"
    assert explanation(outcome, 1)[0] == "pinned"
    assert "lock_dropped" in explanation(outcome, 3)[2]
    assert explanation(outcome, 2)[0] == "no_fitting_booth"


def test_bad_preferences_are_explained_not_fatal() -> None:
    booths = (*row(2), BoothIn(3, "T-01", "T", 0, 0, 3, 3, booth_type="tent", accessible=False))
    a = app(1, accessible=True, preferences=("Z-99", "T-01", "zone:nowhere", "hall:A", "A-02", "A-01", "A-02"))
    outcome = solve(Problem(booths, (a,), options=FAST))
    code, params, notes = explanation(outcome, 1)
    assert code == "got_area_preference"
    assert params["rank"] == 4
    assert notes == ["pref_unknown", "pref_unsuitable", "pref_unknown"]


def test_fairness_bounds_the_gap_between_free_and_paying_exhibitors() -> None:
    scores = (90, 80, 20, 10)
    booths = tuple(replace(b, position_score=s) for b, s in zip(row(4), scores, strict=True))
    paying = [app(i, group="paid", preferences=("A-01", "A-02")) for i in (1, 2)]
    free = [app(i, group="free") for i in (3, 4)]
    unfair = solve(Problem(booths, (*paying, *free), options=replace(FAST, weights=Weights(fairness=0))))
    assert unfair.fairness_gap == 70.0
    fair = solve(
        Problem(booths, (*paying, *free), options=replace(FAST, fairness_max_gap=10, weights=Weights(fairness=50)))
    )
    # The best answer within a gap of 10: a paying exhibitor keeps its first choice (90), the other
    # takes 20; the free ones get 80 and 10 (means 55 and 45).
    assert fair.fairness_gap == 10.0
    assert {g.group: (g.best, g.worst) for g in fair.fairness} == {"free": (80, 10), "paid": (90, 20)}
    assert fair.terms["fairness"] == 0


def test_wish_to_be_near_someone() -> None:
    booths = (*row(2), BoothIn(3, "A-10", "A", 40, 0, 3, 3))
    a = app(1, near=frozenset({102}), preferences=("A-10",))
    b = app(2)
    outcome = solve(Problem(booths, (a, b), options=replace(FAST, weights=Weights(near=100))))
    assert {placed_at(outcome)[1], placed_at(outcome)[2]} == {"A-01", "A-02"}
    assert "near_met" in explanation(outcome, 1)[2]
    assert "pref_tradeoff" in explanation(outcome, 1)[2]


def test_nothing_to_allocate_and_no_booths() -> None:
    assert solve(Problem((), ())).stands == ()
    outcome = solve(Problem((), (app(1),)))
    assert explanation(outcome, 1)[:2] == ("no_fitting_booth", {"needs": "all_booked"})


def test_without_the_solver_the_local_search_answers() -> None:
    booths = row(3)
    apps = (app(1, preferences=("A-03",)), app(2, preferences=("A-03", "A-01")))
    outcome = solve(Problem(tuple(booths), apps, options=replace(FAST, use_solver=False)))
    assert placed_at(outcome) == {1: "A-03", 2: "A-01"}
    assert outcome.method == "local search"
    assert outcome.bound >= outcome.objective


def test_a_tiny_time_limit_still_gives_a_complete_answer() -> None:
    booths = row(40, zone="kuliner")
    apps = tuple(app(i, cluster="kuliner", preferences=(f"A-{(i * 7) % 40 + 1:02d}",)) for i in range(1, 36))
    outcome = solve(Problem(tuple(booths), apps, options=replace(FAST, time_limit_s=0.05)))
    assert outcome.placed == 35
    assert len({s.booth_id for s in outcome.stands}) == 35


# --- an independent oracle -------------------------------------------------------------------------------
def _score(problem: Problem, where: dict[int, int], rank: dict[int, int]) -> int:
    """The objective of a one-exhibitor-per-booth answer, from the definition (no shared code paths)."""
    w, o = problem.options.weights, problem.options
    booths = {b.id: b for b in problem.booths}
    apps = {a.id: a for a in problem.applicants}
    by_exhibitor = {apps[i].exhibitor_id: b for i, b in where.items()}
    total = 0
    for i, b in where.items():
        a, booth = apps[i], booths[b]
        total += preference_points(w, preference_rank(a, booth), rank[i], len(apps))
        total += w.cluster_zone if booth.zone and booth.zone == a.cluster else 0
        total += w.position * booth.position_score // 10
    for (i, b), (j, c) in itertools.combinations(sorted(where.items()), 2):
        if not adjacent(booths[b], booths[c], o.adjacent_gap_m):
            continue
        if apps[i].cluster and apps[i].cluster == apps[j].cluster:
            total += w.cluster_adjacent
        if apps[j].exhibitor_id in apps[i].avoid or apps[i].exhibitor_id in apps[j].avoid:
            total -= w.competitor
    for i, b in where.items():
        for e in apps[i].near:
            if e in by_exhibitor:
                x0, y0 = booths[b].x + 1.5, booths[b].y + 1.5
                x1, y1 = booths[by_exhibitor[e]].x + 1.5, booths[by_exhibitor[e]].y + 1.5
                if ((x0 - x1) ** 2 + (y0 - y1) ** 2) ** 0.5 <= o.near_m:
                    total += w.near
    groups: dict[str, list[int]] = {}
    for i, b in where.items():
        groups.setdefault(apps[i].fairness_group, []).append(booths[b].position_score)
    means = [sum(v) / len(v) for v in groups.values()]
    if len(means) > 1:
        excess = max(0.0, max(means) - min(means) - o.fairness_max_gap)
        total -= w.fairness * int(-(-excess // 1))
    return total


booth_strategy = st.builds(
    dict,
    zone=st.sampled_from([None, "kuliner", "fashion"]),
    position_score=st.integers(0, 100),
    power_amps=st.sampled_from([2, 4]),
    gap=st.sampled_from([0.0, 0.5, 3.0]),
)
app_strategy = st.builds(
    dict,
    cluster=st.sampled_from([None, "kuliner", "fashion"]),
    group=st.sampled_from(["free", "paid"]),
    power=st.sampled_from([0, 0, 4, 8]),
    prefs=st.lists(st.integers(1, 7), max_size=3),
    day=st.integers(1, 3),
    avoid=st.lists(st.integers(1, 5), max_size=2),
    near=st.lists(st.integers(1, 5), max_size=1),
    share=st.booleans(),
)


def _instance(
    booth_specs: list[dict[str, object]], app_specs: list[dict[str, object]], seed: int, share: bool = False
) -> Problem:
    booths, x = [], 0.0
    for k, spec in enumerate(booth_specs, start=1):
        booths.append(
            BoothIn(
                id=k,
                code=f"A-{k:02d}",
                hall="A",
                x=x,
                y=0,
                width=3,
                depth=3,
                zone=spec["zone"],  # type: ignore[arg-type]
                position_score=spec["position_score"],  # type: ignore[arg-type]
                power_amps=spec["power_amps"],  # type: ignore[arg-type]
                capacity=3 if share else 1,
            )
        )
        x += 3 + float(spec["gap"])  # type: ignore[arg-type]
    apps = []
    for k, spec in enumerate(app_specs, start=1):
        apps.append(
            app(
                k,
                cluster=spec["cluster"],
                group=spec["group"],
                power_amps=spec["power"],
                preferences=tuple(f"A-{p:02d}" for p in spec["prefs"]),  # type: ignore[attr-defined]
                applied_on=date(2026, 8, spec["day"]),  # type: ignore[arg-type]
                avoid=frozenset(100 + e for e in spec["avoid"] if e != k),  # type: ignore[attr-defined]
                near=frozenset(100 + e for e in spec["near"] if e != k),  # type: ignore[attr-defined]
                share=bool(spec["share"]) and share,
            )
        )
    weights = Weights(competitor=30, near=12, fairness=4)
    return Problem(tuple(booths), tuple(apps), options=Options(seed=seed, weights=weights, time_limit_s=2.0))


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    booth_specs=st.lists(booth_strategy, min_size=1, max_size=5),
    app_specs=st.lists(app_strategy, min_size=1, max_size=4),
    seed=st.integers(0, 1000),
)
def test_the_optimum_matches_brute_force(
    booth_specs: list[dict[str, object]], app_specs: list[dict[str, object]], seed: int
) -> None:
    problem = _instance(booth_specs, app_specs, seed)
    outcome = solve(problem)
    rank = {e.application_id: e.rank for e in outcome.priority}
    chosen = sorted(e.application_id for e in outcome.explanations if e.placed)
    apps = {a.id: a for a in problem.applicants}
    best = None
    for booths in itertools.permutations([b.id for b in problem.booths], len(chosen)):
        where = dict(zip(chosen, booths, strict=True))
        booth_by_id = {b.id: b for b in problem.booths}
        if any(unmet_needs(apps[i], booth_by_id[b], []) for i, b in where.items()):
            continue
        value = _score(problem, where, rank)
        best = value if best is None else max(best, value)
    assert best is not None
    got = {e.application_id: e.booth_id for e in outcome.explanations if e.placed}
    assert _score(problem, got, rank) == outcome.objective == sum(outcome.terms.values())
    assert outcome.objective == best
    assert outcome.bound >= outcome.objective


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    booth_specs=st.lists(booth_strategy, min_size=0, max_size=7),
    app_specs=st.lists(app_strategy, min_size=0, max_size=8),
    seed=st.integers(0, 1000),
    locked=st.sets(st.integers(1, 7), max_size=2),
    pins=st.dictionaries(st.integers(1, 8), st.integers(1, 9), max_size=2),
)
def test_properties(
    booth_specs: list[dict[str, object]],
    app_specs: list[dict[str, object]],
    seed: int,
    locked: set[int],
    pins: dict[int, int],
) -> None:
    base = _instance(booth_specs, app_specs, seed, share=True)
    booth_ids = {b.id for b in base.booths}
    locks = tuple(LockedIn(b, (900 + b,), "kuliner") for b in sorted(locked) if b in booth_ids)
    problem = replace(base, locked=locks, pins=pins)
    outcome = solve(problem)
    booths = {b.id: b for b in problem.booths}
    apps = {a.id: a for a in problem.applicants}

    # never two stands on one booth; several exhibitors only as a shared stand they asked for
    taken = [s.booth_id for s in outcome.stands]
    assert len(taken) == len(set(taken))
    for stand in outcome.stands:
        assert len(stand.application_ids) <= booths[stand.booth_id].capacity
        if len(stand.application_ids) > 1:
            assert all(apps[i].share for i in stand.application_ids)
        assert sum(stand.staff_quota_shares) == booths[stand.booth_id].staff_quota
    # locked bookings never move and are never given away
    assert not set(taken) & {lock.booth_id for lock in locks}
    # hard constraints always hold
    for stand in outcome.stands:
        for i in stand.application_ids:
            assert unmet_needs(apps[i], booths[stand.booth_id], problem.options.zone_rules) == []
    # pins that could hold, hold
    for e in outcome.explanations:
        if e.reason.code == "pinned":  # a member of the stand pinned it there
            assert any(pins.get(m) == e.booth_id for m in (e.application_id, *e.shared_with))
    # everyone is explained once; the arithmetic adds up; the bound bounds
    assert sorted(e.application_id for e in outcome.explanations) == sorted(apps)
    assert sum(outcome.terms.values()) == outcome.objective <= outcome.bound
    # competitors side by side are counted from the geometry
    where = {apps[i].exhibitor_id: s.booth_id for s in outcome.stands for i in s.application_ids}
    allocated = set(where.values())
    where |= {e: lock.booth_id for lock in locks for e in lock.exhibitor_ids}
    pairs = set()
    for a in apps.values():
        for e in a.avoid:
            here, there = where.get(a.exhibitor_id), where.get(e)
            if (
                here
                and there
                and here != there
                and (here in allocated or there in allocated)
                and adjacent(booths[here], booths[there], problem.options.adjacent_gap_m)
            ):
                pairs.add(frozenset((a.exhibitor_id, e)))
    assert outcome.competitor_pairs_adjacent == len(pairs)
    # the same seed gives the same answer
    again = solve(problem)
    assert again.stands == outcome.stands
    assert again.objective == outcome.objective


def test_priority_matching_places_the_most_and_prefers_priority() -> None:
    # unit 0 could take booth 0 or 1; unit 1 only booth 0; unit 2 only booth 0 (lowest priority)
    booth_of, refused = engine.priority_matching([0, 1, 2], [[0, 1], [0], [0]])
    assert booth_of == {0: 1, 1: 0}
    assert refused == {2: "no_booth"}
    booth_of, refused = engine.priority_matching([0, 1], [[0], [1]], uses=[{0: 1}, {0: 1}], caps=[1])
    assert booth_of == {0: 0}
    assert refused == {1: "cap"}


def test_relaxation_bounds_every_assignment() -> None:
    problem = _instance(
        [{"zone": "kuliner", "position_score": s, "power_amps": 2, "gap": 0.0} for s in (90, 50, 40, 80, 10)],
        [
            {"cluster": c, "group": g, "power": 0, "prefs": p, "day": 1, "avoid": a, "near": n, "share": False}
            for c, g, p, a, n in [
                ("kuliner", "free", [1, 2], [2], []),
                ("kuliner", "paid", [1], [], [3]),
                ("fashion", "free", [4], [1], []),
            ]
        ],
        seed=3,
    )
    outcome = solve(problem)
    assert outcome.optimal
    assert outcome.bound == outcome.objective
    inst_units = 3
    inst = engine.Instance(
        n_booths=5,
        candidates=[list(range(5))] * inst_units,
        score=[{b: (b * 7 + u * 3) % 11 for b in range(5)} for u in range(inst_units)],
        cluster=[0, 0, 1],
        neighbours=[[1], [0, 2], [1, 3], [2, 4], [3]],
        near=[[1, 2], [0, 2, 3], [0, 1, 3, 4], [1, 2, 4], [2, 3]],
        position=[90, 50, 40, 80, 10],
        weights=engine.EngineWeights(adjacent=5, avoid=9, near=4, fairness=0),
        avoid=[(0, 1)],
        wishes=[(2, 0)],
    )
    bound = engine.relaxation_bound(inst)
    for perm in itertools.permutations(range(5), inst_units):
        assert engine.evaluate(inst, perm).total <= bound
        assert engine.evaluate(inst, perm).total <= engine.relaxation_bound(inst, perm)
