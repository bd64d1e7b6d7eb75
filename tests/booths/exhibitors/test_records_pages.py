"""The committee's exhibitor records: the list (search, sort, pages, filters), one exhibitor's page with
its history and the edit form, the XLSX and CSV exports, and who may see them."""

import csv
import io
import re
from datetime import date
from typing import Any

import openpyxl
import pytest
import sqlalchemy as sa
from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from booths.exhibitors.models import Exhibitor
from expo.models import AuditEntry, CommitteeRole, Role
from tests.support.factories import (
    Venue,
    bearer,
    make_member_token,
    make_user_token,
    make_venue,
    signup_exhibitor,
)
from tests.support.pages import shown
from tests.support.passes import log_in_as, post_form

pytestmark = pytest.mark.anyio

Client = AsyncTestClient[Litestar]


async def _create(client: Client, venue: Venue, organiser: dict[str, str], **fields: Any) -> dict[str, Any]:
    """An exhibitor the committee types in (no account, approved)."""
    n = fields.pop("n")
    body = {
        "name": f"Usaha {n:03d}",
        "exhibitor_class": "umkm",
        "nib": f"{8120000000000 + n * 7919}",
        "regency": "Jombang",
        "contact_name": f"Pemilik {n:03d}",
        "whatsapp": f"0813 4000 {n:04d}",
        "email": f"usaha{n}@contoh.id",
    } | fields
    response = await client.post(f"/api/expos/{venue.expo_id}/exhibitors", json=body, headers=organiser)
    assert response.status_code == 201, response.text
    return dict(response.json())


def _names(html: str) -> list[str]:
    """The business names of the list's rows, in order."""
    return re.findall(r'<tr id="exhibitor-\d+"[^>]*>\s*<td[^>]*><a [^>]*><strong>([^<]+)</strong>', html)


async def test_list_searches_filters_sorts_and_pages(client: Client, session: AsyncSession) -> None:
    venue = await make_venue(session)
    organiser = bearer(await make_user_token(session, Role.ORGANISER))
    for n in range(1, 56):
        await _create(client, venue, organiser, n=n, regency="Kediri" if n % 5 == 0 else "Jombang")
    waiting, token = await signup_exhibitor(client, venue.expo_id, name="Zaitun Pesantren", whatsapp="0857 1111 2222")
    log_in_as(client, await make_user_token(session, Role.ORGANISER))
    page = f"/admin/e/{venue.expo.slug}/exhibitors"

    first = await client.get(page)
    assert first.status_code == 200
    names = _names(first.text)
    assert len(names) == 50
    assert names[0] == "Zaitun Pesantren"  # waiting for approval: first, although last by name
    assert names[1:4] == ["Usaha 001", "Usaha 002", "Usaha 003"]
    assert shown("%(first)s–%(last)s of %(total)s exhibitors", first=1, last=50, total=56) in first.text
    assert 'href="?page=2"' in first.text

    second = await client.get(f"{page}?page=2")
    assert _names(second.text) == [f"Usaha {n:03d}" for n in range(50, 56)]
    assert shown("%(first)s–%(last)s of %(total)s exhibitors", first=51, last=56, total=56) in second.text
    past_the_end = await client.get(f"{page}?page=99")
    assert _names(past_the_end.text) == _names(second.text)

    by_name_desc = await client.get(f"{page}?sort=name&dir=desc")
    assert _names(by_name_desc.text)[:2] == ["Zaitun Pesantren", "Usaha 055"]
    assert 'aria-sort="descending"' in by_name_desc.text
    by_owner = await client.get(f"{page}?sort=owner")
    assert _names(by_owner.text)[:2] == ["Zaitun Pesantren", "Usaha 001"]  # "Ahmad Fiktif" < "Pemilik 001"

    for q in (
        "usaha 042",
        "PEMILIK 042",
        "usaha42@contoh",
        "0813 4000 0042",
        "6281340000042",
        str(8120000000000 + 42 * 7919),
    ):
        found = await client.get(page, params={"q": q})
        assert _names(found.text) == ["Usaha 042"], q
    by_whatsapp = await client.get(page, params={"q": "0857-1111-2222"})
    assert _names(by_whatsapp.text) == ["Zaitun Pesantren"]

    kediri = await client.get(page, params={"regency": "Kediri"})
    assert _names(kediri.text) == [f"Usaha {n:03d}" for n in range(5, 56, 5)]
    pesantren = await client.get(page, params={"exhibitor_class": "pesantren"})
    assert _names(pesantren.text) == ["Zaitun Pesantren"]
    needs_decision = await client.get(page, params={"approval": "waiting"})
    assert _names(needs_decision.text) == ["Zaitun Pesantren"]
    assert f"/admin/e/{venue.expo.slug}/exhibitors/{waiting['id']}" in needs_decision.text
    assert "https://wa.me/6285711112222" in needs_decision.text

    nothing = await client.get(page, params={"q": "tidak ada"})
    assert _names(nothing.text) == []
    assert shown("No exhibitor matches this search.") in nothing.text
    assert token  # the pesantren's own log-in is not used here


async def test_list_shows_booths_booking_payment_and_passes(client: Client, session: AsyncSession) -> None:
    venue = await make_venue(session)
    organiser = bearer(await make_user_token(session, Role.ORGANISER))
    paid = await _create(client, venue, organiser, n=1, name="Sudah Bayar")
    held = await _create(client, venue, organiser, n=2, name="Masih Ditahan")
    await _create(client, venue, organiser, n=3, name="Belum Pesan")
    confirm = await client.post(
        f"/api/expos/{venue.expo_id}/bookings",
        json={
            "booth_id": venue.booth_ids[1],
            "exhibitor_id": paid["id"],
            "confirm": True,
            "payment": {"amount": 1_500_000, "method": "transfer", "reference": "TRF-9"},
        },
        headers=organiser,
    )
    assert confirm.status_code == 201, confirm.text
    hold = await client.post(
        f"/api/expos/{venue.expo_id}/bookings",
        json={"booth_id": venue.booth_ids[0], "exhibitor_id": held["id"], "confirm": False},
        headers=organiser,
    )
    assert hold.status_code == 201, hold.text
    staff = await client.post(
        f"/api/expos/{venue.expo_id}/passes",
        json={"kind": "exhibitor", "holder_name": "Staf Satu", "exhibitor_id": paid["id"]},
        headers=organiser,
    )
    assert staff.status_code == 201, staff.text

    log_in_as(client, await make_user_token(session, Role.ORGANISER))
    page = f"/admin/e/{venue.expo.slug}/exhibitors"
    listing = await client.get(page)
    assert _names(listing.text) == ["Masih Ditahan", "Belum Pesan", "Sudah Bayar"]  # the hold needs action
    row = listing.text.split('id="exhibitor-' + str(paid["id"]))[1].split("</tr>")[0]
    assert "A-02" in row
    assert shown("Confirmed") in row
    assert shown("Paid") in row
    assert re.search(r'data-label="[^"]+">1</td>', row)  # one staff pass
    held_row = listing.text.split('id="exhibitor-' + str(held["id"]))[1].split("</tr>")[0]
    assert "A-01" in held_row
    assert shown("Awaiting payment") in held_row

    confirmed_only = await client.get(page, params={"booking": "confirmed"})
    assert _names(confirmed_only.text) == ["Sudah Bayar"]
    never = await client.get(page, params={"booking": "none"})
    assert _names(never.text) == ["Belum Pesan"]
    by_passes = await client.get(page, params={"sort": "passes", "dir": "desc"})
    assert _names(by_passes.text)[0] == "Sudah Bayar"
    by_booth = await client.get(page, params={"sort": "booth"})
    assert _names(by_booth.text) == ["Belum Pesan", "Masih Ditahan", "Sudah Bayar"]  # none, A-01, A-02


async def test_empty_list_says_what_to_do(client: Client, session: AsyncSession) -> None:
    venue = await make_venue(session)
    log_in_as(client, await make_user_token(session, Role.ORGANISER))
    response = await client.get(f"/admin/e/{venue.expo.slug}/exhibitors")
    assert response.status_code == 200
    assert shown("No exhibitor has signed up yet.") in response.text
    assert f'href="/e/{venue.expo.slug}/signup"' in response.text


async def test_detail_shows_history_and_edit_writes_the_audit_log(client: Client, session: AsyncSession) -> None:
    venue = await make_venue(session)
    organiser = bearer(await make_user_token(session, Role.ORGANISER))
    exhibitor, _token = await signup_exhibitor(client, venue.expo_id, name="Kopontren Al-Amin")
    approve = await client.post(
        f"/api/exhibitors/{exhibitor['id']}/approval",
        json={"decision": "approved", "note": "Surat izin ada"},
        headers=organiser,
    )
    assert approve.status_code == 200, approve.text
    hold = await client.post(
        f"/api/expos/{venue.expo_id}/bookings",
        json={"booth_id": venue.booth_ids[2], "exhibitor_id": exhibitor["id"], "confirm": False},
        headers=organiser,
    )
    assert hold.status_code == 201, hold.text
    desk = await make_member_token(session, venue.expo_id, CommitteeRole.REGISTRATION)
    log_in_as(client, desk)
    page = f"/admin/e/{venue.expo.slug}/exhibitors/{exhibitor['id']}"

    detail = await client.get(page)
    assert detail.status_code == 200
    assert "Kopontren Al-Amin" in detail.text
    assert "A-03" in detail.text
    assert shown("Assigned by the committee") in detail.text
    assert shown("Class approved") in detail.text
    assert "Surat izin ada" in detail.text
    assert f"/admin/e/{venue.expo.slug}/messages?exhibitor={exhibitor['id']}" in detail.text
    assert "https://wa.me/6281234567890" in detail.text

    form = {
        "name": "Kopontren Al-Amin Jaya",
        "exhibitor_class": "pesantren",
        "nib": exhibitor["nib"],
        "pesantren_name": exhibitor["pesantren_name"],
        "regency": "Jombang",
        "contact_name": "Ahmad Fiktif",
        "whatsapp": "0812 3456 7890",
        "email": exhibitor["email"],
        "cluster": "kuliner",
        "description": "Keripik dan sambal",
    }
    bad_nib = await post_form(client, page, form | {"nib": "12345"}, from_page=page)
    assert bad_nib.status_code == 422
    assert 'id="e-nib"' in bad_nib.text
    assert 'value="Kopontren Al-Amin Jaya"' in bad_nib.text  # the input is kept
    bad_whatsapp = await post_form(client, page, form | {"whatsapp": "12"}, from_page=page)
    assert bad_whatsapp.status_code == 422
    assert 'id="e-whatsapp"' in bad_whatsapp.text
    placeholder = await post_form(client, page, form | {"nib": "0000000000000"}, from_page=page)
    assert placeholder.status_code == 422
    assert (
        shown("This NIB does not look like one issued by OSS; check the number on the NIB certificate.")
        in placeholder.text
    )
    name_now = await session.scalar(sa.select(col(Exhibitor.name)).where(col(Exhibitor.id) == exhibitor["id"]))
    assert name_now == "Kopontren Al-Amin"  # nothing saved by a refused form

    saved = await post_form(client, page, form | {"whatsapp": "+62 857 0000 1111"}, from_page=page)
    assert saved.status_code == 303, saved.text
    assert saved.headers["location"] == f"{page}?msg=saved"
    entries = (
        await session.scalars(
            sa.select(AuditEntry).where(
                col(AuditEntry.expo_id) == venue.expo_id, col(AuditEntry.action) == "exhibitor.updated"
            )
        )
    ).all()
    assert len(entries) == 1
    entry = entries[0]
    assert entry.before == {"name": "Kopontren Al-Amin", "whatsapp": "+6281234567890"}
    assert entry.after == {"name": "Kopontren Al-Amin Jaya", "whatsapp": "+6285700001111"}
    assert entry.actor.startswith("registration")
    after = await client.get(f"{page}?msg=saved")
    assert shown("The record is saved.") in after.text
    assert shown("Record changed") in after.text
    assert "+6285700001111" in after.text


async def test_xlsx_export_has_typed_columns_frozen_header_filters_and_no_formulas(
    client: Client, session: AsyncSession
) -> None:
    venue = await make_venue(session)
    organiser = bearer(await make_user_token(session, Role.ORGANISER))
    evil = await _create(
        client, venue, organiser, n=1, name='=HYPERLINK("http://jahat.test","klik")', nib="0123456789013"
    )
    paid = await _create(client, venue, organiser, n=2, name="Usaha Lunas", regency="Kediri")
    confirm = await client.post(
        f"/api/expos/{venue.expo_id}/bookings",
        json={
            "booth_id": venue.booth_ids[0],
            "exhibitor_id": paid["id"],
            "confirm": True,
            "payment": {"amount": 1_500_000, "method": "cash"},
        },
        headers=organiser,
    )
    assert confirm.status_code == 201, confirm.text
    log_in_as(client, await make_user_token(session, Role.ORGANISER))

    response = await client.get(f"/admin/e/{venue.expo.slug}/exhibitors.xlsx", params={"sort": "name"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/vnd.openxmlformats-officedocument.spreadsheetml")
    assert "attachment" in response.headers["content-disposition"]
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    sheet = book.active
    assert sheet is not None
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref is not None
    assert sheet.auto_filter.ref.startswith("A1:")
    header = [c.value for c in sheet[1]]
    assert header[:3] == ["Nama usaha", "Pemilik / kontak", "NIB"]
    rows = {row[0].value: row for row in sheet.iter_rows(min_row=2)}
    assert set(rows) == {'=HYPERLINK("http://jahat.test","klik")', "Usaha Lunas"}
    formula_row = rows['=HYPERLINK("http://jahat.test","klik")']
    assert formula_row[0].data_type == "s"  # text, not a formula ("f")
    assert formula_row[2].value == "0123456789013"
    assert formula_row[2].data_type == "s"
    paid_row = rows["Usaha Lunas"]
    amount = header.index("Dibayar (Rp)")
    assert paid_row[amount].value == 1_500_000
    assert paid_row[amount].data_type == "n"
    signed_up = paid_row[header.index("Tanggal daftar")].value
    assert isinstance(signed_up, date)
    assert paid_row[header.index("Stand")].value == "A-01"

    kediri = await client.get(f"/admin/e/{venue.expo.slug}/exhibitors.xlsx", params={"regency": "Kediri"})
    kediri_sheet = openpyxl.load_workbook(io.BytesIO(kediri.content)).active
    assert kediri_sheet is not None
    assert [r[0].value for r in kediri_sheet.iter_rows(min_row=2)] == ["Usaha Lunas"]
    assert evil["id"]


async def test_csv_export_follows_the_filters_and_neutralises_formulas(client: Client, session: AsyncSession) -> None:
    venue = await make_venue(session)
    organiser = bearer(await make_user_token(session, Role.ORGANISER))
    await _create(client, venue, organiser, n=1, name="=1+2 Usaha", regency="Kediri")
    await _create(client, venue, organiser, n=2, name="Usaha Jombang")
    log_in_as(client, await make_user_token(session, Role.ORGANISER))
    response = await client.get(
        f"/admin/e/{venue.expo.slug}/exhibitors.csv", params={"regency": "Kediri", "lang": "en"}
    )
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.text)))
    assert rows[0][:3] == ["Business name", "Owner / contact", "NIB"]
    assert len(rows) == 2
    assert rows[1][0] == "'=1+2 Usaha"
    assert rows[1][rows[0].index("WhatsApp link")] == "https://wa.me/6281340000001"


async def test_roles_and_expos_see_only_their_own_records(client: Client, session: AsyncSession) -> None:
    a = await make_venue(session)
    b = await make_venue(session)
    organiser = bearer(await make_user_token(session, Role.ORGANISER))
    in_a = await _create(client, a, organiser, n=1, name="Usaha Ekspo A")
    in_b = await _create(client, b, organiser, n=2, name="Usaha Ekspo B")
    tokens = {role: await make_member_token(session, a.expo_id, role) for role in CommitteeRole}
    own = [
        f"/admin/e/{a.expo.slug}/exhibitors",
        f"/admin/e/{a.expo.slug}/exhibitors/{in_a['id']}",
        f"/admin/e/{a.expo.slug}/exhibitors.xlsx",
        f"/admin/e/{a.expo.slug}/exhibitors.csv",
    ]
    for role, token in tokens.items():
        log_in_as(client, token)
        for path in own:
            response = await client.get(path)
            allowed = role in (CommitteeRole.ORGANISER, CommitteeRole.TREASURER, CommitteeRole.REGISTRATION)
            assert response.status_code == (200 if allowed else 403), (role, path)
        for path in (
            f"/admin/e/{b.expo.slug}/exhibitors",
            f"/admin/e/{b.expo.slug}/exhibitors/{in_b['id']}",
            f"/admin/e/{b.expo.slug}/exhibitors.xlsx",
        ):
            assert (await client.get(path)).status_code == 403, (role, path)
        # Expo B's exhibitor through expo A's address: not found, whoever asks.
        assert (await client.get(f"/admin/e/{a.expo.slug}/exhibitors/{in_b['id']}")).status_code == 404
    log_in_as(client, tokens[CommitteeRole.REGISTRATION])
    page = f"/admin/e/{a.expo.slug}/exhibitors/{in_a['id']}"
    crossed = await post_form(
        client, f"/admin/e/{a.expo.slug}/exhibitors/{in_b['id']}", {"name": "Dibajak"}, from_page=page
    )
    assert crossed.status_code == 404
    name_b = await session.scalar(sa.select(col(Exhibitor.name)).where(col(Exhibitor.id) == in_b["id"]))
    assert name_b == "Usaha Ekspo B"
    listing = await client.get(f"/admin/e/{a.expo.slug}/exhibitors")
    assert "Usaha Ekspo B" not in listing.text


async def test_registration_desk_approves_from_the_record_and_returns_to_it(
    client: Client, session: AsyncSession
) -> None:
    venue = await make_venue(session)
    exhibitor, _token = await signup_exhibitor(client, venue.expo_id, name="Pondok Usaha Barokah")
    log_in_as(client, await make_member_token(session, venue.expo_id, CommitteeRole.REGISTRATION))
    page = f"/admin/e/{venue.expo.slug}/exhibitors/{exhibitor['id']}"
    before = await client.get(page)
    assert shown("Needs a decision") in before.text
    decided = await post_form(client, f"{page}/approval", {"decision": "approved", "to_record": "1"}, from_page=page)
    assert decided.status_code == 303
    assert decided.headers["location"] == f"{page}?msg=approved"
    after = await client.get(decided.headers["location"])
    assert after.status_code == 200
    assert shown("The exhibitor is approved.") in after.text
    assert shown("Class approved") in after.text
    entry = await session.scalar(
        sa.select(AuditEntry).where(
            col(AuditEntry.expo_id) == venue.expo_id, col(AuditEntry.action) == "exhibitor.approved"
        )
    )
    assert entry is not None
    assert entry.subject == f"#{exhibitor['id']} Pondok Usaha Barokah"
    assert entry.before == {"approval": "pending"}
    assert entry.after == {"approval": "approved"}


async def test_odd_list_addresses_show_the_list_not_an_error(client: Client, session: AsyncSession) -> None:
    venue = await make_venue(session)
    organiser = bearer(await make_user_token(session, Role.ORGANISER))
    await _create(client, venue, organiser, n=1)
    log_in_as(client, await make_user_token(session, Role.ORGANISER))
    page = f"/admin/e/{venue.expo.slug}/exhibitors"
    for params in (
        {"page": "-1"},
        {"page": "abc"},
        {"page": "99999999"},
        {"sort": "nib; DROP TABLE exhibitor", "dir": "sideways"},
        {"q": "a\x00b", "regency": "\x00", "exhibitor_class": "\x00", "booking": "\x00", "approval": "x"},
        {"q": "%_\\"},
    ):
        response = await client.get(page, params=params)
        assert response.status_code == 200, params
        for export in ("exhibitors.xlsx", "exhibitors.csv"):
            assert (await client.get(f"/admin/e/{venue.expo.slug}/{export}", params=params)).status_code == 200
    everything = await client.get(page, params={"sort": "bogus", "exhibitor_class": "bogus"})
    assert _names(everything.text) == ["Usaha 001"]
