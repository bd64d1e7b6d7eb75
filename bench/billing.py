"""Billing benchmarks: one function per figure, each printing JSON lines on stdout
(``{"name", "value", "unit", ...}``), progress on stderr.

- ``receipts_batch``: an expo's receipts printed in one batch (``booths.billing.draw.render_many``,
  A5, one process): receipts per second, and the peak resident set of the process that printed
  them. Each batch runs in a fresh child process (``--receipts-child N``) so its peak memory is its
  own; a smaller batch runs too, and the difference shows whether memory grows with the batch.

    python bench/billing.py                   # every figure
    python bench/billing.py --receipts 2000   # a bigger batch
"""

import argparse
import io
import json
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def log(message: str) -> None:
    print(f"[billing] {message}", file=sys.stderr, flush=True)


def emit(name: str, value: float, unit: str, **extra: object) -> None:
    print(json.dumps({"name": name, "value": round(value, 3), "unit": unit} | extra), flush=True)


def peak_rss_mb() -> float:
    """This process's peak resident set (VmHWM), in MB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def _receipts(n: int) -> Iterator[object]:
    """Receipts as the batch job builds them, one at a time: the expo's letterhead, logo, signature
    and stamp shared, a different exhibitor, amount and verification link each; a fifth Arabic."""
    from booths.billing.draw import Party
    from tests.booths.billing import document_samples as samples

    base = samples.receipt()
    businesses = ("Kopontren Al-Hikmah", "UD Berkah Santri", "Batik Tebuireng", "Kripik Mbok Sri", "معهد النور")
    for i in range(1, n + 1):
        amount = 250_000 + (i * 37_000) % 9_000_000
        number = f"KW/EXPO26/{i:04d}"
        yield replace(
            base,
            number=number,
            amount=amount,
            received_from=Party(name=f"Peserta {i}", business=f"{businesses[i % 5]} {i}"),
            purpose=f"Pembayaran sewa stan B-{i % 120 + 1:03d}, Expo UMKM Pesantren Jombang 2026",
            verify_url=f"https://expo.example.id/verify/KW-EXPO26-{i:04d}.{amount}.Yb3kq9Xv2LmP0sTz{i % 10}",
        )


def receipts_child(n: int) -> None:
    """Print ``n`` receipts into a temporary file; report the time and this process's peak memory."""
    from booths.billing.draw import render_many
    from expo.fonts import register_fonts

    register_fonts()
    render_many(_receipts(2), io.BytesIO(), "A5")  # warm: fonts parsed, code paths loaded
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp, "receipts.pdf")
        start = time.perf_counter()
        with path.open("wb") as out:
            result = render_many(_receipts(n), out, "A5", title="Kuitansi")  # type: ignore[arg-type]
        seconds = time.perf_counter() - start
        print(json.dumps({"seconds": seconds, "pages": result.pages, "bytes": result.size, "peak": peak_rss_mb()}))


def _run_child(n: int) -> dict[str, float]:
    done = subprocess.run(
        [sys.executable, __file__, "--receipts-child", str(n)], check=True, capture_output=True, text=True
    )
    result: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def receipts_batch(n: int = 1000) -> None:
    """``billing.receipts_per_s`` and ``billing.receipts_peak_rss_mb`` (goal: 1,000 receipts at least
    100/s with memory flat), and ``billing.receipts_rss_growth_mb``: the peak of ``n`` minus that of
    ``n // 4`` receipts."""
    small = max(1, n // 4)
    log(f"{small} receipts (memory baseline)")
    base = _run_child(small)
    log(f"{n} receipts")
    big = _run_child(n)
    load = Path("/proc/loadavg").read_text().split()[0]
    emit("billing.receipts_per_s", n / big["seconds"], "receipts/s", receipts=n, paper="A5", loadavg=load)
    emit("billing.receipts_peak_rss_mb", big["peak"], "MB", receipts=n, mb_per_page=round(big["bytes"] / n / 1e6, 4))
    emit("billing.receipts_rss_growth_mb", big["peak"] - base["peak"], "MB", receipts=f"{small} -> {n}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--receipts", type=int, default=1000)
    parser.add_argument("--receipts-child", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.receipts_child:
        receipts_child(args.receipts_child)
        return
    receipts_batch(args.receipts)


if __name__ == "__main__":
    main()
