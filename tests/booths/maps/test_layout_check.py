"""The layout check as a pure function: planted overlaps, narrow aisles, blocked exits, closed-in booths."""

from booths.maps.layout_check import FloorFeature, HallPlan, Rules, check_hall, check_venue, door_clear_zone
from booths.maps.models import FeatureKind
from booths.venue.geometry import BlockSpec, Rect, block_layout


def _codes(plan: HallPlan, rules: Rules | None = None) -> dict[str, list[tuple[str, ...]]]:
    found: dict[str, list[tuple[str, ...]]] = {}
    for f in check_hall(plan, rules or Rules()):
        found.setdefault(f.code, []).append(f.items)
    return found


def _good_hall(features: tuple[FloorFeature, ...] = ()) -> HallPlan:
    booths = block_layout(BlockSpec(6, 3, 2, 5, 3, 3, 3, "A", back_to_back=True))
    return HallPlan("A", 30, 15, booths, features)


def test_a_sound_layout_passes() -> None:
    exit_door = FloorFeature(FeatureKind.EXIT, "Exit east", Rect(29.7, 4, 0.3, 2))
    stage = FloorFeature(FeatureKind.STAGE, "Stage", Rect(0, 3, 3, 6))
    report = check_venue([_good_hall((exit_door, stage))], Rules())
    assert report.ok, report.findings
    assert report.findings == []


def test_planted_overlap_and_booth_outside_the_walls_are_errors() -> None:
    plan = _good_hall()
    booths = [*plan.booths, ("X-1", Rect(7, 4, 3, 3)), ("X-2", Rect(28, 13, 3, 3))]
    found = _codes(HallPlan("A", 30, 15, booths))
    assert ("A-01", "X-1") in found["booth_overlap"] or ("A-02", "X-1") in found["booth_overlap"]
    assert ("X-2",) in found["outside_hall"]
    report = check_venue([HallPlan("A", 30, 15, booths)], Rules())
    assert not report.ok


def test_narrow_aisles_are_found_and_the_minimum_is_configurable() -> None:
    # Two rows 2 m apart: too narrow for 3 m, fine for 1.5 m.
    booths = [
        ("A-1", Rect(5, 3, 3, 3)),
        ("A-2", Rect(8, 3, 3, 3)),
        ("B-1", Rect(5, 8, 3, 3)),
        ("B-2", Rect(8, 8, 3, 3)),
    ]
    plan = HallPlan("A", 20, 15, booths)
    narrow = [f for f in check_hall(plan, Rules(min_aisle_m=3)) if f.code == "narrow_aisle"]
    assert len(narrow) == 1  # one aisle, reported once with every booth along it
    assert narrow[0].severity == "error"
    assert set(narrow[0].items) == {"A-1", "A-2", "B-1", "B-2"}
    assert narrow[0].params["width"] == "2"
    assert "narrow_aisle" not in _codes(plan, Rules(min_aisle_m=1.5))
    # A booth 1 m from a wall leaves a passage too narrow to walk.
    assert "narrow_aisle" in _codes(HallPlan("A", 20, 15, [("W-1", Rect(1, 5, 3, 3))]))
    # ... but a gap filled by another booth is no aisle, and outdoors the boundary is no wall.
    filled = [("A-1", Rect(5, 3, 3, 3)), ("F-1", Rect(5, 6, 3, 2)), ("B-1", Rect(5, 8, 3, 3))]
    assert "narrow_aisle" not in _codes(HallPlan("A", 20, 15, filled))
    assert "narrow_aisle" not in _codes(HallPlan("T", 20, 15, [("W-1", Rect(1, 5, 3, 3))], outdoor=True))


def test_a_marked_aisle_must_be_wide_and_free() -> None:
    aisle = FloorFeature(FeatureKind.AISLE, "Main aisle", Rect(12, 0, 2, 15))
    found = _codes(HallPlan("A", 30, 15, [("A-1", Rect(13, 6, 3, 3))], (aisle,)))
    assert ("Main aisle",) in found["narrow_aisle"]
    assert ("A-1", "Main aisle") in found["aisle_blocked"]


def test_blocked_exits_are_errors() -> None:
    door = FloorFeature(FeatureKind.EXIT, "Exit east", Rect(29.7, 4, 0.3, 3))
    assert door_clear_zone(door.rect, 30, 15, 2.0) == Rect(28.0, 4, 2.0, 3)
    blocker = ("Z-1", Rect(27.5, 5, 2, 2))
    found = _codes(HallPlan("A", 30, 15, [blocker], (door,)))
    assert found["exit_blocked"] == [("Exit east", "Z-1")]
    # A desk in front of the main entrance blocks it too.
    entrance = FloorFeature(FeatureKind.ENTRANCE, "Main door", Rect(10, 14.7, 3, 0.3))
    desk = FloorFeature(FeatureKind.INFO, "Info", Rect(10.5, 13.5, 2, 1))
    assert _codes(HallPlan("A", 30, 15, [], (entrance, desk)))["exit_blocked"] == [("Main door", "Info")]


def test_a_booth_closed_in_on_every_side_has_no_access() -> None:
    ring = block_layout(BlockSpec(3, 3, 3, 3, 3, 3, 0, "R"))  # 3 x 3 booths touching: the middle one is shut in
    found = _codes(HallPlan("A", 20, 20, ring))
    assert found["no_access"] == [("R-05",)]


def test_booths_on_solid_features_are_errors_but_columns_only_warn() -> None:
    stage = FloorFeature(FeatureKind.STAGE, "Stage", Rect(0, 0, 6, 6))
    column = FloorFeature(FeatureKind.COLUMN, "K1", Rect(11, 11, 0.5, 0.5))
    findings = check_hall(
        HallPlan("A", 30, 20, [("A-1", Rect(5, 5, 3, 3)), ("A-2", Rect(10, 10, 3, 3))], (stage, column)), Rules()
    )
    by_code = {f.code: f for f in findings}
    assert by_code["booth_on_feature"].severity == "error"
    assert by_code["column_in_booth"].severity == "warning"


def test_a_thousand_booths_are_checked_quickly() -> None:
    import time

    booths = block_layout(BlockSpec(3, 3, 40, 25, 3, 3, 3, "A", back_to_back=True))
    plan = HallPlan("A", 3 + 25 * 3 + 3, 3 + 20 * 9 + 3, booths)
    started = time.perf_counter()
    report = check_venue([plan], Rules())
    assert time.perf_counter() - started < 5
    assert report.ok, report.findings[:3]
