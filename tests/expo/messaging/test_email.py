"""E-mail end to end: queue in a transaction, a real worker delivers over real SMTP to aiosmtpd; each
failure ends in a visible failed state with its reason."""

import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from expo.jobs.models import Job, JobState
from expo.messaging import Message, MessageStatus, queue_message
from tests.expo.messaging.conftest import Configure
from tests.support.jobs import run_jobs
from tests.support.smtp import refused_port, silent_server, smtp_server

pytestmark = [pytest.mark.anyio, pytest.mark.real_commits]

CONTEXT = {
    "name": "Sari",
    "title": "Booking confirmed",
    "body": "Booth A-01 is yours.",
    "link": "https://expo.example/e/x",
    "expo_name": "Expo Nusantara",
    "expo_contact": "0812 0000 1111",
}


async def _queue(session: AsyncSession, key: str = "k1", **changes: object) -> list[int]:
    args: dict[str, object] = {
        "kind": "booking_confirmed",
        "template": "notice",
        "context": CONTEXT,
        "key": key,
        "email": "sari@example.com",
    }
    ids = await queue_message(session, **(args | changes))  # type: ignore[arg-type]
    await session.commit()
    return ids


async def _message(session: AsyncSession, message_id: int) -> Message:
    session.expire_all()
    message = await session.get(Message, message_id)
    assert message is not None
    return message


def _smtp(port: int, **more: object) -> dict[str, object]:
    return {"smtp_host": "127.0.0.1", "smtp_port": port, "smtp_security": "none", "smtp_timeout_seconds": 2.0} | more


async def test_delivered_once_with_html_and_text_in_the_recipients_language(
    session: AsyncSession, configure: Configure
) -> None:
    [message_id] = await _queue(session, language="en")
    assert await _queue(session, language="en") == [message_id]  # the same key adds nothing
    with smtp_server() as (port, inbox):
        await run_jobs(configure(**_smtp(port)))
        await run_jobs(configure(**_smtp(port)))  # nothing left to send
    assert len(inbox.messages) == 1
    mail = inbox.messages[0].email
    assert mail["Subject"] == "Booking confirmed"
    assert inbox.messages[0].recipients == ["sari@example.com"]
    text = mail.get_body(("plain",))
    html = mail.get_body(("html",))
    assert text is not None
    assert html is not None
    assert "Hello Sari," in text.get_content()
    assert "Expo Nusantara" in html.get_content()
    assert 'href="https://expo.example/e/x"' in html.get_content()
    message = await _message(session, message_id)
    assert (message.status, message.provider, message.attempts) == (MessageStatus.SENT, "smtp", 1)
    assert message.sent_at is not None


async def test_indonesian_by_default(session: AsyncSession, configure: Configure) -> None:
    [message_id] = await _queue(session)
    with smtp_server() as (port, inbox):
        await run_jobs(configure(**_smtp(port)))
    body = inbox.messages[0].email.get_body(("plain",))
    assert body is not None
    assert "Halo Sari," in body.get_content()
    assert (await _message(session, message_id)).language == "id"


async def test_without_smtp_host_the_local_outbox_holds_it(session: AsyncSession, configure: Configure) -> None:
    [message_id] = await _queue(session)
    await run_jobs(configure(smtp_host=""))
    message = await _message(session, message_id)
    assert (message.status, message.provider) == (MessageStatus.SENT, "outbox")
    assert "Booth A-01 is yours." in message.body_html


async def test_missing_template_variable_is_a_failed_message(session: AsyncSession) -> None:
    context = {k: v for k, v in CONTEXT.items() if k != "title"}
    [message_id] = await _queue(session, context=context)
    message = await _message(session, message_id)
    assert message.status == MessageStatus.FAILED
    assert "'title' is undefined" in message.reason
    assert await session.scalar(sa.select(sa.func.count()).select_from(Job)) == 0


async def test_invalid_address_is_a_failed_message(session: AsyncSession) -> None:
    [message_id] = await _queue(session, email="not an address")
    message = await _message(session, message_id)
    assert message.status == MessageStatus.FAILED
    assert message.reason.startswith("not a valid e-mail address")


async def test_refused_recipient_fails_at_once(session: AsyncSession, configure: Configure) -> None:
    [message_id] = await _queue(session)
    with smtp_server() as (port, inbox):
        inbox.refuse_rcpt = "550 5.1.1 No such user"
        await run_jobs(configure(**_smtp(port)))
    message = await _message(session, message_id)
    assert (message.status, message.attempts) == (MessageStatus.FAILED, 1)
    assert "550 5.1.1 No such user" in message.reason
    job = await session.scalar(sa.select(Job))
    assert job is not None
    assert job.status == JobState.FAILED


async def test_temporary_refusal_is_retried_then_failed(session: AsyncSession, configure: Configure) -> None:
    [message_id] = await _queue(session)
    with smtp_server() as (port, inbox):
        inbox.refuse_data = "451 4.3.0 Try again later"
        await run_jobs(configure(**_smtp(port)))
    message = await _message(session, message_id)
    assert message.status == MessageStatus.FAILED
    assert message.attempts == 6
    assert "451 4.3.0 Try again later" in message.reason
    assert inbox.messages == []


async def test_temporary_refusal_then_success_sends_once(session: AsyncSession, configure: Configure) -> None:
    [message_id] = await _queue(session)
    with smtp_server() as (port, inbox):
        inbox.refuse_data = "451 4.3.0 Try again later"
        settings = configure(**_smtp(port))
        from expo.database import create_engine, create_sessionmaker
        from expo.messaging.service import deliver

        engine = create_engine(settings)
        try:
            with pytest.raises(Exception, match="451"):
                await deliver(create_sessionmaker(engine), settings, message_id, last_attempt=False)
        finally:
            await engine.dispose()
        assert (await _message(session, message_id)).status == MessageStatus.QUEUED
        inbox.refuse_data = None
        await run_jobs(settings)
    assert len(inbox.messages) == 1
    message = await _message(session, message_id)
    assert (message.status, message.attempts) == (MessageStatus.SENT, 2)


async def test_unreachable_server_fails_with_reason(session: AsyncSession, configure: Configure) -> None:
    [message_id] = await _queue(session)
    with refused_port() as port:
        await run_jobs(configure(**_smtp(port)))
    message = await _message(session, message_id)
    assert message.status == MessageStatus.FAILED
    assert "cannot reach the mail server" in message.reason


async def test_silent_server_times_out(session: AsyncSession, configure: Configure) -> None:
    [message_id] = await _queue(session)
    with silent_server() as port:
        await run_jobs(configure(**_smtp(port, smtp_timeout_seconds=0.2)))
    message = await _message(session, message_id)
    assert message.status == MessageStatus.FAILED
    assert "did not answer in time" in message.reason


async def test_tls_failure_fails_at_once(session: AsyncSession, configure: Configure) -> None:
    [message_id] = await _queue(session)
    with smtp_server() as (port, _inbox):
        await run_jobs(configure(**_smtp(port, smtp_security="tls")))
    message = await _message(session, message_id)
    assert message.status == MessageStatus.FAILED
    assert message.attempts == 1
    assert "TLS" in message.reason


async def test_starttls_missing_fails_at_once(session: AsyncSession, configure: Configure) -> None:
    [message_id] = await _queue(session)
    with smtp_server() as (port, _inbox):
        await run_jobs(configure(**_smtp(port, smtp_security="starttls")))
    message = await _message(session, message_id)
    assert (message.status, message.attempts) == (MessageStatus.FAILED, 1)
    assert "STARTTLS" in message.reason
