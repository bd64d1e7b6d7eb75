"""The registration desk's queue of exhibitors' documents: the waiting ones oldest first (or any status,
any kind), each file shown inline beside what the exhibitor typed, and approve / reject / ask again."""

from typing import Annotated, Any
from urllib.parse import urlencode

from litestar import Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, Parameter
from litestar.response import Template
from pydantic import BaseModel
from sqlalchemy.ext.asyncio import AsyncSession

from booths.documents import service as documents
from booths.documents.models import DocumentKind, DocumentStatus
from booths.venue.models import Expo
from booths.venue.service import get_expo_by_slug
from expo.accounts import CurrentUser
from expo.auth import requires
from expo.forms import FormBody, FormErrors, back_filters, submit
from expo.i18n import gettext
from expo.permissions import Area
from expo.web import page

FILTERS = ("kind", "status")
REVIEW_FIELDS = {"reason"}


def _notice(code: str) -> str | None:
    return {
        "approved": gettext("The document is approved."),
        "unlocked": gettext("The document is approved, and with it the exhibitor's class."),
        "rejected": gettext("The document is rejected; the exhibitor is told why."),
        "resubmit": gettext("The exhibitor is asked to send the document again."),
    }.get(code)


def _filters(kind: str, status: str) -> tuple[DocumentKind | None, DocumentStatus]:
    picked_kind = next((k for k in DocumentKind if k.value == kind), None)
    picked_status = next((s for s in DocumentStatus if s.value == status), DocumentStatus.SUBMITTED)
    return picked_kind, picked_status


class ReviewForm(BaseModel):
    reason: str = ""
    resubmit: str = ""
    back: str = ""


async def _render(
    request: Request[Any, Any, Any],
    db_session: AsyncSession,
    user: CurrentUser,
    expo: Expo,
    filters: dict[str, str],
    *,
    notice: str | None = None,
    failed: int | None = None,
    values: dict[str, str] | None = None,
    errors: FormErrors | None = None,
    status_code: int = 200,
) -> Template:
    assert expo.id is not None
    kind, status = _filters(filters.get("kind", ""), filters.get("status", ""))
    items = await documents.review_queue(db_session, expo.id, user, kind=kind, status=status)
    current = {"kind": kind.value if kind else "", "status": status.value}
    return page(
        request,
        "documents/queue.html",
        status_code=status_code,
        expo=expo,
        items=items,
        filters=current,
        back=urlencode({k: v for k, v in current.items() if v}),
        kinds=[k.value for k in DocumentKind],
        statuses=[s.value for s in DocumentStatus],
        waiting=await documents.waiting_count(db_session, expo.id),
        today=await documents.expo_today(db_session, expo.id),
        notice=notice,
        failed=failed,
        values=values or {},
        errors=errors or FormErrors(),
    )


@get("/admin/e/{slug:str}/documents", include_in_schema=False, guards=[requires(Area.EXHIBITORS)])
async def document_queue(
    request: Request[Any, Any, Any],
    *,
    slug: FromPath[str],
    user: NamedDependency[CurrentUser],
    db_session: NamedDependency[AsyncSession],
    kind: FromQuery[Annotated[str, Parameter(max_length=24)]] = "",
    status: FromQuery[Annotated[str, Parameter(max_length=16)]] = "",
    msg: FromQuery[Annotated[str, Parameter(max_length=16)]] = "",
) -> Template:
    expo = await get_expo_by_slug(db_session, slug)
    return await _render(request, db_session, user, expo, {"kind": kind, "status": status}, notice=_notice(msg))


def _done(slug: str, back: str, msg: str) -> str:
    query = back_filters(back, FILTERS) | {"msg": msg}
    return f"/admin/e/{slug}/documents?{urlencode(query)}"


@post(
    "/admin/e/{slug:str}/documents/{document_id:int}/approve",
    include_in_schema=False,
    guards=[requires(Area.EXHIBITORS)],
)
async def approve(
    request: Request[Any, Any, Any],
    *,
    slug: FromPath[str],
    document_id: FromPath[int],
    data: Annotated[ReviewForm, FormBody],
    user: NamedDependency[CurrentUser],
    db_session: NamedDependency[AsyncSession],
) -> Response[Any]:
    async def record() -> bool:
        expo = await get_expo_by_slug(db_session, slug)
        assert expo.id is not None
        _document, unlocked = await documents.approve_document(db_session, document_id, expo.id, actor=user)
        return unlocked

    async def again(errors: FormErrors, status: int) -> Template:
        expo = await get_expo_by_slug(db_session, slug)
        filters = back_filters(data.back, FILTERS)
        return await _render(
            request, db_session, user, expo, filters, failed=document_id, errors=errors, status_code=status
        )

    return await submit(
        db_session,
        record,
        rerender=again,
        done=lambda unlocked: _done(slug, data.back, "unlocked" if unlocked else "approved"),
    )


@post(
    "/admin/e/{slug:str}/documents/{document_id:int}/return",
    include_in_schema=False,
    guards=[requires(Area.EXHIBITORS)],
)
async def give_back(
    request: Request[Any, Any, Any],
    *,
    slug: FromPath[str],
    document_id: FromPath[int],
    data: Annotated[ReviewForm, FormBody],
    user: NamedDependency[CurrentUser],
    db_session: NamedDependency[AsyncSession],
) -> Response[Any]:
    resubmit = data.resubmit == "yes"

    async def record() -> None:
        expo = await get_expo_by_slug(db_session, slug)
        assert expo.id is not None
        await documents.return_document(
            db_session, document_id, expo.id, actor=user, reason=data.reason[:300], resubmit=resubmit
        )

    async def again(errors: FormErrors, status: int) -> Template:
        expo = await get_expo_by_slug(db_session, slug)
        filters = back_filters(data.back, FILTERS)
        values = {"reason": data.reason[:300]}
        return await _render(
            request,
            db_session,
            user,
            expo,
            filters,
            failed=document_id,
            values=values,
            errors=errors,
            status_code=status,
        )

    msg = "resubmit" if resubmit else "rejected"
    return await submit(db_session, record, rerender=again, done=_done(slug, data.back, msg), fields=REVIEW_FIELDS)


PAGE_HANDLERS = [document_queue, approve, give_back]
