"""Invoices and receipts through HTTP: an exhibitor downloads its own and no one else's, the treasurer
any of the expo's; the QR code on a receipt leads to a page that vouches for it, and an altered link
says the document is not genuine; every receipt of an expo prints as one batch job."""

import base64
import io

import pypdf
import pypdfium2
import pytest
import zxingcpp
from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy.ext.asyncio import AsyncSession

from booths.billing.bills import bill_of_booking
from booths.billing.ledger import record_payment, reverse_payment
from booths.billing.models import Bill, Payment, PaymentMethod
from booths.bookings.models import Booking
from expo.accounts import system_user
from expo.formatting import utcnow
from expo.models import CommitteeRole
from expo.settings import Settings
from tests.support.factories import Venue, bearer, make_member_token, make_venue, signup_exhibitor
from tests.support.jobs import run_jobs
from tests.support.passes import log_in_as, post_form

pytestmark = pytest.mark.anyio

Client = AsyncTestClient[Litestar]
PDF = "application/pdf"


async def _holder(client: Client, session: AsyncSession, venue: Venue, booth: int, name: str) -> tuple[str, Bill]:
    """An exhibitor holding one paid booth: its log-in and its bill."""
    _, token = await signup_exhibitor(client, venue.expo_id, exhibitor_class="umkm", name=name)
    response = await client.post(f"/api/booths/{venue.booth_ids[booth]}/hold", headers=bearer(token))
    assert response.status_code == 201, response.text
    booking = await session.get(Booking, int(response.json()["id"]))
    assert booking is not None
    assert booking.id is not None
    bill = await bill_of_booking(session, booking.id)
    assert bill is not None
    return token, bill


async def _pay(session: AsyncSession, bill: Bill, amount: int) -> Payment:
    assert bill.id is not None
    payment = await record_payment(
        session,
        bill.id,
        amount=amount,
        method=PaymentMethod.TRANSFER,
        paid_on=utcnow().date(),
        reference="BSI 0815",
        actor=system_user(),
    )
    await session.commit()
    return payment


def _text(pdf: bytes) -> str:
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    return " ".join(" ".join(page.extract_text().split()) for page in reader.pages)


def _qr_urls(pdf: bytes) -> list[str]:
    image = pypdfium2.PdfDocument(pdf)[0].render(scale=300 / 72).to_pil()
    return [r.text for r in zxingcpp.read_barcodes(image) if r.format == zxingcpp.BarcodeFormat.QRCode]


async def test_an_exhibitor_downloads_its_own_invoice_and_no_one_elses(client: Client, session: AsyncSession) -> None:
    venue = await make_venue(session)
    token_a, bill_a = await _holder(client, session, venue, 0, "Kopontren Al-Hikmah")
    token_b, bill_b = await _holder(client, session, venue, 1, "UD Berkah Santri")

    mine = await client.get(f"/api/my/bills/{bill_a.id}/invoice.pdf", headers=bearer(token_a))
    assert mine.status_code == 200, mine.text
    assert mine.headers["content-type"] == PDF
    text = _text(mine.content)
    assert bill_a.number in text
    assert "Kopontren Al-Hikmah" in text
    assert "UD Berkah Santri" not in text

    for path in (f"/api/my/bills/{bill_b.id}/invoice.pdf", "/api/my/bills/999999/invoice.pdf"):
        refused = await client.get(path, headers=bearer(token_a))
        assert refused.status_code == 404, refused.text
        assert refused.headers["content-type"].startswith("application/problem+json")
        assert refused.json()["code"] == "bill_not_found"
    # the treasurer's way in is closed to an exhibitor, for its own bill too
    other_way = await client.get(f"/api/expos/{venue.expo_id}/bills/{bill_a.id}/invoice.pdf", headers=bearer(token_a))
    assert other_way.status_code == 403
    assert (await client.get(f"/api/my/bills/{bill_b.id}/invoice.pdf", headers=bearer(token_b))).status_code == 200


async def test_the_treasurer_downloads_any_bill_of_the_expo_only(client: Client, session: AsyncSession) -> None:
    venue = await make_venue(session)
    other = await make_venue(session)
    _, bill_a = await _holder(client, session, venue, 0, "Kopontren Al-Hikmah")
    _, bill_b = await _holder(client, session, venue, 1, "UD Berkah Santri")
    _, elsewhere = await _holder(client, session, other, 0, "Batik Tebuireng")
    treasurer = bearer(await make_member_token(session, venue.expo_id, CommitteeRole.TREASURER))
    base = f"/api/expos/{venue.expo_id}/bills"

    for bill in (bill_a, bill_b):
        response = await client.get(f"{base}/{bill.id}/invoice.pdf", params={"size": "A5"}, headers=treasurer)
        assert response.status_code == 200, response.text
        assert bill.number in _text(response.content)
        box = pypdf.PdfReader(io.BytesIO(response.content)).pages[0].mediabox
        assert (round(float(box.width)), round(float(box.height))) == (420, 595)
    # a bill of another expo, asked for under this one: not found; under its own expo: not this role's
    assert (await client.get(f"{base}/{elsewhere.id}/invoice.pdf", headers=treasurer)).status_code == 404
    theirs = f"/api/expos/{other.expo_id}/bills/{elsewhere.id}/invoice.pdf"
    assert (await client.get(theirs, headers=treasurer)).status_code == 403
    gate = bearer(await make_member_token(session, venue.expo_id, CommitteeRole.GATE_LEAD))
    assert (await client.get(f"{base}/{bill_a.id}/invoice.pdf", headers=gate)).status_code == 403
    bad = await client.get(f"{base}/{bill_a.id}/invoice.pdf", params={"size": "Letter"}, headers=treasurer)
    assert bad.status_code == 422
    assert bad.json()["code"] == "unknown_paper"


async def test_receipts_go_to_their_payer_and_the_treasurer(client: Client, session: AsyncSession) -> None:
    venue = await make_venue(session)
    token_a, bill_a = await _holder(client, session, venue, 0, "Kopontren Al-Hikmah")
    token_b, _ = await _holder(client, session, venue, 1, "UD Berkah Santri")
    payment = await _pay(session, bill_a, bill_a.total)

    mine = await client.get(f"/api/my/payments/{payment.id}/receipt.pdf", headers=bearer(token_a))
    assert mine.status_code == 200, mine.text
    text = _text(mine.content)
    assert payment.receipt_number in text
    assert f"Rp{bill_a.total:,}".replace(",", ".") in text
    assert "rupiah" in text  # the amount in words
    assert "Pembayaran lunas sewa stan" in text
    assert (await client.get(f"/api/my/payments/{payment.id}/receipt.pdf", headers=bearer(token_b))).status_code == 404
    treasurer = bearer(await make_member_token(session, venue.expo_id, CommitteeRole.TREASURER))
    path = f"/api/expos/{venue.expo_id}/payments/{payment.id}/receipt.pdf"
    assert (await client.get(path, headers=treasurer)).status_code == 200

    assert payment.id is not None
    reversal = await reverse_payment(session, payment.id, reason="Salah catat", actor=system_user())
    await session.commit()
    none = await client.get(f"/api/my/payments/{reversal.id}/receipt.pdf", headers=bearer(token_a))
    assert none.status_code == 404  # a reversal has no receipt


def _tampered(url: str, amount: int) -> str:
    """The link with its amount changed and its signature kept."""
    head, tag = url.rsplit("/", 1)[1].split(".")
    payload = base64.urlsafe_b64decode(head + "=" * (-len(head) % 4)).decode()
    kind, expo, _, number = payload.split("|", 3)
    forged = base64.urlsafe_b64encode(f"{kind}|{expo}|{amount}|{number}".encode()).rstrip(b"=").decode()
    return f"/verify/{forged}.{tag}"


async def test_the_receipts_qr_code_vouches_for_it_and_an_altered_link_does_not(
    client: Client, session: AsyncSession
) -> None:
    venue = await make_venue(session)
    token, bill = await _holder(client, session, venue, 0, "Kopontren Al-Hikmah")
    payment = await _pay(session, bill, 500_000)
    pdf = (await client.get(f"/api/my/payments/{payment.id}/receipt.pdf", headers=bearer(token))).content
    [url] = _qr_urls(pdf)
    assert url.startswith("http://testserver.local/verify/")

    client.cookies.clear()  # anyone may check, logged in or not
    page = await client.get(url.removeprefix("http://testserver.local"))
    assert page.status_code == 200
    assert "Asli." in page.text
    assert payment.receipt_number in page.text
    assert "Expo Uji" in page.text
    assert "Kopontren Al-Hikmah" in page.text
    assert "Rp500.000" in page.text
    for personal in ("Ahmad Fiktif", "0812", "912000"):  # contact person, WhatsApp, NIB
        assert personal not in page.text

    forged = await client.get(_tampered(url, 50_000_000))
    assert forged.status_code == 200
    assert "Tidak asli." in forged.text
    assert payment.receipt_number not in forged.text
    assert "Tidak asli." in (await client.get("/verify/bukan-tanda-tangan")).text
    english = await client.get(_tampered(url, 1), params={"lang": "en"})
    assert "Not genuine." in english.text


async def test_an_invoice_link_tells_a_void_bill(client: Client, session: AsyncSession) -> None:
    venue = await make_venue(session)
    token, bill = await _holder(client, session, venue, 0, "Kopontren Al-Hikmah")
    pdf = (await client.get(f"/api/my/bills/{bill.id}/invoice.pdf", headers=bearer(token))).content
    url = next(u for u in _qr_urls(pdf) if "/verify/" in u).removeprefix("http://testserver.local")
    assert "Asli." in (await client.get(url)).text
    assert bill.booking_id is not None
    cancelled = await client.post(f"/api/bookings/{bill.booking_id}/cancel", headers=bearer(token), json={})
    assert cancelled.status_code in {200, 204}, cancelled.text
    page = (await client.get(url)).text
    assert "Asli." in page
    assert "Tagihan ini dibatalkan." in page


@pytest.mark.real_commits
async def test_every_receipt_of_the_expo_prints_as_one_batch(
    client: Client, session: AsyncSession, settings: Settings
) -> None:
    venue = await make_venue(session)
    token, bill_a = await _holder(client, session, venue, 0, "Kopontren Al-Hikmah")
    _, bill_b = await _holder(client, session, venue, 1, "UD Berkah Santri")
    first = await _pay(session, bill_a, 500_000)
    second = await _pay(session, bill_a, bill_a.total - 500_000)
    third = await _pay(session, bill_b, bill_b.total)
    treasurer = bearer(await make_member_token(session, venue.expo_id, CommitteeRole.TREASURER))
    base = f"/api/expos/{venue.expo_id}/receipts/batches"

    assert (await client.post(base, json={"size": "A5"}, headers=bearer(token))).status_code == 403
    bad = await client.post(base, json={"size": "B5"}, headers=treasurer)
    assert bad.status_code == 422
    started = await client.post(base, json={"size": "A5"}, headers=treasurer)
    assert started.status_code == 202, started.text
    batch = started.json()
    assert batch["status"] == "queued"
    assert batch["download_url"] is None

    await run_jobs(settings)
    status = (await client.get(f"{base}/{batch['id']}", headers=treasurer)).json()
    assert status["status"] == "done", status
    assert status["receipts"] == 3
    download = await client.get(status["download_url"], headers=treasurer)
    assert download.status_code == 200
    reader = pypdf.PdfReader(io.BytesIO(download.content))
    assert len(reader.pages) == 3
    numbers = [first.receipt_number, second.receipt_number, third.receipt_number]
    for page, number in zip(reader.pages, numbers, strict=True):
        assert number in " ".join(page.extract_text().split())
    assert (await client.get(status["download_url"], headers=bearer(token))).status_code == 403
    assert (await client.get(f"{base}/999999", headers=treasurer)).status_code == 404


async def test_a_batch_with_no_receipts_is_refused_at_once(client: Client, session: AsyncSession) -> None:
    venue = await make_venue(session)
    treasurer = bearer(await make_member_token(session, venue.expo_id, CommitteeRole.TREASURER))
    refused = await client.post(f"/api/expos/{venue.expo_id}/receipts/batches", json={}, headers=treasurer)
    assert refused.status_code == 422
    assert refused.json()["code"] == "no_receipts"


@pytest.mark.real_commits
async def test_the_treasurer_prints_every_receipt_from_the_bills_page(
    client: Client, session: AsyncSession, settings: Settings
) -> None:
    venue = await make_venue(session)
    token, bill = await _holder(client, session, venue, 0, "Kopontren Al-Hikmah")
    payment = await _pay(session, bill, bill.total)
    treasurer = await make_member_token(session, venue.expo_id, CommitteeRole.TREASURER)
    bills = f"/admin/e/{venue.expo.slug}/payments"
    log_in_as(client, treasurer)
    listing = await client.get(bills)
    assert f"{bills}/receipts/print" in listing.text
    one = await client.get(f"{bills}/bills/{bill.id}")
    assert f"/api/expos/{venue.expo_id}/bills/{bill.id}/invoice.pdf" in one.text
    assert f"/api/expos/{venue.expo_id}/payments/{payment.id}/receipt.pdf" in one.text

    started = await post_form(client, f"{bills}/receipts/print", {"size": "A4"}, from_page=bills)
    assert started.status_code == 303, started.text
    status_page = started.headers["location"]
    waiting = await client.get(status_page)
    assert 'http-equiv="refresh"' in waiting.text
    await run_jobs(settings)
    ready = await client.get(status_page)
    assert "1 kuitansi siap dalam satu PDF." in ready.text
    download = ready.text.split('href="/api/expos/')[1].split('"')[0]
    pdf = await client.get(f"/api/expos/{download}")
    assert pdf.status_code == 200
    assert payment.receipt_number in _text(pdf.content)

    client.cookies.clear()
    log_in_as(client, token)
    mine = await client.get(f"/my-bills/{bill.id}")
    assert f"/api/my/bills/{bill.id}/invoice.pdf" in mine.text
    assert f"/api/my/payments/{payment.id}/receipt.pdf" in mine.text


async def test_printing_receipts_before_any_payment_says_why(client: Client, session: AsyncSession) -> None:
    venue = await make_venue(session)
    log_in_as(client, await make_member_token(session, venue.expo_id, CommitteeRole.TREASURER))
    bills = f"/admin/e/{venue.expo.slug}/payments"
    refused = await post_form(client, f"{bills}/receipts/print", {"size": "A5"}, from_page=bills)
    assert refused.status_code == 422
    assert "Belum ada kuitansi untuk dicetak." in refused.text
