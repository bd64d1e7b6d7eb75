"""What supervisors and organisers do with check-ins: annul a mistaken scan, reset a test run, the
daily close, and the numbers of the live dashboard."""

from collections.abc import AsyncIterator
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from booths.venue.service import get_expo
from expo.accounts import CurrentUser
from expo.csv_export import Cell
from expo.errors import Conflict, NotFound
from expo.formatting import as_utc, utcnow
from expo.timestamps import utc_z
from tickets.gate.checkin import day_start
from tickets.gate.models import Direction, Gate, PassPresence, Scan, ScanStatus
from tickets.gate.schemas import CheckinStats, RecentScan
from tickets.passes.models import ExpoPass
from tickets.passes.service import format_code


async def annul_scan(session: AsyncSession, scan_id: int, user: CurrentUser, reason: str) -> Scan:
    """Mark a mistaken scan annulled. When it is the pass's latest admitted move, the move is undone:
    an annulled entry puts the pass outside again, an annulled exit inside."""
    await session.execute(sa.update(Scan).where(col(Scan.id) == scan_id).values(annul_reason=reason))  # write first
    scan = await session.get(Scan, scan_id, populate_existing=True)
    if scan is None:
        raise NotFound("No such scan.", code="scan_not_found")
    if scan.annulled_at is not None:
        raise Conflict("This scan was annulled already.", code="scan_annulled")
    scan.annulled_at = utcnow()
    scan.annulled_by_user_id = user.id
    if scan.status == ScanStatus.OK and scan.pass_id is not None:
        undo: dict[str, object] = {"inside": scan.direction == Direction.EXIT, "last_scan_id": None}
        if scan.direction == Direction.ENTRY:
            undo["entries"] = sa.case((col(PassPresence.entries) > 0, col(PassPresence.entries) - 1), else_=0)
        await session.execute(
            sa.update(PassPresence)
            .where(col(PassPresence.pass_id) == scan.pass_id, col(PassPresence.last_scan_id) == scan.id)
            .values(**undo)
        )
    await session.flush()
    return scan


async def reset_checkins(session: AsyncSession, expo_id: int) -> int:
    """Forget every scan and presence of the expo (a test run before the doors open)."""
    await get_expo(session, expo_id)
    await session.execute(sa.delete(PassPresence).where(col(PassPresence.expo_id) == expo_id))
    deleted = await session.execute(sa.delete(Scan).where(col(Scan.expo_id) == expo_id))
    return int(deleted.rowcount)  # type: ignore[attr-defined]


async def close_day(session: AsyncSession, expo_id: int, now: datetime | None = None) -> int:
    """Check everyone out at closing time, so "inside now" starts the next day at zero."""
    await get_expo(session, expo_id)
    now = now or utcnow()
    moved = await session.execute(  # an offline entry of the closed day synced later stays out
        sa.update(PassPresence)
        .where(col(PassPresence.expo_id) == expo_id, col(PassPresence.inside).is_(True))
        .values(inside=False, last_scan_id=None, moved_at=now, updated_at=now)
    )
    return int(moved.rowcount)  # type: ignore[attr-defined]


async def inside_now(session: AsyncSession, expo_id: int, now: datetime | None = None) -> int:
    """Passes inside since the start of the expo's current day: the day boundary checks everyone out
    without a job; the daily close does it earlier by hand."""
    expo = await get_expo(session, expo_id)
    since = day_start(ZoneInfo(expo.timezone), now or utcnow())
    moved = sa.func.coalesce(col(PassPresence.moved_at), col(PassPresence.updated_at))
    stmt = sa.select(sa.func.count()).where(
        col(PassPresence.expo_id) == expo_id, col(PassPresence.inside).is_(True), moved >= since
    )
    return int(await session.scalar(stmt) or 0)


async def stats(
    session: AsyncSession, expo_id: int, now: datetime | None = None, gate_id: int | None = None
) -> CheckinStats:
    """The live dashboard's numbers for the expo's current day (its own time zone). Annulled scans
    do not count; "inside now" is the presence table, which the daily close empties. With ``gate_id``
    (gate staff's own view) the scan counts are that gate's; "inside now" stays the expo's."""
    expo = await get_expo(session, expo_id)
    zone = ZoneInfo(expo.timezone)
    local = (now or utcnow()).astimezone(zone)
    start = datetime.combine(local.date(), time(0), zone).astimezone(UTC)
    today = (
        col(Scan.expo_id) == expo_id,
        col(Scan.scanned_at) >= start,
        col(Scan.scanned_at) < start + timedelta(days=1),
        col(Scan.annulled_at).is_(None),
        *((col(Scan.gate_id) == gate_id,) if gate_id is not None else ()),
    )
    grouped = await session.execute(
        sa.select(
            col(Scan.gate_id),
            col(Scan.kind_code),
            col(Scan.direction),
            col(Scan.status),
            col(Scan.reason),
            sa.func.count(),
        )
        .where(*today)
        .group_by(col(Scan.gate_id), col(Scan.kind_code), col(Scan.direction), col(Scan.status), col(Scan.reason))
    )
    names = dict(
        (await session.execute(sa.select(col(Gate.id), col(Gate.name)).where(col(Gate.expo_id) == expo_id))).all()
    )
    result = CheckinStats(day=local.date(), inside_now=await inside_now(session, expo_id, now))
    for scan_gate, kind, direction, status, reason, count in grouped.all():
        if status != ScanStatus.OK:
            result.refused_by_reason[reason] = result.refused_by_reason.get(reason, 0) + count
            continue
        gate = result.per_gate.setdefault(names.get(scan_gate, str(scan_gate)), {"entries": 0, "exits": 0})
        if direction == Direction.ENTRY:
            result.entries_today += count
            gate["entries"] += count
            result.per_kind[kind or "?"] = result.per_kind.get(kind or "?", 0) + count
        else:
            result.exits_today += count
            gate["exits"] += count
    times = await session.scalars(
        sa.select(col(Scan.scanned_at)).where(
            *today, col(Scan.status) == ScanStatus.OK, col(Scan.direction) == Direction.ENTRY
        )
    )
    hours = [0] * 24
    for at in times:
        hours[(at if at.tzinfo else at.replace(tzinfo=UTC)).astimezone(zone).hour] += 1
    result.per_hour = hours
    conflicts = sa.select(sa.func.count()).where(*today, col(Scan.conflict).is_(True))
    result.conflicts = int(await session.scalar(conflicts) or 0)
    return result


def _named_scans(expo_id: int) -> sa.Select[Scan, str, str, str]:
    """The expo's scans with their gate's name and their pass's code and holder."""
    return (
        sa.select(Scan, col(Gate.name), col(ExpoPass.code), col(ExpoPass.holder_name))
        .join(Gate, col(Gate.id) == col(Scan.gate_id))
        .outerjoin(ExpoPass, col(ExpoPass.id) == col(Scan.pass_id))
        .where(col(Scan.expo_id) == expo_id)
    )


async def recent_scans(
    session: AsyncSession, expo_id: int, limit: int = 30, before: int | None = None
) -> list[RecentScan]:
    """The expo's scans, newest first (``before``: older than that scan id, for the next page)."""
    await get_expo(session, expo_id)
    stmt = _named_scans(expo_id).order_by(col(Scan.id).desc()).limit(limit)
    if before is not None:
        stmt = stmt.where(col(Scan.id) < before)
    return [
        RecentScan(
            scan_id=scan.id or 0,
            scanned_at=as_utc(scan.scanned_at),
            gate=gate,
            direction=Direction(scan.direction),
            status=scan.status,
            reason=scan.reason,
            holder_name=holder,
            pass_code=format_code(code) if code else None,
            kind=scan.kind_code,
            offline=scan.offline,
            conflict=scan.conflict,
            annulled=scan.annulled_at is not None,
            annul_reason=scan.annul_reason,
            clock_skewed=scan.clock_skewed,
            device_scanned_at=as_utc(scan.device_scanned_at) if scan.device_scanned_at else None,
        )
        for scan, gate, code, holder in (await session.execute(stmt)).all()
    ]


CSV_COLUMNS = (
    "scan_id", "scanned_at", "received_at", "gate", "direction", "status", "reason", "pass_code", "holder_name",
    "kind", "offline", "conflict", "annulled_at", "annul_reason", "clock_skewed", "device_scanned_at",
)  # fmt: skip


async def scan_rows(session: AsyncSession, expo_id: int, batch: int = 2000) -> AsyncIterator[list[Cell]]:
    """Every scan of the expo as CSV rows, read in id order a batch at a time (streamed, never all in memory)."""
    await get_expo(session, expo_id)
    after = 0
    while True:
        rows = (
            await session.execute(_named_scans(expo_id).where(col(Scan.id) > after).order_by(col(Scan.id)).limit(batch))
        ).all()
        for scan, gate, code, holder in rows:
            yield [
                scan.id, utc_z(scan.scanned_at), utc_z(scan.received_at), gate, scan.direction, scan.status,
                scan.reason, code or "", holder or "", scan.kind_code or "", int(scan.offline), int(scan.conflict),
                utc_z(scan.annulled_at) if scan.annulled_at else "", scan.annul_reason or "",
                int(scan.clock_skewed), utc_z(scan.device_scanned_at) if scan.device_scanned_at else "",
            ]  # fmt: skip
        if len(rows) < batch:
            return
        after = rows[-1][0].id or 0
