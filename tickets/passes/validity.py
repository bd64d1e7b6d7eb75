"""When a pass opens the gate: one rule, asked by every path (online scan, offline sync, the device
pass list, the pass pages and printing; the revocation list is fed by the same rule, see
``tickets.passes.booking_hooks``).

A pass is valid while it is active and, if it belongs to a booking (a staff pass), while that booking
admits its staff: confirmed. A held booking (paid stand not yet paid, or a free stand awaiting the
organiser's approval), an expired hold and a cancelled booking admit nobody. A moved booking stays
confirmed: its passes stay valid, only the booth shown changes.
"""

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from booths.bookings.models import Booking, BookingStatus
from expo.metadata import table_of
from tickets.passes.models import ExpoPass, PassStatus

ADMITTING_BOOKING_STATUSES = frozenset({BookingStatus.CONFIRMED.value})

_pass = table_of(ExpoPass)
_booking = table_of(Booking)


def booking_admits(booking_status: str | None) -> bool:
    """Whether a booking in this state admits its staff (``None``: the pass has no booking)."""
    return booking_status is None or booking_status in ADMITTING_BOOKING_STATUSES


def pass_is_valid(pass_status: str, booking_status: str | None) -> bool:
    """The rule: an active pass whose booking, if it has one, admits (see the module's docstring)."""
    return pass_status == PassStatus.ACTIVE and booking_admits(booking_status)


def valid_pass_clause() -> sa.ColumnElement[bool]:
    """The same rule as a WHERE clause over ``expo_pass`` (needs no join: the booking is a subquery)."""
    admitted = (
        sa.exists()
        .where(_booking.c.id == _pass.c.booking_id, _booking.c.status.in_(sorted(ADMITTING_BOOKING_STATUSES)))
        .correlate(_pass)
    )
    return sa.and_(_pass.c.status == PassStatus.ACTIVE, sa.or_(_pass.c.booking_id.is_(None), admitted))


async def booking_status_of(session: AsyncSession, pass_: ExpoPass) -> str | None:
    if pass_.booking_id is None:
        return None
    status = await session.scalar(sa.select(col(Booking.status)).where(col(Booking.id) == pass_.booking_id))
    return None if status is None else str(status)


async def is_valid(session: AsyncSession, pass_: ExpoPass) -> bool:
    """The rule for one loaded pass (one small query when it belongs to a booking)."""
    if pass_.status != PassStatus.ACTIVE:
        return False
    return booking_admits(await booking_status_of(session, pass_))
