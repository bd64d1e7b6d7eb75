"""The committee's sales pages: totals per day, who has reported a day and who has not, and entering
or correcting a day for an exhibitor at the desk (area ``exhibitors``)."""

from datetime import date
from typing import Annotated, Any

from litestar import Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, Parameter
from litestar.response import Template
from sqlalchemy.ext.asyncio import AsyncSession

from booths.exhibitors.models import Exhibitor
from booths.sales import service as sales
from booths.sales.forms import FIELDS, SalesForm
from booths.venue import service as venue
from expo.accounts import CurrentUser
from expo.auth import requires
from expo.errors import NotFound
from expo.forms import FormBody, FormErrors, submit
from expo.i18n import gettext
from expo.permissions import Area
from expo.web import page


def _pick(value: str, days: list[date], fallback: date | None) -> date | None:
    try:
        picked = date.fromisoformat(value)
    except ValueError:
        return fallback
    return picked if picked in days else fallback


@get("/admin/e/{slug:str}/sales", include_in_schema=False, guards=[requires(Area.EXHIBITORS)])
async def sales_overview(
    request: Request[Any, Any, Any],
    *,
    slug: FromPath[str],
    db_session: NamedDependency[AsyncSession],
    day: FromQuery[Annotated[str, Parameter(max_length=10)]] = "",
    msg: FromQuery[Annotated[str, Parameter(max_length=16)]] = "",
) -> Template:
    expo = await venue.get_expo_by_slug(db_session, slug)
    assert expo.id is not None
    days = await sales.expo_days(db_session, expo.id)
    picked = _pick(day, days, sales.default_day(expo, days))
    totals = {t.day: t for t in await sales.totals_by_day(db_session, expo.id)}
    entries = await sales.entries_of_day(db_session, expo.id, picked) if picked else []
    missing = await sales.missing(db_session, expo.id, picked) if picked else []
    return page(
        request,
        "admin/sales.html",
        expo=expo,
        section="sales",
        days=days,
        picked=picked,
        totals=[totals.get(d) for d in days],
        grand=sum(t.sales for t in totals.values()),
        entries=entries,
        missing=missing,
        notice=gettext("The sales are saved.") if msg == "saved" else None,
    )


async def _render_entry(
    request: Request[Any, Any, Any],
    db_session: AsyncSession,
    slug: str,
    exhibitor_id: int,
    day: str,
    *,
    form: SalesForm | None = None,
    errors: FormErrors | None = None,
    status_code: int = 200,
) -> Template:
    expo = await venue.get_expo_by_slug(db_session, slug)
    assert expo.id is not None
    exhibitor = await db_session.get(Exhibitor, exhibitor_id)
    if exhibitor is None or exhibitor.expo_id != expo.id:
        raise NotFound("No such exhibitor.", code="exhibitor_not_found")
    days = await sales.expo_days(db_session, expo.id)
    picked = _pick(day, days, sales.default_day(expo, days))
    sale = await sales.sale_of(db_session, exhibitor_id, picked) if picked else None
    history = await sales.revisions(db_session, sale.id) if sale is not None and sale.id is not None else []
    return page(
        request,
        "admin/sales_entry.html",
        status_code=status_code,
        expo=expo,
        section="sales",
        exhibitor=exhibitor,
        days=days,
        picked=picked,
        sale=sale,
        history=history,
        locked=sales.day_state(expo, picked) is sales.DayState.LOCKED if picked else False,
        form=(form or SalesForm.of(sale, picked.isoformat() if picked else "")).model_dump(),
        errors=errors or FormErrors(),
        action=f"/admin/e/{slug}/sales/{exhibitor_id}",
    )


@get("/admin/e/{slug:str}/sales/{exhibitor_id:int}", include_in_schema=False, guards=[requires(Area.EXHIBITORS)])
async def sales_entry(
    request: Request[Any, Any, Any],
    *,
    slug: FromPath[str],
    exhibitor_id: FromPath[int],
    db_session: NamedDependency[AsyncSession],
    day: FromQuery[Annotated[str, Parameter(max_length=10)]] = "",
) -> Template:
    return await _render_entry(request, db_session, slug, exhibitor_id, day)


@post("/admin/e/{slug:str}/sales/{exhibitor_id:int}", include_in_schema=False, guards=[requires(Area.EXHIBITORS)])
async def sales_entry_submit(
    request: Request[Any, Any, Any],
    *,
    slug: FromPath[str],
    exhibitor_id: FromPath[int],
    data: Annotated[SalesForm, FormBody],
    user: NamedDependency[CurrentUser],
    db_session: NamedDependency[AsyncSession],
) -> Response[Any]:
    async def save() -> date:
        sale = await sales.enter_sales(db_session, user, exhibitor_id, data.entry())
        return sale.day

    async def again(errors: FormErrors, status: int) -> Template:
        return await _render_entry(
            request, db_session, slug, exhibitor_id, data.day, form=data, errors=errors, status_code=status
        )

    return await submit(
        db_session,
        save,
        rerender=again,
        done=lambda day: f"/admin/e/{slug}/sales?day={day.isoformat()}&msg=saved",
        fields=FIELDS,
    )


PAGE_HANDLERS = [sales_overview, sales_entry, sales_entry_submit]
