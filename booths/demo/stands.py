"""The demo's shared stand: a pesantren's OPOP stand that two more businesses of the same product share,
each with one of the stand's staff passes (the passes demo gives the stand the passes its three members
need). Put on the stand through ``booths.applications.shared_stands``, like an organiser would."""

import sqlalchemy as sa
from sqlmodel import col

from booths.applications import shared_stands
from booths.applications.models import BookingCoExhibitor
from booths.applications.schemas import CoExhibitorIn
from booths.bookings.holds import active_booking_clause
from booths.bookings.models import Booking, BookingStatus
from booths.demo.context import Demo
from booths.exhibitors.models import Exhibitor, ExhibitorClass


async def seed_shared_stand(demo: Demo) -> dict[str, int]:
    """Two exhibitors still without a booth join a confirmed pesantren stand of their cluster."""
    session = demo.session
    on_stand = set(
        (
            await session.scalars(
                sa.select(col(Booking.exhibitor_id)).where(
                    col(Booking.expo_id) == demo.expo_id, active_booking_clause()
                )
            )
        ).all()
    )
    free = [
        e
        for e in (
            await session.scalars(
                sa.select(Exhibitor).where(col(Exhibitor.expo_id) == demo.expo_id).order_by(col(Exhibitor.id))
            )
        ).all()
        if e.id not in on_stand and e.exhibitor_class in (ExhibitorClass.PESANTREN, ExhibitorClass.KOPERASI)
    ]
    stands = await session.execute(
        sa.select(Booking, col(Exhibitor.cluster))
        .join(Exhibitor, col(Exhibitor.id) == col(Booking.exhibitor_id))
        .where(
            col(Booking.expo_id) == demo.expo_id,
            col(Booking.status) == BookingStatus.CONFIRMED,
            col(Exhibitor.exhibitor_class) == ExhibitorClass.PESANTREN,
        )
        .order_by(col(Booking.id))
    )
    for booking, cluster in stands.all():
        mates = [e for e in free if e.cluster == cluster][:2]
        if len(mates) < 2 or booking.id is None:
            continue
        for mate in mates:
            assert mate.id is not None
            await shared_stands.add_co_exhibitor(
                session, booking.id, CoExhibitorIn(exhibitor_id=mate.id, staff_quota_share=1), demo.org
            )
        break
    count = await session.scalar(sa.select(sa.func.count(sa.distinct(col(BookingCoExhibitor.booking_id)))))
    return {"shared_stands": int(count or 0)}
