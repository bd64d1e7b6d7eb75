"""The WhatsApp Cloud API webhook: Meta's set-up check, and signed status reports that mark a sent
message delivered or failed; unsigned or forged reports change nothing."""

import hashlib
import hmac
import json
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from expo.messaging import Message, MessageStatus, queue_message
from tests.expo.messaging.conftest import Configure
from tests.support.client import ClientWith
from tests.support.gateway import fake_gateway
from tests.support.jobs import run_jobs

pytestmark = [pytest.mark.anyio, pytest.mark.real_commits]
SECRET = "app-secret"
HOOK = "/api/messaging/whatsapp/webhook"


def _report(message_id: str, status: str, **more: Any) -> bytes:
    change = {"field": "messages", "value": {"statuses": [{"id": message_id, "status": status, **more}]}}
    return json.dumps({"object": "whatsapp_business_account", "entry": [{"changes": [change]}]}).encode()


def _signed(body: bytes, secret: str = SECRET) -> dict[str, str]:
    digest = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return {"content-type": "application/json", "x-hub-signature-256": f"sha256={digest}"}


async def _sent(session: AsyncSession, configure: Configure, key: str, wamid: str) -> int:
    context = {"name": "Budi", "title": "Hold placed", "body": "Pay soon."}
    [message_id] = await queue_message(
        session, kind="k", template="notice", context=context, key=key, phone="0812345678"
    )
    await session.commit()
    with fake_gateway() as gateway:
        gateway.answer = {"messages": [{"id": wamid}]}
        await run_jobs(
            configure(
                whatsapp_provider="cloud",
                whatsapp_cloud_base_url=gateway.url,
                whatsapp_phone_number_id="1",
                whatsapp_token="t",
            )
        )
    return message_id


async def _status(session: AsyncSession, message_id: int) -> tuple[str, str]:
    session.expire_all()
    await session.commit()
    message = await session.get(Message, message_id)
    assert message is not None
    return message.status, message.reason


async def test_delivered_and_failed_reports(
    session: AsyncSession, configure: Configure, client_with: ClientWith
) -> None:
    delivered = await _sent(session, configure, "a", "wamid.A")
    failed = await _sent(session, configure, "b", "wamid.B")
    async with client_with(whatsapp_app_secret=SECRET) as client:
        body = _report("wamid.A", "delivered")
        answer = await client.post(HOOK, content=body, headers=_signed(body))
        assert answer.status_code == 200
        assert answer.json() == {"changed": 1}
        error = {"code": 131026, "title": "Message undeliverable", "message": "Receiver is not on WhatsApp"}
        body = _report("wamid.B", "failed", errors=[error])
        assert (await client.post(HOOK, content=body, headers=_signed(body))).json() == {"changed": 1}
        body = _report("wamid.unknown", "delivered")
        assert (await client.post(HOOK, content=body, headers=_signed(body))).json() == {"changed": 0}
    assert await _status(session, delivered) == (MessageStatus.DELIVERED, "")
    assert await _status(session, failed) == (
        MessageStatus.FAILED,
        "the provider reported: Receiver is not on WhatsApp",
    )


async def test_forged_or_unsigned_reports_are_refused(
    session: AsyncSession, configure: Configure, client_with: ClientWith
) -> None:
    message_id = await _sent(session, configure, "c", "wamid.C")
    body = _report("wamid.C", "failed")
    async with client_with(whatsapp_app_secret=SECRET) as client:
        forged = await client.post(HOOK, content=body, headers=_signed(body, "another-secret"))
        assert forged.status_code == 403
        assert forged.json()["code"] == "webhook_signature_mismatch"
        unsigned = await client.post(HOOK, content=body, headers={"content-type": "application/json"})
        assert unsigned.status_code == 403
        garbage = b"not json"
        assert (await client.post(HOOK, content=garbage, headers=_signed(garbage))).status_code == 422
    async with client_with() as client:  # no app secret set: there is no webhook
        assert (await client.post(HOOK, content=body, headers=_signed(body))).status_code == 404
    assert (await _status(session, message_id))[0] == MessageStatus.SENT


async def test_set_up_check(client_with: ClientWith) -> None:
    query = {"hub.mode": "subscribe", "hub.verify_token": "verify-me", "hub.challenge": "12345"}
    async with client_with(whatsapp_webhook_verify_token="verify-me") as client:
        answer = await client.get(HOOK, params=query)
        assert answer.status_code == 200
        assert answer.text == "12345"
        assert (await client.get(HOOK, params=query | {"hub.verify_token": "wrong"})).status_code == 403
    async with client_with() as client:
        assert (await client.get(HOOK, params=query)).status_code == 404
