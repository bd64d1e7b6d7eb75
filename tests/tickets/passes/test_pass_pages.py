"""The passes pages, driven like a browser: visitor registration and "my pass", the exhibitor's staff
passes, and the organiser's list with search, revoke, reissue and printing."""

import re

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from expo.models import Role
from tests.support.factories import bearer, expo_day, make_user_token, make_venue
from tests.support.passes import Client, confirmed_exhibitor, decode_qr_codes, log_in_as, post_form
from tickets.signing import tokens

pytestmark = pytest.mark.anyio


async def test_a_visitor_registers_on_the_phone_and_sees_the_pass_at_once(
    client: Client, session: AsyncSession
) -> None:
    venue = await make_venue(session, slug="hari-santri")
    form = await client.get("/e/hari-santri/visit")
    assert form.status_code == 200
    assert 'name="days"' in form.text
    assert 'value="santri"' in form.text
    response = await post_form(
        client,
        "/e/hari-santri/visit",
        {
            "holder_name": "Nur Aini",
            "regency": "Jombang",
            "category": "santri",
            "days": [expo_day(1).isoformat(), expo_day(2).isoformat()],
        },
        from_page="/e/hari-santri/visit",
    )
    assert response.status_code == 303
    mine = response.headers["location"]
    assert re.fullmatch(r"/p/[A-Za-z0-9_-]{32}\?new=1", mine)
    page = await client.get(mine)
    assert page.status_code == 200
    assert "Nur Aini" in page.text
    assert "PENGUNJUNG" in page.text
    assert "<svg" in page.text
    secret = mine.split("/")[2].split("?")[0]
    assert f"/api/visitor-passes/{secret}/pass.png" in page.text
    assert "wa.me" in page.text
    token = (await client.get(f"/api/visitor-passes/{secret}")).json()["token"]
    pdf = await client.get(f"/api/visitor-passes/{secret}/pass.pdf")
    assert decode_qr_codes(pdf.content) == [[token]]
    assert tokens.parse(token)[0].expo_id == venue.expo_id
    # another visitor's link is not derivable from this one
    assert (await client.get("/p/" + secret[::-1])).status_code == 404


async def test_the_visitor_form_shows_what_is_wrong_and_keeps_the_input(client: Client, session: AsyncSession) -> None:
    await make_venue(session, slug="hari-santri")
    response = await post_form(
        client,
        "/e/hari-santri/visit",
        {"holder_name": "", "regency": "Kediri", "category": "turis", "phone": "12"},
        from_page="/e/hari-santri/visit",
    )
    assert response.status_code == 422
    assert 'value="Kediri"' in response.text
    assert response.text.count('class="field-error"') >= 3
    outside = await post_form(
        client,
        "/e/hari-santri/visit",
        {"holder_name": "Ahmad", "regency": "Kediri", "category": "umum", "days": [expo_day(40).isoformat()]},
        from_page="/e/hari-santri/visit",
    )
    assert outside.status_code == 422


async def test_an_exhibitor_names_renames_reissues_and_prints_its_staff(client: Client, session: AsyncSession) -> None:
    venue = await make_venue(session)
    org = bearer(await make_user_token(session, Role.ORGANISER))
    _, token, _ = await confirmed_exhibitor(client, venue, org)
    log_in_as(client, token)
    page = await client.get("/my-passes")
    assert page.status_code == 200
    assert "A-01" in page.text
    added = await post_form(client, "/my-passes/add", {"holder_name": "Siti Penjaga"}, from_page="/my-passes")
    assert added.status_code == 303
    assert added.headers["location"] == "/my-passes?msg=added"
    await post_form(client, "/my-passes/add", {"holder_name": "Budi Penjaga"}, from_page="/my-passes")
    assert 'action="/my-passes/add"' not in (await client.get("/my-passes")).text  # the quota is used up
    full = await post_form(client, "/my-passes/add", {"holder_name": "Ketiga"}, from_page="/my-passes")
    assert full.status_code == 409
    assert 'role="alert"' in full.text
    listed = (await client.get(f"/api/expos/{venue.expo_id}/passes", headers=bearer(token))).json()
    siti = next(p for p in listed if p["holder_name"] == "Siti Penjaga")
    renamed = await post_form(
        client, f"/my-passes/{siti['id']}/rename", {"holder_name": "Siti Aminah"}, from_page="/my-passes"
    )
    assert renamed.status_code == 303
    reissued = await post_form(client, f"/my-passes/{siti['id']}/reissue", {}, from_page="/my-passes")
    assert reissued.status_code == 303
    page = await client.get("/my-passes")
    assert "Siti Aminah" in page.text
    assert siti["code"] not in page.text
    pdf = await post_form(client, "/my-passes/print", {"paper": "f4"}, from_page="/my-passes")
    assert pdf.status_code == 200
    assert pdf.headers["content-type"] == "application/pdf"
    assert [len(p) for p in decode_qr_codes(pdf.content, scale=2.0)] == [2]
    revoked = await post_form(client, f"/my-passes/{siti['id']}/revoke", {}, from_page="/my-passes")
    assert revoked.status_code == 303
    again = await post_form(client, f"/my-passes/{siti['id']}/reissue", {}, from_page="/my-passes")
    assert again.status_code == 409


async def test_an_exhibitor_without_a_confirmed_booking_is_told_why(client: Client, session: AsyncSession) -> None:
    from tests.support.factories import signup_exhibitor

    venue = await make_venue(session)
    _, token = await signup_exhibitor(client, venue.expo_id)
    log_in_as(client, token)
    page = await client.get("/my-passes")
    assert page.status_code == 200
    assert 'action="/my-passes/add"' not in page.text
    refused = await post_form(client, "/my-passes/add", {"holder_name": "Siti"}, from_page="/my-passes")
    assert refused.status_code == 409


async def test_the_organiser_searches_revokes_reissues_and_prints(client: Client, session: AsyncSession) -> None:
    venue = await make_venue(session, slug="hari-santri")
    org_token = await make_user_token(session, Role.ORGANISER)
    for name in ("Dewi Wartawati", "Rudi Fotografer"):
        created = await client.post(
            f"/api/expos/{venue.expo_id}/passes",
            json={"kind": "press", "holder_name": name, "organisation": "Radar Uji"},
            headers=bearer(org_token),
        )
        assert created.status_code == 201
    log_in_as(client, org_token)
    url = "/admin/e/hari-santri/passes"
    page = await client.get(f"{url}?q=dewi")
    assert page.status_code == 200
    assert "Dewi Wartawati" in page.text
    assert "Rudi Fotografer" not in page.text
    issued = await post_form(
        client,
        f"{url}/issue",
        {"kind": "vip", "holder_name": "KH. Abdul Ghofur", "organisation": "Pesantren Uji", "back": ""},
        from_page=url,
    )
    assert issued.status_code == 303
    bad = await post_form(client, f"{url}/issue", {"kind": "vip", "holder_name": ""}, from_page=url)
    assert bad.status_code == 422
    rows = (await client.get(f"/api/expos/{venue.expo_id}/passes", headers=bearer(org_token))).json()
    dewi = next(p for p in rows if p["holder_name"] == "Dewi Wartawati")
    revoked = await post_form(
        client, f"{url}/{dewi['id']}/revoke", {"reason": "hilang", "back": "q=dewi"}, from_page=url
    )
    assert revoked.status_code == 303
    assert "q=dewi" in revoked.headers["location"]
    again = await post_form(client, f"{url}/{dewi['id']}/reissue", {"back": ""}, from_page=url)
    assert again.status_code == 409
    printed = await post_form(client, f"{url}/print", {"paper": "a4", "back": "kind=press"}, from_page=url)
    assert printed.status_code == 200
    assert printed.headers["content-type"] == "application/pdf"
    assert [len(p) for p in decode_qr_codes(printed.content, scale=2.0)] == [1]  # the revoked one is not printed
    csv = "name\nRelawan Satu\n"
    imported = await client.post(
        f"{url}/import",
        files={"file": ("names.csv", csv.encode(), "text/csv")},
        data={"kind": "volunteer", "_csrf_token": client.cookies.get("csrftoken") or ""},
        follow_redirects=False,
    )
    assert imported.status_code == 303, imported.text
    assert "Relawan Satu" in (await client.get(f"{url}?kind=volunteer")).text


async def test_exhibitors_and_visitors_cannot_open_the_organiser_list(client: Client, session: AsyncSession) -> None:
    await make_venue(session, slug="hari-santri")
    log_in_as(client, await make_user_token(session, Role.EXHIBITOR))
    assert (await client.get("/admin/e/hari-santri/passes")).status_code == 403
