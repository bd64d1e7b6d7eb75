"""The organisers' messages page of an expo: status and reason, filters, search, paging by exhibitor,
retry of a failed message (delivered once afterwards), and hand sending through wa.me."""

from typing import Any

import pytest
import sqlalchemy as sa
from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from expo.messaging import Message, MessageStatus, queue_message
from expo.models import Role
from expo.settings import Settings
from tests.support.factories import Venue, make_user_token, make_venue
from tests.support.jobs import run_jobs
from tests.support.pages import shown
from tests.support.passes import log_in_as, post_form
from tests.support.smtp import refused_port, smtp_server

pytestmark = [pytest.mark.anyio, pytest.mark.real_commits]

Client = AsyncTestClient[Litestar]
CONTEXT = {"name": "Sari", "title": "Booking confirmed", "body": "Booth A-01 is yours.", "expo_name": "Expo"}


async def _queue(session: AsyncSession, venue: Venue, key: str, **more: Any) -> list[int]:
    args: dict[str, Any] = {"kind": "booking_confirmed", "template": "notice", "context": CONTEXT, "key": key}
    ids = await queue_message(session, expo_id=venue.expo_id, **(args | more))
    await session.commit()
    return ids


async def _status(session: AsyncSession, message_id: int) -> str:
    await session.commit()  # a new transaction: see what the worker and the app committed
    status = await session.scalar(sa.select(col(Message.status)).where(col(Message.id) == message_id))
    assert status is not None
    return status


def _quick(settings: Settings, **more: Any) -> Settings:
    values = {"job_backoff_base_seconds": 0.0, "job_backoff_max_seconds": 0.0, "smtp_timeout_seconds": 2.0}
    return settings.model_copy(update=values | more)


async def test_failed_message_shown_with_reason_then_retried_and_sent_once(
    client: Client, session: AsyncSession, venue: Venue, settings: Settings
) -> None:
    [failing] = await _queue(session, venue, "b1", email="sari@example.com", exhibitor_id=7)
    [other] = await _queue(session, venue, "b2", email="budi@example.com", exhibitor_id=8)
    elsewhere = await make_venue(session, slug="expo-lain")
    [stray] = await queue_message(
        session, kind="k", template="notice", context=CONTEXT, key="x", email="x@example.com", expo_id=elsewhere.expo_id
    )
    await session.commit()
    with refused_port() as port:
        down = _quick(settings, smtp_host="127.0.0.1", smtp_port=port, smtp_security="none")
        # A retry due "now" may not be due yet by the database's clock when the worker looks: run until
        # every message used up its attempts (bounded), so none is left to succeed later by chance.
        for _ in range(20):
            await run_jobs(down)
            if {await _status(session, m) for m in (failing, other, stray)} == {MessageStatus.FAILED}:
                break
    assert await _status(session, failing) == MessageStatus.FAILED
    assert await _status(session, other) == MessageStatus.FAILED
    log_in_as(client, await make_user_token(session, Role.ORGANISER))
    path = f"/admin/e/{venue.expo.slug}/messages"

    page = await client.get(path)
    assert page.status_code == 200
    assert "sari@example.com" in page.text
    assert "budi@example.com" in page.text
    assert "x@example.com" not in page.text
    assert shown("cannot reach the mail server: %(detail)s", detail="") in page.text  # the reason, translated
    assert shown("Failed") in page.text

    only_one = await client.get(path, params={"exhibitor": "8"})
    assert "budi@example.com" in only_one.text
    assert "sari@example.com" not in only_one.text
    searched = await client.get(path, params={"q": "SARI"})
    assert "sari@example.com" in searched.text
    assert "budi@example.com" not in searched.text
    assert "sari" in (await client.get(path, params={"status": "failed", "q": "sari"})).text
    assert "sari@example.com" not in (await client.get(path, params={"status": "sent"})).text
    assert (await client.get(path, params={"status": "nonsense", "page": "x", "exhibitor": "y"})).status_code == 200

    answer = await post_form(client, f"{path}/{failing}/retry", {"back": "q=sari"}, from_page=path)
    assert answer.status_code == 303
    assert answer.headers["location"] == f"{path}?q=sari&msg=retried"
    assert await _status(session, failing) == MessageStatus.QUEUED
    again = await post_form(client, f"{path}/{failing}/retry", {"back": ""}, from_page=path)
    assert again.status_code == 409
    assert shown("Only a failed message can be sent again.") in again.text

    with smtp_server() as (port, inbox):
        up = _quick(settings, smtp_host="127.0.0.1", smtp_port=port, smtp_security="none")
        await run_jobs(up)
        await run_jobs(up)
    assert inbox.keys() == ["b1:email"]
    assert await _status(session, failing) == MessageStatus.SENT
    assert await _status(session, other) == MessageStatus.FAILED

    not_here = await post_form(client, f"/admin/e/expo-lain/messages/{other}/retry", {"back": ""}, from_page=path)
    assert not_here.status_code == 404


async def test_manual_whatsapp_link_and_mark_as_sent(
    client: Client, session: AsyncSession, venue: Venue, settings: Settings
) -> None:
    [message_id] = await _queue(session, venue, "w1", phone="0812 3456 7890")
    await run_jobs(_quick(settings, whatsapp_provider=""))
    log_in_as(client, await make_user_token(session, Role.ORGANISER))
    path = f"/admin/e/{venue.expo.slug}/messages"
    page = await client.get(path)
    assert 'href="https://wa.me/6281234567890?text=' in page.text
    assert shown("Send by hand") in page.text
    answer = await post_form(client, f"{path}/{message_id}/sent", {"back": ""}, from_page=path)
    assert answer.status_code == 303
    assert await _status(session, message_id) == MessageStatus.SENT
    twice = await post_form(client, f"{path}/{message_id}/sent", {"back": ""}, from_page=path)
    assert twice.status_code == 409


async def test_only_organisers(client: Client, session: AsyncSession, venue: Venue) -> None:
    log_in_as(client, await make_user_token(session, Role.EXHIBITOR))
    page = await client.get(f"/admin/e/{venue.expo.slug}/messages")
    assert page.status_code in {401, 403}


async def test_a_message_that_cannot_be_sent_offers_no_retry(
    client: Client, session: AsyncSession, venue: Venue
) -> None:
    [message_id] = await _queue(session, venue, "bad", email="budi@contoh")
    log_in_as(client, await make_user_token(session, Role.ORGANISER))
    path = f"/admin/e/{venue.expo.slug}/messages"
    page = await client.get(path)
    assert shown("not a valid e-mail address: %(detail)s", detail="") in page.text
    assert f"/messages/{message_id}/retry" not in page.text
    refused = await post_form(client, f"{path}/{message_id}/retry", {"back": ""}, from_page=path)
    assert refused.status_code == 409
    assert shown("This message could not be written or has no usable address; it cannot be sent again.") in refused.text
    assert await _status(session, message_id) == MessageStatus.FAILED
