"""The organisers' dashboard during the expo: today's figures beside yesterday's (gates and sales),
the sales so far, and the exhibitors that have not reported today."""

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from booths.exhibitors.models import Exhibitor
from booths.sales import service as sales
from booths.venue.lifecycle import expo_today
from booths.venue.service import get_expo
from tickets.gate.figures import gate_figures


@dataclass(frozen=True)
class DayColumn:
    day: date
    in_expo: bool
    entries: int
    visitors: int
    peak_inside: int
    reported: int
    sales: int
    deals_value: int


@dataclass(frozen=True)
class Dashboard:
    today: DayColumn
    yesterday: DayColumn
    sales_so_far: int
    exhibitors: int  # expected to report (a confirmed booth)
    missing_today: list[Exhibitor]


async def _column(session: AsyncSession, expo_id: int, day: date, days: list[date]) -> DayColumn:
    if day not in days:
        return DayColumn(day, False, 0, 0, 0, 0, 0, 0)
    gates = await gate_figures(session, expo_id, day, day)
    totals = await sales.totals_by_day(session, expo_id, day, day)
    figures = gates.days[0]
    total = totals[0] if totals else None
    return DayColumn(
        day,
        True,
        figures.entries,
        figures.visitors,
        figures.peak_inside,
        total.reported if total else 0,
        total.sales if total else 0,
        total.deals_value if total else 0,
    )


async def dashboard(session: AsyncSession, expo_id: int, today: date | None = None) -> Dashboard:
    expo = await get_expo(session, expo_id)
    today = today or expo_today(expo)
    days = await sales.expo_days(session, expo_id)
    everything = await sales.totals_by_day(session, expo_id, end=today)
    missing = await sales.missing(session, expo_id, today) if today in days else []
    expected = await sales.participant_count(session, expo_id)
    return Dashboard(
        today=await _column(session, expo_id, today, days),
        yesterday=await _column(session, expo_id, today - timedelta(days=1), days),
        sales_so_far=sum(t.sales for t in everything),
        exhibitors=expected,
        missing_today=missing,
    )
