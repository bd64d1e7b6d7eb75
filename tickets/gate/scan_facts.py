"""What a scan decision reads, in as few queries as the hot path allows (docs/benchmarks.md).

One query gives the device with its gate, expo and the expo's days; one more gives every pass a
scan (or a sync batch) names, with its kind, re-entry rule, revocation, exhibitor and booth. A
single online scan asks both in one query (``facts_for_scan``): a round trip to the database is the
largest cost of a scan. All are Core statements on the session's connection: no ORM objects are
built per scan.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time
from types import SimpleNamespace
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from booths.bookings.models import Booking
from booths.exhibitors.models import Exhibitor
from booths.venue.models import Booth, Expo, ExpoDay
from expo.metadata import table_of
from tickets.gate.devices import check_usable
from tickets.gate.models import Gate, GateDevice, KindEntryRule, PassPresence, Reentry
from tickets.passes.models import ExpoPass, PassKind, PassRevocation
from tickets.passes.validity import pass_is_valid

_device = table_of(GateDevice)
_gate = table_of(Gate)
_expo = table_of(Expo)
_day = table_of(ExpoDay)
_pass = table_of(ExpoPass)
_kind = table_of(PassKind)
_rule = table_of(KindEntryRule)
_revocation = table_of(PassRevocation)
_exhibitor = table_of(Exhibitor)
_booking = table_of(Booking)
_booth = table_of(Booth)
_presence = table_of(PassPresence)

Hours = tuple[time | None, time | None]


@dataclass(frozen=True)
class GateFacts:
    """A paired device, its gate and its expo: everything of them a decision needs."""

    device_id: int
    expo_id: int
    gate_id: int
    directions: str
    kind_codes: frozenset[str]
    gate_hours: Hours
    zone: ZoneInfo
    last_seen_at: datetime | None
    day_hours: dict[date, Hours] = field(default_factory=dict)
    last_day: date | None = None  # the expo's last day: after it, scans are refused as ``expo_over``


@dataclass(frozen=True)
class PassFacts:
    """One pass as a gate sees it (``revoked``: on the revocation list or not valid by
    ``tickets.passes.validity``: not active, or its booking no longer admits)."""

    pass_id: int
    serial: int
    code: str
    holder_name: str
    organisation: str | None
    days: tuple[date, ...]
    revoked: bool
    kind_code: str
    kind_name: str
    kind_hours: Hours
    reentry: Reentry
    booth: str | None
    present: bool | None = None  # whether the pass had a presence row when read (None: not asked)


_GATE_QUERY = (
    sa.select(
        _device.c.id,
        _device.c.expo_id,
        _device.c.gate_id,
        _device.c.revoked_at,
        _device.c.last_seen_at,
        _gate.c.directions,
        _gate.c.kind_codes,
        _gate.c.opens_at,
        _gate.c.closes_at,
        _expo.c.timezone,
        _expo.c.ends_on,
        _day.c.day,
        _day.c.opens_at.label("day_opens"),
        _day.c.closes_at.label("day_closes"),
    )
    .join(_gate, _gate.c.id == _device.c.gate_id)
    .join(_expo, _expo.c.id == _device.c.expo_id)
    .outerjoin(_day, _day.c.expo_id == _device.c.expo_id)
)

# Built once: SQLAlchemy then computes each statement's cache key once, not per scan.
_GATE_BY_TOKEN = _GATE_QUERY.where(_device.c.token_hash == sa.bindparam("token_hash"))
_GATE_BY_ID = _GATE_QUERY.where(_device.c.id == sa.bindparam("device_id"))


async def gate_facts(
    session: AsyncSession, *, token_hash: str | None = None, device_id: int | None = None
) -> GateFacts:
    """The facts of the device with this token digest (or id). Unknown: 401; revoked: 403."""
    conn = await session.connection()
    if token_hash is not None:
        rows = (await conn.execute(_GATE_BY_TOKEN, {"token_hash": token_hash})).all()
    elif device_id is not None:
        rows = (await conn.execute(_GATE_BY_ID, {"device_id": device_id})).all()
    else:
        rows = []
    return _gate_of(rows)


def _gate_of(rows: Sequence[Any]) -> GateFacts:
    """The device's facts from its rows (one per expo day). None: 401; revoked: 403."""
    check_usable(bool(rows), rows[0].revoked_at if rows else None)
    first = rows[0]
    return GateFacts(
        device_id=first.id,
        expo_id=first.expo_id,
        gate_id=first.gate_id,
        directions=first.directions,
        kind_codes=frozenset(first.kind_codes or ()),
        gate_hours=(first.opens_at, first.closes_at),
        zone=ZoneInfo(first.timezone),
        last_seen_at=first.last_seen_at,
        day_hours={row.day: (row.day_opens, row.day_closes) for row in rows if row.day is not None},
        last_day=first.ends_on,
    )


def default_reentry(kind_code: str, staff: bool) -> Reentry:
    """Without an organiser's rule: staff and crew walk in and out, everyone else after an exit."""
    return Reentry.ANY if staff or kind_code in {"committee", "volunteer"} else Reentry.AFTER_EXIT


def _with_pass_details(joined: Any) -> Any:
    """``joined`` (which holds ``expo_pass``) with the pass's kind, re-entry rule, exhibitor, booking
    and booth. The kind is an outer join too: every pass has one, and ``facts_for_scan`` may have no
    pass at all."""
    return (
        joined.outerjoin(_kind, _kind.c.id == _pass.c.kind_id)
        .outerjoin(_rule, _rule.c.kind_id == _kind.c.id)
        .outerjoin(_exhibitor, _exhibitor.c.id == _pass.c.exhibitor_id)
        .outerjoin(_booking, _booking.c.id == _pass.c.booking_id)
        .outerjoin(_booth, _booth.c.id == _booking.c.booth_id)
    )


def _pass_query() -> sa.Select[Any]:
    revoked = sa.exists().where(_revocation.c.serial == _pass.c.serial).correlate(_pass)
    return sa.select(
        _pass.c.id,
        _pass.c.serial,
        _pass.c.code,
        _pass.c.status,
        _pass.c.holder_name,
        _pass.c.organisation,
        _pass.c.days,
        _kind.c.code.label("kind_code"),
        _kind.c.name.label("kind_name"),
        _kind.c.staff,
        _kind.c.opens_at,
        _kind.c.closes_at,
        _rule.c.reentry,
        _exhibitor.c.name.label("exhibitor_name"),
        _booth.c.code.label("booth_code"),
        _booking.c.status.label("booking_status"),
        revoked.label("revoked"),
    ).select_from(_with_pass_details(_pass))


_PASS_QUERY = _pass_query()
_PASS_BY_ID = _PASS_QUERY.where(_pass.c.id == sa.bindparam("pass_id"))
_SERIALS: sa.BindParameter[list[int]] = sa.bindparam("serials", expanding=True)
_CODES: sa.BindParameter[list[str]] = sa.bindparam("codes", expanding=True)
_PASSES_NAMED = {  # by which names a batch asks: serials, codes or both
    (True, False): _PASS_QUERY.where(_pass.c.expo_id == sa.bindparam("expo_id"), _pass.c.serial.in_(_SERIALS)),
    (False, True): _PASS_QUERY.where(_pass.c.expo_id == sa.bindparam("expo_id"), _pass.c.code.in_(_CODES)),
    (True, True): _PASS_QUERY.where(
        _pass.c.expo_id == sa.bindparam("expo_id"), sa.or_(_pass.c.serial.in_(_SERIALS), _pass.c.code.in_(_CODES))
    ),
}


def _pass_facts(row: Any) -> PassFacts:
    """From a row (or anything with the pass query's column names as attributes)."""
    return PassFacts(
        pass_id=row.id,
        serial=row.serial,
        code=row.code,
        holder_name=row.holder_name,
        organisation=row.organisation or row.exhibitor_name,
        days=tuple(date.fromisoformat(d) for d in row.days),
        revoked=bool(row.revoked) or not pass_is_valid(row.status, row.booking_status),
        kind_code=row.kind_code,
        kind_name=row.kind_name,
        kind_hours=(row.opens_at, row.closes_at),
        reentry=Reentry(row.reentry) if row.reentry else default_reentry(row.kind_code, row.staff),
        booth=row.booth_code,
    )


@dataclass
class PassIndex:
    """The passes a batch of scans names, by serial and by printed code; ``retired`` maps a serial that
    was replaced (a re-issued pass) to the pass it belonged to, so its old token reads as revoked."""

    by_serial: dict[int, PassFacts] = field(default_factory=dict)
    by_code: dict[str, PassFacts] = field(default_factory=dict)
    retired: dict[int, PassFacts] = field(default_factory=dict)


async def pass_by_id(session: AsyncSession, pass_id: int) -> PassFacts | None:
    conn = await session.connection()
    row = (await conn.execute(_PASS_BY_ID, {"pass_id": pass_id})).first()
    return _pass_facts(row) if row is not None else None


async def find_passes(
    session: AsyncSession, expo_id: int, serials: Iterable[int] = (), codes: Iterable[str] = ()
) -> PassIndex:
    """One query for the passes named by ``serials`` and ``codes`` (a second only for serials that no
    pass carries any more)."""
    serials, codes = sorted(set(serials)), sorted(set(codes))
    index = PassIndex()
    if not serials and not codes:
        return index
    conn = await session.connection()
    params: dict[str, object] = {"expo_id": expo_id}
    if serials:
        params["serials"] = serials
    if codes:
        params["codes"] = codes
    for row in await conn.execute(_PASSES_NAMED[bool(serials), bool(codes)], params):
        facts = _pass_facts(row)
        index.by_serial[facts.serial] = facts
        index.by_code[facts.code] = facts
    missing = [s for s in serials if s not in index.by_serial]
    if missing:
        stmt = _PASS_QUERY.add_columns(_revocation.c.serial.label("retired_serial")).join(
            _revocation, _revocation.c.pass_id == _pass.c.id
        )
        stmt = stmt.where(_revocation.c.expo_id == expo_id, _revocation.c.serial.in_(missing))
        for row in await conn.execute(stmt):
            index.retired[row.retired_serial] = _pass_facts(row)
    return index


# One online scan: the device's facts and the one pass its text names, in one query of plain joins
# (a derived table on the right of a LEFT JOIN is not flattened by SQLite: it would read every pass).
# The pass's columns are prefixed; each expo day gives a row, as above.
def _facts_for_scan(named: Any) -> Any:
    device = (
        _device.join(_gate, _gate.c.id == _device.c.gate_id)
        .join(_expo, _expo.c.id == _device.c.expo_id)
        .outerjoin(_day, _day.c.expo_id == _device.c.expo_id)
        .outerjoin(_pass, sa.and_(_pass.c.expo_id == _device.c.expo_id, named))
    )
    joined = _with_pass_details(device).outerjoin(_presence, _presence.c.pass_id == _pass.c.id)
    columns = [*_GATE_QUERY.selected_columns, _presence.c.pass_id.is_not(None).label("present")]
    columns += [column.label(f"p_{name}") for name, column in _PASS_QUERY.selected_columns.items()]
    return sa.select(*columns).select_from(joined).where(_device.c.token_hash == sa.bindparam("token_hash"))


_FACTS_FOR_SCAN = {
    "serial": _facts_for_scan(_pass.c.serial == sa.bindparam("serial")),
    "code": _facts_for_scan(_pass.c.code == sa.bindparam("code")),
}
_PREFIXED = {f"p_{name}": name for name in _PASS_QUERY.selected_columns.keys()}  # noqa: SIM118


async def facts_for_scan(
    session: AsyncSession, *, token_hash: str, serial: int | None, code: str | None
) -> tuple[GateFacts, PassIndex]:
    """The device's facts (401/403 as ``gate_facts``) and the pass named by ``serial`` or ``code``
    (with whether it has a presence row yet, ``present``), in one query; a serial no pass carries
    any more (a re-issued pass) is looked up as ``find_passes`` does. Neither named: the device's
    facts alone."""
    if serial is None and code is None:
        gate = await gate_facts(session, token_hash=token_hash)
        return gate, PassIndex()
    conn = await session.connection()
    if serial is not None:
        rows = (await conn.execute(_FACTS_FOR_SCAN["serial"], {"token_hash": token_hash, "serial": serial})).all()
    else:
        rows = (await conn.execute(_FACTS_FOR_SCAN["code"], {"token_hash": token_hash, "code": code})).all()
    gate = _gate_of(rows)
    index = PassIndex()
    if rows[0].p_id is not None:
        columns = SimpleNamespace(**{_PREFIXED[k]: v for k, v in rows[0]._mapping.items() if k in _PREFIXED})
        facts = replace(_pass_facts(columns), present=bool(rows[0].present))
        index.by_serial[facts.serial] = facts
        index.by_code[facts.code] = facts
    elif serial is not None:
        index = await find_passes(session, gate.expo_id, serials=[serial])
    return gate, index
