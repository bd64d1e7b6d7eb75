"""Add-on pages: the committee's price list of add-ons and the logistics list (with its exports), and
the exhibitor's page to order and cancel add-ons for its booking.

The committee's pages sit under payments and need the payments area (``Area.PAYMENTS``): an add-on
is a price that lands on bills, which the treasurer answers for; organisers have every area. The
set-up area (packages) is not given to treasurers, who would then not see what exhibitors are billed.
"""

import asyncio
from typing import Annotated, Any

from litestar import Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, Parameter
from litestar.response import Template
from pydantic import BaseModel
from sqlalchemy.ext.asyncio import AsyncSession

from booths.billing import addons
from booths.billing.addon_schemas import AddOnIn, AddOnOrderIn
from booths.billing.bills import bill_of_booking
from booths.billing.models import AddOn, AddOnKind
from booths.billing.sheets import logistics_csv, logistics_xlsx
from booths.billing.words import WORDS
from booths.bookings import service as bookings
from booths.bookings.models import BookingStatus
from booths.exhibitors import service as exhibitors
from booths.fields import typed_rupiah
from booths.venue import service as venue
from booths.venue.models import Expo
from expo.accounts import CurrentUser
from expo.auth import requires, requires_exhibitor
from expo.csv_export import csv_response
from expo.forms import FormBody, FormErrors, submit
from expo.i18n import gettext
from expo.permissions import Area
from expo.web import page

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


async def _expo(db_session: AsyncSession, slug: str) -> Expo:
    expo = await venue.get_expo_by_slug(db_session, slug)
    assert expo.id is not None
    return expo


# --- the committee's list of add-ons -------------------------------------------------------------
class AddOnForm(BaseModel):
    code: str = ""
    kind: str = ""
    name: str = ""
    unit: str = ""
    unit_size: str = ""
    price: str = ""
    max_quantity: str = ""
    active: str = ""

    def checked(self) -> AddOnIn:
        return AddOnIn.model_validate(
            {
                "code": self.code.strip(),
                "kind": self.kind.strip(),
                "name": self.name,
                "unit": self.unit,
                "unit_size": self.unit_size.strip() or "1",
                "price": typed_rupiah(self.price) or "0",
                "max_quantity": self.max_quantity.strip() or "1",
                "active": bool(self.active),
            }
        )


def _addon_form(addon: AddOn) -> AddOnForm:
    return AddOnForm(
        code=addon.code,
        kind=str(addon.kind),
        name=addon.name,
        unit=addon.unit,
        unit_size=str(addon.unit_size),
        price=str(addon.price),
        max_quantity=str(addon.max_quantity),
        active="on" if addon.active else "",
    )


_BLANK = AddOnForm(kind=AddOnKind.TABLE.value, unit_size="1", max_quantity="4", active="on")


def _notice(msg: str) -> str | None:
    return {
        "added": gettext("The add-on is added."),
        "saved": gettext("The add-on is saved. Orders placed before keep their price."),
    }.get(msg)


async def _render_list(
    request: Request[Any, Any, Any],
    db_session: AsyncSession,
    slug: str,
    *,
    form: AddOnForm | None = None,
    editing: AddOn | None = None,
    notice: str | None = None,
    errors: FormErrors | None = None,
    status_code: int = 200,
) -> Template:
    expo = await _expo(db_session, slug)
    assert expo.id is not None
    return page(
        request,
        "billing/addons.html",
        status_code=status_code,
        expo=expo,
        addons=await addons.list_addons(db_session, expo.id),
        kinds=[k.value for k in AddOnKind],
        form=form or (_addon_form(editing) if editing else _BLANK),
        editing=editing,
        errors=errors or FormErrors(),
        notice=notice,
        words=WORDS,
    )


@get("/admin/e/{slug:str}/payments/addons", include_in_schema=False, guards=[requires(Area.PAYMENTS)])
async def admin_addons(
    request: Request[Any, Any, Any],
    *,
    slug: FromPath[str],
    db_session: NamedDependency[AsyncSession],
    msg: FromQuery[Annotated[str, Parameter(max_length=32)]] = "",
) -> Template:
    return await _render_list(request, db_session, slug, notice=_notice(msg))


@post("/admin/e/{slug:str}/payments/addons", include_in_schema=False, guards=[requires(Area.PAYMENTS)])
async def admin_add_addon(
    request: Request[Any, Any, Any],
    *,
    slug: FromPath[str],
    data: Annotated[AddOnForm, FormBody],
    db_session: NamedDependency[AsyncSession],
    user: NamedDependency[CurrentUser],
) -> Response[Any]:
    async def add() -> None:
        expo = await _expo(db_session, slug)
        assert expo.id is not None
        await addons.create_addon(db_session, expo.id, data.checked(), user)

    async def again(errors: FormErrors, status: int) -> Template:
        return await _render_list(request, db_session, slug, form=data, errors=errors, status_code=status)

    return await submit(
        db_session,
        add,
        rerender=again,
        done=f"/admin/e/{slug}/payments/addons?msg=added",
        fields=AddOnForm.model_fields,
        choices={"kind"},
    )


@get("/admin/e/{slug:str}/payments/addons/{addon_id:int}", include_in_schema=False, guards=[requires(Area.PAYMENTS)])
async def admin_addon(
    request: Request[Any, Any, Any],
    *,
    slug: FromPath[str],
    addon_id: FromPath[int],
    db_session: NamedDependency[AsyncSession],
) -> Template:
    expo = await _expo(db_session, slug)
    assert expo.id is not None
    addon = await addons.get_addon(db_session, expo.id, addon_id)
    return await _render_list(request, db_session, slug, editing=addon)


@post("/admin/e/{slug:str}/payments/addons/{addon_id:int}", include_in_schema=False, guards=[requires(Area.PAYMENTS)])
async def admin_edit_addon(
    request: Request[Any, Any, Any],
    *,
    slug: FromPath[str],
    addon_id: FromPath[int],
    data: Annotated[AddOnForm, FormBody],
    db_session: NamedDependency[AsyncSession],
    user: NamedDependency[CurrentUser],
) -> Response[Any]:
    async def edit() -> None:
        expo = await _expo(db_session, slug)
        assert expo.id is not None
        await addons.update_addon(db_session, expo.id, addon_id, data.checked(), user)

    async def again(errors: FormErrors, status: int) -> Template:
        expo = await _expo(db_session, slug)
        assert expo.id is not None
        addon = await addons.get_addon(db_session, expo.id, addon_id)
        return await _render_list(
            request, db_session, slug, form=data, editing=addon, errors=errors, status_code=status
        )

    return await submit(
        db_session,
        edit,
        rerender=again,
        done=f"/admin/e/{slug}/payments/addons?msg=saved",
        fields=AddOnForm.model_fields,
        choices={"kind"},
    )


# --- the logistics list --------------------------------------------------------------------------
@get("/admin/e/{slug:str}/payments/addons/orders", include_in_schema=False, guards=[requires(Area.PAYMENTS)])
async def admin_addon_orders(
    request: Request[Any, Any, Any], *, slug: FromPath[str], db_session: NamedDependency[AsyncSession]
) -> Template:
    expo = await _expo(db_session, slug)
    assert expo.id is not None
    rows = await addons.logistics(db_session, expo.id)
    return page(
        request,
        "billing/addon_orders.html",
        expo=expo,
        rows=rows,
        sums={
            "power_va": sum(r.power_va for r in rows),
            "tables": sum(r.tables for r in rows),
            "chairs": sum(r.chairs for r in rows),
            "staff_passes": sum(r.staff_passes for r in rows),
        },
    )


@get("/admin/e/{slug:str}/payments/addons/orders.csv", include_in_schema=False, guards=[requires(Area.PAYMENTS)])
async def admin_addon_orders_csv(*, slug: FromPath[str], db_session: NamedDependency[AsyncSession]) -> Response[str]:
    expo = await _expo(db_session, slug)
    assert expo.id is not None
    return csv_response(logistics_csv(await addons.logistics(db_session, expo.id)), f"addons-{expo.slug}.csv")


@get("/admin/e/{slug:str}/payments/addons/orders.xlsx", include_in_schema=False, guards=[requires(Area.PAYMENTS)])
async def admin_addon_orders_xlsx(*, slug: FromPath[str], db_session: NamedDependency[AsyncSession]) -> Response[bytes]:
    expo = await _expo(db_session, slug)
    assert expo.id is not None
    # Built in a worker thread, like the revenue workbook: CPU work, not for the event loop.
    content = await asyncio.to_thread(logistics_xlsx, await addons.logistics(db_session, expo.id))
    return Response(
        content,
        media_type=XLSX,
        headers={"Content-Disposition": f'attachment; filename="addons-{expo.slug}.xlsx"'},
    )


# --- the exhibitor's page ------------------------------------------------------------------------
class OrderForm(BaseModel):
    addon_id: str = ""
    quantity: str = ""
    text: str = ""


def _order_notice(msg: str) -> str | None:
    return {
        "ordered": gettext("The add-on is ordered and added to your bill."),
        "cancelled": gettext("The add-on is cancelled and taken off your bill."),
    }.get(msg)


async def _render_mine(
    request: Request[Any, Any, Any],
    db_session: AsyncSession,
    user: CurrentUser,
    *,
    notice: str | None = None,
    errors: FormErrors | None = None,
    form: OrderForm | None = None,
    form_booking: int | None = None,
    status_code: int = 200,
) -> Template:
    exhibitor = await exhibitors.exhibitor_of_user(db_session, user.id)
    expo: Expo | None = None
    items: list[dict[str, Any]] = []
    offered: list[AddOn] = []
    if exhibitor is not None and exhibitor.id is not None:
        expo = await venue.get_expo(db_session, exhibitor.expo_id)
        offered = await addons.list_addons(db_session, exhibitor.expo_id, active_only=True)
        for booking in await bookings.list_bookings(db_session, exhibitor.expo_id, exhibitor_id=exhibitor.id):
            if booking.status not in (BookingStatus.HELD, BookingStatus.CONFIRMED):
                continue
            items.append(
                {
                    "booking": booking,
                    "orders": await addons.orders_of_booking(db_session, booking.id),
                    "bill": await bill_of_booking(db_session, booking.id),
                }
            )
    return page(
        request,
        "billing/my_addons.html",
        status_code=status_code,
        exhibitor=exhibitor,
        expo=expo,
        items=items,
        offered=offered,
        open=expo is not None and addons.may_still_order(expo),
        notice=notice,
        errors=errors or FormErrors(),
        form=form or OrderForm(quantity="1"),
        form_booking=form_booking,
        words=WORDS,
    )


@get("/my-booking/addons", include_in_schema=False, guards=[requires_exhibitor])
async def my_addons(
    request: Request[Any, Any, Any],
    *,
    user: NamedDependency[CurrentUser],
    db_session: NamedDependency[AsyncSession],
    msg: FromQuery[Annotated[str, Parameter(max_length=32)]] = "",
) -> Template:
    return await _render_mine(request, db_session, user, notice=_order_notice(msg))


@post("/my-booking/{booking_id:int}/addons", include_in_schema=False, guards=[requires_exhibitor])
async def my_addon_order(
    request: Request[Any, Any, Any],
    *,
    booking_id: FromPath[int],
    data: Annotated[OrderForm, FormBody],
    user: NamedDependency[CurrentUser],
    db_session: NamedDependency[AsyncSession],
) -> Response[Any]:
    async def order() -> None:
        checked = AddOnOrderIn.model_validate(
            {"addon_id": data.addon_id.strip() or "0", "quantity": data.quantity.strip() or "1", "text": data.text}
        )
        await addons.order_addon(db_session, booking_id, checked, user)

    async def again(errors: FormErrors, status: int) -> Template:
        return await _render_mine(
            request, db_session, user, errors=errors, form=data, form_booking=booking_id, status_code=status
        )

    return await submit(
        db_session,
        order,
        rerender=again,
        done="/my-booking/addons?msg=ordered",
        fields=OrderForm.model_fields,
        choices={"addon_id"},
    )


@post("/my-booking/addons/{order_id:int}/cancel", include_in_schema=False, guards=[requires_exhibitor])
async def my_addon_cancel(
    request: Request[Any, Any, Any],
    *,
    order_id: FromPath[int],
    user: NamedDependency[CurrentUser],
    db_session: NamedDependency[AsyncSession],
) -> Response[Any]:
    async def cancel() -> None:
        await addons.cancel_order(db_session, order_id, user)

    async def again(errors: FormErrors, status: int) -> Template:
        return await _render_mine(request, db_session, user, errors=errors, status_code=status)

    return await submit(db_session, cancel, rerender=again, done="/my-booking/addons?msg=cancelled")


PAGE_HANDLERS = [
    admin_addons,
    admin_add_addon,
    admin_addon,
    admin_edit_addon,
    admin_addon_orders,
    admin_addon_orders_csv,
    admin_addon_orders_xlsx,
    my_addons,
    my_addon_order,
    my_addon_cancel,
]
