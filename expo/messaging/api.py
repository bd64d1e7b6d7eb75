"""The WhatsApp Cloud API webhook: Meta reports there whether a message it took was delivered, read
or failed. Reports are signed with the app secret (``X-Hub-Signature-256``); unsigned or wrongly
signed ones are refused."""

import hashlib
import hmac
import json
from typing import Any

from litestar import Request, Response, get, post
from litestar.di import NamedDependency
from sqlalchemy.ext.asyncio import AsyncSession

from expo.errors import Forbidden, InvalidInput, NotFound
from expo.messaging import service as messages
from expo.settings import Settings

WEBHOOK = "/api/messaging/whatsapp/webhook"


@get(WEBHOOK, summary="WhatsApp Cloud API webhook check", tags=["messages"])
async def whatsapp_webhook_check(request: Request[Any, Any, Any], settings: NamedDependency[Settings]) -> Response[str]:
    """Meta's verification when the webhook is set up: answers ``hub.challenge`` when
    ``hub.verify_token`` is ``EXPO_WHATSAPP_WEBHOOK_VERIFY_TOKEN``."""
    token = settings.whatsapp_webhook_verify_token
    params = request.query_params
    if not token or params.get("hub.mode") != "subscribe":
        raise NotFound("No such webhook.", code="webhook_not_found")
    if not hmac.compare_digest(params.get("hub.verify_token", ""), token):
        raise Forbidden("The verify token does not match.", code="webhook_token_mismatch")
    return Response(params.get("hub.challenge", "")[:200], media_type="text/plain")


@post(WEBHOOK, summary="WhatsApp Cloud API status reports", tags=["messages"], status_code=200)
async def whatsapp_webhook(
    request: Request[Any, Any, Any], settings: NamedDependency[Settings], db_session: NamedDependency[AsyncSession]
) -> dict[str, int]:
    """Status reports (``entry[].changes[].value.statuses[]``): ``delivered`` and ``read`` mark the
    message delivered, ``failed`` fails it with Meta's reason. Answers how many messages changed."""
    secret = settings.whatsapp_app_secret
    if not secret:
        raise NotFound("No such webhook.", code="webhook_not_found")
    raw = await request.body()
    expected = "sha256=" + hmac.new(secret.encode(), raw, hashlib.sha256).hexdigest()
    if not hmac.compare_digest(request.headers.get("x-hub-signature-256", ""), expected):
        raise Forbidden("The report's signature does not match.", code="webhook_signature_mismatch")
    try:
        body = json.loads(raw)
    except ValueError:
        raise InvalidInput("The report is not JSON.", code="webhook_not_json") from None
    changed = 0
    for status in _statuses(body):
        errors = status.get("errors")
        first = errors[0] if isinstance(errors, list) and errors and isinstance(errors[0], dict) else {}
        reason = str(first.get("message") or first.get("title") or "")
        changed += await messages.record_provider_status(
            db_session, "cloud", str(status.get("id", "")), str(status.get("status", "")), reason
        )
    await db_session.commit()
    return {"changed": changed}


def _statuses(body: Any) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    entries = body.get("entry") if isinstance(body, dict) else None
    for entry in entries if isinstance(entries, list) else []:
        changes = entry.get("changes") if isinstance(entry, dict) else None
        for change in changes if isinstance(changes, list) else []:
            value = change.get("value") if isinstance(change, dict) else None
            statuses = value.get("statuses") if isinstance(value, dict) else None
            found += [s for s in (statuses if isinstance(statuses, list) else []) if isinstance(s, dict)]
    return found


ROUTE_HANDLERS = [whatsapp_webhook_check, whatsapp_webhook]
