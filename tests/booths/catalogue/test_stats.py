"""Exhibitor counters: many sessions counting the same exhibitor, day and kind at once lose no count,
and the sums per day read back one exhibitor's or the whole expo's."""

import asyncio

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from booths.catalogue import stats
from booths.catalogue.models import StatKind
from booths.exhibitors.models import Exhibitor, ExhibitorClass
from tests.support.factories import expo_day, make_venue

pytestmark = pytest.mark.anyio


async def _exhibitor(session: AsyncSession, expo_id: int, name: str, nib: str) -> int:
    row = Exhibitor(
        expo_id=expo_id,
        name=name,
        exhibitor_class=ExhibitorClass.UMKM,
        nib=nib,
        regency="Jombang",
        contact_name="Siti",
        whatsapp="6281234567890",
        email=f"{name.lower().replace(' ', '')}@example.test",
    )
    session.add(row)
    await session.flush()
    assert row.id is not None
    return row.id


@pytest.mark.real_commits
async def test_concurrent_counts_are_all_kept(engine: AsyncEngine) -> None:
    maker = async_sessionmaker(engine, expire_on_commit=False)
    async with maker() as session:
        venue = await make_venue(session)
        first = await _exhibitor(session, venue.expo_id, "Kopi Tebuireng", "1234567890123")
        second = await _exhibitor(session, venue.expo_id, "Batik Sarung", "1234567890124")
        await session.commit()
    day = expo_day(0)

    async def view(exhibitor_id: int) -> None:
        async with maker() as session:
            await stats.count(session, venue.expo_id, exhibitor_id, StatKind.PROFILE_VIEW, day)
            await session.commit()

    await asyncio.gather(*(view(first) for _ in range(20)), *(view(second) for _ in range(5)))
    async with maker() as session:
        await stats.count(session, venue.expo_id, first, StatKind.LEAD, expo_day(1), by=3)
        await session.commit()
        mine = await stats.daily_counts(session, venue.expo_id, first)
        everyone = await stats.daily_counts(session, venue.expo_id)
    assert mine == {day: {StatKind.PROFILE_VIEW: 20}, expo_day(1): {StatKind.LEAD: 3}}
    assert everyone == {day: {StatKind.PROFILE_VIEW: 25}, expo_day(1): {StatKind.LEAD: 3}}
