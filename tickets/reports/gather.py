"""Read an expo's figures for the report, in the report's language: participants (booths), visitors
(gates), sales (booths.sales, totals only where published) and revenue (billing: billed and paid per
exhibitor class, one query of sums)."""

from datetime import date

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from booths.billing.models import Bill, BillStatus
from booths.bookings.models import Booking, BookingStatus
from booths.exhibitors.models import Exhibitor
from booths.labels import class_label
from booths.sales import service as sales
from booths.sales.models import DailySale
from booths.venue.models import Booth, Hall, ProductCluster
from booths.venue.service import get_expo
from expo.formatting import utcnow
from expo.i18n import current_locale, gettext
from tickets.gate.figures import gate_figures
from tickets.gate.texts import REASONS
from tickets.passes.cards import VISITOR_CATEGORY_LABELS
from tickets.reports.data import (
    BoothBand,
    CategorySales,
    Count,
    HallBands,
    ReportData,
    Revenue,
    SaleRow,
    SalesDay,
    VisitorDay,
)

TOP_REGENCIES = 12  # the report lists this many regencies by name; the rest are summed as "other"


def _top(counts: dict[str, int], other: str, none: str, n: int = TOP_REGENCIES) -> list[Count]:
    ordered = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    shown = [Count(k or none, v) for k, v in ordered[:n]]
    rest = sum(v for _, v in ordered[n:])
    return [*shown, Count(other, rest)] if rest else shown


async def revenue_by_class(session: AsyncSession, expo_id: int) -> list[Revenue]:
    """Billed and paid per exhibitor class, void bills left out (sums of ``Bill``, which the ledger
    keeps equal to its lines and payments)."""
    rows = await session.execute(
        sa.select(
            col(Exhibitor.exhibitor_class),
            sa.func.count(),
            sa.func.coalesce(sa.func.sum(col(Bill.total)), 0),
            sa.func.coalesce(sa.func.sum(col(Bill.paid)), 0),
        )
        .join(Exhibitor, col(Exhibitor.id) == col(Bill.exhibitor_id))
        .where(col(Bill.expo_id) == expo_id, col(Bill.status) != BillStatus.VOID.value)
        .group_by(col(Exhibitor.exhibitor_class))
        .order_by(col(Exhibitor.exhibitor_class))
    )
    return [Revenue(class_label(c), int(n), int(billed), int(paid)) for c, n, billed, paid in rows]


def _bands(totals: dict[int, int]) -> dict[int, int]:
    """Each booth's third (1 lower, 2 middle, 3 upper) among the booths that reported sales."""
    ranked = sorted((v, k) for k, v in totals.items() if v > 0)
    n = len(ranked)
    return {booth: 1 + (3 * i) // n for i, (_, booth) in enumerate(ranked)} if n else {}


async def hall_bands(session: AsyncSession, expo_id: int, start: date, end: date) -> list[HallBands]:
    """Every hall with its booths coloured by the sales band of the exhibitor on it (a confirmed
    booking); a band is a third of the reporting booths, never a figure."""
    sold = (
        sa.select(col(DailySale.exhibitor_id), sa.func.sum(col(DailySale.cash) + col(DailySale.transfer)).label("s"))
        .where(col(DailySale.expo_id) == expo_id, col(DailySale.day) >= start, col(DailySale.day) <= end)
        .group_by(col(DailySale.exhibitor_id))
        .subquery()
    )
    rows = await session.execute(
        sa.select(col(Booth.id), sa.func.coalesce(sold.c.s, 0))
        .join(Booking, col(Booking.booth_id) == col(Booth.id))
        .outerjoin(sold, sold.c.exhibitor_id == col(Booking.exhibitor_id))
        .where(col(Booth.expo_id) == expo_id, col(Booking.status) == BookingStatus.CONFIRMED.value)
    )
    bands = _bands({int(booth): int(total) for booth, total in rows})
    halls = (await session.scalars(sa.select(Hall).where(col(Hall.expo_id) == expo_id).order_by(col(Hall.code)))).all()
    booths = (await session.scalars(sa.select(Booth).where(col(Booth.expo_id) == expo_id))).all()
    out = []
    for hall in halls:
        mine = [
            BoothBand(b.code, b.x_m, b.y_m, b.width_m, b.depth_m, bands.get(b.id or 0, 0))
            for b in booths
            if b.hall_id == hall.id
        ]
        if mine:
            out.append(HallBands(hall.name, hall.width_m, hall.depth_m, mine))
    return out


async def gather(
    session: AsyncSession, expo_id: int, start: date | None = None, end: date | None = None, locale: str = "id"
) -> ReportData:
    """Every figure of the report for the expo's days from ``start`` to ``end`` (default: all of them)."""
    token = current_locale.set(locale)
    try:
        return await _gather(session, expo_id, start, end, locale)
    finally:
        current_locale.reset(token)


async def _gather(session: AsyncSession, expo_id: int, start: date | None, end: date | None, locale: str) -> ReportData:
    expo = await get_expo(session, expo_id)
    start, end = start or expo.starts_on, end or expo.ends_on
    data = ReportData(
        expo_name=expo.name, city=expo.city, venue=expo.venue, start=start, end=end, made_at=utcnow(), locale=locale
    )
    other, none = gettext("Other"), gettext("Not given")
    participants = (await session.scalars(sa.select(Exhibitor).where(sales.participants_clause(expo_id)))).all()
    data.exhibitors = len(participants)
    data.pesantren = sum(1 for e in participants if e.pesantren_name)
    by_class: dict[str, int] = {}
    by_regency: dict[str, int] = {}
    for exhibitor in participants:
        by_class[exhibitor.exhibitor_class] = by_class.get(exhibitor.exhibitor_class, 0) + 1
        by_regency[exhibitor.regency] = by_regency.get(exhibitor.regency, 0) + 1
    data.exhibitors_by_class = [Count(class_label(c), n) for c, n in sorted(by_class.items(), key=lambda kv: -kv[1])]
    data.exhibitors_by_regency = _top(by_regency, other, none)

    gates = await gate_figures(session, expo_id, start, end)
    data.visitor_days = [VisitorDay(d.day, d.entries, d.visitors, d.peak_inside, d.refused) for d in gates.days]
    data.visitors = gates.visitors
    data.entries_per_hour = list(gates.per_hour)
    data.entries_per_gate = [Count(k, v) for k, v in sorted(gates.per_gate.items(), key=lambda kv: -kv[1])]
    data.visitors_by_category = _top(
        {
            gettext(VISITOR_CATEGORY_LABELS[k]) if k in VISITOR_CATEGORY_LABELS else k: v
            for k, v in gates.by_category.items()
        },
        other,
        none,
    )
    data.visitors_by_regency = _top(gates.by_regency, other, none)
    data.refusals = [Count(gettext(REASONS[k]) if REASONS.get(k) else k, v) for k, v in gates.refused_by_reason.items()]

    data.sales_days = [
        SalesDay(t.day, t.reported, t.cash, t.transfer, t.transactions, t.orders, t.deals, t.deals_value)
        for t in await sales.totals_by_day(session, expo_id, start, end)
    ]
    names = dict(
        (
            await session.execute(
                sa.select(col(ProductCluster.code), col(ProductCluster.name)).where(
                    col(ProductCluster.expo_id) == expo_id
                )
            )
        ).all()
    )
    data.sales_by_category = [
        CategorySales(names.get(c.category, c.category) if c.category else other, c.exhibitors, c.sales)
        for c in await sales.totals_by_category(session, expo_id, start, end)
    ]
    data.revenue = await revenue_by_class(session, expo_id)
    data.halls = await hall_bands(session, expo_id, start, end)
    rows = await session.execute(
        sa.select(DailySale, Exhibitor)
        .join(Exhibitor, col(Exhibitor.id) == col(DailySale.exhibitor_id))
        .where(col(DailySale.expo_id) == expo_id, col(DailySale.day) >= start, col(DailySale.day) <= end)
        .order_by(col(DailySale.day), col(Exhibitor.name))
    )
    data.sale_rows = [
        SaleRow(
            e.name,
            class_label(e.exhibitor_class),
            e.regency,
            names.get(e.cluster or "", e.cluster or ""),
            s.day,
            s.cash,
            s.transfer,
            s.transactions,
            s.orders,
            s.deals_value,
            s.flagged,
        )
        for s, e in rows
    ]
    return data
