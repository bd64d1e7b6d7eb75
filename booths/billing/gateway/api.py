"""The webhook a payment gateway calls: ``POST /api/payments/gateway/{provider}``.

No CSRF token: it is an API path the gateway calls without a session cookie, which
``expo.auth.BearerAwareCSRFMiddleware`` lets through like the WhatsApp webhook; what proves the
caller instead is the signature, checked by the provider in constant time (401 if it fails)."""

from typing import Any

from litestar import Request, post
from litestar.di import NamedDependency
from litestar.params import FromPath
from sqlalchemy.ext.asyncio import AsyncSession

from booths.billing.gateway.service import gateway_of, receive_notice
from expo.errors import NotFound
from expo.settings import Settings

WEBHOOK = "/api/payments/gateway/{provider:str}"


@post(WEBHOOK, summary="Payment gateway notification", tags=["payments"], status_code=200)
async def gateway_webhook(
    request: Request[Any, Any, Any],
    *,
    provider: FromPath[str],
    settings: NamedDependency[Settings],
    db_session: NamedDependency[AsyncSession],
) -> dict[str, str]:
    """A signed notice about a checkout. Answers ``{"outcome": ...}``: ``paid`` (recorded in the
    ledger), ``status`` (pending, failed, expired), ``ignored``, or ``replay`` (heard before: nothing
    changed). A settlement for another amount than the checkout's is refused (422
    ``gateway_amount_mismatch``), one the bill cannot take (409 ``gateway_payment_refused``); both
    are flagged for the treasurer. 404 when this gateway is not configured; 401 on a bad signature."""
    gateway = gateway_of(settings)
    if gateway is None or gateway.name != provider:
        raise NotFound("No such webhook.", code="webhook_not_found")
    notice = gateway.verify_notification(request.headers, await request.body())
    result = await receive_notice(db_session, gateway.name, notice)
    await db_session.commit()  # the notice and its flag stay, even when the settlement is refused
    if result.refusal is not None:
        raise result.refusal
    return {"outcome": "replay" if result.outcome is None else result.outcome.value}


ROUTE_HANDLERS = [gateway_webhook]
