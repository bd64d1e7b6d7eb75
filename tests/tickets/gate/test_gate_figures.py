"""Gate figures for any day or range: entries, exits, unique visitors (a re-entry or a second day is
the same person), the peak inside, per gate and hour (expo time), by regency and category, refusals;
annulled scans do not count, and a range without scans gives zeros."""

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from tests.support.factories import expo_day
from tests.support.gate import GateWorld, issue, paired_device
from tests.support.gate import scan_row as scan
from tickets.gate.figures import gate_figures
from tickets.gate.models import Direction, ScanReason

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
