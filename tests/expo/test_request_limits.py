"""Hostile bodies on the public endpoints (no log-in needed): deep JSON, huge JSON, wrong content
types each get a 4xx problem in the user's language, never a 500."""

from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from expo.request_limits import MAX_JSON_DEPTH, too_deep
from tests.support.gate import gate_over_http
from tests.support.passes import Client

pytestmark = pytest.mark.anyio

JSON = {"Content-Type": "application/json"}


def _problem(response: Any, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    body: dict[str, Any] = response.json()
    assert body["code"] == code
    return body


async def _public_posts(client: Client, session: AsyncSession) -> list[tuple[str, dict[str, str]]]:
    expo_id, _organiser, device = await gate_over_http(client, session)
    return [
        (f"/api/expos/{expo_id}/visitors", {}),
        ("/api/auth/login", {}),
        ("/api/gate/scans", device),
        ("/api/gate/sync", device),
    ]


def test_depth_is_counted_without_recursion() -> None:
    nested: Any = []
    for _ in range(100_000):
        nested = [nested]
    assert too_deep(nested)
    shallow: Any = {"a": [{"b": 1}]}
    assert not too_deep(shallow)
    exact: Any = 1
    for _ in range(MAX_JSON_DEPTH):
        exact = [exact]
    assert not too_deep(exact)
    assert too_deep([exact])


async def test_deep_json_is_a_400_in_the_users_language(client: Client, session: AsyncSession) -> None:
    for path, headers in await _public_posts(client, session):
        for depth in (40, 1000, 100_000):
            body = "[" * depth + "]" * depth
            _problem(await client.post(path, content=body, headers=headers | JSON), 400, "json_too_deep")
        nested = '{"a":' * 1000 + "1" + "}" * 1000
        answer = _problem(await client.post(path, content=nested, headers=headers | JSON), 400, "json_too_deep")
        assert answer["detail"] == "Data bersarang terlalu dalam."
        english = await client.post(path + "?lang=en", content=nested, headers=headers | JSON)
        assert _problem(english, 400, "json_too_deep")["detail"] == "The data is nested too deeply."
        client.cookies.clear()
        _problem(await client.post(path, content=b"{not json", headers=headers | JSON), 400, "json_invalid")


async def test_huge_json_is_a_413(client: Client, session: AsyncSession) -> None:
    huge = b'{"email": "a@b.id", "password": "' + b"x" * 1_200_000 + b'"}'
    for path, headers in await _public_posts(client, session):
        answer = _problem(await client.post(path, content=huge, headers=headers | JSON), 413, "too_large")
        assert answer["detail"] == "Permintaan terlalu besar."


async def test_wrong_content_type_is_a_415(client: Client, session: AsyncSession) -> None:
    for path, headers in await _public_posts(client, session):
        for content_type, body in (
            ("text/plain", b'{"email": "a@b.id"}'),
            ("application/x-www-form-urlencoded", b"email=a%40b.id&password=x"),
            ("multipart/form-data; boundary=x", b"--x\r\nContent-Disposition: form-data; name=a\r\n\r\n1\r\n--x--\r\n"),
            ("application/xml", b"<a/>"),
        ):
            response = await client.post(path, content=body, headers=headers | {"Content-Type": content_type})
            answer = _problem(response, 415, "unsupported_media_type")
            assert answer["detail"] == "Kirim data sebagai JSON."


async def test_an_upload_may_be_larger_than_a_json_body(client: Client, session: AsyncSession) -> None:
    """The CSV imports keep their own (larger) limit: 1.2 MB of CSV is read and judged as CSV."""
    from booths.venue.models import Expo
    from expo.models import Role
    from tests.support.factories import bearer, make_user_token

    expo_id, _organiser, _device = await gate_over_http(client, session)
    assert await session.get(Expo, expo_id) is not None
    organiser = bearer(await make_user_token(session, Role.ORGANISER))
    big = b"hall,code,x_m,y_m,width_m,depth_m,package\n" + b"Z,Z-1,0,0,1,1,none\n" * 64_000
    response = await client.post(
        f"/api/expos/{expo_id}/booths/import", content=big, headers=organiser | {"Content-Type": "text/csv"}
    )
    assert response.status_code == 422, response.text  # judged (too many rows), not refused for its size
