"""Proxy headers only from trusted proxies, security headers on every response, the secret pass
page never cached, and a per-account log-in lockout with backoff, all through HTTP."""

import asyncio
import json
import os
import signal
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest
from litestar import Litestar
from sqlalchemy.ext.asyncio import AsyncSession

from expo.accounts import create_user
from expo.auth import SESSION_COOKIE
from expo.database import create_engine, create_sessionmaker
from expo.lockout import STORE_NAME
from expo.models import Role
from expo.settings import Settings
from tests.support.browser import free_port, serve
from tests.support.database import make_settings
from tests.support.factories import PASSWORDS, make_user_token
from tests.support.gate import gate_over_http
from tests.support.passes import Client, post_form

pytestmark = pytest.mark.anyio


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    return make_settings(
        database_url,
        signing_key_file=tmp_path / "keys.json",
        visitor_rate_limit_per_minute=1000,
        login_lockout_after=3,
        login_lockout_seconds=60,
    )


def _assert_security_headers(response: httpx.Response, referrer: str = "strict-origin-when-cross-origin") -> None:
    csp = response.headers.get_list("content-security-policy")
    assert len(csp) == 1, response.headers
    rules = dict(part.strip().partition(" ")[::2] for part in csp[0].split(";"))
    assert rules["default-src"] == "'self'"
    assert rules["script-src"] == "'self'"  # no inline script, no eval
    assert rules["object-src"] == "'none'"
    assert rules["frame-ancestors"] == "'none'"
    assert rules["base-uri"] == "'self'"
    assert rules["form-action"] == "'self'"
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers.get_list("referrer-policy") == [referrer]


async def test_every_response_carries_the_security_headers(client: Client) -> None:
    for path in ("/", "/login", "/api/expos", "/tidak-ada", "/api/tidak-ada", "/static/app.css", "/gate"):
        response = await client.get(path)
        assert response.status_code in {200, 404}, path
        _assert_security_headers(response)
    posted = await client.post("/api/auth/login", json={"email": "x@y.id", "password": "salah"})
    assert posted.status_code == 401
    _assert_security_headers(posted)


async def test_the_secret_pass_page_is_never_cached_nor_referred(client: Client, session: AsyncSession) -> None:
    expo_id, _organiser, _device = await gate_over_http(client, session)
    today = datetime.now(ZoneInfo("Asia/Jakarta")).date().isoformat()
    registered = await client.post(
        f"/api/expos/{expo_id}/visitors",
        json={"holder_name": "Nur Aini", "regency": "Jombang", "category": "santri", "days": [today]},
    )
    assert registered.status_code == 201, registered.text
    secret = registered.json()["access_url"].removeprefix("/p/")
    _assert_security_headers(registered, referrer="no-referrer")  # the answer holds the secret too
    for path in (f"/p/{secret}", f"/api/visitor-passes/{secret}", f"/api/visitor-passes/{secret}/pass.png"):
        response = await client.get(path)
        assert response.status_code == 200, path
        assert response.headers.get_list("cache-control") == ["no-store"], path
        _assert_security_headers(response, referrer="no-referrer")
    home = await client.get("/")
    assert "no-store" not in home.headers.get("cache-control", "")


# --- proxies -------------------------------------------------------------------------------------
def _attempts(base_url: str, forwarded_for: str, n: int) -> list[int]:
    with httpx.Client(base_url=base_url) as http:
        return [
            http.post(
                "/api/auth/login",
                json={"email": "siapa@expo.test", "password": "salah-salah"},
                headers={"X-Forwarded-For": forwarded_for},
            ).status_code
            for _ in range(n)
        ]


def _csrf_cookie_over_https(base_url: str) -> str:
    with httpx.Client(base_url=base_url) as http:
        response = http.get("/login", headers={"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.7"})
        assert response.status_code == 200
        return str(response.headers["set-cookie"])


def _session_cookie_over_https(base_url: str) -> str:
    with httpx.Client(base_url=base_url) as http:
        response = http.post(
            "/api/auth/login",
            json={"email": "proxy@expo.test", "password": "rahasia-123"},
            headers={"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.9"},
        )
        assert response.status_code == 200, response.text
        return next(c for c in response.headers.get_list("set-cookie") if c.startswith(SESSION_COOKIE))


async def _organiser(settings: Settings) -> None:
    engine = create_engine(settings)
    try:
        async with create_sessionmaker(engine)() as session:
            await create_user(
                session, PASSWORDS, email="proxy@expo.test", name="P", password="rahasia-123", role=Role.ORGANISER
            )
            await session.commit()
    finally:
        await engine.dispose()


def test_forwarded_headers_count_only_from_a_trusted_proxy(served_settings: Settings) -> None:
    """The rate limit counts the client a trusted proxy names, and HTTPS at the proxy makes cookies
    Secure; anyone else's forwarded headers are ignored."""
    asyncio.run(_organiser(served_settings))
    limited = {"login_rate_limit_per_minute": 2, "login_lockout_after": 100}
    with serve(served_settings.model_copy(update=limited | {"trusted_proxies": "127.0.0.1"})) as base_url:
        assert "; secure" in _session_cookie_over_https(base_url).lower()
        assert _attempts(base_url, "203.0.113.1", 3) == [401, 401, 429]
        assert _attempts(base_url, "203.0.113.2", 1) == [401]  # another client behind the proxy
        assert "secure" in _csrf_cookie_over_https(base_url).lower()
    with serve(served_settings.model_copy(update=limited | {"trusted_proxies": "10.9.9.9, 10.8.0.0/16"})) as base_url:
        assert "secure" not in _session_cookie_over_https(base_url).lower()  # counts as this client's 1st
        assert _attempts(base_url, "203.0.113.1", 1) == [401]
        assert _attempts(base_url, "203.0.113.2", 1) == [429]  # the header was not believed: same client
        assert "secure" not in _csrf_cookie_over_https(base_url).lower()


def test_expo_serve_takes_the_trusted_proxies(tmp_path: Path) -> None:
    port = free_port()
    env = os.environ | {
        "EXPO_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'serve.db'}",
        "EXPO_SECRET_KEY": "serving-test-secret-0123456789abcdef",
        "EXPO_SIGNING_KEY_FILE": str(tmp_path / "keys.json"),
    }
    command = [sys.executable, "-m", "expo.cli", "serve", "--port", str(port), "--forwarded-allow-ips", "127.0.0.0/8"]
    server = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 30
        cookie = ""
        while time.monotonic() < deadline and not cookie:
            try:
                cookie = _csrf_cookie_over_https(f"http://127.0.0.1:{port}")
            except httpx.TransportError:
                time.sleep(0.2)
        assert "secure" in cookie.lower()
    finally:
        server.send_signal(signal.SIGTERM)
        output = server.communicate(timeout=30)[0].decode(errors="replace")
    assert "127.0.0.0/8" in output


# --- lockout -------------------------------------------------------------------------------------
async def _login(client: Client, email: str, password: str) -> httpx.Response:
    response = await client.post("/api/auth/login", json={"email": email, "password": password})
    client.cookies.clear()
    return response


async def _let_the_lock_pass(app: Litestar, email: str) -> None:
    """Move the lock's end into the past, as if its minutes had gone by (the count stays)."""
    from expo.lockout import LoginLockout

    store = app.stores.get(STORE_NAME)
    key = LoginLockout._key(email)
    raw = await store.get(key)
    assert raw is not None
    data: dict[str, Any] = json.loads(raw)
    await store.set(key, json.dumps(data | {"until": time.time() - 1}))


async def test_an_account_locks_after_wrong_passwords_and_backs_off(
    client: Client, session: AsyncSession, app: Litestar
) -> None:
    email = "kunci@expo.test"
    await make_user_token(session, Role.ORGANISER, email=email)
    # Two misses, then the right password: the count starts again.
    assert [(await _login(client, email, "salah")).status_code for _ in range(2)] == [401, 401]
    assert (await _login(client, email, "rahasia-123")).status_code == 200
    assert [(await _login(client, email, "salah")).status_code for _ in range(2)] == [401, 401]
    # The third miss in a row locks the account: even the right password is refused now.
    assert (await _login(client, email, "salah")).status_code == 401
    locked = await _login(client, email.upper(), "rahasia-123")
    assert locked.status_code == 429
    assert locked.headers["content-type"].startswith("application/problem+json")
    body = locked.json()
    assert body["code"] == "account_locked"
    assert body["detail"] == "Terlalu banyak kata sandi salah untuk akun ini. Coba lagi dalam 1 menit."
    assert 55 <= int(locked.headers["retry-after"]) <= 60
    english = await client.post(
        "/api/auth/login?lang=en", json={"email": email, "password": "rahasia-123"}, headers={"Accept-Language": "en"}
    )
    assert english.json()["detail"] == "Too many wrong passwords for this account. Try again in 1 min."
    client.cookies.clear()
    # The log-in page says so too.
    page = await post_form(client, "/login", {"email": email, "password": "rahasia-123"}, from_page="/login")
    assert page.status_code == 429
    assert "Terlalu banyak kata sandi salah" in page.text
    client.cookies.clear()
    # Another address changes nothing: the lock belongs to the account. A different account is free.
    other = "lain@expo.test"
    await make_user_token(session, Role.EXHIBITOR, email=other)
    assert (await _login(client, other, "rahasia-123")).status_code == 200
    # After the lock, one more miss locks it again, twice as long.
    await _let_the_lock_pass(app, email)
    assert (await _login(client, email, "salah")).status_code == 401
    again = await _login(client, email, "rahasia-123")
    assert again.status_code == 429
    assert 115 <= int(again.headers["retry-after"]) <= 120
    # After that lock, the right password opens the account and resets the count.
    await _let_the_lock_pass(app, email)
    assert (await _login(client, email, "rahasia-123")).status_code == 200
    assert (await _login(client, email, "salah")).status_code == 401
    assert (await _login(client, email, "rahasia-123")).status_code == 200


async def test_unknown_accounts_lock_the_same_way(client: Client) -> None:
    """A lock says nothing about whether the e-mail has an account."""
    statuses = [(await _login(client, "tidak-ada@expo.test", "salah")).status_code for _ in range(4)]
    assert statuses == [401, 401, 401, 429]
