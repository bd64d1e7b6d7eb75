"""The organisers' dashboard with several workers: ``expo serve --workers 2`` on PostgreSQL, the
dashboard's event stream open on one connection and sales entered on others (spread over both workers
by the kernel): every sale must reach the stream through the channel (LISTEN/NOTIFY), and the board
then read has every sale, whichever worker answers."""

import os
import signal
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Iterator

import anyio
import httpx
import pytest

from expo.auth import SESSION_COOKIE
from expo.settings import Settings
from tests.support.browser import free_port
from tests.support.live import enter_sale_at_desk, seed_live_expo

pytestmark = [pytest.mark.anyio, pytest.mark.real_commits]  # served workers have their own connections


@pytest.fixture
def server(settings: Settings, engine_name: str) -> Iterator[str]:
    if engine_name != "postgres":
        pytest.skip("SQLite's channel is in memory: other workers reach a dashboard only at its re-read")
    port = free_port()
    env = os.environ | {
        "EXPO_DATABASE_URL": settings.database_url,
        "EXPO_SECRET_KEY": settings.secret_key,
        "EXPO_SIGNING_KEY_FILE": str(settings.signing_key_file),
    }
    command = [sys.executable, "-m", "expo.cli", "serve", "--port", str(port), "--workers", "2", "--no-access-log"]
    process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{base}/health", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.2)
        yield base
    finally:
        process.send_signal(signal.SIGTERM)
        output = process.communicate(timeout=30)[0].decode(errors="replace")
        assert "Traceback" not in output, output


async def _events(response: httpx.Response) -> AsyncIterator[str]:
    async for line in response.aiter_lines():
        if line.startswith("event:"):
            yield line.removeprefix("event:").strip()


async def test_sales_on_any_worker_reach_an_open_dashboard(server: str, settings: Settings) -> None:
    expo = await seed_live_expo(settings, server)
    cookies = {SESSION_COOKIE: expo.treasurer}
    async with (
        httpx.AsyncClient(base_url=server, cookies=cookies, timeout=30) as dashboard,
        dashboard.stream("GET", f"/admin/e/{expo.slug}/dashboard/stream") as stream,
    ):
        assert stream.status_code == 200
        events = _events(stream)
        for cash in (100_000, 200_000, 300_000, 400_000):  # a new connection each: either worker
            async with httpx.AsyncClient(base_url=server, cookies=cookies, timeout=30) as desk:
                await enter_sale_at_desk(desk, expo.slug, expo.exhibitor_id, cash)
            # the page's own re-read is 30 s away and this stream has none: only the channel brings it
            with anyio.fail_after(10):
                assert await anext(events) == "changed"
            async with httpx.AsyncClient(base_url=server, cookies=cookies, timeout=30) as page:
                board = await page.get(f"/admin/e/{expo.slug}/dashboard/board")
            assert f"Rp{cash:,}".replace(",", ".") in board.text  # the latest entry, from the database
