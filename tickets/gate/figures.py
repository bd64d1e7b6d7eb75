"""Gate and visitor figures for any day or range of days (the live dashboard shows only today):
entries, unique visitors, the peak of people inside, entries per gate and hour, visitors by category
and regency, and refusals by reason. Days and hours are the expo's local ones; annulled scans do not
count. "Visitors" are passes of kinds that are not staff; "inside" counts everyone, staff too.

The report and the organisers' dashboard both read these figures.
"""

from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from booths.venue.service import get_expo
from tickets.gate.models import Direction, Gate, Scan, ScanStatus
from tickets.passes.models import ExpoPass, PassKind


@dataclass
class DayFigures:
    day: date
    entries: int = 0  # admitted entry scans (a re-entry counts again)
    exits: int = 0
    visitors: int = 0  # distinct non-staff passes that entered
    peak_inside: int = 0  # most people inside at once (everyone, staff too)
    peak_at: datetime | None = None  # when (UTC)
    refused: int = 0


@dataclass
class GateFigures:
    start: date
    end: date
    days: list[DayFigures] = field(default_factory=list)
    visitors: int = 0  # distinct non-staff passes over the range (one person on three days: one)
    per_gate: dict[str, int] = field(default_factory=dict)  # entries per gate name
    per_hour: list[int] = field(default_factory=lambda: [0] * 24)  # entries per local hour
    per_gate_hour: dict[str, list[int]] = field(default_factory=dict)
    by_category: dict[str, int] = field(default_factory=dict)  # distinct visitors per visitor category ("": none)
    by_regency: dict[str, int] = field(default_factory=dict)  # distinct visitors per regency ("": none)
    refused_by_reason: dict[str, int] = field(default_factory=dict)

    @property
    def entries(self) -> int:
        return sum(d.entries for d in self.days)

    @property
    def refused(self) -> int:
        return sum(d.refused for d in self.days)

    @property
    def peak(self) -> DayFigures | None:
        busiest = max(self.days, key=lambda d: d.peak_inside, default=None)
        return busiest if busiest is not None and busiest.peak_inside else None


def _utc(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=UTC)


@dataclass(frozen=True)
class _Range:
    expo_id: int
    zone: ZoneInfo
    where: tuple[sa.ColumnElement[bool], ...]  # the expo's unannulled scans within the range
    # The zone's UTC offset when it is the same all through the range (no clock change, as in every
    # Indonesian zone): local time is then one addition per scan instead of a zone conversion.
    offset: timedelta | None = None

    def local(self, at: datetime) -> datetime:
        at = _utc(at)
        return at + self.offset if self.offset is not None else at.astimezone(self.zone)


async def gate_figures(
    session: AsyncSession, expo_id: int, start: date | None = None, end: date | None = None
) -> GateFigures:
    """The figures of the expo's days from ``start`` to ``end`` (both included; default: the expo's
    first and last day). A range with no scans gives zeros, not an error."""
    expo = await get_expo(session, expo_id)
    zone = ZoneInfo(expo.timezone)
    start = start or expo.starts_on
    end = end or expo.ends_on
    result = GateFigures(start=start, end=end)
    if end < start:
        return result
    since = datetime.combine(start, time(0), zone).astimezone(UTC)
    until = datetime.combine(end + timedelta(days=1), time(0), zone).astimezone(UTC)
    first_offset, last_offset = since.astimezone(zone).utcoffset(), until.astimezone(zone).utcoffset()
    scope = _Range(
        expo_id,
        zone,
        (
            col(Scan.expo_id) == expo_id,
            col(Scan.scanned_at) >= since,
            col(Scan.scanned_at) < until,
            col(Scan.annulled_at).is_(None),
        ),
        first_offset if first_offset == last_offset else None,
    )
    days = {day: DayFigures(day=day) for day in (start + timedelta(days=n) for n in range((end - start).days + 1))}
    result.days = list(days.values())
    staff_kinds = set(
        await session.scalars(
            sa.select(col(PassKind.code)).where(col(PassKind.expo_id) == expo_id, col(PassKind.staff).is_(True))
        )
    )
    await _moves(session, scope, days, staff_kinds, result)
    await _refusals(session, scope, days, result)
    await _visitor_groups(session, scope, staff_kinds, result)
    return result


async def _moves(
    session: AsyncSession, scope: _Range, days: dict[date, DayFigures], staff_kinds: set[str], result: GateFigures
) -> None:
    """Admitted moves in time order, streamed: who is inside is followed pass by pass, day by day
    (the day boundary sends everyone home, as the gate does)."""
    names = dict(
        (await session.execute(sa.select(col(Gate.id), col(Gate.name)).where(col(Gate.expo_id) == scope.expo_id))).all()
    )
    moves = await session.stream(
        sa.select(col(Scan.scanned_at), col(Scan.gate_id), col(Scan.pass_id), col(Scan.direction), col(Scan.kind_code))
        .where(*scope.where, col(Scan.status) == ScanStatus.OK)
        .order_by(col(Scan.scanned_at), col(Scan.id))
        .execution_options(yield_per=5000)
    )
    current: DayFigures | None = None
    inside: set[int] = set()
    seen_today: set[int] = set()
    seen: set[int] = set()
    # Whole partitions at a time: awaiting row by row costs more than the counting itself.
    async for partition in moves.partitions(5000):
        for at, gate_id, pass_id, direction, kind_code in partition:
            local = scope.local(at)
            figures = days.get(local.date())
            if figures is None:
                continue
            if figures is not current:
                current, inside, seen_today = figures, set(), set()
            if direction != Direction.ENTRY:
                figures.exits += 1
                inside.discard(pass_id)
                continue
            figures.entries += 1
            gate = names.get(gate_id, str(gate_id))
            result.per_gate[gate] = result.per_gate.get(gate, 0) + 1
            result.per_hour[local.hour] += 1
            result.per_gate_hour.setdefault(gate, [0] * 24)[local.hour] += 1
            if pass_id is None:
                continue
            if kind_code not in staff_kinds and pass_id not in seen_today:
                seen_today.add(pass_id)
                figures.visitors += 1
                seen.add(pass_id)
            inside.add(pass_id)
            if len(inside) > figures.peak_inside:
                figures.peak_inside, figures.peak_at = len(inside), _utc(at)
    result.visitors = len(seen)


async def _refusals(session: AsyncSession, scope: _Range, days: dict[date, DayFigures], result: GateFigures) -> None:
    refusals = await session.execute(
        sa.select(col(Scan.scanned_at), col(Scan.reason)).where(*scope.where, col(Scan.status) != ScanStatus.OK)
    )
    reasons: Counter[str] = Counter()
    for at, reason in refusals:
        figures = days.get(scope.local(at).date())
        if figures is not None:
            figures.refused += 1
            reasons[str(reason)] += 1
    result.refused_by_reason = dict(reasons.most_common())


async def _visitor_groups(session: AsyncSession, scope: _Range, staff_kinds: set[str], result: GateFigures) -> None:
    """Visitors by category and regency: each person once over the range."""
    not_staff = (
        sa.or_(col(Scan.kind_code).is_(None), col(Scan.kind_code).not_in(staff_kinds)) if staff_kinds else sa.true()
    )
    visitor_ids = (
        sa.select(col(Scan.pass_id))
        .where(
            *scope.where,
            col(Scan.status) == ScanStatus.OK,
            col(Scan.direction) == Direction.ENTRY,
            col(Scan.pass_id).is_not(None),
            not_staff,
        )
        .distinct()
    )
    for column, target in (
        (col(ExpoPass.visitor_category), result.by_category),
        (col(ExpoPass.regency), result.by_regency),
    ):
        key = sa.func.coalesce(col(column), "")
        grouped = await session.execute(
            sa.select(key, sa.func.count())
            .where(col(ExpoPass.id).in_(visitor_ids))
            .group_by(key)
            .order_by(sa.func.count().desc(), key)
        )
        target.update({str(k): int(n) for k, n in grouped.all()})
