"""``expo serve`` as a real process on a free port, for tests that need several processes (workers
sharing their metrics, two servers sharing one database and its channel)."""

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx

from expo.settings import Settings


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def serve_env(settings: Settings, **extra: str) -> dict[str, str]:
    """The environment a served process needs to act on the test's database with the test's keys."""
    return (
        os.environ
        | {
            "EXPO_DATABASE_URL": settings.database_url,
            "EXPO_SECRET_KEY": settings.secret_key,
            "EXPO_SIGNING_KEY_FILE": str(settings.signing_key_file),
            "EXPO_PASS_JOBS_DIR": str(settings.pass_jobs_dir),
            "EXPO_EMBEDDED_WORKER": "false",
        }
        | extra
    )


@contextlib.contextmanager
def expo_serve(env: dict[str, str], log: Path, *, workers: int = 1) -> Iterator[str]:
    """Start ``expo serve``, wait until ``/health`` answers 200, yield its base URL; stop it with
    SIGTERM at the end and fail if its log shows a traceback."""
    port = free_port()
    command = [sys.executable, "-m", "expo.cli", "serve", "--port", str(port), "--workers", str(workers)]
    with log.open("wb") as out:
        process = subprocess.Popen([*command, "--no-access-log"], env=env, stdout=out, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120  # start-up of a few seconds, on a machine that may be saturated
        while True:
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"expo serve did not come up:\n{log.read_text(errors='replace')[-3000:]}")
            try:
                if httpx.get(f"{base}/health", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            time.sleep(0.2)
        yield base
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)
        output = log.read_text(errors="replace")
        assert "Traceback" not in output, output[-3000:]
