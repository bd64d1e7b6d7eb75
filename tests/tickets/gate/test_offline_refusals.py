"""Regression (load test, gate day): a scan the offline phone REFUSED is stored as the refusal the gate
made, with the phone's reason, whatever the server would have decided: the person was turned away,
so they are not inside and no entry is used up. Both engines, service and HTTP."""

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from tests.support.gate import AT_10_WIB, GateWorld, facts, gate_over_http, issue, nonce, pass_over_http
from tests.support.passes import Client
from tickets.gate import checkin, devices
from tickets.gate import supervision as checkin_ops
from tickets.gate.models import Direction, PassPresence, Reentry, Scan
from tickets.gate.schemas import OfflineScanIn, ScanIn, ScanResult

pytestmark = pytest.mark.anyio


async def _offline(
    session: AsyncSession,
    world: GateWorld,
    token: str,
    status: str,
    reason: str | None = None,
    *,
    direction: Direction = Direction.ENTRY,
    at: datetime = AT_10_WIB,
) -> ScanResult:
    data = OfflineScanIn(
        text=token,
        direction=direction,
        client_scan_id=nonce(),
        scanned_at=at,
        device_status=status,
        device_reason=reason,
    )
    gate = await facts(session, world.device)
    return await checkin.check_in(session, gate, data, world.keys, now=at + timedelta(minutes=5), offline=True)


async def _online(
    session: AsyncSession, world: GateWorld, token: str, direction: Direction = Direction.ENTRY, *, at: datetime
) -> ScanResult:
    data = ScanIn(text=token, direction=direction, client_scan_id=nonce(), scanned_at=at)
    return await checkin.check_in(session, await facts(session, world.device), data, world.keys, now=at)


async def _presence(session: AsyncSession) -> tuple[bool, int] | None:
    row = await session.scalar(sa.select(PassPresence).execution_options(populate_existing=True))
    return None if row is None else (row.inside, row.entries)


async def test_an_offline_refusal_the_server_would_admit_stays_a_refusal(
    session: AsyncSession, world: GateWorld
) -> None:
    # The phone's offline data was stale: it said the pass was not valid today, and turned the person away.
    _, token = await issue(session, world)
    result = await _offline(session, world, token, "refused", "not_valid_today")
    assert (result.status, result.reason, result.offline) == ("refused", "not_valid_today", True)
    assert result.conflict  # the server disagrees: organisers see it among the sync conflicts
    assert await checkin_ops.inside_now(session, world.expo_id, AT_10_WIB) == 0
    assert await _presence(session) is None  # nothing moved, no entry used up
    stored = await session.scalar(sa.select(Scan).where(col(Scan.client_scan_id) == result.client_scan_id))
    assert stored is not None
    assert (stored.status, stored.reason, stored.device_status, stored.conflict) == (
        "refused",
        "not_valid_today",
        "refused",
        True,
    )


async def test_an_offline_refusal_uses_up_no_entry_of_a_once_pass(session: AsyncSession, world: GateWorld) -> None:
    await devices.set_reentry(session, world.expo_id, "visitor", Reentry.ONCE)
    await session.commit()
    _, token = await issue(session, world)
    refused = await _offline(session, world, token, "refused", "outside_hours")
    assert (refused.status, refused.reason) == ("refused", "outside_hours")
    # back later at an online gate: the one entry is still there
    later = await _online(session, world, token, at=AT_10_WIB + timedelta(minutes=20))
    assert (later.status, later.reason) == ("ok", "ok")
    assert await _presence(session) == (True, 1)


async def test_an_offline_already_inside_refusal_is_no_conflict_and_keeps_the_person_out(
    session: AsyncSession, world: GateWorld
) -> None:
    # The phone remembered an entry, not the exit made at another gate: it said "already inside".
    _, token = await issue(session, world)
    assert (await _online(session, world, token, at=AT_10_WIB - timedelta(minutes=30))).reason == "ok"
    assert (await _online(session, world, token, Direction.EXIT, at=AT_10_WIB - timedelta(minutes=10))).reason == "ok"
    result = await _offline(session, world, token, "refused", "already_inside")
    assert (result.status, result.reason, result.conflict) == ("refused", "already_inside", False)
    assert await checkin_ops.inside_now(session, world.expo_id, AT_10_WIB) == 0
    assert await _presence(session) == (False, 1)


async def test_an_offline_refusal_without_a_known_reason_is_unverifiable_or_the_servers(
    session: AsyncSession, world: GateWorld
) -> None:
    # A scan queued by an older scanner page (no reason sent) or with a reason this server does not know.
    _, token = await issue(session, world)
    bare = await _offline(session, world, token, "refused")
    assert (bare.status, bare.reason, bare.conflict) == ("refused", "unverifiable", True)
    odd = await _offline(session, world, token, "refused", "some_new_reason")
    assert (odd.status, odd.reason) == ("refused", "unverifiable")
    said_ok = await _offline(session, world, token, "refused", "ok")  # nonsense with a refusal
    assert (said_ok.status, said_ok.reason) == ("refused", "unverifiable")
    junk = await _offline(session, world, "junk", "refused")
    assert (junk.status, junk.reason, junk.conflict) == ("refused", "invalid", False)  # the server's own reason
    assert await _presence(session) is None


async def test_an_offline_refusal_the_server_also_refuses_keeps_the_phones_reason(
    session: AsyncSession, world: GateWorld
) -> None:
    _, token = await issue(session, world)
    result = await _offline(session, world, token, "refused", "revoked", at=AT_10_WIB + timedelta(days=30))
    assert (result.status, result.reason, result.conflict) == ("refused", "revoked", False)


async def test_an_exit_refused_offline_keeps_the_person_inside(session: AsyncSession, world: GateWorld) -> None:
    _, token = await issue(session, world)
    assert (await _online(session, world, token, at=AT_10_WIB - timedelta(minutes=30))).reason == "ok"
    result = await _offline(session, world, token, "refused", "wrong_direction", direction=Direction.EXIT)
    assert (result.status, result.reason) == ("refused", "wrong_direction")
    assert await checkin_ops.inside_now(session, world.expo_id, AT_10_WIB) == 1
    assert await _presence(session) == (True, 1)


async def test_offline_admissions_keep_todays_rules(session: AsyncSession, world: GateWorld) -> None:
    _, token = await issue(session, world)
    first = await _offline(session, world, token, "ok")
    assert (first.status, first.reason, first.conflict) == ("ok", "ok", False)
    twice = await _offline(session, world, token, "ok", at=AT_10_WIB + timedelta(minutes=1))
    assert (twice.status, twice.reason, twice.conflict) == ("refused", "already_inside", True)
    assert await _presence(session) == (True, 1)


async def test_a_synced_refusal_over_http_is_stored_as_the_gate_made_it(client: Client, session: AsyncSession) -> None:
    expo_id, organiser, device = await gate_over_http(client, session)
    token = await pass_over_http(client, expo_id, organiser)
    at = datetime.now(UTC) - timedelta(minutes=3)
    scan = {"text": token, "scanned_at": at.isoformat(), "device_status": "refused"}
    batch = {
        "scans": [
            scan | {"client_scan_id": "off-1", "device_reason": "not_valid_today"},
            scan | {"client_scan_id": "off-2", "device_reason": "x" * 33},  # too long: the batch is refused
        ]
    }
    assert (await client.post("/api/gate/sync", json=batch, headers=device)).status_code == 422
    batch["scans"][1]["device_reason"] = "unheard_of"
    answer = await client.post("/api/gate/sync", json=batch, headers=device)
    assert answer.status_code == 200, answer.text
    results = {r["client_scan_id"]: r for r in answer.json()["results"]}
    assert (results["off-1"]["status"], results["off-1"]["reason"]) == ("refused", "not_valid_today")
    assert (results["off-2"]["status"], results["off-2"]["reason"]) == ("refused", "unverifiable")
    assert answer.json()["conflicts"] == 2
    stats = (await client.get(f"/api/expos/{expo_id}/checkins/stats", headers=organiser)).json()
    assert stats["inside_now"] == 0
    assert stats["entries_today"] == 0
