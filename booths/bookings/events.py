"""What other parts of the project hear of a booking's life: that it ended (left the held or confirmed
state: cancelled, or a lapsed hold expired). A move keeps the booking, its id and its confirmation,
so it is not an end: passes of a moved booking stay valid and show the new booth.

Booths knows nothing of passes (imports go tickets -> booths), yet a staff pass must stop opening the
gate in the very transaction that ends its booking. So booths calls these hooks, inside its own
transaction, and the passes side registers its listeners when it is imported (``tickets/__init__``).
"""

from collections.abc import Awaitable, Callable

from sqlalchemy.ext.asyncio import AsyncSession

from booths.bookings.models import Booking

Listener = Callable[[AsyncSession, Booking], Awaitable[None]]

_ended: list[Listener] = []


def on_booking_ended(listener: Listener) -> Listener:
    """Run ``listener`` whenever a booking leaves the held/confirmed states (registering twice: once)."""
    if listener not in _ended:
        _ended.append(listener)
    return listener


async def booking_ended(session: AsyncSession, booking: Booking) -> None:
    """Tell every listener that ``booking`` ended; call it after the status change, before the commit."""
    for listener in _ended:
        await listener(session, booking)
