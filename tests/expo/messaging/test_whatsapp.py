"""WhatsApp end to end over real HTTP to a local fake provider: the Cloud API and a generic gateway,
their refusals and outages, numbers normalised to E.164, and hand sending when no provider is set."""

from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from expo.messaging import Channel, Message, MessageStatus, queue_message
from expo.phones import wa_me_link
from tests.expo.messaging.conftest import Configure
from tests.support.gateway import FakeGateway, fake_gateway
from tests.support.jobs import run_jobs
from tests.support.smtp import refused_port

pytestmark = [pytest.mark.anyio, pytest.mark.real_commits]

CONTEXT = {"name": "Budi", "title": "Hold placed", "body": "Pay within 30 minutes.", "expo_name": "Expo Nusantara"}


async def _queue(session: AsyncSession, phone: str = "0812-3456-7890", **changes: Any) -> int:
    args: dict[str, Any] = {"kind": "hold_placed", "template": "notice", "context": CONTEXT, "key": "h1"}
    [message_id] = await queue_message(session, phone=phone, **(args | changes))
    await session.commit()
    return message_id


async def _message(session: AsyncSession, message_id: int) -> Message:
    session.expire_all()
    message = await session.get(Message, message_id)
    assert message is not None
    return message


def _cloud(gateway: FakeGateway, **more: Any) -> dict[str, Any]:
    return {
        "whatsapp_provider": "cloud",
        "whatsapp_cloud_base_url": gateway.url + "/v21.0",
        "whatsapp_phone_number_id": "1055",
        "whatsapp_token": "cloud-token",
        "whatsapp_timeout_seconds": 1.0,
    } | more


def _gateway(gateway: FakeGateway, **more: Any) -> dict[str, Any]:
    return {
        "whatsapp_provider": "gateway",
        "whatsapp_gateway_url": gateway.url + "/send",
        "whatsapp_token": "gw-token",
        "whatsapp_timeout_seconds": 1.0,
    } | more


async def test_cloud_api_message(session: AsyncSession, configure: Configure) -> None:
    message_id = await _queue(session)
    with fake_gateway() as gateway:
        gateway.answer = {"messaging_product": "whatsapp", "messages": [{"id": "wamid.ABC"}]}
        await run_jobs(configure(**_cloud(gateway)))
        await run_jobs(configure(**_cloud(gateway)))
    [request] = gateway.requests
    assert request.path == "/v21.0/1055/messages"
    assert request.headers["Authorization"] == "Bearer cloud-token"
    assert request.body["to"] == "6281234567890"
    assert request.body["type"] == "text"
    assert "Pay within 30 minutes." in request.body["text"]["body"]
    assert request.body["text"]["body"].startswith("*Hold placed*\nHalo Budi,")
    message = await _message(session, message_id)
    assert (message.status, message.provider, message.provider_message_id) == (MessageStatus.SENT, "cloud", "wamid.ABC")
    assert message.recipient == "+6281234567890"


async def test_gateway_message_with_configured_fields(session: AsyncSession, configure: Configure) -> None:
    message_id = await _queue(session, phone="+62 812 3456 7890")
    with fake_gateway() as gateway:
        gateway.answer = {"status": True, "id": ["991"]}
        settings = _gateway(gateway, whatsapp_gateway_phone_field="phone", whatsapp_gateway_text_field="text")
        await run_jobs(configure(**settings, whatsapp_gateway_form=True))
    [request] = gateway.requests
    assert request.headers["Authorization"] == "gw-token"
    assert request.body["phone"] == "6281234567890"
    assert "Pay within 30 minutes." in request.body["text"]
    message = await _message(session, message_id)
    assert (message.status, message.provider, message.provider_message_id) == (MessageStatus.SENT, "gateway", "991")


async def test_gateway_refusal_in_a_200_answer(session: AsyncSession, configure: Configure) -> None:
    message_id = await _queue(session)
    with fake_gateway() as gateway:
        gateway.answer = {"status": False, "reason": "target not on WhatsApp"}
        await run_jobs(configure(**_gateway(gateway)))
    message = await _message(session, message_id)
    assert (message.status, message.attempts) == (MessageStatus.FAILED, 1)
    assert "target not on WhatsApp" in message.reason


async def test_cloud_4xx_fails_at_once_with_the_providers_reason(session: AsyncSession, configure: Configure) -> None:
    message_id = await _queue(session)
    with fake_gateway() as gateway:
        gateway.status = 400
        gateway.answer = {"error": {"message": "(#131026) Message undeliverable", "code": 131026}}
        await run_jobs(configure(**_cloud(gateway)))
    assert len(gateway.requests) == 1
    message = await _message(session, message_id)
    assert (message.status, message.attempts) == (MessageStatus.FAILED, 1)
    assert "400" in message.reason
    assert "Message undeliverable" in message.reason


async def test_5xx_is_retried_then_failed(session: AsyncSession, configure: Configure) -> None:
    message_id = await _queue(session)
    with fake_gateway() as gateway:
        gateway.status = 503
        gateway.answer = {"message": "maintenance"}
        await run_jobs(configure(**_gateway(gateway)))
    assert len(gateway.requests) == 6
    message = await _message(session, message_id)
    assert (message.status, message.attempts) == (MessageStatus.FAILED, 6)
    assert "503" in message.reason


async def test_timeout_is_retried_then_failed(session: AsyncSession, configure: Configure) -> None:
    message_id = await _queue(session)
    with fake_gateway() as gateway:
        gateway.delay = 5
        await run_jobs(configure(**_gateway(gateway, whatsapp_timeout_seconds=0.2)))
    message = await _message(session, message_id)
    assert message.status == MessageStatus.FAILED
    assert "did not answer in time" in message.reason


async def test_unreachable_provider(session: AsyncSession, configure: Configure) -> None:
    message_id = await _queue(session)
    with refused_port() as port:
        await run_jobs(configure(whatsapp_provider="gateway", whatsapp_gateway_url=f"http://127.0.0.1:{port}/send"))
    message = await _message(session, message_id)
    assert message.status == MessageStatus.FAILED
    assert "cannot reach the WhatsApp provider" in message.reason


async def test_invalid_number_is_a_failed_message(session: AsyncSession) -> None:
    message_id = await _queue(session, phone="12345")
    message = await _message(session, message_id)
    assert message.status == MessageStatus.FAILED
    assert message.reason == "not a valid WhatsApp number"


async def test_without_provider_it_waits_to_be_sent_by_hand(session: AsyncSession, configure: Configure) -> None:
    message_id = await _queue(session)
    await run_jobs(configure(whatsapp_provider=""))
    message = await _message(session, message_id)
    assert (message.status, message.channel) == (MessageStatus.MANUAL, Channel.MANUAL_WHATSAPP)
    link = wa_me_link(message.recipient, message.body_text)
    assert link.startswith("https://wa.me/6281234567890?text=%2AHold%20placed%2A%0AHalo%20Budi%2C")


async def test_email_and_whatsapp_from_one_call(session: AsyncSession) -> None:
    ids = await queue_message(
        session, kind="k", template="notice", context=CONTEXT, key="both", email="b@example.com", phone="081234567890"
    )
    await session.commit()
    channels = [(await _message(session, i)).channel for i in ids]
    assert channels == [Channel.EMAIL, Channel.WHATSAPP]
