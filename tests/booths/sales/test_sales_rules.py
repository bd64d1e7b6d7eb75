"""Daily sales rules: an exhibitor enters its own day from that day until the next morning, a second
entry replaces the first with history, the lock holds for the exhibitor but not for the committee
(whose correction is in the change log), unusual figures are flagged not refused, days outside the
expo are refused, who has not reported is listed, and the sums add up."""

from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
from litestar import Litestar
from litestar.testing import AsyncTestClient
from pydantic import ValidationError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from booths.sales import service as sales
from booths.sales.models import DailySale, SaleSource
from booths.sales.schemas import SaleEntry
from expo.accounts import system_user
from expo.errors import Conflict, InvalidInput, NotFound
from expo.models import AuditEntry
from tests.support.factories import expo_day, make_venue, signup_exhibitor
from tests.support.sales import exhibitor_with_booth

pytestmark = pytest.mark.anyio

Client = AsyncTestClient[Litestar]
JAKARTA = ZoneInfo("Asia/Jakarta")


def at(day: date, hour: int) -> datetime:
    """A moment of an expo day, Jombang time, as UTC."""
    return datetime.combine(day, time(hour), JAKARTA).astimezone(ZoneInfo("UTC"))


def entry(day: date, cash: int = 0, transfer: int = 0, **more: Any) -> SaleEntry:
    return SaleEntry.model_validate({"day": day, "cash": cash, "transfer": transfer, **more})


async def test_an_exhibitor_enters_its_day_and_a_second_entry_replaces_it_with_history(
    client: Client, session: AsyncSession
) -> None:
    venue = await make_venue(session)
    exhibitor, user, _ = await exhibitor_with_booth(client, session, venue)
    assert exhibitor.id is not None
    day = expo_day(0)
    first = await sales.enter_sales(
        session,
        user,
        exhibitor.id,
        entry(
            day,
            1_200_000,
            800_000,
            transactions=40,
            orders=500_000,
            deals=[{"party": "Toko Barokah", "value": 3_000_000}],
        ),
        now=at(day, 20),
    )
    await session.commit()
    assert (first.cash, first.transfer, first.transactions, first.orders) == (1_200_000, 800_000, 40, 500_000)
    assert first.deals_value == 3_000_000
    assert first.source == SaleSource.EXHIBITOR
    assert first.version == 1
    # the next morning before the lock: a correction by the exhibitor replaces the day
    second = await sales.enter_sales(
        session, user, exhibitor.id, entry(day, 1_000_000, 900_000), now=at(day + timedelta(days=1), 9)
    )
    await session.commit()
    assert second.id == first.id
    assert (second.cash, second.transfer, second.deals_value, second.version) == (1_000_000, 900_000, 0, 2)
    rows = (await session.scalars(sa.select(DailySale).where(col(DailySale.exhibitor_id) == exhibitor.id))).all()
    assert len(rows) == 1
    history = await sales.revisions(session, second.id or 0)
    assert [(h.version, h.values["cash"], h.values["deals"][0]["party"]) for h in history] == [
        (1, 1_200_000, "Toko Barokah")
    ]
    # an exhibitor entering its own day is not a committee change
    assert (
        await session.scalar(
            sa.select(sa.func.count()).select_from(AuditEntry).where(col(AuditEntry.action).like("sales.%"))
        )
        == 0
    )


async def test_the_day_locks_the_next_morning_for_the_exhibitor_but_the_committee_corrects_with_the_log(
    client: Client, session: AsyncSession
) -> None:
    venue = await make_venue(session)
    exhibitor, user, _ = await exhibitor_with_booth(client, session, venue)
    assert exhibitor.id is not None
    exhibitor_id, name = exhibitor.id, exhibitor.name  # the rollbacks below expire the object
    day = expo_day(1)
    await sales.enter_sales(session, user, exhibitor_id, entry(day, 500_000), now=at(day, 21))
    await session.commit()
    locked_at = at(day + timedelta(days=1), sales.LOCK_HOUR)
    with pytest.raises(Conflict) as refused:
        await sales.enter_sales(session, user, exhibitor_id, entry(day, 700_000), now=locked_at)
    assert refused.value.code == "sales_day_locked"
    await session.rollback()
    # not before the day has started either
    with pytest.raises(Conflict) as early:
        await sales.enter_sales(session, user, exhibitor_id, entry(day + timedelta(days=1), 1), now=at(day, 22))
    assert early.value.code == "sales_day_not_started"
    await session.rollback()
    corrected = await sales.enter_sales(session, system_user(), exhibitor_id, entry(day, 650_000), now=locked_at)
    await session.commit()
    assert (corrected.cash, corrected.source, corrected.version) == (650_000, SaleSource.DESK, 2)
    log = (await session.scalars(sa.select(AuditEntry).where(col(AuditEntry.action) == "sales.corrected"))).all()
    assert len(log) == 1
    assert log[0].before is not None
    assert log[0].after is not None
    assert (log[0].before["cash"], log[0].after["cash"]) == (500_000, 650_000)
    assert name in log[0].subject


async def test_bad_input_a_day_outside_the_expo_negative_amounts_and_somebody_elses_sales(
    client: Client, session: AsyncSession
) -> None:
    venue = await make_venue(session)
    exhibitor, user, _ = await exhibitor_with_booth(client, session, venue)
    other, other_user, _ = await exhibitor_with_booth(client, session, venue, booth=1)
    assert exhibitor.id is not None
    assert other.id is not None
    exhibitor_id = exhibitor.id
    outside = expo_day(-1)
    with pytest.raises(InvalidInput) as not_a_day:
        await sales.enter_sales(session, user, exhibitor_id, entry(outside, 1), now=at(outside, 20))
    assert not_a_day.value.code == "not_an_expo_day"
    await session.rollback()
    with pytest.raises(ValidationError):
        entry(expo_day(0), -5)
    with pytest.raises(ValidationError):
        entry(expo_day(0), 0, transactions=-1)
    with pytest.raises(NotFound):
        await sales.enter_sales(session, other_user, exhibitor_id, entry(expo_day(0), 1), now=at(expo_day(0), 20))
    await session.rollback()


async def test_far_above_the_other_days_is_flagged_not_refused(client: Client, session: AsyncSession) -> None:
    venue = await make_venue(session)
    exhibitor, user, _ = await exhibitor_with_booth(client, session, venue)
    assert exhibitor.id is not None
    for n, amount in enumerate((400_000, 500_000, 600_000)):
        sale = await sales.enter_sales(session, user, exhibitor.id, entry(expo_day(n), amount), now=at(expo_day(n), 20))
        assert not sale.flagged
    big = await sales.enter_sales(session, user, exhibitor.id, entry(expo_day(3), 90_000_000), now=at(expo_day(3), 20))
    await session.commit()
    assert big.flagged
    assert big.cash == 90_000_000
    fixed = await sales.enter_sales(session, user, exhibitor.id, entry(expo_day(3), 900_000), now=at(expo_day(3), 21))
    assert not fixed.flagged


async def test_missing_lists_who_has_not_reported_and_the_sums_add_up(client: Client, session: AsyncSession) -> None:
    venue = await make_venue(session)
    a, a_user, _ = await exhibitor_with_booth(client, session, venue, 0, name="Keripik Ayu")
    b, b_user, _ = await exhibitor_with_booth(client, session, venue, 1, name="Batik Bintang")
    # signed up without a booth: not expected to report
    await signup_exhibitor(client, venue.expo_id, name="Tanpa Stan")
    assert a.id is not None
    assert b.id is not None
    day = expo_day(0)
    assert [e.name for e in await sales.missing(session, venue.expo_id, day)] == ["Batik Bintang", "Keripik Ayu"]
    await sales.enter_sales(
        session,
        a_user,
        a.id,
        entry(day, 100_000, 50_000, transactions=3, deals=[{"party": "Hotel", "value": 1_000}]),
        now=at(day, 20),
    )
    await sales.enter_sales(
        session, b_user, b.id, entry(day, 200_000, 0, transactions=4, orders=70_000), now=at(day, 20)
    )
    await sales.enter_sales(
        session, b_user, b.id, entry(day + timedelta(days=1), 10_000), now=at(day + timedelta(days=1), 20)
    )
    await session.commit()
    assert await sales.missing(session, venue.expo_id, day) == []
    assert [e.name for e in await sales.missing(session, venue.expo_id, day + timedelta(days=1))] == ["Keripik Ayu"]
    totals = await sales.totals_by_day(session, venue.expo_id)
    assert [
        (t.day, t.reported, t.cash, t.transfer, t.sales, t.transactions, t.orders, t.deals, t.deals_value)
        for t in totals
    ] == [
        (day, 2, 300_000, 50_000, 350_000, 7, 70_000, 1, 1_000),
        (day + timedelta(days=1), 1, 10_000, 0, 10_000, 0, 0, 0, 0),
    ]
    only_second = await sales.totals_by_day(session, venue.expo_id, start=day + timedelta(days=1))
    assert [t.day for t in only_second] == [day + timedelta(days=1)]
