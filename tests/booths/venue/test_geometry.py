"""The pure geometry of booths on a hall floor: overlaps, fitting, derived types and generated blocks."""

import itertools
import random

import pytest

from booths.venue.geometry import (
    BlockSpec,
    Rect,
    block_layout,
    closed_sides,
    derive_booth_type,
    derive_types,
    inside,
    overlaps,
)
from booths.venue.models import BoothType

pytestmark = pytest.mark.anyio

HALL_W, HALL_D = 60.0, 40.0


# --- overlaps and inside --------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        (Rect(0, 0, 3, 3), Rect(1, 1, 3, 3), True),
        (Rect(0, 0, 3, 3), Rect(3, 0, 3, 3), False),  # sharing an edge is not overlapping
        (Rect(0, 0, 3, 3), Rect(0, 3, 3, 3), False),
        (Rect(0, 0, 3, 3), Rect(3, 3, 3, 3), False),  # nor a corner
        (Rect(0, 0, 10, 10), Rect(2, 2, 1, 1), True),  # one inside the other
        (Rect(0, 0, 3, 3), Rect(0, 0, 3, 3), True),
        (Rect(0, 0, 3, 3), Rect(2.9999, 0, 3, 3), True),
        (Rect(0, 0, 3, 3), Rect(3 - 1e-9, 0, 3, 3), False),  # float noise is not an overlap
        (Rect(0, 0, 3, 3), Rect(10, 10, 3, 3), False),
        (Rect(0, 0, 10, 1), Rect(4, -2, 1, 5), True),  # a cross
    ],
)
def test_overlaps(a: Rect, b: Rect, expected: bool) -> None:
    assert overlaps(a, b) is expected
    assert overlaps(b, a) is expected


def test_float_sums_still_touch() -> None:
    x = 0.0
    rects = []
    for _ in range(10):
        rects.append(Rect(x, 0, 0.1, 1))
        x += 0.1  # 0.30000000000000004 and friends
    assert not any(overlaps(a, b) for a, b in itertools.pairwise(rects))


@pytest.mark.parametrize(
    ("rect", "expected"),
    [
        (Rect(0, 0, 60, 40), True),
        (Rect(57, 37, 3, 3), True),
        (Rect(57.5, 0, 3, 3), False),
        (Rect(0, 38, 3, 3), False),
        (Rect(-0.5, 0, 3, 3), False),
        (Rect(0, -0.5, 3, 3), False),
        (Rect(0.1 + 0.2, 0, 59.7, 3), True),
    ],
)
def test_inside(rect: Rect, expected: bool) -> None:
    assert inside(rect, HALL_W, HALL_D) is expected


# --- derived types --------------------------------------------------------------------------------
def test_a_lone_booth_is_an_island() -> None:
    rect = Rect(10, 10, 3, 3)
    assert closed_sides(rect, [], HALL_W, HALL_D) == 0
    assert derive_booth_type(rect, [], HALL_W, HALL_D, outdoor=False) is BoothType.ISLAND


def test_walls_close_sides() -> None:
    assert closed_sides(Rect(0, 0, 3, 3), [], HALL_W, HALL_D) == 2  # the top-left corner of the hall
    assert closed_sides(Rect(57, 37, 3, 3), [], HALL_W, HALL_D) == 2
    assert closed_sides(Rect(10, 0, 3, 3), [], HALL_W, HALL_D) == 1
    assert closed_sides(Rect(0, 0, 60, 40), [], HALL_W, HALL_D) == 4


def test_a_row_against_a_wall() -> None:
    row = [Rect(10 + 3 * i, 0, 3, 3) for i in range(4)]
    types = derive_types(row, HALL_W, HALL_D, outdoor=False)
    assert types == [BoothType.CORNER, BoothType.INLINE, BoothType.INLINE, BoothType.CORNER]


def test_back_to_back_rows() -> None:
    front = [Rect(10 + 3 * i, 10, 3, 3) for i in range(3)]
    back = [Rect(10 + 3 * i, 13, 3, 3) for i in range(3)]
    types = derive_types(front + back, HALL_W, HALL_D, outdoor=False)
    assert types == [BoothType.CORNER, BoothType.INLINE, BoothType.CORNER] * 2


def test_a_neighbour_across_an_aisle_does_not_close_a_side() -> None:
    rect = Rect(10, 10, 3, 3)
    across = Rect(10, 16, 3, 3)
    assert closed_sides(rect, [across], HALL_W, HALL_D) == 0


def test_a_corner_touch_does_not_close_a_side() -> None:
    rect = Rect(10, 10, 3, 3)
    diagonal = Rect(13, 13, 3, 3)
    assert closed_sides(rect, [diagonal], HALL_W, HALL_D) == 0


def test_a_wider_neighbour_behind_closes_the_back() -> None:
    rect = Rect(10, 10, 3, 3)
    behind = Rect(5, 13, 20, 2)
    assert closed_sides(rect, [behind], HALL_W, HALL_D) == 1


def test_boxed_in_is_inline() -> None:
    rect = Rect(10, 10, 3, 3)
    around = [Rect(7, 10, 3, 3), Rect(13, 10, 3, 3), Rect(10, 7, 3, 3)]
    assert derive_booth_type(rect, around, HALL_W, HALL_D, outdoor=False) is BoothType.INLINE
    around.append(Rect(10, 13, 3, 3))
    assert closed_sides(rect, around, HALL_W, HALL_D) == 4
    assert derive_booth_type(rect, around, HALL_W, HALL_D, outdoor=False) is BoothType.INLINE


def test_outdoors_everything_is_a_tent() -> None:
    rects = [Rect(0, 0, 3, 3), Rect(3, 0, 3, 3), Rect(20, 20, 3, 3)]
    assert derive_types(rects, HALL_W, HALL_D, outdoor=True) == [BoothType.TENT] * 3


def test_derive_types_of_nothing() -> None:
    assert derive_types([], HALL_W, HALL_D, outdoor=False) == []


def test_the_grid_agrees_with_checking_every_pair() -> None:
    """The grid is an optimisation: its answer must equal the quadratic one, for mixed sizes too."""
    rng = random.Random(7)
    rects: list[Rect] = []
    while len(rects) < 150:
        w, d = rng.choice([(3, 3), (2, 2), (6, 3), (3, 6), (9, 6), (1.5, 1.5)])
        x = rng.randrange(0, int(HALL_W - w) * 2) / 2
        y = rng.randrange(0, int(HALL_D - d) * 2) / 2
        candidate = Rect(x, y, w, d)
        if not any(overlaps(candidate, r) for r in rects):
            rects.append(candidate)
    grid = derive_types(rects, HALL_W, HALL_D, outdoor=False)
    brute = [
        derive_booth_type(r, [o for j, o in enumerate(rects) if j != i], HALL_W, HALL_D, outdoor=False)
        for i, r in enumerate(rects)
    ]
    assert grid == brute
    assert set(grid) >= {BoothType.ISLAND, BoothType.CORNER}


def test_derive_types_scales_to_a_big_hall() -> None:
    rects = [Rect(10 + 3 * c, 10 + 3 * r, 3, 3) for r in range(60) for c in range(60)]
    types = derive_types(rects, 200, 200, outdoor=False)
    assert types.count(BoothType.INLINE) == 3600 - 4
    assert types.count(BoothType.CORNER) == 4


# --- generated blocks -----------------------------------------------------------------------------
def _spec(**overrides: object) -> BlockSpec:
    values: dict[str, object] = {
        "origin_x": 5.0,
        "origin_y": 5.0,
        "rows": 2,
        "columns": 3,
        "booth_width": 3.0,
        "booth_depth": 2.0,
        "aisle_m": 4.0,
        "prefix": "A",
    }
    return BlockSpec(**(values | overrides))  # type: ignore[arg-type]


def test_block_is_numbered_row_by_row() -> None:
    layout = block_layout(_spec())
    assert [code for code, _ in layout] == ["A-01", "A-02", "A-03", "A-04", "A-05", "A-06"]
    assert [(r.x, r.y) for _, r in layout] == [(5, 5), (8, 5), (11, 5), (5, 11), (8, 11), (11, 11)]
    assert {(r.w, r.d) for _, r in layout} == {(3, 2)}


def test_back_to_back_pairs_rows() -> None:
    layout = block_layout(_spec(rows=5, columns=1, back_to_back=True))
    assert [r.y for _, r in layout] == [5, 7, 13, 15, 21]


def test_aisle_zero_rows_touch() -> None:
    layout = block_layout(_spec(rows=3, columns=1, aisle_m=0))
    assert [r.y for _, r in layout] == [5, 7, 9]
    rects = [r for _, r in layout]
    assert not any(overlaps(a, b) for i, a in enumerate(rects) for b in rects[i + 1 :])


def test_numbering_starts_where_asked_and_widens() -> None:
    assert [c for c, _ in block_layout(_spec(rows=1, columns=2, start_number=7))] == ["A-07", "A-08"]
    codes = [c for c, _ in block_layout(_spec(rows=10, columns=10, start_number=95))]
    assert codes[0] == "A-095"
    assert codes[-1] == "A-194"
    assert [c for c, _ in block_layout(_spec(rows=1, columns=1, start_number=0))] == ["A-00"]


def test_block_codes_are_unique_and_booths_never_overlap() -> None:
    layout = block_layout(_spec(rows=7, columns=9, back_to_back=True, aisle_m=0))
    assert len({c for c, _ in layout}) == 63
    rects = [r for _, r in layout]
    assert not any(overlaps(a, b) for i, a in enumerate(rects) for b in rects[i + 1 :])
