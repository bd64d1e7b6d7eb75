"""The demo expo's leads: a confirmed stand has a few, some with the contact the visitor agreed to
share and some saved without it, one with a note, and its daily lead counter counts them."""

import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from booths.catalogue.models import StatKind
from booths.catalogue.stats import daily_counts
from booths.demo.expo import seed_demo
from booths.demo.published import DEMO_SLUG, demo_today
from booths.venue.service import get_expo_by_slug
from expo.security import Passwords
from tickets.demo.leads import DEMO_LEADS
from tickets.demo.passes import seed_demo_passes
from tickets.leads.models import Lead
from tickets.leads.service import lead_rows

pytestmark = pytest.mark.anyio

CHEAP = Passwords(time_cost=1, memory_kib=64)


async def test_the_demo_stand_has_leads_with_and_without_contact(session: AsyncSession) -> None:
    await seed_demo(session, CHEAP, today=demo_today())
    counts = await seed_demo_passes(session)
    assert counts["leads"] == len(DEMO_LEADS)
    expo = await get_expo_by_slug(session, DEMO_SLUG)
    exhibitor_id = await session.scalar(sa.select(col(Lead.exhibitor_id)).where(col(Lead.expo_id) == expo.id))
    assert exhibitor_id is not None
    rows = await lead_rows(session, exhibitor_id)
    assert len(rows) == len(DEMO_LEADS)
    shared = [r for r in rows if r.shares_contact]
    assert shared
    assert all(r.phone and r.email for r in shared)
    silent = [r for r in rows if not r.shares_contact]
    assert silent
    assert all(r.phone is None and r.email is None for r in silent)
    assert any(r.note for r in rows)
    assert expo.id is not None
    by_day = await daily_counts(session, expo.id, exhibitor_id)
    assert sum(day.get(StatKind.LEAD, 0) for day in by_day.values()) == len(DEMO_LEADS)
