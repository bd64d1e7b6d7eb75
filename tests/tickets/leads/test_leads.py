"""Leads as an exhibitor's staff and a visitor meet them: a visitor registers (ticking, or not, the
consent to share the contact), the exhibitor's phone scans the pass and keeps the lead with notes,
exports its own leads; the contact shows only while the visitor consents, a pass of another expo is
refused, and nothing of one exhibitor reaches another."""

import csv
import io
from typing import Any

import httpx
import openpyxl
import pytest
import sqlalchemy as sa
from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from booths.applications.models import BookingCoExhibitor
from booths.bookings.models import Booking
from booths.catalogue.models import StatKind
from booths.catalogue.stats import daily_counts
from booths.venue.lifecycle import expo_today
from booths.venue.models import Expo
from expo.models import Role
from tests.support.factories import Venue, bearer, expo_day, make_user_token, make_venue, signup_exhibitor
from tests.support.pages import shown as t
from tests.support.passes import log_in_as, post_form
from tests.support.sales import exhibitor_with_booth

pytestmark = pytest.mark.anyio

Client = AsyncTestClient[Litestar]


async def _register(
    client: Client, expo_id: int, name: str, *, consent: bool | None, phone: str = "0812 1111 2222"
) -> tuple[str, str]:
    """A visitor registers through the public API: (the pass's QR token, the secret of its link)."""
    body: dict[str, Any] = {
        "holder_name": name,
        "regency": "Jombang",
        "category": "umum",
        "days": [expo_day(1).isoformat()],
        "phone": phone,
        "email": f"{name.split(maxsplit=1)[0].lower()}@contoh.id",
    }
    if consent is not None:
        body["shares_contact"] = consent
    cookies = dict(client.cookies)
    client.cookies.clear()  # a visitor has no account
    response = await client.post(f"/api/expos/{expo_id}/visitors", json=body)
    client.cookies.update(cookies)
    assert response.status_code == 201, response.text
    assert response.json()["shares_contact"] is bool(consent)
    return response.json()["token"], response.json()["access_url"].removeprefix("/p/")


async def _scan(client: Client, text: str) -> httpx.Response:
    """What the scanner page does: a JSON POST with the page's CSRF token."""
    opened = await client.get("/my-leads/scan")
    assert opened.status_code == 200, opened.text
    token = client.cookies.get("csrftoken")
    assert token
    return await client.post(
        "/api/my/leads", json={"text": text}, headers={"X-CSRFToken": token, "Accept": "application/json"}
    )


async def _booth(client: Client, session: AsyncSession, venue: Venue, booth: int, name: str) -> tuple[int, str]:
    exhibitor, _, token = await exhibitor_with_booth(client, session, venue, booth, name=name)
    assert exhibitor.id is not None
    return exhibitor.id, token


def _csv(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text)))


async def test_consent_shows_the_contact_and_withdrawing_it_takes_it_out_everywhere(
    client: Client, session: AsyncSession
) -> None:
    venue = await make_venue(session)
    _, token = await _booth(client, session, venue, 0, "Sambal Bu Ani")
    agreed, secret = await _register(client, venue.expo_id, "Nur Aini", consent=True, phone="0812 3333 4444")
    log_in_as(client, token)

    saved = await _scan(client, agreed)
    assert saved.status_code == 200, saved.text
    assert saved.json() | {"lead_id": 0} == {
        "lead_id": 0,
        "new": True,
        "name": "Nur Aini",
        "organisation": None,
        "with_contact": True,
    }
    again = await _scan(client, agreed)  # the same visitor again: the same lead, counted once
    assert again.json()["new"] is False
    assert again.json()["lead_id"] == saved.json()["lead_id"]

    page = await client.get("/my-leads")
    assert "Nur Aini" in page.text
    assert "6281233334444" in page.text
    assert "nur@contoh.id" in page.text
    rows = _csv((await client.get("/my-leads.csv")).text)
    assert len(rows) == 2
    assert "6281233334444" in "".join(rows[1])
    sheet = openpyxl.load_workbook(io.BytesIO((await client.get("/my-leads.xlsx")).content)).active
    assert sheet is not None
    assert "nur@contoh.id" in [c.value for c in sheet[2]]

    # the visitor withdraws on the pass's own page (a form with CSRF)
    withdrawn = await post_form(client, f"/p/{secret}/consent", {"shares_contact": "0"}, from_page=f"/p/{secret}")
    assert withdrawn.status_code == 303
    assert (
        t("Exhibitors who scan your pass see only your name, not your WhatsApp number or e-mail.")
        in (await client.get(f"/p/{secret}")).text
    )
    page = await client.get("/my-leads")
    assert "Nur Aini" in page.text
    assert "6281233334444" not in page.text
    assert "nur@contoh.id" not in page.text
    assert t("Saved without contact") in page.text
    csv_text = (await client.get("/my-leads.csv")).text
    assert "6281233334444" not in csv_text
    assert "nur@contoh.id" not in csv_text
    assert t("saved without contact") in csv_text
    sheet = openpyxl.load_workbook(io.BytesIO((await client.get("/my-leads.xlsx")).content)).active
    assert sheet is not None
    cells = [str(c.value) for row in sheet.iter_rows() for c in row]
    assert "nur@contoh.id" not in cells
    assert "6281233334444" not in cells

    # and gives it again: the contact is back (it was never copied onto the lead)
    await post_form(client, f"/p/{secret}/consent", {"shares_contact": "1"}, from_page=f"/p/{secret}")
    assert "6281233334444" in (await client.get("/my-leads")).text

    expo = await session.get(Expo, venue.expo_id)
    assert expo is not None
    counts = await daily_counts(session, venue.expo_id)
    assert counts[expo_today(expo)][StatKind.LEAD] == 1


async def test_a_visitor_who_did_not_consent_is_saved_without_contact(client: Client, session: AsyncSession) -> None:
    venue = await make_venue(session)
    _, token = await _booth(client, session, venue, 0, "Keripik Pak Budi")
    silent, secret = await _register(client, venue.expo_id, "Rudi Hartono", consent=None, phone="0812 5555 6666")
    log_in_as(client, token)
    saved = await _scan(client, silent)
    assert saved.status_code == 200, saved.text
    assert saved.json()["with_contact"] is False
    assert saved.json()["name"] == "Rudi Hartono"
    page = await client.get("/my-leads")
    assert t("Saved without contact") in page.text
    assert "6281255556666" not in page.text
    assert "rudi@contoh.id" not in page.text
    assert "6281255556666" not in (await client.get("/my-leads.csv")).text
    given = await post_form(client, f"/p/{secret}/consent", {"shares_contact": "1"}, from_page=f"/p/{secret}")
    assert given.status_code == 303
    thanked = await client.get(given.headers["location"])
    assert t("Thank you: exhibitors who scan your pass now see your WhatsApp number and e-mail.") in thanked.text
    assert "6281255556666" in (await client.get("/my-leads")).text


async def test_the_visitor_form_asks_for_consent_unticked_and_keeps_the_choice(
    client: Client, session: AsyncSession
) -> None:
    venue = await make_venue(session, slug="hari-santri")
    form = await client.get("/e/hari-santri/visit")
    assert 'name="shares_contact" value="1">' in form.text  # unticked by default
    fields = {"holder_name": "Nur Aini", "regency": "Jombang", "category": "santri", "phone": "0812 1234 5678"}
    without = await post_form(
        client, "/e/hari-santri/visit", fields | {"days": [expo_day(1).isoformat()]}, from_page="/e/hari-santri/visit"
    )
    assert without.status_code == 303
    secret = without.headers["location"].split("/")[2].split("?")[0]
    assert (await client.get(f"/api/visitor-passes/{secret}")).json()["shares_contact"] is False
    ticked = await post_form(
        client,
        "/e/hari-santri/visit",
        fields | {"days": [expo_day(1).isoformat()], "shares_contact": "1"},
        from_page="/e/hari-santri/visit",
    )
    secret = ticked.headers["location"].split("/")[2].split("?")[0]
    assert (await client.get(f"/api/visitor-passes/{secret}")).json()["shares_contact"] is True
    page = await client.get(f"/p/{secret}")
    assert t("Withdraw: do not share my contact") in page.text
    refused = await post_form(
        client, "/e/hari-santri/visit", fields | {"shares_contact": "1"}, from_page="/e/hari-santri/visit"
    )
    assert refused.status_code == 422  # no day chosen: the form comes back with the box still ticked
    assert 'name="shares_contact" value="1" checked>' in refused.text
    assert venue.expo_id


async def test_a_pass_of_another_expo_and_bad_codes_are_refused_with_a_clear_message(
    client: Client, session: AsyncSession
) -> None:
    venue = await make_venue(session)
    other = await make_venue(session)
    _, token = await _booth(client, session, venue, 0, "Sambal Bu Ani")
    foreign, _ = await _register(client, other.expo_id, "Tamu Lain", consent=True)
    log_in_as(client, token)
    refused = await _scan(client, foreign)
    assert refused.status_code == 409
    assert refused.json()["code"] == "wrong_expo"
    assert refused.json()["detail"] == t("This pass is for another expo; only passes of this expo can be saved.")
    for text, status, code in [
        ("", 422, "lead_text_empty"),
        ("   ", 422, "lead_text_empty"),
        ("hello world", 422, "invalid_pass"),
        ("AAAA-AAAA", 404, "pass_not_found"),
        ("A" * 200, 422, "invalid_pass"),
        ("\x00\x01", 422, "invalid_pass"),
    ]:
        response = await _scan(client, text)
        assert (response.status_code, response.json()["code"]) == (status, code), text
    too_long = await _scan(client, "A" * 2000)
    assert too_long.status_code in {400, 422}
    assert (await client.get("/my-leads")).text.count('class="card lead"') == 0


async def test_the_printed_code_works_and_own_staff_and_revoked_passes_do_not(
    client: Client, session: AsyncSession
) -> None:
    venue = await make_venue(session)
    organiser = bearer(await make_user_token(session, Role.ORGANISER))
    _, token = await _booth(client, session, venue, 0, "Sambal Bu Ani")
    visitor_token, visitor_secret = await _register(client, venue.expo_id, "Nur Aini", consent=False)
    lost_token, lost_secret = await _register(client, venue.expo_id, "Tamu Hilang", consent=True)
    code = (await client.get(f"/api/visitor-passes/{visitor_secret}")).json()["code"]
    log_in_as(client, token)
    typed = await _scan(client, code.lower().replace("-", " "))  # typed as a person types it
    assert typed.status_code == 200, typed.text
    assert typed.json()["name"] == "Nur Aini"
    assert (await _scan(client, visitor_token)).json() == typed.json() | {"new": False}

    staff = await post_form(client, "/my-passes/add", {"holder_name": "Penjaga Stan"}, from_page="/my-passes")
    assert staff.status_code == 303, staff.text
    mine = await client.get(f"/api/expos/{venue.expo_id}/passes", headers=organiser)
    own = next(p for p in mine.json() if p["holder_name"] == "Penjaga Stan")
    refused = await _scan(client, own["code"])
    assert (refused.status_code, refused.json()["code"]) == (409, "own_pass")

    lost = (await client.get(f"/api/visitor-passes/{lost_secret}")).json()
    reissued = await client.post(f"/api/passes/{lost['id']}/reissue", headers=organiser)
    assert reissued.status_code == 200, reissued.text
    old = await _scan(client, lost_token)  # the token of the lost card no longer counts
    assert (old.status_code, old.json()["code"]) == (409, "pass_revoked")
    revoked = await client.post(f"/api/passes/{lost['id']}/revoke", json={"reason": "ganda"}, headers=organiser)
    assert revoked.status_code == 200, revoked.text
    current = await _scan(client, reissued.json()["code"])
    assert (current.status_code, current.json()["code"]) == (409, "pass_revoked")
    assert (await client.get("/my-leads")).text.count('class="card lead"') == 1


async def test_without_a_confirmed_booth_no_lead_is_saved(client: Client, session: AsyncSession) -> None:
    venue = await make_venue(session)
    _, token = await signup_exhibitor(client, venue.expo_id)
    visitor_token, _ = await _register(client, venue.expo_id, "Nur Aini", consent=True)
    log_in_as(client, token)
    refused = await _scan(client, visitor_token)
    assert (refused.status_code, refused.json()["code"]) == (409, "no_confirmed_booth")
    page = await client.get("/my-leads")
    assert t("Leads can be saved once your booth is confirmed.") in page.text
    assert 'href="/my-leads/scan"' not in page.text


async def test_nothing_of_one_exhibitor_reaches_another(client: Client, session: AsyncSession) -> None:
    venue = await make_venue(session)
    _, ani = await _booth(client, session, venue, 0, "Sambal Bu Ani")
    _, budi = await _booth(client, session, venue, 1, "Keripik Pak Budi")
    visitor_token, _ = await _register(client, venue.expo_id, "Nur Aini", consent=True, phone="0812 3333 4444")
    log_in_as(client, ani)
    lead_id = (await _scan(client, visitor_token)).json()["lead_id"]
    noted = await post_form(
        client, f"/my-leads/{lead_id}/note", {"note": "Minta katalog grosir"}, from_page="/my-leads"
    )
    assert noted.status_code == 303
    assert "Minta katalog grosir" in (await client.get("/my-leads")).text

    log_in_as(client, budi)
    page = await client.get("/my-leads")
    assert "Nur Aini" not in page.text
    assert "Minta katalog grosir" not in page.text
    assert len(_csv((await client.get("/my-leads.csv")).text)) == 1  # the header only
    sheet = openpyxl.load_workbook(io.BytesIO((await client.get("/my-leads.xlsx")).content)).active
    assert sheet is not None
    assert sheet.max_row == 1
    note = await post_form(client, f"/my-leads/{lead_id}/note", {"note": "diganti"}, from_page="/my-leads")
    assert note.status_code == 404
    delete = await post_form(client, f"/my-leads/{lead_id}/delete", {}, from_page="/my-leads")
    assert delete.status_code == 404

    # Budi scanning the same visitor makes Budi's own lead; Ani's note stays Ani's
    budi_lead = await _scan(client, visitor_token)
    assert budi_lead.json()["new"] is True
    assert "Minta katalog grosir" not in (await client.get("/my-leads")).text

    log_in_as(client, ani)
    page = await client.get("/my-leads")
    assert "Minta katalog grosir" in page.text
    assert page.text.count('class="card lead"') == 1
    deleted = await post_form(client, f"/my-leads/{lead_id}/delete", {}, from_page="/my-leads")
    assert deleted.status_code == 303
    assert "Nur Aini" not in (await client.get("/my-leads")).text


async def test_notes_are_checked_and_only_exhibitors_reach_the_pages(client: Client, session: AsyncSession) -> None:
    venue = await make_venue(session)
    _, token = await _booth(client, session, venue, 0, "Sambal Bu Ani")
    visitor_token, _ = await _register(client, venue.expo_id, "Nur Aini", consent=True)
    client.cookies.clear()
    for path in ("/my-leads", "/my-leads/scan", "/my-leads.csv", "/my-leads.xlsx"):
        answer = await client.get(path, follow_redirects=False)
        assert answer.status_code == 303, path
        assert answer.headers["location"].startswith("/login"), path
    organiser = bearer(await make_user_token(session, Role.ORGANISER))
    assert (await client.get("/my-leads.csv", headers=organiser)).status_code == 403
    assert (await client.post("/api/my/leads", json={"text": visitor_token}, headers=organiser)).status_code == 403

    log_in_as(client, token)
    lead_id = (await _scan(client, visitor_token)).json()["lead_id"]
    long = await post_form(client, f"/my-leads/{lead_id}/note", {"note": "x" * 1001}, from_page="/my-leads")
    assert long.status_code == 422
    assert t("A note is at most %(max)s characters.", max=1000) in long.text
    kept = await post_form(
        client, f"/my-leads/{lead_id}/note", {"note": '  =HYPERLINK("x")\x00 \n baris dua '}, from_page="/my-leads"
    )
    assert kept.status_code == 303
    rows = _csv((await client.get("/my-leads.csv")).text)
    assert rows[1][-1] == '\'=HYPERLINK("x") \n baris dua'
    missing = await post_form(client, "/my-leads/999999/note", {"note": "x"}, from_page="/my-leads")
    assert missing.status_code == 404


async def test_a_co_exhibitor_on_a_shared_stand_keeps_its_own_leads(client: Client, session: AsyncSession) -> None:
    venue = await make_venue(session)
    main_id, main_token = await _booth(client, session, venue, 0, "Sambal Bu Ani")
    partner, partner_token = await signup_exhibitor(client, venue.expo_id, name="Kerajinan Bambu Pak Darto")
    booking_id = await session.scalar(sa.select(col(Booking.id)).where(col(Booking.exhibitor_id) == main_id))
    assert booking_id is not None
    session.add(BookingCoExhibitor(booking_id=booking_id, exhibitor_id=int(partner["id"])))
    await session.commit()
    visitor_token, _ = await _register(client, venue.expo_id, "Nur Aini", consent=True)
    log_in_as(client, partner_token)
    saved = await _scan(client, visitor_token)
    assert saved.status_code == 200, saved.text
    assert "Nur Aini" in (await client.get("/my-leads")).text
    log_in_as(client, main_token)
    assert "Nur Aini" not in (await client.get("/my-leads")).text  # the partner's lead, not the stand's
