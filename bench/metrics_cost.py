"""What the scan path's metric calls cost: ``record_scan`` + ``record_scan_seconds`` per scan, in one
process (counts in memory) and in prometheus-client's multiprocess mode (counts in memory-mapped
files, as under ``expo serve --workers N``), and what one scrape of the process metrics costs.

Prints JSON lines::

    {"name": "metrics.scan_record_us", "value": 3.1, "unit": "us", "mode": "memory"}

Run: ``.venv/bin/python bench/metrics_cost.py`` (bounded: a fixed number of calls per mode).
"""

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CALLS = 200_000
REASONS = ("ok", "already_inside", "not_valid_today", "revoked")


def measure(mode: str) -> None:
    sys.path.insert(0, str(ROOT))
    from expo import metrics

    started = time.perf_counter()
    for n in range(CALLS):
        reason = REASONS[n % len(REASONS)]
        metrics.record_scan("online", "ok" if reason == "ok" else "refused", reason)
        metrics.record_scan_seconds(0.004)
    per_call = (time.perf_counter() - started) / CALLS * 1e6
    print(json.dumps({"name": "metrics.scan_record_us", "value": round(per_call, 2), "unit": "us", "mode": mode}))
    started = time.perf_counter()
    for _ in range(100):
        body = metrics.process_metrics()
    per_scrape = (time.perf_counter() - started) / 100 * 1e3
    print(json.dumps({"name": "metrics.scrape_ms", "value": round(per_scrape, 3), "unit": "ms", "mode": mode}))
    print(json.dumps({"name": "metrics.scrape_bytes", "value": len(body), "unit": "bytes", "mode": mode}))


def main() -> int:
    if len(sys.argv) > 1:
        measure(sys.argv[1])
        return 0
    for mode in ("memory", "multiprocess"):
        env = dict(os.environ)
        env.pop("PROMETHEUS_MULTIPROC_DIR", None)
        with tempfile.TemporaryDirectory(prefix="expo-metrics-bench-") as folder:
            if mode == "multiprocess":
                env["PROMETHEUS_MULTIPROC_DIR"] = folder  # before the library is imported, as expo serve does
            subprocess.run([sys.executable, __file__, mode], env=env, check=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
