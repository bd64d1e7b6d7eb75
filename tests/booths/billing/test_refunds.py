"""Refunds: the rule edited in its page (audit, bad input), the exhibitor told before cancelling how
much comes back (the same sum the cancellation then owes), the treasurer marking a refund paid (a
negative ledger line, once, an audit entry), and who may see it all."""

import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from booths.billing.addon_schemas import RefundPaidIn
from booths.billing.bills import bill_of_booking
from booths.billing.ledger import record_payment, reverse_payment
from booths.billing.models import Bill, Payment, PaymentMethod, PaymentSetup, PaymentSource, Refund, RefundStatus
from booths.billing.refunds import mark_refund_paid
from booths.bookings.models import Booking
from expo.accounts import system_user
from expo.audit import entries
from expo.errors import Conflict
from expo.formatting import format_rupiah, utcnow
from expo.models import CommitteeRole
from tests.support.factories import EXPO_START, Venue, bearer, make_member_token, make_venue, signup_exhibitor
from tests.support.pages import shown as t
from tests.support.passes import Client, log_in_as, post_form

pytestmark = pytest.mark.anyio


async def _paid_booking(client: Client, session: AsyncSession, venue: Venue) -> tuple[int, int, str]:
    """A held booth paid in full: ``(booking id, bill id, exhibitor token)``."""
    _exhibitor, token = await signup_exhibitor(client, venue.expo_id, exhibitor_class="umkm")
    response = await client.post(f"/api/booths/{venue.booth_ids[0]}/hold", headers=bearer(token))
    assert response.status_code == 201, response.text
    booking_id = int(response.json()["id"])
    bill = await bill_of_booking(session, booking_id)
    assert bill is not None
    assert bill.id is not None
    bill_id = bill.id
    await record_payment(
        session, bill_id, amount=bill.total, method=PaymentMethod.TRANSFER, paid_on=utcnow().date(), actor=system_user()
    )
    await session.commit()
    return booking_id, bill_id, token


async def test_the_rule_is_edited_in_its_page(client: Client, session: AsyncSession) -> None:
    venue = await make_venue(session)
    expo_id = venue.expo_id
    log_in_as(client, await make_member_token(session, expo_id, CommitteeRole.TREASURER))
    path = f"/admin/e/{venue.expo.slug}/payments/refund-rule"
    form = {"steps.0.days_before": "7", "steps.0.percent": "50%", "steps.1.days_before": "30", "steps.1.percent": "100"}
    saved = await post_form(client, path, form, from_page=path)
    assert saved.status_code == 303, saved.text
    setup = await session.get(PaymentSetup, expo_id, populate_existing=True)
    assert setup is not None
    assert setup.refund_rules == [{"days_before": 30, "percent": 100}, {"days_before": 7, "percent": 50}]
    [entry] = [
        e for e in await entries(session, expo_id, action_prefix="payment.") if e.action == "payment.refund_rule_saved"
    ]
    assert entry.after == {"refund_rules": setup.refund_rules}
    page = await client.get(path)
    assert t("Cancelled at least %(days)s days before: %(percent)s%% back", days=30, percent=100) in page.text

    too_much = await post_form(client, path, {"steps.0.days_before": "7", "steps.0.percent": "150"}, from_page=path)
    assert too_much.status_code == 422
    assert 'value="150"' in too_much.text
    twice = await post_form(client, path, form | {"steps.1.days_before": "7"}, from_page=path)
    assert twice.status_code == 422
    assert t("Each step needs its own number of days.") in twice.text
    words = await post_form(client, path, {"steps.0.days_before": "seminggu", "steps.0.percent": "50"}, from_page=path)
    assert words.status_code == 422
    cleared = await post_form(client, path, {}, from_page=path)
    assert cleared.status_code == 303
    await session.refresh(setup)
    assert setup.refund_rules == []


async def test_the_exhibitor_sees_what_comes_back_and_the_treasurer_pays_it(
    client: Client, session: AsyncSession
) -> None:
    venue = await make_venue(session)
    expo_id, slug = venue.expo_id, venue.expo.slug
    # The test expo starts in 28 days: the 30-day step is missed, the 7-day one (50%) is met.
    assert (EXPO_START - utcnow().date()).days < 30
    session.add(
        PaymentSetup(
            expo_id=expo_id, refund_rules=[{"days_before": 30, "percent": 100}, {"days_before": 7, "percent": 50}]
        )
    )
    await session.commit()
    booking_id, bill_id, token = await _paid_booking(client, session, venue)
    bill = await session.get(Bill, bill_id, populate_existing=True)
    assert bill is not None
    paid = bill.paid
    back = paid * 50 // 100

    log_in_as(client, token)
    before = await client.get(f"/my-booking/{booking_id}/cancel")
    assert before.status_code == 200
    assert format_rupiah(back) in before.text
    assert format_rupiah(paid) in before.text
    cancelled = await post_form(
        client, f"/my-booking/{booking_id}/cancel", {}, from_page=f"/my-booking/{booking_id}/cancel"
    )
    assert cancelled.status_code == 303, cancelled.text
    refund = await session.scalar(sa.select(Refund).where(col(Refund.bill_id) == bill_id))
    assert refund is not None
    assert (refund.amount, refund.percent, refund.status) == (back, 50, RefundStatus.TO_PAY)
    assert refund.id is not None
    refund_id = refund.id
    refused = await client.get(f"/admin/e/{slug}/payments/refunds")
    assert refused.status_code == 403  # an exhibitor

    gate = await make_member_token(session, expo_id, CommitteeRole.GATE_STAFF)
    for path in ("refunds", "refund-rule"):
        response = await client.get(f"/admin/e/{slug}/payments/{path}", headers=bearer(gate))
        assert response.status_code == 403

    log_in_as(client, await make_member_token(session, expo_id, CommitteeRole.TREASURER))
    listing = await client.get(f"/admin/e/{slug}/payments/refunds")
    assert listing.status_code == 200
    assert bill.number in listing.text
    assert format_rupiah(back) in listing.text
    action = f"/admin/e/{slug}/payments/refunds/{refund_id}/paid"
    no_reference = await post_form(
        client,
        action,
        {"paid_on": utcnow().date().isoformat(), "method": "transfer", "reference": ""},
        from_page=listing.url.path,
    )
    assert no_reference.status_code == 422
    bad_method = await post_form(
        client,
        action,
        {"paid_on": utcnow().date().isoformat(), "method": "online", "reference": "x"},
        from_page=listing.url.path,
    )
    assert bad_method.status_code == 422
    marked = await post_form(
        client,
        action,
        {"paid_on": utcnow().date().isoformat(), "method": "transfer", "reference": "BCA 0412 ref 77"},
        from_page=listing.url.path,
    )
    assert marked.status_code == 303, marked.text
    refund = await session.get(Refund, refund_id, populate_existing=True)
    assert refund is not None
    assert (refund.status, refund.reference) == (RefundStatus.PAID, "BCA 0412 ref 77")
    out = await session.scalar(sa.select(Payment).where(col(Payment.source) == PaymentSource.REFUND))
    assert out is not None
    assert (out.amount, out.bill_id, out.idempotency_key) == (-back, bill_id, f"refund:{refund_id}")
    bill = await session.get(Bill, bill_id, populate_existing=True)
    assert bill is not None
    assert bill.paid == paid - back  # what the expo kept from the cancellation
    ledger = await session.scalar(sa.select(sa.func.sum(col(Payment.amount))).where(col(Payment.bill_id) == bill_id))
    assert ledger == bill.paid
    [entry] = list(await entries(session, expo_id, action_prefix="refund."))
    assert entry.after["amount"] == back

    again = await post_form(
        client,
        action,
        {"paid_on": utcnow().date().isoformat(), "method": "cash", "reference": "lagi"},
        from_page=listing.url.path,
    )
    assert again.status_code == 409
    assert t("This refund is already paid.") in again.text
    with pytest.raises(Conflict):
        await mark_refund_paid(
            session, expo_id, refund_id, RefundPaidIn(paid_on=utcnow().date(), reference="x"), system_user()
        )
    await session.rollback()
    paid_list = await client.get(f"/admin/e/{slug}/payments/refunds?status=paid")
    assert "BCA 0412 ref 77" in paid_list.text


async def test_an_unpaid_booking_says_nothing_comes_back(client: Client, session: AsyncSession) -> None:
    venue = await make_venue(session)
    _exhibitor, token = await signup_exhibitor(client, venue.expo_id, exhibitor_class="umkm")
    response = await client.post(f"/api/booths/{venue.booth_ids[0]}/hold", headers=bearer(token))
    booking_id = int(response.json()["id"])
    _other, stranger = await signup_exhibitor(client, venue.expo_id, exhibitor_class="umkm")
    log_in_as(client, token)
    page = await client.get(f"/my-booking/{booking_id}/cancel")
    assert page.status_code == 200
    assert t("Nothing is paid on this booking, so nothing comes back. The booth becomes free for others.") in page.text
    log_in_as(client, stranger)
    assert (await client.get(f"/my-booking/{booking_id}/cancel")).status_code == 404
    assert await session.get(Booking, booking_id) is not None


async def test_a_reversed_refund_payout_is_owed_again_and_can_be_paid_once_more(
    client: Client, session: AsyncSession
) -> None:
    venue = await make_venue(session)
    session.add(PaymentSetup(expo_id=venue.expo_id, refund_rules=[{"days_before": 7, "percent": 50}]))
    await session.commit()
    booking_id, bill_id, token = await _paid_booking(client, session, venue)
    log_in_as(client, token)
    cancelled = await post_form(
        client, f"/my-booking/{booking_id}/cancel", {}, from_page=f"/my-booking/{booking_id}/cancel"
    )
    assert cancelled.status_code == 303, cancelled.text
    refund = await session.scalar(sa.select(Refund).where(col(Refund.bill_id) == bill_id))
    assert refund is not None
    assert refund.id is not None
    refund_id, back = refund.id, refund.amount
    paid_in = RefundPaidIn(paid_on=utcnow().date(), reference="BCA 1")
    await mark_refund_paid(session, venue.expo_id, refund_id, paid_in, system_user())
    await session.commit()
    out = await session.scalar(sa.select(Payment).where(col(Payment.source) == PaymentSource.REFUND))
    assert out is not None
    assert out.id is not None

    await reverse_payment(session, out.id, reason="transfer ditolak bank", actor=system_user())
    await session.commit()
    owed = await session.get(Refund, refund_id, populate_existing=True)
    assert owed is not None
    assert (owed.status, owed.paid_at, owed.reference) == (RefundStatus.TO_PAY, None, "")
    bill = await session.get(Bill, bill_id, populate_existing=True)
    assert bill is not None
    before = bill.paid

    await mark_refund_paid(
        session, venue.expo_id, refund_id, RefundPaidIn(paid_on=utcnow().date(), reference="BCA 2"), system_user()
    )
    await session.commit()
    bill = await session.get(Bill, bill_id, populate_existing=True)
    assert bill is not None
    assert bill.paid == before - back
    with pytest.raises(Conflict):
        await mark_refund_paid(
            session, venue.expo_id, refund_id, RefundPaidIn(paid_on=utcnow().date(), reference="BCA 3"), system_user()
        )
    await session.rollback()
    payouts = (await session.scalars(sa.select(Payment).where(col(Payment.source) == PaymentSource.REFUND))).all()
    assert sorted(p.idempotency_key or "" for p in payouts) == [f"refund:{refund_id}", f"refund:{refund_id}:1"]
