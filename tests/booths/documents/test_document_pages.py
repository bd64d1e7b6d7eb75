"""The documents pages as their users meet them: an exhibitor sends a document from its phone page
(checked by content, kept in storage), sees the desk's answer and reason there, and downloads its own
files; nobody else's are readable; bad files and oversized uploads come back as readable refusals; the
desk's queue lists the oldest first and a review happens once."""

import asyncio
import io
from datetime import timedelta

import pytest
from PIL import Image
from sqlalchemy.ext.asyncio import AsyncSession

from booths.documents.models import DocumentStatus
from booths.exhibitors.models import Approval, Exhibitor
from expo.formatting import utcnow
from expo.models import CommitteeRole
from expo.settings import Settings
from tests.booths.documents.support import Client, documents_of, pdf, photo, send
from tests.support.factories import bearer, make_member_token, make_venue, signup_exhibitor
from tests.support.passes import log_in_as

pytestmark = pytest.mark.anyio


async def test_an_exhibitor_sends_a_document_and_reads_the_desks_answer(
    client: Client, session: AsyncSession, settings: Settings
) -> None:
    venue = await make_venue(session)
    body, token = await signup_exhibitor(client, venue.expo_id)
    exhibitor_id = int(body["id"])
    log_in_as(client, token)
    shown = await client.get("/my-documents")
    assert shown.status_code == 200
    assert 'enctype="multipart/form-data"' in shown.text
    assert "Cetakan NIB (OSS)" in shown.text
    booking_page = await client.get("/my-booking")
    assert 'href="/my-documents"' in booking_page.text
    # As a browser sends it: the session cookie and the CSRF token inside the multipart form.
    csrf = client.cookies.get("csrftoken")
    assert csrf
    sent = await client.post(
        "/my-documents",
        data={"_csrf_token": csrf, "kind": "nib", "number": body["nib"], "issued_on": "2024-03-01", "expires_on": ""},
        files={"file": ("NIB <script>.pdf", pdf(), "application/pdf")},
        follow_redirects=False,
    )
    assert sent.status_code == 303, sent.text
    assert sent.headers["location"] == "/my-documents?msg=sent"
    [document] = await documents_of(session, exhibitor_id)
    assert (document.kind, document.status, document.number) == ("nib", DocumentStatus.SUBMITTED, body["nib"])
    assert document.file_key.startswith(f"documents/{venue.expo_id}/")
    assert (settings.storage_dir / document.file_key).read_bytes() == pdf()
    page = await client.get("/my-documents?msg=sent")
    assert "Menunggu meja pendaftaran" in page.text
    download = await client.get(f"/documents/{document.id}/file?download=1")
    assert download.status_code == 200
    assert download.headers["content-type"] == "application/pdf"
    assert download.headers["content-disposition"].startswith("attachment")
    assert "<script>" not in download.headers["content-disposition"]
    assert download.content == pdf()

    # The desk asks for it again; the reason (markup and all) is shown as text on the exhibitor's page.
    desk = bearer(await make_member_token(session, venue.expo_id, CommitteeRole.REGISTRATION))
    queue = await client.get(f"/admin/e/{venue.expo.slug}/documents", headers=desk)
    assert queue.status_code == 200
    assert f'data-document="{document.id}"' in queue.text
    # The PDF is shown inline as a picture of its first page, for the desk and the owner only.
    assert f'src="/documents/{document.id}/preview.png"' in queue.text
    preview = await client.get(f"/documents/{document.id}/preview.png", headers=desk)
    assert preview.status_code == 200
    assert preview.headers["content-type"] == "image/png"
    assert Image.open(io.BytesIO(preview.content)).width == 1000
    returned = await client.post(
        f"/admin/e/{venue.expo.slug}/documents/{document.id}/return",
        data={"reason": "Halaman <b>kedua</b> tidak ada", "resubmit": "yes", "back": "status=submitted"},
        headers=desk,
        follow_redirects=False,
    )
    assert returned.status_code == 303, returned.text
    assert returned.headers["location"].endswith("documents?status=submitted&msg=resubmit")
    page = await client.get("/my-documents", headers=bearer(token))
    assert "Halaman &lt;b&gt;kedua&lt;/b&gt; tidak ada" in page.text
    assert "<b>kedua</b>" not in page.text
    assert "Mohon kirim ulang" in page.text


async def test_bad_files_and_oversized_uploads_are_refused_readably(client: Client, session: AsyncSession) -> None:
    venue = await make_venue(session)
    body, token = await signup_exhibitor(client, venue.expo_id, exhibitor_class="umkm")
    exhibitor_id = int(body["id"])
    nib = body["nib"]
    svg = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
    refused = await send(client, token, number=nib, file=svg, name="nib.svg", content_type="image/svg+xml")
    assert refused.status_code == 422
    assert "Jenis berkas ini tidak diterima" in refused.text
    assert f'value="{nib}"' in refused.text  # what was typed is kept
    broken = await send(client, token, number=nib, file=pdf()[:200])
    assert broken.status_code == 422
    assert "PDF tidak dapat dibuka" in broken.text
    liar = await send(client, token, number=nib, file=b"%PDF-1.4 not really a pdf at all", name="nib.pdf")
    assert liar.status_code == 422
    big = await send(client, token, number=nib, file=b"%PDF-" + b"\0" * (5 * 1024 * 1024))
    assert big.status_code == 413
    assert "paling besar 5 MB" in big.text
    # Declared bigger than any upload may be: refused before the body is read.
    huge = await client.post(
        "/my-documents",
        content=b"x" * 16,
        headers=bearer(token)
        | {"content-type": "multipart/form-data; boundary=x", "content-length": str(80 * 1024 * 1024)},
    )
    assert huge.status_code == 413
    photo_pdf = await send(client, token, kind="product_photo", file=pdf())
    assert photo_pdf.status_code == 422
    no_file = await client.post(
        "/my-documents",
        data={"kind": "nib", "number": nib},
        files={"file": ("", b"", "application/octet-stream")},
        headers=bearer(token),
    )
    assert no_file.status_code == 422
    unknown_kind = await send(client, token, kind="passport", number=nib)
    assert unknown_kind.status_code == 422
    wrong_date = await client.post(
        "/my-documents",
        data={"kind": "halal", "number": "ID123", "expires_on": "31-12-2030"},
        files={"file": ("halal.pdf", pdf(), "application/pdf")},
        headers=bearer(token),
    )
    assert wrong_date.status_code == 422
    today = utcnow().date()
    expired = await send(client, token, kind="halal", number="ID123", expires_on=today - timedelta(days=3))
    assert expired.status_code == 422
    assert "kedaluwarsa" in expired.text.lower() or "berlaku" in expired.text.lower()
    markup = await send(client, token, kind="bpom", number="<img src=x onerror=alert(1)>")
    assert markup.status_code == 422
    assert "<img src=x" not in markup.text
    assert await documents_of(session, exhibitor_id) == []
    # A JPEG named .pdf is kept as what it is: a picture.
    jpeg = await send(client, token, number=nib, file=photo(), name="nib.pdf", content_type="application/pdf")
    assert jpeg.status_code == 303, jpeg.text
    [document] = await documents_of(session, exhibitor_id)
    assert document.content_type == "image/jpeg"


async def test_no_one_else_reads_or_reviews_an_exhibitors_documents(client: Client, session: AsyncSession) -> None:
    venue = await make_venue(session)
    elsewhere = await make_venue(session, slug="expo-lain")
    body, token = await signup_exhibitor(client, venue.expo_id, exhibitor_class="umkm")
    other_body, other_token = await signup_exhibitor(client, venue.expo_id, exhibitor_class="umkm")
    gate = bearer(await make_member_token(session, venue.expo_id, CommitteeRole.GATE_STAFF))
    stranger = bearer(await make_member_token(session, elsewhere.expo_id, CommitteeRole.REGISTRATION))
    desk = bearer(await make_member_token(session, venue.expo_id, CommitteeRole.REGISTRATION))
    assert (await send(client, token, number=body["nib"])).status_code == 303
    [document] = await documents_of(session, int(body["id"]))
    file = f"/documents/{document.id}/file"
    assert (await client.get(file, headers=bearer(token))).status_code == 200
    assert (await client.get(file, headers=desk)).status_code == 200
    preview = f"/documents/{document.id}/preview.png"
    for someone in (bearer(other_token), gate, stranger):
        assert (await client.get(file, headers=someone)).status_code == 404
        assert (await client.get(preview, headers=someone)).status_code == 404
    other_page = await client.get("/my-documents", headers=bearer(other_token))
    assert f"/documents/{document.id}/file" not in other_page.text
    assert other_body["name"] in other_page.text
    # The queue and the reviews belong to the expo's desk.
    assert (await client.get(f"/admin/e/{venue.expo.slug}/documents", headers=gate)).status_code == 403
    assert (await client.get(f"/admin/e/{venue.expo.slug}/documents", headers=stranger)).status_code == 403
    through_other_expo = await client.post(
        f"/admin/e/{elsewhere.expo.slug}/documents/{document.id}/approve", headers=stranger, follow_redirects=False
    )
    assert through_other_expo.status_code == 404
    exhibitor_approves = await client.post(
        f"/admin/e/{venue.expo.slug}/documents/{document.id}/approve", headers=bearer(token), follow_redirects=False
    )
    assert exhibitor_approves.status_code == 403
    [unchanged] = await documents_of(session, int(body["id"]))
    assert unchanged.status == DocumentStatus.SUBMITTED


async def test_the_queue_is_oldest_first_and_filters_by_kind_and_status(client: Client, session: AsyncSession) -> None:
    venue = await make_venue(session)
    first, first_token = await signup_exhibitor(client, venue.expo_id, exhibitor_class="umkm")
    second, second_token = await signup_exhibitor(client, venue.expo_id, exhibitor_class="umkm")
    assert (await send(client, first_token, number=first["nib"])).status_code == 303
    assert (await send(client, second_token, number=second["nib"])).status_code == 303
    assert (await send(client, first_token, kind="halal", number="ID35110000123450124")).status_code == 303
    desk = bearer(await make_member_token(session, venue.expo_id, CommitteeRole.REGISTRATION))
    slug = venue.expo.slug
    queue = await client.get(f"/admin/e/{slug}/documents", headers=desk)
    first_nib = next(d for d in await documents_of(session, int(first["id"])) if d.kind == "nib")
    [second_nib] = await documents_of(session, int(second["id"]))
    positions = [queue.text.index(f'data-document="{d.id}"') for d in (first_nib, second_nib)]
    assert positions == sorted(positions)
    only_halal = await client.get(f"/admin/e/{slug}/documents?kind=halal", headers=desk)
    assert only_halal.text.count("data-document=") == 1
    [halal] = [d for d in await documents_of(session, int(first["id"])) if d.kind == "halal"]
    approved = await client.post(
        f"/admin/e/{slug}/documents/{halal.id}/approve",
        data={"back": "kind=halal"},
        headers=desk,
        follow_redirects=False,
    )
    assert approved.status_code == 303
    again = await client.post(f"/admin/e/{slug}/documents/{halal.id}/approve", headers=desk)
    assert again.status_code == 409
    assert "sudah diperiksa" in again.text
    done = await client.get(f"/admin/e/{slug}/documents?status=approved", headers=desk)
    assert f'data-document="{halal.id}"' in done.text
    bogus = await client.get(f"/admin/e/{slug}/documents?status=<x>&kind=passport", headers=desk)
    assert bogus.status_code == 200  # unknown filters fall back to the waiting list
    no_reason = await client.post(
        f"/admin/e/{slug}/documents/{first_nib.id}/return", data={"reason": " ", "resubmit": "no"}, headers=desk
    )
    assert no_reason.status_code == 422
    assert "Tuliskan alasannya" in no_reason.text
    [still] = [d for d in await documents_of(session, int(first["id"])) if d.id == first_nib.id]
    assert still.status == DocumentStatus.SUBMITTED


async def test_the_exhibitor_record_shows_documents_badges_and_warns_a_manual_approval(
    client: Client, session: AsyncSession
) -> None:
    venue = await make_venue(session)
    body, token = await signup_exhibitor(client, venue.expo_id)  # pesantren: needs its letter too
    exhibitor_id = int(body["id"])
    assert (await send(client, token, number=body["nib"])).status_code == 303
    [nib] = await documents_of(session, exhibitor_id)
    organiser = bearer(await make_member_token(session, venue.expo_id, CommitteeRole.ORGANISER))
    slug = venue.expo.slug
    assert (
        await client.post(f"/admin/e/{slug}/documents/{nib.id}/approve", headers=organiser, follow_redirects=False)
    ).status_code == 303
    record = await client.get(f"/admin/e/{slug}/exhibitors/{exhibitor_id}", headers=organiser)
    assert record.status_code == 200
    assert "NIB terverifikasi" in record.text
    assert 'id="documents"' in record.text
    assert "Belum diverifikasi meja pendaftaran" in record.text  # the letter is missing: a warning
    bookings = await client.get(f"/admin/e/{slug}/bookings", headers=organiser)
    assert "dokumen belum diverifikasi" in bookings.text
    # A manual approval without the letter is still possible.
    manual = await client.post(
        f"/admin/e/{slug}/exhibitors/{exhibitor_id}/approval",
        data={"decision": "approved", "to_record": "1"},
        headers=organiser,
        follow_redirects=False,
    )
    assert manual.status_code == 303
    fresh = await session.get(Exhibitor, exhibitor_id, populate_existing=True)
    assert fresh is not None
    assert fresh.approval == Approval.APPROVED


@pytest.mark.real_commits
async def test_two_desk_members_reviewing_at_once_decide_once(client: Client, session: AsyncSession) -> None:
    venue = await make_venue(session)
    body, token = await signup_exhibitor(client, venue.expo_id, exhibitor_class="umkm")
    assert (await send(client, token, number=body["nib"])).status_code == 303
    [document] = await documents_of(session, int(body["id"]))
    one = bearer(await make_member_token(session, venue.expo_id, CommitteeRole.REGISTRATION))
    two = bearer(await make_member_token(session, venue.expo_id, CommitteeRole.ORGANISER))
    slug = venue.expo.slug
    answers = await asyncio.gather(
        client.post(f"/admin/e/{slug}/documents/{document.id}/approve", headers=one, follow_redirects=False),
        client.post(
            f"/admin/e/{slug}/documents/{document.id}/return",
            data={"reason": "Tidak terbaca", "resubmit": "yes"},
            headers=two,
            follow_redirects=False,
        ),
    )
    assert sorted(a.status_code for a in answers) == [303, 409], [a.text[:300] for a in answers]
    await session.commit()
    [decided] = await documents_of(session, int(body["id"]))
    assert decided.status in (DocumentStatus.APPROVED, DocumentStatus.RESUBMIT)
