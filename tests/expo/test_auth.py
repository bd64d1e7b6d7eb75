"""Logging in and out through the API: bearer tokens, cookie sessions with CSRF, guards, rate limits."""

from typing import Any

import pytest
import sqlalchemy as sa
from httpx import Response
from litestar import Litestar
from litestar.testing import AsyncTestClient
from litestar.utils.sync import AsyncCallable
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from expo.models import Role, User
from tests.support.client import ClientWith
from tests.support.factories import bearer, exhibitor_payload, make_user_token, make_venue

pytestmark = pytest.mark.anyio

PASSWORD = "rahasia-123"  # what tests.support.factories.make_user_token sets
NO_CSRF = {"Authorization": "Bearer none"}  # a bearer header (even an unknown token) skips CSRF


async def _login(client: AsyncTestClient[Litestar], email: str, password: str = PASSWORD) -> dict[str, Any]:
    response = await client.post("/api/auth/login", json={"email": email, "password": password}, headers=NO_CSRF)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def _assert_problem(response: Response, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    body: dict[str, Any] = response.json()
    assert body["code"] == code, body
    assert body["status"] == status
    return body


async def test_login_returns_a_bearer_token_that_works(
    client: AsyncTestClient[Litestar], session: AsyncSession
) -> None:
    await make_user_token(session, Role.ORGANISER, email="panitia@expo.test")
    body = await _login(client, "Panitia@Expo.test ")
    assert body["user"]["email"] == "panitia@expo.test"
    assert body["user"]["role"] == "organiser"
    client.cookies.clear()

    me = await client.get("/api/auth/me", headers=bearer(str(body["token"])))
    assert me.status_code == 200
    assert me.json()["email"] == "panitia@expo.test"
    assert me.json()["role"] == "organiser"


async def test_wrong_password_is_a_401_problem(client: AsyncTestClient[Litestar], session: AsyncSession) -> None:
    await make_user_token(session, Role.ORGANISER, email="panitia@expo.test")
    response = await client.post(
        "/api/auth/login", json={"email": "panitia@expo.test", "password": "salah-sekali"}, headers=NO_CSRF
    )
    _assert_problem(response, 401, "bad_credentials")
    assert "expo_session" not in response.cookies


async def test_unknown_email_gets_the_same_answer_as_a_wrong_password(client: AsyncTestClient[Litestar]) -> None:
    response = await client.post(
        "/api/auth/login", json={"email": "siapa@expo.test", "password": "rahasia-123"}, headers=NO_CSRF
    )
    _assert_problem(response, 401, "bad_credentials")


async def test_me_needs_a_login(client: AsyncTestClient[Litestar]) -> None:
    _assert_problem(await client.get("/api/auth/me"), 401, "unauthenticated")
    _assert_problem(await client.get("/api/auth/me", headers=bearer("not-a-token")), 401, "unauthenticated")


async def test_logout_invalidates_the_token(client: AsyncTestClient[Litestar], session: AsyncSession) -> None:
    token = await make_user_token(session, Role.EXHIBITOR)
    assert (await client.get("/api/auth/me", headers=bearer(token))).status_code == 200

    response = await client.post("/api/auth/logout", headers=bearer(token))
    assert response.status_code == 200
    assert response.json() == {"ok": True}

    _assert_problem(await client.get("/api/auth/me", headers=bearer(token)), 401, "unauthenticated")


async def test_anonymous_on_organiser_route_is_401(client: AsyncTestClient[Litestar]) -> None:
    response = await client.post("/api/expos", json={}, headers=NO_CSRF)
    _assert_problem(response, 401, "unauthenticated")


async def test_exhibitor_on_organiser_route_is_403_wrong_role(
    client: AsyncTestClient[Litestar], session: AsyncSession
) -> None:
    venue = await make_venue(session)
    token = await make_user_token(session, Role.EXHIBITOR)
    listing = await client.get(f"/api/expos/{venue.expo_id}/exhibitors", headers=bearer(token))
    _assert_problem(listing, 403, "wrong_role")
    response = await client.post(
        f"/api/expos/{venue.expo_id}/halls",
        json={"code": "Z", "name": "Hall Z", "width_m": 10, "depth_m": 10},
        headers=bearer(token),
    )
    _assert_problem(response, 403, "wrong_role")


async def test_gate_staff_are_not_exhibitors(client: AsyncTestClient[Litestar], session: AsyncSession) -> None:
    token = await make_user_token(session, Role.GATE)
    _assert_problem(await client.get("/api/exhibitors/me", headers=bearer(token)), 403, "wrong_role")


async def test_cookie_session_from_login_works_for_get(
    client: AsyncTestClient[Litestar], session: AsyncSession
) -> None:
    await make_user_token(session, Role.ORGANISER, email="panitia@expo.test")
    await _login(client, "panitia@expo.test")
    assert client.cookies.get("expo_session")

    me = await client.get("/api/auth/me")
    assert me.status_code == 200
    assert me.json()["email"] == "panitia@expo.test"


async def test_cookie_post_needs_the_csrf_token(client: AsyncTestClient[Litestar], session: AsyncSession) -> None:
    await make_user_token(session, Role.ORGANISER, email="panitia@expo.test")
    await _login(client, "panitia@expo.test")
    assert (await client.get("/api/auth/me")).status_code == 200  # a safe request hands out the CSRF cookie
    csrf = client.cookies.get("csrftoken")
    assert csrf

    refused = await client.post("/api/auth/logout")
    _assert_problem(refused, 403, "csrf_failed")
    assert (await client.get("/api/auth/me")).status_code == 200  # still logged in

    accepted = await client.post("/api/auth/logout", headers={"x-csrftoken": csrf})
    assert accepted.status_code == 200, accepted.text
    client.cookies.delete("expo_session")
    _assert_problem(await client.get("/api/auth/me"), 401, "unauthenticated")


async def test_cookie_post_with_a_forged_csrf_token_is_refused(
    client: AsyncTestClient[Litestar], session: AsyncSession
) -> None:
    await make_user_token(session, Role.ORGANISER, email="panitia@expo.test")
    await _login(client, "panitia@expo.test")
    await client.get("/api/auth/me")
    _assert_problem(await client.post("/api/auth/logout", headers={"x-csrftoken": "forged"}), 403, "csrf_failed")


async def test_logged_out_cookie_no_longer_works(client: AsyncTestClient[Litestar], session: AsyncSession) -> None:
    await make_user_token(session, Role.ORGANISER, email="panitia@expo.test")
    body = await _login(client, "panitia@expo.test")
    stale_cookie = str(client.cookies.get("expo_session"))
    assert stale_cookie == body["token"]
    await client.post("/api/auth/logout", headers=bearer(str(body["token"])))
    client.cookies.set("expo_session", stale_cookie)
    _assert_problem(await client.get("/api/auth/me"), 401, "unauthenticated")


async def test_bearer_posts_need_no_csrf(client: AsyncTestClient[Litestar], session: AsyncSession) -> None:
    venue = await make_venue(session)
    token = await make_user_token(session, Role.ORGANISER)
    response = await client.post(
        f"/api/expos/{venue.expo_id}/halls",
        json={"code": "B", "name": "Hall B", "width_m": 30, "depth_m": 20},
        headers=bearer(token),
    )
    assert response.status_code == 201, response.text
    assert not client.cookies.get("csrftoken")


async def test_passwords_are_stored_as_argon2_hashes(client: AsyncTestClient[Litestar], session: AsyncSession) -> None:
    venue = await make_venue(session)
    payload = exhibitor_payload(email="penjual@contoh.id", password="kata-sandi-panjang")
    response = await client.post(f"/api/expos/{venue.expo_id}/exhibitors/signup", json=payload, headers=NO_CSRF)
    assert response.status_code == 201, response.text

    stored = await session.scalar(sa.select(col(User.password_hash)).where(col(User.email) == "penjual@contoh.id"))
    assert stored is not None
    assert stored.startswith("$argon2")
    assert "kata-sandi-panjang" not in stored
    client.cookies.clear()
    await _login(client, "penjual@contoh.id", "kata-sandi-panjang")


async def test_login_is_rate_limited(client_with: ClientWith, session: AsyncSession) -> None:
    await make_user_token(session, Role.ORGANISER, email="panitia@expo.test")
    async with client_with(login_rate_limit_per_minute=3) as limited:
        for _ in range(3):
            response = await limited.post(
                "/api/auth/login", json={"email": "panitia@expo.test", "password": "salah-sekali"}, headers=NO_CSRF
            )
            assert response.status_code == 401
        blocked = await limited.post(
            "/api/auth/login", json={"email": "panitia@expo.test", "password": PASSWORD}, headers=NO_CSRF
        )
        _assert_problem(blocked, 429, "rate_limited")
        # reading is not limited
        assert (await limited.get("/health")).status_code == 200


async def test_exhibitor_signup_is_rate_limited(client_with: ClientWith, session: AsyncSession) -> None:
    venue = await make_venue(session)
    url = f"/api/expos/{venue.expo_id}/exhibitors/signup"
    async with client_with(signup_rate_limit_per_minute=3) as limited:
        emails = []
        for _ in range(3):
            payload = exhibitor_payload()
            response = await limited.post(url, json=payload, headers=NO_CSRF)
            assert response.status_code == 201, response.text
            emails.append(payload["email"])
            limited.cookies.clear()
        _assert_problem(await limited.post(url, json=exhibitor_payload(), headers=NO_CSRF), 429, "rate_limited")
        # the login limit is counted apart
        await _login(limited, emails[0])


async def test_an_api_client_logs_in_with_just_email_and_password(
    client: AsyncTestClient[Litestar], session: AsyncSession
) -> None:
    await make_user_token(session, Role.ORGANISER, email="panitia@expo.test")
    response = await client.post("/api/auth/login", json={"email": "panitia@expo.test", "password": PASSWORD})
    assert response.status_code == 200, response.text


def test_every_guard_runs_on_the_event_loop(app: Litestar) -> None:
    """Litestar runs a plain-function guard in a worker thread: a thread hand-off on every request
    (5 % of a worker's time in the booking rush). Every guard must be a coroutine function."""
    threaded = sorted(
        {
            f"{route.path}: {guard.func.__name__}"
            for route in app.routes
            for handler in getattr(route, "route_handlers", [])
            for guard in handler.resolve_guards()
            if isinstance(guard, AsyncCallable)
        }
    )
    assert threaded == []
