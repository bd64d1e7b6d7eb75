"""The scanner page for gate staff (pairs the phone, then scans online or, offline, decides alone) and
the organisers' live gate dashboard."""

from typing import Any

from litestar import Request, get
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Template
from sqlalchemy.ext.asyncio import AsyncSession

from booths.venue import get_expo_by_slug
from expo.auth import requires_organiser
from expo.web import page
from tickets.gate_texts import dashboard_texts, scanner_texts


@get("/gate", include_in_schema=False)
async def scanner_page(request: Request[Any, Any, Any]) -> Template:
    return page(request, "gate/scanner.html", texts=scanner_texts())


@get("/admin/e/{slug:str}/gates", include_in_schema=False, guards=[requires_organiser])
async def gate_dashboard(
    request: Request[Any, Any, Any], slug: FromPath[str], db_session: NamedDependency[AsyncSession]
) -> Template:
    expo = await get_expo_by_slug(db_session, slug)
    return page(request, "gate/dashboard.html", expo=expo, texts=dashboard_texts())


PAGE_HANDLERS = [scanner_page, gate_dashboard]
