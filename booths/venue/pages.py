"""Public pages of the venue: the expo chooser at ``/`` and an expo's home page."""

from datetime import time
from typing import Any

from litestar import Request, get
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Redirect, Template
from sqlalchemy.ext.asyncio import AsyncSession

from booths.venue import service as venue
from booths.venue.lifecycle import ExpoState, expo_state
from booths.venue.models import ExpoDay
from expo.accounts import CurrentUser
from expo.formatting import format_date_range
from expo.i18n import current_locale
from expo.phones import wa_me_link
from expo.web import page

ZONE_ABBREVIATIONS = {"Asia/Jakarta": "WIB", "Asia/Makassar": "WITA", "Asia/Jayapura": "WIT"}


@get("/", include_in_schema=False)
async def home(request: Request[Any, Any, Any], db_session: NamedDependency[AsyncSession]) -> Template | Redirect:
    """The public expos now and to come: one goes straight to its page, several are listed."""
    expos = await venue.public_expos(db_session)
    if not expos:
        return page(request, "booths/no_expo.html")
    if len(expos) == 1:
        return Redirect(path=f"/e/{expos[0].slug}", status_code=303)
    return page(request, "booths/expo_list.html", expos=[(e, expo_state(e)) for e in expos])


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
    request: Request[Any, Any, Any],
    slug: FromPath[str],
    db_session: NamedDependency[AsyncSession],
    maybe_user: NamedDependency[CurrentUser | None],
) -> Template:
    expo = await venue.visible_expo(db_session, slug, maybe_user)
    assert expo.id is not None
    days = await venue.expo_days(db_session, expo.id)
    available = await venue.list_booths(db_session, expo.id, status="available")
    state = expo_state(expo)
    return page(
        request,
        "booths/expo_home.html",
        expo=expo,
        state=state,
        next_expo=await venue.next_expo(db_session, expo) if state == ExpoState.OVER else None,
        days=days,
        hours=opening_hours(days, expo.timezone),
        available=len(available),
        whatsapp_link=wa_me_link(expo.contact_whatsapp) if expo.contact_whatsapp else None,
    )


PAGE_HANDLERS = [home, expo_home]
