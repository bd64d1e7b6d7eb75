"""Bills follow bookings, and the ledger is the one way money comes in: a paid hold gets a numbered
bill with a unique code and the hold's deadline; a payment that secures it confirms the booking; a
down payment secures it too; a reversal undoes, never deletes; a booking's end voids its bill (with a
refund by the expo's rule when money was paid); a lapsed deadline frees the booth and says so."""

import asyncio
from datetime import date, timedelta
from typing import Any

import anyio
import pytest
import sqlalchemy as sa
from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession
from sqlmodel import col

from booths.billing import bill_number
from booths.billing.bills import DEADLINE_JOB, bill_of_booking
from booths.billing.ledger import record_payment, reverse_payment
from booths.billing.models import (
    Bill,
    BillLine,
    BillStatus,
    DownPayment,
    LineKind,
    Payment,
    PaymentMethod,
    PaymentSetup,
    Refund,
)
from booths.billing.states import BillState, bill_state, refund_percent
from booths.bookings.models import Booking, BookingStatus
from booths.bookings.service import hold_booth
from expo.accounts import system_user
from expo.database import session_scope
from expo.errors import Conflict, InvalidInput, NotFound
from expo.formatting import utcnow
from expo.jobs.models import Job
from expo.messaging.models import Message
from expo.models import AuditEntry, Role
from expo.settings import Settings
from tests.support.factories import Venue, bearer, make_user_token, make_venue, signup_exhibitor
from tests.support.jobs import run_jobs

pytestmark = pytest.mark.anyio

Client = AsyncTestClient[Litestar]
PRICE = 1_500_000
TODAY = utcnow().date()


async def _held(
    client: Client, session: AsyncSession, venue: Venue | None = None, booth: int = 0
) -> tuple[Venue, Booking, Bill]:
    venue = venue or await make_venue(session)
    _exhibitor, token = await signup_exhibitor(client, venue.expo_id, exhibitor_class="umkm")
    response = await client.post(f"/api/booths/{venue.booth_ids[booth]}/hold", headers=bearer(token))
    assert response.status_code == 201, response.text
    booking = await session.get(Booking, int(response.json()["id"]), populate_existing=True)
    assert booking is not None
    assert booking.id is not None
    bill = await bill_of_booking(session, booking.id)
    assert bill is not None
    return venue, booking, bill


async def _fresh(session: AsyncSession, bill: Bill) -> Bill:
    fresh = await session.get(Bill, bill.id, populate_existing=True)
    assert fresh is not None
    return fresh


@pytest.mark.real_commits  # the hold's message is written by a worker with its own engine
async def test_a_paid_hold_gets_a_numbered_bill_with_a_unique_code(
    client: Client, session: AsyncSession, settings: Settings
) -> None:
    venue, booking, bill = await _held(client, session)
    assert bill.number.startswith("INV/")
    assert bill.number.endswith("/0001")
    assert 1 <= bill.unique_code <= 999
    assert bill.total == PRICE + bill.unique_code
    assert bill.due_at == booking.hold_expires_at
    assert bill.status == BillStatus.UNPAID
    lines = (await session.scalars(sa.select(BillLine).where(col(BillLine.bill_id) == bill.id))).all()
    assert sorted((line.kind, line.amount) for line in lines) == sorted(
        [(LineKind.BOOTH, PRICE), (LineKind.UNIQUE_CODE, bill.unique_code)]
    )
    assert "A-01" in next(line.description for line in lines if line.kind == LineKind.BOOTH)
    deadline = await session.scalar(sa.select(Job).where(col(Job.kind) == DEADLINE_JOB))
    assert deadline is not None
    # the hold message (written right after the commit) says how to pay: the exact amount with its code
    await run_jobs(settings)
    held = await session.scalar(
        sa.select(Message).where(col(Message.kind) == "hold_placed", col(Message.channel) == "email")
    )
    assert held is not None
    assert bill.number in held.body_text
    assert f"{bill.total:,}".replace(",", ".") in held.body_text
    # a second hold of another booth gets the next number and, at the same price, another code
    _, _, second = await _held(client, session, venue, booth=1)
    assert second.number.endswith("/0002")
    assert second.unique_code != bill.unique_code


async def test_paying_the_whole_confirms_the_booking_with_a_receipt(client: Client, session: AsyncSession) -> None:
    _, booking, bill = await _held(client, session)
    assert bill.id is not None
    payment = await record_payment(
        session, bill.id, amount=bill.total, method=PaymentMethod.TRANSFER, paid_on=TODAY, actor=system_user()
    )
    await session.commit()
    assert payment.receipt_number is not None
    assert payment.receipt_number.startswith("KW/")
    bill = await _fresh(session, bill)
    assert (bill.status, bill.paid) == (BillStatus.PAID, bill.total)
    confirmed = await session.get(Booking, booking.id, populate_existing=True)
    assert confirmed is not None
    assert confirmed.status == BookingStatus.CONFIRMED
    entries = (await session.scalars(sa.select(AuditEntry).where(col(AuditEntry.action) == "payment.recorded"))).all()
    assert len(entries) == 1
    assert bill.number in entries[0].subject
    received = await session.scalar(sa.select(Message).where(col(Message.kind) == "payment_received"))
    assert received is not None
    assert payment.receipt_number in received.body_text
    with pytest.raises(Conflict) as paid:
        await record_payment(session, bill.id, amount=1, method=PaymentMethod.CASH, paid_on=TODAY, actor=system_user())
    assert paid.value.code == "bill_paid"


async def test_a_down_payment_secures_the_booth_and_the_rest_follows(client: Client, session: AsyncSession) -> None:
    venue = await make_venue(session)
    session.add(
        PaymentSetup(
            expo_id=venue.expo_id,
            down_payment=DownPayment.PERCENT,
            down_payment_value=30,
            rest_due_on=TODAY + timedelta(days=10),
        )
    )
    await session.commit()
    _, booking, bill = await _held(client, session, venue)
    assert bill.id is not None
    assert bill.down_payment == 450_000 + bill.unique_code
    with pytest.raises(InvalidInput) as too_much:
        await record_payment(
            session,
            bill.id,
            amount=bill.total + 1,
            method=PaymentMethod.TRANSFER,
            paid_on=TODAY,
            actor=system_user(),
        )
    assert too_much.value.code == "payment_amount"
    await record_payment(
        session,
        bill.id,
        amount=bill.down_payment,
        method=PaymentMethod.TRANSFER,
        paid_on=TODAY,
        actor=system_user(),
    )
    bill = await _fresh(session, bill)
    assert bill.status == BillStatus.PARTLY_PAID
    assert bill_state(bill) == BillState.PARTLY_PAID
    assert bill_state(bill, today=TODAY + timedelta(days=11)) == BillState.OVERDUE
    booking_now = await session.get(Booking, booking.id, populate_existing=True)
    assert booking_now is not None
    assert booking_now.status == BookingStatus.CONFIRMED
    assert bill.id is not None
    await record_payment(
        session,
        bill.id,
        amount=bill.total - bill.paid,
        method=PaymentMethod.CASH,
        paid_on=TODAY,
        actor=system_user(),
    )
    assert (await _fresh(session, bill)).status == BillStatus.PAID


async def test_a_reversal_undoes_once_and_deletes_nothing(client: Client, session: AsyncSession) -> None:
    _, _, bill = await _held(client, session)
    assert bill.id is not None
    payment = await record_payment(
        session, bill.id, amount=500_000, method=PaymentMethod.TRANSFER, paid_on=TODAY, actor=system_user()
    )
    assert payment.id is not None
    with pytest.raises(InvalidInput):
        await reverse_payment(session, payment.id, reason=" ", actor=system_user())
    reversal = await reverse_payment(session, payment.id, reason="salah catat", actor=system_user())
    assert reversal.amount == -500_000
    bill = await _fresh(session, bill)
    assert (bill.paid, bill.status) == (0, BillStatus.UNPAID)
    with pytest.raises(Conflict):
        await reverse_payment(session, payment.id, reason="lagi", actor=system_user())
    assert reversal.id is not None
    with pytest.raises(Conflict):
        await reverse_payment(session, reversal.id, reason="balik", actor=system_user())
    rows = (await session.scalars(sa.select(Payment).where(col(Payment.bill_id) == bill.id))).all()
    assert sorted(p.amount for p in rows) == [-500_000, 500_000]


async def test_the_same_key_pays_once(client: Client, session: AsyncSession) -> None:
    _, _, bill = await _held(client, session)
    assert bill.id is not None
    args: dict[str, Any] = {"amount": 100_000, "method": PaymentMethod.TRANSFER, "paid_on": TODAY}
    first = await record_payment(session, bill.id, actor=system_user(), idempotency_key="stmt:abc", **args)
    second = await record_payment(session, bill.id, actor=system_user(), idempotency_key="stmt:abc", **args)
    assert first.id == second.id
    assert (await _fresh(session, bill)).paid == 100_000


async def test_a_committee_member_without_payments_may_not_record(client: Client, session: AsyncSession) -> None:
    from expo.accounts import CurrentUser
    from expo.permissions import CommitteeRole

    venue, _, bill = await _held(client, session)
    assert bill.id is not None
    gate = CurrentUser(
        id=999, email="g@x", name="g", role=Role.ORGANISER, committee={venue.expo_id: CommitteeRole.GATE_STAFF}
    )
    with pytest.raises(NotFound) as refused:
        await record_payment(session, bill.id, amount=1, method=PaymentMethod.CASH, paid_on=TODAY, actor=gate)
    assert refused.value.code == "bill_not_found"


async def test_cancelling_voids_the_bill_and_refunds_by_the_rule(client: Client, session: AsyncSession) -> None:
    venue = await make_venue(session)
    session.add(PaymentSetup(expo_id=venue.expo_id, refund_rules=[{"days_before": 14, "percent": 50}]))
    organiser = bearer(await make_user_token(session, Role.ORGANISER))
    _, unpaid_booking, unpaid = await _held(client, session, venue, booth=0)
    _, paid_booking, paid = await _held(client, session, venue, booth=1)
    assert paid.id is not None
    await record_payment(
        session, paid.id, amount=paid.total, method=PaymentMethod.TRANSFER, paid_on=TODAY, actor=system_user()
    )
    await session.commit()
    for booking in (unpaid_booking, paid_booking):
        response = await client.post(f"/api/bookings/{booking.id}/cancel", json={"reason": "batal"}, headers=organiser)
        assert response.status_code == 200, response.text
    assert (await _fresh(session, unpaid)).status == BillStatus.VOID
    assert (await _fresh(session, paid)).status == BillStatus.VOID
    refunds = (await session.scalars(sa.select(Refund))).all()
    assert [(r.bill_id, r.percent, r.amount) for r in refunds] == [(paid.id, 50, paid.total // 2)]


def test_the_refund_rule_takes_the_best_rule_still_met() -> None:
    rules = [{"days_before": 30, "percent": 100}, {"days_before": 7, "percent": 50}, {"bad": 1}]
    first = date(2026, 10, 20)
    assert refund_percent(rules, first - timedelta(days=40), first) == 100
    assert refund_percent(rules, first - timedelta(days=10), first) == 50
    assert refund_percent(rules, first - timedelta(days=2), first) == 0
    assert refund_percent([], first - timedelta(days=90), first) == 0


async def test_the_organisers_confirm_with_a_payment_goes_into_the_ledger(
    client: Client, session: AsyncSession
) -> None:
    _, booking, bill = await _held(client, session)
    organiser = bearer(await make_user_token(session, Role.ORGANISER))
    payment = {"amount": PRICE, "method": "cash", "reference": "KAS-1"}
    response = await client.post(f"/api/bookings/{booking.id}/confirm", json=payment, headers=organiser)
    assert response.status_code == 200, response.text
    bill = await _fresh(session, bill)
    assert (bill.status, bill.paid) == (BillStatus.PAID, bill.total)
    rows = (await session.scalars(sa.select(Payment).where(col(Payment.bill_id) == bill.id))).all()
    assert [(p.method, p.reference) for p in rows] == [(PaymentMethod.CASH, "KAS-1")]


async def test_moving_to_a_dearer_booth_adds_the_difference(client: Client, session: AsyncSession) -> None:
    from booths.venue.models import Booth, BoothPackage

    venue = await make_venue(session)
    dear = BoothPackage(expo_id=venue.expo_id, code="besar", name="Besar 3x6", price=2_500_000)
    session.add(dear)
    await session.flush()
    target = await session.get(Booth, venue.booth_ids[2])
    assert target is not None
    target.package_id = dear.id  # type: ignore[assignment]
    await session.commit()
    organiser = bearer(await make_user_token(session, Role.ORGANISER))
    _, booking, bill = await _held(client, session, venue)
    moved = await client.post(
        f"/api/bookings/{booking.id}/move", json={"booth_id": venue.booth_ids[2]}, headers=organiser
    )
    assert moved.status_code == 200, moved.text
    bill = await _fresh(session, bill)
    assert bill.total == 2_500_000 + bill.unique_code
    lines = (await session.scalars(sa.select(BillLine).where(col(BillLine.bill_id) == bill.id))).all()
    assert [line.amount for line in lines if line.kind == LineKind.MOVE] == [1_000_000]


@pytest.mark.real_commits
async def test_a_lapsed_deadline_frees_the_booth_and_says_so(
    client: Client, session: AsyncSession, settings: Settings
) -> None:
    _, booking, bill = await _held(client, session)
    past = utcnow() - timedelta(minutes=1)
    await session.execute(sa.update(Booking).where(col(Booking.id) == booking.id).values(hold_expires_at=past))
    await session.execute(sa.update(Job).where(col(Job.kind) == DEADLINE_JOB).values(run_after=past))
    await session.commit()
    await run_jobs(settings)
    freed = await session.get(Booking, booking.id, populate_existing=True)
    assert freed is not None
    assert freed.status == BookingStatus.EXPIRED
    assert (await _fresh(session, bill)).status == BillStatus.VOID
    told = (await session.scalars(sa.select(Message).where(col(Message.kind) == "hold_lapsed"))).all()
    assert len(told) == 2  # e-mail, and WhatsApp (sent, or a wa.me link for the committee)
    assert "email" in {m.channel for m in told}
    assert bill.number in told[0].body_text


async def test_the_counts_per_state_read_overdue_like_the_bills_do(client: Client, session: AsyncSession) -> None:
    from booths.billing.views import state_counts

    venue, _, bill = await _held(client, session)
    _, _, paid = await _held(client, session, venue, booth=1)
    assert paid.id is not None
    await record_payment(
        session, paid.id, amount=paid.total, method=PaymentMethod.CASH, paid_on=TODAY, actor=system_user()
    )
    counts = await state_counts(session, venue.expo_id)
    assert counts == {
        BillState.UNPAID: 1,
        BillState.PARTLY_PAID: 0,
        BillState.PAID: 1,
        BillState.OVERDUE: 0,
        BillState.VOID: 0,
    }
    await session.execute(sa.update(Bill).where(col(Bill.id) == bill.id).values(due_at=utcnow() - timedelta(minutes=1)))
    counts = await state_counts(session, venue.expo_id)
    assert (counts[BillState.UNPAID], counts[BillState.OVERDUE]) == (0, 1)


async def test_a_two_day_hold_is_warned_of_a_day_before_its_deadline(client: Client, session: AsyncSession) -> None:
    from booths.notifications.triggers import HOLD_LAPSING_JOB
    from expo.formatting import as_utc

    venue = await make_venue(session, hold_minutes=48 * 60)
    _, booking, bill = await _held(client, session, venue)
    assert booking.hold_expires_at is not None
    assert bill.due_at == booking.hold_expires_at
    warning = await session.scalar(sa.select(Job).where(col(Job.kind) == HOLD_LAPSING_JOB))
    assert warning is not None
    assert as_utc(warning.run_after) == as_utc(booking.hold_expires_at) - timedelta(hours=24)


@pytest.mark.real_commits  # two transactions of their own, one waiting for the other
async def test_two_bills_made_at_once_never_share_a_unique_code(
    client: Client, engine: AsyncEngine, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two winners of the opening minute, same price: the second bill's codes are read after the first
    bill's commit (its number waits for the counter first), so the two transfers stay told apart. The
    choice among free codes is made the lowest here (both engines' ways), so that a stale read would
    give the same code."""
    monkeypatch.setattr(bill_number.secrets, "choice", lambda free: free[0])
    monkeypatch.setattr(bill_number, "free_code_order", lambda code: code)
    async with session_scope(engine) as setup:
        venue = await make_venue(setup)
        await setup.commit()
    first, _ = await signup_exhibitor(client, venue.expo_id, exhibitor_class="umkm")
    second, _ = await signup_exhibitor(client, venue.expo_id, exhibitor_class="umkm")
    async with session_scope(engine) as one, session_scope(engine) as two:
        await hold_booth(one, venue.expo_id, venue.booth_ids[0], first["id"], system_user())
        racing = asyncio.create_task(hold_booth(two, venue.expo_id, venue.booth_ids[1], second["id"], system_user()))
        await asyncio.sleep(0.5)  # the second hold reaches its bill and waits there
        await one.commit()
        with anyio.fail_after(10):
            await racing
        await two.commit()
    async with session_scope(engine) as check:
        codes = (await check.scalars(sa.select(col(Bill.unique_code)).where(col(Bill.expo_id) == venue.expo_id))).all()
    assert len(codes) == 2
    assert len(set(codes)) == 2, codes
