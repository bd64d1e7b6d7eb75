"""Booking rules: hold, confirm, cancel, assign, move; expiry without a background job.

The one module of booking rules, called by the API, the pages, allocation, the waiting list and the
demo alike: one hold entry point (``hold_for_user``), one builder of a new booking (``_new_booking``),
and the live-hold rule from ``booths.bookings.holds``. It is over 400 lines on purpose: every change
shares the same locks and race handling, and the reads at the end shape what those changes leave.

Every change starts with a write that locks what it decides on (the exhibitor row or the booking
row): on PostgreSQL a row lock, on SQLite the database write lock, taken before anything is read.
The partial unique index ``uq_booking_active_booth`` makes "one active booking per booth" true
under any concurrency; the checks here only give the friendly message first.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from booths.allocation.models import AllocationSetting
from booths.bookings.events import booking_ended, booking_moved, booking_started, confirmed_at_desk
from booths.bookings.holds import (
    active_booking_clause,
    effective_status,
    expired_clause,
    hold_has_expired,
    is_active,
    lapsed_hold_clause,
    live_hold_clause,
)
from booths.bookings.models import Booking, BookingAction, BookingEvent, BookingStatus, PaymentMethod
from booths.bookings.schemas import BookingEventRead, BookingRead, PaymentIn
from booths.exhibitors.approval import awaits_approval, confirms_itself, stand_price
from booths.exhibitors.models import Exhibitor
from booths.exhibitors.service import lock_exhibitor
from booths.notifications import triggers
from booths.pricing.models import ClassSetting
from booths.pricing.service import approval_needed, needs_approval
from booths.venue.lifecycle import check_booking_open, check_booking_window, check_not_over
from booths.venue.models import Booth, BoothPackage, Expo, Hall
from booths.venue.service import get_booth, get_expo, price_for
from expo.accounts import CurrentUser
from expo.database import contains_pattern
from expo.errors import Conflict, FieldProblem, Forbidden, InvalidInput, NotFound
from expo.formatting import as_utc, utcnow
from expo.i18n import N_
from expo.permissions import Area
from expo.write_turns import try_claim, write_turn_until_end

_TAKEN = N_("Booth %(code)s has just been taken by someone else; please choose another.")
_BEING_BOOKED = N_("Booth %(code)s is being booked by someone else right now; please choose another or try again.")


async def _lock_booking(session: AsyncSession, booking_id: int, user: CurrentUser) -> Booking:
    """Lock and load a booking the user may act on (another exhibitor's booking is not found)."""
    now = utcnow()
    await session.execute(sa.update(Booking).where(col(Booking.id) == booking_id).values(updated_at=now))
    booking = await session.get(Booking, booking_id, populate_existing=True)
    if booking is None:
        raise NotFound("No such booking.", code="booking_not_found")
    if not user.may(booking.expo_id, Area.BOOKINGS):
        owner = await session.scalar(sa.select(col(Exhibitor.user_id)).where(col(Exhibitor.id) == booking.exhibitor_id))
        if owner != user.id:
            raise NotFound("No such booking.", code="booking_not_found")
    return booking


def _event(
    booking: Booking,
    actor: CurrentUser | None,
    action: BookingAction,
    from_status: BookingStatus | None,
    note: str | None = None,
    from_booth_id: int | None = None,
) -> BookingEvent:
    assert booking.id is not None
    return BookingEvent(
        booking_id=booking.id,
        actor_user_id=actor.id if actor and not actor.everything else None,
        action=action,
        from_status=from_status,
        to_status=booking.status,
        from_booth_id=from_booth_id,
        to_booth_id=booking.booth_id,
        note=note or None,
    )


async def _expire(session: AsyncSession, stale: list[Booking], now: datetime) -> None:
    """Turn lapsed holds into 'expired' so that the unique index lets a new booking of their booth in."""
    for booking in stale:
        booking.status = BookingStatus.EXPIRED
        booking.ended_at = now
        booking.updated_at = now
        session.add(_event(booking, None, BookingAction.EXPIRE, BookingStatus.HELD))
        await booking_ended(session, booking)
    if stale:
        await session.flush()


async def _expire_stale_holds(session: AsyncSession, booth_id: int) -> None:
    now = utcnow()
    stale = (
        await session.scalars(sa.select(Booking).where(col(Booking.booth_id) == booth_id, lapsed_hold_clause(now)))
    ).all()
    await _expire(session, list(stale), now)


_HELD_OR_CONFIRMED = (BookingStatus.HELD, BookingStatus.CONFIRMED)


async def _bookable_booth(session: AsyncSession, expo_id: int, booth_id: int) -> Booth:
    """The booth, unless it is blocked or taken; its lapsed holds expired on the way (one read of its
    held and confirmed bookings decides both)."""
    booth = await get_booth(session, booth_id, expo_id)
    if booth.blocked:
        raise Conflict("Booth %(code)s is not for booking.", code="booth_blocked", params={"code": booth.code})
    now = utcnow()
    standing = (
        await session.scalars(
            sa.select(Booking).where(col(Booking.booth_id) == booth_id, col(Booking.status).in_(_HELD_OR_CONFIRMED))
        )
    ).all()
    if any(is_active(booking, now) for booking in standing):
        raise Conflict(_TAKEN, code="booth_taken", params={"code": booth.code})
    await _expire(session, [booking for booking in standing if hold_has_expired(booking, now)], now)
    return booth


async def _flush_or_taken(session: AsyncSession, booth: Booth) -> None:
    code = booth.code  # read before the flush: a failed flush expires every loaded object
    try:
        await session.flush()
    except IntegrityError as exc:  # the partial unique index decided a race
        raise Conflict(_TAKEN, code="booth_taken", params={"code": code}) from exc


class HoldOutcome(StrEnum):
    """What a hold became; the page's notice after it (``/my-booking?msg=...``) is named the same."""

    HELD = "held"
    HELD_FOR_APPROVAL = "held_for_approval"
    CONFIRMED_FREE = "confirmed_free"


@dataclass(frozen=True)
class _HoldFacts:
    expo: Expo
    booth_code: str
    hall_code: str
    exhibitor_id: int | None
    taken: bool


@dataclass(frozen=True)
class Hold:
    """What a hold became, and what its answer names (read with the hold's facts, so that the answer
    needs no read after the commit: a winner of the opening-hour rush would queue for a connection
    again, behind the whole rush, only to read back what it had just written)."""

    booking: Booking
    outcome: HoldOutcome
    booth_code: str
    hall_code: str
    exhibitor_name: str

    def read(self) -> BookingRead:
        """The booking as the API answers it (``get_booking``'s shape), from memory."""
        return booking_read(self.booking, self.booth_code, self.hall_code, self.exhibitor_name)


def _hold_facts_statement(*, in_expo: bool) -> sa.Select[Any]:
    """Built once (bind parameters ``booth_id``, ``user_id``, ``now`` and, ``in_expo``, ``expo_id``):
    a statement built per request cost more than running it."""
    exhibitor_id = (
        sa.select(col(Exhibitor.id))
        .where(col(Exhibitor.user_id) == sa.bindparam("user_id"), col(Exhibitor.expo_id) == col(Booth.expo_id))
        .order_by(col(Exhibitor.created_at).desc(), col(Exhibitor.id).desc())
        .limit(1)
        .scalar_subquery()
    )
    taken = sa.exists().where(col(Booking.booth_id) == col(Booth.id), active_booking_clause(sa.bindparam("now")))
    stmt = (
        sa.select(Expo, col(Booth.code), exhibitor_id, taken, col(Hall.code))
        .join(Booth, col(Booth.expo_id) == col(Expo.id))
        .join(Hall, col(Hall.id) == col(Booth.hall_id))
        .where(col(Booth.id) == sa.bindparam("booth_id"))
    )
    return stmt.where(col(Booth.expo_id) == sa.bindparam("expo_id")) if in_expo else stmt


_HOLD_FACTS = {in_expo: _hold_facts_statement(in_expo=in_expo) for in_expo in (False, True)}


async def _hold_facts(session: AsyncSession, user: CurrentUser, booth_id: int, expo_id: int | None) -> _HoldFacts:
    """Everything a hold is first checked against, in one read: the booth's expo (loaded, so the
    rules below find it in the session), the booth's and its hall's codes, the user's exhibitor in
    that expo and whether the booth is taken. When booking opens most attempts are refusals of a taken booth;
    they cost this one statement and no lock (``tests/booths/bookings/test_hold_refusal_reads_only.py``)."""
    params: dict[str, Any] = {"booth_id": booth_id, "user_id": user.id, "now": utcnow()}
    if expo_id is not None:
        params["expo_id"] = expo_id
    row = (await session.execute(_HOLD_FACTS[expo_id is not None], params)).first()
    if row is None:
        raise NotFound("No such booth.", code="booth_not_found")
    return _HoldFacts(expo=row[0], booth_code=row[1], exhibitor_id=row[2], taken=bool(row[3]), hall_code=row[4])


async def hold_for_user(session: AsyncSession, user: CurrentUser, booth_id: int, expo_id: int | None = None) -> Hold:
    """The one way a logged-in exhibitor holds a booth, for the API and the booth picker alike: the
    booth (in ``expo_id`` when the caller names the expo), then the user's exhibitor record in the
    booth's expo, then ``hold_booth``'s rules."""
    # Read in the transaction the hold then runs in (PostgreSQL: not outside it, as the log-in is:
    # a winner would give its connection back and queue for one again, behind the whole rush).
    facts = await _hold_facts(session, user, booth_id, expo_id)
    expo, code, exhibitor_id = facts.expo, facts.booth_code, facts.exhibitor_id
    check_booking_open(expo)
    if exhibitor_id is None:
        raise Forbidden("Register as an exhibitor of this expo first.", code="not_an_exhibitor")
    if facts.taken:  # the rush's usual answer, decided without a lock; hold_booth's checks decide races
        raise Conflict(_TAKEN, code="booth_taken", params={"code": code})
    assert expo.id is not None
    booking = await hold_booth(session, expo.id, booth_id, exhibitor_id, user, booth_code=code)
    exhibitor = await session.get(Exhibitor, exhibitor_id)  # loaded and locked by hold_booth: no read
    assert exhibitor is not None

    def held(outcome: HoldOutcome) -> Hold:
        return Hold(booking, outcome, code, facts.hall_code, exhibitor.name)

    if booking.status == BookingStatus.CONFIRMED:
        return held(HoldOutcome.CONFIRMED_FREE)
    if booking.price > 0:  # only a free stand waits for an approval
        return held(HoldOutcome.HELD)
    booth = await get_booth(session, booth_id, expo.id)  # both loaded by hold_booth: no further reads
    package = await session.get(BoothPackage, booth.package_id)
    assert package is not None
    needed = await needs_approval(session, booth.expo_id, exhibitor.exhibitor_class)
    waits = awaits_approval(package, exhibitor, needed)
    return held(HoldOutcome.HELD_FOR_APPROVAL if waits else HoldOutcome.HELD)


async def _locked_parties(
    session: AsyncSession, expo_id: int, exhibitor_id: int, not_found: NotFound
) -> tuple[Exhibitor, Expo]:
    """Lock the exhibitor (every booking change of theirs queues here), check it belongs to the expo
    and that the expo is not over."""
    exhibitor = await lock_exhibitor(session, exhibitor_id)
    expo = await get_expo(session, expo_id)
    if exhibitor.expo_id != expo_id:
        raise not_found
    check_not_over(expo)
    return exhibitor, expo


def _new_booking(expo: Expo, booth: Booth, exhibitor: Exhibitor, price: int, hold_for: timedelta | None) -> Booking:
    """The one builder of a booking: held from now for ``hold_for`` (the expo's hold time by default)."""
    assert exhibitor.id is not None
    assert booth.id is not None
    assert expo.id is not None
    now = utcnow()
    return Booking(
        expo_id=expo.id,
        booth_id=booth.id,
        exhibitor_id=exhibitor.id,
        status=BookingStatus.HELD,
        price=price,
        held_at=now,
        hold_expires_at=now + (hold_for or timedelta(minutes=expo.hold_minutes)),
        updated_at=now,
    )


async def _place(
    session: AsyncSession,
    booking: Booking,
    booth: Booth,
    actor: CurrentUser,
    action: BookingAction,
    note: str = "",
    *,
    bill: bool = True,
) -> Booking:
    """Store a new booking (the unique index decides a race) and the first line of its history, then
    (``bill``) tell booths.billing, which gives a paid booking its bill."""
    session.add(booking)
    await _flush_or_taken(session, booth)
    session.add(_event(booking, actor, action, None, note=note))
    await session.flush()
    if bill:
        await booking_started(session, booking)
    return booking


# The claim's first key: "booth holds" (any constant; other claims pick their own).
_BOOTH_TURN_KEY = 0x626F6F74


async def _booth_turn(session: AsyncSession, booth_id: int) -> bool:
    """Whether this transaction is the only one placing a hold on the booth now. When booking opens,
    several exhibitors reach a free booth at once; all but the first used to wait for the first one's
    commit (on PostgreSQL on the unique index, each holding a pooled connection until the pool ran
    dry; on SQLite in the queue for the write lock, behind every other winner) only to be told it was
    taken. They are now told at once that someone is booking it (``expo.write_turns.try_claim``)."""
    return await try_claim(session, _BOOTH_TURN_KEY, booth_id)


def _hold_rules_statement() -> sa.Select[Any]:
    """What a hold is decided on once the exhibitor is locked, in one read from the expo's row (bind
    parameters ``expo_id``, ``booth_id``, ``exhibitor_id``, ``exhibitor_class``, ``now``): whether
    booths go by application, the booth and its package (loaded into the session), the exhibitor's
    active bookings and whether their class needs an approval. Built once: a statement built per
    request cost more than running it."""
    applications_only = (
        sa.select(col(AllocationSetting.applications_only))
        .where(col(AllocationSetting.expo_id) == col(Expo.id))
        .scalar_subquery()
    )
    active = (
        sa.select(sa.func.count())
        .select_from(Booking)
        .where(
            col(Booking.exhibitor_id) == sa.bindparam("exhibitor_id"),
            active_booking_clause(sa.bindparam("now")),
        )
        .scalar_subquery()
    )
    approval = (
        sa.select(col(ClassSetting.needs_approval))
        .where(col(ClassSetting.expo_id) == col(Expo.id), col(ClassSetting.code) == sa.bindparam("exhibitor_class"))
        .scalar_subquery()
    )
    return (
        sa.select(
            applications_only.label("applications_only"),
            active.label("active_bookings"),
            approval.label("needs_approval"),
            Booth,
            BoothPackage,
        )
        .select_from(Expo)
        .outerjoin(Booth, sa.and_(col(Booth.id) == sa.bindparam("booth_id"), col(Booth.expo_id) == col(Expo.id)))
        .outerjoin(BoothPackage, col(BoothPackage.id) == col(Booth.package_id))
        .where(col(Expo.id) == sa.bindparam("expo_id"))
    )


_HOLD_RULES = _hold_rules_statement()


async def hold_booth(
    session: AsyncSession,
    expo_id: int,
    booth_id: int,
    exhibitor_id: int,
    actor: CurrentUser,
    *,
    booth_code: str | None = None,
) -> Booking:
    """An exhibitor holds an available booth. A free stand confirms at once when the expo allows it,
    and, when it is free only by the exhibitor's class, once an organiser approved the exhibitor
    (``booths.exhibitors.approval``); until then it is a hold like any other. ``booth_code``, when
    the caller read it already, spares the refusal of a booth being booked a read."""
    # A visibly taken booth was refused before any lock (``hold_for_user``); the checks under the
    # lock (``_bookable_booth``) and the unique index decide every real race.
    if not await _booth_turn(session, booth_id):
        code = booth_code if booth_code is not None else (await get_booth(session, booth_id, expo_id)).code
        raise Conflict(_BEING_BOOKED, code="booth_being_booked", params={"code": code})
    await write_turn_until_end(session)  # SQLite: queue for the write lock here, not in its busy handler
    exhibitor, expo = await _locked_parties(
        session, expo_id, exhibitor_id, NotFound("No such booth.", code="booth_not_found")
    )
    rules = (
        await session.execute(
            _HOLD_RULES,
            {
                "expo_id": expo_id,
                "booth_id": booth_id,
                "exhibitor_id": exhibitor_id,
                "exhibitor_class": str(exhibitor.exhibitor_class),
                "now": utcnow(),
            },
        )
    ).one()
    if rules.applications_only:  # booths are allocated from applications (booths.allocation.service)
        raise Conflict("Booths of this expo are given by application; apply instead.", code="apply_instead")
    check_booking_window(expo)
    booth = await _bookable_booth(session, expo_id, booth_id)  # loaded by the rules' read: no further read
    if rules.active_bookings >= expo.booth_limit:
        raise Conflict(
            "You already have %(limit)s booth(s), the most one exhibitor may book.",
            code="booth_limit_reached",
            params={"limit": expo.booth_limit},
        )
    package = rules.BoothPackage
    assert package is not None
    booking = _new_booking(expo, booth, exhibitor, stand_price(package, exhibitor), None)
    needed = approval_needed(rules.needs_approval)
    if not confirms_itself(package, exhibitor, expo, needed):
        await _place(session, booking, booth, actor, BookingAction.HOLD, bill=False)
        await triggers.hold_placed(session, booking)
        # The bill last: its number waits for the expo's invoice counter, whose lock (PostgreSQL) is
        # then held until the commit; every statement after it kept the other winners waiting.
        await booking_started(session, booking)
        return booking
    booking.status, booking.confirmed_at, booking.hold_expires_at = BookingStatus.CONFIRMED, booking.held_at, None
    await _place(session, booking, booth, actor, BookingAction.HOLD_CONFIRM_FREE)
    await triggers.booking_confirmed(session, booking)
    return booking


def _check_payment(booking: Booking, payment: PaymentIn | None) -> None:
    if booking.price == 0:
        return
    if payment is None:
        raise InvalidInput(
            "Record the payment to confirm a paid stand.",
            code="payment_required",
            fields=[FieldProblem("payment", "Record the payment to confirm a paid stand.")],
        )
    if payment.method != PaymentMethod.WAIVED and payment.amount < booking.price:
        raise InvalidInput(
            "The payment is less than the price.",
            code="payment_insufficient",
            fields=[
                FieldProblem(
                    "amount",
                    "The price is %(price)s; %(amount)s is not enough.",
                    {"price": booking.price, "amount": payment.amount},
                )
            ],
        )


def _apply_payment(booking: Booking, payment: PaymentIn | None) -> None:
    booking.status = BookingStatus.CONFIRMED
    booking.confirmed_at = booking.updated_at = utcnow()
    booking.hold_expires_at = None
    if payment is not None:
        booking.payment_amount, booking.payment_method = payment.amount, payment.method
        booking.payment_reference = payment.reference or None


async def confirm_booking(
    session: AsyncSession, booking_id: int, payment: PaymentIn | None, actor: CurrentUser
) -> Booking:
    """The organiser records the payment of a held booth; the hold must still be live."""
    booking = await _lock_booking(session, booking_id, actor)
    if booking.status == BookingStatus.CONFIRMED:
        raise Conflict("This booking is already confirmed.", code="already_confirmed")
    if booking.status != BookingStatus.HELD:
        raise Conflict(
            "This booking was %(status)s and cannot be confirmed.",
            code="booking_not_active",
            params={"status": booking.status},
        )
    if not is_active(booking):
        raise Conflict("The hold expired; the booth must be held again.", code="hold_expired")
    _check_payment(booking, payment)
    _apply_payment(booking, payment)
    session.add(
        _event(
            booking,
            actor,
            BookingAction.CONFIRM,
            BookingStatus.HELD,
            note=f"{payment.method} {payment.amount} {payment.reference}".strip() if payment else None,
        )
    )
    await session.flush()
    await confirmed_at_desk(session, booking)  # the payment typed in goes into the ledger
    await triggers.booking_confirmed(session, booking)
    return booking


async def confirm_paid(session: AsyncSession, booking_id: int, actor: CurrentUser, note: str) -> Booking:
    """The ledger (``booths.billing.ledger``) confirms a held booking whose payment secured it. The
    hold must still be live: a booth that was freed is not taken back behind someone's back."""
    booking = await _lock_booking(session, booking_id, actor)
    if booking.status == BookingStatus.CONFIRMED:
        return booking
    if booking.status != BookingStatus.HELD or not is_active(booking):
        raise Conflict(
            "The hold on this booth ended before the payment; book the booth again or refund the money.",
            code="hold_expired",
        )
    booking.status = BookingStatus.CONFIRMED
    booking.confirmed_at = booking.updated_at = utcnow()
    booking.hold_expires_at = None
    session.add(_event(booking, actor, BookingAction.CONFIRM, BookingStatus.HELD, note=note))
    await session.flush()
    await triggers.booking_confirmed(session, booking)
    return booking


async def extend_hold(session: AsyncSession, booking_id: int, until: datetime, actor: CurrentUser) -> Booking:
    """Keep a live hold until ``until`` (a proof of payment under review keeps the booth); never shortens
    a hold, never revives a lapsed one."""
    booking = await _lock_booking(session, booking_id, actor)
    live = booking.status == BookingStatus.HELD and is_active(booking) and booking.hold_expires_at is not None
    if live and booking.hold_expires_at is not None and as_utc(booking.hold_expires_at) < until:
        booking.hold_expires_at = until
        booking.updated_at = utcnow()
        await session.flush()
        await triggers.hold_placed(session, booking, tell=False)
    return booking


async def shorten_hold(session: AsyncSession, booking_id: int, until: datetime, actor: CurrentUser) -> Booking:
    """Bring a live hold back to ``until`` when what kept it longer has ended (a proof of payment
    reviewed and refused); never lengthens a hold, never revives a lapsed one."""
    booking = await _lock_booking(session, booking_id, actor)
    live = booking.status == BookingStatus.HELD and is_active(booking) and booking.hold_expires_at is not None
    if live and booking.hold_expires_at is not None and as_utc(booking.hold_expires_at) > until:
        booking.hold_expires_at = until
        booking.updated_at = utcnow()
        await session.flush()
        await triggers.hold_placed(session, booking, tell=False)
    return booking


async def expire_if_lapsed(session: AsyncSession, booking_id: int) -> Booking | None:
    """Turn a lapsed hold into 'expired' now (the payment deadline's job), so that the booth is free for
    others and its listeners hear of the end; None when it did not lapse (paid, moved on, extended)."""
    await session.execute(
        sa.update(Booking).where(col(Booking.id) == booking_id).values(updated_at=col(Booking.updated_at))
    )
    booking = await session.get(Booking, booking_id, populate_existing=True)
    if booking is None or not hold_has_expired(booking):
        return None
    await _expire_stale_holds(session, booking.booth_id)
    return booking


async def cancel_booking(session: AsyncSession, booking_id: int, actor: CurrentUser, reason: str = "") -> Booking:
    booking = await _lock_booking(session, booking_id, actor)
    if not is_active(booking):
        raise Conflict("This booking is no longer active.", code="booking_not_active")
    before = booking.status
    booking.status = BookingStatus.CANCELLED
    booking.ended_at = booking.updated_at = utcnow()
    booking.cancel_reason = reason or None
    session.add(_event(booking, actor, BookingAction.CANCEL, before, note=reason))
    await session.flush()
    await booking_ended(session, booking)  # its staff passes stop now, in this transaction
    await triggers.booking_cancelled(session, booking)
    return booking


async def move_booking(
    session: AsyncSession, booking_id: int, to_booth_id: int, actor: CurrentUser, note: str = ""
) -> Booking:
    """Move an active booking to another free booth, keeping its history and price."""
    booking = await _lock_booking(session, booking_id, actor)
    if not is_active(booking):
        raise Conflict("This booking is no longer active.", code="booking_not_active")
    if booking.booth_id == to_booth_id:
        raise InvalidInput(
            "The booking is already on this booth.",
            code="same_booth",
            fields=[FieldProblem("booth_id", "The booking is already on this booth.")],
        )
    target = await _bookable_booth(session, booking.expo_id, to_booth_id)
    from_booth = booking.booth_id
    booking.booth_id = to_booth_id
    booking.updated_at = utcnow()
    await _flush_or_taken(session, target)
    event = _event(booking, actor, BookingAction.MOVE, booking.status, note=note, from_booth_id=from_booth)
    session.add(event)
    await session.flush()
    assert event.id is not None
    await booking_moved(session, booking, from_booth)  # a dearer booth adds the difference to the bill
    await triggers.booking_moved(session, booking, from_booth, event.id, note)
    return booking


async def assign_booth(
    session: AsyncSession,
    expo_id: int,
    booth_id: int,
    exhibitor_id: int,
    actor: CurrentUser,
    *,
    confirm: bool = True,
    payment: PaymentIn | None = None,
    note: str = "",
    hold_days: int | None = None,
    tell: bool = True,
) -> Booking:
    """The organiser places an exhibitor on a booth directly (the per-exhibitor limit is the
    exhibitors' self-service rule; organisers decide for themselves). Unless confirmed at once, it is
    held for the expo's hold time, or ``hold_days`` (the payment deadline of allocations and offers).
    The exhibitor is told (``tell=False``: the caller tells them itself, as an allocation run does)."""
    exhibitor, expo = await _locked_parties(
        session, expo_id, exhibitor_id, NotFound("No such exhibitor.", code="exhibitor_not_found")
    )
    booth = await _bookable_booth(session, expo_id, booth_id)
    package = await session.get(BoothPackage, booth.package_id)
    assert package is not None
    hold_for = None if hold_days is None else timedelta(days=hold_days)
    booking = _new_booking(expo, booth, exhibitor, price_for(package, exhibitor.exhibitor_class), hold_for)
    if confirm:
        _check_payment(booking, payment)
        _apply_payment(booking, payment)
    await _place(session, booking, booth, actor, BookingAction.ASSIGN, note)
    if confirm and payment is not None:
        await confirmed_at_desk(session, booking)
    if booking.status == BookingStatus.HELD:
        await triggers.hold_placed(session, booking, tell=tell)
    elif tell:
        await triggers.booking_confirmed(session, booking)
    return booking


# --- reading ----------------------------------------------------------------------------------
async def list_bookings(
    session: AsyncSession,
    expo_id: int,
    *,
    exhibitor_id: int | None = None,
    status: BookingStatus | None = None,
    q: str | None = None,
    hall_id: int | None = None,
    limit: int = 1000,
    offset: int = 0,
) -> list[BookingRead]:
    stmt = (
        sa.select(Booking, col(Booth.code), col(Hall.code), col(Exhibitor.name))
        .join(Booth, col(Booth.id) == col(Booking.booth_id))
        .join(Hall, col(Hall.id) == col(Booth.hall_id))
        .join(Exhibitor, col(Exhibitor.id) == col(Booking.exhibitor_id))
        .where(col(Booking.expo_id) == expo_id)
        .order_by(col(Booking.held_at).desc())
    )
    if exhibitor_id is not None:
        stmt = stmt.where(col(Booking.exhibitor_id) == exhibitor_id)
    if hall_id is not None:
        stmt = stmt.where(col(Booth.hall_id) == hall_id)
    if q:
        like = contains_pattern(q.lower())
        stmt = stmt.where(
            sa.or_(
                sa.func.lower(col(Exhibitor.name)).like(like, escape="\\"),
                sa.func.lower(col(Booth.code)).like(like, escape="\\"),
            )
        )
    if status == BookingStatus.HELD:
        stmt = stmt.where(live_hold_clause())
    elif status == BookingStatus.EXPIRED:
        stmt = stmt.where(expired_clause())
    elif status is not None:
        stmt = stmt.where(col(Booking.status) == status)
    rows = (await session.execute(stmt.limit(limit).offset(offset))).all()
    return [booking_read(row[0], row[1], row[2], row[3]) for row in rows]


def booking_read(booking: Booking, booth_code: str, hall_code: str, exhibitor_name: str) -> BookingRead:
    # Enum columns read back as plain strings: the read model validates them (model_dump would warn).
    data = booking.model_dump(exclude={"updated_at", "status", "payment_method"})
    return BookingRead(
        **data,
        status=effective_status(booking),
        payment_method=booking.payment_method,
        booth_code=booth_code,
        hall_code=hall_code,
        exhibitor_name=exhibitor_name,
    )


async def get_booking(session: AsyncSession, booking_id: int, user: CurrentUser) -> BookingRead:
    row = (
        await session.execute(
            sa.select(Booking, col(Booth.code), col(Hall.code), col(Exhibitor.name), col(Exhibitor.user_id))
            .join(Booth, col(Booth.id) == col(Booking.booth_id))
            .join(Hall, col(Hall.id) == col(Booth.hall_id))
            .join(Exhibitor, col(Exhibitor.id) == col(Booking.exhibitor_id))
            .where(col(Booking.id) == booking_id)
        )
    ).first()
    if row is None or (not user.may(row[0].expo_id, Area.BOOKINGS) and row[4] != user.id):
        raise NotFound("No such booking.", code="booking_not_found")
    return booking_read(row[0], row[1], row[2], row[3])


async def booking_history(session: AsyncSession, booking_id: int, user: CurrentUser) -> list[BookingEventRead]:
    await get_booking(session, booking_id, user)
    from_booth = sa.orm.aliased(Booth)
    to_booth = sa.orm.aliased(Booth)
    rows = (
        await session.execute(
            sa.select(BookingEvent, col(from_booth.code), col(to_booth.code))
            .outerjoin(from_booth, col(from_booth.id) == col(BookingEvent.from_booth_id))
            .outerjoin(to_booth, col(to_booth.id) == col(BookingEvent.to_booth_id))
            .where(col(BookingEvent.booking_id) == booking_id)
            .order_by(col(BookingEvent.at), col(BookingEvent.id))
        )
    ).all()
    return [
        BookingEventRead(
            at=e.at,
            action=e.action,
            actor_user_id=e.actor_user_id,
            from_status=e.from_status,
            to_status=e.to_status,
            from_booth_code=fc,
            to_booth_code=tc,
            note=e.note,
        )
        for e, fc, tc in rows
    ]
