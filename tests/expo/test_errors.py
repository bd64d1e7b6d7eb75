"""Bad input always gets a 4xx problem (``application/problem+json`` with a ``code``), never a 500,
and the problem speaks the user's language (Indonesian by default, English by switch)."""

from typing import Any

import pytest
from httpx import Response
from litestar import Litestar
from litestar.testing import AsyncTestClient

from tests.support.factories import (
    Venue,
    bearer,
    exhibitor_payload,
    expo_day,
    signup_exhibitor,
)

pytestmark = pytest.mark.anyio

NO_CSRF = {"Authorization": "Bearer none"}


def _client_error(response: Response) -> dict[str, Any]:
    """A 4xx problem with a stable code and a readable detail."""
    where = f"{response.request.method} {str(response.request.url)[:150]}"
    assert 400 <= response.status_code < 500, f"{where} -> {response.status_code}: {response.text[:300]}"
    assert response.headers["content-type"].startswith("application/problem+json"), response.headers
    body: dict[str, Any] = response.json()
    assert body["status"] == response.status_code
    assert isinstance(body["code"], str)
    assert body["code"]
    assert body["type"].endswith("/" + body["code"])
    assert isinstance(body["detail"], str)
    assert body["detail"].strip()
    for error in body.get("errors", []):
        assert set(error) == {"field", "message"}
        assert error["message"]
    return body


def _posts(v: Venue) -> list[str]:
    return [
        "/api/expos",
        f"/api/expos/{v.expo_id}/halls",
        f"/api/expos/{v.expo_id}/packages",
        f"/api/expos/{v.expo_id}/clusters",
        f"/api/expos/{v.expo_id}/booths",
        f"/api/expos/{v.expo_id}/exhibitors",
        f"/api/expos/{v.expo_id}/exhibitors/signup",
        f"/api/halls/{v.hall.id}/booths/generate",
        f"/api/booths/{v.booth_ids[0]}/block",
        f"/api/expos/{v.expo_id}/bookings",
        "/api/auth/login",
    ]


def _patches(v: Venue) -> list[str]:
    return [
        f"/api/expos/{v.expo_id}",
        f"/api/halls/{v.hall.id}",
        f"/api/packages/{v.paid.id}",
        f"/api/booths/{v.booth_ids[0]}",
        f"/api/expos/{v.expo_id}/days/{expo_day(1).isoformat()}",
    ]


GARBAGE = [b"{not json", b"", b"null", b"[]", b'"text"', b"42", b"\xff\xfe\x00", b'{"a": 1e999}', b"{" * 5000]


async def test_garbage_json_is_a_client_error(
    client: AsyncTestClient[Litestar], venue: Venue, organiser: dict[str, str]
) -> None:
    headers = organiser | {"Content-Type": "application/json"}
    for raw in GARBAGE:
        for path in _posts(venue):
            _client_error(await client.post(path, content=raw, headers=headers))
        for path in _patches(venue):
            _client_error(await client.patch(path, content=raw, headers=headers))


async def test_wrong_types_name_the_fields(
    client: AsyncTestClient[Litestar], venue: Venue, organiser: dict[str, str]
) -> None:
    response = await client.post(
        f"/api/expos/{venue.expo_id}/booths",
        json={
            "hall_id": "satu",
            "package_id": [],
            "code": 12,
            "x_m": "kiri",
            "y_m": None,
            "width_m": {},
            "depth_m": True,
        },
        headers=organiser,
    )
    body = _client_error(response)
    assert response.status_code == 422
    assert body["code"] == "invalid_input"
    assert {"hall_id", "package_id", "x_m", "y_m", "width_m"} <= {e["field"] for e in body["errors"]}


HOSTILE: list[Any] = [None, "", "x" * 100_000, -1, 0, 2**31, 2**63, 10**30, 1.5, -1e308, True, [], {}, "١٢", "\u0000"]


async def test_hostile_values_in_every_field_of_a_booth(
    client: AsyncTestClient[Litestar], venue: Venue, organiser: dict[str, str]
) -> None:
    good = {"hall_id": venue.hall.id, "package_id": venue.paid.id, "code": "Z-1", "x_m": 0, "y_m": 30}
    good |= {"width_m": 3, "depth_m": 3}
    for value in HOSTILE:
        for field in good:
            response = await client.post(
                f"/api/expos/{venue.expo_id}/booths", json=good | {field: value}, headers=organiser
            )
            if response.status_code == 201:
                await client.delete(f"/api/booths/{response.json()['id']}", headers=organiser)
                continue
            _client_error(response)


async def test_nul_characters_are_refused_not_stored(client: AsyncTestClient[Litestar], venue: Venue) -> None:
    for field in ("name", "regency", "contact_name", "description", "pesantren_name", "email"):
        payload = exhibitor_payload()
        payload[field] = "Toko\u0000Berkah"
        response = await client.post(f"/api/expos/{venue.expo_id}/exhibitors/signup", json=payload, headers=NO_CSRF)
        body = _client_error(response)
        assert response.status_code == 422
        assert field in {e["field"] for e in body["errors"]}


async def test_huge_strings_are_refused(client: AsyncTestClient[Litestar], venue: Venue) -> None:
    for field in ("name", "description", "regency", "whatsapp", "nib", "password", "email"):
        payload = exhibitor_payload() | {field: "9" * 300_000}
        response = await client.post(f"/api/expos/{venue.expo_id}/exhibitors/signup", json=payload, headers=NO_CSRF)
        body = _client_error(response)
        assert field in {e["field"] for e in body["errors"]}, body
    login = await client.post("/api/auth/login", json={"email": "a@b.c", "password": "p" * 300_000}, headers=NO_CSRF)
    _client_error(login)


QUERIES = [
    "status=bogus",
    "status=",
    "hall_id=abc",
    "hall_id=-1",
    "hall_id=99999999999999999999999",
    "cluster=" + "x" * 500,
    "exhibitor_class=santri",
    "limit=0",
    "limit=-5",
    "limit=abc",
    "limit=99999999999999999999",
    "offset=-1",
    "offset=99999999999999999999",
    "q=" + "x" * 5000,
    "q=%25%5F%5C",
]


async def test_hostile_query_values(client: AsyncTestClient[Litestar], venue: Venue, organiser: dict[str, str]) -> None:
    for query in QUERIES:
        for path in (
            f"/api/expos/{venue.expo_id}/booths",
            f"/api/expos/{venue.expo_id}/exhibitors",
            f"/api/expos/{venue.expo_id}/bookings",
        ):
            response = await client.get(f"{path}?{query}", headers=organiser)
            if response.status_code == 200:
                assert isinstance(response.json(), list)
            else:
                _client_error(response)


async def test_nul_in_a_search_is_refused(
    client: AsyncTestClient[Litestar], venue: Venue, organiser: dict[str, str]
) -> None:
    for path in (f"/api/expos/{venue.expo_id}/booths", f"/api/expos/{venue.expo_id}/exhibitors"):
        for query in ("q=%00", "cluster=%00"):
            response = await client.get(f"{path}?{query}", headers=organiser)
            if response.status_code != 200:
                _client_error(response)


async def test_nul_in_a_booking_search_is_refused(
    client: AsyncTestClient[Litestar], venue: Venue, organiser: dict[str, str]
) -> None:
    _client_error(await client.get(f"/api/expos/{venue.expo_id}/bookings?q=%00", headers=organiser))


async def test_odd_ids_are_not_found_or_refused(
    client: AsyncTestClient[Litestar], venue: Venue, organiser: dict[str, str]
) -> None:
    for ident in ("-1", "0", "2147483648", "9223372036854775808", "9" * 40):
        for method, path in [
            ("GET", f"/api/expos/{ident}"),
            ("GET", f"/api/expos/{ident}/booths"),
            ("GET", f"/api/booths/{ident}"),
            ("PATCH", f"/api/booths/{ident}"),
            ("DELETE", f"/api/booths/{ident}"),
            ("POST", f"/api/booths/{ident}/unblock"),
            ("PATCH", f"/api/halls/{ident}"),
            ("PATCH", f"/api/packages/{ident}"),
            ("GET", f"/api/exhibitors/{ident}"),
            ("GET", f"/api/bookings/{ident}"),
            ("POST", f"/api/bookings/{ident}/cancel"),
        ]:
            body: dict[str, Any] | None = {} if method in {"PATCH", "POST"} else None
            _client_error(await client.request(method, path, json=body, headers=organiser))


async def test_odd_ids_in_bodies(client: AsyncTestClient[Litestar], venue: Venue, organiser: dict[str, str]) -> None:
    for ident in (-1, 0, 2**31, 2**63, 10**30):
        booth = {"hall_id": ident, "package_id": venue.paid.id, "code": "Q-1", "x_m": 0, "y_m": 30, "width_m": 1}
        booth |= {"depth_m": 1}
        _client_error(await client.post(f"/api/expos/{venue.expo_id}/booths", json=booth, headers=organiser))
        _client_error(
            await client.patch(f"/api/booths/{venue.booth_ids[0]}", json={"package_id": ident}, headers=organiser)
        )
        generate: dict[str, Any] = {"package_id": ident, "origin_x_m": 0, "origin_y_m": 30, "rows": 1, "columns": 1}
        generate |= {"booth_width_m": 1, "booth_depth_m": 1, "prefix": "Q"}
        _client_error(
            await client.post(f"/api/halls/{venue.hall.id}/booths/generate", json=generate, headers=organiser)
        )
        assign = {"booth_id": ident, "exhibitor_id": ident, "confirm": False}
        _client_error(await client.post(f"/api/expos/{venue.expo_id}/bookings", json=assign, headers=organiser))


async def test_unknown_routes_and_methods(client: AsyncTestClient[Litestar], organiser: dict[str, str]) -> None:
    assert _client_error(await client.get("/api/tidak-ada"))["code"] == "not_found"
    assert _client_error(await client.put("/api/expos", json={}, headers=organiser))["code"] == "method_not_allowed"


async def test_wrong_content_type_for_json(
    client: AsyncTestClient[Litestar], venue: Venue, organiser: dict[str, str]
) -> None:
    response = await client.post(
        f"/api/expos/{venue.expo_id}/halls",
        content=b"code=A&name=B",
        headers=organiser | {"Content-Type": "application/x-www-form-urlencoded"},
    )
    _client_error(response)


async def test_exhibitor_actions_with_odd_input(client: AsyncTestClient[Litestar], venue: Venue) -> None:
    exhibitor, token = await signup_exhibitor(client, venue.expo_id)
    auth = bearer(token)
    for body in ({"nib": None}, {"whatsapp": 628}, {"exhibitor_class": "raja"}, {"id": 5}, {"user_id": 1}):
        response = await client.patch(f"/api/exhibitors/{exhibitor['id']}", json=body, headers=auth)
        if response.status_code == 200:
            continue
        _client_error(response)
    unchanged = await client.get(f"/api/exhibitors/{exhibitor['id']}", headers=auth)
    assert unchanged.json()["nib"] == exhibitor["nib"]
    assert unchanged.json()["id"] == exhibitor["id"]


# --- language -------------------------------------------------------------------------------------
ENGLISH_NOT_FOUND = "No such expo."


async def test_problem_detail_is_a_message_by_default(client: AsyncTestClient[Litestar]) -> None:
    body = _client_error(await client.get("/api/expos/999999"))
    assert body["code"] == "expo_not_found"
    assert isinstance(body["detail"], str)
    assert body["detail"]


async def test_problem_detail_in_english_on_request(client: AsyncTestClient[Litestar]) -> None:
    body = _client_error(await client.get("/api/expos/999999?lang=en"))
    assert body["detail"] == ENGLISH_NOT_FOUND
    by_header = _client_error(await client.get("/api/expos/999999", headers={"Accept-Language": "en-GB,en;q=0.9"}))
    assert by_header["detail"] == ENGLISH_NOT_FOUND


async def test_field_messages_in_english_on_request(client: AsyncTestClient[Litestar], venue: Venue) -> None:
    payload = exhibitor_payload(nib="123")
    response = await client.post(f"/api/expos/{venue.expo_id}/exhibitors/signup?lang=en", json=payload, headers=NO_CSRF)
    body = _client_error(response)
    assert body["errors"] == [{"field": "nib", "message": "NIB must be exactly 13 digits (from the OSS system)."}]


async def test_problem_detail_is_indonesian_by_default(client: AsyncTestClient[Litestar]) -> None:
    default = _client_error(await client.get("/api/expos/999999"))
    asked = _client_error(await client.get("/api/expos/999999", headers={"Accept-Language": "id"}))
    assert default["detail"] != ENGLISH_NOT_FOUND
    assert asked["detail"] == default["detail"]
