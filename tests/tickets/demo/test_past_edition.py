"""The demo's past edition: a finished expo a year before the current one, whose report has real
figures (participants, visitors, a peak inside, daily sales, booth fees billed and paid), while the
home page still leads to the current demo expo and the current expo's own figures are unchanged."""

from datetime import timedelta

import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from booths.bookings.models import Booking, BookingStatus
from booths.demo.expo import seed_demo
from booths.demo.published import DEMO_SLUG, ORGANISER_EMAIL, demo_dates, demo_today
from booths.exhibitors.models import Exhibitor
from booths.venue.lifecycle import ExpoState, expo_state
from booths.venue.service import get_expo_by_slug, public_expos
from expo.accounts import committee_of
from expo.jobs.models import Job
from expo.models import CommitteeRole, User
from expo.security import Passwords
from tickets.demo.passes import seed_demo_passes
from tickets.demo.past import BOOTH_PRICE, EXHIBITORS, PAST_SLUG, past_dates, seed_past_edition
from tickets.reports.gather import gather

pytestmark = pytest.mark.anyio

CHEAP = Passwords(time_cost=1, memory_kib=64)


async def test_the_past_edition_is_finished_and_its_report_has_figures(session: AsyncSession) -> None:
    today = demo_today()  # the current demo must still lie ahead, as on `make run`
    await seed_demo(session, CHEAP, today=today)
    await seed_demo_passes(session)
    current = await get_expo_by_slug(session, DEMO_SLUG)
    assert current.id is not None
    exhibitors_before = await session.scalar(sa.select(sa.func.count()).select_from(Exhibitor))
    seeded = await seed_past_edition(session, today)

    past = await get_expo_by_slug(session, PAST_SLUG)
    assert past.id is not None
    assert (past.starts_on, past.ends_on) == past_dates(today)
    assert past.starts_on == demo_dates(today)[0] - timedelta(weeks=52)
    assert expo_state(past) == ExpoState.OVER
    assert [e.slug for e in await public_expos(session)] == [DEMO_SLUG]  # the home page leads to the current one
    # Nothing planned for days long gone (reminders would all fall due at once).
    assert await session.scalar(sa.select(sa.func.count()).select_from(Job).where(col(Job.expo_id) == past.id)) == 0
    # The current expo keeps its own exhibitors and bookings.
    assert (
        await session.scalar(
            sa.select(sa.func.count()).select_from(Exhibitor).where(col(Exhibitor.expo_id) == current.id)
        )
        == exhibitors_before
    )
    organiser = await session.scalar(sa.select(User).where(col(User.email) == ORGANISER_EMAIL))
    assert organiser is not None
    assert organiser.id is not None
    assert (await committee_of(session, organiser.id)).get(past.id) == CommitteeRole.ORGANISER

    report = await gather(session, past.id)
    assert report.exhibitors == EXHIBITORS == seeded["past_expo_exhibitors"]
    confirmed = await session.scalar(
        sa.select(sa.func.count())
        .select_from(Booking)
        .where(col(Booking.expo_id) == past.id, col(Booking.status) == BookingStatus.CONFIRMED.value)
    )
    assert confirmed == EXHIBITORS
    assert report.visitors > 1000
    assert all(day.entries > 0 and day.peak_inside > 0 for day in report.visitor_days)
    assert len(report.sales_days) == 6
    assert all(day.reported > 0 and day.cash > 0 for day in report.sales_days)
    assert sum(r.billed for r in report.revenue) == sum(r.paid for r in report.revenue) == EXHIBITORS * BOOTH_PRICE
    assert report.halls
    assert any(b.band for h in report.halls for b in h.booths)
