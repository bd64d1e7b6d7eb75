"""The evening reminder: every expo day has its job at 19:00 expo time; it reminds exhibitors with a
booth that have not entered the day (once, however often the job runs), and nobody else."""

from datetime import timedelta

import pytest
import sqlalchemy as sa
from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from booths.sales import service as sales
from booths.sales.reminders import SALES_REMINDER_JOB, reminder_moment
from booths.sales.schemas import SaleEntry
from booths.venue.models import Expo
from expo.accounts import system_user
from expo.formatting import as_utc, utcnow
from expo.jobs.models import Job
from expo.messaging.models import Message
from expo.settings import Settings
from tests.support.factories import expo_day, make_venue
from tests.support.jobs import run_jobs
from tests.support.sales import exhibitor_with_booth

pytestmark = pytest.mark.anyio

Client = AsyncTestClient[Litestar]


async def _reminders(session: AsyncSession) -> list[Message]:
    stmt = (
        sa.select(Message)
        .where(col(Message.kind) == "sales_reminder")
        .order_by(col(Message.id))
        .execution_options(populate_existing=True)
    )
    return list((await session.scalars(stmt)).all())


@pytest.mark.real_commits  # the reminder runs in a worker with its own engine
async def test_the_evening_reminder_goes_to_those_who_have_not_entered_the_day(
    client: Client, session: AsyncSession, settings: Settings
) -> None:
    venue = await make_venue(session)
    expo = await session.get(Expo, venue.expo_id)
    assert expo is not None
    jobs = (
        await session.scalars(sa.select(Job).where(col(Job.kind) == SALES_REMINDER_JOB).order_by(col(Job.run_after)))
    ).all()
    assert [j.payload["day"] for j in jobs] == [expo_day(n).isoformat() for n in range(6)]
    assert as_utc(jobs[0].run_after) == reminder_moment(expo, expo_day(0))
    assert reminder_moment(expo, expo_day(0)).hour == 12  # 19:00 in Jombang is 12:00 UTC

    _reported, _, _ = await exhibitor_with_booth(client, session, venue, 0, email="lapor@contoh.id")
    _, _, _ = await exhibitor_with_booth(client, session, venue, 1, email="lupa@contoh.id")
    assert _reported.id is not None
    await sales.enter_sales(  # the committee at the desk: no day window applies
        session,
        system_user(),
        _reported.id,
        SaleEntry.model_validate({"day": expo_day(0), "cash": 10_000}),
        now=utcnow() + timedelta(days=30),
    )
    first = jobs[0]
    first.run_after = utcnow()
    await session.commit()
    await run_jobs(settings)
    reminded = await _reminders(session)
    assert sorted({m.recipient for m in reminded if m.channel == "email"}) == ["lupa@contoh.id"]
    assert f"/my-sales?day={expo_day(0).isoformat()}" in reminded[0].body_text
    # the job again (a retry after a lost worker) adds nothing
    job = await session.get(Job, first.id, populate_existing=True)
    assert job is not None
    assert job.result == {"sent": 1}
    job.status, job.run_after = "queued", utcnow()  # type: ignore[assignment]
    await session.commit()
    await run_jobs(settings)
    assert len(await _reminders(session)) == len(reminded)
