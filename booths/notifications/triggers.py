"""The booth trade's messages: what each change tells the exhibitor, called by the services inside the
transaction of the change (so the message, or the job that writes it, exists exactly when the change does).

Each message has a key naming the change (``hold:{booking}:placed``), so a retried action or job adds
nothing. The hold's message is written by a job right after the commit (see ``hold_placed``). Two
messages wait for a moment: the warning 10 minutes before a hold lapses and the reminder
the day before the expo are jobs (``expo.jobs``) that run then and check that they still apply."""

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from booths.applications.models import BoothOffer
from booths.bookings.holds import is_active
from booths.bookings.models import Booking, BookingStatus
from booths.exhibitors.models import Exhibitor
from booths.notifications.service import link, notify_exhibitor
from booths.venue.models import Booth, Expo, ExpoDay
from expo.formatting import as_utc, format_date, format_datetime, format_rupiah, utcnow
from expo.jobs import JobContext, enqueue, job_handler
from expo.message_kinds import MessageKind
from expo.public_url import message_base_url, site_url

HOLD_WARNING = timedelta(minutes=10)
# A hold that waits days for a bank transfer is warned of a day ahead, when there is still time to pay.
LONG_HOLD, LONG_HOLD_WARNING = timedelta(hours=36), timedelta(hours=24)


def warning_lead(booking: Booking) -> timedelta:
    assert booking.hold_expires_at is not None
    length = as_utc(booking.hold_expires_at) - as_utc(booking.held_at)
    return LONG_HOLD_WARNING if length >= LONG_HOLD else HOLD_WARNING


REMINDER_AT = time(9, 0)  # the day before the expo, local time of the expo
HOLD_PLACED_JOB = "message.hold_placed"
HOLD_LAPSING_JOB = "message.hold_lapsing"
EXPO_TOMORROW_JOB = "message.expo_tomorrow"
MY_BOOKING = "/my-booking"


async def _parties(session: AsyncSession, booking: Booking) -> tuple[Expo, Exhibitor, Booth]:
    expo = await session.get(Expo, booking.expo_id)
    exhibitor = await session.get(Exhibitor, booking.exhibitor_id)
    booth = await session.get(Booth, booking.booth_id)
    assert expo is not None
    assert exhibitor is not None
    assert booth is not None
    return expo, exhibitor, booth


# How to pay, written by booths.billing for a held booking in a language ("" when nothing is owed).
PaymentInstructions = Callable[[AsyncSession, Booking], Awaitable[Callable[[str], str]]]
_instructions: list[PaymentInstructions] = []


def provide_payment_instructions(provider: PaymentInstructions) -> PaymentInstructions:
    """Registered by booths.billing: the hold message then says how to pay (bank, QRIS, cash, amount)."""
    if provider not in _instructions:
        _instructions.append(provider)
    return provider


def _when(moment: datetime, expo: Expo) -> Any:
    return lambda language: format_datetime(moment, expo.timezone, locale=language)


async def hold_placed(session: AsyncSession, booking: Booking, *, tell: bool = True) -> None:
    """A booth is held for an exhibitor: tell them until when and what it costs (payment instructions
    fill ``payment_instructions`` once payments exist), and plan the warning before it lapses.
    ``tell=False``: only the warning (an allocation run tells its own result).

    The telling is a job of its own, enqueued here (so it exists exactly when the hold does) and run
    a moment after the commit: writing the two messages was a third of a winning hold's work, done
    while the other winners of the opening minute waited for the write lock or the invoice counter."""
    assert booking.id is not None
    assert booking.hold_expires_at is not None
    if tell:
        await enqueue(
            session,
            HOLD_PLACED_JOB,
            {"booking_id": booking.id},
            key=f"hold:{booking.id}:placed",
            expo_id=booking.expo_id,
            max_attempts=5,
        )
    expires = as_utc(booking.hold_expires_at)
    await enqueue(
        session,
        HOLD_LAPSING_JOB,
        {"booking_id": booking.id, "expires_at": expires.isoformat()},
        key=f"hold:{booking.id}:lapsing:{expires.isoformat()}",
        expo_id=booking.expo_id,
        run_after=max(utcnow(), expires - warning_lead(booking)),
        max_attempts=3,
    )


@job_handler(HOLD_PLACED_JOB)
async def _hold_placed(ctx: JobContext, payload: dict[str, Any]) -> dict[str, Any]:
    """Tell the exhibitor of a hold placed a moment ago, unless it is no longer held (cancelled, or
    paid and confirmed meanwhile: those changes tell their own news)."""
    site_url.set(message_base_url(ctx.settings))
    async with ctx.sessionmaker() as session:
        booking = await session.get(Booking, int(payload["booking_id"]))
        if booking is None or booking.status != BookingStatus.HELD or not is_active(booking):
            return {"sent": False}
        expo, exhibitor, booth = await _parties(session, booking)
        await _tell_hold(session, booking, expo, exhibitor, booth)
        await session.commit()
    return {"sent": True}


async def _tell_hold(session: AsyncSession, booking: Booking, expo: Expo, exhibitor: Exhibitor, booth: Booth) -> None:
    assert booking.hold_expires_at is not None
    instructions: Any = ""
    for provider in _instructions:
        instructions = await provider(session, booking)
    await notify_exhibitor(
        session,
        kind=MessageKind.HOLD_PLACED,
        expo=expo,
        exhibitor=exhibitor,
        key=f"hold:{booking.id}:placed",
        context={
            "booth": booth.code,
            "until": _when(booking.hold_expires_at, expo),
            "price": format_rupiah(booking.price),
            "payment_instructions": instructions,
            "link": link(MY_BOOKING),
        },
    )


@job_handler(HOLD_LAPSING_JOB)
async def _hold_lapsing(ctx: JobContext, payload: dict[str, Any]) -> dict[str, Any]:
    """Before a hold lapses (``warning_lead``): warn, unless it was paid, cancelled or moved on meanwhile."""
    site_url.set(message_base_url(ctx.settings))
    async with ctx.sessionmaker() as session:
        booking = await session.get(Booking, int(payload["booking_id"]))
        if (
            booking is None
            or booking.status != BookingStatus.HELD
            or booking.hold_expires_at is None
            or not is_active(booking)
            or as_utc(booking.hold_expires_at).isoformat() != payload["expires_at"]
        ):
            return {"sent": False}
        await hold_lapsing(session, booking)
        await session.commit()
    return {"sent": True}


async def hold_lapsing(session: AsyncSession, booking: Booking) -> None:
    assert booking.id is not None
    assert booking.hold_expires_at is not None
    expo, exhibitor, booth = await _parties(session, booking)
    await notify_exhibitor(
        session,
        kind=MessageKind.HOLD_LAPSING,
        expo=expo,
        exhibitor=exhibitor,
        key=f"hold:{booking.id}:lapsing",
        context={"booth": booth.code, "until": _when(booking.hold_expires_at, expo), "link": link(MY_BOOKING)},
    )


async def booking_confirmed(session: AsyncSession, booking: Booking) -> None:
    assert booking.id is not None
    expo, exhibitor, booth = await _parties(session, booking)
    await notify_exhibitor(
        session,
        kind=MessageKind.BOOKING_CONFIRMED,
        expo=expo,
        exhibitor=exhibitor,
        key=f"booking:{booking.id}:confirmed",
        context={"booth": booth.code, "link": link(MY_BOOKING)},
    )


async def booking_moved(session: AsyncSession, booking: Booking, from_booth_id: int, event_id: int, note: str) -> None:
    assert booking.id is not None
    expo, exhibitor, booth = await _parties(session, booking)
    old = await session.get(Booth, from_booth_id)
    await notify_exhibitor(
        session,
        kind=MessageKind.BOOKING_MOVED,
        expo=expo,
        exhibitor=exhibitor,
        key=f"booking:{booking.id}:moved:{event_id}",
        context={
            "booth": booth.code,
            "from_booth": old.code if old is not None else "",
            "note": note,
            "link": link(MY_BOOKING),
        },
    )


async def booking_cancelled(session: AsyncSession, booking: Booking) -> None:
    assert booking.id is not None
    expo, exhibitor, booth = await _parties(session, booking)
    await notify_exhibitor(
        session,
        kind=MessageKind.BOOKING_CANCELLED,
        expo=expo,
        exhibitor=exhibitor,
        key=f"booking:{booking.id}:cancelled",
        context={"booth": booth.code, "reason": booking.cancel_reason or ""},
    )


async def waitlist_offer(session: AsyncSession, offer: BoothOffer, exhibitor_id: int) -> None:
    assert offer.id is not None
    expo = await session.get(Expo, offer.expo_id)
    exhibitor = await session.get(Exhibitor, exhibitor_id)
    booth = await session.get(Booth, offer.booth_id)
    assert expo is not None
    assert exhibitor is not None
    assert booth is not None
    await notify_exhibitor(
        session,
        kind=MessageKind.WAITLIST_OFFER,
        expo=expo,
        exhibitor=exhibitor,
        key=f"offer:{offer.id}",
        context={
            "booth": booth.code,
            "deadline": _when(offer.expires_at, expo),
            "link": link(f"/e/{expo.slug}/apply"),
        },
    )


async def allocation_result(
    session: AsyncSession, run_id: int, expo_id: int, placed: list[Booking], waitlisted: list[int]
) -> None:
    """A committed allocation run: each placed exhibitor hears its booth, each waitlisted one that it
    waits (co-exhibitors of a shared stand hear it from the main exhibitor)."""
    expo = await session.get(Expo, expo_id)
    assert expo is not None
    for booking in placed:
        _, exhibitor, booth = await _parties(session, booking)
        held = booking.status == BookingStatus.HELD and booking.hold_expires_at is not None
        until = _when(booking.hold_expires_at, expo) if held and booking.hold_expires_at else ""
        await notify_exhibitor(
            session,
            kind=MessageKind.ALLOCATION_RESULT,
            expo=expo,
            exhibitor=exhibitor,
            key=f"allocation:{run_id}:{exhibitor.id}",
            context={"booth": booth.code, "until": until, "link": link(MY_BOOKING)},
        )
    for exhibitor_id in waitlisted:
        waiting = await session.get(Exhibitor, exhibitor_id)
        assert waiting is not None
        await notify_exhibitor(
            session,
            kind=MessageKind.ALLOCATION_RESULT,
            expo=expo,
            exhibitor=waiting,
            key=f"allocation:{run_id}:{exhibitor_id}",
            context={"booth": "", "until": "", "link": link(f"/e/{expo.slug}/apply")},
        )


def reminder_moment(expo: Expo) -> datetime:
    """When the day-before reminder goes: 09:00 expo time the day before it starts."""
    local = datetime.combine(expo.starts_on - timedelta(days=1), REMINDER_AT, tzinfo=ZoneInfo(expo.timezone))
    return local.astimezone(UTC)


async def schedule_expo_tomorrow(session: AsyncSession, expo: Expo) -> None:
    """Plan the day-before reminder when an expo is created (the key names its start day; should the
    start day ever change, a job planned for the old one finds that and sends nothing)."""
    assert expo.id is not None
    await enqueue(
        session,
        EXPO_TOMORROW_JOB,
        {"expo_id": expo.id, "starts_on": expo.starts_on.isoformat()},
        key=f"expo:{expo.id}:tomorrow:{expo.starts_on.isoformat()}",
        expo_id=expo.id,
        run_after=reminder_moment(expo),
        max_attempts=3,
    )


@job_handler(EXPO_TOMORROW_JOB)
async def _expo_tomorrow(ctx: JobContext, payload: dict[str, Any]) -> dict[str, Any]:
    site_url.set(message_base_url(ctx.settings))
    async with ctx.sessionmaker() as session:
        expo = await session.get(Expo, int(payload["expo_id"]))
        if expo is None or expo.starts_on.isoformat() != payload["starts_on"]:
            return {"sent": 0}
        today = utcnow().astimezone(ZoneInfo(expo.timezone)).date()
        if today >= expo.starts_on:  # planned late (the expo was created on its eve or later): too late
            return {"sent": 0}
        sent = await expo_tomorrow(session, expo)
        await session.commit()
    return {"sent": sent}


async def expo_tomorrow(session: AsyncSession, expo: Expo) -> int:
    """The day-before reminder to every exhibitor with a confirmed booth: hours, gate, map."""
    assert expo.id is not None
    first = await session.scalar(
        sa.select(ExpoDay).where(col(ExpoDay.expo_id) == expo.id).order_by(col(ExpoDay.day)).limit(1)
    )
    hours = f"{first.opens_at:%H.%M}–{first.closes_at:%H.%M}" if first is not None else ""
    rows = (
        await session.execute(
            sa.select(Exhibitor, col(Booth.code))
            .join(Booking, col(Booking.exhibitor_id) == col(Exhibitor.id))
            .join(Booth, col(Booth.id) == col(Booking.booth_id))
            .where(col(Booking.expo_id) == expo.id, col(Booking.status) == BookingStatus.CONFIRMED)
            .order_by(col(Exhibitor.id), col(Booth.code))
        )
    ).all()
    booths: dict[int, tuple[Exhibitor, list[str]]] = {}
    for exhibitor, code in rows:
        booths.setdefault(exhibitor.id or 0, (exhibitor, []))[1].append(code)
    for exhibitor, codes in booths.values():
        await notify_exhibitor(
            session,
            kind=MessageKind.EXPO_TOMORROW,
            expo=expo,
            exhibitor=exhibitor,
            key=f"expo:{expo.id}:tomorrow:{expo.starts_on.isoformat()}:{exhibitor.id}",
            context={
                "venue": expo.venue,
                "city": expo.city,
                "hours": hours,
                "booth": ", ".join(codes),
                "map_link": link(f"/e/{expo.slug}/map"),
                "starts": lambda language: format_date(expo.starts_on, language),
            },
        )
    return len(booths)
