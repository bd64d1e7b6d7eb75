"""What a scanner keeps for deciding alone: its gate and expo, and the pass list fetched incrementally."""

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from booths.venue import get_expo
from tickets.devices import gate_read, get_gate
from tickets.gate_models import GateDevice
from tickets.gate_schemas import GateContext, OfflinePass, OfflinePassList
from tickets.kinds import ensure_kinds
from tickets.models import ExpoPass, PassKind, PassStatus

PAGE = 5000


async def gate_context(session: AsyncSession, device: GateDevice) -> GateContext:
    assert device.id is not None
    expo = await get_expo(session, device.expo_id)
    gate = await get_gate(session, device.gate_id)
    kinds = {k.number: k.code for k in await ensure_kinds(session, device.expo_id)}
    return GateContext(
        device_id=device.id,
        device_name=device.name,
        gate=gate_read(gate),
        expo_id=device.expo_id,
        timezone=expo.timezone,
        kinds=kinds,
    )


async def passes_since(session: AsyncSession, expo_id: int, since: int, limit: int = PAGE) -> OfflinePassList:
    """Passes in id order after ``since`` (new passes arrive incrementally; revocations come from the
    revocation list, which is what an offline decision relies on)."""
    rows = (
        await session.execute(
            sa.select(ExpoPass, col(PassKind.code))
            .join(PassKind, col(PassKind.id) == col(ExpoPass.kind_id))
            .where(col(ExpoPass.expo_id) == expo_id, col(ExpoPass.id) > since)
            .order_by(col(ExpoPass.id))
            .limit(limit + 1)
        )
    ).all()
    page = rows[:limit]
    items = [
        OfflinePass(
            id=p.id or 0,
            serial=p.serial,
            code=p.code,
            holder_name=p.holder_name,
            kind=kind,
            days=list(p.days),
            active=p.status == PassStatus.ACTIVE,
        )
        for p, kind in page
    ]
    return OfflinePassList(
        since=since, next=items[-1].id if items else since, complete=len(rows) <= limit, passes=items
    )
