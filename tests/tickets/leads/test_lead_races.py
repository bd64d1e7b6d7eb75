"""Two phones of one stand scanning the same visitor at the same moment make one lead, counted once."""

import asyncio

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker

from booths.bookings.models import PaymentMethod
from booths.bookings.schemas import PaymentIn
from booths.bookings.service import assign_booth
from booths.catalogue.models import StatKind
from booths.catalogue.stats import daily_counts
from booths.exhibitors.models import Exhibitor, ExhibitorClass
from expo.accounts import system_user
from tests.support.factories import expo_day, make_venue
from tickets.leads.service import keep_lead, lead_rows
from tickets.passes.models import ExpoPass
from tickets.passes.schemas import VisitorRegistration
from tickets.passes.visitor import register_visitor

pytestmark = pytest.mark.anyio


@pytest.mark.real_commits
async def test_simultaneous_scans_of_one_pass_make_one_lead(engine: AsyncEngine) -> None:
    maker = async_sessionmaker(engine, expire_on_commit=False)
    async with maker() as session:
        venue = await make_venue(session)
        stand = Exhibitor(
            expo_id=venue.expo_id,
            name="Kopi Tebuireng",
            exhibitor_class=ExhibitorClass.UMKM,
            nib="1234567890123",
            regency="Jombang",
            contact_name="Siti",
            whatsapp="6281234567890",
            email="kopi@example.test",
        )
        session.add(stand)
        await session.flush()
        assert stand.id is not None
        payment = PaymentIn(amount=1_500_000, method=PaymentMethod.CASH)
        await assign_booth(session, venue.expo_id, venue.booth_ids[0], stand.id, system_user(), payment=payment)
        registration = VisitorRegistration.model_validate(
            {"holder_name": "Nur Aini", "regency": "Jombang", "category": "umum", "days": [expo_day(1)]}
        )
        pass_, _ = await register_visitor(session, venue.expo_id, registration)
        await session.commit()
    exhibitor_id, pass_id = stand.id, pass_.id

    async def scan() -> bool:
        async with maker() as session:
            found = await session.get(ExpoPass, pass_id)
            assert found is not None
            saved = await keep_lead(session, exhibitor_id, found, None)
            await session.commit()
            return saved.new

    made = await asyncio.gather(*(scan() for _ in range(8)))
    assert made.count(True) == 1
    async with maker() as session:
        assert len(await lead_rows(session, exhibitor_id)) == 1
        counts = await daily_counts(session, venue.expo_id, exhibitor_id)
    assert sum(day.get(StatKind.LEAD, 0) for day in counts.values()) == 1
