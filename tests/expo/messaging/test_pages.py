"""The local outbox page (e-mail kept without an SMTP server) and one message's page, its HTML
served apart under a policy that lets it run nothing."""

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy.ext.asyncio import AsyncSession

from expo.messaging import queue_message
from expo.models import Role
from expo.settings import Settings
from tests.support.factories import make_user_token
from tests.support.jobs import run_jobs
from tests.support.passes import log_in_as

pytestmark = [pytest.mark.anyio, pytest.mark.real_commits]

Client = AsyncTestClient[Litestar]


async def test_outbox_shows_delivered_local_mail(client: Client, session: AsyncSession, settings: Settings) -> None:
    context = {"name": "Rina", "title": "Reset your password", "body": "<b>Use the link</b>", "link": "https://x/r/1"}
    [message_id] = await queue_message(
        session, kind="password_reset", template="notice", context=context, key="r1", email="rina@example.com"
    )
    await session.commit()
    log_in_as(client, await make_user_token(session, Role.ORGANISER))
    assert "rina@example.com" not in (await client.get("/admin/outbox")).text  # not delivered yet
    await run_jobs(settings.model_copy(update={"smtp_host": ""}))

    outbox = await client.get("/admin/outbox")
    assert outbox.status_code == 200
    assert "rina@example.com" in outbox.text
    assert f'href="/admin/messages/{message_id}"' in outbox.text

    page = await client.get(f"/admin/messages/{message_id}")
    assert page.status_code == 200
    assert f'src="/admin/messages/{message_id}/html"' in page.text
    assert "&lt;b&gt;Use the link&lt;/b&gt;" in page.text  # the text part, escaped
    html = await client.get(f"/admin/messages/{message_id}/html")
    policy = html.headers["content-security-policy"]
    assert "default-src 'none'" in policy
    assert "sandbox" in policy
    assert "frame-ancestors 'self'" in policy
    assert "&lt;b&gt;Use the link&lt;/b&gt;" in html.text  # autoescaped in the HTML part too
    assert 'href="https://x/r/1"' in html.text

    assert (await client.get("/admin/messages/999999")).status_code == 404


async def test_outbox_is_for_organisers_only(client: Client, session: AsyncSession) -> None:
    log_in_as(client, await make_user_token(session, Role.EXHIBITOR))
    assert (await client.get("/admin/outbox")).status_code in {401, 403}
    assert (await client.get("/admin/messages/1/html")).status_code in {401, 403}
