"""Organiser pages of the platform's messages: the local outbox (every e-mail delivered without an
SMTP server, so the demo shows them) and one message, its HTML shown in a sandboxed frame."""

from typing import Annotated, Any
from urllib.parse import urlencode

from litestar import Request, Response, get
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, Parameter
from litestar.response import Template
from sqlalchemy.ext.asyncio import AsyncSession

from expo import web
from expo.accounts import CurrentUser
from expo.auth import requires
from expo.messaging import service as messages
from expo.messaging.labels import MESSAGE_LABELS
from expo.messaging.models import Channel, MessageStatus
from expo.permissions import Area
from expo.phones import wa_me_link

# The message's own HTML: no script, no requests but images, framed only by our own pages, and
# sandboxed (links open in a new tab or, on a click, in the whole window).
MESSAGE_HTML_POLICY = "; ".join(
    [
        "default-src 'none'",
        "style-src 'unsafe-inline'",
        "img-src data: https:",
        "frame-ancestors 'self'",
        "sandbox allow-popups allow-popups-to-escape-sandbox allow-top-navigation-by-user-activation",
    ]
)
PER_PAGE = 50


@get("/admin/outbox", include_in_schema=False, guards=[requires(Area.MESSAGES)])
async def outbox(
    request: Request[Any, Any, Any],
    *,
    db_session: NamedDependency[AsyncSession],
    user: NamedDependency[CurrentUser],
    q: FromQuery[Annotated[str, Parameter(max_length=100)]] = "",
    page: FromQuery[Annotated[int, Parameter(ge=1, le=100_000)]] = 1,
) -> Template:
    listing = await messages.list_messages(
        db_session, reader=user, provider="outbox", q=q.strip() or None, page=page, per_page=PER_PAGE
    )

    def page_query(n: int) -> str:
        return urlencode({k: v for k, v in {"q": q.strip(), "page": str(n)}.items() if v})

    return web.page(
        request, "admin/outbox.html", listing=listing, q=q.strip(), page_query=page_query, label=MESSAGE_LABELS
    )


@get("/admin/messages/{message_id:int}", include_in_schema=False, guards=[requires(Area.MESSAGES)])
async def message_page(
    request: Request[Any, Any, Any],
    *,
    message_id: FromPath[int],
    db_session: NamedDependency[AsyncSession],
    user: NamedDependency[CurrentUser],
) -> Template:
    message = await messages.get_message(db_session, message_id, reader=user)
    link = wa_me_link(message.recipient, message.body_text) if message.status == MessageStatus.MANUAL else ""
    return web.page(
        request,
        "admin/message.html",
        message=message,
        wa_link=link,
        is_email=message.channel == Channel.EMAIL,
        label=MESSAGE_LABELS,
    )


@get("/admin/messages/{message_id:int}/html", include_in_schema=False, guards=[requires(Area.MESSAGES)])
async def message_html(
    message_id: FromPath[int], db_session: NamedDependency[AsyncSession], user: NamedDependency[CurrentUser]
) -> Response[str]:
    message = await messages.get_message(db_session, message_id, reader=user)
    return Response(
        message.body_html,
        media_type="text/html",
        headers={"content-security-policy": MESSAGE_HTML_POLICY, "cache-control": "no-store"},
    )


PAGE_HANDLERS = [outbox, message_page, message_html]
