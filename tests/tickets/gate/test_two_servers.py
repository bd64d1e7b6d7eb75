"""Two servers, one database: two ``expo serve`` processes on two ports, as two machines behind a load
balancer would run. A scan decided by server A must reach a live dashboard (server-sent events)
served by server B through the channel, long before B's periodic re-read (set to ten minutes here).

The channel is PostgreSQL LISTEN/NOTIFY (the default on PostgreSQL), or Redis pub/sub when a
``redis-server`` is installed (``EXPO_REDIS_URL``; then on either database engine)."""

import json
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import anyio
import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from expo.settings import Settings
from tests.support.gate import gate_over_http, nonce, now_iso, pass_over_http
from tests.support.passes import Client
from tests.support.redis_server import redis_server
from tests.support.serve_process import expo_serve, serve_env

pytestmark = [pytest.mark.anyio, pytest.mark.real_commits]  # the servers have their own connections


@pytest.fixture(params=["database", "redis"])
def channel_env(request: pytest.FixtureRequest, engine_name: str, tmp_path: Path) -> Iterator[dict[str, str]]:
    if request.param == "database":
        if engine_name != "postgres":
            pytest.skip("SQLite's own channel is in memory, one process: across servers use Redis")
        yield {}
        return
    with redis_server(tmp_path) as url:
        yield {"EXPO_REDIS_URL": url}


@pytest.fixture
def servers(settings: Settings, channel_env: dict[str, str], tmp_path: Path) -> Iterator[tuple[str, str]]:
    env = serve_env(settings, EXPO_DASHBOARD_REREAD_SECONDS="600", **channel_env)
    with expo_serve(env, tmp_path / "a.log") as a, expo_serve(env, tmp_path / "b.log") as b:
        yield a, b


async def _events(response: httpx.Response) -> AsyncIterator[dict[str, int]]:
    async for line in response.aiter_lines():
        if line.startswith("data:"):
            yield json.loads(line[5:])


async def test_a_scan_on_server_a_reaches_a_dashboard_on_server_b(
    client: Client, session: AsyncSession, servers: tuple[str, str]
) -> None:
    server_a, server_b = servers
    expo_id, organiser, device = await gate_over_http(client, session)
    tokens = [await pass_over_http(client, expo_id, organiser, f"Pengunjung {n}") for n in range(3)]
    async with (
        httpx.AsyncClient(base_url=server_b, headers=organiser, timeout=30) as dashboard,
        dashboard.stream("GET", f"/api/expos/{expo_id}/checkins/stream") as stream,
        httpx.AsyncClient(base_url=server_a, headers=device, timeout=10) as scanner,
    ):
        assert stream.status_code == 200
        events = _events(stream)
        with anyio.fail_after(10):
            assert (await anext(events))["inside_now"] == 0
        for n, token in enumerate(tokens, start=1):
            body = {"text": token, "direction": "entry", "client_scan_id": nonce(), "scanned_at": now_iso()}
            answer = await scanner.post("/api/gate/scans", json=body)
            assert answer.json()["reason"] == "ok", answer.text
            # Generous against a loaded machine, yet far below B's ten-minute re-read: only the
            # channel between the two processes can bring it.
            with anyio.fail_after(10):
                while (await anext(events))["inside_now"] != n:
                    pass
