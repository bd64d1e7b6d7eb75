"""Organiser pages: the messages of one expo (or of one exhibitor): status, reason, search, retry, and
the wa.me link of those sent by hand."""

from typing import Annotated, Any
from urllib.parse import urlencode

from litestar import Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, Parameter
from litestar.response import Template
from pydantic import BaseModel
from sqlalchemy.ext.asyncio import AsyncSession

from booths.venue import service as venue
from expo import web
from expo.auth import requires
from expo.forms import FormBody, FormErrors, Rerender, back_filters, back_to, submit
from expo.i18n import gettext
from expo.messaging import service as messages
from expo.messaging.labels import MESSAGE_LABELS
from expo.messaging.models import MessageStatus
from expo.permissions import Area
from expo.phones import wa_me_link

_FILTERS = ("status", "q", "exhibitor", "page")
PER_PAGE = 50
STATUSES = tuple(s.value for s in MessageStatus)


def _notice(code: str) -> str | None:
    notices = {
        "retried": gettext("The message is queued to be sent again."),
        "marked": gettext("The message is marked as sent."),
    }
    return notices.get(code)


async def _render(
    request: Request[Any, Any, Any],
    db_session: AsyncSession,
    slug: str,
    filters: dict[str, str],
    *,
    notice: str | None = None,
    error: str | None = None,
    failed: int | None = None,
    status_code: int = 200,
) -> Template:
    expo = await venue.get_expo_by_slug(db_session, slug)
    status = next((MessageStatus(s) for s in STATUSES if s == filters.get("status")), None)
    q = filters.get("q", "").strip()[:100]
    exhibitor = filters.get("exhibitor", "").strip()
    exhibitor_id = int(exhibitor) if exhibitor.isdigit() and len(exhibitor) < 10 else None
    number = filters.get("page", "1")
    page_number = int(number) if number.isdigit() and len(number) < 7 else 1
    listing = await messages.list_messages(
        db_session,
        expo_id=expo.id,
        exhibitor_id=exhibitor_id,
        status=status,
        q=q or None,
        page=page_number,
        per_page=PER_PAGE,
    )
    current = {
        "status": status.value if status else "",
        "q": q,
        "exhibitor": str(exhibitor_id or ""),
        "page": str(listing.page) if listing.page > 1 else "",
    }
    links = {m.id: wa_me_link(m.recipient, m.body_text) for m in listing.rows if m.status == MessageStatus.MANUAL}

    def page_query(n: int) -> str:
        return urlencode({k: v for k, v in (current | {"page": str(n)}).items() if v})

    return web.page(
        request,
        "admin/messages.html",
        status_code=status_code,
        expo=expo,
        listing=listing,
        statuses=STATUSES,
        filters=current,
        page_query=page_query,
        back=urlencode({k: v for k, v in current.items() if v}),
        wa_links=links,
        retryable={m.id for m in listing.rows if messages.can_retry(m)},
        label=MESSAGE_LABELS,
        notice=notice,
        error=error,
        failed=failed,
    )


@get("/admin/e/{slug:str}/messages", include_in_schema=False, guards=[requires(Area.MESSAGES)])
async def admin_messages(
    request: Request[Any, Any, Any],
    *,
    slug: FromPath[str],
    db_session: NamedDependency[AsyncSession],
    status: FromQuery[Annotated[str, Parameter(max_length=16)]] = "",
    q: FromQuery[Annotated[str, Parameter(max_length=100)]] = "",
    exhibitor: FromQuery[Annotated[str, Parameter(max_length=12)]] = "",
    page: FromQuery[Annotated[str, Parameter(max_length=8)]] = "",
    msg: FromQuery[Annotated[str, Parameter(max_length=32)]] = "",
) -> Template:
    filters = {"status": status, "q": q, "exhibitor": exhibitor, "page": page}
    return await _render(request, db_session, slug, filters, notice=_notice(msg))


class MessageForm(BaseModel):
    back: str = ""


def _again(request: Request[Any, Any, Any], db_session: AsyncSession, slug: str, back: str, failed: int) -> Rerender:
    async def again(errors: FormErrors, status: int) -> Template:
        filters = back_filters(back, _FILTERS)
        return await _render(request, db_session, slug, filters, error=errors.text(), failed=failed, status_code=status)

    return again


@post("/admin/e/{slug:str}/messages/{message_id:int}/retry", include_in_schema=False, guards=[requires(Area.MESSAGES)])
async def admin_retry_message(
    request: Request[Any, Any, Any],
    *,
    slug: FromPath[str],
    message_id: FromPath[int],
    data: Annotated[MessageForm, FormBody],
    db_session: NamedDependency[AsyncSession],
) -> Response[Any]:
    async def retry() -> None:
        expo = await venue.get_expo_by_slug(db_session, slug)
        await messages.retry_message(db_session, message_id, expo_id=expo.id)

    done = back_to(f"/admin/e/{slug}/messages", data.back, _FILTERS, "retried")
    return await submit(db_session, retry, rerender=_again(request, db_session, slug, data.back, message_id), done=done)


@post("/admin/e/{slug:str}/messages/{message_id:int}/sent", include_in_schema=False, guards=[requires(Area.MESSAGES)])
async def admin_mark_sent(
    request: Request[Any, Any, Any],
    *,
    slug: FromPath[str],
    message_id: FromPath[int],
    data: Annotated[MessageForm, FormBody],
    db_session: NamedDependency[AsyncSession],
) -> Response[Any]:
    async def mark() -> None:
        expo = await venue.get_expo_by_slug(db_session, slug)
        await messages.mark_sent_by_hand(db_session, message_id, expo_id=expo.id)

    done = back_to(f"/admin/e/{slug}/messages", data.back, _FILTERS, "marked")
    return await submit(db_session, mark, rerender=_again(request, db_session, slug, data.back, message_id), done=done)


PAGE_HANDLERS = [admin_messages, admin_retry_message, admin_mark_sent]
