"""The scan path never waits for a pooled connection while it holds SQLite's write turn.

Every request queued for the turn holds a connection; a turn holder waiting for one more (a sync
batch's next scan, whose connection went back to the pool at the previous commit) waits for
connections that are only given back after the turn: the worker stood still until the pool's
time-out (found by bench/gateday.py: a restart met 16 phones syncing their queues at once)."""

import asyncio

import pytest
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncSession

from expo import write_turns
from tests.support.gate import AT_10_WIB, GateWorld, facts, issue, nonce
from tickets.gate import checkin
from tickets.gate.schemas import OfflineScanIn

pytestmark = pytest.mark.anyio


async def test_a_sync_batch_takes_its_connection_before_the_write_turn(session: AsyncSession, world: GateWorld) -> None:
    engine = session.get_bind().engine
    if engine.dialect.name != "sqlite" or engine.url.database in (None, "", ":memory:"):
        pytest.skip("the write turn is SQLite's (a file database)")
    gate = await facts(session, world.device)
    scans = []
    for name in ("Siti Fiktif", "Budi Fiktif", "Ani Fiktif"):
        _, token = await issue(session, world, name=name)
        scans.append(OfflineScanIn(text=token, client_scan_id=nonce(), scanned_at=AT_10_WIB, device_status="ok"))
    await session.commit()
    turn = write_turns.writer_lock(asyncio.get_running_loop())
    taken_in_turn: list[bool] = []

    def checkout(*_args: object) -> None:
        taken_in_turn.append(turn.locked())

    event.listen(engine.pool, "checkout", checkout)
    try:
        results = await checkin.sync(session, gate, scans, world.keys, now=AT_10_WIB)
    finally:
        event.remove(engine.pool, "checkout", checkout)
    assert [r.reason for r in results] == ["ok"] * 3
    assert taken_in_turn  # each scan's transaction took a connection from the pool
    assert not any(taken_in_turn)
