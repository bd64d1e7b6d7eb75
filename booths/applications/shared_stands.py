"""Shared stands: one booking (the main exhibitor's) with co-exhibitors attached, each with its own name on
the map and its own share of the stand's staff passes.

The booking invariant is untouched: a booth still has at most one active booking; co-exhibitors hang off
it. An exhibitor is on at most one active stand, as main or as co-exhibitor (checked here; the writes
start by locking the booking row, so two additions to one stand cannot both squeeze past the checks).
"""

from collections.abc import Awaitable, Callable

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from booths.allocation.models import BoothAllocation
from booths.allocation.solver import stand_capacity
from booths.applications.models import BookingCoExhibitor
from booths.applications.schemas import CoExhibitorIn, CoExhibitorRead, SharedStandRead
from booths.applications.service import get_settings
from booths.bookings.holds import active_booking_clause, is_active
from booths.bookings.models import Booking
from booths.exhibitors.models import Exhibitor
from booths.venue.models import Booth, BoothPackage
from expo.accounts import CurrentUser
from expo.errors import Conflict, FieldProblem, InvalidInput, NotFound
from expo.formatting import utcnow

# Booths knows nothing of passes (imports go tickets -> booths), yet a co-exhibitor's staff passes must stop
# opening the gate in the very transaction that takes it off the stand: the passes side registers here
# (like ``booths.bookings.events``), with the booking and the exhibitor that left.
LeftListener = Callable[[AsyncSession, int, int], Awaitable[None]]
_left: list[LeftListener] = []


def on_co_exhibitor_left(listener: LeftListener) -> LeftListener:
    """Run ``listener(session, booking_id, exhibitor_id)`` when a co-exhibitor is taken off a stand."""
    if listener not in _left:
        _left.append(listener)
    return listener


async def _booking(session: AsyncSession, booking_id: int, *, lock: bool) -> Booking:
    if lock:
        await session.execute(sa.update(Booking).where(col(Booking.id) == booking_id).values(updated_at=utcnow()))
    booking = await session.get(Booking, booking_id, populate_existing=True)
    if booking is None:
        raise NotFound("No such booking.", code="booking_not_found")
    return booking


async def co_exhibitors(session: AsyncSession, booking_ids: list[int]) -> dict[int, list[CoExhibitorRead]]:
    """Co-exhibitors of the given bookings, by booking id (for maps, pass quotas and lists)."""
    if not booking_ids:
        return {}
    rows = (
        await session.execute(
            sa.select(BookingCoExhibitor, col(Exhibitor.name))
            .join(Exhibitor, col(Exhibitor.id) == col(BookingCoExhibitor.exhibitor_id))
            .where(col(BookingCoExhibitor.booking_id).in_(booking_ids))
            .order_by(col(BookingCoExhibitor.id))
        )
    ).all()
    out: dict[int, list[CoExhibitorRead]] = {}
    for row, name in rows:
        out.setdefault(row.booking_id, []).append(
            CoExhibitorRead(exhibitor_id=row.exhibitor_id, exhibitor_name=name, staff_quota_share=row.staff_quota_share)
        )
    return out


async def shared_stand(session: AsyncSession, booking_id: int) -> SharedStandRead:
    booking = await _booking(session, booking_id, lock=False)
    booth = await session.get(Booth, booking.booth_id)
    main = await session.get(Exhibitor, booking.exhibitor_id)
    assert booth is not None
    assert main is not None
    assert booking.id is not None
    assert booth.id is not None
    package = await session.get(BoothPackage, booth.package_id)
    assert package is not None
    co = (await co_exhibitors(session, [booking.id])).get(booking.id, [])
    return SharedStandRead(
        booking_id=booking.id,
        booth_id=booth.id,
        booth_code=booth.code,
        exhibitor_id=booking.exhibitor_id,
        exhibitor_name=main.name,
        staff_quota_share=max(0, package.staff_quota - sum(c.staff_quota_share for c in co)),
        co_exhibitors=co,
    )


async def _on_active_stand(session: AsyncSession, exhibitor_id: int) -> bool:
    main = await session.scalar(
        sa.select(col(Booking.id)).where(col(Booking.exhibitor_id) == exhibitor_id, active_booking_clause()).limit(1)
    )
    if main is not None:
        return True
    co = await session.scalar(
        sa.select(col(BookingCoExhibitor.id))
        .join(Booking, col(Booking.id) == col(BookingCoExhibitor.booking_id))
        .where(col(BookingCoExhibitor.exhibitor_id) == exhibitor_id, active_booking_clause())
        .limit(1)
    )
    return co is not None


async def add_co_exhibitor(session: AsyncSession, booking_id: int, data: CoExhibitorIn, actor: CurrentUser) -> None:
    """Organisers put another exhibitor of the expo on an active stand, with a share of its passes."""
    booking = await _booking(session, booking_id, lock=True)
    if not is_active(booking):
        raise Conflict("This booking is no longer active.", code="booking_not_active")
    exhibitor = await session.get(Exhibitor, data.exhibitor_id)
    if exhibitor is None or exhibitor.expo_id != booking.expo_id:
        raise InvalidInput(fields=[FieldProblem("exhibitor_id", "No such exhibitor in this expo.")])
    if exhibitor.id == booking.exhibitor_id or await _on_active_stand(session, data.exhibitor_id):
        raise Conflict("%(name)s is already on a stand.", code="exhibitor_on_stand", params={"name": exhibitor.name})
    stand = await shared_stand(session, booking_id)
    booth = await session.get(Booth, booking.booth_id)
    assert booth is not None
    override = await session.scalar(sa.select(BoothAllocation).where(col(BoothAllocation.booth_id) == booth.id))
    setting = await get_settings(session, booking.expo_id)
    room = (override.capacity if override else None) or stand_capacity(
        booth.width_m, booth.depth_m, setting.max_per_stand
    )
    if len(stand.co_exhibitors) + 2 > room:
        raise Conflict(
            "Stand %(code)s holds %(n)s exhibitors at most.", code="stand_full", params={"code": booth.code, "n": room}
        )
    if data.staff_quota_share > stand.staff_quota_share:
        raise InvalidInput(
            fields=[
                FieldProblem(
                    "staff_quota_share",
                    "Only %(n)s staff passes of this stand are left to share.",
                    {"n": stand.staff_quota_share},
                )
            ]
        )
    session.add(
        BookingCoExhibitor(
            booking_id=booking_id, exhibitor_id=data.exhibitor_id, staff_quota_share=data.staff_quota_share
        )
    )
    await session.flush()


async def remove_co_exhibitor(session: AsyncSession, booking_id: int, exhibitor_id: int, actor: CurrentUser) -> None:
    await _booking(session, booking_id, lock=True)
    row = await session.scalar(
        sa.select(BookingCoExhibitor).where(
            col(BookingCoExhibitor.booking_id) == booking_id, col(BookingCoExhibitor.exhibitor_id) == exhibitor_id
        )
    )
    if row is None:
        raise NotFound("This exhibitor is not on the stand.", code="co_exhibitor_not_found")
    await session.delete(row)
    await session.flush()
    for listener in _left:
        await listener(session, booking_id, exhibitor_id)


async def staff_quota_of(session: AsyncSession, exhibitor_id: int) -> int:
    """Staff passes an exhibitor may have now: the package's quota minus the shares it gave away when it
    is the main exhibitor, its share when it is a co-exhibitor, 0 without an active stand."""
    booking = await session.scalar(
        sa.select(Booking).where(col(Booking.exhibitor_id) == exhibitor_id, active_booking_clause()).limit(1)
    )
    if booking is not None and booking.id is not None:
        return (await shared_stand(session, booking.id)).staff_quota_share
    share = await session.scalar(
        sa.select(col(BookingCoExhibitor.staff_quota_share))
        .join(Booking, col(Booking.id) == col(BookingCoExhibitor.booking_id))
        .where(col(BookingCoExhibitor.exhibitor_id) == exhibitor_id, active_booking_clause())
        .limit(1)
    )
    return int(share or 0)
