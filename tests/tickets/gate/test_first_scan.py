"""A pass's first scan on PostgreSQL: one statement without a transaction (the scan row and the new
presence row), and the locked way whenever that cannot hold. Through the scan endpoint, and through
``scan_from_device`` as the endpoint calls it for the races, on sessions of their own
(``real_commits``: the tests' shared transaction would rule the way out). On SQLite the same tests
check the one way it has."""

import asyncio
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession
from sqlmodel import col

from expo.database import create_sessionmaker
from tests.support.gate import (
    AT_10_WIB,
    GateWorld,
    gate_over_http,
    issue,
    nonce,
    now_iso,
    paired_device,
    pass_over_http,
)
from tests.support.passes import Client
from tickets.gate import checkin, devices
from tickets.gate.models import Direction, PassPresence, Scan
from tickets.gate.schemas import ScanIn, ScanResult

pytestmark = [pytest.mark.anyio, pytest.mark.real_commits]


def _taken(monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    """Whether each scan went the one-statement way."""
    ways: list[bool] = []
    first_scan = checkin._first_scan

    async def spy(*args: Any) -> ScanResult | None:
        result = await first_scan(*args)
        ways.append(result is not None)
        return result

    monkeypatch.setattr(checkin, "_first_scan", spy)
    return ways


async def _scan(
    engine: AsyncEngine,
    world: GateWorld,
    token: str,
    text: str,
    direction: Direction = Direction.ENTRY,
    client_scan_id: str = "",
) -> ScanResult:
    """A scan as the endpoint makes it, by the device with this token, on a session of its own."""
    data = ScanIn(text=text, direction=direction, client_scan_id=client_scan_id or nonce(), scanned_at=AT_10_WIB)
    async with create_sessionmaker(engine)() as own:
        token_hash = devices.token_hash(f"Device {token}")
        _gate, result = await checkin.scan_from_device(own, token_hash, data, world.keys, now=AT_10_WIB)
        return result


async def _presence(session: AsyncSession, pass_id: int) -> tuple[bool, int] | None:
    await session.rollback()
    row = (
        await session.execute(
            sa.select(PassPresence.inside, PassPresence.entries).where(col(PassPresence.pass_id) == pass_id)
        )
    ).first()
    return None if row is None else (row.inside, row.entries)


async def test_a_first_entry_then_an_exit_and_a_second_entry(
    session: AsyncSession, world: GateWorld, engine: AsyncEngine, monkeypatch: pytest.MonkeyPatch, engine_name: str
) -> None:
    ways = _taken(monkeypatch)
    _device, token = await paired_device(session, world.expo_id, world.organiser)
    pass_, text = await issue(session, world)
    await session.commit()
    first = await _scan(engine, world, token, text)
    assert (first.status, first.reason, first.holder_name) == ("ok", "ok", pass_.holder_name)
    assert await _presence(session, pass_.id) == (True, 1)
    assert (await _scan(engine, world, token, text)).reason == "already_inside"
    assert (await _scan(engine, world, token, text, Direction.EXIT)).reason == "ok"
    assert (await _scan(engine, world, token, text)).reason == "ok"
    assert await _presence(session, pass_.id) == (True, 2)
    assert ways == ([True, False, False, False] if engine_name == "postgres" else [])


async def test_the_same_first_scan_sent_twice_at_once_is_stored_once(
    session: AsyncSession, world: GateWorld, engine: AsyncEngine
) -> None:
    _device, token = await paired_device(session, world.expo_id, world.organiser)
    pass_, text = await issue(session, world)
    await session.commit()
    twice = await asyncio.gather(*(_scan(engine, world, token, text, client_scan_id="same-nonce") for _ in range(4)))
    assert {r.scan_id for r in twice} == {twice[0].scan_id}
    assert sorted(r.replay for r in twice) == [False, True, True, True]
    assert all(r.reason == "ok" for r in twice)
    await session.rollback()
    assert await session.scalar(sa.select(sa.func.count()).select_from(Scan)) == 1
    assert await _presence(session, pass_.id) == (True, 1)


async def test_six_gates_on_a_pass_never_scanned_admit_it_once(
    session: AsyncSession, world: GateWorld, engine: AsyncEngine, monkeypatch: pytest.MonkeyPatch
) -> None:
    ways = _taken(monkeypatch)
    tokens = [(await paired_device(session, world.expo_id, world.organiser))[1] for _ in range(6)]
    pass_, text = await issue(session, world)
    await session.commit()
    results = await asyncio.gather(*(_scan(engine, world, t, text) for t in tokens))
    assert sorted(r.reason for r in results) == ["already_inside"] * 5 + ["ok"]
    await session.rollback()
    ok_rows = sa.select(sa.func.count()).select_from(Scan).where(col(Scan.status) == "ok")
    assert await session.scalar(ok_rows) == 1
    assert await _presence(session, pass_.id) == (True, 1)
    assert ways.count(True) <= 1  # at most the winner took the one-statement way


async def test_through_the_scan_endpoint_the_phone_sees_the_same_answers(
    client: Client, session: AsyncSession, monkeypatch: pytest.MonkeyPatch, engine_name: str
) -> None:
    ways = _taken(monkeypatch)
    expo_id, organiser, device = await gate_over_http(client, session)
    token = await pass_over_http(client, expo_id, organiser, "Budi Fiktif")

    async def scan(client_scan_id: str, direction: str = "entry") -> dict[str, Any]:
        body = {"text": token, "direction": direction, "client_scan_id": client_scan_id, "scanned_at": now_iso()}
        answer = await client.post("/api/gate/scans", json=body, headers=device)
        assert answer.status_code == 200, answer.text
        return dict(answer.json())

    first = await scan("http-1")
    assert (first["status"], first["reason"], first["holder_name"], first["replay"]) == (
        "ok",
        "ok",
        "Budi Fiktif",
        False,
    )
    again = await scan("http-1")  # the phone did not hear the answer and sends the scan again
    assert (again["scan_id"], again["reason"], again["replay"]) == (first["scan_id"], "ok", True)
    assert (await scan("http-2"))["reason"] == "already_inside"
    assert (await scan("http-3", "exit"))["reason"] == "ok"
    assert ways == ([True, False, False, False] if engine_name == "postgres" else [])
