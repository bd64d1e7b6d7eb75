"""The committee's audit log: every change by a committee member, with the values before and after.

A service that changes an expo's set-up or records calls ``record`` in the same transaction as the
change, so the log and the data never disagree.
"""

from collections.abc import Iterable, Mapping
from datetime import date, datetime, time
from decimal import Decimal
from enum import Enum
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from expo.accounts import CurrentUser
from expo.models import AuditEntry


def _plain(value: Any) -> Any:
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [_plain(v) for v in value]
    return value


def snapshot(obj: Any, fields: Iterable[str]) -> dict[str, Any]:
    """The named attributes of ``obj`` as JSON values (for ``before`` and ``after``)."""
    return {name: _plain(getattr(obj, name, None)) for name in fields}


def changed(before: Mapping[str, Any], after: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """Only the keys whose values differ, so an entry shows what changed."""
    keys = [k for k in after if before.get(k) != after.get(k)]
    return {k: before.get(k) for k in keys}, {k: after[k] for k in keys}


async def record(
    session: AsyncSession,
    user: CurrentUser,
    expo_id: int | None,
    action: str,
    subject: str = "",
    *,
    before: Mapping[str, Any] | None = None,
    after: Mapping[str, Any] | None = None,
) -> None:
    """Write one entry (flushed with the caller's transaction). ``action`` is a stable code such as
    ``booth.moved``; ``subject`` names the thing (``A-01``, an e-mail) for the reader."""
    session.add(
        AuditEntry(
            expo_id=expo_id,
            user_id=None if user.everything else user.id,
            actor=user.email if not user.everything else user.name,
            action=action[:60],
            subject=subject[:200],
            before=_plain(before) if before is not None else None,
            after=_plain(after) if after is not None else None,
        )
    )
    await session.flush()


async def count_entries(session: AsyncSession, expo_id: int) -> int:
    where = col(AuditEntry.expo_id) == expo_id
    return await session.scalar(sa.select(sa.func.count()).select_from(AuditEntry).where(where)) or 0


async def entries(
    session: AsyncSession, expo_id: int, *, offset: int = 0, limit: int = 50, action_prefix: str | None = None
) -> list[AuditEntry]:
    """One page of an expo's log, newest first (only actions starting with ``action_prefix`` if given)."""
    where = [col(AuditEntry.expo_id) == expo_id]
    if action_prefix:
        where.append(col(AuditEntry.action).startswith(action_prefix))
    rows = await session.scalars(
        sa.select(AuditEntry)
        .where(*where)
        .order_by(col(AuditEntry.at).desc(), col(AuditEntry.id).desc())
        .offset(offset)
        .limit(limit)
    )
    return list(rows)
