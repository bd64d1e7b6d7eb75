"""Gates and their paired scanner devices: create, pair with a one-time code, authenticate, revoke."""

import hashlib
import secrets
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from booths.venue.models import Hall
from booths.venue.service import get_expo
from expo.accounts import CurrentUser
from expo.errors import Conflict, FieldProblem, Forbidden, InvalidInput, NotFound, Unauthenticated
from expo.formatting import as_utc, utcnow
from tickets.gate.models import DeviceStatus, Gate, GateDevice, KindEntryRule, Reentry
from tickets.gate.schemas import DeviceRead, GateCreate, GateRead
from tickets.passes.kinds import ensure_kinds, kind_by_code
from tickets.passes.service import CODE_ALPHABET

PAIRING_MINUTES = 15
PAIRING_LENGTH = 10
DEVICE_SCHEME = "device"


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def gate_read(gate: Gate) -> GateRead:
    assert gate.id is not None
    return GateRead(
        id=gate.id,
        expo_id=gate.expo_id,
        name=gate.name,
        hall_id=gate.hall_id,
        directions=gate.directions,
        kind_codes=list(gate.kind_codes),
        opens_at=gate.opens_at,
        closes_at=gate.closes_at,
    )


def device_read(device: GateDevice) -> DeviceRead:
    assert device.id is not None
    return DeviceRead(
        id=device.id,
        gate_id=device.gate_id,
        name=device.name,
        paired=device.paired_at is not None,
        revoked=device.revoked_at is not None,
        created_at=device.created_at,
        last_seen_at=device.last_seen_at,
    )


async def create_gate(session: AsyncSession, expo_id: int, data: GateCreate) -> Gate:
    await get_expo(session, expo_id)
    if data.hall_id is not None:
        hall = await session.get(Hall, data.hall_id)
        if hall is None or hall.expo_id != expo_id:
            raise InvalidInput(fields=[FieldProblem("hall_id", "No such hall in this expo.")])
    known = {k.code for k in await ensure_kinds(session, expo_id)}
    unknown = sorted(set(data.kind_codes) - known)
    if unknown:
        raise InvalidInput(
            fields=[FieldProblem("kind_codes", "No such pass kind: %(codes)s.", {"codes": ", ".join(unknown)})]
        )
    taken = await session.scalar(
        sa.select(col(Gate.id)).where(col(Gate.expo_id) == expo_id, col(Gate.name) == data.name)
    )
    if taken is not None:
        raise Conflict("A gate with this name exists already.", code="gate_exists")
    gate = Gate(expo_id=expo_id, **data.model_dump(exclude={"kind_codes"}), kind_codes=sorted(set(data.kind_codes)))
    session.add(gate)
    await session.flush()
    return gate


async def list_gates(session: AsyncSession, expo_id: int) -> list[Gate]:
    await get_expo(session, expo_id)
    stmt = sa.select(Gate).where(col(Gate.expo_id) == expo_id).order_by(col(Gate.name))
    return list((await session.scalars(stmt)).all())


async def get_gate(session: AsyncSession, gate_id: int) -> Gate:
    gate = await session.get(Gate, gate_id)
    if gate is None:
        raise NotFound("No such gate.", code="gate_not_found")
    return gate


def _pairing_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(PAIRING_LENGTH))


def normalise_pairing(text: str) -> str:
    return "".join(ch for ch in text.upper() if ch.isalnum())


async def create_device(
    session: AsyncSession, gate_id: int, name: str, user: CurrentUser, now: datetime | None = None
) -> tuple[GateDevice, str]:
    """A device waiting to be paired, and its one-time pairing code (valid for 15 minutes)."""
    gate = await get_gate(session, gate_id)
    code = _pairing_code()
    now = now or utcnow()
    device = GateDevice(
        expo_id=gate.expo_id,
        gate_id=gate_id,
        name=name,
        pairing_hash=digest(code),
        pairing_expires_at=now + timedelta(minutes=PAIRING_MINUTES),
        created_by_user_id=user.id,
        created_at=now,
    )
    session.add(device)
    await session.flush()
    return device, code


async def pair_device(session: AsyncSession, code: str, now: datetime | None = None) -> tuple[GateDevice, str]:
    """Exchange a pairing code for the device's own token; the code works once."""
    now = now or utcnow()
    token = secrets.token_urlsafe(32)
    stmt = (
        sa.update(GateDevice)
        .where(
            col(GateDevice.pairing_hash) == digest(normalise_pairing(code)),
            col(GateDevice.pairing_expires_at) > now,
            col(GateDevice.revoked_at).is_(None),
        )
        .values(pairing_hash=None, pairing_expires_at=None, token_hash=digest(token), paired_at=now, last_seen_at=now)
        .returning(col(GateDevice.id))
    )
    device_id = (await session.execute(stmt)).scalar_one_or_none()
    if device_id is None:
        raise NotFound("This pairing code is unknown or has expired.", code="pairing_code_invalid")
    device = await session.get(GateDevice, device_id, populate_existing=True)
    assert device is not None
    return device, token


async def list_devices(session: AsyncSession, gate_id: int) -> list[GateDevice]:
    await get_gate(session, gate_id)
    stmt = sa.select(GateDevice).where(col(GateDevice.gate_id) == gate_id).order_by(col(GateDevice.id))
    return list((await session.scalars(stmt)).all())


async def revoke_device(session: AsyncSession, device_id: int, now: datetime | None = None) -> GateDevice:
    """One click for a lost phone: its token stops working at once."""
    device = await session.get(GateDevice, device_id)
    if device is None:
        raise NotFound("No such device.", code="device_not_found")
    if device.revoked_at is None:
        device.revoked_at = now or utcnow()
        device.pairing_hash = None
        device.pairing_expires_at = None
    await session.flush()
    return device


def token_hash(authorization: str | None) -> str:
    """The digest to look the device up by, from its ``Authorization: Device <token>`` header."""
    token = device_token(authorization)
    if not token or len(token) > 200:
        raise Unauthenticated("This device is not paired.", code="device_unknown")
    return digest(token)


def check_usable(found: bool, revoked_at: datetime | None) -> None:
    """401 for a token no device has, 403 for a revoked device."""
    if not found:
        raise Unauthenticated("This device is not paired.", code="device_unknown")
    if revoked_at is not None:
        raise Forbidden("This device was revoked; pair it again.", code="device_revoked")


async def device_by_hash(session: AsyncSession, token_digest: str) -> GateDevice:
    device = await session.scalar(sa.select(GateDevice).where(col(GateDevice.token_hash) == token_digest))
    check_usable(device is not None, device.revoked_at if device is not None else None)
    assert device is not None
    return device


def device_token(authorization: str | None) -> str | None:
    """The token of an ``Authorization: Device <token>`` header."""
    if not authorization:
        return None
    scheme, _, token = authorization.partition(" ")
    return token.strip() or None if scheme.lower() == DEVICE_SCHEME else None


async def set_reentry(session: AsyncSession, expo_id: int, kind_code: str, reentry: Reentry) -> None:
    kind = await kind_by_code(session, expo_id, kind_code)
    assert kind.id is not None
    rule = await session.get(KindEntryRule, kind.id)
    if rule is None:
        session.add(KindEntryRule(kind_id=kind.id, reentry=reentry))
    else:
        rule.reentry = reentry
    await session.flush()


def device_status(device: GateDevice, now: datetime) -> DeviceStatus:
    """Revoked, paired, waiting for the phone (its code still runs) or the code expired unused."""
    if device.revoked_at is not None:
        return DeviceStatus.REVOKED
    if device.paired_at is not None:
        return DeviceStatus.PAIRED
    if device.pairing_expires_at is not None and as_utc(device.pairing_expires_at) > now:
        return DeviceStatus.WAITING
    return DeviceStatus.EXPIRED
