"""Public and exhibitor pages of the booths domain."""

from typing import Any

from litestar import Request, get
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Redirect, Template
from sqlalchemy.ext.asyncio import AsyncSession

from booths import venue
from expo.web import page


@get("/", include_in_schema=False)
async def home(request: Request[Any, Any, Any], db_session: NamedDependency[AsyncSession]) -> Template | Redirect:
    expo = await venue.default_expo(db_session)
    if expo is None:
        return page(request, "booths/no_expo.html")
    return Redirect(path=f"/e/{expo.slug}", status_code=303)


@get("/e/{slug:str}", include_in_schema=False)
async def expo_home(
    request: Request[Any, Any, Any], slug: FromPath[str], db_session: NamedDependency[AsyncSession]
) -> Template:
    expo = await venue.get_expo_by_slug(db_session, slug)
    return page(request, "booths/expo_home.html", expo=expo, days=await venue.expo_days(db_session, expo.id or 0))


PAGE_HANDLERS = [home, expo_home]
