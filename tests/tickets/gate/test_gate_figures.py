"""Gate figures for any day or range: entries, exits, unique visitors (a re-entry or a second day is
the same person), the peak inside, per gate and hour (expo time), by regency and category, refusals;
annulled scans do not count, and a range without scans gives zeros."""

import random
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from tests.support.factories import expo_day
from tests.support.gate import GateWorld, issue, paired_device
from tests.support.gate import scan_row as scan
from tickets.gate.figures import gate_figures
from tickets.gate.models import Direction, Scan, ScanReason, ScanStatus

pytestmark = pytest.mark.anyio

JAKARTA = ZoneInfo("Asia/Jakarta")


def wib(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), JAKARTA).astimezone(UTC)


async def test_figures_for_a_range_count_people_once_and_follow_who_is_inside(
    session: AsyncSession, world: GateWorld
) -> None:
    side, _ = await paired_device(session, world.expo_id, world.organiser, "Gerbang Samping")
    main = world.device
    d1, d2 = expo_day(1), expo_day(2)
    people = []
    for name, regency, category in (
        ("Ani", "Jombang", "umum"),
        ("Budi", "Jombang", "pelajar"),
        ("Citra", "Kediri", "umum"),
    ):
        pass_, _ = await issue(session, world, days=[d1, d2], name=name)
        pass_.regency, pass_.visitor_category = regency, category
        people.append(pass_)
    ani, budi, citra = people
    session.add_all(
        [
            scan(main, ani, wib(d1, 9)),
            scan(side, budi, wib(d1, 9, 30)),
            scan(main, ani, wib(d1, 10), Direction.EXIT),
            scan(main, citra, wib(d1, 10, 15)),
            scan(main, citra, wib(d1, 10, 20), reason=ScanReason.ALREADY_INSIDE),
            scan(main, ani, wib(d1, 11)),  # back in: three inside now
            scan(side, ani, wib(d2, 9)),
            scan(main, budi, wib(d2, 9, 5), annulled=True),
        ]
    )
    await session.commit()

    figures = await gate_figures(session, world.expo_id, d1, d2)
    first, second = figures.days
    assert (first.day, first.entries, first.exits, first.visitors, first.peak_inside, first.refused) == (
        d1,
        4,
        1,
        3,
        3,
        1,
    )
    assert first.peak_at == wib(d1, 11)
    assert (second.entries, second.exits, second.visitors, second.peak_inside, second.refused) == (1, 0, 1, 1, 0)
    assert (figures.entries, figures.visitors, figures.refused) == (5, 3, 1)
    assert figures.per_gate == {"Gerbang Utama": 3, "Gerbang Samping": 2}
    assert (figures.per_hour[9], figures.per_hour[10], figures.per_hour[11], sum(figures.per_hour)) == (3, 1, 1, 5)
    assert figures.per_gate_hour["Gerbang Samping"][9] == 2
    assert figures.by_regency == {"Jombang": 2, "Kediri": 1}
    assert figures.by_category == {"umum": 2, "pelajar": 1}
    assert figures.refused_by_reason == {"already_inside": 1}
    assert figures.peak is first

    only_second = await gate_figures(session, world.expo_id, d2, d2)
    assert (only_second.entries, only_second.visitors, only_second.by_regency) == (1, 1, {"Jombang": 1})
    empty = await gate_figures(session, world.expo_id, expo_day(5), expo_day(5))
    assert (empty.entries, empty.visitors, empty.peak, empty.by_category) == (0, 0, None, {})
    assert [d.day for d in empty.days] == [expo_day(5)]


def _followed_in_python(scans: list[Scan], staff: set[str]) -> dict[date, tuple[int, int, datetime | None]]:
    """The figures as they were computed before the database did it: every admitted scan read in time
    order, who is inside followed pass by pass (a day boundary sends everyone home). The reference the
    SQL window functions must equal: (visitors, peak inside, when) per local day."""
    figures: dict[date, tuple[int, int, datetime | None]] = {}
    inside: set[int] = set()
    seen: set[int] = set()
    current: date | None = None
    peak, peak_at = 0, None
    for scan_ in sorted(scans, key=lambda s: (s.scanned_at, s.id or 0)):
        if scan_.status != ScanStatus.OK or scan_.annulled_at is not None:
            continue
        day = scan_.scanned_at.astimezone(JAKARTA).date()
        if day != current:
            current, inside, seen, peak, peak_at = day, set(), set(), 0, None
        if scan_.pass_id is None:
            continue
        if scan_.direction != Direction.ENTRY:
            inside.discard(scan_.pass_id)
        else:
            if scan_.kind_code not in staff:
                seen.add(scan_.pass_id)
            inside.add(scan_.pass_id)
            if len(inside) > peak:
                peak, peak_at = len(inside), scan_.scanned_at
        figures[day] = (len(seen), peak, peak_at)
    return figures


async def test_the_peak_counted_in_the_database_equals_following_each_scan(
    session: AsyncSession, world: GateWorld
) -> None:
    """Re-entries, exits, a second entry while inside (an offline admission), an exit of someone not
    inside, scans in the same minute, staff, a scan of no pass, two days: the SQL peak and visitors are
    those of following every scan."""
    rng = random.Random(17)
    d1, d2 = expo_day(1), expo_day(2)
    people = [(await issue(session, world, days=[d1, d2], name=f"Tamu {n}"))[0] for n in range(8)]
    crew, _ = await issue(session, world, days=[d1, d2], name="Penjaga Stan")  # scanned as exhibitor staff below
    scans = []
    for n in range(400):
        pass_ = crew if n % 9 == 0 else rng.choice(people)
        day = d1 if n < 250 else d2
        direction = Direction.ENTRY if rng.random() < 0.6 else Direction.EXIT
        row = scan(world.device, pass_, wib(day, rng.randint(9, 11), rng.randint(0, 59)), direction)
        row.kind_code = "exhibitor" if pass_ is crew else "visitor"
        if n % 37 == 0:
            row.pass_id = None  # a scan the server could not tie to a pass still counts as an entry
        if n % 41 == 0:
            row.annulled_at = row.scanned_at
        scans.append(row)
    session.add_all(scans)
    await session.commit()

    expected = _followed_in_python(scans, {"exhibitor"})
    figures = await gate_figures(session, world.expo_id, d1, d2)
    got = {d.day: (d.visitors, d.peak_inside, d.peak_at) for d in figures.days}
    assert got == expected
    assert all(peak > 1 for _, peak, _ in got.values())  # the fixture does reach more than one inside
