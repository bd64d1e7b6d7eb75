"""The revenue page: billed, paid, outstanding and overdue by class, package and regency, the open
bills with a WhatsApp reminder each, and the XLSX workbook of it all.

It needs the payments area (the treasurer's and the organisers'): besides figures it is the list the
treasurer chases payments from; the reports area would add nobody (the same two roles hold it).
"""

import asyncio
from typing import Annotated, Any

from litestar import Request, Response, get
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, Parameter
from litestar.response import Template
from sqlalchemy.ext.asyncio import AsyncSession

from booths.billing import revenue
from booths.billing.revenue import GroupBy, OpenBill
from booths.billing.sheets import revenue_xlsx
from booths.billing.states import BillState
from booths.billing.words import WORDS
from booths.labels import bill_state_label, class_label
from booths.venue import service as venue
from expo.auth import requires
from expo.formatting import utcnow
from expo.paging import PageQuery, SortQuery, paginate
from expo.permissions import Area
from expo.public_url import public_base_url
from expo.web import page

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_STATE_ORDER = {BillState.OVERDUE: 0, BillState.UNPAID: 1, BillState.PARTLY_PAID: 2}
ORDERS: dict[str, Any] = {
    "state": lambda b: (_STATE_ORDER.get(b.state, 3), b.bill.due_at is None, b.bill.due_at or utcnow()),
    "owed": lambda b: b.owed,
    "exhibitor": lambda b: b.exhibitor.casefold(),
    "number": lambda b: b.bill.number,
}


@get("/admin/e/{slug:str}/payments/revenue", include_in_schema=False, guards=[requires(Area.PAYMENTS)])
async def admin_revenue(
    request: Request[Any, Any, Any],
    *,
    slug: FromPath[str],
    db_session: NamedDependency[AsyncSession],
    group: FromQuery[Annotated[str, Parameter(max_length=16)]] = "class",
    only: FromQuery[Annotated[str, Parameter(max_length=16)]] = "",
    page_number: PageQuery = "",
    sort: SortQuery = "",
) -> Template:
    expo = await venue.get_expo_by_slug(db_session, slug)
    assert expo.id is not None
    chosen = GroupBy(group) if group in GroupBy._value2member_map_ else GroupBy.CLASS
    now = utcnow()
    overdue_only = only == "overdue"
    bills = await revenue.open_bills(db_session, expo.id, overdue_only=overdue_only, now=now)
    filters = {"group": chosen.value} | ({"only": "overdue"} if overdue_only else {})
    listing = paginate(bills, page=page_number, sort=sort, orders=ORDERS, default="state", filters=filters)
    base = public_base_url(request)

    def key_label(key: str) -> str:
        return class_label(key) if chosen == GroupBy.CLASS else (key or "–")

    return page(
        request,
        "billing/revenue.html",
        expo=expo,
        totals=await revenue.totals(db_session, expo.id, now),
        figures=await revenue.figures_by(db_session, expo.id, chosen, now),
        group=chosen.value,
        groups=[g.value for g in GroupBy],
        key_label=key_label,
        overdue_only=overdue_only,
        listing=listing,
        reminders={item.bill.id: revenue.reminder_link(item, expo, base) for item in listing.items},
        words=WORDS,
    )


@get("/admin/e/{slug:str}/payments/revenue.xlsx", include_in_schema=False, guards=[requires(Area.PAYMENTS)])
async def admin_revenue_xlsx(*, slug: FromPath[str], db_session: NamedDependency[AsyncSession]) -> Response[bytes]:
    expo = await venue.get_expo_by_slug(db_session, slug)
    assert expo.id is not None
    now = utcnow()
    bills: list[OpenBill] = sorted(await revenue.open_bills(db_session, expo.id, now=now), key=ORDERS["state"])
    figures = {g: await revenue.figures_by(db_session, expo.id, g, now) for g in GroupBy}
    totals = await revenue.totals(db_session, expo.id, now)
    # Built in a worker thread: a workbook of a few thousand rows is CPU work, not for the event loop.
    content = await asyncio.to_thread(
        revenue_xlsx,
        totals,
        figures[GroupBy.CLASS],
        figures[GroupBy.PACKAGE],
        figures[GroupBy.REGENCY],
        bills,
        expo.timezone,
        bill_state_label,
    )
    return Response(
        content,
        media_type=XLSX,
        headers={"Content-Disposition": f'attachment; filename="revenue-{expo.slug}.xlsx"'},
    )


PAGE_HANDLERS = [admin_revenue, admin_revenue_xlsx]
