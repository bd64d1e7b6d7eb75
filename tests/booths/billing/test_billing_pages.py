"""The treasurer's pages and the exhibitor's bill page, through HTTP as a browser uses them: set up
how the expo is paid, see it in the exhibitor's instructions, record a payment at the desk (the booth
is confirmed), reverse it; roles are enforced per expo and an exhibitor sees only its own bills."""

import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from booths.billing.models import Bill, BillStatus, Payment
from booths.bookings.models import Booking, BookingStatus
from expo.audit import entries
from expo.formatting import format_rupiah, utcnow
from expo.models import CommitteeRole
from tests.support.factories import Venue, bearer, make_member_token, make_venue, signup_exhibitor
from tests.support.pages import shown as t
from tests.support.passes import Client, log_in_as, post_form

pytestmark = pytest.mark.anyio


async def _hold(client: Client, venue: Venue, booth: int = 0) -> tuple[str, int, Bill]:
    _, token = await signup_exhibitor(client, venue.expo_id, exhibitor_class="umkm")
    response = await client.post(f"/api/booths/{venue.booth_ids[booth]}/hold", headers=bearer(token))
    assert response.status_code == 201, response.text
    return token, int(response.json()["id"]), Bill()


async def _bill(session: AsyncSession, booking_id: int) -> Bill:
    bill = await session.scalar(
        sa.select(Bill).where(col(Bill.booking_id) == booking_id).execution_options(populate_existing=True)
    )
    assert bill is not None
    return bill


async def test_the_treasurer_sets_up_payment_and_the_exhibitor_sees_how_to_pay(
    client: Client, session: AsyncSession
) -> None:
    venue = await make_venue(session)
    treasurer = await make_member_token(session, venue.expo_id, CommitteeRole.TREASURER)
    setup = f"/admin/e/{venue.expo.slug}/payments/setup"
    log_in_as(client, treasurer)
    added = await post_form(
        client,
        f"/admin/e/{venue.expo.slug}/payments/accounts",
        {"bank": "Bank Syariah Contoh", "number": "7123 456 789", "holder": "Panitia Expo Uji"},
        from_page=setup,
    )
    assert added.status_code == 303, added.text
    bad = await post_form(
        client,
        setup,
        {"down_payment": "percent", "down_payment_value": "150", "unique_code": "on"},
        from_page=setup,
    )
    assert bad.status_code == 422
    assert 'role="alert"' in bad.text
    saved = await post_form(
        client,
        setup,
        {
            "down_payment": "percent",
            "down_payment_value": "30",
            "unique_code": "on",
            "cash_enabled": "on",
            "cash_place": "Sekretariat Panitia, Jl. Contoh 1",
            "cash_hours": "08.00-15.00",
            "treasurer_name": "Siti Fiktif",
        },
        from_page=setup,
    )
    assert saved.status_code == 303, saved.text
    client.cookies.clear()
    token, booking_id, _ = await _hold(client, venue)
    bill = await _bill(session, booking_id)
    assert bill.down_payment == 450_000 + bill.unique_code
    log_in_as(client, token)
    mine = await client.get("/my-booking")
    assert mine.status_code == 200
    assert f"/my-bills/{bill.id}" in mine.text
    page = await client.get(f"/my-bills/{bill.id}")
    assert page.status_code == 200
    assert format_rupiah(bill.total) in page.text
    assert "7123 456 789" in page.text
    assert "Sekretariat Panitia" in page.text
    assert format_rupiah(bill.down_payment) in page.text
    # another exhibitor cannot open it
    client.cookies.clear()
    _, other = await signup_exhibitor(client, venue.expo_id, exhibitor_class="umkm")
    log_in_as(client, other)
    assert (await client.get(f"/my-bills/{bill.id}")).status_code == 404
    setup_log = await entries(session, venue.expo_id, action_prefix="payments.")
    assert {e.action for e in setup_log} == {"payments.setup", "payments.account_added"}


async def test_a_desk_payment_confirms_and_a_reversal_is_kept(client: Client, session: AsyncSession) -> None:
    venue = await make_venue(session)
    _, booking_id, _ = await _hold(client, venue)
    bill = await _bill(session, booking_id)
    treasurer = await make_member_token(session, venue.expo_id, CommitteeRole.TREASURER)
    client.cookies.clear()
    log_in_as(client, treasurer)
    listing = await client.get(f"/admin/e/{venue.expo.slug}/payments?state=unpaid")
    assert listing.status_code == 200
    assert bill.number in listing.text
    page = f"/admin/e/{venue.expo.slug}/payments/bills/{bill.id}"
    too_much = await post_form(
        client,
        f"{page}/record",
        {"amount": str(bill.total + 1), "method": "cash", "paid_on": utcnow().date().isoformat()},
        from_page=page,
    )
    assert too_much.status_code == 422
    assert (
        t(
            "Only %(owed)s is still owed on this bill; %(amount)s is more.",
            owed=format_rupiah(bill.total),
            amount=format_rupiah(bill.total + 1),
        )
        in too_much.text
    )
    paid = await post_form(
        client,
        f"{page}/record",
        {
            "amount": f"Rp {bill.total:,}".replace(",", "."),
            "method": "cash",
            "paid_on": utcnow().date().isoformat(),
            "reference": "BUKU-7",
        },
        from_page=page,
    )
    assert paid.status_code == 303, paid.text
    assert (await _bill(session, booking_id)).status == BillStatus.PAID
    booking = await session.get(Booking, booking_id, populate_existing=True)
    assert booking is not None
    assert booking.status == BookingStatus.CONFIRMED
    payment = await session.scalar(sa.select(Payment).where(col(Payment.bill_id) == bill.id))
    assert payment is not None
    reversed_ = await post_form(
        client, f"{page}/payments/{payment.id}/reverse", {"reason": "uang palsu"}, from_page=page
    )
    assert reversed_.status_code == 303, reversed_.text
    after = await client.get(page)
    assert "uang palsu" in after.text
    assert (await _bill(session, booking_id)).status == BillStatus.UNPAID
    twice = await post_form(client, f"{page}/payments/{payment.id}/reverse", {"reason": "lagi"}, from_page=page)
    assert twice.status_code == 409


async def test_roles_and_expos_are_kept_apart(client: Client, session: AsyncSession) -> None:
    venue = await make_venue(session)
    other = await make_venue(session)
    _, booking_id, _ = await _hold(client, venue)
    bill = await _bill(session, booking_id)
    gate = await make_member_token(session, venue.expo_id, CommitteeRole.GATE_STAFF)
    elsewhere = await make_member_token(session, other.expo_id, CommitteeRole.TREASURER)
    client.cookies.clear()
    log_in_as(client, gate)
    assert (await client.get(f"/admin/e/{venue.expo.slug}/payments")).status_code == 403
    log_in_as(client, elsewhere)
    assert (await client.get(f"/admin/e/{venue.expo.slug}/payments/bills/{bill.id}")).status_code == 403
    # the other expo's treasurer naming this bill under their own expo: not found
    assert (await client.get(f"/admin/e/{other.expo.slug}/payments/bills/{bill.id}")).status_code == 404


def _png(color: str = "black") -> bytes:
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (300, 300), color).save(out, "PNG")
    return out.getvalue()


async def test_the_qris_code_is_uploaded_once_and_shown_only_to_who_owes(client: Client, session: AsyncSession) -> None:
    venue = await make_venue(session)
    token, booking_id, _ = await _hold(client, venue)
    bill = await _bill(session, booking_id)
    treasurer = await make_member_token(session, venue.expo_id, CommitteeRole.TREASURER)
    setup = f"/admin/e/{venue.expo.slug}/payments/setup"
    client.cookies.clear()
    log_in_as(client, treasurer)
    assert (await client.get(setup)).status_code == 200
    csrf = client.cookies.get("csrftoken")
    not_image = await client.post(
        f"{setup}/qris",
        data={"_csrf_token": csrf},
        files={"file": ("qris.png", b"MZ\x90\x00 not a picture", "image/png")},
        follow_redirects=False,
    )
    assert not_image.status_code == 422
    assert 'role="alert"' in not_image.text or "field-error" in not_image.text
    saved = await client.post(
        f"{setup}/qris",
        data={"_csrf_token": csrf},
        files={"file": ("qris.png", _png(), "image/png")},
        follow_redirects=False,
    )
    assert saved.status_code == 303, saved.text
    assert (await client.get(f"{setup}/qris")).headers["content-type"].startswith("image/png")
    assert (await client.post(f"{setup}/nope", data={"_csrf_token": csrf}, follow_redirects=False)).status_code == 404
    client.cookies.clear()
    log_in_as(client, token)
    page = await client.get(f"/my-bills/{bill.id}")
    assert f"/my-bills/{bill.id}/qris" in page.text
    picture = await client.get(f"/my-bills/{bill.id}/qris")
    assert picture.status_code == 200
    assert picture.content.startswith(b"\x89PNG")
    client.cookies.clear()
    _, other = await signup_exhibitor(client, venue.expo_id, exhibitor_class="umkm")
    log_in_as(client, other)
    assert (await client.get(f"/my-bills/{bill.id}/qris")).status_code == 404
    gate = await make_member_token(session, venue.expo_id, CommitteeRole.GATE_STAFF)
    client.cookies.clear()
    log_in_as(client, gate)
    assert (await client.get(f"{setup}/qris")).status_code == 403
