"""The live dashboard's channel on both engines (PostgreSQL: LISTEN/NOTIFY, SQLite: in memory): a
committed check-in reaches an open event stream through a notice, long before the periodic re-read."""

import asyncio
import json

import anyio
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from expo import stopping
from expo.database import create_sessionmaker
from expo.settings import Settings
from tests.support.gate import AT_10_WIB, GateWorld, facts, gate_world, issue, nonce
from tickets.gate import checkin, live
from tickets.gate.schemas import ScanIn

pytestmark = pytest.mark.anyio


async def test_a_check_in_reaches_an_open_stream_through_its_notice(
    session: AsyncSession, settings: Settings, engine: AsyncEngine
) -> None:
    world: GateWorld = await gate_world(session, settings.signing_key_file)
    _, token = await issue(session, world, name="Siti Aminah")
    plugin = live.channels_plugin(settings)
    async with plugin:
        notices = live.CheckinNotices(plugin, interval=0.05)
        events = live.stats_events(
            create_sessionmaker(engine), plugin, world.expo_id, clock=lambda: AT_10_WIB, reread_seconds=120
        )
        try:
            with anyio.fail_after(10):
                first = json.loads(await anext(events))
            assert first["inside_now"] == 0
            gate = await facts(session, world.device)
            data = ScanIn(text=token, client_scan_id=nonce(), scanned_at=AT_10_WIB)
            assert (await checkin.check_in(session, gate, data, world.keys, now=AT_10_WIB)).reason == "ok"
            notices.changed(world.expo_id)
            with anyio.fail_after(5):  # the re-read is two minutes away: only the notice can wake it
                second = json.loads(await anext(events))
            assert (second["inside_now"], second["entries_today"]) == (1, 1)
        finally:
            await events.aclose()


async def test_notices_are_coalesced(settings: Settings) -> None:
    plugin = live.channels_plugin(settings)
    async with plugin, plugin.start_subscription([live.channel_name(7)]) as subscriber:
        notices = live.CheckinNotices(plugin, interval=0.2)
        for _ in range(50):
            notices.changed(7)
        heard = []
        with anyio.move_on_after(1.5):
            async for message in subscriber.iter_events():
                heard.append(json.loads(message))
        assert heard == [{"expo_id": 7}]  # fifty changes, one message


async def test_an_open_stream_ends_when_the_server_is_told_to_stop(
    session: AsyncSession, settings: Settings, engine: AsyncEngine, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(stopping._state, "stopping", False)
    world: GateWorld = await gate_world(session, settings.signing_key_file)
    plugin = live.channels_plugin(settings)
    async with plugin:
        events = live.stats_events(
            create_sessionmaker(engine), plugin, world.expo_id, clock=lambda: AT_10_WIB, reread_seconds=120
        )
        try:
            with anyio.fail_after(10):
                assert json.loads(await anext(events))["inside_now"] == 0
            asyncio.get_running_loop().call_later(0.1, stopping.announce_stop)
            with anyio.fail_after(5), pytest.raises(StopAsyncIteration):  # the re-read is 2 minutes away
                await anext(events)
        finally:
            await events.aclose()
