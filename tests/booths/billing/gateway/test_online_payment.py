"""Paying a bill online, against a local fake Midtrans over real HTTP that signs its notifications:
the button appears only where the gateway is set up and the expo turned it on; a checkout sends the
exhibitor to the gateway; a signed settlement pays the bill once and confirms the booking; a bad
signature is refused (401), a replay changes nothing, another amount is refused and flagged, and a
settlement the bill can no longer take is flagged for a refund."""

from collections.abc import AsyncIterator, Iterator
from typing import Any

import httpx
import pytest
import sqlalchemy as sa
from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from booths.billing.bills import bill_of_booking
from booths.billing.gateway.models import CheckoutStatus, GatewayCheckout, GatewayNotice, NoticeOutcome
from booths.billing.gateway.pages import RETURN_PATH
from booths.billing.ledger import record_payment
from booths.billing.models import Bill, BillStatus, Payment, PaymentMethod, PaymentSetup, PaymentSource
from booths.bookings.models import Booking, BookingStatus
from booths.venue.models import Expo
from expo.accounts import system_user
from expo.formatting import format_rupiah, utcnow
from expo.models import AuditEntry, CommitteeRole
from tests.support.client import ClientWith
from tests.support.factories import Venue, bearer, make_member_token, make_venue, signup_exhibitor
from tests.support.fake_midtrans import FakeMidtrans, fake_midtrans
from tests.support.pages import shown
from tests.support.passes import log_in_as, post_form

pytestmark = pytest.mark.anyio

Client = AsyncTestClient[Litestar]
WEBHOOK = "/api/payments/gateway/midtrans"
PAY_ONLINE = "data-online-payment"


@pytest.fixture
def midtrans() -> Iterator[FakeMidtrans]:
    with fake_midtrans() as fake:
        yield fake


@pytest.fixture
async def online(client_with: ClientWith, midtrans: FakeMidtrans) -> AsyncIterator[Client]:
    """A client of the app with the gateway set up against the fake Midtrans."""
    async with client_with(
        payment_gateway="midtrans", midtrans_server_key=midtrans.server_key, midtrans_base_url=midtrans.url
    ) as client:
        yield client


async def _venue(session: AsyncSession, *, enabled: bool = True) -> Venue:
    venue = await make_venue(session)
    session.add(PaymentSetup(expo_id=venue.expo_id, online_enabled=enabled))
    await session.commit()
    return venue


async def _hold(client: Client, session: AsyncSession, venue: Venue, booth: int = 0) -> tuple[str, Booking, Bill]:
    """An exhibitor holding a paid booth, logged in on ``client``: its token, booking and bill."""
    client.cookies.clear()  # signing up is for someone not logged in
    _exhibitor, token = await signup_exhibitor(client, venue.expo_id, exhibitor_class="umkm")
    held = await client.post(f"/api/booths/{venue.booth_ids[booth]}/hold", headers=bearer(token))
    assert held.status_code == 201, held.text
    booking = await session.get(Booking, int(held.json()["id"]), populate_existing=True)
    assert booking is not None
    assert booking.id is not None
    bill = await bill_of_booking(session, booking.id)
    assert bill is not None
    log_in_as(client, token)
    return token, booking, bill


async def _checkout(client: Client, bill: Bill) -> httpx.Response:
    return await post_form(client, f"/my-bills/{bill.id}/checkout", {}, from_page="/my-booking")


async def _deliver(client: Client, notice: dict[str, Any]) -> httpx.Response:
    """POST the notification as Midtrans does: JSON, no session cookie, no CSRF token."""
    client.cookies.clear()
    return await client.post(WEBHOOK, json=notice)


async def _fresh(session: AsyncSession, model: Any, ident: Any) -> Any:
    row = await session.get(model, ident, populate_existing=True)
    assert row is not None
    return row


async def _started(client: Client, session: AsyncSession, midtrans: FakeMidtrans) -> tuple[Booking, Bill, str]:
    venue = await _venue(session)
    _token, booking, bill = await _hold(client, session, venue)
    response = await _checkout(client, bill)
    assert response.status_code == 303, response.text
    (order_id,) = midtrans.orders
    return booking, bill, order_id


async def test_a_settled_checkout_pays_the_bill_and_confirms_the_booking(
    online: Client, session: AsyncSession, midtrans: FakeMidtrans
) -> None:
    venue = await _venue(session)
    _token, booking, bill = await _hold(online, session, venue)
    page = (await online.get("/my-booking")).text
    assert PAY_ONLINE in page
    assert f"/my-bills/{bill.id}/checkout" in page

    response = await _checkout(online, bill)
    assert response.status_code == 303, response.text
    checkout = await session.scalar(sa.select(GatewayCheckout))
    assert checkout is not None
    assert response.headers["location"] == f"/my-bills/{bill.id}/online/{checkout.id}"
    (order,) = midtrans.orders.values()
    # a page with the link to the gateway (forms may only go to this site: the CSP's form-action)
    go = await online.get(response.headers["location"])
    assert go.status_code == 200
    gateway_page = f"{midtrans.url}/snap/v4/redirection/{order.token}"
    assert f'href="{gateway_page}"' in go.text
    assert bill.number in go.text
    assert order.gross_amount == bill.total  # what is owed, unique code included
    assert order.order_id.startswith(bill.number.replace("/", "-") + "-")
    assert order.body["callbacks"]["finish"].endswith(RETURN_PATH)
    assert order.body["expiry"]["unit"] == "minute"  # the checkout ends with the hold
    async with httpx.AsyncClient() as browser:
        assert "<h1>Pay</h1>" in (await browser.get(gateway_page)).text

    # the exhibitor clicks again before paying: the same checkout, not a second order
    again = await _checkout(online, bill)
    assert again.headers["location"] == response.headers["location"]
    assert len(midtrans.orders) == 1

    paid = await _deliver(online, midtrans.settle(order.order_id))
    assert paid.status_code == 200, paid.text
    assert paid.json() == {"outcome": "paid"}
    log_in_as(online, _token)
    after = (await online.get(response.headers["location"])).text
    assert "data-go-pay" not in after
    assert shown("This payment has arrived.") in after
    online.cookies.clear()
    bill = await _fresh(session, Bill, bill.id)
    assert (bill.status, bill.paid) == (BillStatus.PAID, bill.total)
    assert (await _fresh(session, Booking, booking.id)).status == BookingStatus.CONFIRMED
    (payment,) = (await session.scalars(sa.select(Payment).where(col(Payment.bill_id) == bill.id))).all()
    assert (payment.method, payment.source, payment.amount) == (PaymentMethod.ONLINE, PaymentSource.ONLINE, bill.total)
    assert payment.idempotency_key == f"gw:midtrans:{order.order_id}"
    assert payment.receipt_number
    assert (await _fresh(session, GatewayCheckout, checkout.id)).status == CheckoutStatus.PAID

    # the same notification again (Midtrans retries, or someone replays it): nothing changes
    replay = await _deliver(online, midtrans.settle(order.order_id))
    assert (replay.status_code, replay.json()) == (200, {"outcome": "replay"})
    assert len((await session.scalars(sa.select(Payment))).all()) == 1
    assert len((await session.scalars(sa.select(GatewayNotice))).all()) == 1
    assert (await _fresh(session, Bill, bill.id)).paid == bill.total

    # paid: no button any more, and no new checkout
    log_in_as(online, _token)
    assert PAY_ONLINE not in (await online.get("/my-booking")).text
    refused = await _checkout(online, bill)
    assert refused.status_code == 404
    assert shown("Online payment is not offered for this bill.") in refused.text


async def test_a_bad_signature_is_refused_and_changes_nothing(
    online: Client, session: AsyncSession, midtrans: FakeMidtrans
) -> None:
    _booking, bill, order_id = await _started(online, session, midtrans)
    forged = midtrans.settle(order_id) | {"signature_key": "0" * 128}
    response = await _deliver(online, forged)
    assert response.status_code == 401
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.json()["code"] == "gateway_signature_mismatch"
    # a genuine signature over another amount: the amount was changed on the way
    tampered = midtrans.settle(order_id) | {"gross_amount": "1.00"}
    assert (await _deliver(online, tampered)).status_code == 401
    unsigned = {k: v for k, v in midtrans.settle(order_id).items() if k != "signature_key"}
    assert (await _deliver(online, unsigned)).status_code == 401
    garbage = await online.post(WEBHOOK, content=b"{not json", headers={"content-type": "application/json"})
    assert garbage.status_code == 400
    assert (await _fresh(session, Bill, bill.id)).paid == 0
    assert (await session.scalars(sa.select(GatewayNotice))).all() == []


async def test_another_amount_is_refused_and_flagged(
    online: Client, session: AsyncSession, midtrans: FakeMidtrans
) -> None:
    booking, bill, order_id = await _started(online, session, midtrans)
    response = await _deliver(online, midtrans.settle(order_id, gross_amount=10_000))
    assert response.status_code == 422, response.text
    assert response.json()["code"] == "gateway_amount_mismatch"
    bill = await _fresh(session, Bill, bill.id)
    assert (bill.paid, bill.status) == (0, BillStatus.UNPAID)
    assert (await _fresh(session, Booking, booking.id)).status == BookingStatus.HELD
    assert (await session.scalars(sa.select(Payment))).all() == []
    checkout = await session.scalar(sa.select(GatewayCheckout))
    assert checkout is not None
    assert checkout.status == CheckoutStatus.FLAGGED
    flag = await session.scalar(sa.select(AuditEntry).where(col(AuditEntry.action) == "gateway.amount_mismatch"))
    assert flag is not None
    assert flag.after == {"expected": bill.total, "received": 10_000, "status": "settlement"}
    notice = await session.scalar(sa.select(GatewayNotice))
    assert notice is not None
    assert notice.outcome == NoticeOutcome.MISMATCH
    # its retry is a replay: still nothing paid
    retry = await _deliver(online, midtrans.settle(order_id, gross_amount=10_000))
    assert (retry.status_code, retry.json()) == (200, {"outcome": "replay"})
    assert (await _fresh(session, Bill, bill.id)).paid == 0
    # the treasurer sees it to settle by hand, on the bills list and on the bill
    venue_slug = await session.scalar(sa.select(Expo.slug).where(col(Expo.id) == bill.expo_id))
    log_in_as(online, await make_member_token(session, bill.expo_id, CommitteeRole.TREASURER))
    for path in ("", f"/bills/{bill.id}"):
        page = await online.get(f"/admin/e/{venue_slug}/payments{path}")
        assert page.status_code == 200, page.text
        flagged = page.text.split('id="flagged-online"')[1].split("</section>")[0]
        assert order_id in flagged
        assert format_rupiah(10_000) in flagged
        assert format_rupiah(bill.total) in flagged
        assert shown("another amount than asked") in flagged


async def test_a_settlement_the_bill_cannot_take_is_flagged_for_a_refund(
    online: Client, session: AsyncSession, midtrans: FakeMidtrans
) -> None:
    _booking, bill, order_id = await _started(online, session, midtrans)
    assert bill.id is not None
    # meanwhile the treasurer recorded a transfer of the whole amount at the desk
    await record_payment(
        session, bill.id, amount=bill.total, method=PaymentMethod.TRANSFER, paid_on=utcnow().date(), actor=system_user()
    )
    await session.commit()
    response = await _deliver(online, midtrans.settle(order_id))
    assert response.status_code == 409, response.text
    assert response.json()["code"] == "gateway_payment_refused"
    payments = (await session.scalars(sa.select(Payment).where(col(Payment.bill_id) == bill.id))).all()
    assert [p.method for p in payments] == [PaymentMethod.TRANSFER]  # never paid twice
    flag = await session.scalar(sa.select(AuditEntry).where(col(AuditEntry.action) == "gateway.payment_refused"))
    assert flag is not None
    assert flag.after is not None
    assert flag.after["code"] == "bill_paid"


async def test_pending_then_expired_changes_the_checkout_not_the_bill(
    online: Client, session: AsyncSession, midtrans: FakeMidtrans
) -> None:
    _booking, bill, order_id = await _started(online, session, midtrans)
    pending = await _deliver(online, midtrans.notify(order_id, "pending"))
    assert pending.json() == {"outcome": "status"}
    checkout = await session.scalar(sa.select(GatewayCheckout))
    assert checkout is not None
    assert checkout.status == CheckoutStatus.PENDING
    expired = await _deliver(online, midtrans.notify(order_id, "expire"))
    assert expired.json() == {"outcome": "status"}
    assert (await _fresh(session, GatewayCheckout, checkout.id)).status == CheckoutStatus.EXPIRED
    assert (await _fresh(session, Bill, bill.id)).paid == 0


async def test_a_notice_about_an_order_we_never_made_is_not_found(
    online: Client, session: AsyncSession, midtrans: FakeMidtrans
) -> None:
    _booking, _bill, order_id = await _started(online, session, midtrans)
    midtrans.orders["INV-NOPE-0001-000000"] = midtrans.orders[order_id]
    response = await _deliver(online, midtrans.settle("INV-NOPE-0001-000000"))
    assert response.status_code == 404
    assert response.json()["code"] == "checkout_not_found"


async def test_another_exhibitors_bill_cannot_be_paid_online(
    online: Client, session: AsyncSession, midtrans: FakeMidtrans
) -> None:
    venue = await _venue(session)
    _first, _booking, bill = await _hold(online, session, venue, booth=0)
    started = await _checkout(online, bill)
    assert started.status_code == 303
    await _hold(online, session, venue, booth=1)  # now logged in as the second exhibitor
    response = await _checkout(online, bill)
    assert response.status_code == 404
    assert len(midtrans.orders) == 1
    assert (await online.get(started.headers["location"])).status_code == 404


async def test_the_gateway_not_answering_is_a_readable_refusal(
    online: Client, session: AsyncSession, midtrans: FakeMidtrans
) -> None:
    venue = await _venue(session)
    _token, _booking, bill = await _hold(online, session, venue)
    midtrans.down = True
    response = await _checkout(online, bill)
    assert response.status_code == 502
    assert shown("The online payment service did not answer; try again later or pay by transfer.") in response.text
    assert (await session.scalars(sa.select(GatewayCheckout))).all() == []


async def test_an_expo_that_did_not_turn_it_on_shows_no_button(
    online: Client, session: AsyncSession, midtrans: FakeMidtrans
) -> None:
    venue = await _venue(session, enabled=False)
    _token, _booking, bill = await _hold(online, session, venue)
    assert PAY_ONLINE not in (await online.get("/my-booking")).text
    assert (await _checkout(online, bill)).status_code == 404
    assert midtrans.orders == {}


async def test_off_by_default_no_button_and_no_webhook(client: Client, session: AsyncSession) -> None:
    venue = await _venue(session)  # the expo turned it on, but the deployment set no gateway
    _token, _booking, bill = await _hold(client, session, venue)
    page = (await client.get("/my-booking")).text
    assert PAY_ONLINE not in page
    assert (await _checkout(client, bill)).status_code == 404
    response = await _deliver(client, {"order_id": "x", "status_code": "200", "gross_amount": "1.00"})
    assert response.status_code == 404
    assert response.json()["code"] == "webhook_not_found"
    assert (await client.post("/api/payments/gateway/xendit", json={})).status_code == 404
