"""Who is on a stand: the main exhibitor (who holds the booking) and the co-exhibitors of a shared stand,
in one list per booking, for everything that names a stand's businesses (live and printed maps, the
directory, signs, the exhibitor's own booking page and the organisers' exhibitor record).

Writes stay in ``booths.applications.shared_stands``; this module only reads.
"""

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from booths.applications.models import BookingCoExhibitor
from booths.bookings.holds import active_booking_clause
from booths.bookings.models import Booking
from booths.exhibitors.models import Exhibitor
from booths.venue.models import Booth


@dataclass(frozen=True)
class StandMember:
    """One business on a stand. ``staff_quota_share`` is ``None`` for the main exhibitor, whose share is
    whatever the co-exhibitors leave of the booking's quota (the passes module works it out)."""

    exhibitor_id: int
    name: str
    main: bool
    staff_quota_share: int | None


@dataclass(frozen=True)
class ExhibitorStand:
    """The active stand an exhibitor is on, as seen from that exhibitor: its booth and who else is on it."""

    exhibitor_id: int
    booking_id: int
    booth_id: int
    booth_code: str
    main: bool
    members: list[StandMember]

    @property
    def others(self) -> list[StandMember]:
        return [m for m in self.members if m.exhibitor_id != self.exhibitor_id]

    @property
    def shared(self) -> bool:
        return len(self.members) > 1


async def stand_members(session: AsyncSession, booking_ids: list[int]) -> dict[int, list[StandMember]]:
    """Every member of each booking's stand, main exhibitor first then the co-exhibitors in the order they
    joined. A booking without co-exhibitors maps to a one-member list; unknown ids are left out."""
    ids = sorted(set(booking_ids))
    if not ids:
        return {}
    out: dict[int, list[StandMember]] = {}
    mains = await session.execute(
        sa.select(col(Booking.id), col(Booking.exhibitor_id), col(Exhibitor.name))
        .join(Exhibitor, col(Exhibitor.id) == col(Booking.exhibitor_id))
        .where(col(Booking.id).in_(ids))
    )
    for booking_id, exhibitor_id, name in mains.all():
        assert booking_id is not None
        out[booking_id] = [StandMember(exhibitor_id=exhibitor_id, name=name, main=True, staff_quota_share=None)]
    co = await session.execute(
        sa.select(
            col(BookingCoExhibitor.booking_id),
            col(BookingCoExhibitor.exhibitor_id),
            col(Exhibitor.name),
            col(BookingCoExhibitor.staff_quota_share),
        )
        .join(Exhibitor, col(Exhibitor.id) == col(BookingCoExhibitor.exhibitor_id))
        .where(col(BookingCoExhibitor.booking_id).in_(ids))
        .order_by(col(BookingCoExhibitor.id))
    )
    for booking_id, exhibitor_id, name, share in co.all():
        if booking_id in out:
            out[booking_id].append(
                StandMember(exhibitor_id=exhibitor_id, name=name, main=False, staff_quota_share=share)
            )
    return out


async def stand_of_exhibitor(session: AsyncSession, exhibitor_id: int) -> ExhibitorStand | None:
    """The active stand the exhibitor is on, as main exhibitor or as co-exhibitor; ``None`` without one.
    (``shared_stands`` keeps an exhibitor on one active stand at most.)"""
    row = (
        await session.execute(
            sa.select(col(Booking.id), col(Booking.booth_id), col(Booth.code), col(Booking.exhibitor_id))
            .join(Booth, col(Booth.id) == col(Booking.booth_id))
            .outerjoin(
                BookingCoExhibitor,
                sa.and_(
                    col(BookingCoExhibitor.booking_id) == col(Booking.id),
                    col(BookingCoExhibitor.exhibitor_id) == exhibitor_id,
                ),
            )
            .where(
                active_booking_clause(),
                sa.or_(col(Booking.exhibitor_id) == exhibitor_id, col(BookingCoExhibitor.id).is_not(None)),
            )
            .order_by(col(Booking.id))
            .limit(1)
        )
    ).first()
    if row is None:
        return None
    booking_id, booth_id, booth_code, main_id = row
    assert booking_id is not None
    members = (await stand_members(session, [booking_id])).get(booking_id, [])
    return ExhibitorStand(
        booking_id=booking_id,
        booth_id=booth_id,
        booth_code=booth_code,
        main=main_id == exhibitor_id,
        members=members,
        exhibitor_id=exhibitor_id,
    )
