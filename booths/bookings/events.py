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


# --- the money side (booths.billing registers these when it is imported) ----------------------
_started: list[Listener] = []
_confirmed_at_desk: list[Listener] = []
MoveListener = Callable[[AsyncSession, Booking, int], Awaitable[None]]
_moved: list[MoveListener] = []


def on_booking_started(listener: Listener) -> Listener:
    """Run ``listener`` when a booking is placed (held, or confirmed at once): a paid one gets its bill."""
    if listener not in _started:
        _started.append(listener)
    return listener


async def booking_started(session: AsyncSession, booking: Booking) -> None:
    for listener in _started:
        await listener(session, booking)


def on_confirmed_at_desk(listener: Listener) -> Listener:
    """Run ``listener`` when an organiser confirms a booking with a payment typed in (``confirm_booking``
    and ``assign_booth(confirm=True)``): the payment goes into the ledger."""
    if listener not in _confirmed_at_desk:
        _confirmed_at_desk.append(listener)
    return listener


async def confirmed_at_desk(session: AsyncSession, booking: Booking) -> None:
    for listener in _confirmed_at_desk:
        await listener(session, booking)


def on_booking_moved(listener: MoveListener) -> MoveListener:
    """Run ``listener(session, booking, from_booth_id)`` after a booking moved to another booth."""
    if listener not in _moved:
        _moved.append(listener)
    return listener


async def booking_moved(session: AsyncSession, booking: Booking, from_booth_id: int) -> None:
    for listener in _moved:
        await listener(session, booking, from_booth_id)
