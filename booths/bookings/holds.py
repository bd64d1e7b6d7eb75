"""When a booking holds its booth: the one rule, for a loaded booking and as a WHERE clause.

A booking holds its booth while it is confirmed, or held and its hold has not run out yet. A lapsed
hold reads as "expired" everywhere at once (no background job turns it); the next write on its booth
turns it for real (``booths.bookings.service``) so that the partial unique index lets a new booking in.
A held booking always has an expiry; one without would not hold its booth (Python and SQL agree).
"""

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from booths.bookings.models import Booking, BookingStatus
from expo.formatting import as_utc, utcnow


def hold_is_live(booking: Booking, now: datetime | None = None) -> bool:
    """A held booking whose hold has not run out."""
    return (
        booking.status == BookingStatus.HELD
        and booking.hold_expires_at is not None
        and as_utc(booking.hold_expires_at) > (now or utcnow())
    )


def hold_has_expired(booking: Booking, now: datetime | None = None) -> bool:
    """A held booking whose hold ran out (still stored as held until a write turns it)."""
    return booking.status == BookingStatus.HELD and not hold_is_live(booking, now)


def is_active(booking: Booking, now: datetime | None = None) -> bool:
    """Whether the booking holds its booth now: confirmed, or a live hold."""
    return booking.status == BookingStatus.CONFIRMED or hold_is_live(booking, now)


def effective_status(booking: Booking, now: datetime | None = None) -> BookingStatus:
    """The status a reader sees: a lapsed hold is expired."""
    return BookingStatus.EXPIRED if hold_has_expired(booking, now) else BookingStatus(booking.status)


# "Now" in a clause: a moment, or a bind parameter for a statement built once (``sa.bindparam("now")``).
Moment = datetime | sa.BindParameter[datetime] | None


def _now(now: Moment) -> datetime | sa.BindParameter[datetime]:
    return utcnow() if now is None else now


def live_hold_clause(now: Moment = None) -> sa.ColumnElement[bool]:
    """``hold_is_live`` as SQL."""
    return sa.and_(col(Booking.status) == BookingStatus.HELD, col(Booking.hold_expires_at) > _now(now))


def lapsed_hold_clause(now: Moment = None) -> sa.ColumnElement[bool]:
    """``hold_has_expired`` as SQL."""
    return sa.and_(
        col(Booking.status) == BookingStatus.HELD,
        sa.or_(col(Booking.hold_expires_at).is_(None), col(Booking.hold_expires_at) <= _now(now)),
    )


def active_booking_clause(now: Moment = None) -> sa.ColumnElement[bool]:
    """``is_active`` as SQL."""
    return sa.or_(col(Booking.status) == BookingStatus.CONFIRMED, live_hold_clause(now))


def expired_clause(now: datetime | None = None) -> sa.ColumnElement[bool]:
    """``effective_status(b) == EXPIRED`` as SQL."""
    return sa.or_(col(Booking.status) == BookingStatus.EXPIRED, lapsed_hold_clause(now))


async def booth_is_booked(session: AsyncSession, booth_id: int) -> bool:
    stmt = sa.select(col(Booking.id)).where(col(Booking.booth_id) == booth_id, active_booking_clause()).limit(1)
    return await session.scalar(stmt) is not None


__all__ = [
    "active_booking_clause",
    "booth_is_booked",
    "effective_status",
    "expired_clause",
    "hold_has_expired",
    "hold_is_live",
    "is_active",
    "lapsed_hold_clause",
    "live_hold_clause",
]
