"""Public pages of the venue: the expo chooser at ``/`` and an expo's home page."""

from datetime import time
from typing import Any

from litestar import Request, get
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Redirect, Template
from sqlalchemy.ext.asyncio import AsyncSession

from booths.venue import service as venue
from booths.venue.models import ExpoDay
from expo.formatting import format_date_range
from expo.i18n import current_locale
from expo.web import page

ZONE_ABBREVIATIONS = {"Asia/Jakarta": "WIB", "Asia/Makassar": "WITA", "Asia/Jayapura": "WIT"}


@get("/", include_in_schema=False)
async def home(request: Request[Any, Any, Any], db_session: NamedDependency[AsyncSession]) -> Template | Redirect:
    expo = await venue.default_expo(db_session)
    if expo is None:
        return page(request, "booths/no_expo.html")
    return Redirect(path=f"/e/{expo.slug}", status_code=303)


def _clock(value: time) -> str:
    return value.strftime("%H.%M" if current_locale.get() == "id" else "%H:%M")


def opening_hours(days: list[ExpoDay], timezone: str) -> list[dict[str, str]]:
    """Consecutive days with the same hours, as one line each."""
    groups: list[list[ExpoDay]] = []
    for day in days:
        last = groups[-1][-1] if groups else None
        if last and (last.opens_at, last.closes_at) == (day.opens_at, day.closes_at):
            groups[-1].append(day)
        else:
            groups.append([day])
    zone = ZONE_ABBREVIATIONS.get(timezone, timezone)
    return [
        {
            "days": format_date_range(group[0].day, group[-1].day),
            "hours": f"{_clock(group[0].opens_at)}–{_clock(group[0].closes_at)} {zone}",
        }
        for group in groups
    ]


@get("/e/{slug:str}", include_in_schema=False)
async def expo_home(
    request: Request[Any, Any, Any], slug: FromPath[str], db_session: NamedDependency[AsyncSession]
) -> Template:
    expo = await venue.get_expo_by_slug(db_session, slug)
    assert expo.id is not None
    days = await venue.expo_days(db_session, expo.id)
    available = await venue.list_booths(db_session, expo.id, status="available")
    return page(
        request,
        "booths/expo_home.html",
        expo=expo,
        days=days,
        hours=opening_hours(days, expo.timezone),
        available=len(available),
    )


PAGE_HANDLERS = [home, expo_home]
