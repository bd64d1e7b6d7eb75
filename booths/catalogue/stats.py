"""Counting an exhibitor's statistics: one atomic upsert per event, safe under many workers."""

from datetime import date

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from booths.catalogue.models import ExhibitorStat, StatKind


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
