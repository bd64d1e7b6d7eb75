"""Pass rendering speed and memory: one A6 pass, the QR matrix, token checks, and big A4 batches.

Prints JSON lines on stdout (``{"name", "value", "unit", ...}``), progress on stderr. Each batch runs in
a fresh child process (``--batch N``) so that its peak memory is its own: the parent process and
each render process report their peak resident set (VmHWM). Cards are built as the job builds them
(tokens signed one by one in the parent) from fictional names, a fifth of them Arabic, a third staff
passes with a hall plan.

    python bench/pass_pdf.py                  # everything (10,000 and 1,000 pass batches)
    python bench/pass_pdf.py --passes 2000    # a smaller big batch
"""

import argparse
import asyncio
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


if TYPE_CHECKING:
    from tickets.printing.pdf import PassCard


def log(message: str) -> None:
    print(f"[pass_pdf] {message}", file=sys.stderr, flush=True)


def emit(name: str, value: float, unit: str, **extra: object) -> None:
    print(json.dumps({"name": name, "value": round(value, 3), "unit": unit} | extra), flush=True)


def _cards(n: int) -> Iterator["PassCard"]:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from tickets.printing import pdf
    from tickets.signing import tokens

    key = Ed25519PrivateKey.from_private_bytes(bytes(range(32)))
    days = tuple(date(2026, 10, 20) + timedelta(i) for i in range(6))
    hall = pdf.HallPlan(
        key="1",
        name="Hall A – Gedung Utama",
        width_m=48,
        depth_m=30,
        booths=tuple(
            (12 + 3 * c + (3 if c >= 5 else 0), 3 + 3 * r + 3 * (r // 2), 3, 3) for r in range(6) for c in range(10)
        ),
    )
    first = ("Ahmad", "Siti", "Muhammad", "Nur", "Fatimah", "Abdul", "Dewi", "Imam", "Laili", "Yusuf")
    last = ("Hidayat", "Maulana", "Rahmawati", "Fauzi", "Azizah", "Santoso", "Mubarok", "Khasanah")
    arabic = ("محمد الفاتح", "عبد الرحمن بن أحمد", "فاطمة الزهراء", "معهد النور")
    kinds = (("1", "PESERTA PAMERAN", "#1565c0"), ("2", "PENGUNJUNG", "#2e7d32"), ("3", "PANITIA", "#c62828"))
    for i in range(n):
        kind_key, band, color = kinds[i % 3]
        valid = days if kind_key != "2" else days[i % 6 : i % 6 + 1 + i % 2]
        chips = tuple(
            pdf.DayChip(top=("Sel", "Rab", "Kam", "Jum", "Sab", "Min")[j], bottom=str(20 + j), valid=d in valid)
            for j, d in enumerate(days)
        )
        name = arabic[i % 4] if i % 5 == 0 else f"{first[i % 10]} {last[(i // 10) % 8]} {i}"
        staff = kind_key == "1"
        yield pdf.PassCard(
            token=tokens.sign(tokens.Claims(1, 1, 1_000_000 + i, int(kind_key), valid), key),
            code=f"K7DM-{i % 10000:04d}".replace("0", "A").replace("1", "C"),
            holder_name=name,
            kind_key=kind_key,
            band_label=band,
            color=color,
            expo_name="Expo UMKM & OPOP Hari Santri 2026",
            expo_line="20–25 Oktober 2026 · Gedung Serbaguna Jombang",
            days=chips,
            hours="07.00–22.00 WIB",
            organisation="Keripik Tempe Nurul Huda" if staff else "Santri · Jombang",
            booth_code=f"A-{i % 60 + 1:02d}" if staff else None,
            hall=hall if staff else None,
            booth_rect=hall.booths[i % 60] if staff else None,
        )


def _rss_mb(pid: int | str = "self") -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 if pid == "self" else 0.0


def run_batch(n: int, workers: int) -> dict[str, float]:
    """One batch to a temporary file (in this process): throughput, CPU and peak memory."""
    from tickets.printing import batch

    async def go() -> dict[str, float]:
        with tempfile.TemporaryDirectory() as tmp, batch.process_pool(workers) as pool:
            # start the render processes before the clock (a job pays this once, about 0.3 s)
            await asyncio.gather(
                *(asyncio.get_running_loop().run_in_executor(pool, time.sleep, 0.05) for _ in range(workers))
            )
            pids = list(getattr(pool, "_processes", {}) or {})
            cpu0 = _cpu_seconds(pids)
            start = time.perf_counter()
            with Path(tmp, "batch.pdf").open("wb") as out:  # noqa: ASYNC230  (the splicer writes synchronously)
                result = await batch.write_batch(batch.pages_of(_cards(n)), "a4", out, executor=pool)
            elapsed = time.perf_counter() - start
            cpu = _cpu_seconds(pids) - cpu0
            worker_rss = [_rss_mb(pid) for pid in pids]
            return {
                "passes": result.passes,
                "pages": result.pages,
                "seconds": elapsed,
                "cpu_seconds": cpu,
                "size_mb": result.size / 2**20,
                "parent_rss_mb": _rss_mb(),
                "worker_rss_mb": max(worker_rss or [0.0]),
                "total_rss_mb": _rss_mb() + sum(worker_rss),
            }

    return asyncio.run(go())


def _cpu_seconds(pids: list[int]) -> float:
    """CPU time of this process and the render processes (utime + stime, from /proc)."""
    tick = os.sysconf("SC_CLK_TCK")
    total = sum(resource.getrusage(resource.RUSAGE_SELF)[:2])
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / tick
        except (OSError, IndexError, ValueError):
            pass
    return total


def bench_single(samples: int) -> None:
    from tickets.printing import pdf

    cards = list(_cards(samples + 10))
    pdf.single_pdf(cards[0])  # fonts registered, caches warm
    times = []
    for card in cards[10:]:
        start = time.perf_counter()
        pdf.single_pdf(card)
        times.append((time.perf_counter() - start) * 1000)
    emit(
        "passes.single_pdf_ms",
        statistics.median(times),
        "ms",
        p90=round(sorted(times)[int(0.9 * len(times))], 3),
        samples=samples,
    )


def bench_qr_and_tokens() -> None:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from expo import qr
    from tickets.signing import tokens

    key = Ed25519PrivateKey.generate()
    claims = tokens.Claims(1, 1, 123456789, 2, tuple(date(2026, 10, 20) + timedelta(i) for i in range(6)))
    token = tokens.sign(claims, key)
    n = 2000
    start = time.perf_counter()
    for _ in range(n):
        qr.matrix_bits(token)
    emit("qr.encode_ms", (time.perf_counter() - start) / n * 1000, "ms", version=qr.VERSION, mask=qr.MASK)
    start = time.perf_counter()
    for _ in range(n):
        qr.dark_runs(qr.matrix_bits(token))
    emit("qr.encode_with_runs_ms", (time.perf_counter() - start) / n * 1000, "ms")
    import qrcode

    start = time.perf_counter()
    for _ in range(50):
        code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=0)
        code.add_data(token)
        code.make(fit=True)
    emit("qr.encode_qrcode_default_ms", (time.perf_counter() - start) / 50 * 1000, "ms", note="qrcode, 8-mask search")
    public = {1: key.public_key()}
    n = 5000
    start = time.perf_counter()
    for _ in range(n):
        tokens.verify(token, public, 1)
    emit("token.verify_per_s", n / (time.perf_counter() - start), "1/s")
    start = time.perf_counter()
    for _ in range(n):
        tokens.sign(claims, key)
    emit("token.sign_per_s", n / (time.perf_counter() - start), "1/s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--passes", type=int, default=10_000, help="size of the big batch")
    parser.add_argument("--small", type=int, default=1_000, help="size of the small batch (memory must stay flat)")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--single-samples", type=int, default=200)
    parser.add_argument("--batch", type=int, default=0, help=argparse.SUPPRESS)  # child mode
    args = parser.parse_args()
    if args.batch:
        print(json.dumps(run_batch(args.batch, args.workers)), flush=True)
        return
    log(f"cores {os.cpu_count()}, load {os.getloadavg()[0]:.1f}")
    bench_single(args.single_samples)
    bench_qr_and_tokens()
    for n in (args.small, args.passes):
        log(f"batch of {n} passes on A4 with {args.workers} render processes")
        child = subprocess.run(
            [sys.executable, __file__, "--batch", str(n), "--workers", str(args.workers)],
            capture_output=True,
            text=True,
            check=True,
            timeout=1800,
        )
        stats = json.loads(child.stdout.strip().splitlines()[-1])
        extra = {"passes": n, "workers": args.workers}
        if n == args.passes:
            emit(
                "passes.batch_per_s",
                stats["passes"] / stats["seconds"],
                "1/s",
                **extra,
                seconds=round(stats["seconds"], 2),
            )
            emit("passes.batch_cpu_ms_per_pass", stats["cpu_seconds"] / stats["passes"] * 1000, "ms", **extra)
            emit("passes.batch_file_mb", stats["size_mb"], "MiB", **extra, pages=stats["pages"])
        emit(
            "passes.batch_peak_rss_mb",
            max(stats["parent_rss_mb"], stats["worker_rss_mb"]),
            "MiB",
            **extra,
            parent_mb=round(stats["parent_rss_mb"], 1),
            worker_mb=round(stats["worker_rss_mb"], 1),
            all_processes_mb=round(stats["total_rss_mb"], 1),
        )


if __name__ == "__main__":
    main()
