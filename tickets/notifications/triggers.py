"""What passes tell exhibitors, queued in the transaction that issues them (``booths.notifications``
does the sending, the settings and the keys' rule)."""

from sqlalchemy.ext.asyncio import AsyncSession

from booths.bookings.models import Booking
from booths.exhibitors.models import Exhibitor
from booths.notifications.service import link, notify_exhibitor
from booths.venue.models import Booth, Expo
from expo.message_kinds import MessageKind
from tickets.passes.models import ExpoPass

MY_PASSES = "/my-passes"


async def passes_ready(session: AsyncSession, pass_: ExpoPass) -> None:
    """The committee issued a staff pass for a booking: tell the exhibitor once per booking (later
    passes of the same booking add nothing), with the link to their passes page."""
    if pass_.booking_id is None or pass_.exhibitor_id is None:
        return
    expo = await session.get(Expo, pass_.expo_id)
    exhibitor = await session.get(Exhibitor, pass_.exhibitor_id)
    assert expo is not None
    assert exhibitor is not None
    booking = await session.get(Booking, pass_.booking_id)
    booth = await session.get(Booth, booking.booth_id) if booking is not None else None
    await notify_exhibitor(
        session,
        kind=MessageKind.PASSES_READY,
        expo=expo,
        exhibitor=exhibitor,
        key=f"passes:{pass_.booking_id}:ready",
        context={"booth": booth.code if booth is not None else "", "link": link(MY_PASSES)},
    )
