"""A festival day at the gates, compressed to minutes, with faults: does the whole chain lose nothing?

Per engine: migrate a fresh database; seed one expo (open all day) with 50,000 visitor passes and
2,000 staff passes (bulk insert, real Ed25519 tokens), 8 gates with 2 paired scanner devices each and
an organiser log-in; start ``expo serve --workers 2``; then play a day of 14 simulated hours in
``--minutes`` real minutes:

- people arrive on a curve with two peaks (after Friday prayers, and in the evening); a visitor
  enters, most leave, some come back and leave again; staff come early and walk in and out all day.
  A person's next scan waits until the previous one was decided, at whichever gate they walk to;
- each of the 16 scanners behaves like the scanner page (templates/static/gate/scanner.js): one scan
  at a time through ``POST /api/gate/scans`` with a 2 s time-out; on no answer it decides alone (the
  re-entry rule from ``/api/gate/context``, its own memory of who it let in) and queues the scan;
  every 3 s (the page's heartbeat) it syncs its queue through ``POST /api/gate/sync`` in batches of
  100 with ``sent_at``; it learns the server's clock from ``server_time`` as the page does;
- faults on a schedule: gate 4's network is cut for 10 simulated minutes at the first peak (it
  keeps deciding offline, and syncs afterwards; at least 3 real seconds); one server worker gets
  ``kill -9`` (``expo serve`` then stops the other, as it does by design, and the bench restarts it
  on the same port, as a supervisor would); PostgreSQL is restarted once, only with
  ``--restart-postgres CMD`` (never by default: CI shares the server); gate 6's first scanner has a
  clock 5 minutes fast;
- an organiser's dashboard listens to ``/api/expos/{id}/checkins/stream`` (SSE) all day.

At the end every scanner syncs what it still holds, the database is compared with what the clients
were told, "inside now" with the simulation's truth, and the daily close is run.

Prints JSON lines (``gateday.scans``, ``gateday.p50_ms``, ``gateday.p99_ms``, ``gateday.lost``,
``gateday.duplicated``, ``gateday.told_mismatch``, ``gateday.conflicts``,
``gateday.dashboard_lag_p99_ms``, ``gateday.inside_now_error``, ``gateday.close_checked_out``, ...).
Exits non-zero when a scan is lost or duplicated, or the database disagrees with an answer.

Run: ``.venv/bin/python bench/gateday.py [--quick] [--engines sqlite,postgres]`` (PostgreSQL needs
``EXPO_TEST_POSTGRES_URL``; ``make gateday``; docs/benchmarks.md).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import heapq
import json
import os
import random
import shlex
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
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
from booking_contention import HOST, LOCAL_DB_HOSTS, Server, _admin, percentile, start_server, wait_ready  # noqa: E402
from lean_http import LeanClient, LeanHTTPError  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402
from sqlmodel import col  # noqa: E402

from booths.venue import service as venue  # noqa: E402
from booths.venue.schemas import ExpoCreate  # noqa: E402
from expo.accounts import CurrentUser, create_user, start_session  # noqa: E402
from expo.database import create_engine, session_scope  # noqa: E402
from expo.migrate import upgrade  # noqa: E402
from expo.models import CommitteeMember, CommitteeRole, Role  # noqa: E402
from expo.security import Passwords  # noqa: E402
from expo.settings import Settings  # noqa: E402
from tickets.gate import devices  # noqa: E402
from tickets.gate.models import Scan  # noqa: E402
from tickets.gate.schemas import GateCreate  # noqa: E402
from tickets.passes.kinds import kind_by_code  # noqa: E402
from tickets.passes.models import ExpoPass, PassKind  # noqa: E402
from tickets.passes.service import CODE_ALPHABET  # noqa: E402
from tickets.signing import tokens  # noqa: E402
from tickets.signing.keys import load_keys  # noqa: E402

GATES, SCANNERS_PER_GATE = 8, 2
DAY_HOURS = 14.0  # 08:00 to 22:00, simulated
SCAN_TIMEOUT_S = 2.0  # the page's: no answer within 2 s and it decides alone
HEARTBEAT_S = 3.0  # the page's setInterval(heartbeat, 3000)
SYNC_BATCH = 100  # the page's batch
CUT_GATE, SKEWED_GATE = 3, 5  # gate 4 loses its network, gate 6's first phone has a wrong clock
CLOCK_SKEW_S = 300.0
ZONES = ("Asia/Jakarta", "Asia/Makassar", "Asia/Jayapura")


def log(message: str) -> None:
    print(f"[gateday] {message}", file=sys.stderr, flush=True)


def emit(name: str, value: float, unit: str, engine: str, **keys: Any) -> None:
    print(json.dumps({"name": name, "value": value, "unit": unit, "engine": engine} | keys), flush=True)


# --- seeding ----------------------------------------------------------------------------------
@dataclass
class Person:
    token: str
    serial: int
    staff: bool
    plan: list[tuple[float, str]] = field(default_factory=list)  # (fraction of the day, direction)
    inside: bool = False  # the truth: what the gates showed this person
    step: int = 0


@dataclass
class Seeded:
    expo_id: int
    organiser_token: str
    device_tokens: list[list[str]]  # per gate
    people: list[Person]


def _quiet_zone() -> str:
    """The expo's zone whose local time now is nearest noon: a run must not cross the expo-local day
    boundary (which checks everyone out by itself)."""
    now = datetime.now(UTC)
    return min(ZONES, key=lambda z: abs(now.astimezone(ZoneInfo(z)).hour + now.minute / 60 - 12))


async def seed(database_url: str, key_file: Path, visitors: int, staff: int) -> Seeded:
    settings = Settings(database_url=database_url, signing_key_file=key_file, secret_key="bench-not-secret")  # noqa: S106
    keys = load_keys(key_file)
    engine = create_engine(settings)
    zone = _quiet_zone()
    today = datetime.now(ZoneInfo(zone)).date()
    try:
        async with session_scope(engine) as session:
            expo = await venue.create_expo(
                session,
                ExpoCreate(
                    slug="bench-gateday", name="Hari Santri Bench", city="Jombang", venue="Alun-alun",
                    starts_on=today - timedelta(days=1), ends_on=today + timedelta(days=1), timezone=zone,
                    opens_at=clock_time(0, 0), closes_at=clock_time(23, 59, 59),
                ),
            )  # fmt: skip
            assert expo.id is not None
            user = await create_user(
                session, Passwords(time_cost=1, memory_kib=64), email="gateday@uji.test", name="Panitia Bench",
                password=uuid.uuid4().hex, role=Role.ORGANISER,
            )  # fmt: skip
            assert user.id is not None
            session.add(CommitteeMember(expo_id=expo.id, user_id=user.id, role=CommitteeRole.ORGANISER))
            organiser_token = await start_session(session, user, 1)
            actor = CurrentUser(id=user.id, email=user.email, name=user.name, role=Role.ORGANISER)
            visitor, crew = (
                await kind_by_code(session, expo.id, "visitor"),
                await kind_by_code(session, expo.id, "exhibitor"),
            )
            assert visitor.id is not None
            assert crew.id is not None
            # Exhibitors' staff keep 07:00-22:00; the run happens at whatever hour it is, so no hours here.
            await session.execute(
                sa.update(PassKind).where(col(PassKind.id) == crew.id).values(opens_at=None, closes_at=None)
            )
            people, rows = [], []
            for i in range(visitors + staff):
                is_staff = i >= visitors
                kind = crew if is_staff else visitor
                serial, code = 100_000 + i, "".join(CODE_ALPHABET[(i // 24**k) % 24] for k in range(8))
                rows.append(
                    {"expo_id": expo.id, "kind_id": kind.id, "serial": serial, "code": code,
                     "holder_name": f"{'Kru' if is_staff else 'Pengunjung'} {i}", "days": [today.isoformat()],
                     "status": "active"}
                )  # fmt: skip
                claims = tokens.Claims(keys.signing_key_id, expo.id, serial, kind.number, (today,))
                people.append(Person(token=tokens.sign(claims, keys.signer), serial=serial, staff=is_staff))
            for start in range(0, len(rows), 2000):
                await session.execute(sa.insert(ExpoPass), rows[start : start + 2000])
            device_tokens: list[list[str]] = []
            for g in range(GATES):
                gate = await devices.create_gate(session, expo.id, GateCreate(name=f"Gerbang {g + 1}"))
                assert gate.id is not None
                device_tokens.append([])
                for n in range(SCANNERS_PER_GATE):
                    _device, pairing = await devices.create_device(session, gate.id, f"HP {g + 1}.{n + 1}", actor)
                    _device, token = await devices.pair_device(session, pairing)
                    device_tokens[g].append(token)
            await session.commit()
            return Seeded(expo.id, organiser_token, device_tokens, people)
    finally:
        await engine.dispose()


def plan_day(people: list[Person], arrivals: int, rng: random.Random) -> list[Person]:
    """Who comes and when (fractions of the day): two peaks for visitors, staff early and all day."""
    visitors = [p for p in people if not p.staff]
    coming = rng.sample(visitors, min(arrivals, len(visitors))) + [p for p in people if p.staff]

    def clip(x: float) -> float:
        return min(0.97, max(0.01, x))

    for person in coming:
        if person.staff:
            t = clip(rng.gauss(0.06, 0.03))
            person.plan.append((t, "entry"))
            for _ in range(rng.randint(1, 2)):  # out for prayers or lunch, and back
                t = clip(t + rng.uniform(0.1, 0.35))
                person.plan += [(t, "exit"), (clip(t + rng.uniform(0.01, 0.05)), "entry")]
                t = person.plan[-1][0]
            if rng.random() < 0.9:
                person.plan.append((clip(max(t + 0.01, rng.gauss(0.95, 0.01))), "exit"))
            continue
        t = clip(rng.gauss(0.32, 0.06) if rng.random() < 0.45 else rng.gauss(0.74, 0.07))
        person.plan.append((t, "entry"))
        if rng.random() < 0.8:
            t = clip(t + rng.expovariate(1 / 0.1))
            person.plan.append((t, "exit"))
            if rng.random() < 0.2:  # back after a meal outside
                t = clip(t + rng.uniform(0.01, 0.08))
                person.plan.append((t, "entry"))
                if rng.random() < 0.7:
                    person.plan.append((clip(t + rng.expovariate(1 / 0.06)), "exit"))
        person.plan = [step for n, step in enumerate(person.plan) if n == 0 or step[0] >= person.plan[n - 1][0]]
    return coming


# --- the day ----------------------------------------------------------------------------------
@dataclass
class Tally:
    """What the clients saw and were told."""

    sent: dict[tuple[int, str], str] = field(default_factory=dict)  # (scanner, nonce) -> what the gate showed
    told: dict[tuple[int, str], str] = field(default_factory=dict)  # (scanner, nonce) -> the server's status
    latencies_ms: list[float] = field(default_factory=list)
    acked: list[tuple[float, int]] = field(default_factory=list)  # (time, ok moves the server had confirmed)
    ok_confirmed: set[tuple[int, str]] = field(default_factory=set)
    timeouts: int = 0
    offline_decided: int = 0
    sync_conflicts: int = 0
    http_errors: int = 0
    dashboard: list[tuple[float, int]] = field(default_factory=list)  # (time, entries + exits on the dashboard)
    unscanned: int = 0

    def confirm(self, key: tuple[int, str], status: str, *, online: bool) -> None:
        self.told[key] = status
        if status == "ok" and key not in self.ok_confirmed:
            self.ok_confirmed.add(key)
            if online:
                self.acked.append((time.monotonic(), len(self.ok_confirmed)))


class Network:
    """Which gates are cut off, and whether the server is there at all (as the phones see it)."""

    def __init__(self) -> None:
        self.cut: set[int] = set()

    def reachable(self, gate: int) -> bool:
        return gate not in self.cut


class Scanner:
    """One phone at one gate, as templates/static/gate/scanner.js behaves."""

    def __init__(self, index: int, gate: int, token: str, port: int, skew_s: float, tally: Tally, net: Network) -> None:
        self.index, self.gate, self.skew_s, self.tally, self.net = index, gate, skew_s, tally, net
        self.client = LeanClient(HOST, port, {"Authorization": f"Device {token}"}, SCAN_TIMEOUT_S)
        self.sync_client = LeanClient(HOST, port, {"Authorization": f"Device {token}"}, 15.0)
        self.offset_ms: float | None = None  # server minus own clock, learnt from answers
        self.queue: list[dict[str, Any]] = []
        self.seen: dict[int, bool] = {}  # serial -> inside, as this phone let them
        self.rules: dict[str, str] = {}  # kind -> re-entry rule, from /api/gate/context
        self.work: list[tuple[float, int, Person]] = []
        self.wake = asyncio.Event()
        self.syncing = asyncio.Lock()

    def now(self) -> datetime:
        own = time.time() + self.skew_s
        return datetime.fromtimestamp(own + (self.offset_ms or 0) / 1000, UTC)

    def learn(self, server_time: str | None, sent: float, got: float) -> None:
        if not server_time:
            return
        sample = datetime.fromisoformat(server_time).timestamp() * 1000 - ((sent + got) / 2 + self.skew_s) * 1000
        if self.offset_ms is None or abs(sample - self.offset_ms) > 30_000:
            self.offset_ms = sample
        else:
            self.offset_ms += (sample - self.offset_ms) * 0.5

    async def context(self) -> None:
        with contextlib.suppress(LeanHTTPError, ValueError, KeyError):
            status, body = await self.client.request("GET", "/api/gate/context")
            if status == 200:
                rules = json.loads(body).get("kind_rules") or {}
                self.rules = {kind: rule.get("reentry") for kind, rule in rules.items()}

    def decide_alone(self, person: Person, direction: str) -> tuple[str, str]:
        """The page's offline decision (status, reason) for the bench's own (genuine, valid today)
        passes: exits pass, an entry passes unless this phone let the person in and the rule forbids a
        second entry."""
        if direction == "exit":
            self.seen[person.serial] = False
            return "ok", "ok"
        rule = self.rules.get("exhibitor" if person.staff else "visitor")
        if rule is None:
            return "refused", "unverifiable"  # the page never guesses a rule
        if self.seen.get(person.serial) and rule in {"after_exit", "once"}:
            return "refused", "already_inside"
        self.seen[person.serial] = True
        return "ok", "ok"

    async def scan(self, person: Person, direction: str) -> str:
        nonce = str(uuid.uuid4())
        key = (self.index, nonce)
        at = self.now()
        body = {"text": person.token, "direction": direction, "client_scan_id": nonce,
                "scanned_at": at.isoformat(), "clock_offset_ms": round(self.offset_ms or 0)}  # fmt: skip
        if self.net.reachable(self.gate):
            sent = time.time()
            started = time.perf_counter()
            try:
                status, answer = await self.client.post_json("/api/gate/scans", body)
            except LeanHTTPError as exc:
                self.tally.timeouts += "Timeout" in repr(exc)
                status, answer = 0, None
            if status == 200:
                self.tally.latencies_ms.append((time.perf_counter() - started) * 1000)
                self.learn(answer.get("server_time"), sent, time.time())
                shown = answer["status"]
                self.seen[person.serial] = shown == "ok" and direction == "entry"
                self.tally.sent[key] = shown
                self.tally.confirm(key, shown, online=True)
                return str(shown)
            if status:
                self.tally.http_errors += 1
        shown, reason = self.decide_alone(person, direction)
        self.tally.offline_decided += 1
        self.tally.sent[key] = shown
        told = {"device_status": shown} | ({"device_reason": reason} if shown == "refused" else {})
        self.queue.append(body | told)
        return shown

    async def sync(self) -> None:
        if not self.queue or not self.net.reachable(self.gate) or self.syncing.locked():
            return
        async with self.syncing:
            while self.queue and self.net.reachable(self.gate):
                batch = sorted(self.queue, key=lambda s: s["scanned_at"])[:SYNC_BATCH]
                sent = time.time()
                try:
                    status, answer = await self.sync_client.post_json(
                        "/api/gate/sync", {"scans": batch, "sent_at": self.now().isoformat()}
                    )
                except LeanHTTPError:
                    return
                if status != 200:
                    self.tally.http_errors += 1
                    return
                self.learn(answer.get("server_time"), sent, time.time())
                done = {s["client_scan_id"] for s in batch}
                for result in answer["results"]:
                    self.tally.confirm((self.index, result["client_scan_id"]), result["status"], online=False)
                self.tally.sync_conflicts += answer["conflicts"]
                self.queue = [s for s in self.queue if s["client_scan_id"] not in done]

    async def close(self) -> None:
        await self.client.aclose()
        await self.sync_client.aclose()


class Day:
    """People walking to gates, scanners working through their queues, the faults on the clock."""

    def __init__(self, seeded: Seeded, coming: list[Person], port: int, seconds: float, rng: random.Random) -> None:
        self.tally, self.net, self.rng = Tally(), Network(), rng
        self.seconds, self.coming = seconds, coming
        self.scanners = [
            Scanner(g * SCANNERS_PER_GATE + n, g, token, port, CLOCK_SKEW_S if (g, n) == (SKEWED_GATE, 0) else 0.0,
                    self.tally, self.net)
            for g, tokens_of_gate in enumerate(seeded.device_tokens)
            for n, token in enumerate(tokens_of_gate)
        ]  # fmt: skip
        self.start = 0.0
        self.pending = len(coming)
        self.done = asyncio.Event()
        self.seq = 0

    def real(self, fraction: float) -> float:
        return self.start + fraction * self.seconds

    def walk_to_gate(self, person: Person, not_before: float) -> None:
        if person.step >= len(person.plan):
            self.pending -= 1
            if self.pending == 0:
                self.done.set()
            return
        fraction, _direction = person.plan[person.step]
        scanner = self.rng.choice(self.scanners)
        self.seq += 1
        heapq.heappush(scanner.work, (max(self.real(fraction), not_before), self.seq, person))
        scanner.wake.set()

    async def run_scanner(self, scanner: Scanner, deadline: float) -> None:
        while not self.done.is_set() and time.monotonic() < deadline:
            if not scanner.work:
                scanner.wake.clear()
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(scanner.wake.wait(), timeout=0.5)
                continue
            due = scanner.work[0][0]
            if due > time.monotonic():
                scanner.wake.clear()
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(scanner.wake.wait(), timeout=due - time.monotonic())
                continue
            _due, _seq, person = heapq.heappop(scanner.work)
            direction = person.plan[person.step][1]
            shown = await scanner.scan(person, direction)
            if shown == "ok":
                person.inside = direction == "entry"
                person.step += 1
            else:  # refused at the gate: the person goes home (or stays, on a refused exit)
                person.step = len(person.plan)
            self.walk_to_gate(person, time.monotonic() + 0.05)

    async def heartbeats(self, deadline: float) -> None:
        while not self.done.is_set() and time.monotonic() < deadline:
            await asyncio.gather(*(s.sync() for s in self.scanners))
            await asyncio.sleep(HEARTBEAT_S)


async def dashboard(base_url: str, seeded: Seeded, tally: Tally, stop: asyncio.Event) -> None:
    """The organiser's live dashboard (SSE), reconnecting like an EventSource after a failure."""
    headers = {"Authorization": f"Bearer {seeded.organiser_token}"}
    path = f"/api/expos/{seeded.expo_id}/checkins/stream"
    async with httpx.AsyncClient(base_url=base_url, timeout=httpx.Timeout(10.0, read=None), trust_env=False) as client:
        while not stop.is_set():
            try:
                async with client.stream("GET", path, headers=headers) as response:
                    async for line in response.aiter_lines():
                        if line.startswith("data:"):
                            stats = json.loads(line[5:])
                            tally.dashboard.append((time.monotonic(), stats["entries_today"] + stats["exits_today"]))
                        if stop.is_set():
                            return
            except (httpx.HTTPError, ValueError):
                pass
            await asyncio.sleep(0.5)


def dashboard_lags_ms(tally: Tally) -> list[float]:
    """For every ok answer given online: how long until the dashboard showed at least as many ok
    moves as the server had confirmed by then (each was committed before its answer). Both lists
    grow in time and count, so one pass over each does."""
    lags, shown, j = [], tally.dashboard, 0
    for at, count in tally.acked:
        while j < len(shown) and (shown[j][0] < at or shown[j][1] < count):
            j += 1
        if j == len(shown):
            break  # not shown before the run ended: missing, not a lag
        lags.append((shown[j][0] - at) * 1000)
    return lags


def worker_pids(server: Server) -> list[int]:
    path = Path(f"/proc/{server.process.pid}/task/{server.process.pid}/children")
    with contextlib.suppress(OSError):
        return [int(p) for p in path.read_text().split()]
    return []


@dataclass
class Faults:
    log: list[str] = field(default_factory=list)


async def inject_faults(
    day: Day,
    holder: dict[str, Server],
    restart: Callable[[], Server],
    args: argparse.Namespace,
    faults: Faults,
    engine: str,
) -> None:
    """Network cut at the first peak, a worker killed at midday, PostgreSQL restarted in the evening."""
    cut_at, kill_at, pg_at = day.real(0.30), day.real(0.52), day.real(0.70)
    cut_seconds = max(3.0, 10 / 60 / DAY_HOURS * day.seconds)
    await asyncio.sleep(max(0.0, cut_at - time.monotonic()))
    day.net.cut.add(CUT_GATE)
    faults.log.append(f"gate {CUT_GATE + 1} cut for {cut_seconds:.1f} s")
    await asyncio.sleep(cut_seconds)
    day.net.cut.discard(CUT_GATE)
    await asyncio.sleep(max(0.0, kill_at - time.monotonic()))
    pids = worker_pids(holder["server"])
    if pids:
        os.kill(pids[0], signal.SIGKILL)
        killed = time.monotonic()
        try:  # expo serve stops the other worker (it never serves with fewer silently)
            await asyncio.to_thread(holder["server"].process.wait, 30)
        except subprocess.TimeoutExpired:
            holder["server"].stop()
        holder["server"] = restart()
        await wait_ready(holder["server"], args.workers, timeout_s=240.0)
        faults.log.append(f"worker {pids[0]} killed; server back after {time.monotonic() - killed:.1f} s")
    await asyncio.sleep(max(0.0, pg_at - time.monotonic()))
    if engine == "postgres" and args.restart_postgres:
        started = time.monotonic()
        done = await asyncio.to_thread(subprocess.run, shlex.split(args.restart_postgres), check=False)
        faults.log.append(f"PostgreSQL restarted (exit {done.returncode}) in {time.monotonic() - started:.1f} s")
    elif engine == "postgres":
        faults.log.append("PostgreSQL restart skipped (give --restart-postgres CMD to allow it)")


async def play(seeded: Seeded, coming: list[Person], holder: dict[str, Server], restart: Callable[[], Server],
               args: argparse.Namespace, engine: str) -> tuple[Day, Faults, float]:  # fmt: skip
    rng = random.Random(args.seed + 1)
    server = holder["server"]
    day = Day(seeded, coming, server.port, args.minutes * 60, rng)
    faults = Faults()
    stop = asyncio.Event()
    watcher = asyncio.create_task(dashboard(server.base_url, seeded, day.tally, stop))
    await asyncio.gather(*(s.context() for s in day.scanners))
    day.start = time.monotonic()
    deadline = day.start + args.minutes * 60 + args.grace_seconds
    for person in coming:
        day.walk_to_gate(person, day.start)
    chaos = asyncio.create_task(inject_faults(day, holder, restart, args, faults, engine))
    await asyncio.gather(*(day.run_scanner(s, deadline) for s in day.scanners), day.heartbeats(deadline))
    elapsed = time.monotonic() - day.start
    try:
        await asyncio.wait_for(chaos, timeout=90)
    except Exception as exc:  # a fault that could not be injected is reported, the day still counts
        log(f"{engine}: fault injection failed: {exc!r}")
    day.net.cut.clear()
    day.tally.unscanned = sum(len(p.plan) - p.step for p in coming if p.step < len(p.plan))
    final = time.monotonic() + 90  # every phone hands in what it still holds
    while any(s.queue for s in day.scanners) and time.monotonic() < final:
        await asyncio.gather(*(s.sync() for s in day.scanners))
        if any(s.queue for s in day.scanners):
            await asyncio.sleep(1.0)
    await asyncio.sleep(args.dashboard_settle_seconds)  # let the dashboard catch up with the last answers
    stop.set()
    watcher.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await watcher
    await asyncio.gather(*(s.close() for s in day.scanners))
    return day, faults, elapsed


async def stored_scans(database_url: str, expo_id: int) -> list[tuple[int, str, str, bool]]:
    engine = create_engine(Settings(database_url=database_url, secret_key="bench-not-secret"))  # noqa: S106
    try:
        async with engine.connect() as conn:
            stmt = sa.select(col(Scan.device_id), col(Scan.client_scan_id), col(Scan.status), col(Scan.conflict))
            rows = await conn.execute(stmt.where(col(Scan.expo_id) == expo_id))
            return [(r.device_id, r.client_scan_id, r.status, r.conflict) for r in rows]
    finally:
        await engine.dispose()


async def organiser_calls(base_url: str, seeded: Seeded) -> tuple[int, int, int]:
    """Inside now by the server, then the daily close: (inside before, checked out, inside after)."""
    headers = {"Authorization": f"Bearer {seeded.organiser_token}"}
    base = f"/api/expos/{seeded.expo_id}/checkins"
    async with httpx.AsyncClient(base_url=base_url, timeout=30.0, trust_env=False, headers=headers) as client:

        async def answer(method: str, path: str) -> dict[str, Any]:
            """The organiser retries as a person would while the server digs out of a backlog (bounded)."""
            deadline = time.monotonic() + 120
            while True:
                with contextlib.suppress(httpx.HTTPError):
                    response = await client.request(method, path)
                    if response.status_code == 200:
                        return dict(response.json())
                    log(f"{method} {path}: {response.status_code} {response.text[:200]}")
                if time.monotonic() > deadline:
                    raise RuntimeError(f"{method} {path} did not answer 200 within 120 s")
                await asyncio.sleep(2.0)

        before = (await answer("GET", f"{base}/stats"))["inside_now"]
        checked_out = (await answer("POST", f"{base}/close-day"))["checked_out"]
        after = (await answer("GET", f"{base}/stats"))["inside_now"]
    return int(before), int(checked_out), int(after)


def bench_engine(engine: str, database_url: str, args: argparse.Namespace, workdir: Path) -> bool:
    log(f"{engine}: migrating")
    upgrade(database_url)
    key_file = workdir / f"keys-{engine}.json"
    os.environ["EXPO_SIGNING_KEY_FILE"] = str(key_file)
    started = time.monotonic()
    seeded = asyncio.run(seed(database_url, key_file, args.visitors, args.staff))
    log(f"{engine}: seeded {args.visitors} visitor and {args.staff} staff passes in {time.monotonic() - started:.1f} s")
    coming = plan_day(seeded.people, args.arrivals, random.Random(args.seed))
    planned = sum(len(p.plan) for p in coming)
    log(f"{engine}: {len(coming)} people, {planned} scans planned over {args.minutes} min")
    env = {"EXPO_SECRET_KEY": uuid.uuid4().hex}
    if args.reread_seconds:
        env["EXPO_DASHBOARD_REREAD_SECONDS"] = str(args.reread_seconds)
    holder = {"server": start_server(database_url, args.workers, workdir, reuse_port=True, env_extra=env)}
    port = holder["server"].port

    def restart() -> Server:
        return start_server(database_url, args.workers, workdir, reuse_port=True, port=port, env_extra=env)

    try:
        asyncio.run(wait_ready(holder["server"], args.workers))
        day, faults, elapsed = asyncio.run(play(seeded, coming, holder, restart, args, engine))
        inside_before, checked_out, inside_after = asyncio.run(organiser_calls(holder["server"].base_url, seeded))
    finally:
        holder["server"].stop()
    for line in faults.log:
        log(f"{engine}: {line}")
    tally = day.tally
    rows = asyncio.run(stored_scans(database_url, seeded.expo_id))
    by_nonce = {nonce: (device, status, conflict) for device, nonce, status, conflict in rows}
    # Lost: the server said it had the scan (an answer or a sync result) and the database does not,
    # or a phone dropped a scan it neither had answered nor kept. Still queued on a phone when the
    # run ended (the server never took it back in time) is ``unsynced``: not lost, but not counted.
    queued = {(s.index, q["client_scan_id"]) for s in day.scanners for q in s.queue}
    lost = sum(1 for key in tally.sent if key[1] not in by_nonce and key not in queued)
    keys = {(device, nonce) for device, nonce, _st, _c in rows}
    sent_nonces = {nonce for (_s, nonce) in tally.sent}
    duplicated = (len(rows) - len(keys)) + sum(1 for _d, nonce, _s, _c in rows if nonce not in sent_nonces)
    mismatch = sum(
        1 for (_s, nonce), status in tally.told.items() if nonce in by_nonce and by_nonce[nonce][1] != status
    )
    never_told = sum(1 for key in tally.sent if key not in tally.told and key not in queued)
    truth = sum(p.inside for p in coming)
    lags = dashboard_lags_ms(tally)
    emit("gateday.scans", len(tally.sent), "scans", engine, planned=planned)
    emit("gateday.scans_per_s", round(len(tally.sent) / elapsed, 1), "scans/s", engine)
    emit("gateday.p50_ms", round(percentile(tally.latencies_ms, 50), 1), "ms", engine)
    emit("gateday.p99_ms", round(percentile(tally.latencies_ms, 99), 1), "ms", engine)
    emit("gateday.offline_decided", tally.offline_decided, "scans", engine, timeouts=tally.timeouts)
    emit("gateday.lost", lost, "scans", engine)
    emit("gateday.unsynced", len(queued), "scans", engine)
    emit("gateday.duplicated", duplicated, "scans", engine)
    emit("gateday.told_mismatch", mismatch, "scans", engine, never_told=never_told)
    emit("gateday.conflicts", sum(c for _d, _n, _s, c in rows), "scans", engine, reported_by_sync=tally.sync_conflicts)
    emit("gateday.dashboard_lag_p50_ms", round(percentile(lags, 50), 1), "ms", engine)
    emit("gateday.dashboard_lag_p99_ms", round(percentile(lags, 99), 1), "ms", engine, measured=len(lags),
         answers=len(tally.acked))  # fmt: skip
    emit("gateday.inside_now_error", inside_before - truth, "passes", engine, server=inside_before, truth=truth)
    emit("gateday.close_checked_out", checked_out, "passes", engine, inside_after=inside_after)
    emit("gateday.unscanned", tally.unscanned, "scans", engine, http_errors=tally.http_errors)
    emit("gateday.elapsed_s", round(elapsed, 1), "s", engine)
    for marker in ("Traceback", "database is locked"):
        if count := holder["server"].log_text().count(marker):
            log(f"{engine}: server log has {count}x {marker!r}")
    return lost == 0 and duplicated == 0 and mismatch == 0 and never_told == 0 and not queued and inside_after == 0


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--engines", default="sqlite,postgres")
    parser.add_argument("--quick", action="store_true", help="a smoke run: 3,000 passes, 600 people, 20 s")
    parser.add_argument("--visitors", type=int, default=50_000, help="visitor passes seeded")
    parser.add_argument("--staff", type=int, default=2_000, help="staff passes seeded (all of them come)")
    parser.add_argument("--arrivals", type=int, default=12_000, help="visitors who come")
    parser.add_argument("--minutes", type=float, default=4.0, help="real minutes the day is compressed into")
    parser.add_argument("--grace-seconds", type=float, default=120.0, help="bound past the day for queues at gates")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seed", type=int, default=18)
    parser.add_argument("--log-dir", default=None, help="keep the database (SQLite) and server logs here")
    parser.add_argument("--reread-seconds", type=float, default=None, help="EXPO_DASHBOARD_REREAD_SECONDS")
    parser.add_argument("--dashboard-settle-seconds", type=float, default=6.0)
    parser.add_argument(
        "--restart-postgres", metavar="CMD", default=None,
        help="command that restarts the PostgreSQL server (e.g. 'pg_ctlcluster 15 main restart'); default: skip",
    )  # fmt: skip
    args = parser.parse_args(argv)
    if args.quick:
        args.visitors, args.staff, args.arrivals, args.minutes = 2_800, 200, 400, 1 / 3
        args.grace_seconds, args.dashboard_settle_seconds = 30.0, 6.0
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    ok = True
    with tempfile.TemporaryDirectory(prefix="expo-bench-gateday-") as tmp:
        workdir = Path(args.log_dir or tmp)
        workdir.mkdir(parents=True, exist_ok=True)
        for engine in args.engines.split(","):
            if engine == "sqlite":
                ok &= bench_engine("sqlite", f"sqlite+aiosqlite:///{workdir / 'gateday.db'}", args, workdir)
            elif engine == "postgres":
                server_url = os.environ.get("EXPO_TEST_POSTGRES_URL")
                if not server_url:
                    log("postgres: skipped (set EXPO_TEST_POSTGRES_URL)")
                    continue
                url = make_url(server_url)
                if url.host not in LOCAL_DB_HOSTS:
                    raise SystemExit("this bench only targets a database on 127.0.0.1")
                name = f"expo_bench_gateday_{os.getpid()}_{uuid.uuid4().hex[:6]}"
                asyncio.run(_admin(server_url, f'CREATE DATABASE "{name}"'))
                try:
                    ok &= bench_engine(
                        "postgres", url.set(database=name).render_as_string(hide_password=False), args, workdir
                    )
                finally:
                    asyncio.run(_admin(server_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
