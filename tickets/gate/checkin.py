"""The check-in decision: one transaction per scan that locks the pass's presence row and checks in a
fixed order (docs/gate.md; on PostgreSQL a pass's first scan is a single statement, ``_first_scan``).
Each scan is stored once per device and client scan id, refused or not.

Entry decision order, first failing check wins:
 1. ``invalid``            empty, binary, unknown or malformed text; unknown serial or code
 2. ``invalid_signature``  a token signed by no key of ours, or with a wrong signature
 3. ``wrong_expo``         a genuine token of another expo
 4. ``wrong_direction``    this gate does not scan this direction
 5. ``revoked``            the serial is on the revocation list or the pass is revoked
 6. ``not_valid_today``    the pass is not valid on the (expo-local) day of the scan; ``expo_over``
                           instead when that day is after the expo's last day
 7. ``outside_hours``      before/after the kind's hours (else the day's), or the gate's own hours
 8. ``kind_not_admitted``  the gate admits other kinds only
 9. ``already_inside``     inside and the kind may not re-enter (or ``once`` and entered before)
An exit checks 1-4 only: nobody is kept inside.

A scan an offline phone refused is stored as that refusal, with the phone's reason: the person was
turned away, so nothing moves and no entry is used up, whatever the server would decide now.

Over 400 lines on purpose: the decision is one transaction read top to bottom in the order above
(read the text, find the pass, the checks, store the scan, the presence row), online and offline
alike; split, the order would have to be pieced together from several files. The facts it reads are
``scan_facts``, the validity rule ``tickets.passes.validity``.
"""

import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession
from sqlmodel import col

from expo.database import read_outside_transaction
from expo.errors import FieldProblem, InvalidInput
from expo.formatting import as_utc, utcnow
from expo.metadata import table_of
from expo.write_turns import sqlite_write_turn
from tickets.gate.models import (
    Direction,
    GateDevice,
    GateDirections,
    PassPresence,
    Reentry,
    Scan,
    ScanReason,
    ScanStatus,
)
from tickets.gate.scan_facts import GateFacts, PassFacts, PassIndex, facts_for_scan, find_passes, pass_by_id
from tickets.gate.schemas import OfflineScanIn, ScanIn, ScanResult
from tickets.passes.service import CODE_LENGTH, format_code, normalise_code
from tickets.signing import tokens
from tickets.signing.keys import KeyRing

REASONS = tuple(ScanReason)
REASON_CODES = frozenset(r.value for r in ScanReason)
# A device clock further than this from the server's is wrong (an online answer takes 2 s at most).
CLOCK_TOLERANCE = timedelta(minutes=2)
MAX_PAST = timedelta(days=7)  # an offline scan older than this is not plausible: placed at receipt
SEEN_EVERY = timedelta(minutes=1)
_TOKEN_ERRORS: dict[str, ScanReason] = {
    "malformed": ScanReason.INVALID,
    "unsupported_version": ScanReason.INVALID,
    "unknown_key": ScanReason.INVALID_SIGNATURE,
    "bad_signature": ScanReason.INVALID_SIGNATURE,
    "wrong_expo": ScanReason.WRONG_EXPO,
}
_TOKEN_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")
_scan = table_of(Scan)
_presence = table_of(PassPresence)
_device = table_of(GateDevice)


@dataclass(frozen=True)
class Scanned:
    """What the scanned text says before any lookup: a refusal, a token's serial and days, or a code."""

    reason: ScanReason | None
    serial: int | None = None
    days: tuple[date, ...] = ()
    code: str | None = None
    expo_id: int | None = None  # the token's expo, when read without knowing the device's


@dataclass(frozen=True)
class _Found:
    """The pass the text names (``reason``: a refusal found before the decision's later checks)."""

    reason: ScanReason | None
    pass_: PassFacts | None = None
    serial: int | None = None
    days: tuple[date, ...] = ()


def _printable(text: str) -> bool:
    return all(unicodedata.category(ch)[0] != "C" for ch in text)


def read_text(text: str, public_keys: Mapping[int, Ed25519PublicKey], expo_id: int | None) -> Scanned:
    """Check 1-3 on the text alone: a genuine token of this expo, or the shape of a printed code.
    Without ``expo_id`` check 3 is left to ``of_expo`` (the token's expo is kept)."""
    text = text.strip()
    if not text or not _printable(text):
        return Scanned(ScanReason.INVALID)
    if len(text) > 3 * CODE_LENGTH and _TOKEN_CHARS.issuperset(text):
        try:
            claims = tokens.verify(text, public_keys, expo_id)
        except tokens.TokenError as exc:
            return Scanned(_TOKEN_ERRORS.get(exc.code, ScanReason.INVALID))
        return Scanned(None, serial=claims.serial, days=claims.days, expo_id=claims.expo_id)
    compact = normalise_code(text)
    if len(compact) == CODE_LENGTH and len(text) <= 2 * CODE_LENGTH:
        return Scanned(None, code=compact)
    return Scanned(ScanReason.INVALID)


def of_expo(scanned: Scanned, expo_id: int) -> Scanned:
    """Check 3 of a text read without the device's expo: a genuine token of another expo."""
    if scanned.expo_id is not None and scanned.expo_id != expo_id:
        return Scanned(ScanReason.WRONG_EXPO)
    return scanned


def _found(scanned: Scanned, index: PassIndex) -> _Found:
    if scanned.reason is not None:
        return _Found(scanned.reason)
    if scanned.serial is not None:
        if (pass_ := index.by_serial.get(scanned.serial)) is not None:
            return _Found(None, pass_=pass_, serial=scanned.serial, days=scanned.days)
        if (retired := index.retired.get(scanned.serial)) is not None:  # the token of a re-issued pass
            return _Found(ScanReason.REVOKED, pass_=retired, serial=scanned.serial)
        return _Found(ScanReason.INVALID, serial=scanned.serial)
    if scanned.code is not None and (pass_ := index.by_code.get(scanned.code)) is not None:
        return _Found(None, pass_=pass_, serial=pass_.serial, days=pass_.days)
    return _Found(ScanReason.INVALID)


def day_start(zone: ZoneInfo, at: datetime) -> datetime:
    """Midnight (UTC) of the expo-local day of ``at``: who is inside since before it has gone home
    (the automatic daily close; ``checkin_ops.close_day`` closes earlier by hand)."""
    return datetime.combine(at.astimezone(zone).date(), time(0), zone).astimezone(UTC)


def _within(moment: time, opens: time | None, closes: time | None) -> bool:
    if opens is not None and moment < opens:
        return False
    return not (closes is not None and moment >= closes)


def _static_reason(gate: GateFacts, found: _Found, direction: Direction, at: datetime) -> ScanReason | None:  # noqa: PLR0911
    """Checks 1-8, which need no lock (the documented order, one return per check)."""
    if found.reason in {ScanReason.INVALID, ScanReason.INVALID_SIGNATURE, ScanReason.WRONG_EXPO}:
        return found.reason
    if gate.directions not in {GateDirections.BOTH, direction.value}:
        return ScanReason.WRONG_DIRECTION
    if direction == Direction.EXIT:
        return None
    pass_ = found.pass_
    assert pass_ is not None
    if found.reason == ScanReason.REVOKED or pass_.revoked:
        return ScanReason.REVOKED
    local = at.astimezone(gate.zone)
    if local.date() not in found.days:
        over = gate.last_day is not None and local.date() > gate.last_day
        return ScanReason.EXPO_OVER if over else ScanReason.NOT_VALID_TODAY
    moment = local.time()
    if pass_.kind_hours != (None, None):
        hours_ok = _within(moment, *pass_.kind_hours)
    else:
        day = gate.day_hours.get(local.date())
        hours_ok = day is None or _within(moment, *day)
    if not hours_ok or not _within(moment, *gate.gate_hours):
        return ScanReason.OUTSIDE_HOURS
    if gate.kind_codes and pass_.kind_code not in gate.kind_codes:
        return ScanReason.KIND_NOT_ADMITTED
    return None


def _device_refusal(data: ScanIn | OfflineScanIn, server: ScanReason | None) -> ScanReason | None:
    """The reason of a scan the offline phone refused (``None`` unless it refused one): the phone's own
    reason when it is one of ours, else the server's refusal, else ``unverifiable`` (an older scanner
    page sent no reason; a newer one may send a reason this server does not know)."""
    if getattr(data, "device_status", None) != ScanStatus.REFUSED:
        return None
    said = getattr(data, "device_reason", None)
    if said in REASON_CODES and said != ScanReason.OK:
        return ScanReason(said)
    return server or ScanReason.UNVERIFIABLE


async def _stored(session: AsyncSession, device_id: int, client_scan_id: str) -> Scan | None:
    return await session.scalar(
        sa.select(Scan)
        .where(col(Scan.device_id) == device_id, col(Scan.client_scan_id) == client_scan_id)
        .execution_options(populate_existing=True)
    )


def _holder(pass_: PassFacts | None) -> dict[str, Any]:
    """What the gate staff see of the pass's holder in an answer."""
    if pass_ is None:
        return {}
    return {
        "holder_name": pass_.holder_name,
        "kind": pass_.kind_code,
        "kind_name": pass_.kind_name,
        "organisation": pass_.organisation,
        "booth": pass_.booth,
        "pass_code": format_code(pass_.code),
    }


async def scan_result(session: AsyncSession, scan: Scan, *, replay: bool = False) -> ScanResult:
    """The answer for a stored scan (a replayed nonce, an annulled scan), with its holder."""
    assert scan.id is not None
    result = ScanResult(
        scan_id=scan.id,
        client_scan_id=scan.client_scan_id,
        status=scan.status,
        reason=scan.reason,
        direction=Direction(scan.direction),
        gate_id=scan.gate_id,
        scanned_at=scan.scanned_at,
        received_at=scan.received_at,
        device_scanned_at=scan.device_scanned_at,
        clock_skewed=scan.clock_skewed,
        offline=scan.offline,
        conflict=scan.conflict,
        annulled=scan.annulled_at is not None,
        replay=replay,
        kind=scan.kind_code,
        serial=scan.serial,
    )
    if scan.pass_id is None:
        return result
    return result.model_copy(update=_holder(await pass_by_id(session, scan.pass_id)))


@dataclass(frozen=True)
class Placed:
    """When a scan is taken to have happened (``at``, stored as ``scanned_at``), what the device's own
    clock read then (``claimed``), and whether that clock was off (``skewed``)."""

    at: datetime
    claimed: datetime
    skewed: bool


def _aware(moment: datetime, field: str) -> datetime:
    try:
        if moment.tzinfo is not None:
            return moment.astimezone(UTC)  # stored in UTC: SQLite keeps the wall time it is given
    except OverflowError:  # e.g. 0001-01-01 in a zone east of UTC
        pass
    raise InvalidInput(
        "Give the scan time with its time zone.",
        code="scan_time_invalid",
        fields=[FieldProblem(field, "Give the scan time with its time zone.")],
    )


def _moved(moment: datetime, by: timedelta) -> datetime | None:
    try:
        return moment + by
    except OverflowError:
        return None


def batch_shift(sent_at: datetime | None, now: datetime) -> timedelta:
    """How far the device's clock is off now, from the time it says it sent the batch (``sent_at``,
    the request takes well under the tolerance): zero within the tolerance or when not sent."""
    if sent_at is None:
        return timedelta(0)
    shift = now - _aware(sent_at, "sent_at")
    return shift if abs(shift) > CLOCK_TOLERANCE else timedelta(0)


def place_in_time(data: ScanIn, now: datetime, *, offline: bool, shift: timedelta = timedelta(0)) -> Placed:
    """The rule for a device clock (docs/gate.md, "Scan times"); a wrong clock is flagged, never refused.

    The device's own clock read ``scanned_at - clock_offset_ms`` (the correction it learnt from our
    answers). An online scan happens now: its time is the device's (corrected) time when that is
    within the tolerance of the server's clock, else the server's; it is skewed when the device's own
    clock was off by more than the tolerance. An offline scan's time is the device's corrected time,
    shifted by the batch's ``shift`` (the offset the device still has when it syncs); when that lies
    in the future or more than 7 days back it is not plausible and the receive time is used."""
    sent = _aware(data.scanned_at, "scanned_at")
    claimed = _moved(sent, -timedelta(milliseconds=data.clock_offset_ms)) or sent
    if not offline:
        at = sent if abs(sent - now) <= CLOCK_TOLERANCE else now
        return Placed(at=at, claimed=claimed, skewed=abs(claimed - now) > CLOCK_TOLERANCE)
    corrected = _moved(sent, shift)
    skewed = abs(claimed - sent) > CLOCK_TOLERANCE or shift != timedelta(0)
    if corrected is None or corrected > now + CLOCK_TOLERANCE or corrected < now - MAX_PAST:
        return Placed(at=now, claimed=claimed, skewed=True)
    return Placed(at=corrected, claimed=claimed, skewed=skewed)


def _move_rules(excluded: Any) -> dict[Reentry | Direction, tuple[dict[str, Any], Any]]:
    """Per way a pass may move (an exit, or an entry under its kind's re-entry rule): what the presence
    upsert sets from its new row (``excluded``), and when it may. A move applies only if it is not
    older than the one that set the row (``moved_at``): an offline scan synced late does not undo what
    happened after it."""
    moved = {
        "last_scan_id": excluded.last_scan_id,
        "updated_at": excluded.updated_at,
        "moved_at": excluded.moved_at,
        "inside": excluded.inside,
    }
    entered = moved | {"entries": _presence.c.entries + 1}
    in_order = sa.or_(_presence.c.moved_at.is_(None), _presence.c.moved_at <= excluded.moved_at)
    outside = sa.or_(  # inside since a day before this one counts as gone: each day starts empty
        _presence.c.inside.is_(False), _presence.c.moved_at.is_(None), _presence.c.moved_at < sa.bindparam("day_start")
    )
    return {
        Direction.EXIT: (moved, in_order),
        Reentry.ANY: (entered, in_order),
        Reentry.AFTER_EXIT: (entered, sa.and_(in_order, outside)),
        Reentry.ONCE: (entered, sa.and_(in_order, _presence.c.entries == 0)),
    }


def _write_statements(insert: Any) -> dict[Any, Any]:
    """The scan path's writes, built once per dialect (values come as parameters): the scan row, stored
    once per device and nonce, and the presence upserts, one per way a pass may move."""
    scan = insert(_scan).on_conflict_do_nothing(index_elements=["device_id", "client_scan_id"])
    presence = insert(_presence)
    statements: dict[Any, Any] = {
        "scan": scan.returning(_scan.c.id),
        "refuse": sa.update(_scan).where(_scan.c.id == sa.bindparam("scan_id")),
        "later_move": sa.select(_presence.c.inside, _presence.c.entries).where(
            _presence.c.pass_id == sa.bindparam("pass_id"), _presence.c.moved_at > sa.bindparam("moved_at")
        ),
    }
    for way, (set_, where) in _move_rules(presence.excluded).items():
        upsert = presence.on_conflict_do_update(index_elements=["pass_id"], set_=set_, where=where)
        statements[way] = upsert.returning(_presence.c.pass_id)
    return statements


_SCAN_VALUES = (
    "expo_id", "gate_id", "device_id", "client_scan_id", "pass_id", "serial", "kind_code", "direction", "status",
    "reason", "offline", "device_status", "conflict", "scanned_at", "device_scanned_at", "clock_skewed", "received_at",
)  # fmt: skip
_MOVE_VALUES = ("inside", "entries", "moved_at", "updated_at")


def _scan_then_presence() -> tuple[Any, Any]:
    """PostgreSQL: the scan insert as a CTE (``stored``: its id, none for a nonce seen before), and an
    insert of the pass's presence row that takes its row from it."""
    typed = {name: sa.bindparam(name, type_=_scan.c[name].type) for name in _SCAN_VALUES}
    stored = pg_insert(_scan).values(typed).on_conflict_do_nothing(index_elements=["device_id", "client_scan_id"])
    scan = stored.returning(_scan.c.id).cte("stored")
    source = sa.select(
        sa.bindparam("pass_id", type_=_presence.c.pass_id.type),
        sa.bindparam("expo_id", type_=_presence.c.expo_id.type),
        scan.c.id,
        # Cast: a parameter in a select list has no type to take from a column (a bare boolean
        # would arrive as text).
        *(sa.cast(sa.bindparam(name), _presence.c[name].type) for name in _MOVE_VALUES),
    ).select_from(scan)
    presence = pg_insert(_presence).from_select(["pass_id", "expo_id", "last_scan_id", *_MOVE_VALUES], source)
    return scan, presence


def _first_scan_statement() -> Any:
    """PostgreSQL: a pass's first scan, the scan row and a new presence row (no ``ON CONFLICT``: a
    presence row already there fails the whole statement)."""
    scan, presence = _scan_then_presence()
    move = presence.returning(_presence.c.pass_id).cte("moved")
    return sa.select(scan.c.id, move.c.pass_id.label("moved")).select_from(scan.outerjoin(move, sa.true()))


def _scan_and_move() -> dict[Any, Any]:
    """PostgreSQL: the scan row and the presence upsert as one statement, one round trip instead of
    two. A data-modifying CTE: the upsert takes its row from the scan insert's ``RETURNING``, so it
    runs only when the scan was stored (a nonce seen before stores nothing and moves nothing), and in
    the same order as two statements would (the scan row first), with the same ``_move_rules``.
    Answers the scan's id and, when the pass moved, its id as ``moved``; no row for a nonce seen
    before."""
    scan, presence = _scan_then_presence()
    statements: dict[Any, Any] = {}
    for way, (set_, where) in _move_rules(presence.excluded).items():
        upsert = presence.on_conflict_do_update(index_elements=["pass_id"], set_=set_, where=where)
        move = upsert.returning(_presence.c.pass_id).cte("moved")
        statements[way] = sa.select(scan.c.id, move.c.pass_id.label("moved")).select_from(
            scan.outerjoin(move, sa.true())
        )
    return statements


_FIRST_SCAN = _first_scan_statement()
_WRITES = {
    "postgresql": _write_statements(pg_insert) | {"scan_and_move": _scan_and_move()},
    "sqlite": _write_statements(sqlite_insert),
}


@dataclass(frozen=True)
class _Move:
    """The presence move check 9 is to judge: the pass, which upsert moves it (``_way``), and the
    upsert's parameters (``_move_values``)."""

    pass_: PassFacts
    way: Reentry | Direction
    values: dict[str, Any]


def _move_values(
    pass_: PassFacts, expo_id: int, direction: Direction, *, at: datetime, now: datetime, zone: ZoneInfo
) -> dict[str, Any]:
    """The presence upsert's parameters (without ``last_scan_id``, the scan's)."""
    entering = direction == Direction.ENTRY
    values: dict[str, Any] = {
        "pass_id": pass_.pass_id,
        "expo_id": expo_id,
        "inside": entering,
        "entries": int(entering),
        "moved_at": at,
        "updated_at": now,
    }
    if entering and pass_.reentry == Reentry.AFTER_EXIT:
        values["day_start"] = day_start(zone, at)
    return values


def _way(pass_: PassFacts, direction: Direction) -> Reentry | Direction:
    """Which presence upsert moves this pass this way: an exit's, or its kind's re-entry rule's."""
    return pass_.reentry if direction == Direction.ENTRY else Direction.EXIT


async def _move(conn: AsyncConnection, move: _Move, scan_id: int) -> bool:
    """Check 9 and the move itself, as one upsert of the pass's presence row: the row lock (or, on
    SQLite, the write lock) makes a second entry at another gate find ``inside`` set and move nothing.
    Whether the pass moved (if not, ``_unmoved`` judges the scan)."""
    upsert = _WRITES[conn.dialect.name][move.way]
    return (await conn.execute(upsert, move.values | {"last_scan_id": scan_id})).first() is not None


async def _unmoved(conn: AsyncConnection, pass_: PassFacts, direction: Direction, at: datetime) -> bool:
    """Whether a scan whose upsert moved nothing stands. A scan older than the row's last move (an
    offline scan synced late) moves nothing, and is judged against that later move: an entry before a
    later exit is the visit that exit ended (admitted); an entry before a later entry is the same pass
    let in twice (``already_inside`` unless it may re-enter at will); an exit is always kept. In
    order, the pass may not enter now."""
    later_move = _WRITES[conn.dialect.name]["later_move"]
    later = (await conn.execute(later_move, {"pass_id": pass_.pass_id, "moved_at": at})).first()
    if later is None:
        return False
    if direction != Direction.ENTRY or pass_.reentry == Reentry.ANY:
        return True
    if pass_.reentry == Reentry.ONCE:
        return bool(later.entries == 0)
    return not later.inside


@dataclass(frozen=True)
class _Decided:
    """A scan after checks 1-8: the values of its row, and the presence move check 9 is to judge
    (``move``: its parameters; ``None`` when nothing moves)."""

    values: dict[str, Any]
    pass_: PassFacts | None
    decided_at: datetime
    move: _Move | None


def _decide(
    gate: GateFacts, found: _Found, data: ScanIn | OfflineScanIn, placed: Placed, *, now: datetime, offline: bool
) -> _Decided:
    scanned_at = placed.at
    decided_at = scanned_at if offline else now
    reason = _static_reason(gate, found, data.direction, decided_at)
    device_status = getattr(data, "device_status", None) if offline else None
    # What the gate did stands: an offline refusal is stored as one and moves nothing. It is flagged
    # when checks 1-8 here would have let the person through (stale offline data, say); "already
    # inside" is the phone's own history, which check 9 here could only second-guess.
    refused_at_gate = _device_refusal(data, reason) if offline else None
    conflict = device_status == ScanStatus.OK and reason is not None
    if refused_at_gate is not None:
        conflict = reason is None and refused_at_gate != ScanReason.ALREADY_INSIDE
        reason = refused_at_gate
    pass_ = found.pass_
    values = {
        "expo_id": gate.expo_id,
        "gate_id": gate.gate_id,
        "device_id": gate.device_id,
        "client_scan_id": data.client_scan_id,
        "pass_id": pass_.pass_id if pass_ is not None else None,
        "serial": found.serial,
        "kind_code": pass_.kind_code if pass_ is not None else None,
        "direction": data.direction.value,
        "status": ScanStatus.OK if reason is None else ScanStatus.REFUSED,
        "reason": reason or ScanReason.OK,
        "offline": offline,
        "device_status": device_status,
        "conflict": conflict,
        "scanned_at": scanned_at,
        "device_scanned_at": placed.claimed,
        "clock_skewed": placed.skewed,
        "received_at": now,
    }
    move = None
    if reason is None and pass_ is not None:
        parameters = _move_values(pass_, gate.expo_id, data.direction, at=decided_at, now=now, zone=gate.zone)
        move = _Move(pass_, _way(pass_, data.direction), parameters)
    return _Decided(values=values, pass_=pass_, decided_at=decided_at, move=move)


def _answer(decided: _Decided, scan_id: int, found: _Found, data: ScanIn | OfflineScanIn, placed: Placed) -> ScanResult:
    values = decided.values
    return ScanResult(
        scan_id=scan_id,
        client_scan_id=data.client_scan_id,
        status=values["status"],
        reason=values["reason"],
        direction=data.direction,
        gate_id=values["gate_id"],
        serial=found.serial,
        scanned_at=values["scanned_at"],
        received_at=values["received_at"],
        device_scanned_at=placed.claimed,
        clock_skewed=placed.skewed,
        offline=values["offline"],
        conflict=values["conflict"],
        **_holder(decided.pass_),
    )


async def _decide_and_store(
    session: AsyncSession, decided: _Decided, found: _Found, data: ScanIn | OfflineScanIn, placed: Placed
) -> ScanResult | None:
    """Store a decided scan in one transaction, committed here, check 9 included. ``None`` when the
    device sent this ``client_scan_id`` before (the transaction is rolled back; the caller answers the
    stored scan).

    The scan row is the first write (SQLite takes its write lock there, PostgreSQL waits for a twin
    nonce in flight), the presence upsert the second; a pass that may not move turns the scan into a
    refusal before the commit."""
    conn = await session.connection()
    values, move = decided.values, decided.move
    writes = _WRITES[conn.dialect.name]
    moved: bool | None = None  # the presence upsert not run yet
    if move is not None and "scan_and_move" in writes:  # PostgreSQL: both writes in one statement
        stored = (await conn.execute(writes["scan_and_move"][move.way], values | move.values)).first()
        scan_id, moved = (stored.id, stored.moved is not None) if stored is not None else (None, None)
    else:
        scan_id = (await conn.execute(writes["scan"], values)).scalar_one_or_none()
    if scan_id is None:
        await session.rollback()
        return None
    may_move = True
    if move is not None:
        if moved is None:
            moved = await _move(conn, move, scan_id)
        may_move = moved or await _unmoved(conn, move.pass_, Direction(values["direction"]), decided.decided_at)
    if not may_move:
        refusal = {
            "status": ScanStatus.REFUSED,
            "reason": ScanReason.ALREADY_INSIDE,
            "conflict": values["device_status"] == ScanStatus.OK,
        }
        decided = replace(decided, values=values | refusal)
        await conn.execute(writes["refuse"].values(**refusal), {"scan_id": scan_id})
    await session.commit()
    return _answer(decided, scan_id, found, data, placed)


async def _first_scan(
    session: AsyncSession, decided: _Decided, found: _Found, data: ScanIn | OfflineScanIn, placed: Placed
) -> ScanResult | None:
    """PostgreSQL, on a connection without a transaction: a pass's first scan ever (no presence row
    when its facts were read) in one statement, which is its own transaction: the scan row and the
    presence row, both inserted; check 9 has nothing to refuse yet. ``None`` when that does not hold
    any more or the device sent this nonce before: a presence row inserted meanwhile (the same pass
    at another gate this instant) fails the statement, which then stored nothing; the caller goes the
    locked way, which decides both cases as always."""
    if decided.move is None or decided.move.pass_.present is not False:
        return None
    conn = await session.connection()
    try:
        stored = (await conn.execute(_FIRST_SCAN, decided.values | decided.move.values)).first()
    except IntegrityError:
        await session.rollback()
        return None
    if stored is None:
        return None
    return _answer(decided, stored.id, found, data, placed)


async def _one(
    session: AsyncSession,
    gate: GateFacts,
    decided: _Decided,
    found: _Found,
    data: ScanIn | OfflineScanIn,
    placed: Placed,
) -> ScanResult:
    """Store one decided scan the locked way (``_decide_and_store``); a nonce seen before answers the
    stored scan."""
    try:
        # The connection first, then the turn: a sync batch's commit gives its connection back, and a
        # turn held while waiting for the pool, whose connections all belong to requests queued for
        # that turn, deadlocked a worker until the pool's time-out (bench/gateday.py, after a restart).
        await session.connection()
        async with sqlite_write_turn(session):
            result = await _decide_and_store(session, decided, found, data, placed)
    except IntegrityError:  # e.g. the pass was deleted between the read and the write
        await session.rollback()
        result = None
        if await _stored(session, gate.device_id, data.client_scan_id) is None:
            raise
    if result is not None:
        return result
    stored = await _stored(session, gate.device_id, data.client_scan_id)
    assert stored is not None  # the insert met this very row
    return await scan_result(session, stored, replay=True)


async def _mark_seen(session: AsyncSession, gate: GateFacts, now: datetime) -> None:
    """``last_seen_at`` for the organiser's device list: a write a minute, not a write per scan."""
    if gate.last_seen_at is None or as_utc(gate.last_seen_at) < now - SEEN_EVERY:
        conn = await session.connection()
        await conn.execute(sa.update(_device).where(_device.c.id == gate.device_id).values(last_seen_at=now))
        await session.commit()


async def check_in(
    session: AsyncSession,
    gate: GateFacts,
    data: ScanIn | OfflineScanIn,
    keys: KeyRing,
    *,
    now: datetime | None = None,
    offline: bool = False,
) -> ScanResult:
    """Decide one scan and store it, committing. The same ``client_scan_id`` from the same device
    answers the stored result again (``replay``). Offline scans are decided at the device's scan time."""
    return (await sync(session, gate, [data], keys, now=now, offline=offline))[0]


async def scan_from_device(
    session: AsyncSession, token_hash: str, data: ScanIn, keys: KeyRing, *, now: datetime | None = None
) -> tuple[GateFacts, ScanResult]:
    """An online scan as ``check_in`` decides it, for the device with this token digest (401/403 as
    ``gate_facts``): the device's facts and the pass are read in one query, the text read first."""
    now = now or utcnow()
    scanned = read_text(data.text, keys.public_keys(), None)
    # PostgreSQL: read without a transaction, so that a pass's first scan is one statement after it
    # (a session bound to a connection already in a transaction, as the tests' are, cannot).
    first_scan_allowed = await read_outside_transaction(session)
    gate, index = await facts_for_scan(session, token_hash=token_hash, serial=scanned.serial, code=scanned.code)
    placed = place_in_time(data, now, offline=False)
    found = _found(of_expo(scanned, gate.expo_id), index)
    decided = _decide(gate, found, data, placed, now=now, offline=False)
    result = None
    if first_scan_allowed:
        result = await _first_scan(session, decided, found, data, placed)
        await session.commit()  # ends the connection's use without a transaction
    if result is None:
        result = await _one(session, gate, decided, found, data, placed)
    await _mark_seen(session, gate, now)
    return gate, result


async def sync(
    session: AsyncSession,
    gate: GateFacts,
    scans: Sequence[ScanIn | OfflineScanIn],
    keys: KeyRing,
    *,
    now: datetime | None = None,
    offline: bool = True,
    sent_at: datetime | None = None,
) -> list[ScanResult]:
    """Decide a batch of scans in the order they happened, each in its own short transaction, after
    one lookup of every pass the batch names. A wrong device clock is corrected and flagged, never
    refused (``place_in_time``); a time without a zone refuses the whole batch (422)."""
    now = now or utcnow()
    shift = batch_shift(sent_at, now) if offline else timedelta(0)
    placed = [place_in_time(item, now, offline=offline, shift=shift) for item in scans]
    public_keys = keys.public_keys()
    read = [read_text(item.text, public_keys, gate.expo_id) for item in scans]
    index = await find_passes(
        session,
        gate.expo_id,
        serials=[r.serial for r in read if r.serial is not None],
        codes=[r.code for r in read if r.code is not None],
    )
    order = sorted(range(len(scans)), key=lambda i: placed[i].at)
    results = []
    for i in order:
        found = _found(read[i], index)
        decided = _decide(gate, found, scans[i], placed[i], now=now, offline=offline)
        results.append(await _one(session, gate, decided, found, scans[i], placed[i]))
    await _mark_seen(session, gate, now)
    return results
