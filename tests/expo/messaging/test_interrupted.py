"""An attempt that dies between handing a message over and recording the answer: the message is
never sent twice, and never left looking sent when nobody knows; it is failed for a person to check
("it may have arrived"). The kill itself is in ``test_crash.py``; here each window is made on purpose."""

from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from expo.messaging import Message, MessageStatus, queue_message
from expo.messaging import service as messaging_service
from tests.expo.messaging.conftest import Configure
from tests.support.jobs import run_jobs
from tests.support.smtp import Inbox, smtp_server

pytestmark = [pytest.mark.anyio, pytest.mark.real_commits]

CONTEXT = {"name": "Sari", "title": "Passes ready", "body": "Your passes are ready.", "expo_name": "Expo"}
MAY_HAVE_ARRIVED = "interrupted while sending; it may have arrived: ask the recipient before sending it again"


def _smtp(port: int) -> dict[str, object]:
    return {"smtp_host": "127.0.0.1", "smtp_port": port, "smtp_security": "none", "smtp_timeout_seconds": 2.0}


async def _message(session: AsyncSession, message_id: int) -> Message:
    session.expire_all()
    message = await session.get(Message, message_id)
    assert message is not None
    return message


@pytest.mark.parametrize("channel", ["email", "whatsapp"])
async def test_a_message_left_sending_by_a_dead_attempt_is_failed_not_sent_again(
    session: AsyncSession, configure: Configure, channel: str
) -> None:
    address = {"email": "sari@example.com"} if channel == "email" else {"phone": "0812 3456 7890"}
    [message_id] = await queue_message(
        session,
        kind="passes_ready",
        template="notice",
        context=CONTEXT,
        key="k",
        **address,  # type: ignore[arg-type]
    )
    await session.execute(sa.update(Message).where(Message.id == message_id).values(status="sending", claim="dead0001"))
    await session.commit()
    with smtp_server() as (port, inbox):
        await run_jobs(configure(**_smtp(port)))
    message = await _message(session, message_id)
    assert (message.status, message.reason) == (MessageStatus.FAILED, MAY_HAVE_ARRIVED)
    assert inbox.messages == []


def _failing_record(monkeypatch: pytest.MonkeyPatch, times: int) -> list[int]:
    """The first ``times`` updates that would mark the message sent fail as a lost database would."""
    failed: list[int] = []
    update = messaging_service._Attempt.update

    async def flaky(self: Any, **values: Any) -> bool:
        if values.get("status") == MessageStatus.SENT.value and len(failed) < times:
            failed.append(1)
            raise sa.exc.OperationalError("UPDATE message", {}, Exception("the database went away"))
        return await update(self, **values)

    monkeypatch.setattr(messaging_service._Attempt, "update", flaky)
    return failed


async def _send_with_failing_record(
    session: AsyncSession, configure: Configure, monkeypatch: pytest.MonkeyPatch, *, times: int
) -> tuple[int, list[int], Inbox]:
    """Queue one e-mail and run its jobs to the end against a real SMTP server, the first ``times``
    records of "sent" failing."""
    [message_id] = await queue_message(
        session, kind="passes_ready", template="notice", context=CONTEXT, key="k", email="sari@example.com"
    )
    await session.commit()
    failed = _failing_record(monkeypatch, times=times)
    with smtp_server() as (port, inbox):
        await run_jobs(configure(**_smtp(port)))
    return message_id, failed, inbox


async def test_the_answer_recorded_on_the_second_try_sends_once(
    session: AsyncSession, configure: Configure, monkeypatch: pytest.MonkeyPatch
) -> None:
    message_id, failed, inbox = await _send_with_failing_record(session, configure, monkeypatch, times=1)
    assert failed == [1]
    assert len(inbox.messages) == 1
    message = await _message(session, message_id)
    assert (message.status, message.attempts, message.provider) == (MessageStatus.SENT, 1, "smtp")


async def test_an_answer_that_cannot_be_recorded_is_never_sent_again(
    session: AsyncSession, configure: Configure, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The job fails, runs again, finds the message ``sending``.
    message_id, failed, inbox = await _send_with_failing_record(session, configure, monkeypatch, times=2)
    assert failed == [1, 1]
    assert len(inbox.messages) == 1  # taken by the server once, not sent again
    message = await _message(session, message_id)
    assert (message.status, message.reason) == (MessageStatus.FAILED, MAY_HAVE_ARRIVED)
