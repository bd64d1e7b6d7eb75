"""The money ledger: the one writer of payments. Every way money comes in (the treasurer at the desk,
an accepted proof of transfer, a matched bank statement line, the payment gateway) records it here;
a mistake is undone by a reversal, never by deleting or editing a payment.

Each change locks its bill first (a row lock on PostgreSQL, the write lock on SQLite), so two
treasurers accepting at once queue here, and an ``idempotency_key`` (the proof, the statement line,
the gateway's notice) makes the second of two identical recordings return the first.
"""

from datetime import date
from typing import Literal

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased
from sqlmodel import col

from booths.billing.bills import document_prefix
from booths.billing.models import Bill, BillStatus, Payment, PaymentMethod, PaymentSource, Refund, RefundStatus
from booths.billing.notices import payment_received
from booths.billing.numbering import RECEIPT, document_number, next_number
from booths.billing.statement_models import StatementLine
from booths.billing.states import outstanding, secures_booth, stored_status
from booths.bookings.models import Booking, BookingStatus
from booths.venue.models import Expo
from expo import audit, live
from expo.accounts import CurrentUser
from expo.errors import Conflict, FieldProblem, InvalidInput, NotFound
from expo.formatting import format_rupiah, utcnow
from expo.i18n import N_
from expo.permissions import Area

Source = Literal["desk", "proof", "statement", "online"]


async def lock_bill(session: AsyncSession, bill_id: int) -> Bill:
    await session.execute(sa.update(Bill).where(col(Bill.id) == bill_id).values(updated_at=utcnow()))
    bill = await session.get(Bill, bill_id, populate_existing=True)
    if bill is None:
        raise NotFound("No such bill.", code="bill_not_found")
    return bill


def _amount_problem(message: str, params: dict[str, object]) -> InvalidInput:
    return InvalidInput(message, code="payment_amount", params=params, fields=[FieldProblem("amount", message, params)])


async def record_payment(
    session: AsyncSession,
    bill_id: int,
    *,
    amount: int,
    method: PaymentMethod,
    paid_on: date,
    reference: str = "",
    actor: CurrentUser,
    source: Source = "desk",
    proof_id: int | None = None,
    idempotency_key: str | None = None,
    note: str = "",
    confirm: bool = True,
) -> Payment:
    """Put a payment on a bill and keep the bill and its booking true: the bill's paid sum and state,
    the booking confirmed once the payment secures it (``confirm=False``: the caller confirms). A
    payment larger than what is still owed is refused (nothing is paid twice); a ``waived`` payment
    settles the rest."""
    if idempotency_key:
        done = await session.scalar(sa.select(Payment).where(col(Payment.idempotency_key) == idempotency_key))
        if done is not None:
            return done
    bill = await lock_bill(session, bill_id)
    if not actor.may(bill.expo_id, Area.PAYMENTS):
        raise NotFound("No such bill.", code="bill_not_found")
    if bill.status == BillStatus.VOID:
        raise Conflict(
            "Bill %(number)s is void (its booking ended); this money must be refunded or the booth booked again.",
            code="bill_void",
            params={"number": bill.number},
        )
    owed = outstanding(bill)
    if method == PaymentMethod.WAIVED:
        amount = owed
    if owed <= 0:
        raise Conflict("Bill %(number)s is already paid.", code="bill_paid", params={"number": bill.number})
    if amount <= 0:
        raise _amount_problem(N_("The amount must be more than zero."), {})
    if amount > owed:
        raise _amount_problem(
            N_("Only %(owed)s is still owed on this bill; %(amount)s is more."),
            {"owed": format_rupiah(owed), "amount": format_rupiah(amount)},
        )
    expo = await session.get(Expo, bill.expo_id)
    assert expo is not None
    receipt = document_number(
        RECEIPT, await document_prefix(session, expo), await next_number(session, bill.expo_id, RECEIPT)
    )
    payment = Payment(
        expo_id=bill.expo_id,
        bill_id=bill_id,
        amount=amount,
        method=method,
        source=PaymentSource(source),
        paid_on=paid_on,
        reference=reference[:120],
        note=note[:300],
        receipt_number=receipt,
        proof_id=proof_id,
        idempotency_key=idempotency_key,
        recorded_by=None if actor.everything else actor.id,
    )
    session.add(payment)
    try:
        async with session.begin_nested():
            await session.flush()
    except IntegrityError as exc:  # the same key recorded by a racing request that committed first
        raise Conflict("This payment is already recorded.", code="payment_duplicate") from exc
    before = {"paid": bill.paid, "status": bill.status}
    bill.paid += amount
    bill.status = stored_status(bill.total, bill.paid)
    bill.updated_at = utcnow()
    await session.flush()
    await audit.record(
        session,
        actor,
        bill.expo_id,
        "payment.recorded",
        f"{bill.number} · {receipt}",
        before=before,
        after={"paid": bill.paid, "status": bill.status, "amount": amount, "method": method, "source": source},
    )
    if confirm and bill.booking_id is not None and secures_booth(bill):
        booking = await session.get(Booking, bill.booking_id)
        if booking is not None and booking.status == BookingStatus.HELD:
            from booths.bookings.service import confirm_paid

            await confirm_paid(session, bill.booking_id, actor, note=f"{receipt} {method} {amount}")
    await payment_received(session, bill, payment)
    live.changed(session, bill.expo_id)  # a booth secured changes who the dashboard expects to report
    return payment


async def reverse_payment(session: AsyncSession, payment_id: int, *, reason: str, actor: CurrentUser) -> Payment:
    """Undo a payment by a new line with the opposite amount (once). The booking stays as it is: whether
    to cancel it is the committee's decision, made on the booking."""
    original = await session.get(Payment, payment_id)
    if original is None or not actor.may(original.expo_id, Area.PAYMENTS):
        raise NotFound("No such payment.", code="payment_not_found")
    if original.reverses_id is not None:
        raise Conflict("A reversal cannot be reversed; record the payment again.", code="payment_is_reversal")
    if not reason.strip():
        message = N_("Say why the payment is reversed.")
        raise InvalidInput(message, code="reason_required", fields=[FieldProblem("reason", message)])
    bill = await lock_bill(session, original.bill_id)
    already = await session.scalar(sa.select(col(Payment.id)).where(col(Payment.reverses_id) == payment_id))
    if already is not None:
        raise Conflict("This payment was already reversed.", code="payment_reversed")
    reversal = Payment(
        expo_id=original.expo_id,
        bill_id=original.bill_id,
        amount=-original.amount,
        method=original.method,
        source=PaymentSource.REVERSAL,
        paid_on=utcnow().date(),
        reference=original.receipt_number or "",
        note=reason.strip()[:300],
        reverses_id=payment_id,
        recorded_by=None if actor.everything else actor.id,
    )
    session.add(reversal)
    try:
        async with session.begin_nested():
            await session.flush()
    except IntegrityError as exc:
        raise Conflict("This payment was already reversed.", code="payment_reversed") from exc
    before = {"paid": bill.paid, "status": bill.status}
    bill.paid -= original.amount
    if bill.status != BillStatus.VOID:
        bill.status = stored_status(bill.total, bill.paid)
    bill.updated_at = utcnow()
    await _undo_what_the_payment_settled(session, original)
    await session.flush()
    await audit.record(
        session,
        actor,
        bill.expo_id,
        "payment.reversed",
        f"{bill.number} · {original.receipt_number}",
        before=before,
        after={"paid": bill.paid, "status": bill.status, "reason": reason.strip()[:300]},
    )
    live.changed(session, bill.expo_id)
    return reversal


async def _undo_what_the_payment_settled(session: AsyncSession, original: Payment) -> None:
    """A reversed payment no longer settles what it settled: a bank statement line it paid is free to
    be approved again (for the right bill), and a refund it paid out is owed again."""
    await session.execute(
        sa.update(StatementLine)
        .where(col(StatementLine.payment_id) == original.id)
        .values(payment_id=None, approved_at=None)
    )
    if original.source == PaymentSource.REFUND:
        await session.execute(
            sa.update(Refund)
            .where(col(Refund.bill_id) == original.bill_id)
            .values(status=RefundStatus.TO_PAY, paid_at=None, paid_by=None, reference="")
        )


async def attempt_key(session: AsyncSession, base: str) -> str:
    """The idempotency key of the next recording of ``base`` (a statement line, a refund): ``base``
    itself the first time, and a numbered one after each reversal of an earlier recording, so that a
    reversed recording can be made again while a repeat of the live one is still refused."""
    reversal = aliased(Payment)
    reversed_before = await session.scalar(
        sa.select(sa.func.count())
        .select_from(Payment)
        .join(reversal, col(reversal.reverses_id) == col(Payment.id))
        .where(sa.or_(col(Payment.idempotency_key) == base, col(Payment.idempotency_key).startswith(f"{base}:")))
    )
    return base if not reversed_before else f"{base}:{reversed_before}"


async def payments_of(session: AsyncSession, bill_id: int) -> list[Payment]:
    stmt = sa.select(Payment).where(col(Payment.bill_id) == bill_id).order_by(col(Payment.id))
    return list((await session.scalars(stmt)).all())


async def record_refund_payout(
    session: AsyncSession,
    bill_id: int,
    *,
    amount: int,
    method: PaymentMethod,
    paid_on: date,
    reference: str,
    refund_id: int,
    actor: CurrentUser,
) -> Payment:
    """Money paid back on a (void) bill after its booking was cancelled: a ledger line with the negative
    amount, once per refund (its key). What the bill keeps after it is what the expo earned from the
    cancellation. The refund's own row and audit entry are ``booths.billing.refunds``'s."""
    bill = await lock_bill(session, bill_id)
    if amount <= 0 or amount > bill.paid:
        raise _amount_problem(N_("The amount must be more than zero."), {})
    payment = Payment(
        expo_id=bill.expo_id,
        bill_id=bill_id,
        amount=-amount,
        method=method,
        source=PaymentSource.REFUND,
        paid_on=paid_on,
        reference=reference[:120],
        idempotency_key=await attempt_key(session, f"refund:{refund_id}"),
        recorded_by=None if actor.everything else actor.id,
    )
    session.add(payment)
    try:
        async with session.begin_nested():
            await session.flush()
    except IntegrityError as exc:
        raise Conflict("This refund is already paid.", code="refund_paid") from exc
    bill.paid -= amount
    bill.updated_at = utcnow()
    await session.flush()
    return payment
