"""Revenue and the add-on logistics list: how long the treasurer's figures take on a busy expo.

An expo of 2,000 booths, each booked by its own exhibitor (five classes, twelve regencies, three
packages), each with a bill in one of the states (paid, partly paid, unpaid, overdue, void) and
2,000 add-on orders. The venue comes from the services; the bookings, bills and orders are written
in bulk (this measures reading them, not making them). Timed, median of several runs: the totals,
the sums by class, package and regency (SQL aggregates), the open bills, the logistics list, and
the revenue workbook.

Prints one JSON object per line and figure::

    {"name": "revenue.by_regency_ms", "value": 12.3, "unit": "ms", "engine": "sqlite", "bills": 2000}

Run: ``.venv/bin/python bench/revenue.py`` (PostgreSQL too with ``EXPO_TEST_POSTGRES_URL``; see
docs/benchmarks.md).
"""

import argparse
import asyncio
import json
import os
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import sqlalchemy as sa
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine
from sqlmodel import col

from booths.billing.addon_schemas import AddOnIn
from booths.billing.addons import create_addon, logistics
from booths.billing.models import AddOnKind, AddOnOrder, Bill, BillStatus
from booths.billing.revenue import GroupBy, figures_by, open_bills, totals
from booths.billing.sheets import revenue_xlsx
from booths.bookings.models import Booking, BookingStatus
from booths.exhibitors.models import Exhibitor
from booths.labels import bill_state_label
from booths.venue import service as venue
from booths.venue.models import Booth
from booths.venue.schemas import ExpoCreate, HallCreate, PackageCreate
from expo.accounts import system_user
from expo.database import create_engine, create_sessionmaker
from expo.formatting import utcnow
from expo.metadata import table_of
from expo.migrate import upgrade
from expo.settings import Settings

TODAY = datetime.now(ZoneInfo("Asia/Jakarta")).date()
LOCAL_DB_HOSTS = {"127.0.0.1", "localhost", "::1"}
CLASSES = ("pesantren", "koperasi", "umkm", "sponsor", "government")
REGENCIES = tuple(f"Kabupaten {i}" for i in range(12))
STATES = (BillStatus.PAID, BillStatus.PARTLY_PAID, BillStatus.UNPAID, BillStatus.UNPAID, BillStatus.VOID)


def emit(name: str, value: float, unit: str, **extra: object) -> None:
    print(json.dumps({"name": name, "value": round(value, 1), "unit": unit, **extra}), flush=True)


async def _seed(session: Any, count: int) -> int:
    start = TODAY + timedelta(days=40)
    expo = await venue.create_expo(
        session,
        ExpoCreate(
            slug=f"bench-{uuid.uuid4().hex[:6]}",
            name="Bench",
            city="Jombang",
            venue="GOR",
            starts_on=start,
            ends_on=start + timedelta(days=3),
        ),
    )
    assert expo.id is not None
    hall = await venue.create_hall(session, expo.id, HallCreate(code="A", name="A", width_m=2000, depth_m=2000))
    packages = [
        await venue.create_package(session, expo.id, PackageCreate(code=f"p{i}", name=f"Paket {i}", price=p))
        for i, p in enumerate((1_000_000, 1_500_000, 2_500_000))
    ]
    addon = await create_addon(
        session,
        expo.id,
        AddOnIn(code="listrik", kind=AddOnKind.POWER, name="Daya", price=250_000, unit_size=450),
        system_user(),
    )
    await session.flush()
    now = utcnow()
    await session.execute(
        sa.insert(table_of(Booth)),
        [
            {
                "expo_id": expo.id,
                "hall_id": hall.id,
                "package_id": packages[i % 3].id,
                "code": f"A-{i:04d}",
                "x_m": (i % 50) * 4.0,
                "y_m": (i // 50) * 4.0,
                "width_m": 3.0,
                "depth_m": 3.0,
                "blocked": False,
                "created_at": now,
                "updated_at": now,
            }
            for i in range(count)
        ],
    )
    booth_ids = list(
        (
            await session.scalars(sa.select(col(Booth.id)).where(col(Booth.expo_id) == expo.id).order_by(col(Booth.id)))
        ).all()
    )
    await session.execute(
        sa.insert(table_of(Exhibitor)),
        [
            {
                "expo_id": expo.id,
                "name": f"Usaha {i}",
                "exhibitor_class": CLASSES[i % 5],
                "nib": f"{9120000000000 + i}",
                "regency": REGENCIES[i % 12],
                "contact_name": "Uji",
                "whatsapp": "+6281234567890",
                "email": f"u{i}@contoh.id",
                "description": "",
                "approval": "approved",
                "lock_version": 0,
                "created_at": now,
            }
            for i in range(count)
        ],
    )
    exhibitor_ids = list(
        (
            await session.scalars(
                sa.select(col(Exhibitor.id)).where(col(Exhibitor.expo_id) == expo.id).order_by(col(Exhibitor.id))
            )
        ).all()
    )
    prices = (1_000_000, 1_500_000, 2_500_000)
    await session.execute(
        sa.insert(table_of(Booking)),
        [
            {
                "expo_id": expo.id,
                "booth_id": booth_ids[i],
                "exhibitor_id": exhibitor_ids[i],
                "status": BookingStatus.CANCELLED if STATES[i % 5] == BillStatus.VOID else BookingStatus.CONFIRMED,
                "price": prices[i % 3],
                "held_at": now,
                "updated_at": now,
            }
            for i in range(count)
        ],
    )
    booking_ids = list(
        (
            await session.scalars(
                sa.select(col(Booking.id)).where(col(Booking.expo_id) == expo.id).order_by(col(Booking.id))
            )
        ).all()
    )
    bills = []
    for i in range(count):
        total, status = prices[i % 3] + (i % 999) + 1, STATES[i % 5]
        paid = {BillStatus.PAID: total, BillStatus.PARTLY_PAID: total // 3, BillStatus.VOID: total // 2}.get(status, 0)
        bills.append(
            {
                "expo_id": expo.id,
                "exhibitor_id": exhibitor_ids[i],
                "booking_id": booking_ids[i],
                "number": f"INV/B/{i:05d}",
                "status": status,
                "total": total,
                "paid": paid,
                "unique_code": (i % 999) + 1,
                "down_payment": 0,
                "due_at": now + timedelta(days=-1 if i % 10 == 2 else 2),
                "rest_due_on": TODAY - timedelta(days=1) if i % 20 == 1 else None,
                "issued_at": now,
                "updated_at": now,
            }
        )
    await session.execute(sa.insert(table_of(Bill)), bills)
    await session.execute(
        sa.insert(table_of(AddOnOrder)),
        [
            {
                "expo_id": expo.id,
                "booking_id": booking_ids[i],
                "addon_id": addon.id,
                "quantity": 1 + i % 3,
                "unit_price": 250_000,
                "text": "",
                "ordered_at": now,
            }
            for i in range(count)
        ],
    )
    await session.commit()
    return expo.id


async def _timed(runs: int, work: Callable[[], Awaitable[Any]]) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        await work()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


async def _run(engine_name: str, url: str, count: int, runs: int) -> None:
    engine = create_engine(Settings(database_url=url, secret_key="bench-secret-key-not-for-production"))  # noqa: S106
    try:
        async with create_sessionmaker(engine)() as session:
            expo_id = await _seed(session, count)
            extra = {"engine": engine_name, "bills": count}
            emit("revenue.totals_ms", await _timed(runs, lambda: totals(session, expo_id)), "ms", **extra)
            for group in GroupBy:
                spent = await _timed(runs, lambda g=group: figures_by(session, expo_id, g))  # type: ignore[misc]
                emit(f"revenue.by_{group.value}_ms", spent, "ms", **extra)
            emit("revenue.open_bills_ms", await _timed(runs, lambda: open_bills(session, expo_id)), "ms", **extra)
            emit("addons.logistics_ms", await _timed(runs, lambda: logistics(session, expo_id)), "ms", **extra)
            owed = await open_bills(session, expo_id)
            figures = {g: await figures_by(session, expo_id, g) for g in GroupBy}
            whole = await totals(session, expo_id)

            async def workbook() -> bytes:
                return revenue_xlsx(
                    whole,
                    figures[GroupBy.CLASS],
                    figures[GroupBy.PACKAGE],
                    figures[GroupBy.REGENCY],
                    owed,
                    "Asia/Jakarta",
                    bill_state_label,
                )

            emit("revenue.xlsx_ms", await _timed(runs, workbook), "ms", **extra, open_bills=len(owed))
    finally:
        await engine.dispose()


async def _admin(server_url: str, sql: str) -> None:
    engine = create_async_engine(make_url(server_url), isolation_level="AUTOCOMMIT")
    try:
        async with engine.connect() as conn:
            await conn.execute(sa.text(sql))
    finally:
        await engine.dispose()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--engines", default="sqlite,postgres", help="comma-separated: sqlite, postgres")
    parser.add_argument("--bills", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    engines = [e.strip() for e in args.engines.split(",") if e.strip()]
    with tempfile.TemporaryDirectory(prefix="expo-revenue-") as tmp:
        if "sqlite" in engines:
            sqlite_url = f"sqlite+aiosqlite:///{Path(tmp) / 'revenue.db'}"
            upgrade(sqlite_url)  # before the loop: Alembic runs its own
            asyncio.run(_run("sqlite", sqlite_url, args.bills, args.runs))
        postgres_url = os.environ.get("EXPO_TEST_POSTGRES_URL")
        if "postgres" in engines and postgres_url:
            url = make_url(postgres_url)
            if url.host not in LOCAL_DB_HOSTS:
                raise SystemExit(f"refusing to create databases on {url.host}: this bench only targets 127.0.0.1")
            name = f"expo_bench_revenue_{os.getpid()}"
            asyncio.run(_admin(postgres_url, f'CREATE DATABASE "{name}"'))
            try:
                target = url.set(database=name).render_as_string(hide_password=False)
                upgrade(target)
                asyncio.run(_run("postgres", target, args.bills, args.runs))
            finally:
                asyncio.run(_admin(postgres_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
