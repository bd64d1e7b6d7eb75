"""Password reset and e-mail verification through HTTP: the same answer for any address, links that
work once and for a while, old log-ins ended, and the messages that carry the links."""

import re
from datetime import timedelta
from typing import Any

import httpx
import pytest
import sqlalchemy as sa
from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy.ext.asyncio import AsyncSession

from expo.account_links import LinkFault
from expo.auth import SESSION_COOKIE
from expo.messaging.models import Message
from expo.models import AccountToken, AuthSession, Role, TokenPurpose, User
from tests.support.client import ClientWith
from tests.support.factories import make_user_token, make_venue, signup_exhibitor
from tests.support.pages import shown

pytestmark = pytest.mark.anyio

Client = AsyncTestClient[Litestar]
PASSWORD = "rahasia-123"  # make_user_token's
NEW_PASSWORD = "kata-sandi-baru-9"


async def post_form(client: Client, path: str, data: dict[str, Any], *, from_page: str) -> httpx.Response:
    opened = await client.get(from_page)
    assert opened.status_code < 500, opened.text
    token = client.cookies.get("csrftoken")
    assert token
    return await client.post(path, data={**data, "_csrf_token": token}, follow_redirects=False)


async def _messages(session: AsyncSession, kind: str) -> list[Message]:
    rows = await session.scalars(sa.select(Message).where(Message.kind == kind).order_by(Message.id))
    return list(rows.all())


def _link_in(message: Message, path: str) -> str:
    found = re.search(rf"https?://\S+{re.escape(path)}\?token=[\w-]+", message.body_text)
    assert found, message.body_text
    return found.group(0)


async def _forgot(client: Client, email: str) -> httpx.Response:
    return await post_form(client, "/forgot-password", {"email": email}, from_page="/forgot-password")


async def test_forgot_password_answers_the_same_for_an_unknown_address(client: Client, session: AsyncSession) -> None:
    await make_user_token(session, Role.ORGANISER, email="panitia@expo.test")
    known = await _forgot(client, "Panitia@Expo.test")
    unknown = await _forgot(client, "siapa@expo.test")
    assert known.status_code == unknown.status_code == 200
    assert "data-sent" in known.text
    assert "data-sent" in unknown.text
    assert known.text.replace("panitia@expo.test", "X") == unknown.text.replace("siapa@expo.test", "X")
    sent = await _messages(session, "password_reset")
    assert [m.recipient for m in sent] == ["panitia@expo.test"]  # one message, to the known address only
    assert sent[0].channel == "email"
    assert sent[0].user_id is not None


async def test_an_empty_address_is_a_form_error(client: Client) -> None:
    response = await _forgot(client, "  ")
    assert response.status_code == 422
    assert shown("This field is required.") in response.text


async def test_reset_sets_the_password_ends_old_sessions_and_the_link_works_once(
    client: Client, session: AsyncSession
) -> None:
    old_token = await make_user_token(session, Role.ORGANISER, email="panitia@expo.test")
    await _forgot(client, "panitia@expo.test")
    message = (await _messages(session, "password_reset"))[0]
    link = _link_in(message, "/reset-password")
    path = link[link.index("/reset-password") :]
    token = path.split("token=")[1]
    assert f'href="{link}"' in message.body_html  # the HTML part has the link as a button
    assert shown("Set a new password") in message.body_html

    form = await client.get(path)
    assert form.status_code == 200
    assert 'name="token"' in form.text

    too_short = await post_form(
        client, "/reset-password", {"token": token, "password": "pendek", "repeat": "pendek"}, from_page=path
    )
    assert too_short.status_code == 422
    assert shown("Use at least %(min)s characters.", min=8) in too_short.text
    differ = await post_form(
        client, "/reset-password", {"token": token, "password": NEW_PASSWORD, "repeat": "lain-lagi-99"}, from_page=path
    )
    assert differ.status_code == 422
    assert shown("The two passwords differ.") in differ.text

    done = await post_form(
        client, "/reset-password", {"token": token, "password": NEW_PASSWORD, "repeat": NEW_PASSWORD}, from_page=path
    )
    assert done.status_code == 303
    assert done.headers["location"] == "/login?msg=password_changed"
    assert shown("Your new password is set. Log in with it.") in (await client.get(done.headers["location"])).text

    # the old log-in ended; the old password no longer works, the new one does
    assert (await client.get("/api/auth/me", headers={"Authorization": f"Bearer {old_token}"})).status_code == 401
    user = await session.scalar(sa.select(User).where(User.email == "panitia@expo.test"))
    assert user is not None
    remaining = await session.scalar(
        sa.select(sa.func.count()).select_from(AuthSession).where(AuthSession.user_id == user.id)
    )
    assert remaining == 0
    client.cookies.clear()
    assert (
        await client.post("/api/auth/login", json={"email": "panitia@expo.test", "password": PASSWORD})
    ).status_code == 401
    logged_in = await client.post("/api/auth/login", json={"email": "panitia@expo.test", "password": NEW_PASSWORD})
    assert logged_in.status_code == 200, logged_in.text

    # the same link again: a clear page, not a form
    again = await client.get(path)
    assert again.status_code == 410
    assert shown("This link was already used. Ask for a new one if you still need it.") in again.text
    reused = await post_form(
        client,
        "/reset-password",
        {"token": token, "password": "ketiga-kali-9", "repeat": "ketiga-kali-9"},
        from_page="/login",
    )
    assert reused.status_code == 410
    assert shown("This link was already used. Ask for a new one if you still need it.") in reused.text


async def test_a_tampered_link_gets_a_clear_page(client: Client, session: AsyncSession) -> None:
    await make_user_token(session, Role.ORGANISER, email="panitia@expo.test")
    await _forgot(client, "panitia@expo.test")
    link = _link_in((await _messages(session, "password_reset"))[0], "/reset-password")
    path = link[link.index("/reset-password") :]
    tampered = path[:-3] + ("aaa" if not path.endswith("aaa") else "bbb")
    for target in (tampered, "/reset-password", "/reset-password?token=%00"):
        response = await client.get(target)
        assert response.status_code == 400, target
        assert (
            shown("This link is not valid. Copy the whole link from the message, or ask for a new one.")
            in response.text
        )
    posted = await post_form(
        client,
        "/reset-password",
        {"token": tampered.split("token=")[1], "password": NEW_PASSWORD, "repeat": NEW_PASSWORD},
        from_page="/login",
    )
    assert posted.status_code == 400
    assert (
        await client.post("/api/auth/login", json={"email": "panitia@expo.test", "password": PASSWORD})
    ).status_code == 200


async def test_an_expired_link_gets_a_clear_page(client: Client, session: AsyncSession) -> None:
    await make_user_token(session, Role.ORGANISER, email="panitia@expo.test")
    await _forgot(client, "panitia@expo.test")
    link = _link_in((await _messages(session, "password_reset"))[0], "/reset-password")
    path = link[link.index("/reset-password") :]
    row = await session.scalar(sa.select(AccountToken).where(AccountToken.purpose == TokenPurpose.RESET_PASSWORD))
    assert row is not None
    row.expires_at = row.created_at + timedelta(minutes=60) - timedelta(days=1)
    await session.commit()
    response = await client.get(path)
    assert response.status_code == 410
    assert shown("This link has expired. Ask for a new one.") in response.text
    token = path.split("token=")[1]
    posted = await post_form(
        client,
        "/reset-password",
        {"token": token, "password": NEW_PASSWORD, "repeat": NEW_PASSWORD},
        from_page="/login",
    )
    assert posted.status_code == 410


async def test_a_reset_link_expires_after_the_setting(client: Client, session: AsyncSession) -> None:
    await make_user_token(session, Role.ORGANISER, email="panitia@expo.test")
    await _forgot(client, "panitia@expo.test")
    row = await session.scalar(sa.select(AccountToken))
    assert row is not None
    assert row.expires_at - row.created_at == pytest.approx(timedelta(minutes=60), abs=timedelta(seconds=5))
    assert len(row.token_hash) == 64  # a digest is stored, never the token
    message = (await _messages(session, "password_reset"))[0]
    assert row.token_hash not in message.body_text


async def test_one_address_gets_a_few_links_an_hour_and_the_answer_stays_the_same(
    client_with: ClientWith, session: AsyncSession
) -> None:
    await make_user_token(session, Role.ORGANISER, email="panitia@expo.test")
    async with client_with(password_resets_per_hour=2) as limited:
        for _ in range(4):
            response = await _forgot(limited, "panitia@expo.test")
            assert response.status_code == 200
            assert "data-sent" in response.text
    assert len(await _messages(session, "password_reset")) == 2


async def test_forgot_password_is_rate_limited_per_client(client_with: ClientWith) -> None:
    async with client_with(forgot_password_rate_limit_per_minute=2) as limited:
        for _ in range(2):
            assert (await _forgot(limited, "siapa@expo.test")).status_code == 200
        assert (await _forgot(limited, "siapa@expo.test")).status_code == 429


async def test_sign_up_sends_a_verification_link_and_following_it_verifies(
    client: Client, session: AsyncSession
) -> None:
    venue = await make_venue(session)
    exhibitor, token = await signup_exhibitor(client, venue.expo_id, email="penjual@contoh.id")
    sent = await _messages(session, "verify_email")
    assert [(m.recipient, m.exhibitor_id) for m in sent] == [("penjual@contoh.id", None)]
    # the account works before verifying, and its pages ask to verify
    client.cookies.set(SESSION_COOKIE, token)
    page = await client.get("/my-booking")
    assert page.status_code == 200
    assert (
        shown("Please verify your e-mail address: follow the link we sent to %(email)s.", email="penjual@contoh.id")
        in page.text
    )
    # the organisers see it unverified
    organiser = await make_user_token(session, Role.ORGANISER)
    listed = await client.get(
        f"/api/expos/{venue.expo_id}/exhibitors", headers={"Authorization": f"Bearer {organiser}"}
    )
    assert [e["email_verified"] for e in listed.json()] == [False]

    link = _link_in(sent[0], "/verify-email")
    assert f'href="{link}"' in sent[0].body_html
    path = link[link.index("/verify-email") :]
    verified = await client.get(path)
    assert verified.status_code == 200
    assert shown("E-mail address verified") in verified.text
    page = await client.get("/my-booking")
    assert "verify-banner" not in page.text
    listed = await client.get(
        f"/api/expos/{venue.expo_id}/exhibitors", headers={"Authorization": f"Bearer {organiser}"}
    )
    assert [e["email_verified"] for e in listed.json()] == [True]
    assert exhibitor["id"] == listed.json()[0]["id"]
    again = await client.get(path)
    assert again.status_code == 410


async def test_a_new_verification_link_on_request_once_a_minute(client: Client, session: AsyncSession) -> None:
    venue = await make_venue(session)
    _, token = await signup_exhibitor(client, venue.expo_id, email="penjual@contoh.id")
    client.cookies.set(SESSION_COOKIE, token)
    sent = await post_form(client, "/verify-email/resend", {"next": "/my-booking"}, from_page="/my-booking")
    assert sent.status_code == 303
    assert sent.headers["location"] == "/my-booking?msg=verification_sent"
    # the sign-up's link is less than a minute old: nothing new yet
    assert len(await _messages(session, "verify_email")) == 1
    first = await session.scalar(sa.select(AccountToken))
    assert first is not None
    first.created_at = first.created_at - timedelta(minutes=5)
    await session.commit()
    await post_form(client, "/verify-email/resend", {"next": "//evil.example"}, from_page="/my-booking")
    assert len(await _messages(session, "verify_email")) == 2


@pytest.mark.parametrize("fault", list(LinkFault))
async def test_every_link_fault_has_its_own_words(fault: LinkFault) -> None:
    from expo.account_links import BadLink

    error = BadLink(fault)
    assert error.code == fault.value
    assert error.status in {400, 410}
