"""The exhibitor's bills: how to pay (the exact amount with its code, bank accounts, QRIS, cash
desk), what was paid, and the receipts. Another exhibitor's bill is "not found"."""

from typing import Any

from litestar import Request, get
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Template
from sqlalchemy.ext.asyncio import AsyncSession

from booths.billing import views
from booths.billing.bills import payment_setup
from booths.billing.notices import instructions
from booths.venue import service as venue
from expo.accounts import CurrentUser
from expo.auth import requires_exhibitor_or_organiser
from expo.web import page


@get("/my-bills", include_in_schema=False, guards=[requires_exhibitor_or_organiser])
async def my_bills(
    request: Request[Any, Any, Any],
    *,
    user: NamedDependency[CurrentUser],
    db_session: NamedDependency[AsyncSession],
) -> Template:
    return page(request, "billing/my_bills.html", rows=await views.bills_of_user(db_session, user))


@get("/my-bills/{bill_id:int}", include_in_schema=False, guards=[requires_exhibitor_or_organiser])
async def my_bill(
    request: Request[Any, Any, Any],
    *,
    bill_id: FromPath[int],
    user: NamedDependency[CurrentUser],
    db_session: NamedDependency[AsyncSession],
) -> Template:
    detail = await views.bill_for_exhibitor(db_session, bill_id, user)
    expo = await venue.get_expo(db_session, detail.bill.expo_id)
    setup = await payment_setup(db_session, detail.bill.expo_id)
    return page(
        request,
        "billing/my_bill.html",
        expo=expo,
        d=detail,
        how=await instructions(db_session, detail.bill, setup),
        setup=setup,
    )


PAGE_HANDLERS = [my_bills, my_bill]
