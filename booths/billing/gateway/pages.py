"""The exhibitor's "pay online": ``POST /my-bills/{id}/checkout`` starts a hosted checkout and shows
``GET /my-bills/{id}/online/{checkout}``, a page with the amount and the link to the gateway.

The page is a step of its own because the site's Content-Security-Policy lets forms go only to
this site (``form-action 'self'``), and browsers apply that to a form's redirects too: a 303 from
the form straight to the gateway is blocked, a link the exhibitor follows is not. The button itself
is ``templates/billing/_online_payment.html``, shown with an ``OnlineOffer`` (``service.online_offers``)."""

from typing import Any

from litestar import Request, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Redirect, Template
from sqlalchemy.ext.asyncio import AsyncSession

from booths.billing.gateway.models import CheckoutStatus
from booths.billing.gateway.service import gateway_of, own_checkout, start_checkout
from expo.accounts import CurrentUser
from expo.auth import requires_exhibitor
from expo.formatting import as_utc, utcnow
from expo.public_url import public_base_url
from expo.settings import Settings
from expo.web import page, redirect

# Where the gateway sends the exhibitor back to; the payment shows there once the notice arrives.
RETURN_PATH = "/my-booking?msg=paid_online"


@post("/my-bills/{bill_id:int}/checkout", include_in_schema=False, guards=[requires_exhibitor])
async def online_checkout(
    request: Request[Any, Any, Any],
    *,
    bill_id: FromPath[int],
    user: NamedDependency[CurrentUser],
    settings: NamedDependency[Settings],
    db_session: NamedDependency[AsyncSession],
) -> Redirect:
    """A refusal (not offered, the gateway not answering) is a page with the reason, like any error."""
    checkout = await start_checkout(
        db_session, gateway_of(settings), bill_id, user, return_url=public_base_url(request) + RETURN_PATH
    )
    await db_session.commit()
    return redirect(f"/my-bills/{bill_id}/online/{checkout.id}")


@get("/my-bills/{bill_id:int}/online/{checkout_id:int}", include_in_schema=False, guards=[requires_exhibitor])
async def online_checkout_page(
    request: Request[Any, Any, Any],
    *,
    bill_id: FromPath[int],
    checkout_id: FromPath[int],
    user: NamedDependency[CurrentUser],
    db_session: NamedDependency[AsyncSession],
) -> Template:
    checkout, bill, expo = await own_checkout(db_session, bill_id, checkout_id, user)
    open_now = checkout.status == CheckoutStatus.OPEN and (
        checkout.expires_at is None or as_utc(checkout.expires_at) > utcnow()
    )
    return page(request, "billing/online_checkout.html", checkout=checkout, bill=bill, expo=expo, open_now=open_now)


PAGE_HANDLERS = [online_checkout, online_checkout_page]
