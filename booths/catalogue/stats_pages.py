"""Catalogue statistics pages: the exhibitor's own (``/my-stats``, built for a phone: per day its
profile views, booth-sign scans and leads, with bars) and the organisers' sums (area ``reports``: per
day and kind, the top exhibitors by views and by leads, and a CSV of every exhibitor's days)."""

from typing import Any

from litestar import Request, Response, get
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Template
from sqlalchemy.ext.asyncio import AsyncSession

from booths.catalogue.models import StatKind
from booths.catalogue.stats import DayFigures, day_figures, exhibitor_days, exhibitor_totals, top
from booths.exhibitors import service as exhibitors
from booths.venue import service as venue
from expo.accounts import CurrentUser
from expo.auth import requires, requires_exhibitor
from expo.csv_export import Cell, csv_response, csv_text
from expo.i18n import gettext
from expo.permissions import Area
from expo.web import page

TOP = 10  # exhibitors in each of the organisers' top lists


def _table(days: list[DayFigures]) -> dict[str, Any]:
    """Rows with each bar's length (a share of the largest day of its kind) and the totals."""
    most = {
        "views": max((d.views for d in days), default=0) or 1,
        "scans": max((d.scans for d in days), default=0) or 1,
        "leads": max((d.leads for d in days), default=0) or 1,
    }
    rows = [
        {
            "day": d.day,
            "expo_day": d.expo_day,
            "views": d.views,
            "scans": d.scans,
            "leads": d.leads,
            "bars": {kind: round(getattr(d, kind) * 100 / most[kind]) for kind in most},
        }
        for d in days
    ]
    totals = {
        "views": sum(d.views for d in days),
        "scans": sum(d.scans for d in days),
        "leads": sum(d.leads for d in days),
    }
    return {"rows": rows, "totals": totals}


@get("/my-stats", include_in_schema=False, guards=[requires_exhibitor])
async def my_stats(
    request: Request[Any, Any, Any], *, user: NamedDependency[CurrentUser], db_session: NamedDependency[AsyncSession]
) -> Template:
    exhibitor = await exhibitors.exhibitor_of_user(db_session, user.id)
    context: dict[str, Any] = {"exhibitor": exhibitor, "expo": None}
    if exhibitor is not None and exhibitor.id is not None:
        context["expo"] = await venue.get_expo(db_session, exhibitor.expo_id)
        context |= _table(await day_figures(db_session, exhibitor.expo_id, exhibitor.id))
    return page(request, "catalogue/my_stats.html", **context)


@get("/admin/e/{slug:str}/catalogue-stats", include_in_schema=False, guards=[requires(Area.REPORTS)])
async def catalogue_stats(
    request: Request[Any, Any, Any], *, slug: FromPath[str], db_session: NamedDependency[AsyncSession]
) -> Template:
    expo = await venue.get_expo_by_slug(db_session, slug)
    assert expo.id is not None
    totals = await exhibitor_totals(db_session, expo.id)
    return page(
        request,
        "admin/catalogue_stats.html",
        expo=expo,
        section="catalogue_stats",
        top_views=top(totals, StatKind.PROFILE_VIEW, TOP),
        top_leads=top(totals, StatKind.LEAD, TOP),
        exhibitors=len(totals),
        **_table(await day_figures(db_session, expo.id)),
    )


@get("/admin/e/{slug:str}/catalogue-stats.csv", include_in_schema=False, guards=[requires(Area.REPORTS)])
async def catalogue_stats_csv(*, slug: FromPath[str], db_session: NamedDependency[AsyncSession]) -> Response[str]:
    expo = await venue.get_expo_by_slug(db_session, slug)
    assert expo.id is not None
    header = [
        gettext("Day"),
        gettext("Exhibitor"),
        gettext("Regency"),
        gettext("Profile views"),
        gettext("Sign scans"),
        gettext("Leads"),
    ]
    rows: list[list[Cell]] = [
        [row.day.isoformat(), row.name, row.regency, row.views, row.scans, row.leads]
        for row in await exhibitor_days(db_session, expo.id)
    ]
    return csv_response(csv_text(header, rows), f"catalogue-stats-{expo.slug}.csv")


PAGE_HANDLERS = [my_stats, catalogue_stats, catalogue_stats_csv]
