"""Exhibitors sign up, read and correct their own record; organisers list, filter and create them."""

from typing import Any

import pytest
from httpx import Response
from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy.ext.asyncio import AsyncSession

from tests.support.factories import Venue, bearer, exhibitor_payload, make_venue, signup_exhibitor

pytestmark = pytest.mark.anyio

NO_CSRF = {"Authorization": "Bearer none"}


def _problem(response: Response, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    body: dict[str, Any] = response.json()
    assert body["code"] == code, body
    return body


def _fields(body: dict[str, Any]) -> set[str]:
    return {e["field"] for e in body.get("errors", [])}


async def _signup(client: AsyncTestClient[Litestar], expo_id: int, **overrides: Any) -> Response:
    response = await client.post(
        f"/api/expos/{expo_id}/exhibitors/signup", json=exhibitor_payload(**overrides), headers=NO_CSRF
    )
    client.cookies.clear()
    return response


# --- sign-up --------------------------------------------------------------------------------------
async def test_signup_creates_the_exhibitor_and_logs_in(client: AsyncTestClient[Litestar], venue: Venue) -> None:
    response = await client.post(
        f"/api/expos/{venue.expo_id}/exhibitors/signup",
        json=exhibitor_payload(nib="9120 0000 1234 5", email="Toko@Contoh.ID"),
        headers=NO_CSRF,
    )
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["exhibitor"]["nib"] == "9120000012345"
    assert body["exhibitor"]["whatsapp"] == "+6281234567890"
    assert body["exhibitor"]["has_account"] is True
    assert body["exhibitor"]["expo_id"] == venue.expo_id
    assert client.cookies.get("expo_session") == body["token"]

    me = await client.get("/api/exhibitors/me", headers=bearer(body["token"]))
    assert me.status_code == 200
    assert me.json() == body["exhibitor"]
    account = await client.get("/api/auth/me", headers=bearer(body["token"]))
    assert (account.json()["role"], account.json()["email"]) == ("exhibitor", "toko@contoh.id")


async def test_bad_nib_is_a_field_error(client: AsyncTestClient[Litestar], venue: Venue) -> None:
    for nib in ("912000000000", "91200000000001", "91200000000AB", "", "nib-saya"):
        body = _problem(await _signup(client, venue.expo_id, nib=nib), 422, "invalid_input")
        assert _fields(body) == {"nib"}
        assert body["errors"][0]["message"]


async def test_nib_taken_in_the_same_expo(client: AsyncTestClient[Litestar], session: AsyncSession) -> None:
    first = await make_venue(session)
    second = await make_venue(session)
    assert (await _signup(client, first.expo_id, nib="3501234567890")).status_code == 201
    body = _problem(await _signup(client, first.expo_id, nib="3501234567890"), 409, "nib_taken")
    assert _fields(body) == {"nib"}
    # the same business may show at another expo
    assert (await _signup(client, second.expo_id, nib="3501234567890")).status_code == 201


async def test_email_taken_is_a_conflict(client: AsyncTestClient[Litestar], venue: Venue) -> None:
    assert (await _signup(client, venue.expo_id, email="sama@contoh.id")).status_code == 201
    body = _problem(await _signup(client, venue.expo_id, email="SAMA@contoh.id"), 409, "email_taken")
    assert _fields(body) == {"email"}


async def test_whatsapp_is_normalised(client: AsyncTestClient[Litestar], venue: Venue) -> None:
    for typed, stored in [
        ("08123456789", "+628123456789"),
        ("628123456789", "+628123456789"),
        ("+62 812-3456-789", "+628123456789"),
        ("(0812) 3456.7890", "+6281234567890"),
        ("+62 0857 1111 2222", "+6285711112222"),
    ]:
        response = await _signup(client, venue.expo_id, whatsapp=typed)
        assert response.status_code == 201, response.text
        assert response.json()["exhibitor"]["whatsapp"] == stored


async def test_bad_whatsapp_is_a_field_error(client: AsyncTestClient[Litestar], venue: Venue) -> None:
    for whatsapp in ("021-5551234", "+1 202 555 0100", "0812", "08123456789012345", "nomor", "", "0" * 40):
        body = _problem(await _signup(client, venue.expo_id, whatsapp=whatsapp), 422, "invalid_input")
        assert _fields(body) == {"whatsapp"}, whatsapp


async def test_bad_email_is_a_field_error(client: AsyncTestClient[Litestar], venue: Venue) -> None:
    for email in ("bukan-email", "a@b", "dua@@contoh.id", "spasi di@contoh.id"):
        body = _problem(await _signup(client, venue.expo_id, email=email), 422, "invalid_input")
        assert _fields(body) == {"email"}, email


async def test_pesantren_needs_its_name(client: AsyncTestClient[Litestar], venue: Venue) -> None:
    for pesantren_name in (None, "", "   "):
        body = _problem(await _signup(client, venue.expo_id, pesantren_name=pesantren_name), 422, "invalid_input")
        assert body["errors"]


async def test_other_classes_need_no_pesantren(client: AsyncTestClient[Litestar], venue: Venue) -> None:
    response = await _signup(client, venue.expo_id, exhibitor_class="umkm", pesantren_name="")
    assert response.status_code == 201, response.text
    assert response.json()["exhibitor"]["pesantren_name"] is None


async def test_signup_checks_password_cluster_and_expo(client: AsyncTestClient[Litestar], venue: Venue) -> None:
    assert _fields(_problem(await _signup(client, venue.expo_id, password="pendek"), 422, "invalid_input")) == {
        "password"
    }
    assert _fields(_problem(await _signup(client, venue.expo_id, cluster="mebel"), 422, "invalid_input")) == {"cluster"}
    _problem(await _signup(client, 999999), 404, "expo_not_found")
    assert _fields(_problem(await _signup(client, venue.expo_id, role="organiser"), 422, "invalid_input")) == {"role"}


async def test_a_refused_signup_leaves_no_account(client: AsyncTestClient[Litestar], venue: Venue) -> None:
    _problem(await _signup(client, venue.expo_id, email="gagal@contoh.id", cluster="mebel"), 422, "invalid_input")
    assert (await _signup(client, venue.expo_id, email="gagal@contoh.id")).status_code == 201


# --- own record -----------------------------------------------------------------------------------
async def test_exhibitor_reads_and_patches_its_own_record(client: AsyncTestClient[Litestar], venue: Venue) -> None:
    exhibitor, token = await signup_exhibitor(client, venue.expo_id)
    url = f"/api/exhibitors/{exhibitor['id']}"
    assert (await client.get(url, headers=bearer(token))).json() == exhibitor

    patched = await client.patch(
        url, json={"whatsapp": "0857 1111 2222", "description": "Batik tulis"}, headers=bearer(token)
    )
    assert patched.status_code == 200, patched.text
    assert patched.json()["whatsapp"] == "+6285711112222"
    assert patched.json()["description"] == "Batik tulis"
    assert patched.json()["name"] == exhibitor["name"]

    bad = await client.patch(url, json={"nib": "123"}, headers=bearer(token))
    assert _fields(_problem(bad, 422, "invalid_input")) == {"nib"}


async def test_exhibitor_cannot_change_its_own_class(client: AsyncTestClient[Litestar], venue: Venue) -> None:
    """The class sets the price: a UMKM calling itself a pesantren would pay the pesantren price."""
    exhibitor, token = await signup_exhibitor(
        client, venue.expo_id, exhibitor_class="umkm", pesantren_name=None, cluster=None
    )
    url = f"/api/exhibitors/{exhibitor['id']}"
    response = await client.patch(
        url, json={"exhibitor_class": "pesantren", "pesantren_name": "Pondok Fiktif"}, headers=bearer(token)
    )
    body = _problem(response, 403, "class_change_forbidden")
    assert _fields(body) == {"exhibitor_class"}
    same = await client.patch(url, json={"exhibitor_class": "umkm", "regency": "Blitar"}, headers=bearer(token))
    assert same.status_code == 200, same.text
    prices = (await client.get(f"/api/expos/{venue.expo_id}/booths", headers=bearer(token))).json()
    assert {b["price"] for b in prices} == {1_500_000}


async def test_pesantren_keeps_its_name(
    client: AsyncTestClient[Litestar], venue: Venue, organiser: dict[str, str]
) -> None:
    pesantren, token = await signup_exhibitor(client, venue.expo_id)
    url = f"/api/exhibitors/{pesantren['id']}"
    for empty in (None, "", "  "):
        response = await client.patch(url, json={"pesantren_name": empty}, headers=bearer(token))
        assert _fields(_problem(response, 422, "invalid_input")) == {"pesantren_name"}

    umkm, _ = await signup_exhibitor(client, venue.expo_id, exhibitor_class="umkm", pesantren_name=None)
    url = f"/api/exhibitors/{umkm['id']}"
    nameless = await client.patch(url, json={"exhibitor_class": "pesantren"}, headers=organiser)
    assert _fields(_problem(nameless, 422, "invalid_input")) == {"pesantren_name"}
    named = await client.patch(
        url, json={"exhibitor_class": "pesantren", "pesantren_name": "PP Darul Ulum"}, headers=organiser
    )
    assert named.status_code == 200, named.text
    assert (named.json()["exhibitor_class"], named.json()["pesantren_name"]) == ("pesantren", "PP Darul Ulum")
    back = await client.patch(url, json={"exhibitor_class": "umkm", "pesantren_name": ""}, headers=organiser)
    assert (back.json()["exhibitor_class"], back.json()["pesantren_name"]) == ("umkm", None)


async def test_exhibitor_cannot_see_or_change_another(client: AsyncTestClient[Litestar], venue: Venue) -> None:
    mine, token = await signup_exhibitor(client, venue.expo_id)
    theirs, _ = await signup_exhibitor(client, venue.expo_id)
    url = f"/api/exhibitors/{theirs['id']}"
    hidden = _problem(await client.get(url, headers=bearer(token)), 404, "exhibitor_not_found")
    missing = _problem(await client.get("/api/exhibitors/999999", headers=bearer(token)), 404, "exhibitor_not_found")
    assert hidden == missing  # no difference between "not yours" and "not there"
    _problem(await client.patch(url, json={"name": "Dibajak"}, headers=bearer(token)), 404, "exhibitor_not_found")
    _problem(await client.get(f"/api/expos/{venue.expo_id}/exhibitors", headers=bearer(token)), 403, "wrong_role")
    # nor take its NIB
    taken = await client.patch(f"/api/exhibitors/{mine['id']}", json={"nib": theirs["nib"]}, headers=bearer(token))
    _problem(taken, 409, "nib_taken")


async def test_exhibitor_record_needs_a_login(client: AsyncTestClient[Litestar], venue: Venue) -> None:
    exhibitor, _ = await signup_exhibitor(client, venue.expo_id)
    _problem(await client.get(f"/api/exhibitors/{exhibitor['id']}"), 401, "unauthenticated")
    _problem(await client.get("/api/exhibitors/me"), 401, "unauthenticated")


async def test_organiser_has_no_exhibitor_record(client: AsyncTestClient[Litestar], organiser: dict[str, str]) -> None:
    _problem(await client.get("/api/exhibitors/me", headers=organiser), 403, "wrong_role")


# --- organisers -----------------------------------------------------------------------------------
async def test_organiser_creates_an_exhibitor_without_account(
    client: AsyncTestClient[Litestar], venue: Venue, organiser: dict[str, str]
) -> None:
    payload = exhibitor_payload(exhibitor_class="koperasi", pesantren_name=None)
    del payload["password"]
    response = await client.post(f"/api/expos/{venue.expo_id}/exhibitors", json=payload, headers=organiser)
    assert response.status_code == 201, response.text
    created = response.json()
    assert created["has_account"] is False
    assert created["exhibitor_class"] == "koperasi"

    again = await client.post(f"/api/expos/{venue.expo_id}/exhibitors", json=payload, headers=organiser)
    _problem(again, 409, "nib_taken")
    with_password = await client.post(
        f"/api/expos/{venue.expo_id}/exhibitors", json=payload | {"password": "rahasia-123"}, headers=organiser
    )
    assert _fields(_problem(with_password, 422, "invalid_input")) == {"password"}

    patched = await client.patch(f"/api/exhibitors/{created['id']}", json={"regency": "Kediri"}, headers=organiser)
    assert patched.json()["regency"] == "Kediri"


async def test_organiser_lists_and_filters_exhibitors(
    client: AsyncTestClient[Litestar], venue: Venue, organiser: dict[str, str]
) -> None:
    pesantren, _ = await signup_exhibitor(client, venue.expo_id, name="Kopontren Al Hikmah", nib="3517000000001")
    umkm, _ = await signup_exhibitor(
        client, venue.expo_id, name="Batik Jombang", exhibitor_class="umkm", pesantren_name=None, cluster=None
    )
    url = f"/api/expos/{venue.expo_id}/exhibitors"

    everyone = (await client.get(url, headers=organiser)).json()
    assert [e["name"] for e in everyone] == ["Batik Jombang", "Kopontren Al Hikmah"]
    by_class = (await client.get(url, params={"exhibitor_class": "umkm"}, headers=organiser)).json()
    assert [e["id"] for e in by_class] == [umkm["id"]]
    by_cluster = (await client.get(url, params={"cluster": "kuliner"}, headers=organiser)).json()
    assert [e["id"] for e in by_cluster] == [pesantren["id"]]
    by_name = (await client.get(url, params={"q": "HIKMAH"}, headers=organiser)).json()
    assert [e["id"] for e in by_name] == [pesantren["id"]]
    by_pesantren = (await client.get(url, params={"q": "pondok"}, headers=organiser)).json()
    assert [e["id"] for e in by_pesantren] == [pesantren["id"]]
    by_nib = (await client.get(url, params={"q": "3517000"}, headers=organiser)).json()
    assert [e["id"] for e in by_nib] == [pesantren["id"]]
    paged = (await client.get(url, params={"limit": 1, "offset": 1}, headers=organiser)).json()
    assert [e["id"] for e in paged] == [pesantren["id"]]

    wildcard = (await client.get(url, params={"q": "%"}, headers=organiser)).json()
    assert wildcard == []  # a literal percent sign, not "everything"

    bad_class = await client.get(url, params={"exhibitor_class": "bukan"}, headers=organiser)
    assert _fields(_problem(bad_class, 422, "invalid_input")) == {"exhibitor_class"}


async def test_exhibitors_of_another_expo_are_not_listed(
    client: AsyncTestClient[Litestar], session: AsyncSession, organiser: dict[str, str]
) -> None:
    first = await make_venue(session)
    second = await make_venue(session)
    await signup_exhibitor(client, first.expo_id)
    listed = await client.get(f"/api/expos/{second.expo_id}/exhibitors", headers=organiser)
    assert listed.json() == []
    _problem(await client.get("/api/expos/999999/exhibitors", headers=organiser), 404, "expo_not_found")
