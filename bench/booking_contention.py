"""Booking contention: many exhibitors race for few booths through the real HTTP server.

For each engine (SQLite in a fresh temp file; PostgreSQL in a fresh database when
``EXPO_TEST_POSTGRES_URL`` is set) this script migrates, seeds one expo with 50 booths
(booth limit 1) and 200 exhibitors with accounts and bearer tokens, starts
``expo serve --workers 2`` on 127.0.0.1 and lets 200 concurrent
clients race: each tries the booths in its own shuffled order (seeded) until it holds one
or every booth has refused it. Then the same clients ask ``GET /api/auth/me`` (the token's one
read) as many times in the same closed loop: the floor under any authenticated answer with this many
clients on this machine (``--no-floor`` skips it). Afterwards the database is checked directly.

Prints one JSON object per line and figure::

    {"name": "booking.double_bookings", "value": 0, "unit": "count", "engine": "sqlite"}

Exits non-zero when a booth has more than one active booking, when the number of 201
answers is not the number of booths, or when it disagrees with the database.
Run: ``.venv/bin/python bench/booking_contention.py`` (see docs/benchmarks.md).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import math
import os
import random
import resource
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # the project may not be installed into the venv
    sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402
import sqlalchemy as sa  # noqa: E402
from lean_http import LeanClient, LeanHTTPError, collector_paused  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402
from sqlalchemy.ext.asyncio import create_async_engine  # noqa: E402
from sqlmodel import col  # noqa: E402

from booths.bookings.models import ACTIVE_BOOKING_STATUSES, Booking  # noqa: E402
from booths.exhibitors import service as exhibitors  # noqa: E402
from booths.exhibitors.schemas import ExhibitorSignup  # noqa: E402
from booths.venue import service as venue  # noqa: E402
from booths.venue.schemas import BlockRequest, ExpoCreate, HallCreate, PackageCreate  # noqa: E402
from expo.account_links import LinkSettings  # noqa: E402
from expo.accounts import start_session  # noqa: E402
from expo.database import create_engine, session_scope  # noqa: E402
from expo.formatting import utcnow  # noqa: E402
from expo.jobs.models import Job, JobState  # noqa: E402
from expo.migrate import upgrade  # noqa: E402
from expo.security import Passwords  # noqa: E402
from expo.serving import APP as SERVED_APP  # noqa: E402
from expo.settings import Settings  # noqa: E402

HOST = "127.0.0.1"  # the only address this bench ever targets
LOCAL_DB_HOSTS = {"127.0.0.1", "localhost", "::1", None, ""}
PASSWORDS = Passwords(time_cost=1, memory_kib=64)


def log(message: str) -> None:
    print(f"[booking_contention] {message}", file=sys.stderr, flush=True)


# --- seeding ----------------------------------------------------------------------------------
@dataclass
class Seeded:
    expo_id: int
    booth_ids: list[int]
    tokens: list[str]


async def seed(database_url: str, booths: int, clients: int) -> Seeded:
    """One expo, ``booths`` paid booths (so holds stay 'held'), ``clients`` exhibitors with tokens."""
    settings = Settings(database_url=database_url, argon2_time_cost=1, argon2_memory_kib=64)
    engine = create_engine(settings)
    try:
        async with session_scope(engine) as session:
            expo = await venue.create_expo(
                session,
                ExpoCreate(
                    slug="bench-contention",
                    name="Bench Expo",
                    city="Jombang",
                    venue="Gedung Bench",
                    # Dates ahead of today: with fixed dates the bench measured 409 expo_over once they passed.
                    starts_on=datetime.now(UTC).date() + timedelta(days=30),
                    ends_on=datetime.now(UTC).date() + timedelta(days=35),
                    hold_minutes=60,
                    booth_limit=1,
                ),
            )
            assert expo.id is not None
            columns = 10
            rows = math.ceil(booths / columns)
            hall = await venue.create_hall(
                session,
                expo.id,
                HallCreate(code="A", name="Hall A", width_m=3 + columns * 3 + 3, depth_m=3 + rows * 6 + 3),
            )
            package = await venue.create_package(
                session, expo.id, PackageCreate(code="standar", name="Standar 3x3", price=1_500_000)
            )
            assert hall.id is not None
            assert package.id is not None
            created = await venue.generate_block(
                session,
                hall.id,
                BlockRequest(
                    package_id=package.id,
                    origin_x_m=3,
                    origin_y_m=3,
                    rows=rows,
                    columns=columns,
                    booth_width_m=3,
                    booth_depth_m=3,
                    aisle_m=3,
                    prefix="A",
                ),
            )
            booth_ids = [b.id for b in created if b.id is not None][:booths]
            # generate_block lays out whole rows; drop any surplus so exactly ``booths`` exist
            surplus = [b for b in created if b.id not in booth_ids]
            for booth in surplus:
                await session.delete(booth)
            tokens = []
            for n in range(1, clients + 1):
                _exhibitor, user = await exhibitors.sign_up(
                    session,
                    PASSWORDS,
                    expo.id,
                    ExhibitorSignup(
                        name=f"UMKM Bench {n}",
                        exhibitor_class="umkm",
                        nib=f"{9130000000000 + n}",
                        regency="Jombang",
                        contact_name=f"Kontak {n}",
                        whatsapp=f"0812{n:08d}",
                        email=f"bench{n}@contoh.id",
                        password=uuid.uuid4().hex,  # never used: the bench logs in by token
                    ),
                    LinkSettings("http://127.0.0.1:8000"),
                )
                tokens.append(await start_session(session, user, 1))
            await session.commit()
            return Seeded(expo_id=expo.id, booth_ids=booth_ids, tokens=tokens)
    finally:
        await engine.dispose()


# --- the server -------------------------------------------------------------------------------
def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


@dataclass
class Server:
    process: subprocess.Popen[bytes]
    port: int
    log_path: Path

    @property
    def base_url(self) -> str:
        return f"http://{HOST}:{self.port}"

    def log_text(self) -> str:
        try:
            return self.log_path.read_text(errors="replace")
        except OSError:
            return ""

    def stop(self) -> None:
        """SIGTERM to uvicorn's supervisor (it stops its workers), then SIGKILL to our own group."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                log(f"server {self.process.pid} did not stop on SIGTERM; killing its process group")
        # The process group was created for this server alone (start_new_session); reap stragglers.
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.process.pid, signal.SIGKILL)
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.process.wait(timeout=5)


def start_server(
    database_url: str,
    workers: int,
    workdir: Path,
    *,
    reuse_port: bool = False,
    port: int | None = None,
    env_extra: dict[str, str] | None = None,
) -> Server:
    """uvicorn on a free port (or ``port``: a restart on the same address); ``reuse_port``: as
    ``expo serve`` runs several workers (one process and SO_REUSEPORT socket each, so keep-alive
    clients spread evenly), else uvicorn's shared socket. ``env_extra`` overrides settings."""
    port = port or free_port()
    log_path = workdir / f"uvicorn-{port}.log"
    env = os.environ.copy()
    env |= {
        "EXPO_DATABASE_URL": database_url,
        "EXPO_SECRET_KEY": uuid.uuid4().hex,
        "PYTHONPATH": os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH", "")) if p),
        "PYTHONUNBUFFERED": "1",
    } | (env_extra or {})
    quiet = ["--no-access-log", "--log-level", "info"]
    command = [sys.executable, "-m", "uvicorn", SERVED_APP, "--factory", "--host", HOST, "--port", str(port)]
    command += ["--workers", str(workers), *quiet]
    if reuse_port:
        command = [sys.executable, "-m", "expo.cli", "serve", "--host", HOST, "--port", str(port)]
        command += ["--workers", str(workers), "--no-access-log"]
    with log_path.open("wb") as out:
        process = subprocess.Popen(  # fixed argv, no shell
            command, cwd=workdir, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
    return Server(process=process, port=port, log_path=log_path)


async def wait_jobs_done(database_url: str, timeout_s: float = 120.0) -> int:
    """Until the job runner has nothing due: the seed's 200 sign-ups queue their welcome messages, which
    in real life went out on the days the exhibitors registered, not in the minute booking opens (here
    the server's embedded worker would send them during the race, on the same cores and, on SQLite, in
    the same write queue). Returns how many jobs were due when it started."""
    engine = create_async_engine(database_url)
    busy = col(Job.status).in_((JobState.QUEUED, JobState.RUNNING))
    deadline, first = time.monotonic() + timeout_s, None
    try:
        while True:
            async with engine.connect() as conn:
                due = int(
                    (
                        await conn.execute(
                            sa.select(sa.func.count()).select_from(Job).where(busy, col(Job.run_after) <= utcnow())
                        )
                    ).scalar_one()
                )
            first = due if first is None else first
            if due == 0:
                return first
            if time.monotonic() > deadline:
                raise RuntimeError(f"{due} job(s) still due after {timeout_s}s")
            await asyncio.sleep(0.2)
    finally:
        await engine.dispose()


async def wait_ready(server: Server, workers: int, timeout_s: float = 60.0) -> None:
    """Until /health answers 200 and every worker has logged its start-up."""
    deadline = time.monotonic() + timeout_s
    async with httpx.AsyncClient(base_url=server.base_url, timeout=2.0, trust_env=False) as client:
        while True:
            if server.process.poll() is not None:
                raise RuntimeError(f"server exited with {server.process.returncode}:\n{server.log_text()[-4000:]}")
            if time.monotonic() > deadline:
                raise RuntimeError(f"server not ready after {timeout_s}s:\n{server.log_text()[-4000:]}")
            healthy = False
            with contextlib.suppress(httpx.HTTPError):
                healthy = (await client.get("/health")).status_code == 200
            if healthy and server.log_text().count("Application startup complete") >= workers:
                return
            await asyncio.sleep(0.2)


# --- the race ---------------------------------------------------------------------------------
@dataclass
class Race:
    max_requests: int
    deadline: float
    latencies_ms: list[float] = field(default_factory=list)
    by_outcome_ms: dict[str, list[float]] = field(default_factory=dict)
    started_at: list[float] = field(default_factory=list)
    outcomes: Counter[str] = field(default_factory=Counter)
    holders: int = 0
    requests: int = 0
    cut_short: bool = False
    client_cpu_s: float = 0.0

    def budget_left(self) -> bool:
        if self.requests >= self.max_requests or time.monotonic() >= self.deadline:
            self.cut_short = True
            return False
        return True


def _cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


async def _hold(client: LeanClient, booth_id: int, race: Race) -> str:
    """One hold request; returns '201', '409:<code>', '<status>' or the exception's name."""
    race.requests += 1
    started = time.perf_counter()
    try:
        status, body = await client.request("POST", f"/api/booths/{booth_id}/hold")
    except LeanHTTPError as exc:
        outcome = f"exception:{type(exc.__cause__ or exc).__name__}"
    else:
        outcome = str(status)
        if status == 409:
            with contextlib.suppress(ValueError):
                outcome += ":" + str(json.loads(body).get("code"))
    took_ms = (time.perf_counter() - started) * 1000
    race.latencies_ms.append(took_ms)
    race.by_outcome_ms.setdefault(outcome, []).append(took_ms)
    race.started_at.append(started)
    race.outcomes[outcome] += 1
    return outcome


async def exhibitor(
    client: LeanClient, order: list[int], race: Race, gate: asyncio.Event, *, start_s: float, think_s: float
) -> None:
    """One exhibitor: on the booking page already (its connection open, the server warm), it tries
    ``start_s`` after booking opens, and after each refusal thinks ``think_s`` (0.5-1.5x, the time
    to read the answer and tap another booth) before the next booth in its order."""
    await gate.wait()
    rng = random.Random(order[0] * 7919 + len(order))
    await asyncio.sleep(start_s)
    for n, booth_id in enumerate(order):
        if not race.budget_left():
            return
        if n and think_s:
            await asyncio.sleep(think_s * rng.uniform(0.5, 1.5))
        outcome = await _hold(client, booth_id, race)
        if outcome == "201":
            race.holders += 1
            return
        if outcome == "409:booth_limit_reached":  # a hold that answered badly went through after all
            return
        # booth_taken or booth_being_booked: try the next booth; anything else is an error and the next
        # booth is tried too


def exhibitor_clients(port: int, seeded: Seeded, timeout_s: float) -> list[LeanClient]:
    """One keep-alive connection per exhibitor, through the lean client: httpx's own CPU (about a
    millisecond a request) would be taken from the server under test on these shared cores."""
    return [
        LeanClient(HOST, port, headers={"Authorization": f"Bearer {token}"}, timeout=timeout_s)
        for token in seeded.tokens
    ]


async def run_race(port: int, seeded: Seeded, args: argparse.Namespace) -> tuple[Race, float]:
    timeout_s, max_seconds = args.timeout, args.max_seconds
    rng = random.Random(args.seed)
    orders = [rng.sample(seeded.booth_ids, len(seeded.booth_ids)) for _ in seeded.tokens]
    race = Race(max_requests=args.max_requests, deadline=math.inf)
    gate = asyncio.Event()
    clients = exhibitor_clients(port, seeded, timeout_s)
    try:
        tasks = [
            asyncio.create_task(
                exhibitor(
                    client,
                    order,
                    race,
                    gate,
                    start_s=rng.uniform(0, args.ramp_seconds),
                    think_s=args.think_ms / 1000,
                )
            )
            for client, order in zip(clients, orders, strict=True)
        ]
        # every exhibitor on its page before booking opens: connection open, server warm; not timed
        await asyncio.gather(*(c.request("GET", "/api/auth/me") for c in clients))
        with collector_paused():
            race.client_cpu_s = -_cpu_seconds()
            started = time.monotonic()
            race.deadline = started + max_seconds
            gate.set()
            # the per-request timeout bounds each task; this is a last guard against a hung client
            _done, pending = await asyncio.wait(tasks, timeout=max_seconds + timeout_s + 5)
            for task in pending:
                task.cancel()
            if pending:
                race.cut_short = True
                await asyncio.gather(*pending, return_exceptions=True)
            elapsed = time.monotonic() - started
            race.client_cpu_s += _cpu_seconds()
    finally:
        await asyncio.gather(*(c.aclose() for c in clients), return_exceptions=True)
    return race, elapsed


async def run_floor(port: int, seeded: Seeded, args: argparse.Namespace, total: int) -> tuple[list[float], float]:
    """The same clients in the same closed loop, asking the cheapest authenticated thing there is
    (``GET /api/auth/me``: the token's one read) ``total`` times in all: the floor under any answer's
    time with this many clients on this machine, against which the holds' figures are read."""
    latencies: list[float] = []
    clients = exhibitor_clients(port, seeded, args.timeout)

    async def one_client(client: LeanClient) -> None:
        while len(latencies) < total:
            started = time.perf_counter()
            status, _body = await client.request("GET", "/api/auth/me")
            latencies.append((time.perf_counter() - started) * 1000)
            if status != 200:
                raise RuntimeError(f"GET /api/auth/me answered {status}")

    try:
        await asyncio.gather(*(c.request("GET", "/api/auth/me") for c in clients))  # connected, not timed
        with collector_paused():
            started = time.monotonic()
            await asyncio.wait_for(asyncio.gather(*(one_client(c) for c in clients)), args.max_seconds)
            elapsed = time.monotonic() - started
    finally:
        await asyncio.gather(*(c.aclose() for c in clients), return_exceptions=True)
    return latencies, elapsed


# --- verification -----------------------------------------------------------------------------
@dataclass
class DbCheck:
    active: int
    double_booked_booths: int
    over_limit_exhibitors: int


async def check_database(database_url: str, expo_id: int, booth_limit: int = 1) -> DbCheck:
    engine = create_async_engine(database_url)
    active = Booking.status.in_(ACTIVE_BOOKING_STATUSES)  # type: ignore[attr-defined]
    try:
        async with engine.connect() as conn:
            per_booth = (
                await conn.execute(
                    sa.select(col(Booking.booth_id), sa.func.count())
                    .where(col(Booking.expo_id) == expo_id, active)
                    .group_by(col(Booking.booth_id))
                )
            ).all()
            per_exhibitor = (
                await conn.execute(
                    sa.select(col(Booking.exhibitor_id), sa.func.count())
                    .where(col(Booking.expo_id) == expo_id, active)
                    .group_by(col(Booking.exhibitor_id))
                )
            ).all()
    finally:
        await engine.dispose()
    return DbCheck(
        active=sum(n for _, n in per_booth),
        double_booked_booths=sum(1 for _, n in per_booth if n > 1),
        over_limit_exhibitors=sum(1 for _, n in per_exhibitor if n > booth_limit),
    )


def percentile(values: list[float], p: float) -> float:
    """Nearest-rank percentile (0 < p <= 100)."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]


def emit(name: str, value: float, unit: str, engine: str) -> None:
    print(json.dumps({"name": name, "value": value, "unit": unit, "engine": engine}), flush=True)


# --- one engine -------------------------------------------------------------------------------
def bench_engine(engine_name: str, database_url: str, args: argparse.Namespace, workdir: Path) -> bool:
    """Migrate, seed, serve, race, verify; returns True when the booking invariants held."""
    log(f"{engine_name}: migrating {make_url(database_url).render_as_string(hide_password=True)}")
    upgrade(database_url)
    seeded = asyncio.run(seed(database_url, args.booths, args.clients))
    log(f"{engine_name}: seeded {len(seeded.booth_ids)} booths, {len(seeded.tokens)} exhibitors")
    # As deployed: ``expo serve`` (one process and SO_REUSEPORT socket per worker).
    server = start_server(database_url, args.workers, args.log_dir or workdir, reuse_port=True)
    try:
        asyncio.run(wait_ready(server, args.workers))
        sent = asyncio.run(wait_jobs_done(database_url))
        log(f"{engine_name}: server pid {server.process.pid} ready on {server.base_url}; {sent} earlier jobs done")
        race, elapsed = asyncio.run(run_race(server.port, seeded, args))
        floor = asyncio.run(run_floor(server.port, seeded, args, race.requests)) if args.floor else None
    finally:
        server.stop()
    server_log = server.log_text()
    check = asyncio.run(check_database(database_url, seeded.expo_id))

    successes = race.outcomes["201"]
    errors = sum(n for outcome, n in race.outcomes.items() if not outcome.startswith(("201", "409")))
    expected_409 = {"409:booth_taken", "409:booth_being_booked"}
    unexpected_409 = {o: n for o, n in race.outcomes.items() if o.startswith("409") and o not in expected_409}
    emit("booking.double_bookings", check.double_booked_booths, "count", engine_name)
    emit("booking.successful_holds", successes, "count", engine_name)
    emit("booking.requests_per_s", round(race.requests / elapsed, 1) if elapsed > 0 else 0.0, "req/s", engine_name)
    emit("booking.p50_ms", round(percentile(race.latencies_ms, 50), 2), "ms", engine_name)
    emit("booking.p99_ms", round(percentile(race.latencies_ms, 99), 2), "ms", engine_name)
    emit("booking.errors", errors, "count", engine_name)
    if floor is not None:
        floor_ms, floor_s = floor
        emit("booking.floor_p99_ms", round(percentile(floor_ms, 99), 2), "ms", engine_name)
        emit("booking.floor_requests_per_s", round(len(floor_ms) / floor_s, 1), "req/s", engine_name)

    log(
        f"{engine_name}: {race.requests} hold requests in {elapsed:.2f}s "
        f"(the clients used {race.client_cpu_s:.1f} CPU-s of it); outcomes {dict(race.outcomes)}; "
        f"active bookings in database {check.active}; exhibitors over their limit {check.over_limit_exhibitors}"
        + ("; STOPPED EARLY by the request/time bound" if race.cut_short else "")
    )
    for outcome, took in sorted(race.by_outcome_ms.items()):
        log(
            f"{engine_name}: {outcome}: {len(took)} answers, p50 {percentile(took, 50):.0f} ms, "
            f"p99 {percentile(took, 99):.0f} ms, max {max(took):.0f} ms"
        )
    if race.started_at:  # the slowest answers: when in the race they were asked
        first = min(race.started_at)
        slowest = sorted(zip(race.latencies_ms, race.started_at, strict=True), reverse=True)[
            : max(1, len(race.latencies_ms) // 100)
        ]
        asked = sorted(round(at - first, 2) for _, at in slowest)
        log(f"{engine_name}: the slowest 1% were asked at {asked[:: max(1, len(asked) // 10)]} s after the start")
    where = f" ({server.log_path})" if args.log_dir else ""
    for marker in ("Traceback", "database is locked", "Exception in ASGI application"):
        if count := server_log.count(marker):
            log(f"{engine_name}: server log has {count}x {marker!r}{where}")
    if errors or unexpected_409:
        log(f"{engine_name}: server log tail:\n{server_log[-3000:]}")

    ok = True
    if check.double_booked_booths:
        log(f"{engine_name}: FAIL {check.double_booked_booths} booth(s) have more than one active booking")
        ok = False
    if successes != args.booths:
        log(f"{engine_name}: FAIL {successes} successful holds, expected {args.booths}")
        ok = False
    if check.active != successes:
        log(f"{engine_name}: FAIL database has {check.active} active bookings but {successes} holds answered 201")
        ok = False
    if check.over_limit_exhibitors:
        log(f"{engine_name}: FAIL {check.over_limit_exhibitors} exhibitor(s) hold more than the booth limit")
        ok = False
    return ok


async def _admin(server_url: str, sql: str) -> None:
    engine = create_async_engine(make_url(server_url), isolation_level="AUTOCOMMIT")
    try:
        async with engine.connect() as conn:
            await conn.execute(sa.text(sql))
    finally:
        await engine.dispose()


def bench_postgres(server_url: str, args: argparse.Namespace, workdir: Path) -> bool:
    url = make_url(server_url)
    if url.host not in LOCAL_DB_HOSTS:
        raise SystemExit(f"refusing to create databases on {url.host}: this bench only targets 127.0.0.1")
    name = f"expo_bench_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    asyncio.run(_admin(server_url, f'CREATE DATABASE "{name}"'))
    try:
        return bench_engine("postgres", url.set(database=name).render_as_string(hide_password=False), args, workdir)
    finally:
        asyncio.run(_admin(server_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        log(f"postgres: dropped database {name}")


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--engines", default="sqlite,postgres", help="comma-separated: sqlite, postgres")
    parser.add_argument("--booths", type=int, default=50)
    parser.add_argument("--clients", type=int, default=200)
    parser.add_argument("--workers", type=int, default=2, help="uvicorn worker processes")
    parser.add_argument("--seed", type=int, default=20261020, help="seed of the clients' booth orders")
    parser.add_argument("--timeout", type=float, default=30.0, help="seconds per request")
    parser.add_argument("--max-requests", type=int, default=20_000, help="stop the race after this many requests")
    parser.add_argument("--max-seconds", type=float, default=120.0, help="stop the race after this many seconds")
    parser.add_argument(
        "--ramp-seconds", type=float, default=0.0, help="exhibitors start at random within this (0: all at once)"
    )
    parser.add_argument("--think-ms", type=float, default=0.0, help="pause after a refusal (0: at once)")
    parser.add_argument(
        "--no-floor",
        dest="floor",
        action="store_false",
        help="skip the floor: the same clients asking GET /api/auth/me as many times as the race asked",
    )
    parser.add_argument("--log-dir", type=Path, help="keep the servers' logs here (default: a temp dir, deleted)")
    return parser.parse_args()


def _terminate(signum: int, _frame: Any) -> None:
    raise SystemExit(128 + signum)  # unwinds through the finally blocks: server stopped, database dropped


def main() -> int:
    args = parse_args()
    signal.signal(signal.SIGTERM, _terminate)
    engines = {e.strip() for e in args.engines.split(",") if e.strip()}
    postgres_url = os.environ.get("EXPO_TEST_POSTGRES_URL")
    ok = True
    with tempfile.TemporaryDirectory(prefix="expo-bench-") as tmp:
        workdir = Path(tmp)
        if "sqlite" in engines:
            ok &= bench_engine("sqlite", f"sqlite+aiosqlite:///{workdir / 'bench.db'}", args, workdir)
        if "postgres" in engines:
            if postgres_url:
                ok &= bench_postgres(postgres_url, args, workdir)
            else:
                log("postgres: skipped (set EXPO_TEST_POSTGRES_URL to include it)")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
