"""Refunds and the refund rule: what the committee owes back after a paid booking is cancelled.

The bill service makes the refund (status ``to_pay``) when the booking ends, by the expo's rule
(``PaymentSetup.refund_rules``). The treasurer pays it outside the system and marks it paid here,
with the date and the transfer's reference: that is money out, so it is a line of the ledger too
(a negative payment on the void bill, ``ledger.record_refund_payout``), with an audit entry, and it
is never deleted. The exhibitor sees, before cancelling, how much would come back.
"""

from dataclasses import dataclass
from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from booths.billing.addon_schemas import RefundPaidIn, RefundRuleIn
from booths.billing.bills import bill_of_booking, payment_setup
from booths.billing.ledger import record_refund_payout
from booths.billing.models import Bill, PaymentSetup, Refund, RefundStatus
from booths.billing.states import refund_percent
from booths.bookings.models import Booking
from booths.exhibitors.models import Exhibitor
from booths.venue.lifecycle import expo_today
from booths.venue.models import Expo
from expo import audit
from expo.accounts import CurrentUser
from expo.errors import Conflict, NotFound
from expo.formatting import utcnow

STATUS_FILTERS = ("to_pay", "paid", "all")


def rule_steps(rules: list[dict[str, Any]]) -> list[tuple[int, int]]:
    """The stored rule as (days before, percent) steps, the earliest cancellation first; unreadable
    steps are left out (the same ones ``refund_percent`` skips)."""
    steps = []
    for rule in rules:
        try:
            steps.append((int(rule["days_before"]), int(rule["percent"])))
        except (KeyError, TypeError, ValueError):
            continue
    return sorted(steps, reverse=True)


async def save_refund_rule(session: AsyncSession, expo_id: int, data: RefundRuleIn, actor: CurrentUser) -> None:
    setup = await session.get(PaymentSetup, expo_id)
    if setup is None:
        setup = PaymentSetup(expo_id=expo_id)
        session.add(setup)
    before = list(setup.refund_rules or [])
    steps = sorted(data.steps, key=lambda s: s.days_before, reverse=True)
    setup.refund_rules = [{"days_before": s.days_before, "percent": s.percent} for s in steps]
    setup.updated_at = utcnow()
    await session.flush()
    if before != setup.refund_rules:
        await audit.record(
            session,
            actor,
            expo_id,
            "payment.refund_rule_saved",
            "",
            before={"refund_rules": before},
            after={"refund_rules": setup.refund_rules},
        )


@dataclass(frozen=True)
class RefundPreview:
    """What cancelling now would give back (nothing paid: nothing back, and no bill: a free stand)."""

    paid: int
    percent: int
    amount: int
    steps: list[tuple[int, int]]


async def refund_preview(session: AsyncSession, booking: Booking, today: date | None = None) -> RefundPreview:
    """The same reckoning as the bill service makes when the booking ends (``bills._booking_ended``)."""
    assert booking.id is not None
    bill = await bill_of_booking(session, booking.id)
    setup = await payment_setup(session, booking.expo_id)
    steps = rule_steps(setup.refund_rules)
    if bill is None or bill.paid <= 0:
        return RefundPreview(paid=0, percent=0, amount=0, steps=steps)
    expo = await session.get(Expo, booking.expo_id)
    assert expo is not None
    percent = refund_percent(setup.refund_rules, today or expo_today(expo), expo.starts_on)
    return RefundPreview(paid=bill.paid, percent=percent, amount=bill.paid * percent // 100, steps=steps)


@dataclass(frozen=True)
class RefundRow:
    refund: Refund
    bill_number: str
    exhibitor: str
    whatsapp: str
    booth_paid: int  # what the bill had received before any payout


async def list_refunds(session: AsyncSession, expo_id: int, status: str = "to_pay") -> list[RefundRow]:
    stmt = (
        sa.select(Refund, col(Bill.number), col(Exhibitor.name), col(Exhibitor.whatsapp), col(Bill.paid))
        .join(Bill, col(Bill.id) == col(Refund.bill_id))
        .join(Exhibitor, col(Exhibitor.id) == col(Bill.exhibitor_id))
        .where(col(Refund.expo_id) == expo_id)
        .order_by(col(Refund.created_at), col(Refund.id))
    )
    if status in (RefundStatus.TO_PAY, RefundStatus.PAID):
        stmt = stmt.where(col(Refund.status) == status)
    rows = (await session.execute(stmt)).all()
    return [
        RefundRow(
            refund=r,
            bill_number=number,
            exhibitor=name,
            whatsapp=whatsapp,
            booth_paid=paid + (r.amount if r.status == RefundStatus.PAID else 0),
        )
        for r, number, name, whatsapp, paid in rows
    ]


async def mark_refund_paid(
    session: AsyncSession, expo_id: int, refund_id: int, data: RefundPaidIn, actor: CurrentUser
) -> Refund:
    """The refund was paid out: its ledger line (when there is money to pay) and its audit entry. The
    bill is locked first (through the ledger), so two treasurers cannot pay the same refund twice."""
    found = await session.get(Refund, refund_id)
    if found is None or found.expo_id != expo_id:
        raise NotFound("No such refund.", code="refund_not_found")
    if found.amount > 0:
        await record_refund_payout(
            session,
            found.bill_id,
            amount=found.amount,
            method=data.method,
            paid_on=data.paid_on,
            reference=data.reference,
            refund_id=refund_id,
            actor=actor,
        )
    refund = await session.get(Refund, refund_id, populate_existing=True)
    assert refund is not None
    if refund.status == RefundStatus.PAID:
        raise Conflict("This refund is already paid.", code="refund_paid")
    bill = await session.get(Bill, refund.bill_id)
    assert bill is not None
    refund.status = RefundStatus.PAID
    refund.paid_at = utcnow()  # when it was recorded; the day it was paid is the ledger line's
    refund.paid_by = None if actor.everything else actor.id
    refund.reference = data.reference[:120]
    await session.flush()
    await audit.record(
        session,
        actor,
        expo_id,
        "refund.paid",
        bill.number,
        before={"status": RefundStatus.TO_PAY},
        after={
            "status": RefundStatus.PAID,
            "amount": refund.amount,
            "paid_on": data.paid_on.isoformat(),
            "reference": refund.reference,
            "method": data.method,
        },
    )
    return refund
