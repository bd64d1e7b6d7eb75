"""Organiser application pages: the list of applications with filters, and accepting or declining them."""

from collections.abc import Callable
from typing import Annotated, Any

from litestar import Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, Parameter
from litestar.response import Redirect, Template
from pydantic import BaseModel
from sqlalchemy.ext.asyncio import AsyncSession

from booths.allocation import inputs as allocation_inputs
from booths.applications import service as applications
from booths.applications.models import ApplicationStatus
from booths.applications.schemas import ApplicationRead
from booths.exhibitors.models import ExhibitorClass
from booths.labels import application_status_label
from booths.venue import service as venue
from expo.accounts import CurrentUser
from expo.auth import requires
from expo.errors import Forbidden
from expo.forms import FormBody, FormErrors, Rerender, back_filters, back_to, submit
from expo.i18n import gettext
from expo.paging import LIST_KEYS, PageQuery, SortQuery, paginate
from expo.permissions import Area
from expo.text import MultiLineText
from expo.web import page

ShortText = Annotated[str, Parameter(max_length=100)]
_FILTERS = ("status", "cluster", "exhibitor_class", "q", *LIST_KEYS)
# Waiting applications first (the oldest first: they have waited longest), then the newest others.
_ACTION_ORDER = {ApplicationStatus.SUBMITTED: 0, ApplicationStatus.ACCEPTED: 1, ApplicationStatus.WAITLISTED: 2}
APPLICATION_ORDERS: dict[str, Callable[[ApplicationRead], Any]] = {
    "action": lambda a: (
        _ACTION_ORDER.get(a.status, 3),
        a.submitted_at.timestamp() * (1 if a.status in _ACTION_ORDER else -1),
    ),
    "exhibitor": lambda a: a.exhibitor_name.casefold(),
    "status": lambda a: a.status,
    "submitted": lambda a: a.submitted_at,
}


def notice(code: str) -> str | None:
    notices = {
        "accepted": gettext("The application is accepted."),
        "declined": gettext("The application is declined."),
        "accepted_all": gettext("All submitted applications are accepted."),
    }
    return notices.get(code)


class DecisionForm(BaseModel):
    note: MultiLineText = ""
    back: str = ""


def _back(slug: str, back: str, msg: str) -> Redirect:
    return back_to(f"/admin/e/{slug}/applications", back, _FILTERS, msg)


async def _render_admin_list(
    request: Request[Any, Any, Any],
    db_session: AsyncSession,
    slug: str,
    filters: dict[str, str],
    *,
    message: str | None = None,
    error: str | None = None,
    status_code: int = 200,
) -> Template:
    expo = await venue.get_expo_by_slug(db_session, slug)
    assert expo.id is not None
    status = next((s for s in ApplicationStatus if s.value == filters.get("status")), None)
    classes = [c.value for c in ExhibitorClass]
    clusters = await venue.list_clusters(db_session, expo.id)
    current = {
        "status": status.value if status else "",
        "cluster": next((c.code for c in clusters if c.code == filters.get("cluster")), ""),
        "exhibitor_class": filters.get("exhibitor_class", "") if filters.get("exhibitor_class") in classes else "",
        "q": filters.get("q", "").strip()[:100],
    }
    rows = await applications.list_applications(
        db_session,
        expo.id,
        status=status,
        cluster=current["cluster"] or None,
        exhibitor_class=current["exhibitor_class"] or None,
        q=current["q"] or None,
    )
    listing = paginate(
        rows,
        page=filters.get("page", ""),
        sort=filters.get("sort", ""),
        orders=APPLICATION_ORDERS,
        default="action",
        filters=current,
    )
    everyone = await applications.list_applications(db_session, expo.id)
    counts = {s.value: sum(1 for a in everyone if a.status == s) for s in ApplicationStatus}
    names = await allocation_inputs.exhibitor_names(db_session, expo.id)
    return page(
        request,
        "applications/admin_list.html",
        status_code=status_code,
        expo=expo,
        rows=listing.items,
        listing=listing,
        counts=counts,
        names=names,
        statuses=[s.value for s in ApplicationStatus],
        classes=classes,
        clusters=clusters,
        filters=current,
        back=listing.back,
        status_label=application_status_label,
        setting=await applications.get_settings(db_session, expo.id),
        notice=message,
        error=error,
    )


def _list_again(request: Request[Any, Any, Any], db_session: AsyncSession, slug: str, back: str) -> Rerender:
    """Shows the list again, with the filters it was posted from, and why the action was refused."""

    async def again(errors: FormErrors, status: int) -> Template:
        filters = back_filters(back, _FILTERS)
        return await _render_admin_list(request, db_session, slug, filters, error=errors.text(), status_code=status)

    return again


@get("/admin/e/{slug:str}/applications", include_in_schema=False, guards=[requires(Area.EXHIBITORS)])
async def admin_applications(
    request: Request[Any, Any, Any],
    *,
    slug: FromPath[str],
    db_session: NamedDependency[AsyncSession],
    status: FromQuery[Annotated[str, Parameter(max_length=16)]] = "",
    cluster: FromQuery[Annotated[str, Parameter(max_length=32)]] = "",
    exhibitor_class: FromQuery[Annotated[str, Parameter(max_length=16)]] = "",
    q: FromQuery[ShortText] = "",
    page_number: PageQuery = "",
    sort: SortQuery = "",
    msg: FromQuery[Annotated[str, Parameter(max_length=32)]] = "",
) -> Template:
    filters = {"status": status, "cluster": cluster, "exhibitor_class": exhibitor_class, "q": q}
    filters |= {"page": page_number, "sort": sort}
    return await _render_admin_list(request, db_session, slug, filters, message=notice(msg))


@post(
    "/admin/e/{slug:str}/applications/{application_id:int}/{decision:str}",
    include_in_schema=False,
    guards=[requires(Area.EXHIBITORS)],
)
async def admin_decide(
    request: Request[Any, Any, Any],
    *,
    slug: FromPath[str],
    application_id: FromPath[int],
    decision: FromPath[str],
    data: Annotated[DecisionForm, FormBody],
    user: NamedDependency[CurrentUser],
    db_session: NamedDependency[AsyncSession],
) -> Response[Any]:
    accept = decision == "accept"

    async def decide() -> None:
        expo = await venue.get_expo_by_slug(db_session, slug)
        application = await applications.get_application(db_session, application_id, user)
        if application.expo_id != expo.id:
            raise Forbidden("No such application.", code="application_not_found")
        await applications.decide_application(db_session, application_id, accept, user, data.note.strip()[:300])

    return await submit(
        db_session,
        decide,
        rerender=_list_again(request, db_session, slug, data.back),
        done=_back(slug, data.back, "accepted" if accept else "declined"),
    )


@post("/admin/e/{slug:str}/applications-accept-all", include_in_schema=False, guards=[requires(Area.EXHIBITORS)])
async def admin_accept_all(
    request: Request[Any, Any, Any],
    *,
    slug: FromPath[str],
    data: Annotated[DecisionForm, FormBody],
    user: NamedDependency[CurrentUser],
    db_session: NamedDependency[AsyncSession],
) -> Response[Any]:
    async def accept_all() -> None:
        expo = await venue.get_expo_by_slug(db_session, slug)
        assert expo.id is not None
        for row in await applications.list_applications(db_session, expo.id, status=ApplicationStatus.SUBMITTED):
            await applications.decide_application(db_session, row.id, True, user)

    return await submit(
        db_session,
        accept_all,
        rerender=_list_again(request, db_session, slug, data.back),
        done=_back(slug, data.back, "accepted_all"),
    )


PAGE_HANDLERS = [
    admin_applications,
    admin_decide,
    admin_accept_all,
]
