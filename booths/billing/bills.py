"""Bills follow bookings: a paid booking gets a bill when it is placed, a dearer booth adds the
difference, and a booking that ends takes its bill with it (void, or a refund by the expo's rule).

These run inside the booking's own transaction, as listeners of ``booths.bookings.events`` registered
when this module is imported (``booths/billing/__init__`` does not: ``expo.app`` imports the models and
this module through ``MODEL_MODULES`` / ``JOB_MODULES``).
"""

from datetime import timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from booths.billing.bill_number import number_bill, provisional_number
from booths.billing.models import (
    Bill,
    BillLine,
    BillStatus,
    LineKind,
    PaymentMethod,
    PaymentSetup,
    Refund,
)
from booths.billing.numbering import prefix_from_slug
from booths.billing.states import down_payment_for, refund_percent
from booths.bookings import events
from booths.bookings.models import Booking, BookingStatus
from booths.bookings.models import PaymentMethod as DeskMethod
from booths.exhibitors.models import Exhibitor
from booths.venue.lifecycle import expo_today
from booths.venue.models import Booth, BoothPackage, Expo
from booths.venue.service import price_for
from expo import audit
from expo.accounts import system_user
from expo.formatting import as_utc, utcnow
from expo.jobs import JobContext, enqueue, job_handler

DEADLINE_JOB = "billing.deadline"
# A hold can be kept for review this long at most: a proof that nobody reviews does not keep a booth forever.
REVIEW_HOLD = timedelta(days=14)


async def payment_setup(session: AsyncSession, expo_id: int) -> PaymentSetup:
    """The expo's payment set-up, or the defaults (not stored) when the committee has not set it up."""
    return await session.get(PaymentSetup, expo_id) or PaymentSetup(expo_id=expo_id)


async def document_prefix(session: AsyncSession, expo: Expo, setup: PaymentSetup | None = None) -> str:
    setup = setup or await payment_setup(session, expo.id or 0)
    return setup.invoice_prefix or prefix_from_slug(expo.slug)


async def bill_of_booking(session: AsyncSession, booking_id: int) -> Bill | None:
    """The booking's live bill (the latest that is not void), if any."""
    stmt = (
        sa.select(Bill)
        .where(col(Bill.booking_id) == booking_id, col(Bill.status) != BillStatus.VOID)
        .order_by(col(Bill.id).desc())
        .limit(1)
    )
    return (await session.scalars(stmt)).first()


async def create_bill(session: AsyncSession, booking: Booking) -> Bill:
    """The bill of a paid booking: the booth at the exhibitor's class price, the unique code, the
    deadline (the hold's end) and the down payment the expo allows. Its number and code come last
    (``booths.billing.bill_number``): they wait for the expo's invoice counter, locked until the commit."""
    assert booking.id is not None
    expo = await session.get(Expo, booking.expo_id)
    booth = await session.get(Booth, booking.booth_id)
    assert expo is not None
    assert booth is not None
    package = await session.get(BoothPackage, booth.package_id)
    setup = await payment_setup(session, booking.expo_id)
    bill = Bill(
        expo_id=booking.expo_id,
        exhibitor_id=booking.exhibitor_id,
        booking_id=booking.id,
        number=provisional_number(),
        total=booking.price,
        down_payment=down_payment_for(setup, booking.price, 0),
        due_at=booking.hold_expires_at,
        rest_due_on=setup.rest_due_on,
    )
    session.add(bill)
    await session.flush()
    assert bill.id is not None
    package_name = package.name if package is not None else ""
    session.add(
        BillLine(
            bill_id=bill.id,
            kind=LineKind.BOOTH,
            description=f"{booth.code} · {package_name}".strip(" ·"),
            unit_price=booking.price,
            amount=booking.price,
        )
    )
    await session.flush()
    if bill.due_at is not None:
        await schedule_deadline(session, bill)
    await number_bill(session, bill, setup, await document_prefix(session, expo, setup), booking.price)
    return bill


async def schedule_deadline(session: AsyncSession, bill: Bill) -> None:
    """Plan the look at the bill when its booking's hold ends (keyed by that moment: a hold kept
    longer for a review plans a new look, and the old one finds nothing to do)."""
    booking = await session.get(Booking, bill.booking_id) if bill.booking_id else None
    if booking is None or booking.hold_expires_at is None:
        return
    until = as_utc(booking.hold_expires_at)
    await enqueue(
        session,
        DEADLINE_JOB,
        {"bill_id": bill.id, "booking_id": booking.id},
        key=f"bill:{bill.id}:deadline:{until.isoformat()}",
        expo_id=bill.expo_id,
        run_after=until + timedelta(seconds=1),
        max_attempts=5,
    )


@job_handler(DEADLINE_JOB)
async def _deadline(ctx: JobContext, payload: dict[str, Any]) -> dict[str, Any]:
    """The hold's end: if nothing secured the booth, free it now (its bill goes void through the
    booking's end) and tell the exhibitor."""
    from booths.billing.notices import hold_lapsed
    from booths.bookings.service import expire_if_lapsed

    async with ctx.sessionmaker() as session:
        booking = await expire_if_lapsed(session, int(payload["booking_id"]))
        if booking is None:
            await session.rollback()
            return {"freed": False}
        bill = await session.get(Bill, int(payload["bill_id"]))
        if bill is not None:
            await hold_lapsed(session, booking, bill)
        await session.commit()
    return {"freed": True}


@events.on_booking_started
async def _bill_new_booking(session: AsyncSession, booking: Booking) -> None:
    if booking.price > 0:
        await create_bill(session, booking)


@events.on_confirmed_at_desk
async def _desk_payment(session: AsyncSession, booking: Booking) -> None:
    """An organiser confirmed a booking with a payment typed in: that payment enters the ledger. A
    payment of the whole price also settles the unique code (it only tells transfers apart)."""
    from booths.billing.ledger import record_payment

    assert booking.id is not None
    bill = await bill_of_booking(session, booking.id)
    if bill is None or bill.id is None or booking.payment_amount is None or bill.paid >= bill.total:
        return
    method = {
        DeskMethod.TRANSFER: PaymentMethod.TRANSFER,
        DeskMethod.CASH: PaymentMethod.CASH,
        DeskMethod.QRIS: PaymentMethod.QRIS,
        DeskMethod.WAIVED: PaymentMethod.WAIVED,
    }.get(DeskMethod(booking.payment_method or DeskMethod.OTHER), PaymentMethod.TRANSFER)
    outstanding = bill.total - bill.paid
    whole = booking.payment_method == DeskMethod.WAIVED or booking.payment_amount >= booking.price
    amount = outstanding if whole else min(booking.payment_amount, outstanding)
    await record_payment(
        session,
        bill.id,
        amount=amount,
        method=method,
        paid_on=utcnow().date(),
        reference=booking.payment_reference or "",
        actor=system_user(),
        source="desk",
        confirm=False,  # the booking service confirms it itself
    )


@events.on_booking_moved
async def _moved(session: AsyncSession, booking: Booking, from_booth_id: int) -> None:
    """A move to a dearer booth adds the difference (a cheaper one keeps the price paid)."""
    assert booking.id is not None
    bill = await bill_of_booking(session, booking.id)
    booth = await session.get(Booth, booking.booth_id)
    exhibitor = await session.get(Exhibitor, booking.exhibitor_id)
    if bill is None or bill.id is None or booth is None or exhibitor is None:
        return
    package = await session.get(BoothPackage, booth.package_id)
    if package is None:
        return
    price = price_for(package, exhibitor.exhibitor_class)
    if price <= booking.price:
        return
    difference = price - booking.price
    from_booth = await session.get(Booth, from_booth_id)
    session.add(
        BillLine(
            bill_id=bill.id,
            kind=LineKind.MOVE,
            description=f"{from_booth.code if from_booth else ''} → {booth.code}",
            unit_price=difference,
            amount=difference,
        )
    )
    booking.price = price
    bill.total += difference
    bill.status = BillStatus.PARTLY_PAID if bill.paid > 0 else BillStatus.UNPAID
    bill.updated_at = utcnow()
    await session.flush()
    await audit.record(
        session, system_user(), bill.expo_id, "bill.difference_added", bill.number, after={"amount": difference}
    )


@events.on_booking_ended
async def _booking_ended(session: AsyncSession, booking: Booking) -> None:
    """A booking's end voids its bill. What was paid for a cancelled booking goes back by the expo's
    refund rule (a refund to pay, for the treasurer's list); a lapsed hold had nothing paid."""
    assert booking.id is not None
    bill = await bill_of_booking(session, booking.id)
    if bill is None or bill.id is None:
        return
    now = utcnow()
    reason = "cancelled" if booking.status == BookingStatus.CANCELLED else "expired"
    if bill.paid > 0:
        expo = await session.get(Expo, bill.expo_id)
        assert expo is not None
        setup = await payment_setup(session, bill.expo_id)
        percent = refund_percent(setup.refund_rules, expo_today(expo), expo.starts_on)
        amount = bill.paid * percent // 100
        session.add(Refund(expo_id=bill.expo_id, bill_id=bill.id, amount=amount, percent=percent, reason=reason))
    before = {"status": bill.status}
    bill.status = BillStatus.VOID
    bill.voided_at = bill.updated_at = now
    bill.void_reason = reason
    await session.flush()
    await audit.record(
        session, system_user(), bill.expo_id, "bill.void", bill.number, before=before, after={"reason": reason}
    )
