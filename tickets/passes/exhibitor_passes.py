"""What an exhibitor's record (``booths.exhibitors.records``) shows of its passes: how many staff
passes are active, and every pass with its kind. Registered when tickets is imported."""

from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from booths.exhibitors.records import PassLine, provide_passes
from tickets.passes.models import ExpoPass, PassKind, PassStatus


def active_staff_passes(exhibitor_id: Any) -> sa.ColumnElement[int]:
    """Correlated to the query's exhibitor by ``exhibitor_id`` (its id column)."""
    return (
        sa.select(sa.func.count())
        .select_from(ExpoPass)
        .where(col(ExpoPass.exhibitor_id) == exhibitor_id, col(ExpoPass.status) == PassStatus.ACTIVE)
        .scalar_subquery()
    )


async def passes_of(session: AsyncSession, exhibitor_id: int) -> list[PassLine]:
    rows = await session.execute(
        sa.select(ExpoPass, col(PassKind.name))
        .join(PassKind, col(PassKind.id) == col(ExpoPass.kind_id))
        .where(col(ExpoPass.exhibitor_id) == exhibitor_id)
        .order_by(col(ExpoPass.issued_at).desc(), col(ExpoPass.id).desc())
    )
    return [
        PassLine(
            code=p.code,
            holder_name=p.holder_name,
            kind_name=kind,
            active=p.status == PassStatus.ACTIVE,
            issued_at=p.issued_at,
        )
        for p, kind in rows.all()
    ]


def register() -> None:
    provide_passes(active_staff_passes, passes_of)
