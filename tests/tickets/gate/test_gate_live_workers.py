"""The live dashboard with several workers: ``expo serve --workers 2`` on PostgreSQL, an event stream
open on one connection and scans arriving on others (spread over both workers by the kernel). The
numbers must arrive through the channel (LISTEN/NOTIFY), long before the stream's periodic re-read."""

import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Iterator

import anyio
import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from expo.settings import Settings
from tests.support.gate import gate_over_http, nonce, now_iso, pass_over_http
from tests.support.passes import Client

pytestmark = [pytest.mark.anyio, pytest.mark.real_commits]  # served workers have their own connections


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def server(settings: Settings, engine_name: str) -> Iterator[str]:
    if engine_name != "postgres":
        pytest.skip("SQLite's channel is in memory: other workers reach a dashboard only at its re-read")
    port = _free_port()
    env = os.environ | {
        "EXPO_DATABASE_URL": settings.database_url,
        "EXPO_SECRET_KEY": settings.secret_key,
        "EXPO_SIGNING_KEY_FILE": str(settings.signing_key_file),
        "EXPO_DASHBOARD_REREAD_SECONDS": "600",
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


async def _events(response: httpx.Response) -> AsyncIterator[dict[str, int]]:
    async for line in response.aiter_lines():
        if line.startswith("data:"):
            yield json.loads(line[5:])


async def test_scans_on_any_worker_reach_an_open_dashboard_at_once(
    client: Client, session: AsyncSession, server: str
) -> None:
    expo_id, organiser, device = await gate_over_http(client, session)
    tokens = [await pass_over_http(client, expo_id, organiser, f"Pengunjung {n}") for n in range(6)]
    async with (
        httpx.AsyncClient(base_url=server, headers=organiser, timeout=30) as dashboard,
        dashboard.stream("GET", f"/api/expos/{expo_id}/checkins/stream") as stream,
    ):
        assert stream.status_code == 200
        events = _events(stream)
        with anyio.fail_after(10):
            assert (await anext(events))["inside_now"] == 0
        for token in tokens:  # a new connection each: the kernel spreads them over the workers
            body = {"text": token, "direction": "entry", "client_scan_id": nonce(), "scanned_at": now_iso()}
            async with httpx.AsyncClient(base_url=server, headers=device, timeout=10) as scanner:
                answer = await scanner.post("/api/gate/scans", json=body)
            assert answer.json()["reason"] == "ok", answer.text
        with anyio.fail_after(5):  # the re-read is 10 minutes away: only the channel can bring these
            while (await anext(events))["inside_now"] != 6:
                pass
