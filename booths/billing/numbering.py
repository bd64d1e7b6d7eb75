"""Document numbers per expo (``INV/OHS26/0042``, ``KW/OHS26/0007``): gap-free and race-safe.

A counter row per (expo, kind) is bumped with one UPDATE ... RETURNING, which takes the row's lock on
PostgreSQL and the write lock on SQLite, so two treasurers never get the same number; the number is
taken inside the caller's transaction, so a rolled-back bill gives its number back.
"""

import re

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from booths.billing.models import DocumentCounter

INVOICE = "INV"
RECEIPT = "KW"  # kwitansi


def prefix_from_slug(slug: str) -> str:
    """``opop-hari-santri-2026`` -> ``OHS26``: the initials of the words and the year's last two digits."""
    parts = [p for p in re.split(r"[^a-z0-9]+", slug.lower()) if p]
    letters = "".join(p[0] for p in parts if not p.isdigit()).upper()[:8]
    digits = "".join(p for p in parts if p.isdigit())[-2:]
    return (letters + digits) or "EXPO"


async def next_number(session: AsyncSession, expo_id: int, kind: str) -> int:
    bump = (
        sa.update(DocumentCounter)
        .where(col(DocumentCounter.expo_id) == expo_id, col(DocumentCounter.kind) == kind)
        .values(last=col(DocumentCounter.last) + 1)
        .returning(col(DocumentCounter.last))
    )
    value = await session.scalar(bump)
    if value is not None:
        return int(value)
    dialect = session.get_bind().dialect.name
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    await session.execute(insert(DocumentCounter).values(expo_id=expo_id, kind=kind, last=0).on_conflict_do_nothing())
    value = await session.scalar(bump)
    assert value is not None
    return int(value)


def number_head(kind: str, prefix: str) -> str:
    """What every number of this kind and prefix starts with (``INV/OHS26/``)."""
    return f"{kind}/{prefix}/"


def document_number(kind: str, prefix: str, number: int) -> str:
    return f"{number_head(kind, prefix)}{number:04d}"
