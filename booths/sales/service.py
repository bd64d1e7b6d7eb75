"""The rules of daily sales: who may enter which day, until when, what a second entry does, which
figures are flagged, who has not reported, and the sums the dashboard and report read.

- An exhibitor enters its own sales for an expo day from that day on, until ``LOCK_HOUR`` the next
  morning (the expo's local time); after that the day is locked for it.
- The committee (area ``exhibitors``) may enter for any exhibitor of its expo at any time; after the
  lock that is a correction and goes into the change log.
- A second entry for a day replaces the first; the replaced values are kept as a revision.
- A day's sales far above the exhibitor's other days are flagged for the committee, not refused.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from statistics import median
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from booths.bookings.models import Booking, BookingStatus
from booths.exhibitors.models import Exhibitor
from booths.sales.models import DailySale, DailySaleRevision, SaleSource
from booths.sales.schemas import SaleEntry
from booths.venue.models import Expo, ExpoDay
from expo import audit, live
from expo.accounts import CurrentUser
from expo.errors import Conflict, FieldProblem, Forbidden, InvalidInput, NotFound
from expo.formatting import utcnow
from expo.i18n import N_
from expo.permissions import Area

LOCK_HOUR = 10  # the morning after an expo day, at this hour (expo time), the exhibitor's entry locks
FLAG_FACTOR = 5  # a day above this many times the median of the exhibitor's other days is flagged
FLAG_FLOOR = 100_000_000  # with no other days to compare: a day above this (rupiah) is flagged


@dataclass(frozen=True)
class DayWindow:
    """When an exhibitor may enter one expo day's sales (UTC)."""

    day: date
    opens_at: datetime
    locks_at: datetime


def day_window(expo: Expo, day: date) -> DayWindow:
    zone = ZoneInfo(expo.timezone)
    opens = datetime.combine(day, time(0, 0), zone)
    locks = datetime.combine(day + timedelta(days=1), time(LOCK_HOUR, 0), zone)
    return DayWindow(day=day, opens_at=opens.astimezone(ZoneInfo("UTC")), locks_at=locks.astimezone(ZoneInfo("UTC")))


def is_locked(expo: Expo, day: date, now: datetime | None = None) -> bool:
    return (now or utcnow()) >= day_window(expo, day).locks_at


async def expo_days(session: AsyncSession, expo_id: int) -> list[date]:
    rows = await session.scalars(
        sa.select(col(ExpoDay.day)).where(col(ExpoDay.expo_id) == expo_id).order_by(col(ExpoDay.day))
    )
    return list(rows)


def _deal_sum(deals: list[dict[str, Any]]) -> int:
    return sum(int(d.get("value", 0)) for d in deals)


def _values(sale: DailySale) -> dict[str, Any]:
    return {
        "cash": sale.cash,
        "transfer": sale.transfer,
        "transactions": sale.transactions,
        "orders": sale.orders,
        "deals": list(sale.deals),
    }


async def _exhibitor(session: AsyncSession, exhibitor_id: int) -> Exhibitor:
    exhibitor = await session.get(Exhibitor, exhibitor_id)
    if exhibitor is None:
        raise NotFound("No such exhibitor.", code="exhibitor_not_found")
    return exhibitor


async def _is_flagged(session: AsyncSession, exhibitor_id: int, day: date, sales: int) -> bool:
    """Far above the exhibitor's other reported days (or, with none to compare, above a floor)."""
    rows = await session.execute(
        sa.select(col(DailySale.cash), col(DailySale.transfer)).where(
            col(DailySale.exhibitor_id) == exhibitor_id, col(DailySale.day) != day
        )
    )
    others = [cash + transfer for cash, transfer in rows if cash + transfer > 0]
    if not others:
        return sales > FLAG_FLOOR
    return sales > FLAG_FACTOR * median(others)


async def enter_sales(
    session: AsyncSession, user: CurrentUser, exhibitor_id: int, entry: SaleEntry, now: datetime | None = None
) -> DailySale:
    """Record one day's sales for an exhibitor (a second entry replaces the first, keeping it as a
    revision). The exhibitor itself only within the day's window; the committee at any time."""
    now = now or utcnow()
    exhibitor = await _exhibitor(session, exhibitor_id)
    expo = await session.get(Expo, exhibitor.expo_id)
    assert expo is not None
    assert expo.id is not None
    committee = user.may(expo.id, Area.EXHIBITORS)
    if not committee and (exhibitor.user_id is None or exhibitor.user_id != user.id):
        # Somebody else's sales: the same answer as a record that does not exist.
        raise NotFound("No such exhibitor.", code="exhibitor_not_found")
    if entry.day not in await expo_days(session, expo.id):
        raise InvalidInput(
            N_("%(day)s is not a day of this expo."),
            code="not_an_expo_day",
            params={"day": entry.day.isoformat()},
            fields=[FieldProblem("day", N_("Choose a day of the expo."))],
        )
    window = day_window(expo, entry.day)
    if not committee and now < window.opens_at:
        raise Conflict(N_("This day has not started yet."), code="sales_day_not_started")
    locked = now >= window.locks_at
    if not committee and locked:
        raise Conflict(
            N_("This day is locked: sales can be changed until %(hour)s:00 the next morning. Ask the committee."),
            code="sales_day_locked",
            params={"hour": LOCK_HOUR},
        )

    deals = [{"party": d.party, "value": d.value} for d in entry.deals]
    flagged = await _is_flagged(session, exhibitor_id, entry.day, entry.sales)
    source = SaleSource.DESK if committee else SaleSource.EXHIBITOR
    sale = await session.scalar(
        sa.select(DailySale)
        .where(col(DailySale.exhibitor_id) == exhibitor_id, col(DailySale.day) == entry.day)
        .with_for_update()
    )
    before: dict[str, Any] | None = None
    if sale is None:
        sale = DailySale(expo_id=expo.id, exhibitor_id=exhibitor_id, day=entry.day, created_at=now)
        session.add(sale)
    else:
        before = _values(sale)
        session.add(
            DailySaleRevision(
                sale_id=sale.id or 0,
                version=sale.version,
                values=before,
                source=sale.source,
                entered_by=sale.entered_by,
                entered_at=sale.updated_at,
                replaced_at=now,
            )
        )
        sale.version += 1
    sale.cash, sale.transfer, sale.transactions, sale.orders = (
        entry.cash,
        entry.transfer,
        entry.transactions,
        entry.orders,
    )
    sale.deals = deals
    sale.deals_value = _deal_sum(deals)
    sale.flagged = flagged
    sale.source = source
    sale.entered_by = None if user.everything else user.id
    sale.updated_at = now
    await session.flush()
    if committee and (locked or exhibitor.user_id != user.id):
        # The committee entering for an exhibitor (at the desk, or a correction after the lock) is
        # written to the change log with what it replaced.
        await audit.record(
            session,
            user,
            expo.id,
            "sales.corrected" if before is not None else "sales.entered",
            f"{exhibitor.name} · {entry.day.isoformat()}",
            before=before,
            after=_values(sale),
        )
    live.changed(session, expo.id)  # the organisers' dashboard re-reads once this commits
    return sale


async def sale_of(session: AsyncSession, exhibitor_id: int, day: date) -> DailySale | None:
    return await session.scalar(
        sa.select(DailySale).where(col(DailySale.exhibitor_id) == exhibitor_id, col(DailySale.day) == day)
    )


async def sales_of_exhibitor(session: AsyncSession, exhibitor_id: int) -> list[DailySale]:
    """One exhibitor's entries, by day (its own figures: never anyone else's)."""
    rows = await session.scalars(
        sa.select(DailySale).where(col(DailySale.exhibitor_id) == exhibitor_id).order_by(col(DailySale.day))
    )
    return list(rows)


async def revisions(session: AsyncSession, sale_id: int) -> list[DailySaleRevision]:
    rows = await session.scalars(
        sa.select(DailySaleRevision)
        .where(col(DailySaleRevision.sale_id) == sale_id)
        .order_by(col(DailySaleRevision.version).desc())
    )
    return list(rows)


def participants_clause(expo_id: int) -> sa.ColumnElement[bool]:
    """Exhibitors of the expo with a confirmed booth: those expected to report their sales."""
    return sa.and_(
        col(Exhibitor.expo_id) == expo_id,
        sa.exists().where(
            col(Booking.exhibitor_id) == col(Exhibitor.id),
            col(Booking.status) == BookingStatus.CONFIRMED.value,
        ),
    )


async def missing(session: AsyncSession, expo_id: int, day: date) -> list[Exhibitor]:
    """Exhibitors with a confirmed booth that have not entered ``day``, by name."""
    reported = sa.select(col(DailySale.exhibitor_id)).where(
        col(DailySale.expo_id) == expo_id, col(DailySale.day) == day
    )
    rows = await session.scalars(
        sa.select(Exhibitor)
        .where(participants_clause(expo_id), col(Exhibitor.id).not_in(reported))
        .order_by(col(Exhibitor.name), col(Exhibitor.id))
    )
    return list(rows)


@dataclass(frozen=True)
class DayTotals:
    """The expo's sums for one day (published figures are totals only)."""

    day: date
    reported: int  # exhibitors that entered the day
    cash: int
    transfer: int
    transactions: int
    orders: int
    deals: int  # number of deals
    deals_value: int
    flagged: int

    @property
    def sales(self) -> int:
        return self.cash + self.transfer


async def totals_by_day(
    session: AsyncSession, expo_id: int, start: date | None = None, end: date | None = None
) -> list[DayTotals]:
    """Sums per day, in SQL (the report reads the same figures as the dashboard)."""
    stmt = sa.select(
        col(DailySale.day),
        sa.func.count(),
        sa.func.coalesce(sa.func.sum(col(DailySale.cash)), 0),
        sa.func.coalesce(sa.func.sum(col(DailySale.transfer)), 0),
        sa.func.coalesce(sa.func.sum(col(DailySale.transactions)), 0),
        sa.func.coalesce(sa.func.sum(col(DailySale.orders)), 0),
        sa.func.coalesce(sa.func.sum(col(DailySale.deals_value)), 0),
        sa.func.coalesce(sa.func.sum(sa.case((col(DailySale.flagged), 1), else_=0)), 0),
    ).where(col(DailySale.expo_id) == expo_id)
    if start is not None:
        stmt = stmt.where(col(DailySale.day) >= start)
    if end is not None:
        stmt = stmt.where(col(DailySale.day) <= end)
    rows = (await session.execute(stmt.group_by(col(DailySale.day)).order_by(col(DailySale.day)))).all()
    # Deals are counted from the JSON in Python: their number is small, and JSON length differs per engine.
    deal_counts: dict[date, int] = {}
    deal_rows = await session.execute(
        sa.select(col(DailySale.day), col(DailySale.deals)).where(
            col(DailySale.expo_id) == expo_id, col(DailySale.deals_value) > 0
        )
    )
    for day, deals in deal_rows:
        deal_counts[day] = deal_counts.get(day, 0) + len(deals or [])
    return [
        DayTotals(
            day=day,
            reported=int(n),
            cash=int(cash),
            transfer=int(transfer),
            transactions=int(tx),
            orders=int(orders),
            deals=deal_counts.get(day, 0),
            deals_value=int(deals_value),
            flagged=int(flagged),
        )
        for day, n, cash, transfer, tx, orders, deals_value, flagged in rows
    ]


MIN_GROUP = 3  # a category with fewer exhibitors than this is not broken out in published figures


@dataclass(frozen=True)
class CategoryTotal:
    category: str  # the product cluster's code; "" gathers the small ones ("other")
    exhibitors: int
    sales: int


async def totals_by_category(
    session: AsyncSession, expo_id: int, start: date | None = None, end: date | None = None
) -> list[CategoryTotal]:
    """Sales per product category, largest first; categories with fewer than ``MIN_GROUP``
    exhibitors reporting are summed into one "other" line, so no single business's figure shows."""
    # One expression object for SELECT and GROUP BY: PostgreSQL must see the same bound parameter in both.
    category = sa.func.coalesce(col(Exhibitor.cluster), "")
    rows = await session.execute(
        sa.select(
            category,
            sa.func.count(sa.distinct(col(DailySale.exhibitor_id))),
            sa.func.coalesce(sa.func.sum(col(DailySale.cash) + col(DailySale.transfer)), 0),
        )
        .join(Exhibitor, col(Exhibitor.id) == col(DailySale.exhibitor_id))
        .where(
            col(DailySale.expo_id) == expo_id,
            col(DailySale.day) >= (start or date.min),
            col(DailySale.day) <= (end or date.max),
        )
        .group_by(category)
    )
    shown: list[CategoryTotal] = []
    other_n = other_sales = 0
    for code, n, sales in rows:
        if code and n >= MIN_GROUP:
            shown.append(CategoryTotal(code, int(n), int(sales)))
        else:
            other_n, other_sales = other_n + int(n), other_sales + int(sales)
    # The grand total is published, so a hidden group of one or two would show as the difference:
    # the smallest categories join "other" until it gathers at least ``MIN_GROUP`` exhibitors.
    shown.sort(key=lambda c: (c.exhibitors, c.sales, c.category))
    while 0 < other_n < MIN_GROUP and shown:
        smallest = shown.pop(0)
        other_n, other_sales = other_n + smallest.exhibitors, other_sales + smallest.sales
    shown.sort(key=lambda c: (-c.sales, c.category))
    if other_n:
        shown.append(CategoryTotal("", other_n, other_sales))
    return shown


def check_may_see_all(user: CurrentUser, expo_id: int) -> None:
    """Per-exhibitor figures are the committee's (area ``reports`` or ``exhibitors``)."""
    if not (user.may(expo_id, Area.REPORTS) or user.may(expo_id, Area.EXHIBITORS)):
        raise Forbidden("You may not see this expo's sales.", code="sales_forbidden")


class DayState(StrEnum):
    """Where an expo day stands for the exhibitor entering its sales."""

    UPCOMING = "upcoming"
    OPEN = "open"
    LOCKED = "locked"


def day_state(expo: Expo, day: date, now: datetime | None = None) -> DayState:
    now = now or utcnow()
    window = day_window(expo, day)
    if now < window.opens_at:
        return DayState.UPCOMING
    return DayState.LOCKED if now >= window.locks_at else DayState.OPEN


def default_day(expo: Expo, days: list[date], now: datetime | None = None) -> date | None:
    """The day an entry form opens on: the latest day still open, else the first day (or none)."""
    open_days = [d for d in days if day_state(expo, d, now) is DayState.OPEN]
    if open_days:
        return open_days[-1]
    started = [d for d in days if day_state(expo, d, now) is not DayState.UPCOMING]
    return started[-1] if started else (days[0] if days else None)


async def entries_of_day(session: AsyncSession, expo_id: int, day: date) -> list[tuple[DailySale, Exhibitor]]:
    """Every entry of one day with its exhibitor, flagged ones first (the committee checks them)."""
    rows = await session.execute(
        sa.select(DailySale, Exhibitor)
        .join(Exhibitor, col(Exhibitor.id) == col(DailySale.exhibitor_id))
        .where(col(DailySale.expo_id) == expo_id, col(DailySale.day) == day)
        .order_by(col(DailySale.flagged).desc(), col(Exhibitor.name), col(Exhibitor.id))
    )
    return [(sale, exhibitor) for sale, exhibitor in rows]


async def participant_count(session: AsyncSession, expo_id: int) -> int:
    """How many exhibitors are expected to report (a confirmed booth)."""
    return int(
        await session.scalar(sa.select(sa.func.count()).select_from(Exhibitor).where(participants_clause(expo_id))) or 0
    )
