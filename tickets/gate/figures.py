"""Gate and visitor figures for any day or range of days (the live dashboard shows only today):
entries, unique visitors, the peak of people inside, entries per gate and hour, visitors by category
and regency, and refusals by reason. Days and hours are the expo's local ones; annulled scans do not
count. "Visitors" are passes of kinds that are not staff; "inside" counts everyone, staff too.

The report and the organisers' dashboard both read these figures. The database does the counting
(GROUP BY the expo-local day and hour; the peak with window functions), so a six-day expo with
200,000 scans is a few grouped queries, not every scan read in Python (docs/benchmarks.md).
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
    where: tuple[sa.ColumnElement[bool], ...]  # the expo's unannulled scans within the range
    day: sa.ColumnElement[str]  # the scan's local day as "YYYY-MM-DD"
    hour: sa.ColumnElement[int]  # the scan's local hour


def _local_clock(
    dialect: str, zone: ZoneInfo, offset: timedelta
) -> tuple[sa.ColumnElement[str], sa.ColumnElement[int]]:
    """The scan's local day and hour in SQL, so that counting is a GROUP BY in the database instead of a
    zone conversion per scan in Python. PostgreSQL converts with the zone itself; SQLite adds the zone's
    UTC offset (expo zones are the Indonesian ones, which never change their offset: schemas.TimeZone)."""
    at = col(Scan.scanned_at)
    if dialect == "postgresql":
        local = sa.func.timezone(zone.key, at)
        return sa.func.to_char(local, "YYYY-MM-DD"), sa.cast(sa.extract("hour", local), sa.Integer)
    shift = f"{int(offset.total_seconds()):+d} seconds"
    return sa.func.strftime("%Y-%m-%d", at, shift), sa.cast(sa.func.strftime("%H", at, shift), sa.Integer)


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
    day, hour = _local_clock(session.get_bind().dialect.name, zone, since.astimezone(zone).utcoffset() or timedelta())
    scope = _Range(
        expo_id,
        (
            col(Scan.expo_id) == expo_id,
            col(Scan.scanned_at) >= since,
            col(Scan.scanned_at) < until,
            col(Scan.annulled_at).is_(None),
        ),
        day,
        hour,
    )
    days = {day: DayFigures(day=day) for day in (start + timedelta(days=n) for n in range((end - start).days + 1))}
    result.days = list(days.values())
    staff_kinds = set(
        await session.scalars(
            sa.select(col(PassKind.code)).where(col(PassKind.expo_id) == expo_id, col(PassKind.staff).is_(True))
        )
    )
    await _moves(session, scope, days, result)
    await _visitors(session, scope, days, staff_kinds, result)
    await _peaks(session, scope, days)
    await _refusals(session, scope, days, result)
    await _visitor_groups(session, scope, staff_kinds, result)
    return result


def _not_staff(staff_kinds: set[str]) -> sa.ColumnElement[bool]:
    if not staff_kinds:
        return sa.true()
    return sa.or_(col(Scan.kind_code).is_(None), col(Scan.kind_code).not_in(staff_kinds))


async def _moves(session: AsyncSession, scope: _Range, days: dict[date, DayFigures], result: GateFigures) -> None:
    """Admitted entries and exits per day, gate and hour: one grouped count."""
    names = dict(
        (await session.execute(sa.select(col(Gate.id), col(Gate.name)).where(col(Gate.expo_id) == scope.expo_id))).all()
    )
    grouped = await session.execute(
        sa.select(scope.day, scope.hour, col(Scan.gate_id), col(Scan.direction), sa.func.count())
        .where(*scope.where, col(Scan.status) == ScanStatus.OK)
        .group_by(scope.day, scope.hour, col(Scan.gate_id), col(Scan.direction))
    )
    for day, hour, gate_id, direction, count in grouped.all():
        figures = days.get(date.fromisoformat(day))
        if figures is None:
            continue
        if direction != Direction.ENTRY:
            figures.exits += count
            continue
        figures.entries += count
        gate = names.get(gate_id, str(gate_id))
        result.per_gate[gate] = result.per_gate.get(gate, 0) + count
        result.per_hour[hour] += count
        result.per_gate_hour.setdefault(gate, [0] * 24)[hour] += count
    # Busiest gate first, as the scans' order gave it before; equal counts by name, so it is stable.
    result.per_gate = dict(sorted(result.per_gate.items(), key=lambda item: (-item[1], item[0])))


async def _visitors(
    session: AsyncSession, scope: _Range, days: dict[date, DayFigures], staff_kinds: set[str], result: GateFigures
) -> None:
    """Distinct non-staff passes that entered, per day and over the range (one person on three days: one)."""
    entered = (
        *scope.where,
        col(Scan.status) == ScanStatus.OK,
        col(Scan.direction) == Direction.ENTRY,
        col(Scan.pass_id).is_not(None),
        _not_staff(staff_kinds),
    )
    distinct = sa.func.count(sa.distinct(col(Scan.pass_id)))
    per_day = await session.execute(sa.select(scope.day, distinct).where(*entered).group_by(scope.day))
    for day, count in per_day.all():
        figures = days.get(date.fromisoformat(day))
        if figures is not None:
            figures.visitors = int(count)
    result.visitors = int(await session.scalar(sa.select(distinct).where(*entered)) or 0)


async def _peaks(session: AsyncSession, scope: _Range, days: dict[date, DayFigures]) -> None:
    """The most people inside at once, per day, and when it was first reached. A person is inside after an
    admitted entry and outside after an exit (a second entry or an exit of someone not inside changes
    nothing; the day boundary sends everyone home). So each scan changes the count by its pass's state
    now minus its state before that day (LAG), and the count inside is the running SUM of those changes
    in time order; the peak is that sum's largest value, the earliest row reaching it giving the time."""
    entry = col(Scan.direction) == Direction.ENTRY
    by_pass = (scope.day, col(Scan.pass_id))
    in_order = (col(Scan.scanned_at), col(Scan.id))
    before = sa.func.lag(col(Scan.direction)).over(partition_by=by_pass, order_by=in_order)
    moves = (
        sa.select(
            scope.day.label("day"),
            col(Scan.scanned_at).label("at"),
            col(Scan.id).label("id"),
            sa.case((entry, 1), else_=0).label("now_in"),
            sa.case((before == Direction.ENTRY, 1), else_=0).label("was_in"),
        )
        .where(*scope.where, col(Scan.status) == ScanStatus.OK, col(Scan.pass_id).is_not(None))
        .subquery()
    )
    running = sa.select(
        moves.c.day,
        moves.c.at,
        moves.c.id,
        sa.func.sum(moves.c.now_in - moves.c.was_in)
        .over(partition_by=moves.c.day, order_by=(moves.c.at, moves.c.id))
        .label("inside"),
    ).subquery()
    ranked = sa.select(
        running.c.day,
        running.c.inside,
        running.c.at,
        sa.func.row_number()
        .over(partition_by=running.c.day, order_by=(running.c.inside.desc(), running.c.at, running.c.id))
        .label("rank"),
    ).subquery()
    peaks = await session.execute(
        sa.select(ranked.c.day, ranked.c.inside, ranked.c.at).where(ranked.c.rank == 1, ranked.c.inside > 0)
    )
    for day, inside, at in peaks.all():
        figures = days.get(date.fromisoformat(day))
        if figures is not None:
            figures.peak_inside, figures.peak_at = int(inside), _utc(at)


async def _refusals(session: AsyncSession, scope: _Range, days: dict[date, DayFigures], result: GateFigures) -> None:
    grouped = await session.execute(
        sa.select(scope.day, col(Scan.reason), sa.func.count())
        .where(*scope.where, col(Scan.status) != ScanStatus.OK)
        .group_by(scope.day, col(Scan.reason))
    )
    reasons: Counter[str] = Counter()
    for day, reason, count in grouped.all():
        figures = days.get(date.fromisoformat(day))
        if figures is not None:
            figures.refused += count
            reasons[str(reason)] += count
    result.refused_by_reason = dict(sorted(reasons.items(), key=lambda item: (-item[1], item[0])))


async def _visitor_groups(session: AsyncSession, scope: _Range, staff_kinds: set[str], result: GateFigures) -> None:
    """Visitors by category and regency: each person once over the range."""
    not_staff = _not_staff(staff_kinds)
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
