"""Two servers on one PostgreSQL database: how long a scan on server A takes to show on a live
dashboard served by server B.

Migrates a fresh PostgreSQL database, seeds the check-in bench's expo (bench/checkin.py: passes and
paired scanner devices), starts two ``expo serve`` processes on two ports (``--workers`` each), opens
the dashboard's event stream (``/api/expos/{id}/checkins/stream``) on B, and offers entry scans to A
at a fixed rate from several scanners. For the i-th scan answered "ok" the lag is the time from its
answer to the first event on B whose ``inside_now`` reaches i (B's periodic re-read is set to ten
minutes, so only the channel can bring it). Bounded by a scan count and a deadline.

Prints JSON lines::

    {"name": "multi.dashboard_lag_p99_ms", "value": 812.0, "unit": "ms", "engine": "postgres", ...}

Run: ``EXPO_TEST_POSTGRES_URL=postgresql+asyncpg://postgres@127.0.0.1:5432/test .venv/bin/python
bench/multi.py [--rate 50 --seconds 20 --channel postgres|redis]``. ``--channel redis`` needs
``EXPO_REDIS_URL`` (a running Redis). Exits non-zero when a scan went unseen on B.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
for extra in (ROOT, ROOT / "bench"):
    if str(extra) not in sys.path:
        sys.path.insert(0, str(extra))

import httpx  # noqa: E402
import sqlalchemy as sa  # noqa: E402
from booking_contention import _admin, percentile, start_server, wait_ready  # noqa: E402
from checkin import LOCAL_DB_HOSTS, Seeded, seed  # noqa: E402
from lean_http import LeanClient, LeanHTTPError  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402
from sqlmodel import col  # noqa: E402

from booths.venue.models import Expo  # noqa: E402
from expo.accounts import start_session  # noqa: E402
from expo.database import create_engine, session_scope  # noqa: E402
from expo.migrate import upgrade  # noqa: E402
from expo.models import CommitteeMember, CommitteeRole, User  # noqa: E402
from expo.settings import Settings  # noqa: E402


def log(message: str) -> None:
    print(f"[multi] {message}", file=sys.stderr, flush=True)


@dataclass
class Timeline:
    answered_at: list[float] = field(default_factory=list)  # monotonic time of each "ok" answer
    seen: list[tuple[float, int]] = field(default_factory=list)  # (monotonic time, inside_now) on B
    errors: int = 0
    offered: int = 0


async def dashboard_token(database_url: str) -> tuple[int, str]:
    """The bench's organiser serving the bench expo, and a log-in for it. (Written directly, as the
    migration that introduced roles did: the bench has no committee to invite it.)"""
    engine = create_engine(Settings(database_url=database_url, secret_key="bench-not-secret"))  # noqa: S106
    try:
        async with session_scope(engine) as session:
            expo_id = await session.scalar(sa.select(col(Expo.id)).where(col(Expo.slug) == "bench-gate"))
            user = await session.scalar(sa.select(User).where(col(User.email) == "bench@uji.test"))
            assert expo_id is not None
            assert user is not None
            assert user.id is not None
            session.add(CommitteeMember(expo_id=expo_id, user_id=user.id, role=CommitteeRole.ORGANISER))
            token = await start_session(session, user, 1)
            await session.commit()
            return expo_id, token
    finally:
        await engine.dispose()


async def watch(base_url: str, expo_id: int, token: str, timeline: Timeline, ready: asyncio.Event) -> None:
    headers = {"Authorization": f"Bearer {token}"}
    async with (
        httpx.AsyncClient(base_url=base_url, headers=headers, timeout=120, trust_env=False) as client,
        client.stream("GET", f"/api/expos/{expo_id}/checkins/stream") as stream,
    ):
        async for line in stream.aiter_lines():
            if line.startswith("data:"):
                timeline.seen.append((time.monotonic(), int(json.loads(line[5:])["inside_now"])))
                ready.set()


async def offer_scans(base_url: str, seeded: Seeded, timeline: Timeline, args: argparse.Namespace) -> None:
    url = httpx.URL(base_url)
    clients = [
        LeanClient(url.host, url.port or 80, {"Authorization": f"Device {t}"}, 10.0)
        for t in seeded.device_tokens[: args.scanners]
    ]
    free: asyncio.Queue[LeanClient] = asyncio.Queue()
    for c in clients:
        free.put_nowait(c)
    total = int(args.rate * args.seconds)
    timeline.offered = total

    async def one(n: int) -> None:
        client = await free.get()
        body = {
            "text": seeded.tokens[n],
            "direction": "entry",
            "client_scan_id": f"multi-{n}",
            "scanned_at": datetime.now(UTC).isoformat(),
        }
        try:
            status, answer = await client.post_json("/api/gate/scans", body)
            if status == 200 and answer.get("reason") == "ok":
                timeline.answered_at.append(time.monotonic())
            else:
                timeline.errors += 1
        except LeanHTTPError:
            timeline.errors += 1
        finally:
            free.put_nowait(client)

    started = time.monotonic()
    tasks = []
    try:
        for n in range(total):
            await asyncio.sleep(max(0.0, started + n / args.rate - time.monotonic()))
            tasks.append(asyncio.create_task(one(n)))
        await asyncio.wait(tasks, timeout=30)
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        await asyncio.gather(*(c.aclose() for c in clients))


def lags_ms(timeline: Timeline) -> tuple[list[float], int]:
    """Per answered scan, the wait until B showed it; and how many B never showed."""
    lags, unseen = [], 0
    for i, answered in enumerate(sorted(timeline.answered_at), start=1):
        shown = next((t for t, inside in timeline.seen if inside >= i and t >= answered), None)
        if shown is None:
            # B may have shown it before A's answer reached us (the commit comes first): no lag
            if any(inside >= i for _t, inside in timeline.seen):
                lags.append(0.0)
            else:
                unseen += 1
            continue
        lags.append((shown - answered) * 1000)
    return lags, unseen


async def run(a: str, b: str, seeded: Seeded, expo_id: int, token: str, args: argparse.Namespace) -> Timeline:
    timeline = Timeline()
    ready = asyncio.Event()
    watcher = asyncio.create_task(watch(b, expo_id, token, timeline, ready))
    try:
        await asyncio.wait_for(ready.wait(), 30)
        await offer_scans(a, seeded, timeline, args)
        deadline = time.monotonic() + args.settle
        while time.monotonic() < deadline:  # the last notices are on their way
            if timeline.seen and timeline.seen[-1][1] >= len(timeline.answered_at):
                break
            await asyncio.sleep(0.1)
    finally:
        watcher.cancel()
        await asyncio.gather(watcher, return_exceptions=True)
    return timeline


def emit(name: str, value: float, unit: str, **keys: object) -> None:
    print(json.dumps({"name": name, "value": value, "unit": unit, "engine": "postgres"} | keys), flush=True)


def bench(database_url: str, args: argparse.Namespace, workdir: Path) -> bool:
    log("migrating")
    upgrade(database_url)
    key_file = workdir / "keys.json"
    os.environ["EXPO_SIGNING_KEY_FILE"] = str(key_file)  # both servers verify passes with the same key
    os.environ["EXPO_DASHBOARD_REREAD_SECONDS"] = "600"
    os.environ["EXPO_EMBEDDED_WORKER"] = "false"
    if args.channel == "redis" and not os.environ.get("EXPO_REDIS_URL"):
        raise SystemExit("--channel redis needs EXPO_REDIS_URL")
    if args.channel == "postgres":
        os.environ.pop("EXPO_REDIS_URL", None)
    passes = int(args.rate * args.seconds)
    seeded = asyncio.run(seed(database_url, key_file, passes, args.scanners))
    expo_id, token = asyncio.run(dashboard_token(database_url))
    server_a = start_server(database_url, args.workers, workdir, reuse_port=args.workers > 1)
    server_b = start_server(database_url, args.workers, workdir, reuse_port=args.workers > 1)
    try:
        asyncio.run(wait_ready(server_a, args.workers))
        asyncio.run(wait_ready(server_b, args.workers))
        log(f"A on {server_a.base_url}, B on {server_b.base_url}; {passes} scans at {args.rate}/s")
        timeline = asyncio.run(run(server_a.base_url, server_b.base_url, seeded, expo_id, token, args))
    finally:
        server_a.stop()
        server_b.stop()
    lags, unseen = lags_ms(timeline)
    keys = {"channel": args.channel, "rate": args.rate, "workers": args.workers}
    emit("multi.dashboard_lag_p50_ms", round(percentile(lags, 50), 1), "ms", **keys)
    emit("multi.dashboard_lag_p99_ms", round(percentile(lags, 99), 1), "ms", **keys)
    emit("multi.dashboard_lag_max_ms", round(max(lags, default=float("nan")), 1), "ms", **keys)
    emit("multi.scans_offered", timeline.offered, "count", **keys)
    emit("multi.scans_answered", len(timeline.answered_at), "count", **keys)
    emit("multi.scan_errors", timeline.errors, "count", **keys)
    emit("multi.unseen_on_b", unseen, "count", **keys)
    return unseen == 0 and timeline.errors == 0


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--rate", type=int, default=50, help="scans offered to server A per second")
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--scanners", type=int, default=8)
    parser.add_argument("--workers", type=int, default=1, help="worker processes of each server")
    parser.add_argument("--settle", type=float, default=10.0, help="wait this long at most for B to catch up")
    parser.add_argument("--channel", choices=["postgres", "redis"], default="postgres")
    return parser.parse_args()


def main() -> int:
    args = parse_args()
    server_url = os.environ.get("EXPO_TEST_POSTGRES_URL")
    if not server_url:
        log("skipped (set EXPO_TEST_POSTGRES_URL)")
        return 0
    url = make_url(server_url)
    if url.host not in LOCAL_DB_HOSTS:
        raise SystemExit("this bench only targets a database on 127.0.0.1")
    name = f"expo_bench_multi_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    asyncio.run(_admin(server_url, f'CREATE DATABASE "{name}"'))
    try:
        with tempfile.TemporaryDirectory(prefix="expo-bench-multi-") as tmp:
            return 0 if bench(url.set(database=name).render_as_string(hide_password=False), args, Path(tmp)) else 1
    finally:
        asyncio.run(_admin(server_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


if __name__ == "__main__":
    raise SystemExit(main())
