"""The evening reminder: at ``REMINDER_AT`` on each expo day, exhibitors with a booth that have not
entered the day's sales get a message with the link to their sales page.

One job per expo day (key ``sales:{expo}:reminder:{day}``), planned when the expo is created or its
dates change; a job whose day is no longer one of the expo's sends nothing, and the message key per
exhibitor and day means a repeated job sends nothing twice."""

from datetime import UTC, date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from booths.notifications.service import link, notify_exhibitor
from booths.sales.service import expo_days, missing
from booths.venue.models import Expo
from expo.formatting import format_date
from expo.jobs import JobContext, enqueue, job_handler
from expo.message_kinds import MessageKind
from expo.public_url import message_base_url, site_url

REMINDER_AT = time(19, 0)  # expo time: after most stands have closed their till for the day
SALES_REMINDER_JOB = "message.sales_reminder"


def reminder_moment(expo: Expo, day: date) -> datetime:
    return datetime.combine(day, REMINDER_AT, tzinfo=ZoneInfo(expo.timezone)).astimezone(UTC)


async def schedule_sales_reminders(session: AsyncSession, expo: Expo) -> None:
    """Plan the evening reminder of every day of the expo (days planned before are kept: their key
    makes this a no-op, and a day no longer in the expo sends nothing when its job runs)."""
    assert expo.id is not None
    for day in await expo_days(session, expo.id):
        await enqueue(
            session,
            SALES_REMINDER_JOB,
            {"expo_id": expo.id, "day": day.isoformat()},
            key=f"sales:{expo.id}:reminder:{day.isoformat()}",
            expo_id=expo.id,
            run_after=reminder_moment(expo, day),
            max_attempts=3,
        )


@job_handler(SALES_REMINDER_JOB)
async def _sales_reminder(ctx: JobContext, payload: dict[str, Any]) -> dict[str, Any]:
    site_url.set(message_base_url(ctx.settings))
    async with ctx.sessionmaker() as session:
        expo = await session.get(Expo, int(payload["expo_id"]))
        day = date.fromisoformat(str(payload["day"]))
        if expo is None or expo.id is None or day not in await expo_days(session, expo.id):
            return {"sent": 0}
        sent = await sales_reminder(session, expo, day)
        await session.commit()
    return {"sent": sent}


async def sales_reminder(session: AsyncSession, expo: Expo, day: date) -> int:
    """Remind every exhibitor with a booth that has not entered ``day`` yet; the number reminded."""
    assert expo.id is not None
    waiting = await missing(session, expo.id, day)
    for exhibitor in waiting:
        await notify_exhibitor(
            session,
            kind=MessageKind.SALES_REMINDER,
            expo=expo,
            exhibitor=exhibitor,
            key=f"sales:{expo.id}:reminder:{day.isoformat()}:{exhibitor.id}",
            context={
                "day": lambda language: format_date(day, language),
                "sales_link": link(f"/my-sales?day={day.isoformat()}"),
            },
        )
    return len(waiting)
