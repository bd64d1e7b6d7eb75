"""Add-ons: the expo's price list of extras (power by VA blocks, tables, chairs, staff passes, a fascia
board's text, anything else), the exhibitor's orders of them on a booking, and the logistics list.

An order is money on the booking's bill: it adds an ``addon`` line and raises the total (a paid bill
becomes partly paid again). Cancelling adds a ``cancelled`` line that takes the amount back: lines
are never deleted. Only what is not paid yet can be cancelled, so cancelling never owes a refund.
A free stand has no bill until its first priced add-on, which opens one (due before the expo starts).

Every order and cancellation locks the booking's row first, so two orders at once cannot pass the
add-on's maximum together, nor open two bills.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from booths.billing.addon_schemas import AddOnIn, AddOnOrderIn
from booths.billing.bills import bill_of_booking, document_prefix, payment_setup
from booths.billing.models import AddOn, AddOnKind, AddOnOrder, Bill, BillLine, BillStatus, LineKind
from booths.billing.numbering import INVOICE, document_number, next_number
from booths.billing.states import stored_status
from booths.bookings.models import Booking, BookingStatus
from booths.exhibitors.models import Exhibitor
from booths.venue.lifecycle import expo_today
from booths.venue.models import Booth, Expo
from expo import audit
from expo.accounts import CurrentUser
from expo.errors import Conflict, FieldProblem, InvalidInput, NotFound
from expo.formatting import utcnow
from expo.i18n import N_
from expo.paging import natural
from expo.permissions import Area

LIVE = (BookingStatus.HELD, BookingStatus.CONFIRMED)


# --- the price list ------------------------------------------------------------------------------
async def list_addons(session: AsyncSession, expo_id: int, *, active_only: bool = False) -> list[AddOn]:
    stmt = sa.select(AddOn).where(col(AddOn.expo_id) == expo_id)
    if active_only:
        stmt = stmt.where(col(AddOn.active))
    return list((await session.scalars(stmt.order_by(col(AddOn.kind), col(AddOn.name), col(AddOn.id)))).all())


async def get_addon(session: AsyncSession, expo_id: int, addon_id: int) -> AddOn:
    addon = await session.get(AddOn, addon_id)
    if addon is None or addon.expo_id != expo_id:
        raise NotFound("No such add-on.", code="addon_not_found")
    return addon


def _fields(addon: AddOn) -> dict[str, object]:
    return {
        "code": addon.code,
        "kind": str(addon.kind),
        "name": addon.name,
        "unit": addon.unit,
        "unit_size": addon.unit_size,
        "price": addon.price,
        "max_quantity": addon.max_quantity,
        "active": addon.active,
    }


async def _flush_unique(session: AsyncSession) -> None:
    try:
        async with session.begin_nested():
            await session.flush()
    except IntegrityError as exc:
        message = N_("An add-on with this code exists.")
        raise Conflict(message, code="addon_code_taken", fields=[FieldProblem("code", message)]) from exc


async def create_addon(session: AsyncSession, expo_id: int, data: AddOnIn, actor: CurrentUser) -> AddOn:
    addon = AddOn(expo_id=expo_id, **data.model_dump() | {"code": data.code.lower()})
    session.add(addon)
    await _flush_unique(session)
    await audit.record(session, actor, expo_id, "addon.created", addon.name, after=_fields(addon))
    return addon


async def update_addon(session: AsyncSession, expo_id: int, addon_id: int, data: AddOnIn, actor: CurrentUser) -> AddOn:
    """Change an add-on. Orders keep the price they were placed at: only new orders see a new price."""
    addon = await get_addon(session, expo_id, addon_id)
    before = _fields(addon)
    for name, value in (data.model_dump() | {"code": data.code.lower()}).items():
        setattr(addon, name, value)
    await _flush_unique(session)
    after = _fields(addon)
    changed = [k for k in after if after[k] != before[k]]
    if changed:
        await audit.record(
            session,
            actor,
            expo_id,
            "addon.updated",
            addon.name,
            before={k: before[k] for k in changed},
            after={k: after[k] for k in changed},
        )
    return addon


# --- orders --------------------------------------------------------------------------------------
async def _locked_booking(session: AsyncSession, booking_id: int, actor: CurrentUser) -> tuple[Booking, Expo]:
    """The booking, locked (a row lock on PostgreSQL, the write lock on SQLite), if the asker may order
    for it: its exhibitor's own account, or the committee's bookings desk. Others get a 404, as if it
    did not exist."""
    await session.execute(sa.update(Booking).where(col(Booking.id) == booking_id).values(updated_at=utcnow()))
    booking = await session.get(Booking, booking_id, populate_existing=True)
    if booking is None:
        raise NotFound("No such booking.", code="booking_not_found")
    exhibitor = await session.get(Exhibitor, booking.exhibitor_id)
    own = exhibitor is not None and exhibitor.user_id == actor.id and not actor.everything
    if not own and not actor.may(booking.expo_id, Area.BOOKINGS):
        raise NotFound("No such booking.", code="booking_not_found")
    expo = await session.get(Expo, booking.expo_id)
    assert expo is not None
    return booking, expo


def _check_open(booking: Booking, expo: Expo) -> None:
    """Add-ons are ordered and cancelled for a live booking, until the expo's first day."""
    if booking.status not in LIVE:
        raise Conflict("Add-ons are ordered for a held or confirmed booking only.", code="booking_not_live")
    if expo_today(expo) >= expo.starts_on:
        raise Conflict(
            "Add-ons can be ordered and cancelled until the day before the expo (%(day)s).",
            code="addons_closed",
            params={"day": (expo.starts_on - timedelta(days=1)).isoformat()},
        )


def pay_by(expo: Expo) -> datetime:
    """The moment an add-on bill of a free stand is due: the start of the expo's first day (UTC)."""
    return datetime.combine(expo.starts_on, time(0), ZoneInfo(expo.timezone)).astimezone(ZoneInfo("UTC"))


async def _bill_for(session: AsyncSession, booking: Booking, expo: Expo) -> Bill:
    """The booking's live bill, or a new one for a free stand's first priced add-on."""
    assert booking.id is not None
    bill = await bill_of_booking(session, booking.id)
    if bill is not None:
        return bill
    number = document_number(
        INVOICE, await document_prefix(session, expo), await next_number(session, booking.expo_id, INVOICE)
    )
    setup = await payment_setup(session, booking.expo_id)
    bill = Bill(
        expo_id=booking.expo_id,
        exhibitor_id=booking.exhibitor_id,
        booking_id=booking.id,
        number=number,
        due_at=pay_by(expo),
        rest_due_on=setup.rest_due_on,
    )
    session.add(bill)
    await session.flush()
    return bill


def _line_text(addon: AddOn, order: AddOnOrder) -> str:
    if addon.kind == AddOnKind.POWER:
        return f"{addon.name} ({order.quantity * addon.unit_size} VA)"
    if addon.kind == AddOnKind.FASCIA and order.text:
        return f"{addon.name}: {order.text}"[:200]
    return addon.name


async def _ordered(session: AsyncSession, booking_id: int, addon_id: int) -> int:
    total = await session.scalar(
        sa.select(sa.func.coalesce(sa.func.sum(col(AddOnOrder.quantity)), 0)).where(
            col(AddOnOrder.booking_id) == booking_id,
            col(AddOnOrder.addon_id) == addon_id,
            col(AddOnOrder.cancelled_at).is_(None),
        )
    )
    return int(total or 0)


def _resettle(bill: Bill, expo: Expo) -> None:
    """The bill's stored state after its total changed. Money paid before an add-on leaves a rest,
    due the day before the expo when the bill had no day for a rest yet."""
    if bill.status == BillStatus.VOID:
        return
    bill.status = stored_status(bill.total, bill.paid)
    if bill.status == BillStatus.PARTLY_PAID and bill.rest_due_on is None:
        bill.rest_due_on = expo.starts_on - timedelta(days=1)
    bill.updated_at = utcnow()


async def order_addon(session: AsyncSession, booking_id: int, data: AddOnOrderIn, actor: CurrentUser) -> AddOnOrder:
    booking, expo = await _locked_booking(session, booking_id, actor)
    _check_open(booking, expo)
    addon = await session.get(AddOn, data.addon_id)
    if addon is None or addon.expo_id != booking.expo_id or not addon.active:
        message = N_("Choose one of the add-ons offered.")
        raise InvalidInput(message, code="addon_not_offered", fields=[FieldProblem("addon_id", message)])
    text = " ".join(data.text.split())
    if addon.kind == AddOnKind.FASCIA and not text:
        message = N_("Write the text for the fascia board.")
        raise InvalidInput(message, code="fascia_text_required", fields=[FieldProblem("text", message)])
    already = await _ordered(session, booking_id, data.addon_id)
    if already + data.quantity > addon.max_quantity:
        message = N_("At most %(max)s of %(name)s per booth; %(already)s ordered already.")
        params: dict[str, object] = {"max": addon.max_quantity, "name": addon.name, "already": already}
        raise InvalidInput(
            message, code="addon_max_quantity", params=params, fields=[FieldProblem("quantity", message, params)]
        )
    order = AddOnOrder(
        expo_id=booking.expo_id,
        booking_id=booking_id,
        addon_id=data.addon_id,
        quantity=data.quantity,
        unit_price=addon.price,
        text=text if addon.kind == AddOnKind.FASCIA else "",
    )
    session.add(order)
    await session.flush()
    amount = order.quantity * order.unit_price
    bill = await bill_of_booking(session, booking_id)
    if amount > 0 or bill is not None:
        bill = bill or await _bill_for(session, booking, expo)
        assert bill.id is not None
        session.add(
            BillLine(
                bill_id=bill.id,
                kind=LineKind.ADDON,
                description=_line_text(addon, order),
                quantity=order.quantity,
                unit_price=order.unit_price,
                amount=amount,
                addon_order_id=order.id,
            )
        )
        before = {"total": bill.total, "status": bill.status}
        bill.total += amount
        _resettle(bill, expo)
        await session.flush()
        await audit.record(
            session,
            actor,
            booking.expo_id,
            "addon.ordered",
            f"{bill.number} · {addon.name}",
            before=before,
            after={"total": bill.total, "status": bill.status, "quantity": order.quantity, "amount": amount},
        )
    else:
        await audit.record(
            session, actor, booking.expo_id, "addon.ordered", addon.name, after={"quantity": order.quantity}
        )
    return order


async def cancel_order(session: AsyncSession, order_id: int, actor: CurrentUser) -> AddOnOrder:
    """Take an add-on back while it is unpaid: a ``cancelled`` line lowers the bill by the order's
    amount. When the payments already cover it, the money would have to go back: refused (the
    treasurer handles that as a change, not the exhibitor)."""
    found = await session.get(AddOnOrder, order_id)
    if found is None:
        raise NotFound("No such add-on order.", code="addon_order_not_found")
    booking, expo = await _locked_booking(session, found.booking_id, actor)
    order = await session.get(AddOnOrder, order_id, populate_existing=True)
    assert order is not None
    if order.cancelled_at is not None:
        raise Conflict("This add-on is already cancelled.", code="addon_order_cancelled")
    _check_open(booking, expo)
    line = await session.scalar(
        sa.select(BillLine).where(col(BillLine.addon_order_id) == order_id, col(BillLine.kind) == LineKind.ADDON)
    )
    bill = await session.get(Bill, line.bill_id, populate_existing=True) if line is not None else None
    if line is not None and bill is not None and bill.status != BillStatus.VOID:
        if bill.total - line.amount < bill.paid:
            raise Conflict("This add-on is paid already; ask the treasurer to change it.", code="addon_order_paid")
        assert bill.id is not None
        session.add(
            BillLine(
                bill_id=bill.id,
                kind=LineKind.CANCELLED,
                description=line.description,
                quantity=line.quantity,
                unit_price=-line.unit_price,
                amount=-line.amount,
                addon_order_id=order_id,
            )
        )
        before = {"total": bill.total, "status": bill.status}
        bill.total -= line.amount
        if bill.total <= 0 and bill.paid == 0:  # an add-on bill of a free stand with nothing left on it
            bill.status = BillStatus.VOID
            bill.voided_at = utcnow()
            bill.void_reason = "addons_cancelled"
        _resettle(bill, expo)
        subject = f"{bill.number} · {line.description}"
        after = {"total": bill.total, "status": bill.status}
    else:
        before, after, subject = {}, {}, ""
    order.cancelled_at = utcnow()
    await session.flush()
    await audit.record(
        session, actor, booking.expo_id, "addon.cancelled", subject or str(order_id), before=before, after=after
    )
    return order


@dataclass(frozen=True)
class OrderRow:
    order: AddOnOrder
    addon: AddOn

    @property
    def amount(self) -> int:
        return self.order.quantity * self.order.unit_price

    @property
    def watts(self) -> int:
        """VA, for power (the unit the electrician plans with)."""
        return self.order.quantity * self.addon.unit_size if self.addon.kind == AddOnKind.POWER else 0


async def orders_of_booking(session: AsyncSession, booking_id: int) -> list[OrderRow]:
    rows = await session.execute(
        sa.select(AddOnOrder, AddOn)
        .join(AddOn, col(AddOn.id) == col(AddOnOrder.addon_id))
        .where(col(AddOnOrder.booking_id) == booking_id)
        .order_by(col(AddOnOrder.ordered_at), col(AddOnOrder.id))
    )
    return [OrderRow(order, addon) for order, addon in rows.all()]


async def extra_staff_passes(session: AsyncSession, booking_ids: list[int]) -> dict[int, int]:
    """Staff passes bought as add-ons, per booking (not cancelled). Tickets adds these to a booking's
    package quota; booths never imports tickets, so tickets asks here."""
    if not booking_ids:
        return {}
    rows = await session.execute(
        sa.select(col(AddOnOrder.booking_id), sa.func.sum(col(AddOnOrder.quantity)))
        .join(AddOn, col(AddOn.id) == col(AddOnOrder.addon_id))
        .where(
            col(AddOnOrder.booking_id).in_(booking_ids),
            col(AddOnOrder.cancelled_at).is_(None),
            col(AddOn.kind) == AddOnKind.STAFF_PASS,
        )
        .group_by(col(AddOnOrder.booking_id))
    )
    return {int(b): int(n or 0) for b, n in rows.all()}


# --- the logistics list --------------------------------------------------------------------------
@dataclass(frozen=True)
class LogisticsRow:
    """What one booth needs set up: totals per kind and the fascia texts."""

    booking_id: int
    booth_code: str
    exhibitor: str
    whatsapp: str
    status: str
    power_va: int
    tables: int
    chairs: int
    staff_passes: int
    fascia: str
    other: str


async def logistics(session: AsyncSession, expo_id: int) -> list[LogisticsRow]:
    """Per live booking with add-ons: the sums by kind in one grouped query, the fascia texts and other
    items by name in a second (both over the orders not cancelled)."""

    def total(kind: AddOnKind, amount: Any) -> sa.ColumnElement[int]:
        return sa.func.coalesce(sa.func.sum(sa.case((col(AddOn.kind) == kind, amount), else_=0)), 0)

    live = [
        col(AddOnOrder.expo_id) == expo_id,
        col(AddOnOrder.cancelled_at).is_(None),
        col(Booking.status).in_(LIVE),
    ]
    sums = (
        sa.select(
            col(Booking.id),
            col(Booth.code),
            col(Exhibitor.name),
            col(Exhibitor.whatsapp),
            col(Booking.status),
            total(AddOnKind.POWER, col(AddOnOrder.quantity) * col(AddOn.unit_size)),
            total(AddOnKind.TABLE, col(AddOnOrder.quantity)),
            total(AddOnKind.CHAIR, col(AddOnOrder.quantity)),
            total(AddOnKind.STAFF_PASS, col(AddOnOrder.quantity)),
        )
        .select_from(AddOnOrder)
        .join(AddOn, col(AddOn.id) == col(AddOnOrder.addon_id))
        .join(Booking, col(Booking.id) == col(AddOnOrder.booking_id))
        .join(Booth, col(Booth.id) == col(Booking.booth_id))
        .join(Exhibitor, col(Exhibitor.id) == col(Booking.exhibitor_id))
        .where(*live)
        .group_by(col(Booking.id), col(Booth.code), col(Exhibitor.name), col(Exhibitor.whatsapp), col(Booking.status))
    )
    texts = (
        sa.select(
            col(AddOnOrder.booking_id), col(AddOn.kind), col(AddOn.name), col(AddOnOrder.quantity), col(AddOnOrder.text)
        )
        .join(AddOn, col(AddOn.id) == col(AddOnOrder.addon_id))
        .join(Booking, col(Booking.id) == col(AddOnOrder.booking_id))
        .where(*live, col(AddOn.kind).in_([AddOnKind.FASCIA, AddOnKind.OTHER]))
        .order_by(col(AddOnOrder.id))
    )
    fascia: dict[int, list[str]] = {}
    other: dict[int, list[str]] = {}
    for booking_id, kind, name, quantity, text in await session.execute(texts):
        if kind == AddOnKind.FASCIA:
            fascia.setdefault(booking_id, []).append(text)
        else:
            other.setdefault(booking_id, []).append(f"{quantity} × {name}")
    rows = [
        LogisticsRow(
            booking_id=int(b or 0),
            booth_code=code,
            exhibitor=name,
            whatsapp=whatsapp,
            status=str(status),
            power_va=int(power),
            tables=int(tables),
            chairs=int(chairs),
            staff_passes=int(staff),
            fascia=" / ".join(fascia.get(int(b or 0), [])),
            other=", ".join(other.get(int(b or 0), [])),
        )
        for b, code, name, whatsapp, status, power, tables, chairs, staff in (await session.execute(sums)).all()
    ]
    return sorted(rows, key=lambda r: natural(r.booth_code))


def may_still_order(expo: Expo, today: date | None = None) -> bool:
    return (today or expo_today(expo)) < expo.starts_on
