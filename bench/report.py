"""The expo report at the issue's size: 500 exhibitors with a confirmed booth and six days of sales,
60,000 visitors and 200,000 scans, on SQLite. Seeds a fresh database (bulk inserts), then, in a fresh
process so its memory is the report's own, gathers the figures and makes the PDF and the XLSX as the
report job does.

Prints JSON lines::

    {"name": "report.total_s", "value": 4.1, "unit": "s", "scale": 1.0}

``--scale 0.25`` divides every size (for a loaded machine); the figures say which scale ran.
With ``EXPO_TEST_POSTGRES_URL`` set (a local server) it runs on PostgreSQL too, in a database of its own
that it drops afterwards; ``--engines sqlite`` keeps to SQLite.
Run: ``.venv/bin/python bench/report.py [--scale 1]`` (docs/benchmarks.md).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock_time
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import sqlalchemy as sa  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402
from sqlalchemy.ext.asyncio import create_async_engine  # noqa: E402
from sqlmodel import col  # noqa: E402

from booths.bookings.models import Booking, BookingStatus  # noqa: E402
from booths.exhibitors.models import Approval, Exhibitor  # noqa: E402
from booths.sales.models import DailySale  # noqa: E402
from booths.venue import service as venue  # noqa: E402
from booths.venue.models import Booth, BoothPackage, Hall, ProductCluster  # noqa: E402
from booths.venue.schemas import ExpoCreate  # noqa: E402
from expo.database import create_engine, session_scope  # noqa: E402
from expo.formatting import utcnow  # noqa: E402
from expo.migrate import upgrade  # noqa: E402
from expo.settings import Settings  # noqa: E402
from tickets.gate.models import Gate, GateDevice, Scan  # noqa: E402
from tickets.passes.kinds import ensure_kinds  # noqa: E402
from tickets.passes.models import ExpoPass  # noqa: E402

JAKARTA = ZoneInfo("Asia/Jakarta")
START = date(2026, 10, 20)
DAYS = 6
CLUSTERS = ("kuliner", "fesyen", "kriya", "herbal", "minuman", "pertanian", "jasa", "buku")
REGENCIES = ("Jombang", "Kediri", "Mojokerto", "Nganjuk", "Surabaya", "Malang", "Blitar", "Lamongan", "Tuban")
CATEGORIES = ("umum", "santri", "pelajar", "mahasiswa")
CLASSES = ("pesantren", "umkm", "koperasi")
CHUNK = 10_000
LOCAL_DB_HOSTS = {"127.0.0.1", "localhost", "::1", None}


def emit(name: str, value: float, unit: str, **extra: object) -> None:
    print(json.dumps({"name": name, "value": round(value, 3), "unit": unit, **extra}), flush=True)


async def seed(url: str, scale: float) -> int:
    exhibitors_n, visitors_n, scans_n = int(500 * scale), int(60_000 * scale), int(200_000 * scale)
    rng = random.Random(17)
    engine = create_engine(Settings(database_url=url))
    try:
        async with session_scope(engine) as session:
            expo = await venue.create_expo(
                session,
                ExpoCreate(slug="bench-report", name="Expo Bench Laporan", city="Jombang", venue="GOR",
                           starts_on=START, ends_on=START + timedelta(days=DAYS - 1)),
            )  # fmt: skip
            assert expo.id is not None
            expo_id = expo.id
            hall = Hall(expo_id=expo_id, code="A", name="Hall A", width_m=200, depth_m=200)
            package = BoothPackage(expo_id=expo_id, code="std", name="Standar", price=1_000_000)
            session.add_all(
                [hall, package, *(ProductCluster(expo_id=expo_id, code=c, name=c.title()) for c in CLUSTERS)]
            )
            await session.flush()
            now = utcnow()
            booths = [
                {"expo_id": expo_id, "hall_id": hall.id, "package_id": package.id, "code": f"A-{n:03d}",
                 "x_m": 3.0 * (n % 50), "y_m": 3.0 * (n // 50), "width_m": 3.0, "depth_m": 3.0,
                 "blocked": False, "created_at": now, "updated_at": now}
                for n in range(exhibitors_n)
            ]  # fmt: skip
            await session.execute(sa.insert(Booth), booths)
            booth_ids = list(await session.scalars(sa.select(col(Booth.id)).where(col(Booth.expo_id) == expo_id)))
            exhibitors = [
                {"expo_id": expo_id, "name": f"Usaha Bench {n}", "exhibitor_class": rng.choice(CLASSES),
                 "nib": f"{9100000000000 + n}", "regency": rng.choice(REGENCIES), "contact_name": "Uji",
                 "whatsapp": "6281234567890", "email": f"u{n}@bench.test", "cluster": rng.choice(CLUSTERS),
                 "description": "", "approval": Approval.APPROVED.value, "lock_version": 0, "created_at": now}
                for n in range(exhibitors_n)
            ]  # fmt: skip
            await session.execute(sa.insert(Exhibitor), exhibitors)
            exhibitor_ids = list(
                await session.scalars(sa.select(col(Exhibitor.id)).where(col(Exhibitor.expo_id) == expo_id))
            )
            await session.execute(sa.insert(Booking), [
                {"expo_id": expo_id, "booth_id": b, "exhibitor_id": e, "status": BookingStatus.CONFIRMED.value,
                 "price": 1_000_000, "held_at": now, "confirmed_at": now, "updated_at": now}
                for b, e in zip(booth_ids, exhibitor_ids, strict=False)
            ])  # fmt: skip
            sales: list[dict[str, Any]] = []
            for e in exhibitor_ids:
                for d in range(DAYS):
                    cash = rng.randint(200, 3000) * 1000
                    sales.append({"expo_id": expo_id, "exhibitor_id": e, "day": START + timedelta(days=d), "cash": cash,
                                  "transfer": cash // 2, "transactions": rng.randint(5, 80), "orders": 0, "deals": [],
                                  "deals_value": 0, "flagged": False, "source": "exhibitor", "version": 1,
                                  "created_at": now, "updated_at": now})  # fmt: skip
            await session.execute(sa.insert(DailySale), sales)
            kind_id = next(k.id for k in await ensure_kinds(session, expo_id) if k.code == "visitor")
            gate = Gate(expo_id=expo_id, name="Gerbang Utama")
            session.add(gate)
            await session.flush()
            device = GateDevice(expo_id=expo_id, gate_id=gate.id or 0, name="HP 1")
            session.add(device)
            await session.flush()
            for first in range(0, visitors_n, CHUNK):
                await session.execute(sa.insert(ExpoPass), [
                    {"expo_id": expo_id, "kind_id": kind_id, "serial": 5_000_000 + n, "code": f"{n:08d}",
                     "holder_name": f"Tamu {n}", "regency": rng.choice(REGENCIES),
                     "visitor_category": rng.choice(CATEGORIES), "days": [], "status": "active",
                     "issued_at": now, "updated_at": now}
                    for n in range(first, min(first + CHUNK, visitors_n))
                ])  # fmt: skip
            pass_ids = list(await session.scalars(sa.select(col(ExpoPass.id)).where(col(ExpoPass.expo_id) == expo_id)))
            rows = []
            for n in range(scans_n):
                pass_id = pass_ids[rng.randrange(len(pass_ids))]
                day = START + timedelta(days=rng.randrange(DAYS))
                at = datetime.combine(day, clock_time(rng.randint(9, 20), rng.randint(0, 59)), JAKARTA).astimezone(UTC)
                rows.append({"expo_id": expo_id, "gate_id": gate.id, "device_id": device.id, "client_scan_id": f"s{n}",
                             "pass_id": pass_id, "kind_code": "visitor", "direction": "entry" if n % 3 else "exit",
                             "status": "ok" if n % 50 else "refused", "reason": "ok" if n % 50 else "already_inside",
                             "offline": False, "conflict": False, "clock_skewed": False, "scanned_at": at,
                             "received_at": at})  # fmt: skip
                if len(rows) == CHUNK:
                    await session.execute(sa.insert(Scan), rows)
                    rows = []
            if rows:
                await session.execute(sa.insert(Scan), rows)
            await session.commit()
            return expo_id
    finally:
        await engine.dispose()


async def measure(url: str, expo_id: int, scale: float, engine_name: str) -> None:
    from tickets.reports.draw import render_report
    from tickets.reports.gather import gather
    from tickets.reports.workbook import render_workbook

    engine = create_engine(Settings(database_url=url))
    try:
        began = time.perf_counter()
        async with session_scope(engine) as session:
            data = await gather(session, expo_id, locale="id")
        gathered = time.perf_counter()
        pdf = render_report(data)
        drawn = time.perf_counter()
        xlsx = render_workbook(data)
        written = time.perf_counter()
    finally:
        await engine.dispose()
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    emit("report.gather_s", gathered - began, "s", engine=engine_name, scale=scale)
    emit("report.pdf_s", drawn - gathered, "s", engine=engine_name, scale=scale, bytes=len(pdf))
    emit("report.xlsx_s", written - drawn, "s", engine=engine_name, scale=scale, bytes=len(xlsx))
    emit("report.total_s", written - began, "s", engine=engine_name, scale=scale)
    emit("report.peak_rss_mb", rss_mb, "MB", engine=engine_name, scale=scale)


async def _admin(server_url: str, sql: str) -> None:
    engine = create_async_engine(make_url(server_url), isolation_level="AUTOCOMMIT")
    try:
        async with engine.connect() as conn:
            await conn.execute(sa.text(sql))
    finally:
        await engine.dispose()


def _run(engine: str, url: str, scale: float) -> None:
    upgrade(url)
    began = time.perf_counter()
    expo_id = asyncio.run(seed(url, scale))
    print(f"# {engine}: seeded in {time.perf_counter() - began:.1f} s", file=sys.stderr)
    subprocess.run(  # a fresh process: its peak memory is the report's, not the seeding's
        [sys.executable, __file__, "--scale", str(scale), "--engine", engine, "--measure", url, str(expo_id)],
        check=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--engines", default="sqlite,postgres", help="comma-separated: sqlite, postgres")
    parser.add_argument("--engine", default="sqlite", help=argparse.SUPPRESS)
    parser.add_argument("--measure", nargs=2, metavar=("URL", "EXPO_ID"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        asyncio.run(measure(args.measure[0], int(args.measure[1]), args.scale, args.engine))
        return
    engines = [e.strip() for e in args.engines.split(",") if e.strip()]
    if "sqlite" in engines:
        with tempfile.TemporaryDirectory() as tmp:
            _run("sqlite", f"sqlite+aiosqlite:///{Path(tmp) / 'report.db'}", args.scale)
    postgres_url = os.environ.get("EXPO_TEST_POSTGRES_URL")
    if "postgres" in engines and postgres_url:
        url = make_url(postgres_url)
        if url.host not in LOCAL_DB_HOSTS:
            raise SystemExit(f"refusing to create databases on {url.host}: this bench only targets 127.0.0.1")
        name = f"expo_bench_report_{os.getpid()}"
        asyncio.run(_admin(postgres_url, f'CREATE DATABASE "{name}"'))
        try:
            _run("postgres", url.set(database=name).render_as_string(hide_password=False), args.scale)
        finally:
            asyncio.run(_admin(postgres_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


if __name__ == "__main__":
    main()
