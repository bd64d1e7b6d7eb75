"""Messages: queue 10,000 e-mails and deliver them to a local SMTP server (aiosmtpd) with one worker.

For each engine (SQLite in a fresh temp file; PostgreSQL in a fresh database when
``EXPO_TEST_POSTGRES_URL`` is set) and each run (``clean``: one ``expo worker`` process does it all;
``killed``: the worker is killed with SIGKILL a third of the way and a new one finishes), this script
migrates, queues the messages through ``expo.messaging.queue_message`` (1,000 per transaction),
starts the worker and counts what arrives at the SMTP server by each message's ``X-Expo-Message``.

Prints one JSON object per line and figure::

    {"name": "notify.messages_per_s", "value": 412.3, "unit": "messages/s", "engine": "sqlite", "run": "clean"}

``notify.messages_per_s`` is the messages delivered per second from the worker's first to its last
delivery (start-up excluded; in the killed run, the restart included); ``notify.lost`` the queued
messages that never arrived, ``notify.duplicated`` the arrivals beyond the first per message (both
must be 0). Exits non-zero when either is not. Run: ``.venv/bin/python bench/notify.py``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # the project may not be installed into the venv
    sys.path.insert(0, str(ROOT))

import sqlalchemy as sa  # noqa: E402
from aiosmtpd.controller import Controller  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402
from sqlalchemy.ext.asyncio import create_async_engine  # noqa: E402

from expo.database import create_engine, create_sessionmaker  # noqa: E402
from expo.messaging import queue_message  # noqa: E402
from expo.migrate import upgrade  # noqa: E402
from expo.settings import Settings  # noqa: E402

LOCAL_DB_HOSTS = {"127.0.0.1", "localhost", "::1"}
KEY_RE = re.compile(rb"^X-Expo-Message: (\S+)\r?$", re.MULTILINE)
CONTEXT = {"name": "Sari", "title": "Passes ready", "body": "Your passes are ready.", "expo_name": "Expo Bench"}


def log(message: str) -> None:
    print(f"# {message}", file=sys.stderr, flush=True)


def emit(name: str, value: float, unit: str, **keys: Any) -> None:
    print(json.dumps({"name": name, "value": value, "unit": unit, **keys}), flush=True)


class Counting:
    """The SMTP server's handler: counts each message's key and when messages arrive."""

    def __init__(self) -> None:
        self.keys: Counter[str] = Counter()
        self.first = 0.0
        self.last = 0.0
        self.lock = threading.Lock()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        match = KEY_RE.search(envelope.original_content or b"")
        now = time.monotonic()
        with self.lock:
            self.keys[match.group(1).decode() if match else "?"] += 1
            self.first = self.first or now
            self.last = now
        return "250 OK"

    def total(self) -> int:
        with self.lock:
            return sum(self.keys.values())


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def queue(database_url: str, count: int) -> float:
    engine = create_engine(Settings(database_url=database_url, secret_key="bench"))  # noqa: S106  (no secret)
    sessions = create_sessionmaker(engine)
    started = time.perf_counter()
    try:
        for batch in range(0, count, 1000):
            async with sessions() as session:
                for i in range(batch, min(count, batch + 1000)):
                    await queue_message(
                        session,
                        kind="bench",
                        template="notice",
                        context=CONTEXT,
                        key=f"m{i}",
                        email=f"p{i}@example.com",
                    )
                await session.commit()
    finally:
        await engine.dispose()
    return time.perf_counter() - started


def start_worker(database_url: str, port: int, concurrency: int, log_file: Path) -> subprocess.Popen[bytes]:
    env = os.environ | {
        "EXPO_DATABASE_URL": database_url,
        "EXPO_SECRET_KEY": "bench",
        "EXPO_JOB_CONCURRENCY": str(concurrency),
        "EXPO_JOB_POLL_SECONDS": "0.2",
        "EXPO_JOB_LEASE_SECONDS": "5",
        "EXPO_JOB_BACKOFF_BASE_SECONDS": "0",
        "EXPO_SMTP_HOST": "127.0.0.1",
        "EXPO_SMTP_PORT": str(port),
        "EXPO_SMTP_SECURITY": "none",
        "PYTHONPATH": str(ROOT),
    }
    out = log_file.open("ab")
    return subprocess.Popen([sys.executable, "-m", "expo.cli", "worker"], cwd=ROOT, env=env, stdout=out, stderr=out)


async def sent_count(database_url: str) -> int:
    engine = create_async_engine(database_url)
    try:
        async with engine.connect() as conn:
            return int((await conn.execute(sa.text("SELECT count(*) FROM message WHERE status = 'sent'"))).scalar_one())
    finally:
        await engine.dispose()


def run(engine_name: str, database_url: str, kind: str, args: argparse.Namespace, workdir: Path) -> bool:
    upgrade(database_url)
    queued_s = asyncio.run(queue(database_url, args.messages))
    emit("notify.queue_per_s", round(args.messages / queued_s, 1), "messages/s", engine=engine_name, run=kind)
    counting = Counting()
    port = free_port()
    controller = Controller(counting, hostname="127.0.0.1", port=port)
    controller.start()
    log_file = workdir / f"worker-{engine_name}-{kind}.log"
    deadline = time.monotonic() + args.max_seconds
    try:
        worker = start_worker(database_url, port, args.concurrency, log_file)
        if kind == "killed":
            while counting.total() < args.messages // 3 and time.monotonic() < deadline and worker.poll() is None:
                time.sleep(0.01)
            worker.send_signal(signal.SIGKILL)
            worker.wait()
            log(f"{engine_name}: worker killed after {counting.total()} deliveries")
            worker = start_worker(database_url, port, args.concurrency, log_file)
        while time.monotonic() < deadline and worker.poll() is None:
            if counting.total() >= args.messages and asyncio.run(sent_count(database_url)) >= args.messages:
                break
            time.sleep(0.2)
        time.sleep(1.0)  # anything still in flight would arrive now
        worker.send_signal(signal.SIGTERM)
        worker.wait(timeout=60)
    finally:
        controller.stop()
    arrived = set(counting.keys)
    lost = sum(1 for i in range(args.messages) if f"m{i}:email" not in arrived)
    duplicated = sum(n - 1 for n in counting.keys.values() if n > 1)
    span = max(counting.last - counting.first, 1e-9)
    emit("notify.messages_per_s", round(len(arrived) / span, 1), "messages/s", engine=engine_name, run=kind)
    emit("notify.lost", lost, "count", engine=engine_name, run=kind)
    emit("notify.duplicated", duplicated, "count", engine=engine_name, run=kind)
    if lost or duplicated:
        log(f"{engine_name} {kind}: FAIL lost {lost}, duplicated {duplicated}; worker log {log_file}")
    return not lost and not duplicated


async def _admin(server_url: str, sql: str) -> None:
    engine = create_async_engine(make_url(server_url), isolation_level="AUTOCOMMIT")
    try:
        async with engine.connect() as conn:
            await conn.execute(sa.text(sql))
    finally:
        await engine.dispose()


def run_postgres(server_url: str, kind: str, args: argparse.Namespace, workdir: Path) -> bool:
    url = make_url(server_url)
    if url.host not in LOCAL_DB_HOSTS:
        raise SystemExit(f"refusing to create databases on {url.host}: this bench only targets 127.0.0.1")
    name = f"expo_bench_notify_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    asyncio.run(_admin(server_url, f'CREATE DATABASE "{name}"'))
    try:
        return run("postgres", url.set(database=name).render_as_string(hide_password=False), kind, args, workdir)
    finally:
        asyncio.run(_admin(server_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--engines", default="sqlite,postgres", help="comma-separated: sqlite, postgres")
    parser.add_argument("--runs", default="clean,killed", help="comma-separated: clean, killed")
    parser.add_argument("--messages", type=int, default=10_000)
    parser.add_argument("--concurrency", type=int, default=8, help="jobs the worker runs at once")
    parser.add_argument("--max-seconds", type=float, default=600.0, help="give up a run after this")
    args = parser.parse_args()
    engines = [e.strip() for e in args.engines.split(",") if e.strip()]
    runs = [r.strip() for r in args.runs.split(",") if r.strip()]
    postgres_url = os.environ.get("EXPO_TEST_POSTGRES_URL")
    ok = True
    with tempfile.TemporaryDirectory(prefix="expo-notify-") as tmp:
        workdir = Path(tmp)
        for kind in runs:
            if "sqlite" in engines:
                ok &= run("sqlite", f"sqlite+aiosqlite:///{workdir / f'notify-{kind}.db'}", kind, args, workdir)
            if "postgres" in engines:
                if postgres_url:
                    ok &= run_postgres(postgres_url, kind, args, workdir)
                else:
                    log("postgres: skipped (set EXPO_TEST_POSTGRES_URL)")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
