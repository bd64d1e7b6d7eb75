"""Proofs of transfer end to end: an exhibitor sends a real photo for its bill from "My booking" (stored
cleaned, the hold kept for the review), only it and the expo's treasurer or organiser see the file, the
treasurer's queue lists the oldest first, accepting records one payment through the ledger and confirms
the booth, refusing tells the exhibitor why, and two treasurers accepting at once pay once."""

import asyncio
import io
from datetime import timedelta

import httpx
import pytest
import sqlalchemy as sa
from litestar import Litestar
from litestar.testing import AsyncTestClient
from PIL import Image
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from booths.billing.bills import REVIEW_HOLD, bill_of_booking
from booths.billing.models import Bill, BillStatus, Payment, PaymentProof, PaymentSource, ProofStatus
from booths.billing.proofs import REFUSAL_GRACE
from booths.bookings.models import Booking, BookingStatus
from expo.formatting import as_utc, utcnow
from expo.messaging.models import Message
from expo.models import AuditEntry, CommitteeRole
from expo.settings import Settings
from tests.support.factories import Venue, bearer, make_member_token, make_venue, signup_exhibitor
from tests.support.passes import log_in_as

pytestmark = pytest.mark.anyio

Client = AsyncTestClient[Litestar]
PRICE = 1_500_000
GPS_IFD = 0x8825


def _receipt_photo() -> bytes:
    """A phone photo of a receipt, with the camera's make and a GPS position in its EXIF."""
    image = Image.new("RGB", (800, 600), (240, 240, 240))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"
    exif.get_ifd(GPS_IFD).update({1: "S", 2: (6.0, 12.0, 30.0), 3: "E", 4: (106.0, 49.0, 12.0)})
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif.tobytes())
    return out.getvalue()


async def _held(client: Client, session: AsyncSession, venue: Venue, booth: int = 0) -> tuple[str, Booking, Bill]:
    """An exhibitor (its token) holding a paid booth, and the booking's bill."""
    _exhibitor, token = await signup_exhibitor(client, venue.expo_id, exhibitor_class="umkm")
    response = await client.post(f"/api/booths/{venue.booth_ids[booth]}/hold", headers=bearer(token))
    assert response.status_code == 201, response.text
    booking = await session.get(Booking, int(response.json()["id"]), populate_existing=True)
    assert booking is not None
    assert booking.id is not None
    bill = await bill_of_booking(session, booking.id)
    assert bill is not None
    return token, booking, bill


async def _send(client: Client, token: str, bill: Bill, *, photo: bytes | None = None, **fields: str) -> httpx.Response:
    data = {"amount": str(bill.total), "paid_on": utcnow().date().isoformat(), "sender_bank": "BCA"} | fields
    files = {"file": ("IMG_0001.jpg", photo if photo is not None else _receipt_photo(), "image/jpeg")}
    return await client.post(
        f"/my-bills/{bill.id}/proofs", data=data, files=files, headers=bearer(token), follow_redirects=False
    )


async def _proofs(session: AsyncSession, bill: Bill) -> list[PaymentProof]:
    stmt = sa.select(PaymentProof).where(col(PaymentProof.bill_id) == bill.id).order_by(col(PaymentProof.id))
    return list((await session.scalars(stmt.execution_options(populate_existing=True))).all())


async def _hold_ends_in(session: AsyncSession, booking: Booking, length: timedelta) -> None:
    fresh = await session.get(Booking, booking.id, populate_existing=True)
    assert fresh is not None
    assert fresh.status == BookingStatus.HELD
    assert fresh.hold_expires_at is not None
    left = as_utc(fresh.hold_expires_at) - utcnow()
    assert length - timedelta(minutes=5) < left <= length, left


async def test_an_exhibitor_sends_a_proof_from_its_booking_page(
    client: Client, session: AsyncSession, settings: Settings
) -> None:
    venue = await make_venue(session)
    token, booking, bill = await _held(client, session, venue)
    log_in_as(client, token)
    shown = await client.get("/my-booking")
    assert shown.status_code == 200
    assert bill.number in shown.text
    assert f'action="/my-bills/{bill.id}/proofs"' in shown.text
    assert 'enctype="multipart/form-data"' in shown.text
    # As a browser sends it: the session cookie and the CSRF token inside the multipart form.
    csrf = client.cookies.get("csrftoken")
    assert csrf
    sent = await client.post(
        f"/my-bills/{bill.id}/proofs",
        data={
            "_csrf_token": csrf,
            "amount": f"Rp {bill.total:,}".replace(",", "."),
            "paid_on": utcnow().date().isoformat(),
            "sender_bank": "BRI",
            "sender_name": "Siti Fiktif",
        },
        files={"file": ("bukti.pdf", _receipt_photo(), "application/pdf")},  # the name and type lie
        follow_redirects=False,
    )
    assert sent.status_code == 303, sent.text
    assert sent.headers["location"] == "/my-booking?msg=proof_sent"
    [proof] = await _proofs(session, bill)
    assert (proof.status, proof.amount, proof.sender_bank, proof.sender_name) == (
        ProofStatus.PENDING,
        bill.total,
        "BRI",
        "Siti Fiktif",
    )
    assert proof.content_type == "image/jpeg"
    assert proof.file_key.startswith(f"proofs/{venue.expo_id}/")
    stored = (settings.storage_dir / proof.file_key).read_bytes()
    assert b"PhoneMaker" not in stored
    assert not Image.open(io.BytesIO(stored)).getexif()
    # The booth stays held while the proof waits.
    booking = await session.get(Booking, booking.id, populate_existing=True)
    assert booking is not None
    assert booking.hold_expires_at is not None
    assert as_utc(booking.hold_expires_at) > utcnow() + REVIEW_HOLD - timedelta(minutes=5)
    page = await client.get("/my-booking?msg=proof_sent")
    assert "Bukti transfer Anda terkirim" in page.text
    assert "Menunggu bendahara" in page.text
    file = await client.get(f"/proofs/{proof.id}/file")
    assert file.status_code == 200
    assert file.headers["content-type"] == "image/jpeg"
    assert file.headers["cache-control"] == "private, no-store"
    assert file.content == stored


async def test_bad_files_and_fields_come_back_on_the_page(client: Client, session: AsyncSession) -> None:
    venue = await make_venue(session)
    token, _booking, bill = await _held(client, session, venue)
    svg = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
    refused = await _send(client, token, bill, photo=svg)
    assert refused.status_code == 422
    assert "Jenis berkas ini tidak diterima" in refused.text
    assert 'value="BCA"' in refused.text  # what was typed is kept
    too_much = await _send(client, token, bill, amount=str(bill.total + 1))
    assert too_much.status_code == 422
    assert "Sisa tagihan ini hanya" in too_much.text
    future = await _send(client, token, bill, paid_on=(utcnow().date() + timedelta(days=3)).isoformat())
    assert future.status_code == 422
    no_bank = await _send(client, token, bill, sender_bank="")
    assert no_bank.status_code == 422
    big = await _send(client, token, bill, photo=b"\xff\xd8\xff" + b"\0" * (5 * 1024 * 1024))
    assert big.status_code == 413
    assert "paling besar 5 MB" in big.text
    no_file = await client.post(
        f"/my-bills/{bill.id}/proofs",
        data={"amount": "1000", "paid_on": utcnow().date().isoformat(), "sender_bank": "BCA"},
        files={"file": ("", b"", "application/octet-stream")},
        headers=bearer(token),
    )
    assert no_file.status_code == 422
    assert await _proofs(session, bill) == []


async def test_exhibitors_never_see_or_touch_each_others_proofs(client: Client, session: AsyncSession) -> None:
    venue = await make_venue(session)
    token, _booking, bill = await _held(client, session, venue, booth=0)
    other_token, _other_booking, other_bill = await _held(client, session, venue, booth=1)
    assert (await _send(client, token, bill)).status_code == 303
    [proof] = await _proofs(session, bill)
    assert (await client.get(f"/proofs/{proof.id}/file", headers=bearer(other_token))).status_code == 404
    assert (await _send(client, other_token, bill)).status_code == 404  # someone else's bill
    assert (await client.get(f"/proofs/{proof.id}/file", headers=bearer(token))).status_code == 200
    # Committee roles without payments (registration desk, gate staff) do not see it either.
    for role in (CommitteeRole.REGISTRATION, CommitteeRole.GATE_STAFF):
        member = bearer(await make_member_token(session, venue.expo_id, role))
        assert (await client.get(f"/proofs/{proof.id}/file", headers=member)).status_code == 404
        queue = await client.get(f"/admin/e/{venue.expo.slug}/payments/proofs", headers=member)
        assert queue.status_code == 403
    # A treasurer of ANOTHER expo does not either.
    elsewhere = await make_venue(session, slug="expo-lain")
    stranger = bearer(await make_member_token(session, elsewhere.expo_id, CommitteeRole.TREASURER))
    assert (await client.get(f"/proofs/{proof.id}/file", headers=stranger)).status_code == 404
    stranger_accept = await client.post(
        f"/admin/e/{elsewhere.expo.slug}/payments/proofs/{proof.id}/accept",
        data={"amount": "1000", "paid_on": utcnow().date().isoformat(), "method": "transfer"},
        headers=stranger,
    )
    assert stranger_accept.status_code == 404
    assert other_bill.id != bill.id


async def test_the_treasurer_reviews_the_oldest_first_and_accepting_pays_once(
    client: Client, session: AsyncSession
) -> None:
    venue = await make_venue(session)
    first_token, first_booking, first_bill = await _held(client, session, venue, booth=0)
    second_token, _second_booking, second_bill = await _held(client, session, venue, booth=1)
    assert (await _send(client, first_token, first_bill)).status_code == 303
    assert (await _send(client, second_token, second_bill, amount="500000")).status_code == 303
    treasurer = bearer(await make_member_token(session, venue.expo_id, CommitteeRole.TREASURER))
    queue = await client.get(f"/admin/e/{venue.expo.slug}/payments/proofs", headers=treasurer)
    assert queue.status_code == 200
    assert queue.text.index(first_bill.number) < queue.text.index(second_bill.number)
    [proof] = await _proofs(session, first_bill)
    assert f'<img src="/proofs/{proof.id}/file"' in queue.text
    assert (await client.get(f"/proofs/{proof.id}/file", headers=treasurer)).status_code == 200

    accept = f"/admin/e/{venue.expo.slug}/payments/proofs/{proof.id}/accept"
    form = {"amount": str(first_bill.total), "paid_on": proof.paid_on.isoformat(), "method": "transfer"}
    done = await client.post(accept, data=form, headers=treasurer, follow_redirects=False)
    assert done.status_code == 303, done.text
    again = await client.post(accept, data=form, headers=treasurer, follow_redirects=False)
    assert again.status_code == 409
    assert "sudah diperiksa" in again.text
    payments = (await session.scalars(sa.select(Payment).where(col(Payment.bill_id) == first_bill.id))).all()
    assert [(p.amount, p.source, p.proof_id) for p in payments] == [(first_bill.total, PaymentSource.PROOF, proof.id)]
    bill = await session.get(Bill, first_bill.id, populate_existing=True)
    booking = await session.get(Booking, first_booking.id, populate_existing=True)
    assert bill is not None
    assert booking is not None
    assert bill.status == BillStatus.PAID
    assert booking.status == BookingStatus.CONFIRMED
    [accepted] = await _proofs(session, first_bill)
    assert accepted.status == ProofStatus.ACCEPTED
    queue = await client.get(f"/admin/e/{venue.expo.slug}/payments/proofs", headers=treasurer)
    assert first_bill.number not in queue.text
    assert second_bill.number in queue.text


async def test_refusing_needs_a_reason_the_exhibitor_then_reads(client: Client, session: AsyncSession) -> None:
    venue = await make_venue(session)
    token, booking, bill = await _held(client, session, venue)
    assert (await _send(client, token, bill)).status_code == 303
    [proof] = await _proofs(session, bill)
    organiser = bearer(await make_member_token(session, venue.expo_id, CommitteeRole.ORGANISER))
    refuse = f"/admin/e/{venue.expo.slug}/payments/proofs/{proof.id}/refuse"
    empty = await client.post(refuse, data={"reason": " ", "resubmit": "yes"}, headers=organiser)
    assert empty.status_code == 422
    asked = await client.post(
        refuse, data={"reason": "Foto buram, nominal tidak terbaca", "resubmit": "yes"}, headers=organiser,
        follow_redirects=False,
    )  # fmt: skip
    assert asked.status_code == 303
    [asked_proof] = await _proofs(session, bill)
    assert asked_proof.status == ProofStatus.RESUBMIT
    # The review's long hold ends with the review: a day to send a new proof, not two weeks.
    await _hold_ends_in(session, booking, REFUSAL_GRACE)
    page = await client.get("/my-booking", headers=bearer(token))
    assert "Foto buram, nominal tidak terbaca" in page.text
    assert "Perlu bukti baru" in page.text
    messages = (await session.scalars(sa.select(Message).where(col(Message.kind) == "proof_rejected"))).all()
    assert messages
    entries = (await session.scalars(sa.select(AuditEntry).where(col(AuditEntry.action) == "proof.resubmit"))).all()
    assert len(entries) == 1
    # A new proof can be sent; this one is rejected outright.
    assert (await _send(client, token, bill)).status_code == 303
    await _hold_ends_in(session, booking, REVIEW_HOLD)
    newest = (await _proofs(session, bill))[-1]
    rejected = await client.post(
        f"/admin/e/{venue.expo.slug}/payments/proofs/{newest.id}/refuse",
        data={"reason": "Dana tidak masuk ke rekening", "resubmit": "no"},
        headers=organiser,
        follow_redirects=False,
    )
    assert rejected.status_code == 303
    assert (await _proofs(session, bill))[-1].status == ProofStatus.REJECTED
    await _hold_ends_in(session, booking, REFUSAL_GRACE)
    booking = await session.get(Booking, booking.id, populate_existing=True)
    assert booking is not None
    assert booking.status == BookingStatus.HELD
    assert (await session.scalars(sa.select(Payment).where(col(Payment.bill_id) == bill.id))).all() == []


@pytest.mark.real_commits
async def test_two_treasurers_accepting_at_once_pay_once(client: Client, session: AsyncSession) -> None:
    venue = await make_venue(session)
    token, _booking, bill = await _held(client, session, venue)
    assert (await _send(client, token, bill)).status_code == 303
    [proof] = await _proofs(session, bill)
    one = bearer(await make_member_token(session, venue.expo_id, CommitteeRole.TREASURER))
    two = bearer(await make_member_token(session, venue.expo_id, CommitteeRole.ORGANISER))
    accept = f"/admin/e/{venue.expo.slug}/payments/proofs/{proof.id}/accept"
    form = {"amount": str(bill.total), "paid_on": proof.paid_on.isoformat(), "method": "transfer"}
    answers = await asyncio.gather(
        *(client.post(accept, data=form, headers=h, follow_redirects=False) for h in (one, two, one))
    )
    assert sorted(a.status_code for a in answers) == [303, 409, 409], [a.text[:300] for a in answers]
    await session.commit()  # a fresh look at what the requests committed
    payments = (await session.scalars(sa.select(Payment).where(col(Payment.bill_id) == bill.id))).all()
    assert len(payments) == 1
    fresh = await session.get(Bill, bill.id, populate_existing=True)
    assert fresh is not None
    assert fresh.paid == bill.total
