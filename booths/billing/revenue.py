"""Revenue: what an expo billed, was paid, is still owed and is overdue, by exhibitor class, package
and regency; the bills still open, with a click-to-chat reminder; the whole as an XLSX workbook.

The sums are SQL aggregates over the bills (``Bill.total`` and ``Bill.paid`` are kept true by the
ledger), never Python loops over every bill. "Overdue" is the rule of ``states.bill_state``, written
as a SQL expression here (``overdue_clause``; a test holds the two together). Void bills are not
billed revenue; what they kept after their refunds is shown apart ("kept from cancellations"), so
that paid + kept is the ledger's sum.
"""

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from booths.billing.models import Bill, BillStatus, Payment, Refund, RefundStatus
from booths.billing.notices import bill_path
from booths.billing.states import BillState, bill_state, outstanding
from booths.bookings.models import Booking
from booths.exhibitors.models import Exhibitor
from booths.venue.models import Booth, BoothPackage, Expo
from expo.formatting import as_utc, format_date, format_rupiah, utcnow
from expo.i18n import N_, translate
from expo.phones import wa_me_link


class GroupBy(StrEnum):
    CLASS = "class"
    PACKAGE = "package"
    REGENCY = "regency"


def overdue_clause(now: datetime, today: date | None = None) -> sa.ColumnElement[bool]:
    """``bill_state(bill) == OVERDUE`` in SQL: unpaid past its deadline, or partly paid past the day
    the rest was due."""
    return sa.or_(
        sa.and_(col(Bill.status) == BillStatus.UNPAID, col(Bill.due_at).is_not(None), col(Bill.due_at) <= now),
        sa.and_(
            col(Bill.status) == BillStatus.PARTLY_PAID,
            col(Bill.rest_due_on).is_not(None),
            col(Bill.rest_due_on) < (today or now.date()),
        ),
    )


@dataclass(frozen=True)
class Figures:
    key: str  # the class code, the package's name or the regency ("" when there is none)
    bills: int
    billed: int
    paid: int
    outstanding: int
    overdue: int


def _open(now: datetime) -> tuple[sa.ColumnElement[int], sa.ColumnElement[int]]:
    owed = sa.case((col(Bill.total) > col(Bill.paid), col(Bill.total) - col(Bill.paid)), else_=0)
    late = sa.case((overdue_clause(now), owed), else_=0)
    return owed, late


async def figures_by(session: AsyncSession, expo_id: int, group: GroupBy, now: datetime | None = None) -> list[Figures]:
    """One row per class, package or regency of the expo's live (not void) bills."""
    now = now or utcnow()
    owed, late = _open(now)
    key: Any
    stmt = sa.select().select_from(Bill).join(Exhibitor, col(Exhibitor.id) == col(Bill.exhibitor_id))
    if group == GroupBy.PACKAGE:
        key = sa.func.coalesce(col(BoothPackage.name), "")
        stmt = (
            stmt.outerjoin(Booking, col(Booking.id) == col(Bill.booking_id))
            .outerjoin(Booth, col(Booth.id) == col(Booking.booth_id))
            .outerjoin(BoothPackage, col(BoothPackage.id) == col(Booth.package_id))
        )
    elif group == GroupBy.REGENCY:
        key = col(Exhibitor.regency)
    else:
        key = col(Exhibitor.exhibitor_class)
    stmt = (
        stmt.add_columns(
            key.label("key"),
            sa.func.count(col(Bill.id)),
            sa.func.coalesce(sa.func.sum(col(Bill.total)), 0),
            sa.func.coalesce(sa.func.sum(col(Bill.paid)), 0),
            sa.func.coalesce(sa.func.sum(owed), 0),
            sa.func.coalesce(sa.func.sum(late), 0),
        )
        .where(col(Bill.expo_id) == expo_id, col(Bill.status) != BillStatus.VOID)
        .group_by(key)
        .order_by(key)
    )
    return [
        Figures(key=str(k or ""), bills=int(n), billed=int(b), paid=int(p), outstanding=int(o), overdue=int(d))
        for k, n, b, p, o, d in (await session.execute(stmt)).all()
    ]


@dataclass(frozen=True)
class Totals:
    bills: int
    billed: int
    paid: int
    outstanding: int
    overdue: int
    kept: int  # what void bills (cancelled bookings) still hold after their refunds were paid out
    refunds_to_pay: int
    refunds_paid: int

    @property
    def received(self) -> int:
        """The ledger's net sum: every payment in, less reversals and refunds paid out."""
        return self.paid + self.kept


async def totals(session: AsyncSession, expo_id: int, now: datetime | None = None) -> Totals:
    now = now or utcnow()
    owed, late = _open(now)
    live = col(Bill.status) != BillStatus.VOID
    row = (
        await session.execute(
            sa.select(
                sa.func.count(col(Bill.id)).filter(live),
                sa.func.coalesce(sa.func.sum(col(Bill.total)).filter(live), 0),
                sa.func.coalesce(sa.func.sum(col(Bill.paid)).filter(live), 0),
                sa.func.coalesce(sa.func.sum(owed).filter(live), 0),
                sa.func.coalesce(sa.func.sum(late).filter(live), 0),
                sa.func.coalesce(sa.func.sum(col(Bill.paid)).filter(~live), 0),
            ).where(col(Bill.expo_id) == expo_id)
        )
    ).one()
    refunds = (
        await session.execute(
            sa.select(
                sa.func.coalesce(sa.func.sum(col(Refund.amount)).filter(col(Refund.status) == RefundStatus.TO_PAY), 0),
                sa.func.coalesce(sa.func.sum(col(Refund.amount)).filter(col(Refund.status) == RefundStatus.PAID), 0),
            ).where(col(Refund.expo_id) == expo_id)
        )
    ).one()
    bills, billed, paid, owed_sum, late_sum, kept = (int(v) for v in row)
    return Totals(
        bills=bills,
        billed=billed,
        paid=paid,
        outstanding=owed_sum,
        overdue=late_sum,
        kept=kept,
        refunds_to_pay=int(refunds[0]),
        refunds_paid=int(refunds[1]),
    )


async def ledger_sum(session: AsyncSession, expo_id: int) -> int:
    """The sum of the expo's ledger lines (for checks: it equals ``totals().received``)."""
    value = await session.scalar(
        sa.select(sa.func.coalesce(sa.func.sum(col(Payment.amount)), 0)).where(col(Payment.expo_id) == expo_id)
    )
    return int(value or 0)


@dataclass(frozen=True)
class OpenBill:
    bill: Bill
    state: BillState
    exhibitor: str
    whatsapp: str
    booth_code: str

    @property
    def owed(self) -> int:
        return outstanding(self.bill)


async def open_bills(
    session: AsyncSession, expo_id: int, *, overdue_only: bool = False, now: datetime | None = None
) -> list[OpenBill]:
    """The live bills with money still owed (overdue ones when asked), for the reminder list."""
    now = now or utcnow()
    stmt = (
        sa.select(Bill, col(Exhibitor.name), col(Exhibitor.whatsapp), col(Booth.code))
        .join(Exhibitor, col(Exhibitor.id) == col(Bill.exhibitor_id))
        .outerjoin(Booking, col(Booking.id) == col(Bill.booking_id))
        .outerjoin(Booth, col(Booth.id) == col(Booking.booth_id))
        .where(
            col(Bill.expo_id) == expo_id,
            col(Bill.status).in_([BillStatus.UNPAID, BillStatus.PARTLY_PAID]),
            col(Bill.total) > col(Bill.paid),
        )
    )
    if overdue_only:
        stmt = stmt.where(overdue_clause(now))
    rows = (await session.execute(stmt)).all()
    return [
        OpenBill(bill=bill, state=bill_state(bill, now), exhibitor=name, whatsapp=wa, booth_code=code or "")
        for bill, name, wa, code in rows
    ]


REMINDER = N_(
    "Hello %(name)s, this is the committee of %(expo)s. Bill %(number)s still has %(amount)s to pay%(due)s. "
    "How to pay, and to upload your proof of transfer: %(link)s"
)
REMINDER_DUE = N_(" (due %(day)s)")


def reminder_link(item: OpenBill, expo: Expo, base_url: str, language: str = "id") -> str:
    """A wa.me link that opens a chat with the exhibitor with the reminder typed in (in Indonesian by
    default: it is the exhibitor who reads it, not the treasurer who clicks)."""
    bill = item.bill
    local = as_utc(bill.due_at).astimezone(ZoneInfo(expo.timezone)).date() if bill.due_at else None
    day = bill.rest_due_on if bill.status == BillStatus.PARTLY_PAID else local
    due = translate(REMINDER_DUE, {"day": format_date(day, language)}, language) if day else ""
    text = translate(
        REMINDER,
        {
            "name": item.exhibitor,
            "expo": expo.name,
            "number": bill.number,
            "amount": format_rupiah(item.owed),
            "due": due,
            "link": base_url.rstrip("/") + bill_path(bill),
        },
        language,
    )
    return wa_me_link(item.whatsapp, text)
