"""Staff passes follow their booking: when booths ends a booking (``booths.bookings.events``), its
active staff passes are revoked in the same transaction, each with a revocation list entry and a new
``updated_at``, so the next online scan refuses them and offline scanners learn it from the revocation
list and the pass list's change cursor. A co-exhibitor taken off a shared stand loses its staff passes on
that stand the same way (``booths.applications.shared_stands``)."""

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from booths.applications.shared_stands import on_co_exhibitor_left
from booths.bookings.events import on_booking_ended
from booths.bookings.models import Booking
from tickets.passes.models import ExpoPass, PassStatus
from tickets.passes.service import revoke_as


async def revoke_staff_passes(session: AsyncSession, booking: Booking) -> None:
    stmt = sa.select(ExpoPass).where(col(ExpoPass.booking_id) == booking.id, col(ExpoPass.status) == PassStatus.ACTIVE)
    staff = (await session.scalars(stmt)).all()
    for pass_ in staff:
        await revoke_as(session, pass_, None, "booking_ended")
    if staff:
        await session.flush()


async def revoke_left_member_passes(session: AsyncSession, booking_id: int, exhibitor_id: int) -> None:
    stmt = sa.select(ExpoPass).where(
        col(ExpoPass.booking_id) == booking_id,
        col(ExpoPass.exhibitor_id) == exhibitor_id,
        col(ExpoPass.status) == PassStatus.ACTIVE,
    )
    staff = (await session.scalars(stmt)).all()
    for pass_ in staff:
        await revoke_as(session, pass_, None, "left_shared_stand")
    if staff:
        await session.flush()


def register() -> None:
    on_booking_ended(revoke_staff_passes)
    on_co_exhibitor_left(revoke_left_member_passes)
