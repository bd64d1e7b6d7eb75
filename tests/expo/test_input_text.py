"""Bad or abusive data is refused at the edge, the same on SQLite and PostgreSQL: control characters
(NUL, escape sequences, DEL; tab and line breaks only in multi-line text) and NIBs that OSS would not
issue (unless an organiser accepts one on purpose)."""

from typing import Any

import httpx
import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from expo.i18n import translate
from tests.booths.bookings.test_pages import post_form
from tests.support.factories import Venue, bearer, exhibitor_payload

pytestmark = pytest.mark.anyio

Client = AsyncTestClient[Litestar]
NOT_ALLOWED = "Teks ini berisi karakter yang tidak diizinkan."
NIB_IMPLAUSIBLE = translate(
    "This NIB does not look like one issued by OSS; check the number on the NIB certificate.", locale="id"
)
CONTROL = ["Toko\x00Batik", "Toko\x1b[31mBatik", "Toko\x7f", "Toko\x85Batik", "Toko\x08\x08\x08"]
PLACEHOLDER_NIBS = ["0000000000000", "9999999999999", "1234567890123", "9876543210987", "1212121212121"]


def _record(**overrides: Any) -> dict[str, Any]:
    """An exhibitor as an organiser types it in (no account, so no password)."""
    payload = exhibitor_payload(**overrides)
    del payload["password"]
    return payload


def _problem(response: httpx.Response, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.text[:400]
    assert response.headers["content-type"].startswith("application/problem+json")
    body: dict[str, Any] = response.json()
    assert body["code"] == code
    return body


def _field_messages(body: dict[str, Any]) -> dict[str, str]:
    return {e["field"]: e["message"] for e in body.get("errors", [])}


# --- control characters ------------------------------------------------------------------------
async def test_api_exhibitor_create_refuses_control_characters(
    client: Client, venue: Venue, organiser: dict[str, str]
) -> None:
    path = f"/api/expos/{venue.expo_id}/exhibitors"
    for name in [*CONTROL, "Toko\nBatik", "Toko\tBatik\tLagi"]:
        response = await client.post(path, json=_record(name=name), headers=organiser)
        body = _problem(response, 422, "invalid_input")
        assert _field_messages(body) == {"name": NOT_ALLOWED}, repr(name)
    for text in ("nol\x00byte", "esc\x1b[2J"):
        body = _problem(
            await client.post(path, json=_record(description=text), headers=organiser), 422, "invalid_input"
        )
        assert _field_messages(body) == {"description": NOT_ALLOWED}
    listed = await client.get(path, headers=organiser)
    assert listed.json() == []  # nothing half-stored, on either engine

    # a description is multi-line text: tabs and line breaks stay
    description = "Batik tulis.\nPesanan:\tWhatsApp\r\nTerima kasih"
    created = await client.post(path, json=_record(description=description), headers=organiser)
    assert created.status_code == 201, created.text
    assert created.json()["description"] == description


async def test_the_signup_form_refuses_control_characters_at_the_field(client: Client, venue: Venue) -> None:
    page = f"/e/{venue.expo.slug}/signup"
    response = await post_form(client, page, exhibitor_payload(name="Keripik\x00Bu Sri"), from_page=page)
    assert response.status_code == 422
    assert 'id="e-name"' in response.text
    assert NOT_ALLOWED in response.text
    response = await post_form(client, page, exhibitor_payload(contact_name="Sri\x1b[0m"), from_page=page)
    assert response.status_code == 422
    assert 'id="e-contact_name"' in response.text


async def test_visitor_registration_refuses_control_characters(client: Client, venue: Venue) -> None:
    path = f"/api/expos/{venue.expo_id}/visitors"
    good = {"holder_name": "Nur Aini", "regency": "Jombang", "category": "santri", "days": ["2026-10-21"]}
    for field, value in [("holder_name", "Nur\x00Aini"), ("regency", "Jom\x1bbang"), ("email", "nur\x7f@contoh.id")]:
        response = await client.post(path, json=good | {field: value})
        body = _problem(response, 422, "invalid_input")
        assert field in _field_messages(body), body
    page = f"/e/{venue.expo.slug}/visit"
    response = await post_form(client, page, good | {"holder_name": "Nur\x00Aini"}, from_page=page)
    assert response.status_code == 422
    assert 'id="e-holder_name"' in response.text


async def test_gate_and_device_names_refuse_control_characters(
    client: Client, venue: Venue, organiser: dict[str, str]
) -> None:
    """These bodies had no check at all: SQLite stored the NUL, PostgreSQL refused it."""
    response = await client.post(f"/api/expos/{venue.expo_id}/gates", json={"name": "Utara\x00"}, headers=organiser)
    assert _field_messages(_problem(response, 422, "invalid_input")) == {"name": NOT_ALLOWED}
    gate = await client.post(f"/api/expos/{venue.expo_id}/gates", json={"name": "Utara"}, headers=organiser)
    assert gate.status_code == 201, gate.text
    response = await client.post(f"/api/gates/{gate.json()['id']}/devices", json={"name": "HP\x001"}, headers=organiser)
    assert _field_messages(_problem(response, 422, "invalid_input")) == {"name": NOT_ALLOWED}


# --- NIB ---------------------------------------------------------------------------------------
async def test_placeholder_nibs_are_refused_at_signup(client: Client, venue: Venue) -> None:
    for nib in PLACEHOLDER_NIBS:
        response = await client.post(
            f"/api/expos/{venue.expo_id}/exhibitors/signup",
            json=exhibitor_payload(nib=nib),
            headers={"Authorization": "Bearer none"},
        )
        body = _problem(response, 422, "nib_implausible")
        assert _field_messages(body) == {"nib": NIB_IMPLAUSIBLE}
    client.cookies.clear()
    page = f"/e/{venue.expo.slug}/signup"
    response = await post_form(client, page, exhibitor_payload(nib="0000000000000"), from_page=page)
    assert response.status_code == 422
    assert NIB_IMPLAUSIBLE in response.text
    assert 'value="0000000000000"' in response.text
    # an exhibitor cannot vouch for its own odd NIB
    response = await client.post(
        f"/api/expos/{venue.expo_id}/exhibitors/signup",
        json=exhibitor_payload(nib="0000000000000", accept_unusual_nib=True),
        headers={"Authorization": "Bearer none"},
    )
    _problem(response, 422, "invalid_input")


async def test_an_organiser_may_accept_an_unusual_nib_on_purpose(
    client: Client, venue: Venue, organiser: dict[str, str]
) -> None:
    path = f"/api/expos/{venue.expo_id}/exhibitors"
    refused = await client.post(path, json=_record(nib="1111111111111"), headers=organiser)
    assert _field_messages(_problem(refused, 422, "nib_implausible")) == {"nib": NIB_IMPLAUSIBLE}
    accepted = await client.post(path, json=_record(nib="1111111111111", accept_unusual_nib=True), headers=organiser)
    assert accepted.status_code == 201, accepted.text
    assert accepted.json()["nib"] == "1111111111111"
    exhibitor_id = accepted.json()["id"]

    edit = f"/api/exhibitors/{exhibitor_id}"
    _problem(await client.patch(edit, json={"nib": "2222222222222"}, headers=organiser), 422, "nib_implausible")
    changed = await client.patch(edit, json={"nib": "2222222222222", "accept_unusual_nib": True}, headers=organiser)
    assert changed.status_code == 200, changed.text
    assert changed.json()["nib"] == "2222222222222"


async def test_an_exhibitor_cannot_accept_its_own_unusual_nib(client: Client, venue: Venue) -> None:
    signed = await client.post(
        f"/api/expos/{venue.expo_id}/exhibitors/signup",
        json=exhibitor_payload(),
        headers={"Authorization": "Bearer none"},
    )
    assert signed.status_code == 201, signed.text
    token, exhibitor_id = signed.json()["token"], signed.json()["exhibitor"]["id"]
    client.cookies.clear()
    edit = f"/api/exhibitors/{exhibitor_id}"
    _problem(await client.patch(edit, json={"nib": "0000000000000"}, headers=bearer(token)), 422, "nib_implausible")
    response = await client.patch(
        edit, json={"nib": "0000000000000", "accept_unusual_nib": True}, headers=bearer(token)
    )
    _problem(response, 403, "nib_override_forbidden")


async def test_log_in_with_a_control_character_is_wrong_credentials_on_both_engines(client: Client) -> None:
    response = await client.post("/api/auth/login", json={"email": "panitia\x00@contoh.id", "password": "rahasia-123"})
    _problem(response, 401, "bad_credentials")
    page = await post_form(
        client, "/login", {"email": "panitia\x00@contoh.id", "password": "rahasia-123"}, from_page="/login"
    )
    assert page.status_code == 400
    assert translate("Wrong e-mail or password.", locale="id") in page.text
