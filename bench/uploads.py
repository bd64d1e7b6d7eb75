"""Upload check benchmark: how long ``expo.uploads.check_upload`` takes on what people send.

Files made here: a 12 MP phone photo (JPEG, 4000 x 3000, with EXIF), the same scaled to a 2000 px edge,
a 1080 x 2400 banking-app screenshot (PNG), a 5 MB noise PNG (the worst case under the size limit), a
one-page PDF, and a decompression bomb (refused from its header). Each is checked ``--rounds`` times in
this process (one core); the median and the slowest are printed as JSON lines::

    {"name": "uploads.photo_12mp_jpeg_ms", "value": 412.0, "unit": "ms", "max": 450.1, "bytes": 2100000}

Run: ``.venv/bin/python bench/uploads.py [--rounds 5]`` (see docs/benchmarks.md).
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import random
import statistics
import struct
import sys
import time
import zlib
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # the project may not be installed into the venv
    sys.path.insert(0, str(ROOT))

from PIL import Image, ImageDraw  # noqa: E402
from reportlab.pdfgen import canvas  # noqa: E402

from expo.errors import DomainError  # noqa: E402
from expo.uploads import IMAGES_AND_PDF, check_upload  # noqa: E402

LIMIT = 5 * 1024 * 1024


def photo() -> bytes:
    rng = random.Random(1)
    image = Image.new("RGB", (4000, 3000), (120, 160, 200))
    draw = ImageDraw.Draw(image)
    for _ in range(400):  # shapes and edges, so the JPEG is photo-sized rather than flat
        x, y = rng.randrange(4000), rng.randrange(3000)
        draw.ellipse((x, y, x + rng.randrange(20, 400), y + rng.randrange(20, 400)), fill=(rng.randrange(256),) * 3)
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"
    exif[0x0112] = 6
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=92, exif=exif.tobytes())
    return out.getvalue()


def screenshot() -> bytes:
    image = Image.new("RGB", (1080, 2400), (255, 255, 255))
    draw = ImageDraw.Draw(image)
    for row in range(60):
        draw.text((40, 40 + row * 38), f"Transfer berhasil  Rp {row * 125_000:,}  BCA 1234567890", fill=(0, 0, 0))
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def noise_png() -> bytes:
    side = 1290
    image = Image.frombytes("RGB", (side, side), random.Random(2).randbytes(side * side * 3))
    out = io.BytesIO()
    image.save(out, format="PNG", compress_level=0)
    return out.getvalue()


def pdf() -> bytes:
    out = io.BytesIO()
    page = canvas.Canvas(out)
    page.drawString(72, 720, "Bukti transfer Rp 1.500.000")
    page.showPage()
    page.save()
    return out.getvalue()


def bomb() -> bytes:
    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    header = struct.pack(">IIBBBBB", 100_000, 100_000, 8, 0, 0, 0, 0)
    body = chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\0" * 1024)) + chunk(b"IEND", b"")
    return b"\x89PNG\r\n\x1a\n" + body


def measure(name: str, data: bytes, rounds: int, check: Callable[[bytes], object]) -> None:
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        with contextlib.suppress(DomainError):  # the bomb: refusing it is what is measured
            check(data)
        times.append((time.perf_counter() - start) * 1000)
    print(
        json.dumps(
            {
                "name": f"uploads.{name}_ms",
                "value": round(statistics.median(times), 1),
                "unit": "ms",
                "max": round(max(times), 1),
                "bytes": len(data),
            }
        )
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()

    def plain(data: bytes) -> object:
        return check_upload(data, allowed=IMAGES_AND_PDF, max_bytes=LIMIT)

    def scaled(data: bytes) -> object:
        return check_upload(data, allowed=IMAGES_AND_PDF, max_bytes=LIMIT, max_edge=2000)

    big_photo = photo()
    measure("photo_12mp_jpeg", big_photo, args.rounds, plain)
    measure("photo_12mp_jpeg_to_2000px", big_photo, args.rounds, scaled)
    measure("screenshot_png", screenshot(), args.rounds, plain)
    measure("noise_png_5mb", noise_png(), args.rounds, plain)
    measure("pdf_one_page", pdf(), args.rounds, plain)
    measure("bomb_refused", bomb(), args.rounds, plain)


if __name__ == "__main__":
    main()
