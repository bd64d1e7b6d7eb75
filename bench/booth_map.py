"""Booth-map rendering: how long a PDF map takes and how much memory it needs.

Two venues: the demo expo (seeded into a fresh SQLite file, every hall, A3, public view, with the
index pages) and a generated hall of 1,000 booths with exhibitor names (A1, public view). Each
render is timed several times and the median reported; the layout check of the 1,000 booths too.

Prints one JSON object per line and figure::

    {"name": "map.render_ms", "value": 412.3, "unit": "ms", "venue": "generated-1000", "paper": "a1"}

Run: ``.venv/bin/python bench/booth_map.py`` (see docs/benchmarks.md).
"""

import argparse
import asyncio
import json
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from booths.maps.draw.document import MapBooth, MapCluster, MapData, MapHall, PrintOptions, render_map
from booths.maps.layout_check import HallPlan, Rules, check_venue
from booths.venue.geometry import BlockSpec, Rect, block_layout

CLUSTERS = (
    MapCluster("kuliner", "Kuliner & Makanan Olahan", "#e65100"),
    MapCluster("fashion", "Fashion & Busana Muslim", "#ad1457"),
    MapCluster("kerajinan", "Kerajinan & Kriya", "#6d4c41"),
    MapCluster("herbal", "Herbal & Kesehatan", "#00897b"),
)
WORDS = ("Keripik", "Tempe", "Sambal", "Batik", "Tulis", "Nurul", "Huda", "Darul", "Falah", "Barokah", "Jaya", "Santri")


def emit(name: str, value: float, unit: str, **extra: object) -> None:
    print(json.dumps({"name": name, "value": round(value, 1), "unit": unit, **extra}), flush=True)


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def timed(runs: int, work: "object") -> tuple[float, bytes]:
    times, result = [], b""
    for _ in range(runs):
        started = time.perf_counter()
        result = work()  # type: ignore[operator]
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times), result


def generated_venue(count: int) -> MapData:
    columns = 25
    rows = -(-count // columns)
    rows += rows % 2
    layout = block_layout(BlockSpec(3, 3, rows, columns, 3, 3, 3, "A", back_to_back=True))[:count]
    booths = []
    for i, (code, rect) in enumerate(layout):
        name = " ".join(WORDS[(i * k + k) % len(WORDS)] for k in range(1, 2 + i % 4))
        booths.append(
            MapBooth(code, rect.x, rect.y, rect.w, rect.d, "confirmed", CLUSTERS[i % 4].code, f"{name} {code}")
        )
    width = 3 + columns * 3 + 3
    depth = max(r.bottom for _, r in layout) + 3
    hall = MapHall("A", "Hall A", width, depth, booths)
    return MapData(
        "Expo Bench", "20–25 Oktober 2026", "Gedung", "Jombang", "http://127.0.0.1:8000/e/bench/map", "bench",
        "28 Nov 2026 10.00 WIB", [hall], CLUSTERS,
    )  # fmt: skip


async def demo_data() -> MapData:
    from booths.demo.expo import seed_demo
    from booths.demo.published import DEMO_SLUG
    from booths.maps.service import load_map_data
    from booths.venue.service import get_expo_by_slug
    from expo.database import create_engine, session_scope
    from expo.migrate import upgrade
    from expo.security import Passwords
    from expo.settings import Settings

    url = f"sqlite+aiosqlite:///{tempfile.mkdtemp()}/bench-map.db"
    await asyncio.to_thread(upgrade, url)  # Alembic runs its own event loop
    engine = create_engine(Settings(database_url=url, secret_key="bench-not-secret"))  # noqa: S106
    try:
        async with session_scope(engine) as session:
            await seed_demo(session, Passwords(1, 64))
            expo = await get_expo_by_slug(session, DEMO_SLUG)
            return await load_map_data(session, expo, base_url="http://127.0.0.1:8000", locale="id")
    finally:
        await engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--booths", type=int, default=1000)
    args = parser.parse_args()

    demo = asyncio.run(demo_data())
    render_map(demo, PrintOptions(paper="a3"))  # fonts registered, caches warm
    ms, pdf = timed(args.runs, lambda: render_map(demo, PrintOptions(paper="a3")))
    booths = sum(len(h.booths) for h in demo.halls)
    emit("map.render_ms", ms, "ms", venue="demo", booths=booths, paper="a3", pdf_kib=len(pdf) // 1024)

    big = generated_venue(args.booths)
    for paper in ("a1", "a0"):
        ms, pdf = timed(args.runs, lambda p=paper: render_map(big, PrintOptions(paper=p)))
        emit("map.render_ms", ms, "ms", venue=f"generated-{args.booths}", booths=args.booths, paper=paper,
             pdf_kib=len(pdf) // 1024)  # fmt: skip
    hall = big.halls[0]
    plan = HallPlan(hall.code, hall.width, hall.depth, [(b.code, Rect(b.x, b.y, b.w, b.d)) for b in hall.booths])
    ms, _ = timed(args.runs, lambda: check_venue([plan], Rules()) and b"")
    emit("map.check_ms", ms, "ms", venue=f"generated-{args.booths}", booths=args.booths)
    emit("map.peak_rss_mb", peak_rss_mb(), "MiB")


if __name__ == "__main__":
    main()
