"""The public catalogue on a busy expo: how heavy its first page is for a phone on 3G, and how fast a
search answers.

An expo of 500 listed exhibitors (confirmed bookings; every tenth stand shared with a co-exhibitor),
six categories, twelve regencies, each with a profile and a logo, 5,000 products named from a word
list of what a santri expo sells, a verified halal certificate for every third. Written in bulk (this
measures reading, not making them). Then, through the real app in this process:

- ``catalogue.first_page_bytes``: the directory's first page as a phone fetches it on a first visit:
  the HTML, the CSS and the script, plus the 20 small logos (160 px WebP, made here with Pillow from a
  photo-like picture) as if all were loaded (they are lazy: a phone loads the few on screen). Raw, and
  gzip-compressed as the proxies in deploy/ send text (``catalogue.first_page_gzip_bytes``).
- ``catalogue.search_p95_ms`` / ``_p50_ms``: the directory page answering a search (words, product
  words, a category, a regency, halal, pages) over HTTP in process, ``--searches`` requests; and
  ``catalogue.search_service_p95_ms``: the search service alone.
- ``catalogue.search_cpu_p95_ms``: the CPU time of this process per search (the app, the test client
  and, on SQLite, the database), which a busy machine does not inflate as it does wall-clock times.
- ``catalogue.profile_p95_ms``: a profile page (counting its view).

Prints one JSON object per line and figure::

    {"name": "catalogue.search_p95_ms", "value": 21.3, "unit": "ms", "engine": "sqlite", "exhibitors": 500}

Run: ``.venv/bin/python bench/catalogue.py`` (PostgreSQL too with ``EXPO_TEST_POSTGRES_URL``; see
docs/benchmarks.md).
"""

import argparse
import asyncio
import gzip
import io
import json
import logging
import os
import random
import re
import statistics
import sys
import tempfile
import time
import uuid
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import sqlalchemy as sa
from litestar.testing import AsyncTestClient
from PIL import Image, ImageDraw
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine
from sqlmodel import col

from booths.applications.models import BookingCoExhibitor
from booths.bookings.models import Booking, BookingStatus
from booths.catalogue import directory
from booths.catalogue.models import ExhibitorProfile, Product
from booths.documents.models import DocumentKind, DocumentStatus, ExhibitorDocument
from booths.exhibitors.models import Exhibitor
from booths.venue import service as venue
from booths.venue.models import Booth, Expo
from booths.venue.schemas import ClusterCreate, ExpoCreate, HallCreate, PackageCreate
from expo.app import create_app
from expo.database import create_engine, create_sessionmaker
from expo.formatting import utcnow
from expo.metadata import table_of
from expo.migrate import upgrade
from expo.settings import Settings

TODAY = datetime.now(ZoneInfo("Asia/Jakarta")).date()
LOCAL_DB_HOSTS = {"127.0.0.1", "localhost", "::1"}
SECRET = "bench-secret-key-not-for-production"  # noqa: S105
CLUSTERS = ("kuliner", "busana", "kriya", "herbal", "kitab", "jasa")
REGENCIES = tuple(
    f"Kabupaten {name}"
    for name in [
        "Jombang",
        "Kediri",
        "Malang",
        "Blitar",
        "Tuban",
        "Gresik",
        "Lamongan",
        "Pasuruan",
        "Probolinggo",
        "Madiun",
        "Ngawi",
        "Sumenep",
    ]
)
GOODS = (
    "kopi robusta",
    "kopi arabika",
    "batik tulis",
    "batik cap",
    "sarung tenun",
    "kitab kuning",
    "mushaf",
    "keripik singkong",
    "keripik tempe",
    "sambal bawang",
    "madu hutan",
    "jamu kunyit",
    "minyak kayu putih",
    "abon lele",
    "bandeng presto",
    "kerudung",
    "peci rajut",
    "tas anyaman",
    "gula aren",
    "teh rosella",
)
PHONE_UA = "Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Mobile Safari/537"
QUERIES = [
    {"q": "kopi"},
    {"q": "batik"},
    {"q": "kitab"},
    {"q": "keripik pedas"},
    {"q": "madu"},
    {"q": "gula aren"},
    {"q": "usaha 42"},
    {"q": "tidak ada sama sekali"},
    {"category": "kuliner"},
    {"regency": "Kabupaten Kediri"},
    {"halal": "1"},
    {"q": "kopi", "halal": "1"},
    {"q": "sambal", "category": "kuliner"},
    {"page": "7"},
    {"q": "pesantren", "page": "2"},
    {},
]


def emit(name: str, value: float, unit: str, **extra: object) -> None:
    print(json.dumps({"name": name, "value": round(value, 1), "unit": unit, **extra}), flush=True)


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


async def _seed(session: Any, count: int, products: int) -> tuple[str, int]:
    rng = random.Random(16)
    start = TODAY + timedelta(days=40)
    expo = await venue.create_expo(
        session,
        ExpoCreate(
            slug=f"bench-{uuid.uuid4().hex[:6]}",
            name="Bench Expo",
            city="Jombang",
            venue="GOR",
            starts_on=start,
            ends_on=start + timedelta(days=3),
        ),
    )
    assert expo.id is not None
    for code in CLUSTERS:
        await venue.create_cluster(session, expo.id, ClusterCreate(code=code, name=code.title(), color="#e65100"))
    hall = await venue.create_hall(session, expo.id, HallCreate(code="A", name="A", width_m=2000, depth_m=2000))
    package = await venue.create_package(session, expo.id, PackageCreate(code="p", name="Paket", price=1_000_000))
    await session.flush()
    now = utcnow()
    stands = count - count // 10  # every tenth listed exhibitor is a partner on another's stand
    await session.execute(
        sa.insert(table_of(Booth)),
        [
            {
                "expo_id": expo.id,
                "hall_id": hall.id,
                "package_id": package.id,
                "code": f"A-{i:03d}",
                "x_m": (i % 40) * 4.0,
                "y_m": (i // 40) * 4.0,
                "width_m": 3.0,
                "depth_m": 3.0,
                "blocked": False,
                "created_at": now,
                "updated_at": now,
            }
            for i in range(stands)
        ],
    )
    await session.execute(
        sa.insert(table_of(Exhibitor)),
        [
            {
                "expo_id": expo.id,
                "name": f"Usaha {i} {GOODS[i % len(GOODS)].split()[0].title()}",
                "exhibitor_class": "pesantren" if i % 4 == 0 else "umkm",
                "nib": f"{9120000000000 + i}",
                "pesantren_name": f"Pondok Pesantren Nurul {i}" if i % 4 == 0 else None,
                "regency": REGENCIES[i % len(REGENCIES)],
                "contact_name": "Uji",
                "whatsapp": "+6281234567890",
                "email": f"u{i}@contoh.id",
                "cluster": CLUSTERS[i % len(CLUSTERS)],
                "description": "Usaha binaan dengan produk unggulan daerah.",
                "approval": "approved",
                "lock_version": 0,
                "created_at": now,
            }
            for i in range(count)
        ],
    )
    booths = list(
        (
            await session.scalars(sa.select(col(Booth.id)).where(col(Booth.expo_id) == expo.id).order_by(col(Booth.id)))
        ).all()
    )
    exhibitors = list(
        (
            await session.scalars(
                sa.select(col(Exhibitor.id)).where(col(Exhibitor.expo_id) == expo.id).order_by(col(Exhibitor.id))
            )
        ).all()
    )
    hosts, partners = exhibitors[:stands], exhibitors[stands:]
    await session.execute(
        sa.insert(table_of(Booking)),
        [
            {
                "expo_id": expo.id,
                "booth_id": booths[i],
                "exhibitor_id": hosts[i],
                "status": BookingStatus.CONFIRMED,
                "price": 1_000_000,
                "held_at": now,
                "confirmed_at": now,
                "updated_at": now,
            }
            for i in range(stands)
        ],
    )
    bookings = list(
        (
            await session.scalars(
                sa.select(col(Booking.id)).where(col(Booking.expo_id) == expo.id).order_by(col(Booking.id))
            )
        ).all()
    )
    await session.execute(
        sa.insert(table_of(BookingCoExhibitor)),
        [
            {"booking_id": bookings[i], "exhibitor_id": p, "staff_quota_share": 1, "created_at": now}
            for i, p in enumerate(partners)
        ],
    )
    await session.execute(
        sa.insert(table_of(ExhibitorProfile)),
        [
            {
                "exhibitor_id": e,
                "expo_id": expo.id,
                "story": "Cerita usaha kami. " * 20,
                "logo_key": f"catalogue/{expo.id}/2026/12/{uuid.uuid4().hex}-1024.jpg",
                "order_whatsapp": "6281234567890",
                "promotion": "Diskon selama pameran",
                "updated_at": now,
            }
            for e in exhibitors
        ],
    )
    await session.execute(
        sa.insert(table_of(Product)),
        [
            {
                "expo_id": expo.id,
                "exhibitor_id": exhibitors[i % count],
                "name": f"{rng.choice(GOODS).title()} {rng.choice(['pedas', 'manis', 'original', 'premium', '250 g'])}",
                "description": "Produk rumahan, dibuat setiap hari tanpa pengawet.",
                "price_min": 10_000 + (i % 50) * 1000,
                "unit": "pcs",
                "stock_note": "",
                "position": i // count,
                "created_at": now,
                "updated_at": now,
            }
            for i in range(products)
        ],
    )
    await session.execute(
        sa.insert(table_of(ExhibitorDocument)),
        [
            {
                "expo_id": expo.id,
                "exhibitor_id": e,
                "kind": DocumentKind.HALAL,
                "number": "ID351100000",
                "file_key": "d/x.pdf",
                "file_name": "halal.pdf",
                "content_type": "application/pdf",
                "size": 1000,
                "status": DocumentStatus.APPROVED,
                "expires_on": start + timedelta(days=365),
                "uploaded_at": now,
            }
            for e in exhibitors[::3]
        ],
    )
    await session.commit()
    # Statistics, as a live database has them (autovacuum; SQLite's optimizer reads sqlite_stat1):
    # right after a bulk insert PostgreSQL believes each table empty and plans nested loops.
    await session.execute(sa.text("ANALYZE"))
    await session.commit()
    return expo.slug, expo.id


def _logo_bytes() -> int:
    """A 160 px WebP of a photo-like logo (gradients and shapes), as the catalogue's variants are."""
    picture = Image.new("RGB", (1024, 1024))
    draw = ImageDraw.Draw(picture)
    rng = random.Random(7)
    for y in range(0, 1024, 4):
        draw.rectangle([0, y, 1024, y + 4], fill=(120 + y // 10, 80 + y // 20, 40 + y // 16))
    for _ in range(40):
        x, y, r = rng.randrange(1024), rng.randrange(1024), rng.randrange(20, 160)
        draw.ellipse([x - r, y - r, x + r, y + r], fill=(rng.randrange(256), rng.randrange(256), rng.randrange(256)))
    small = picture.resize((160, 160), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    small.save(out, "WEBP", quality=75)
    return len(out.getvalue())


async def _run(engine_name: str, url: str, count: int, products: int, searches: int) -> None:
    settings = Settings(database_url=url, secret_key=SECRET, embedded_worker=False)
    engine = create_engine(settings)
    try:
        async with create_sessionmaker(engine)() as session:
            slug, expo_id = await _seed(session, count, products)
            # The machine's load goes with every figure: timings on a busy machine are not this code's.
            extra = {"engine": engine_name, "exhibitors": count, "products": products, "load": os.getloadavg()[0]}
            expo = await session.get(Expo, expo_id)
            assert expo is not None
            times = []
            for i in range(searches + len(QUERIES)):
                query = QUERIES[i % len(QUERIES)]
                started = time.perf_counter()
                await directory.search(
                    session,
                    expo,
                    directory.DirectoryQuery(
                        q=query.get("q", ""),
                        category=query.get("category", ""),
                        regency=query.get("regency", ""),
                        halal=bool(query.get("halal")),
                        page=int(query.get("page", "1")),
                    ),
                )
                times.append((time.perf_counter() - started) * 1000)
            times = times[len(QUERIES) :]  # the first round compiles each statement's shape once
            emit("catalogue.search_service_p95_ms", percentile(times, 95), "ms", **extra)
    finally:
        await engine.dispose()

    async with AsyncTestClient(create_app(settings), base_url="http://bench.local") as client:
        client.headers["user-agent"] = PHONE_UA
        first = await client.get(f"/e/{slug}/catalogue")
        assert first.status_code == 200, first.text
        html = first.content
        assets = [await client.get(path) for path in re.findall(r'(?:href|src)="(/static/[^"]+)"', first.text)]
        logos = len(re.findall(r'<source type="image/webp"', first.text))
        logo = _logo_bytes()
        raw = len(html) + sum(len(a.content) for a in assets) + logos * logo
        zipped = len(gzip.compress(html)) + sum(len(gzip.compress(a.content)) for a in assets) + logos * logo
        emit("catalogue.first_page_bytes", raw, "bytes", **extra, html=len(html), logos=logos, logo_bytes=logo)
        emit("catalogue.first_page_gzip_bytes", zipped, "bytes", **extra, html=len(gzip.compress(html)))

        times, cpu = [], []
        for i in range(searches + len(QUERIES)):
            query = QUERIES[i % len(QUERIES)]
            started, started_cpu = time.perf_counter(), time.process_time()
            answer = await client.get(f"/e/{slug}/catalogue", params=query)
            times.append((time.perf_counter() - started) * 1000)
            cpu.append((time.process_time() - started_cpu) * 1000)
            assert answer.status_code == 200
        times, cpu = times[len(QUERIES) :], cpu[len(QUERIES) :]  # after a first round, as a running server is
        # CPU time of this process (app, client and, on SQLite, the database): what a search costs
        # whatever else the machine runs; on PostgreSQL the server's own work is not in it.
        emit("catalogue.search_cpu_p95_ms", percentile(cpu, 95), "ms", **extra)
        emit("catalogue.search_p50_ms", statistics.median(times), "ms", **extra)
        emit("catalogue.search_p95_ms", percentile(times, 95), "ms", **extra, requests=searches)

        listed = re.findall(rf'href="/e/{slug}/catalogue/(\d+)"', (await client.get(f"/e/{slug}/catalogue")).text)
        times = []
        for i in range(max(50, searches // 4)):
            started = time.perf_counter()
            answer = await client.get(f"/e/{slug}/catalogue/{listed[i % len(listed)]}")
            times.append((time.perf_counter() - started) * 1000)
            assert answer.status_code == 200
        emit("catalogue.profile_p95_ms", percentile(times, 95), "ms", **extra)


async def _admin(server_url: str, sql: str) -> None:
    engine = create_async_engine(make_url(server_url), isolation_level="AUTOCOMMIT")
    try:
        async with engine.connect() as conn:
            await conn.execute(sa.text(sql))
    finally:
        await engine.dispose()


def main() -> int:
    logging.getLogger("httpx").setLevel(logging.WARNING)  # one line per request otherwise
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--engines", default="sqlite,postgres", help="comma-separated: sqlite, postgres")
    parser.add_argument("--exhibitors", type=int, default=500)
    parser.add_argument("--products", type=int, default=5000)
    parser.add_argument("--searches", type=int, default=400)
    args = parser.parse_args()
    engines = [e.strip() for e in args.engines.split(",") if e.strip()]
    with tempfile.TemporaryDirectory(prefix="expo-catalogue-") as tmp:
        if "sqlite" in engines:
            sqlite_url = f"sqlite+aiosqlite:///{Path(tmp) / 'catalogue.db'}"
            upgrade(sqlite_url)  # before the loop: Alembic runs its own
            asyncio.run(_run("sqlite", sqlite_url, args.exhibitors, args.products, args.searches))
        postgres_url = os.environ.get("EXPO_TEST_POSTGRES_URL")
        if "postgres" in engines and postgres_url:
            url = make_url(postgres_url)
            if url.host not in LOCAL_DB_HOSTS:
                raise SystemExit(f"refusing to create databases on {url.host}: this bench only targets 127.0.0.1")
            name = f"expo_bench_catalogue_{os.getpid()}"
            asyncio.run(_admin(postgres_url, f'CREATE DATABASE "{name}"'))
            try:
                target = url.set(database=name).render_as_string(hide_password=False)
                upgrade(target)
                asyncio.run(_run("postgres", target, args.exhibitors, args.products, args.searches))
            finally:
                asyncio.run(_admin(postgres_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
