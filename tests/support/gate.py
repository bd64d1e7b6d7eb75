"""Helpers for the check-in tests: a gate world with a paired device and passes with their tokens."""

import itertools
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from booths.venue import service as venue
from booths.venue.models import Expo
from booths.venue.schemas import ExpoCreate
from expo.accounts import CurrentUser, create_user
from expo.models import Role
from tests.support.factories import PASSWORDS, Venue, bearer, expo_day, make_user_token, make_venue, serve_every_expo
from tests.support.passes import Client
from tickets.gate import devices
from tickets.gate import staff as gate_staff
from tickets.gate.models import Direction, GateDevice, GateDirections, Scan, ScanReason, ScanStatus
from tickets.gate.scan_facts import GateFacts, gate_facts
from tickets.gate.schemas import GateCreate
from tickets.passes import issuing
from tickets.passes.models import ExpoPass, PassKind
from tickets.passes.schemas import PassCreate
from tickets.passes.service import token_for
from tickets.signing.keys import KeyRing, load_keys

DAY = expo_day(1)
AT_10_WIB = datetime.combine(DAY, time(3, 0), tzinfo=UTC)  # 10:00 in Jombang
_nonce = itertools.count(1)


def nonce() -> str:
    return f"n-{next(_nonce)}"


@dataclass
class GateWorld:
    venue: Venue
    organiser: CurrentUser
    keys: KeyRing
    device: GateDevice

    @property
    def expo_id(self) -> int:
        return self.venue.expo_id


async def facts(session: AsyncSession, device: GateDevice) -> GateFacts:
    """What the scan endpoint reads for this device."""
    return await gate_facts(session, device_id=device.id)


async def organiser_user(session: AsyncSession) -> CurrentUser:
    user = await create_user(
        session,
        PASSWORDS,
        email=f"gate-org-{nonce()}@expo.test",
        name="Panitia",
        password="rahasia-123",
        role=Role.ORGANISER,
    )
    assert user.id is not None
    return CurrentUser(id=user.id, email=user.email, name=user.name, role=Role.ORGANISER, everything=True)


async def paired_device(
    session: AsyncSession,
    expo_id: int,
    organiser: CurrentUser,
    name: str | None = None,
    *,
    directions: GateDirections = GateDirections.BOTH,
    kind_codes: list[str] | None = None,
    opens_at: time | None = None,
) -> tuple[GateDevice, str]:
    gate = await devices.create_gate(
        session,
        expo_id,
        GateCreate(
            name=name or f"Gerbang {nonce()}", directions=directions, kind_codes=kind_codes or [], opens_at=opens_at
        ),
    )
    assert gate.id is not None
    device, code = await devices.create_device(session, gate.id, "HP 1", organiser, now=AT_10_WIB)
    device, token = await devices.pair_device(session, code, now=AT_10_WIB)
    await session.commit()
    return device, token


async def gate_world(session: AsyncSession, key_file: Path) -> GateWorld:
    venue = await make_venue(session)
    organiser = await organiser_user(session)
    device, _ = await paired_device(session, venue.expo_id, organiser, "Gerbang Utama")
    return GateWorld(venue=venue, organiser=organiser, keys=load_keys(key_file), device=device)


async def issue(
    session: AsyncSession,
    world: GateWorld,
    kind: str = "visitor",
    days: list[date] | None = None,
    name: str = "Siti Fiktif",
) -> tuple[ExpoPass, str]:
    pass_ = await issuing.create_pass(
        session,
        world.expo_id,
        PassCreate(kind=kind, holder_name=name, organisation="Pondok Uji", days=days or [DAY]),  # type: ignore[arg-type]
        world.organiser,
    )
    await session.commit()
    kind_row = await session.get(PassKind, pass_.kind_id)
    assert kind_row is not None
    return pass_, token_for(pass_, kind_row, world.keys)


async def open_expo(session: AsyncSession, slug: str, name: str) -> Expo:
    """An expo of three days around today (Jombang time), open from 00:00 to 23:59:59, so a scan now
    passes the day and hours checks at any time of day."""
    today = datetime.now(ZoneInfo("Asia/Jakarta")).date()
    expo = await venue.create_expo(
        session,
        ExpoCreate(
            slug=slug,
            name=name,
            city="Jombang",
            venue="Alun-alun",
            starts_on=today - timedelta(days=1),
            ends_on=today + timedelta(days=1),
            opens_at=time(0, 0),
            closes_at=time(23, 59, 59),
        ),
    )
    assert expo.id is not None
    await serve_every_expo(session)
    return expo


def now_iso() -> str:
    """A scan time as a scanner sends it."""
    return datetime.now(UTC).isoformat()


async def gate_over_http(
    client: Client, session: AsyncSession, **gate: Any
) -> tuple[int, dict[str, str], dict[str, str]]:
    """Through the API: an expo open all day around today, a gate ``Utama`` (``gate``: more of its
    fields) and a phone paired to it: ``(expo id, organiser headers, device headers)``."""
    expo = await open_expo(session, f"gate-{nonce()}", "Expo Gerbang")
    await session.commit()
    assert expo.id is not None
    organiser = bearer(await make_user_token(session, Role.ORGANISER))
    created = await client.post(f"/api/expos/{expo.id}/gates", json={"name": "Utama"} | gate, headers=organiser)
    assert created.status_code == 201, created.text
    pairing = await client.post(f"/api/gates/{created.json()['id']}/devices", json={"name": "HP"}, headers=organiser)
    assert pairing.status_code == 201, pairing.text
    paired = await client.post("/api/gate/pair", json={"pairing_code": pairing.json()["pairing_code"]})
    assert paired.status_code == 201, paired.text
    again = await client.post("/api/gate/pair", json={"pairing_code": pairing.json()["pairing_code"]})
    assert again.status_code == 404  # a pairing code works once
    return expo.id, organiser, {"Authorization": f"Device {paired.json()['token']}"}


async def pass_over_http(client: Client, expo_id: int, organiser: dict[str, str], name: str = "Budi Fiktif") -> str:
    """A visitor pass issued through the API; its token."""
    issued = await client.post(
        f"/api/expos/{expo_id}/passes", json={"kind": "visitor", "holder_name": name}, headers=organiser
    )
    assert issued.status_code == 201, issued.text
    return str(issued.json()["token"])


async def gate_staff_token(session: AsyncSession, expo_id: int, gate_name: str | None = None) -> str:
    """The log-in token of a gate-staff account an organiser put on a (new) gate of this expo."""
    gate = await devices.create_gate(session, expo_id, GateCreate(name=gate_name or f"Gerbang {nonce()}"))
    assert gate.id is not None
    email = f"petugas-{nonce()}@expo.test"
    token = await make_user_token(session, Role.GATE, email=email)
    await gate_staff.assign(session, gate.id, email)
    await session.commit()
    return token


def scan_row(
    device: GateDevice,
    pass_: ExpoPass,
    at: datetime,
    direction: Direction = Direction.ENTRY,
    reason: ScanReason = ScanReason.OK,
    *,
    annulled: bool = False,
) -> Scan:
    """A stored scan as the check-in writes it, for tests of what is read from scans (figures, reports)."""
    assert device.id is not None
    return Scan(
        expo_id=device.expo_id,
        gate_id=device.gate_id,
        device_id=device.id,
        client_scan_id=nonce(),
        pass_id=pass_.id,
        serial=pass_.serial,
        kind_code="visitor",
        direction=direction,
        status=ScanStatus.OK if reason == ScanReason.OK else ScanStatus.REFUSED,
        reason=reason,
        scanned_at=at,
        annulled_at=at + timedelta(minutes=1) if annulled else None,
    )
