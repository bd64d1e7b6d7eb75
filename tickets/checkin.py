"""The check-in decision: one transaction per scan that locks the pass's presence row and checks in a
fixed order (docs/gate.md). Each scan is stored once per device and client scan id, refused or not.

Entry decision order, first failing check wins:
 1. ``invalid``            empty, binary, unknown or malformed text; unknown serial or code
 2. ``invalid_signature``  a token signed by no key of ours, or with a wrong signature
 3. ``wrong_expo``         a genuine token of another expo
 4. ``wrong_direction``    this gate does not scan this direction
 5. ``revoked``            the serial is on the revocation list or the pass is revoked
 6. ``not_valid_today``    the pass is not valid on the (expo-local) day of the scan
 7. ``outside_hours``      before/after the kind's hours (else the day's), or the gate's own hours
 8. ``kind_not_admitted``  the gate admits other kinds only
 9. ``already_inside``     inside and the kind may not re-enter (or ``once`` and entered before)
An exit checks 1-4 only: nobody is kept inside.
"""

import unicodedata
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from booths.models import Booking, Booth, Exhibitor, Expo, ExpoDay
from expo.errors import InvalidInput, NotFound
from expo.formatting import utcnow
from tickets import tokens
from tickets.gate_models import Direction, Gate, GateDevice, GateDirections, KindEntryRule, PassPresence, Reentry, Scan
from tickets.gate_schemas import OfflineScanIn, ScanIn, ScanResult
from tickets.keys import KeyRing
from tickets.models import ExpoPass, PassKind, PassRevocation, PassStatus
from tickets.passes import CODE_LENGTH, format_code, normalise_code

OK = "ok"
REFUSED = "refused"
REASONS = (
    "ok",
    "invalid",
    "invalid_signature",
    "wrong_expo",
    "wrong_direction",
    "revoked",
    "not_valid_today",
    "outside_hours",
    "kind_not_admitted",
    "already_inside",
)
MAX_FUTURE = timedelta(minutes=5)
MAX_PAST = timedelta(days=7)
SEEN_EVERY = timedelta(minutes=1)
_TOKEN_ERRORS = {
    "malformed": "invalid",
    "unsupported_version": "invalid",
    "unknown_key": "invalid_signature",
    "bad_signature": "invalid_signature",
    "wrong_expo": "wrong_expo",
}
_TOKEN_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")


@dataclass
class _Found:
    """What the scanned text names: a refusal found before any pass, or the pass and its days."""

    reason: str | None
    pass_: ExpoPass | None = None
    serial: int | None = None
    days: tuple[date, ...] = ()


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)  # SQLite gives naive UTC back


def _printable(text: str) -> bool:
    return all(unicodedata.category(ch)[0] != "C" for ch in text)


async def _identify(session: AsyncSession, expo_id: int, text: str, keys: KeyRing) -> _Found:  # noqa: PLR0911
    text = text.strip()
    if not text or not _printable(text):
        return _Found("invalid")
    compact = normalise_code(text)
    if len(text) > 3 * CODE_LENGTH and _TOKEN_CHARS.issuperset(text):
        try:
            claims = tokens.verify(text, keys.public_keys(), expo_id)
        except tokens.TokenError as exc:
            return _Found(_TOKEN_ERRORS.get(exc.code, "invalid"))
        pass_ = await session.scalar(
            sa.select(ExpoPass).where(col(ExpoPass.expo_id) == expo_id, col(ExpoPass.serial) == claims.serial)
        )
        if pass_ is None:
            revoked = await session.scalar(
                sa.select(col(PassRevocation.pass_id)).where(
                    col(PassRevocation.expo_id) == expo_id, col(PassRevocation.serial) == claims.serial
                )
            )
            if revoked is None:
                return _Found("invalid", serial=claims.serial)
            return _Found("revoked", pass_=await session.get(ExpoPass, revoked), serial=claims.serial)
        return _Found(None, pass_=pass_, serial=claims.serial, days=claims.days)
    if len(compact) == CODE_LENGTH and len(text) <= 2 * CODE_LENGTH:
        pass_ = await session.scalar(
            sa.select(ExpoPass).where(col(ExpoPass.expo_id) == expo_id, col(ExpoPass.code) == compact)
        )
        if pass_ is not None:
            return _Found(None, pass_=pass_, serial=pass_.serial, days=tuple(date.fromisoformat(d) for d in pass_.days))
    return _Found("invalid")


def _within(moment: time, opens: time | None, closes: time | None) -> bool:
    if opens is not None and moment < opens:
        return False
    return not (closes is not None and moment >= closes)


async def _reentry(session: AsyncSession, kind: PassKind) -> Reentry:
    rule = await session.get(KindEntryRule, kind.id)
    if rule is not None:
        return Reentry(rule.reentry)
    return Reentry.ANY if kind.staff or kind.code in {"committee", "volunteer"} else Reentry.AFTER_EXIT


async def _static_reason(  # noqa: PLR0911  (the documented order, one return per check)
    session: AsyncSession,
    expo: Expo,
    gate: Gate,
    found: _Found,
    kind: PassKind | None,
    direction: Direction,
    at: datetime,
) -> str | None:
    """Checks 1-8, which need no lock."""
    if found.reason in {"invalid", "invalid_signature", "wrong_expo"}:
        return found.reason
    if gate.directions not in {GateDirections.BOTH, direction.value}:
        return "wrong_direction"
    if direction == Direction.EXIT:
        return None
    assert found.pass_ is not None
    assert kind is not None
    if found.reason == "revoked" or found.pass_.status != PassStatus.ACTIVE:
        return "revoked"
    if await session.scalar(sa.select(col(PassRevocation.id)).where(col(PassRevocation.serial) == found.pass_.serial)):
        return "revoked"
    local = at.astimezone(ZoneInfo(expo.timezone))
    if local.date() not in found.days:
        return "not_valid_today"
    moment = local.time()
    if kind.opens_at is not None or kind.closes_at is not None:
        hours_ok = _within(moment, kind.opens_at, kind.closes_at)
    else:
        day = await session.scalar(
            sa.select(ExpoDay).where(col(ExpoDay.expo_id) == expo.id, col(ExpoDay.day) == local.date())
        )
        hours_ok = day is None or _within(moment, day.opens_at, day.closes_at)
    if not hours_ok or not _within(moment, gate.opens_at, gate.closes_at):
        return "outside_hours"
    if gate.kind_codes and kind.code not in gate.kind_codes:
        return "kind_not_admitted"
    return None


async def _lock_presence(session: AsyncSession, pass_: ExpoPass) -> PassPresence:
    """The first write of the transaction (SQLite takes its write lock here), then the row lock."""
    assert pass_.id is not None
    values = {"pass_id": pass_.id, "expo_id": pass_.expo_id, "inside": False, "entries": 0, "updated_at": utcnow()}
    dialect = session.get_bind().dialect.name
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    await session.execute(insert(PassPresence).values(**values).on_conflict_do_nothing(index_elements=["pass_id"]))
    presence = await session.scalar(
        sa.select(PassPresence)
        .where(col(PassPresence.pass_id) == pass_.id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    assert presence is not None
    return presence


async def _stored(session: AsyncSession, device_id: int, client_scan_id: str) -> Scan | None:
    return await session.scalar(
        sa.select(Scan)
        .where(col(Scan.device_id) == device_id, col(Scan.client_scan_id) == client_scan_id)
        .execution_options(populate_existing=True)
    )


async def scan_result(session: AsyncSession, scan: Scan, *, replay: bool = False) -> ScanResult:
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
        offline=scan.offline,
        conflict=scan.conflict,
        annulled=scan.annulled_at is not None,
        replay=replay,
        kind=scan.kind_code,
        serial=scan.serial,
    )
    if scan.pass_id is None:
        return result
    row = (
        await session.execute(
            sa.select(ExpoPass, PassKind, col(Exhibitor.name), col(Booth.code))
            .join(PassKind, col(PassKind.id) == col(ExpoPass.kind_id))
            .outerjoin(Exhibitor, col(Exhibitor.id) == col(ExpoPass.exhibitor_id))
            .outerjoin(Booking, col(Booking.id) == col(ExpoPass.booking_id))
            .outerjoin(Booth, col(Booth.id) == col(Booking.booth_id))
            .where(col(ExpoPass.id) == scan.pass_id)
        )
    ).first()
    if row is None:
        return result
    pass_, kind, exhibitor_name, booth_code = row
    return result.model_copy(
        update={
            "holder_name": pass_.holder_name,
            "kind": kind.code,
            "kind_name": kind.name,
            "organisation": pass_.organisation or exhibitor_name,
            "booth": booth_code,
            "pass_code": format_code(pass_.code),
        }
    )


def check_scan_time(scanned_at: datetime, now: datetime) -> None:
    if scanned_at.tzinfo is None:
        raise InvalidInput("Give the scan time with its time zone.", code="scan_time_invalid")
    if scanned_at > now + MAX_FUTURE or scanned_at < now - MAX_PAST:
        raise InvalidInput("The scan time is too far from now; check the device's clock.", code="scan_time_invalid")


async def check_in(
    session: AsyncSession,
    device: GateDevice,
    data: ScanIn | OfflineScanIn,
    keys: KeyRing,
    *,
    now: datetime | None = None,
    offline: bool = False,
) -> ScanResult:
    """Decide one scan and store it, committing. The same ``client_scan_id`` from the same device
    answers the stored result again (``replay``). Offline scans are decided at the device's scan time."""
    assert device.id is not None
    now = now or utcnow()
    check_scan_time(data.scanned_at, now)
    previous = await _stored(session, device.id, data.client_scan_id)
    if previous is not None:
        return await scan_result(session, previous, replay=True)
    gate = await session.get(Gate, device.gate_id)
    expo = await session.get(Expo, device.expo_id)
    if gate is None or expo is None:
        raise NotFound("No such gate.", code="gate_not_found")
    assert expo.id is not None
    found = await _identify(session, expo.id, data.text, keys)
    kind = await session.get(PassKind, found.pass_.kind_id) if found.pass_ is not None else None
    decided_at = data.scanned_at if offline else now
    reason = await _static_reason(session, expo, gate, found, kind, data.direction, decided_at)
    device_status = getattr(data, "device_status", None) if offline else None
    scan = Scan(
        expo_id=expo.id,
        gate_id=gate.id or 0,
        device_id=device.id,
        client_scan_id=data.client_scan_id,
        pass_id=found.pass_.id if found.pass_ is not None else None,
        serial=found.serial,
        kind_code=kind.code if kind is not None else None,
        direction=data.direction,
        status=REFUSED,
        reason=reason or OK,
        offline=offline,
        device_status=device_status,
        scanned_at=data.scanned_at,
        received_at=now,
    )
    rule = await _reentry(session, kind) if kind is not None and reason is None else Reentry.AFTER_EXIT
    try:
        if found.pass_ is not None and reason is None:
            presence = await _lock_presence(session, found.pass_)
            again = await _stored(session, device.id, data.client_scan_id)  # a twin committed while we waited
            if again is not None:
                await session.rollback()
                return await scan_result(session, again, replay=True)
            assert kind is not None
            reason = await _admit(session, presence, rule, data.direction, now)
        scan.reason = reason or OK
        scan.status = OK if reason is None else REFUSED
        scan.conflict = device_status == OK and scan.status == REFUSED
        session.add(scan)
        await session.flush()
        if found.pass_ is not None and scan.status == OK:
            await session.execute(
                sa.update(PassPresence).where(col(PassPresence.pass_id) == found.pass_.id).values(last_scan_id=scan.id)
            )
        if device.last_seen_at is None or _aware(device.last_seen_at) < now - SEEN_EVERY:  # not a write per scan
            device_seen = sa.update(GateDevice).where(col(GateDevice.id) == device.id).values(last_seen_at=now)
            await session.execute(device_seen)
        await session.commit()
    except IntegrityError:
        await session.rollback()
        again = await _stored(session, device.id, data.client_scan_id)
        if again is None:
            raise
        return await scan_result(session, again, replay=True)
    return await scan_result(session, scan)


async def _admit(
    session: AsyncSession, presence: PassPresence, rule: Reentry, direction: Direction, now: datetime
) -> str | None:
    """Check 9 and the move itself, as a conditional update: a second entry finds ``inside`` set."""
    table = sa.update(PassPresence).where(col(PassPresence.pass_id) == presence.pass_id)
    if direction == Direction.EXIT:
        await session.execute(table.values(inside=False, updated_at=now))
        return None
    if rule == Reentry.ONCE and presence.entries > 0:
        return "already_inside"
    if rule != Reentry.ANY:
        table = table.where(col(PassPresence.inside).is_(False))
    moved = await session.execute(table.values(inside=True, entries=col(PassPresence.entries) + 1, updated_at=now))
    return None if moved.rowcount == 1 else "already_inside"  # type: ignore[attr-defined]
