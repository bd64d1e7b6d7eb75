"""Counting an exhibitor's statistics: one atomic upsert per event, safe under many workers."""

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from booths.catalogue.models import ExhibitorStat, StatKind
from booths.exhibitors.models import Exhibitor
from booths.venue.models import ExpoDay


async def count(session: AsyncSession, expo_id: int, exhibitor_id: int, kind: StatKind, day: date, by: int = 1) -> None:
    """Add ``by`` to the exhibitor's counter of ``kind`` on ``day`` (the expo's calendar day), in the
    caller's transaction. INSERT ... ON CONFLICT DO UPDATE: two workers counting the same row at once
    both count, without a read-modify-write race."""
    table = ExhibitorStat.__table__  # type: ignore[attr-defined]
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    statement = insert(table).values(expo_id=expo_id, exhibitor_id=exhibitor_id, day=day, kind=kind.value, count=by)
    statement = statement.on_conflict_do_update(
        index_elements=["exhibitor_id", "day", "kind"],
        set_={"count": table.c.count + statement.excluded.count},
    )
    await session.execute(statement)


async def daily_counts(
    session: AsyncSession, expo_id: int, exhibitor_id: int | None = None
) -> dict[date, dict[StatKind, int]]:
    """Counters per day and kind: one exhibitor's, or (``exhibitor_id`` None) summed over the expo."""
    table = ExhibitorStat.__table__  # type: ignore[attr-defined]
    query = (
        sa.select(table.c.day, table.c.kind, sa.func.sum(table.c.count))
        .where(table.c.expo_id == expo_id)
        .group_by(table.c.day, table.c.kind)
        .order_by(table.c.day)
    )
    if exhibitor_id is not None:
        query = query.where(table.c.exhibitor_id == exhibitor_id)
    result: dict[date, dict[StatKind, int]] = {}
    for day, kind, total in (await session.execute(query)).all():
        result.setdefault(day, {})[StatKind(kind)] = int(total)
    return result


@dataclass(frozen=True)
class ExhibitorTotals:
    """One exhibitor's counters summed over the expo."""

    exhibitor_id: int
    name: str
    regency: str
    views: int
    scans: int
    leads: int


@dataclass(frozen=True)
class ExhibitorDay:
    """One exhibitor's counters of one day (a line of the organisers' CSV)."""

    day: date
    exhibitor_id: int
    name: str
    regency: str
    views: int
    scans: int
    leads: int


def _by_kind(counts: dict[StatKind, int]) -> tuple[int, int, int]:
    return (
        counts.get(StatKind.PROFILE_VIEW, 0),
        counts.get(StatKind.SIGN_SCAN, 0),
        counts.get(StatKind.LEAD, 0),
    )


async def exhibitor_days(session: AsyncSession, expo_id: int) -> list[ExhibitorDay]:
    """Every exhibitor's counters per day (only days it counted anything), by day then name."""
    table = ExhibitorStat.__table__  # type: ignore[attr-defined]
    query = (
        sa.select(
            table.c.day, table.c.exhibitor_id, col(Exhibitor.name), col(Exhibitor.regency), table.c.kind, table.c.count
        )
        .join(Exhibitor, col(Exhibitor.id) == table.c.exhibitor_id)
        .where(table.c.expo_id == expo_id)
    )
    rows: dict[tuple[date, int], tuple[str, str, dict[StatKind, int]]] = {}
    for day, exhibitor_id, name, regency, kind, total in (await session.execute(query)).all():
        counts = rows.setdefault((day, exhibitor_id), (name, regency, {}))[2]
        counts[StatKind(kind)] = counts.get(StatKind(kind), 0) + int(total)
    return sorted(
        (
            ExhibitorDay(day, exhibitor_id, name, regency, *_by_kind(counts))
            for (day, exhibitor_id), (name, regency, counts) in rows.items()
        ),
        key=lambda row: (row.day, row.name.casefold(), row.exhibitor_id),
    )


async def exhibitor_totals(session: AsyncSession, expo_id: int) -> list[ExhibitorTotals]:
    """Every exhibitor's counters summed over the expo (exhibitors that counted anything)."""
    table = ExhibitorStat.__table__  # type: ignore[attr-defined]
    query = (
        sa.select(
            table.c.exhibitor_id, col(Exhibitor.name), col(Exhibitor.regency), table.c.kind, sa.func.sum(table.c.count)
        )
        .join(Exhibitor, col(Exhibitor.id) == table.c.exhibitor_id)
        .where(table.c.expo_id == expo_id)
        .group_by(table.c.exhibitor_id, col(Exhibitor.name), col(Exhibitor.regency), table.c.kind)
    )
    rows: dict[int, tuple[str, str, dict[StatKind, int]]] = {}
    for exhibitor_id, name, regency, kind, total in (await session.execute(query)).all():
        rows.setdefault(exhibitor_id, (name, regency, {}))[2][StatKind(kind)] = int(total)
    return [
        ExhibitorTotals(exhibitor_id, name, regency, *_by_kind(counts))
        for exhibitor_id, (name, regency, counts) in rows.items()
    ]


def top(totals: list[ExhibitorTotals], kind: StatKind, limit: int = 10) -> list[ExhibitorTotals]:
    """The ``limit`` exhibitors with the most of ``kind`` (none with zero), most first, ties by name."""

    def value(totals: ExhibitorTotals) -> int:
        if kind is StatKind.PROFILE_VIEW:
            return totals.views
        return totals.scans if kind is StatKind.SIGN_SCAN else totals.leads

    ranked = sorted((t for t in totals if value(t) > 0), key=lambda t: (-value(t), t.name.casefold(), t.exhibitor_id))
    return ranked[:limit]


@dataclass(frozen=True)
class DayFigures:
    """A day's counters, and whether it is one of the expo's days (views also come before and after)."""

    day: date
    expo_day: bool
    views: int
    scans: int
    leads: int


async def day_figures(session: AsyncSession, expo_id: int, exhibitor_id: int | None = None) -> list[DayFigures]:
    """Every expo day (zero when nothing was counted) and every other day something was counted, in
    order: one exhibitor's counters, or (``exhibitor_id`` None) the expo's sums."""
    counts = await daily_counts(session, expo_id, exhibitor_id)
    days = set(await session.scalars(sa.select(col(ExpoDay.day)).where(col(ExpoDay.expo_id) == expo_id)))
    return [DayFigures(day, day in days, *_by_kind(counts.get(day, {}))) for day in sorted(days | set(counts))]
