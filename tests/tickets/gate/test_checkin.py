"""The check-in service on both engines: every reason code, the decision order, idempotent nonces,
annul, reset, the daily close, and two gates scanning the same pass at the same instant."""

import asyncio
from datetime import UTC, datetime, time, timedelta

import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession
from sqlmodel import col

from expo.database import create_sessionmaker
from expo.errors import InvalidInput
from tests.support.factories import expo_day
from tests.support.gate import AT_10_WIB, DAY, GateWorld, facts, issue, nonce, paired_device
from tickets.gate import checkin, devices
from tickets.gate import supervision as checkin_ops
from tickets.gate.models import Direction, GateDevice, GateDirections, PassPresence, Reentry, Scan
from tickets.gate.schemas import OfflineScanIn, ScanIn, ScanResult
from tickets.passes.service import revoke_pass
from tickets.signing import tokens

pytestmark = pytest.mark.anyio


async def _scan(
    session: AsyncSession,
    world: GateWorld,
    text: str,
    direction: Direction = Direction.ENTRY,
    *,
    at: datetime = AT_10_WIB,
    device: GateDevice | None = None,
    client_scan_id: str | None = None,
) -> ScanResult:
    data = ScanIn(text=text, direction=direction, client_scan_id=client_scan_id or nonce(), scanned_at=at)
    return await checkin.check_in(session, await facts(session, device or world.device), data, world.keys, now=at)


async def test_a_valid_pass_enters_and_the_staff_see_who_it_is(session: AsyncSession, world: GateWorld) -> None:
    _, token = await issue(session, world, name="Siti Aminah")
    result = await _scan(session, world, token)
    assert (result.status, result.reason) == ("ok", "ok")
    assert result.holder_name == "Siti Aminah"
    assert result.kind == "visitor"
    assert result.organisation == "Pondok Uji"
    assert result.pass_code is not None
    assert await checkin_ops.inside_now(session, world.expo_id, AT_10_WIB) == 1


@pytest.mark.parametrize("text", ["", "   ", "hello world", "\x00\x01binary", "A" * 150, "ZZZZ-ZZZZ", "💥"])
async def test_garbage_is_refused_as_invalid_and_recorded(session: AsyncSession, world: GateWorld, text: str) -> None:
    result = await _scan(session, world, text)
    assert (result.status, result.reason) == ("refused", "invalid")
    assert await session.scalar(sa.select(sa.func.count()).select_from(Scan)) == 1


async def test_the_printed_code_typed_by_hand_is_accepted(session: AsyncSession, world: GateWorld) -> None:
    pass_, _ = await issue(session, world)
    typed = f"{pass_.code[:4].lower()} {pass_.code[4:]}"
    assert (await _scan(session, world, typed)).reason == "ok"


async def test_forged_and_truncated_signatures_are_refused(session: AsyncSession, world: GateWorld) -> None:
    _, token = await issue(session, world)
    i = len(token) - 10
    forged = token[:i] + ("B" if token[i] != "B" else "C") + token[i + 1 :]
    assert (await _scan(session, world, forged)).reason == "invalid_signature"
    assert (await _scan(session, world, token[:-8])).reason == "invalid"


async def test_a_token_of_another_expo_is_wrong_expo(session: AsyncSession, world: GateWorld) -> None:
    claims = tokens.Claims(
        key_id=world.keys.signing_key_id, expo_id=world.expo_id + 1000, serial=42, kind=2, days=(DAY,)
    )
    assert (await _scan(session, world, tokens.sign(claims, world.keys.signer))).reason == "wrong_expo"


async def test_an_unknown_serial_is_invalid(session: AsyncSession, world: GateWorld) -> None:
    claims = tokens.Claims(key_id=world.keys.signing_key_id, expo_id=world.expo_id, serial=4242, kind=2, days=(DAY,))
    assert (await _scan(session, world, tokens.sign(claims, world.keys.signer))).reason == "invalid"


async def test_a_revoked_pass_is_refused(session: AsyncSession, world: GateWorld) -> None:
    pass_, token = await issue(session, world)
    assert pass_.id is not None
    await revoke_pass(session, pass_.id, world.organiser, "lost")
    await session.commit()
    result = await _scan(session, world, token)
    assert (result.reason, result.holder_name) == ("revoked", "Siti Fiktif")


async def test_a_pass_for_another_day_is_not_valid_today(session: AsyncSession, world: GateWorld) -> None:
    _, token = await issue(session, world, days=[DAY + timedelta(days=1)])
    assert (await _scan(session, world, token)).reason == "not_valid_today"


async def test_after_the_last_day_the_expo_is_over(session: AsyncSession, world: GateWorld) -> None:
    last = expo_day(5)
    _, token = await issue(session, world, days=[last])
    at_last = datetime.combine(last, time(3, 0), tzinfo=UTC)  # 10:00 WIB on the last day
    assert (await _scan(session, world, token, at=at_last)).reason == "ok"
    day_after = at_last + timedelta(days=1)
    assert (await _scan(session, world, token, at=day_after)).reason == "expo_over"
    # Before the last day has passed, a pass for another day is still just not valid today.
    _, other = await issue(session, world, days=[expo_day(4)])
    assert (await _scan(session, world, other, at=at_last)).reason == "not_valid_today"


async def test_outside_the_opening_hours(session: AsyncSession, world: GateWorld) -> None:
    _, token = await issue(session, world)
    early = datetime.combine(DAY, time(0, 30), tzinfo=UTC)  # 07:30 WIB, the day opens at 09:00
    assert (await _scan(session, world, token, at=early)).reason == "outside_hours"
    _, staff = await issue(session, world, kind="committee")  # committee: 06:00-23:00
    assert (await _scan(session, world, staff, at=early)).reason == "ok"


async def test_a_gate_with_its_own_hours(session: AsyncSession, world: GateWorld) -> None:
    device, _ = await paired_device(session, world.expo_id, world.organiser, opens_at=time(11))
    _, token = await issue(session, world)
    assert (await _scan(session, world, token, device=device)).reason == "outside_hours"


async def test_a_gate_admits_only_its_kinds(session: AsyncSession, world: GateWorld) -> None:
    device, _ = await paired_device(session, world.expo_id, world.organiser, kind_codes=["exhibitor", "committee"])
    _, visitor = await issue(session, world)
    _, committee = await issue(session, world, kind="committee")
    assert (await _scan(session, world, visitor, device=device)).reason == "kind_not_admitted"
    assert (await _scan(session, world, committee, device=device)).reason == "ok"
    assert (await _scan(session, world, visitor, Direction.EXIT, device=device)).reason == "ok"  # anyone may leave


async def test_an_exit_only_gate_refuses_entries(session: AsyncSession, world: GateWorld) -> None:
    device, _ = await paired_device(session, world.expo_id, world.organiser, directions=GateDirections.EXIT)
    _, token = await issue(session, world)
    assert (await _scan(session, world, token, device=device)).reason == "wrong_direction"


async def test_visitors_re_enter_only_after_an_exit(session: AsyncSession, world: GateWorld) -> None:
    _, token = await issue(session, world)
    assert (await _scan(session, world, token)).reason == "ok"
    assert (await _scan(session, world, token)).reason == "already_inside"
    assert (await _scan(session, world, token, Direction.EXIT)).reason == "ok"
    assert (await _scan(session, world, token)).reason == "ok"
    presence = await session.scalar(sa.select(PassPresence).execution_options(populate_existing=True))
    assert presence is not None
    assert (presence.inside, presence.entries) == (True, 2)


async def test_staff_enter_any_number_of_times_and_rules_are_configurable(
    session: AsyncSession, world: GateWorld
) -> None:
    _, committee = await issue(session, world, kind="committee")
    assert [(await _scan(session, world, committee)).reason for _ in range(3)] == ["ok", "ok", "ok"]
    await devices.set_reentry(session, world.expo_id, "visitor", Reentry.ONCE)
    await session.commit()
    _, visitor = await issue(session, world)
    assert (await _scan(session, world, visitor)).reason == "ok"
    assert (await _scan(session, world, visitor, Direction.EXIT)).reason == "ok"
    assert (await _scan(session, world, visitor)).reason == "already_inside"


async def test_the_decision_order(session: AsyncSession, world: GateWorld) -> None:
    exit_gate, _ = await paired_device(session, world.expo_id, world.organiser, directions=GateDirections.EXIT)
    staff_gate, _ = await paired_device(session, world.expo_id, world.organiser, kind_codes=["exhibitor"])
    tomorrow = [DAY + timedelta(days=1)]
    revoked, revoked_token = await issue(session, world, days=tomorrow)
    assert revoked.id is not None
    await revoke_pass(session, revoked.id, world.organiser, "lost")
    await session.commit()
    _, other_day = await issue(session, world, days=tomorrow)
    early = datetime.combine(DAY, time(0, 30), tzinfo=UTC)
    assert (await _scan(session, world, revoked_token, device=exit_gate)).reason == "wrong_direction"
    assert (await _scan(session, world, revoked_token)).reason == "revoked"  # before not_valid_today
    assert (await _scan(session, world, other_day, at=early, device=staff_gate)).reason == "not_valid_today"
    _, today = await issue(session, world)
    assert (await _scan(session, world, today, at=early, device=staff_gate)).reason == "outside_hours"
    assert (await _scan(session, world, today, device=staff_gate)).reason == "kind_not_admitted"


async def test_the_same_nonce_twice_records_one_scan_and_answers_the_same(
    session: AsyncSession, world: GateWorld
) -> None:
    _, token = await issue(session, world)
    first = await _scan(session, world, token, client_scan_id="same-1")
    again = await _scan(session, world, token, client_scan_id="same-1")
    assert (again.scan_id, again.status, again.reason, again.replay) == (first.scan_id, "ok", "ok", True)
    assert await session.scalar(sa.select(sa.func.count()).select_from(Scan)) == 1


async def test_a_scan_from_a_wrong_clock_is_stored_flagged_and_decided_now(
    session: AsyncSession, world: GateWorld
) -> None:
    """Online, a device 20 minutes fast (or years off) is admitted at the server's time, both times kept."""
    _, token = await issue(session, world)
    _, other = await issue(session, world)
    fast = ScanIn(text=token, client_scan_id=nonce(), scanned_at=AT_10_WIB + timedelta(minutes=20))
    result = await checkin.check_in(session, await facts(session, world.device), fast, world.keys, now=AT_10_WIB)
    assert (result.status, result.clock_skewed, result.scanned_at) == ("ok", True, AT_10_WIB)
    assert result.device_scanned_at == AT_10_WIB + timedelta(minutes=20)
    # a page that corrected its stamp by the offset it learnt: the stamp is kept, the clock still flagged
    corrected = ScanIn(text=other, client_scan_id=nonce(), scanned_at=AT_10_WIB, clock_offset_ms=-20 * 60_000)
    result = await checkin.check_in(session, await facts(session, world.device), corrected, world.keys, now=AT_10_WIB)
    assert (result.status, result.clock_skewed, result.device_scanned_at) == (
        "ok",
        True,
        AT_10_WIB + timedelta(minutes=20),
    )
    year_2000 = datetime(2000, 1, 1, tzinfo=UTC)
    far = ScanIn(text=token, direction=Direction.EXIT, client_scan_id=nonce(), scanned_at=year_2000)
    result = await checkin.check_in(session, await facts(session, world.device), far, world.keys, now=AT_10_WIB)
    assert (result.status, result.clock_skewed, result.scanned_at) == ("ok", True, AT_10_WIB)
    rows = (await session.execute(sa.select(Scan.clock_skewed, Scan.scanned_at).order_by(Scan.id))).all()
    assert [(bool(a), b.replace(tzinfo=UTC) if b.tzinfo is None else b) for a, b in rows] == [(True, AT_10_WIB)] * 3
    assert (await checkin_ops.stats(session, world.expo_id, AT_10_WIB)).entries_today == 2


async def test_an_offline_batch_from_a_wrong_clock_is_shifted_by_the_device_offset(
    session: AsyncSession, world: GateWorld
) -> None:
    """A phone 20 minutes slow syncs scans made 10 minutes ago: shifted by the offset its ``sent_at``
    shows; a time that is not plausible even so (a year ahead) is placed at the receive time."""
    _, early = await issue(session, world)
    _, late = await issue(session, world)
    now = AT_10_WIB + timedelta(hours=1)
    slow = timedelta(minutes=20)
    batch = [
        OfflineScanIn(text=early, client_scan_id=nonce(), scanned_at=now - timedelta(minutes=10) - slow),
        OfflineScanIn(text=late, client_scan_id=nonce(), scanned_at=now + timedelta(days=365)),
    ]
    gate = await facts(session, world.device)
    results = await checkin.sync(session, gate, batch, world.keys, now=now, sent_at=now - slow)
    by_scan = {r.client_scan_id: r for r in results}
    first, second = by_scan[batch[0].client_scan_id], by_scan[batch[1].client_scan_id]
    assert (first.status, first.clock_skewed, first.scanned_at) == ("ok", True, now - timedelta(minutes=10))
    assert first.device_scanned_at == now - timedelta(minutes=10) - slow
    assert (second.status, second.clock_skewed, second.scanned_at) == ("ok", True, now)
    assert (await checkin_ops.stats(session, world.expo_id, now)).entries_today == 2
    recent = await checkin_ops.recent_scans(session, world.expo_id)
    assert [r.clock_skewed for r in recent] == [True, True]


async def test_a_right_clock_is_not_flagged_and_a_time_without_zone_is_refused(
    session: AsyncSession, world: GateWorld
) -> None:
    _, token = await issue(session, world)
    assert (await _scan(session, world, token)).clock_skewed is False
    naive = ScanIn(text=token, client_scan_id=nonce(), scanned_at=datetime.fromisoformat("2026-10-21T10:00"))
    with pytest.raises(InvalidInput) as caught:
        await checkin.check_in(session, await facts(session, world.device), naive, world.keys, now=AT_10_WIB)
    assert caught.value.code == "scan_time_invalid"
    assert await session.scalar(sa.select(sa.func.count()).select_from(Scan)) == 1


async def test_annul_undoes_a_mistaken_entry(session: AsyncSession, world: GateWorld) -> None:
    _, token = await issue(session, world)
    entry = await _scan(session, world, token)
    scan = await checkin_ops.annul_scan(session, entry.scan_id, world.organiser, "scanned the wrong person")
    await session.commit()
    assert scan.annulled_at is not None
    assert await checkin_ops.inside_now(session, world.expo_id, AT_10_WIB) == 0
    assert (await _scan(session, world, token)).reason == "ok"


async def test_reset_and_daily_close(session: AsyncSession, world: GateWorld) -> None:
    _, a = await issue(session, world)
    _, b = await issue(session, world)
    await _scan(session, world, a)
    await _scan(session, world, b)
    assert await checkin_ops.close_day(session, world.expo_id) == 2
    await session.commit()
    assert await checkin_ops.inside_now(session, world.expo_id, AT_10_WIB) == 0
    assert await checkin_ops.reset_checkins(session, world.expo_id) == 2
    await session.commit()
    assert await session.scalar(sa.select(sa.func.count()).select_from(Scan)) == 0


async def test_an_offline_admission_the_server_refuses_is_a_conflict(session: AsyncSession, world: GateWorld) -> None:
    other, _ = await paired_device(session, world.expo_id, world.organiser)
    _, token = await issue(session, world)
    assert (await _scan(session, world, token)).reason == "ok"
    offline = OfflineScanIn(text=token, client_scan_id=nonce(), scanned_at=AT_10_WIB, device_status="ok")
    gate = await facts(session, other)
    result = await checkin.check_in(session, gate, offline, world.keys, now=AT_10_WIB, offline=True)
    assert (result.reason, result.conflict, result.offline) == ("already_inside", True, True)


@pytest.mark.real_commits  # two gates at once need two connections
async def test_two_gates_scanning_the_same_pass_at_once_admit_it_once(
    session: AsyncSession, world: GateWorld, engine: AsyncEngine
) -> None:
    _, token = await issue(session, world)
    gates = [world.device] + [(await paired_device(session, world.expo_id, world.organiser))[0] for _ in range(5)]
    maker = create_sessionmaker(engine)

    async def one(device: GateDevice) -> str:
        async with maker() as own:
            return (await _scan(own, world, token, device=device)).reason

    reasons = await asyncio.gather(*(one(d) for d in gates))
    assert sorted(reasons) == ["already_inside"] * 5 + ["ok"]
    ok_rows = sa.select(sa.func.count()).select_from(Scan).where(col(Scan.status) == "ok")
    assert await session.scalar(ok_rows) == 1


async def test_a_late_synced_offline_scan_does_not_undo_what_came_after_it(
    session: AsyncSession, world: GateWorld
) -> None:
    offline_gate, _ = await paired_device(session, world.expo_id, world.organiser)
    gate = await facts(session, offline_gate)
    _, token = await issue(session, world)
    later = AT_10_WIB + timedelta(minutes=30)

    async def synced(direction: Direction, at: datetime) -> ScanResult:
        data = OfflineScanIn(text=token, direction=direction, client_scan_id=nonce(), scanned_at=at, device_status="ok")
        return await checkin.check_in(session, gate, data, world.keys, now=later + timedelta(minutes=5), offline=True)

    # in at 10:00 at a gate that was offline, out at 10:30 online; the entry arrives last
    assert (await _scan(session, world, token, Direction.EXIT, at=later)).reason == "ok"
    entry = await synced(Direction.ENTRY, AT_10_WIB)
    assert (entry.status, entry.reason, entry.conflict) == ("ok", "ok", False)
    assert await checkin_ops.inside_now(session, world.expo_id, later) == 0  # still out, as at 10:30

    # back in at 10:40 online; an exit scanned offline at 10:35 arrives later and is kept, not applied
    assert (await _scan(session, world, token, at=later + timedelta(minutes=10))).reason == "ok"
    exit_ = await synced(Direction.EXIT, later + timedelta(minutes=5))
    assert (exit_.status, exit_.reason) == ("ok", "ok")
    assert await checkin_ops.inside_now(session, world.expo_id, AT_10_WIB) == 1

    # an entry scanned offline before that online entry, with no exit between: the pass went in twice
    twice = await synced(Direction.ENTRY, later + timedelta(minutes=8))
    assert (twice.reason, twice.conflict) == ("already_inside", True)


async def test_each_day_starts_empty_without_a_close(session: AsyncSession, world: GateWorld) -> None:
    next_day = DAY + timedelta(days=1)
    _, token = await issue(session, world, days=[DAY, next_day])
    assert (await _scan(session, world, token)).reason == "ok"  # in at 10:00, never scanned out
    assert (await _scan(session, world, token, at=AT_10_WIB + timedelta(hours=2))).reason == "already_inside"
    assert await checkin_ops.inside_now(session, world.expo_id, AT_10_WIB + timedelta(hours=8)) == 1
    tomorrow = AT_10_WIB + timedelta(days=1)
    assert await checkin_ops.inside_now(session, world.expo_id, tomorrow - timedelta(hours=3)) == 0  # 07:00 WIB
    assert (await _scan(session, world, token, at=tomorrow)).reason == "ok"
    assert await checkin_ops.inside_now(session, world.expo_id, tomorrow) == 1
