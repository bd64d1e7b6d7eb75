"""Booth signs through the pages, as organisers and exhibitors use them: one booth's sign whose QR
code opens the profile (decoded from the PDF), the paper checked, a shared stand's members and the
logo on the sign, the batch of every sign through the job runner, and who may have which sign."""

import io
import secrets

import pypdf
import pytest
import sqlalchemy as sa
from litestar import Litestar
from litestar.testing import AsyncTestClient
from PIL import Image
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from booths.applications.models import BookingCoExhibitor
from booths.bookings.models import Booking
from booths.catalogue.models import ExhibitorProfile
from expo.models import CommitteeRole
from expo.settings import Settings
from expo.storage import storage_from_settings
from tests.support.factories import make_member_token, make_venue, signup_exhibitor
from tests.support.jobs import run_jobs
from tests.support.pages import shown as t
from tests.support.passes import decode_qr_codes, log_in_as, pdf_text, post_form
from tests.support.sales import exhibitor_with_booth

pytestmark = pytest.mark.anyio

Client = AsyncTestClient[Litestar]
BASE = "http://testserver.local"


def _profile_url(slug: str, exhibitor_id: int | None) -> str:
    return f"{BASE}/e/{slug}/catalogue/{exhibitor_id}?via=sign"


def _pages(pdf: bytes) -> int:
    return len(pypdf.PdfReader(io.BytesIO(pdf)).pages)


def _images(pdf: bytes) -> int:
    return sum(len(page.images) for page in pypdf.PdfReader(io.BytesIO(pdf)).pages)


async def test_an_organiser_downloads_one_booths_sign_whose_qr_opens_the_profile(
    client: Client, session: AsyncSession
) -> None:
    venue = await make_venue(session)
    ayu, _, _ = await exhibitor_with_booth(client, session, venue, 2, name="Keripik Ayu", regency="Kediri")
    log_in_as(client, await make_member_token(session, venue.expo_id, CommitteeRole.ORGANISER))
    signs = f"/admin/e/{venue.expo.slug}/signs"

    listing = await client.get(signs, params={"size": "a3", "orientation": "landscape"})
    assert listing.status_code == 200
    assert "Keripik Ayu" in listing.text
    link = f"{signs}/booths/{venue.booth_ids[2]}/sign.pdf?size=a3&amp;orientation=landscape"
    assert link in listing.text
    assert t("No logo yet") in listing.text

    pdf = await client.get(
        f"{signs}/booths/{venue.booth_ids[2]}/sign.pdf", params={"size": "a3", "orientation": "landscape"}
    )
    assert pdf.status_code == 200
    assert pdf.headers["content-type"] == "application/pdf"
    assert "attachment" in pdf.headers["content-disposition"]
    assert decode_qr_codes(pdf.content, scale=1.5) == [[_profile_url(venue.expo.slug, ayu.id)]]
    text = " ".join(pdf_text(pdf.content)[0].split())
    for shown in ("A-03", "Keripik Ayu", "Kediri", "Expo Uji", "Pindai untuk melihat produk kami"):
        assert shown in text, shown
    box = pypdf.PdfReader(io.BytesIO(pdf.content)).pages[0].mediabox
    assert float(box.width) > float(box.height) > 840  # A3 landscape


async def test_the_paper_is_checked_and_a_booth_without_a_confirmed_booking_has_no_sign(
    client: Client, session: AsyncSession
) -> None:
    venue = await make_venue(session)
    other = await make_venue(session)
    await exhibitor_with_booth(client, session, venue, 0)
    log_in_as(client, await make_member_token(session, venue.expo_id, CommitteeRole.ORGANISER))
    signs = f"/admin/e/{venue.expo.slug}/signs"

    bad = await client.get(f"{signs}/booths/{venue.booth_ids[0]}/sign.pdf", params={"size": "a5"})
    assert bad.status_code == 422
    assert (
        await client.get(f"{signs}/booths/{venue.booth_ids[0]}/sign.pdf", params={"size": "x" * 300})
    ).status_code == 422
    empty = await client.get(f"{signs}/booths/{venue.booth_ids[1]}/sign.pdf")
    assert empty.status_code == 409
    foreign = await client.get(f"{signs}/booths/{other.booth_ids[0]}/sign.pdf")
    assert foreign.status_code == 404
    # A paper not offered on the page itself falls back to A4 portrait rather than an error.
    page = await client.get(signs, params={"size": "b5", "orientation": "diagonal"})
    assert page.status_code == 200
    assert 'value="a4" selected' in page.text


async def test_a_shared_stand_lists_its_members_and_the_logo_is_printed(
    client: Client, session: AsyncSession, settings: Settings
) -> None:
    venue = await make_venue(session)
    main, _, _ = await exhibitor_with_booth(client, session, venue, 0, name="Madu Hutan Lestari")
    member_body, _ = await signup_exhibitor(client, venue.expo_id, name="Batik Bintang Samudra")
    booking_id = await session.scalar(sa.select(col(Booking.id)).where(col(Booking.exhibitor_id) == main.id))
    assert booking_id is not None
    session.add(BookingCoExhibitor(booking_id=booking_id, exhibitor_id=int(member_body["id"])))
    logo = io.BytesIO()
    Image.new("RGB", (1024, 600), "#b03a2e").save(logo, "JPEG")
    stem = f"catalogue/{venue.expo_id}/2026/12/{secrets.token_urlsafe(18)}"
    await storage_from_settings(settings).put(f"{stem}-1024.jpg", logo.getvalue(), "image/jpeg")
    assert main.id is not None
    session.add(ExhibitorProfile(exhibitor_id=main.id, expo_id=venue.expo_id, logo_key=f"{stem}-1024.jpg"))
    await session.commit()
    log_in_as(client, await make_member_token(session, venue.expo_id, CommitteeRole.ORGANISER))

    listing = await client.get(f"/admin/e/{venue.expo.slug}/signs")
    assert t("Shared stand with %(names)s", names="Batik Bintang Samudra") in listing.text
    pdf = (await client.get(f"/admin/e/{venue.expo.slug}/signs/booths/{venue.booth_ids[0]}/sign.pdf")).content
    text = " ".join(pdf_text(pdf)[0].split())
    assert "Batik Bintang Samudra" in text
    assert _images(pdf) == 1
    assert decode_qr_codes(pdf, scale=2) == [[_profile_url(venue.expo.slug, main.id)]]


async def test_a_missing_logo_file_still_prints_the_sign(client: Client, session: AsyncSession) -> None:
    venue = await make_venue(session)
    main, _, token = await exhibitor_with_booth(client, session, venue, 0)
    assert main.id is not None
    gone = f"catalogue/{venue.expo_id}/2026/12/{secrets.token_urlsafe(18)}-1024.jpg"
    session.add(ExhibitorProfile(exhibitor_id=main.id, expo_id=venue.expo_id, logo_key=gone))
    await session.commit()
    log_in_as(client, token)
    pdf = await client.get("/my-booking/sign.pdf")
    assert pdf.status_code == 200
    assert _images(pdf.content) == 0
    assert decode_qr_codes(pdf.content, scale=2) == [[_profile_url(venue.expo.slug, main.id)]]


async def test_an_exhibitor_downloads_only_its_own_sign(client: Client, session: AsyncSession) -> None:
    venue = await make_venue(session)
    ayu, _, ayu_token = await exhibitor_with_booth(client, session, venue, 0, name="Keripik Ayu")
    bintang, _, bintang_token = await exhibitor_with_booth(client, session, venue, 1, name="Batik Bintang")
    _, waiting_token = await signup_exhibitor(client, venue.expo_id)

    log_in_as(client, ayu_token)
    booking = await client.get("/my-booking")
    assert "/my-booking/sign.pdf?size=a4&amp;orientation=portrait" in booking.text
    assert 'href="/my-stats"' in booking.text
    mine = await client.get("/my-booking/sign.pdf", params={"size": "a4", "orientation": "landscape"})
    assert mine.status_code == 200
    assert decode_qr_codes(mine.content, scale=2) == [[_profile_url(venue.expo.slug, ayu.id)]]
    assert "Batik Bintang" not in pdf_text(mine.content)[0]
    assert (await client.get("/my-booking/sign.pdf", params={"orientation": "upside"})).status_code == 422
    # The organisers' sign pages are not an exhibitor's, not even for its own booth.
    assert (await client.get(f"/admin/e/{venue.expo.slug}/signs")).status_code == 403
    own_booth = f"/admin/e/{venue.expo.slug}/signs/booths/{venue.booth_ids[0]}/sign.pdf"
    assert (await client.get(own_booth)).status_code == 403

    client.cookies.clear()
    log_in_as(client, bintang_token)
    theirs = await client.get("/my-booking/sign.pdf")
    assert decode_qr_codes(theirs.content, scale=2) == [[_profile_url(venue.expo.slug, bintang.id)]]

    client.cookies.clear()
    log_in_as(client, waiting_token)
    none_yet = await client.get("/my-booking/sign.pdf")
    assert none_yet.status_code == 409


async def test_roles_without_the_setup_area_get_no_sign_pages(client: Client, session: AsyncSession) -> None:
    venue = await make_venue(session)
    other = await make_venue(session)
    await exhibitor_with_booth(client, session, venue, 0)
    log_in_as(client, await make_member_token(session, venue.expo_id, CommitteeRole.TREASURER))
    assert (await client.get(f"/admin/e/{venue.expo.slug}/signs")).status_code == 403
    client.cookies.clear()
    # An organiser of another expo may not print this one's signs.
    log_in_as(client, await make_member_token(session, other.expo_id, CommitteeRole.ORGANISER))
    assert (await client.get(f"/admin/e/{venue.expo.slug}/signs")).status_code == 403
    pdf = f"/admin/e/{venue.expo.slug}/signs/booths/{venue.booth_ids[0]}/sign.pdf"
    assert (await client.get(pdf)).status_code == 403


async def test_printing_every_sign_before_any_confirmed_booking_says_why(client: Client, session: AsyncSession) -> None:
    venue = await make_venue(session)
    log_in_as(client, await make_member_token(session, venue.expo_id, CommitteeRole.ORGANISER))
    signs = f"/admin/e/{venue.expo.slug}/signs"
    refused = await post_form(client, f"{signs}/batch", {"size": "a4", "orientation": "portrait"}, from_page=signs)
    assert refused.status_code == 422
    assert t("No booth has a confirmed booking yet, so there is no sign to print.") in refused.text
    bad = await post_form(client, f"{signs}/batch", {"size": "letter", "orientation": "portrait"}, from_page=signs)
    assert bad.status_code == 422
    assert t("Choose A4 or A3, portrait or landscape.") in bad.text


@pytest.mark.real_commits
async def test_every_sign_of_the_expo_prints_as_one_batch(
    client: Client, session: AsyncSession, settings: Settings
) -> None:
    venue = await make_venue(session)
    other = await make_venue(session)
    booked = [await exhibitor_with_booth(client, session, venue, n, name=f"Usaha Uji {n}") for n in (3, 0, 1)]
    organiser = await make_member_token(session, venue.expo_id, CommitteeRole.ORGANISER)
    log_in_as(client, organiser)
    signs = f"/admin/e/{venue.expo.slug}/signs"

    started = await post_form(client, f"{signs}/batch", {"size": "a4", "orientation": "landscape"}, from_page=signs)
    assert started.status_code == 303, started.text
    waiting = await client.get(started.headers["location"])
    assert t("The signs are being printed; this page shows when the PDF is ready.") in waiting.text
    assert 'http-equiv="refresh"' in waiting.text
    await run_jobs(settings)

    ready = await client.get(signs)
    assert 'http-equiv="refresh"' not in ready.text
    download = ready.text.split(f'href="{signs}/batch/')[1].split('"')[0]
    pdf = await client.get(f"{signs}/batch/{download}")
    assert pdf.status_code == 200
    assert pdf.headers["content-type"] == "application/pdf"
    assert _pages(pdf.content) == 3
    in_booth_order = [booked[1][0], booked[2][0], booked[0][0]]  # booths 1, 2 and 4 of the row
    expected = [[_profile_url(venue.expo.slug, exhibitor.id)] for exhibitor in in_booth_order]
    assert decode_qr_codes(pdf.content, scale=1.5) == expected

    # Another expo's organiser cannot fetch this batch through its own expo's path.
    job_id = int(download.split("/")[0])
    client.cookies.clear()
    log_in_as(client, await make_member_token(session, other.expo_id, CommitteeRole.ORGANISER))
    assert (await client.get(f"/admin/e/{other.expo.slug}/signs/batch/{job_id}/download")).status_code == 404


async def test_the_booth_list_sorts_by_booth_or_exhibitor_and_keeps_the_paper(
    client: Client, session: AsyncSession
) -> None:
    venue = await make_venue(session)
    await exhibitor_with_booth(client, session, venue, 0, name="Zaitun Barokah")
    await exhibitor_with_booth(client, session, venue, 1, name="Apel Malang Segar")
    log_in_as(client, await make_member_token(session, venue.expo_id, CommitteeRole.ORGANISER))
    signs = f"/admin/e/{venue.expo.slug}/signs"

    by_booth = (await client.get(signs, params={"size": "a3", "orientation": "landscape"})).text
    assert by_booth.index("Zaitun Barokah") < by_booth.index("Apel Malang Segar")  # A-01 before A-02
    assert "size=a3" in by_booth.split('class="sort-bar')[1].split("</p>")[0]  # sorting keeps the paper
    by_name = await client.get(signs, params={"size": "a3", "orientation": "landscape", "sort": "exhibitor"})
    assert by_name.text.index("Apel Malang Segar") < by_name.text.index("Zaitun Barokah")
    assert "size=a3&amp;orientation=landscape" in by_name.text
    odd = await client.get(signs, params={"page": "banyak", "sort": "rasa"})  # falls back, never an error
    assert odd.status_code == 200
    assert odd.text.index("Zaitun Barokah") < odd.text.index("Apel Malang Segar")
