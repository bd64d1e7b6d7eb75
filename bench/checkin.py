"""Gate check-in throughput through the real HTTP server, on SQLite and PostgreSQL.

For each engine: migrate a fresh database, seed one expo open all day with 10,000 valid visitor
passes and 32 paired scanner devices, start ``expo serve --workers 2`` (one process and SO_REUSEPORT
socket per worker; ``--shared-socket`` for uvicorn's own ``--workers``) on 127.0.0.1, then:
closed-loop entry scans at 1, 8 and 32 concurrent scanners (each a device of its own, one fresh pass
per scan, through a lean keep-alive client), an open-loop run offering a fixed rate, and one device
syncing 10,000 offline exit scans in batches of 500. Every loop is bounded by a scan count and a deadline. After
each run the database is counted: every answered scan must be stored exactly once. Each run also logs
the CPU milliseconds per scan of the server, PostgreSQL and the load generator (stderr).

Prints JSON lines::

    {"name": "checkin.scans_per_s", "value": 812.4, "unit": "scans/s", "engine": "sqlite", "concurrency": 32}

Run: ``.venv/bin/python bench/checkin.py [--engines sqlite,postgres]`` (PostgreSQL needs
``EXPO_TEST_POSTGRES_URL``; see docs/benchmarks.md). Exits non-zero when a scan is lost or duplicated.
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
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from datetime import time as clock_time
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
for extra in (ROOT, ROOT / "bench"):
    if str(extra) not in sys.path:
        sys.path.insert(0, str(extra))

import httpx  # noqa: E402
import sqlalchemy as sa  # noqa: E402
from booking_contention import _admin, log, percentile, start_server, wait_ready  # noqa: E402
from lean_http import LeanClient, LeanHTTPError, collector_paused  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402
from sqlmodel import col  # noqa: E402

from booths.venue import service as venue  # noqa: E402
from booths.venue.schemas import ExpoCreate  # noqa: E402
from expo.accounts import CurrentUser, create_user  # noqa: E402
from expo.database import create_engine, session_scope  # noqa: E402
from expo.migrate import upgrade  # noqa: E402
from expo.models import Role  # noqa: E402
from expo.security import Passwords  # noqa: E402
from expo.settings import Settings  # noqa: E402
from tickets.gate import devices  # noqa: E402
from tickets.gate.models import Scan  # noqa: E402
from tickets.gate.schemas import GateCreate  # noqa: E402
from tickets.passes.kinds import kind_by_code  # noqa: E402
from tickets.passes.models import ExpoPass  # noqa: E402
from tickets.passes.service import CODE_ALPHABET  # noqa: E402
from tickets.signing import tokens  # noqa: E402
from tickets.signing.keys import load_keys  # noqa: E402

LOCAL_DB_HOSTS = {"127.0.0.1", "localhost", "::1"}


@dataclass
class Seeded:
    tokens: list[str]
    device_tokens: list[str]


async def seed(database_url: str, key_file: Path, passes: int, scanners: int) -> Seeded:
    settings = Settings(database_url=database_url, signing_key_file=key_file, secret_key="bench-not-secret")  # noqa: S106
    keys = load_keys(key_file)
    engine = create_engine(settings)
    today = datetime.now(ZoneInfo("Asia/Jakarta")).date()
    try:
        async with session_scope(engine) as session:
            expo = await venue.create_expo(
                session,
                ExpoCreate(
                    slug="bench-gate",
                    name="Bench",
                    city="Jombang",
                    venue="Alun-alun",
                    starts_on=today - timedelta(days=1),
                    ends_on=today + timedelta(days=1),
                    opens_at=clock_time(0, 0),
                    closes_at=clock_time(23, 59, 59),
                ),
            )
            assert expo.id is not None
            user = await create_user(
                session, Passwords(time_cost=1, memory_kib=64), email="bench@uji.test", name="Bench",
                password="bench-rahasia", role=Role.ORGANISER,  # noqa: S106
            )  # fmt: skip
            assert user.id is not None
            actor = CurrentUser(id=user.id, email=user.email, name=user.name, role=Role.ORGANISER)
            kind = await kind_by_code(session, expo.id, "visitor")
            assert kind.id is not None
            days = [today.isoformat()]
            rows, signed = [], []
            for i in range(passes):
                serial, code = 10_000 + i, "".join(CODE_ALPHABET[(i // 24**k) % 24] for k in range(8))
                rows.append(
                    {"expo_id": expo.id, "kind_id": kind.id, "serial": serial, "code": code,
                     "holder_name": f"Pengunjung {i}", "days": days, "status": "active"}
                )  # fmt: skip
                claims = tokens.Claims(keys.signing_key_id, expo.id, serial, kind.number, (today,))
                signed.append(tokens.sign(claims, keys.signer))
            for start in range(0, len(rows), 1000):
                await session.execute(sa.insert(ExpoPass), rows[start : start + 1000])
            gate = await devices.create_gate(session, expo.id, GateCreate(name="Utama"))
            assert gate.id is not None
            device_tokens = []
            for n in range(scanners):
                _device, code = await devices.create_device(session, gate.id, f"HP {n}", actor)
                _device, token = await devices.pair_device(session, code)
                device_tokens.append(token)
            await session.commit()
            return Seeded(tokens=signed, device_tokens=device_tokens)
    finally:
        await engine.dispose()


@dataclass
class Run:
    label: str
    latencies_ms: list[float] = field(default_factory=list)
    errors: int = 0
    answered: int = 0
    elapsed_s: float = 0.0


async def _scan(client: LeanClient, token: str, nonce: str, run: Run, direction: str = "entry") -> None:
    body = {"text": token, "direction": direction, "client_scan_id": nonce, "scanned_at": datetime.now(UTC).isoformat()}
    started = time.perf_counter()
    try:
        status, answer = await client.post_json("/api/gate/scans", body)
        ok = status == 200 and answer.get("reason") == "ok"
        run.answered += status == 200
    except LeanHTTPError:
        ok = False
    run.latencies_ms.append((time.perf_counter() - started) * 1000)
    run.errors += not ok


def _client(base_url: str, device_token: str, timeout: float) -> LeanClient:
    """One scanner's keep-alive connection (a lean client: httpx would take CPU from the server)."""
    url = httpx.URL(base_url)
    return LeanClient(url.host, url.port or 80, {"Authorization": f"Device {device_token}"}, timeout)


async def closed_loop(
    base_url: str, seeded: Seeded, passes: Iterator[str], concurrency: int, scans: int, args: argparse.Namespace
) -> Run:
    run = Run(label=f"c{concurrency}")
    work = [next(passes) for _ in range(scans)]
    deadline = time.monotonic() + args.max_seconds
    clients = [_client(base_url, seeded.device_tokens[i], args.timeout) for i in range(concurrency)]

    async def scanner(index: int, client: LeanClient) -> None:
        for n in range(index, len(work), concurrency):
            if time.monotonic() > deadline:
                return
            await _scan(client, work[n], f"{run.label}-{n}", run)

    try:
        with collector_paused():  # its first collection before the clock starts
            started = time.monotonic()
            try:
                await asyncio.gather(*(scanner(i, c) for i, c in enumerate(clients)))
            finally:
                run.elapsed_s = time.monotonic() - started
    finally:
        await asyncio.gather(*(c.aclose() for c in clients))
    return run


async def open_loop(base_url: str, seeded: Seeded, passes: Iterator[str], rate: int, args: argparse.Namespace) -> Run:
    run = Run(label=f"r{rate}")
    total = int(rate * args.open_seconds)
    clients = [_client(base_url, token, args.timeout) for token in seeded.device_tokens]
    free: asyncio.Queue[LeanClient] = asyncio.Queue()
    for c in clients:
        free.put_nowait(c)
    tasks = []

    async def one(n: int, token: str) -> None:
        client = await free.get()
        try:
            await _scan(client, token, f"{run.label}-{n}", run)
        finally:
            free.put_nowait(client)

    try:
        with collector_paused():  # its first collection before the clock starts
            started = time.monotonic()
            try:
                for n in range(total):
                    await asyncio.sleep(max(0.0, started + n / rate - time.monotonic()))
                    tasks.append(asyncio.create_task(one(n, next(passes))))
                await asyncio.wait(tasks, timeout=args.timeout + 5)
            finally:
                run.elapsed_s = time.monotonic() - started
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        await asyncio.gather(*(c.aclose() for c in clients))
    return run


async def sync_all(base_url: str, seeded: Seeded, args: argparse.Namespace) -> Run:
    """One device syncs an exit scan of every pass, 500 per batch (what a long offline spell leaves)."""
    run = Run(label="sync")
    at = (datetime.now(UTC) - timedelta(minutes=1)).isoformat()
    scans = [
        {"text": t, "direction": "exit", "client_scan_id": f"sync-{n}", "scanned_at": at, "device_status": "ok"}
        for n, t in enumerate(seeded.tokens)
    ]
    started = time.monotonic()
    client = _client(base_url, seeded.device_tokens[0], 120.0)
    try:
        for i in range(0, len(scans), 500):
            if time.monotonic() - started > args.max_seconds * 4:
                break
            try:
                status, body = await client.post_json("/api/gate/sync", {"scans": scans[i : i + 500]})
            except LeanHTTPError:
                status, body = 0, None
            if status != 200:
                run.errors += 500
                continue
            run.answered += len(body["results"])
            run.errors += sum(r["reason"] != "ok" for r in body["results"])
    finally:
        await client.aclose()
    run.elapsed_s = time.monotonic() - started
    return run


async def stored(database_url: str, prefix: str) -> int:
    engine = create_engine(Settings(database_url=database_url, secret_key="bench-not-secret"))  # noqa: S106
    try:
        async with engine.connect() as conn:
            stmt = sa.select(sa.func.count()).select_from(Scan).where(col(Scan.client_scan_id).like(f"{prefix}-%"))
            return int((await conn.execute(stmt)).scalar_one())
    finally:
        await engine.dispose()


def cpu_seconds(server_pid: int) -> dict[str, float]:
    """CPU seconds so far of the server (its process group), PostgreSQL's processes and this load
    generator, from /proc: where the two cores went during a run."""
    tick = os.sysconf("SC_CLK_TCK")
    totals = {"server": 0.0, "postgres": 0.0, "load_generator": 0.0}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        name = stat[stat.index("(") + 1 : stat.rindex(")")]
        fields = stat[stat.rindex(")") + 2 :].split()
        used = (int(fields[11]) + int(fields[12])) / tick  # utime + stime
        if int(entry.name) == os.getpid():
            totals["load_generator"] += used
        elif int(fields[3]) == server_pid:  # the session uvicorn was started in
            totals["server"] += used
        elif name.startswith("postgres"):
            totals["postgres"] += used
    return totals


def log_cpu(label: str, before: dict[str, float], after: dict[str, float], run: Run) -> None:
    scans = max(len(run.latencies_ms), run.answered, 1)
    parts = ", ".join(f"{k} {(after[k] - before[k]) * 1000 / scans:.2f}" for k in before)
    print(f"[checkin] {label}: CPU ms per scan: {parts}", file=sys.stderr, flush=True)


def emit(name: str, value: float, unit: str, engine: str, **keys: Any) -> None:
    print(json.dumps({"name": name, "value": value, "unit": unit, "engine": engine} | keys), flush=True)


def report(run: Run, engine: str, database_url: str, **keys: Any) -> bool:
    in_db = asyncio.run(stored(database_url, run.label))
    lost_or_dup = abs(in_db - run.answered)
    if run.label != "sync":
        n = len(run.latencies_ms)
        emit("checkin.scans_per_s", round(n / run.elapsed_s, 1) if run.elapsed_s else 0.0, "scans/s", engine, **keys)
        emit("checkin.p50_ms", round(percentile(run.latencies_ms, 50), 2), "ms", engine, **keys)
        emit("checkin.p99_ms", round(percentile(run.latencies_ms, 99), 2), "ms", engine, **keys)
    else:
        emit("checkin.sync_10000_s", round(run.elapsed_s, 2), "s", engine, **keys)
    emit("checkin.errors", run.errors, "count", engine, **keys)
    emit("checkin.lost_or_duplicated", lost_or_dup, "count", engine, **keys)
    return lost_or_dup == 0


def bench_engine(engine: str, database_url: str, args: argparse.Namespace, workdir: Path) -> bool:
    log(f"{engine}: migrating")
    upgrade(database_url)
    key_file = workdir / f"keys-{engine}.json"
    os.environ["EXPO_SIGNING_KEY_FILE"] = str(key_file)  # the server's workers sign and verify with it
    seeded = asyncio.run(seed(database_url, key_file, args.passes, max(args.concurrency)))
    log(f"{engine}: seeded {len(seeded.tokens)} passes")
    server = start_server(database_url, args.workers, workdir, reuse_port=not args.shared_socket)
    ok = True
    try:
        asyncio.run(wait_ready(server, args.workers))
        passes = iter(seeded.tokens)
        pid = server.process.pid
        for concurrency in args.concurrency:
            before = cpu_seconds(pid)
            run = asyncio.run(closed_loop(server.base_url, seeded, passes, concurrency, args.scans, args))
            log_cpu(f"{engine} c{concurrency}", before, cpu_seconds(pid), run)
            ok &= report(run, engine, database_url, concurrency=concurrency)
        before = cpu_seconds(pid)
        run = asyncio.run(open_loop(server.base_url, seeded, passes, args.rate, args))
        log_cpu(f"{engine} {args.rate}/s", before, cpu_seconds(pid), run)
        ok &= report(run, engine, database_url, rate=args.rate)
        before = cpu_seconds(pid)
        run = asyncio.run(sync_all(server.base_url, seeded, args))
        log_cpu(f"{engine} sync", before, cpu_seconds(pid), run)
        ok &= report(run, engine, database_url, batch=500)
    finally:
        server.stop()
    for marker in ("Traceback", "database is locked"):
        if count := server.log_text().count(marker):
            log(f"{engine}: server log has {count}x {marker!r}")
    return ok


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--engines", default="sqlite,postgres")
    parser.add_argument("--passes", type=int, default=10_000)
    parser.add_argument("--scans", type=int, default=2000, help="scans per closed-loop run")
    parser.add_argument("--concurrency", type=lambda s: [int(x) for x in s.split(",")], default=[1, 8, 32])
    parser.add_argument("--rate", type=int, default=200, help="open-loop scans offered per second")
    parser.add_argument("--open-seconds", type=float, default=10.0)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument(
        "--shared-socket", action="store_true", help="uvicorn's --workers (one shared socket) instead of expo serve's"
    )
    parser.add_argument("--timeout", type=float, default=10.0, help="seconds per request")
    parser.add_argument("--max-seconds", type=float, default=60.0, help="bound of each closed-loop run")
    args = parser.parse_args()
    needed = args.scans * len(args.concurrency) + int(args.rate * args.open_seconds)
    if needed > args.passes:
        parser.error(f"the runs need {needed} fresh passes; raise --passes or lower --scans")
    return args


def main() -> int:
    args = parse_args()
    ok = True
    with tempfile.TemporaryDirectory(prefix="expo-bench-checkin-") as tmp:
        workdir = Path(tmp)
        for engine in args.engines.split(","):
            if engine == "sqlite":
                ok &= bench_engine("sqlite", f"sqlite+aiosqlite:///{workdir / 'checkin.db'}", args, workdir)
            elif engine == "postgres":
                server_url = os.environ.get("EXPO_TEST_POSTGRES_URL")
                if not server_url:
                    log("postgres: skipped (set EXPO_TEST_POSTGRES_URL)")
                    continue
                url = make_url(server_url)
                if url.host not in LOCAL_DB_HOSTS:
                    raise SystemExit("this bench only targets a database on 127.0.0.1")
                name = f"expo_bench_checkin_{os.getpid()}_{uuid.uuid4().hex[:6]}"
                asyncio.run(_admin(server_url, f'CREATE DATABASE "{name}"'))
                try:
                    db_url = url.set(database=name).render_as_string(hide_password=False)
                    ok &= bench_engine("postgres", db_url, args, workdir)
                finally:
                    asyncio.run(_admin(server_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
