"""The organisers' dashboard pushed live, on both engines (PostgreSQL: LISTEN/NOTIFY, SQLite: in
memory): a committed daily sale, payment or check-in reaches an open dashboard stream as "changed";
a rolled-back one tells nobody; the board the page fetches again has the new figures; and only the
committee's report roles of that expo may open the stream or the board."""

import asyncio
from collections.abc import AsyncIterator, Iterator
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import anyio
import httpx
import pytest
from litestar import Litestar
from litestar.response import ServerSentEventMessage
from litestar.testing import AsyncTestClient
from sqlalchemy.ext.asyncio import AsyncSession

from booths.sales import service as sales
from booths.sales.schemas import SaleEntry
from expo import live as figures
from expo import stopping
from expo.accounts import system_user
from expo.auth import SESSION_COOKIE
from expo.models import CommitteeRole
from expo.settings import Settings
from tests.support.factories import make_member_token, make_venue
from tests.support.live import enter_sale_at_desk, seed_live_expo
from tests.support.passes import log_in_as
from tests.support.sales import exhibitor_with_booth
from tickets.gate import live as gate_live
from tickets.reports import live

pytestmark = pytest.mark.anyio

Client = AsyncTestClient[Litestar]
JAKARTA = ZoneInfo("Asia/Jakarta")


def _today() -> Any:
    return datetime.now(JAKARTA).date()


@pytest.fixture
def heard() -> Iterator[list[int]]:
    """The expos this process's listeners are told about (what the app's publisher would publish)."""
    told: list[int] = []
    figures.add_listener(told.append)
    yield told
    figures.remove_listener(told.append)


async def test_a_hint_is_given_after_the_commit_only(session: AsyncSession, heard: list[int]) -> None:
    venue = await make_venue(session, starts_on=_today())
    await session.commit()
    expo_id = venue.expo_id
    figures.changed(session, expo_id)
    figures.changed(session, expo_id)
    async with session.begin_nested():  # a savepoint released commits nothing yet
        pass
    assert heard == []
    await session.commit()
    assert heard == [expo_id]  # twice in one transaction: one hint
    figures.changed(session, expo_id)
    await session.rollback()
    await session.commit()
    assert heard == [expo_id]  # the rolled-back change told nobody


async def _next(events: AsyncIterator[ServerSentEventMessage], seconds: float = 5) -> ServerSentEventMessage:
    """The next event that is not a keep-alive comment."""
    with anyio.fail_after(seconds):
        while (message := await anext(events)).comment is not None:
            pass
    return message


async def test_sales_payments_and_check_ins_reach_an_open_stream(
    client: Client, session: AsyncSession, settings: Settings
) -> None:
    venue = await make_venue(session, starts_on=_today())
    await session.commit()
    plugin = gate_live.channels_plugin(settings)
    async with plugin:
        notices = figures.FigureNotices(plugin, interval=0.05)
        notices.start()
        events = live.dashboard_events(plugin, venue.expo_id, keepalive_seconds=120)
        try:
            with anyio.fail_after(10):
                assert (await anext(events)).comment == "listening"
            # a payment: the booth assigned with its price paid at the desk (the keep-alive is two
            # minutes away and nothing re-reads here: only the hint can bring the event)
            ayu, _, _ = await exhibitor_with_booth(client, session, venue, 0, name="Keripik Ayu")
            assert ayu.id is not None
            changed = await _next(events)
            assert (changed.event, changed.data) == ("changed", str(venue.expo_id))
            # a daily sale, entered and committed
            entry = SaleEntry.model_validate({"day": _today(), "cash": 450_000})
            await sales.enter_sales(session, system_user(), ayu.id, entry)
            await session.commit()
            assert (await _next(events)).event == "changed"
            # a check-in, announced by the gate's own notices on its own channel
            gate_live.CheckinNotices(plugin, interval=0.05).changed(venue.expo_id)
            assert (await _next(events)).event == "changed"
        finally:
            await events.aclose()
            notices.stop()


async def test_another_expos_changes_do_not_reach_the_stream(session: AsyncSession, settings: Settings) -> None:
    venue = await make_venue(session, starts_on=_today())
    await session.commit()
    plugin = gate_live.channels_plugin(settings)
    async with plugin:
        events = live.dashboard_events(plugin, venue.expo_id, keepalive_seconds=0.3, stream_seconds=60)
        try:
            with anyio.fail_after(10):
                assert (await anext(events)).comment == "listening"
            plugin.publish({"expo_id": venue.expo_id + 1}, figures.channel_name(venue.expo_id + 1))
            # the next message is the quiet keep-alive, not a "changed" of the other expo
            with anyio.fail_after(10):
                assert (await anext(events)).comment == "quiet"
        finally:
            await events.aclose()


async def test_the_board_and_the_stream_are_the_report_roles(client: Client, session: AsyncSession) -> None:
    venue = await make_venue(session, starts_on=_today())
    other = await make_venue(session, slug="expo-lain", starts_on=_today())
    ayu, _, exhibitor_token = await exhibitor_with_booth(client, session, venue, 0, name="Keripik Ayu")
    assert ayu.id is not None
    await sales.enter_sales(session, system_user(), ayu.id, SaleEntry.model_validate({"day": _today(), "cash": 75_000}))
    await session.commit()
    slug = venue.expo.slug
    log_in_as(client, await make_member_token(session, venue.expo_id, CommitteeRole.TREASURER))
    board = await client.get(f"/admin/e/{slug}/dashboard/board")
    assert board.status_code == 200
    assert "Rp75.000" in board.text
    assert "<html" not in board.text  # the board alone, not a page
    assert board.headers["cache-control"] == "no-store"
    assert (await client.get("/admin/e/no-such-expo/dashboard/stream")).status_code == 404
    assert (await client.get("/admin/e/no-such-expo/dashboard/board")).status_code == 404
    page = await client.get(f"/admin/e/{slug}/dashboard")
    assert f'data-stream="/admin/e/{slug}/dashboard/stream"' in page.text
    # another role of this expo, the treasurer of another expo, an exhibitor: refused
    for token in (
        await make_member_token(session, venue.expo_id, CommitteeRole.GATE_STAFF),
        await make_member_token(session, other.expo_id, CommitteeRole.TREASURER),
        exhibitor_token,
    ):
        client.cookies.clear()
        log_in_as(client, token)
        for path in (f"/admin/e/{slug}/dashboard/board", f"/admin/e/{slug}/dashboard/stream"):
            assert (await client.get(path, follow_redirects=False)).status_code in {403, 404}, path
    client.cookies.clear()
    anonymous = await client.get(f"/admin/e/{slug}/dashboard/stream", follow_redirects=False)
    assert anonymous.status_code in {302, 303, 401}


async def _events(response: httpx.Response) -> AsyncIterator[str]:
    async for line in response.aiter_lines():
        if line.startswith("event:"):
            yield line.removeprefix("event:").strip()


async def test_over_http_a_sale_and_a_scan_reach_the_open_stream(served_app: str, served_settings: Settings) -> None:
    expo = await seed_live_expo(served_settings, served_app)
    slug, exhibitor_id, treasurer, device_token = expo.slug, expo.exhibitor_id, expo.treasurer, expo.device_token
    cookies = {SESSION_COOKIE: treasurer}
    async with (
        httpx.AsyncClient(base_url=served_app, cookies=cookies, timeout=30) as dashboard,
        dashboard.stream("GET", f"/admin/e/{slug}/dashboard/stream") as stream,
        httpx.AsyncClient(base_url=served_app, cookies=cookies, timeout=30) as desk,
    ):
        assert stream.status_code == 200
        assert stream.headers["content-type"].startswith("text/event-stream")
        events = _events(stream)
        # a daily sale entered at the desk, through its form
        await enter_sale_at_desk(desk, slug, exhibitor_id, 125_000)
        with anyio.fail_after(10):
            assert await anext(events) == "changed"
        board = await desk.get(f"/admin/e/{slug}/dashboard/board")
        assert "Rp125.000" in board.text
        # a pass scanned at the gate
        scan = {"text": expo.pass_token, "client_scan_id": "s-1", "scanned_at": datetime.now(JAKARTA).isoformat()}
        async with httpx.AsyncClient(base_url=served_app, timeout=10) as phone:
            answer = await phone.post("/api/gate/scans", json=scan, headers={"Authorization": f"Device {device_token}"})
        assert answer.status_code == 200, answer.text
        with anyio.fail_after(10):
            assert await anext(events) == "changed"


async def test_an_open_stream_ends_when_the_server_is_told_to_stop(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Else a worker with a dashboard open waited its whole graceful time (10 s) before stopping."""
    monkeypatch.setitem(stopping._state, "stopping", False)
    plugin = gate_live.channels_plugin(settings)
    async with plugin:
        events = live.dashboard_events(plugin, 1, keepalive_seconds=120, stream_seconds=600)
        try:
            with anyio.fail_after(10):
                assert (await anext(events)).comment == "listening"
            asyncio.get_running_loop().call_later(0.1, stopping.announce_stop)
            with anyio.fail_after(5), pytest.raises(StopAsyncIteration):  # the keep-alive is 2 minutes away
                await anext(events)
        finally:
            await events.aclose()
