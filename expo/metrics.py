"""What the servers count for Prometheus (``/metrics``, served by ``expo/metrics_api.py``).

Counters and histograms live in the process that counts them. ``expo serve --workers N`` runs N
processes behind one port (SO_REUSEPORT), so a scrape reaches whichever worker the kernel picks and
a per-process answer would jump between the workers' numbers. prometheus-client's multiprocess mode
solves exactly this: when ``PROMETHEUS_MULTIPROC_DIR`` is set before the library is imported, each
process writes its values to files in that folder and any worker's scrape adds up all of them.
``expo serve`` sets the folder for its workers (``multiprocess_dir``); a single process counts in
memory. The job queue is not counted at all: it is read from the database at scrape time.

Recording is a dictionary look-up and an add (a few microseconds; in multiprocess mode a write
into a memory-mapped file), cheap enough for the scan path.
"""

import collections
import os
import shutil
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from litestar.enums import ScopeType
from litestar.types import ASGIApp, Message, Receive, Scope, Send
from prometheus_client import REGISTRY, CollectorRegistry, Counter, Histogram, generate_latest, multiprocess

MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"

SCANS = Counter(
    "expo_gate_scans",
    "Scans decided by the server, by how they arrived (online, sync) and their status and reason.",
    ["source", "status", "reason"],
)
SCAN_SECONDS = Histogram(
    "expo_gate_scan_seconds",
    "Time the server took to decide one online scan (from its request read to its answer built).",
    buckets=(0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0),
)
SYNC_BATCH = Histogram(
    "expo_gate_sync_batch_scans",
    "Offline scans per sync batch a scanner sent: how long gates queued while away.",
    buckets=(1, 5, 10, 25, 50, 100, 250, 500, 1000),
)
SYNC_SCANS = Counter("expo_gate_sync_scans", "Offline scans received in sync batches, by outcome.", ["outcome"])
HTTP_REQUESTS = Counter(
    "expo_http_requests", "HTTP requests answered, by method, route template and status.", ["method", "route", "status"]
)
HTTP_SECONDS = Histogram(
    "expo_http_request_seconds",
    "Time to answer an HTTP request, by method and route template (event streams: their whole life).",
    ["method", "route"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0),
)


def record_scan(source: str, status: str, reason: str) -> None:
    SCANS.labels(source, status, reason).inc()


def record_scan_seconds(seconds: float) -> None:
    SCAN_SECONDS.observe(seconds)


def record_sync(answers: list[tuple[str, str]], duplicates: int, conflicts: int) -> None:
    """One offline batch: its size, its scans by (status, reason) counted once per pair (a batch of
    500 is a handful of increments), and its outcomes."""
    SYNC_BATCH.observe(len(answers))
    for (status, reason), count in collections.Counter(answers).items():
        SCANS.labels("sync", status, reason).inc(count)
    SYNC_SCANS.labels("stored").inc(len(answers) - duplicates)
    SYNC_SCANS.labels("duplicate").inc(duplicates)
    SYNC_SCANS.labels("conflict").inc(conflicts)


def process_metrics() -> bytes:
    """The text exposition of what every server process has counted (all workers' files in
    multiprocess mode, else this process's registry)."""
    if os.environ.get(MULTIPROC_ENV):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
        return generate_latest(registry)
    return generate_latest(REGISTRY)


class HttpMetricsMiddleware:
    """Counts and times each routed request under its route template (``/api/expos/{expo_id:int}``),
    never the raw path, so the number of series stays that of the routes."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != ScopeType.HTTP:
            await self.app(scope, receive, send)
            return
        route = scope.get("path_template") or "unrouted"
        method = scope.get("method", "GET")
        status = 500  # what the client gets if the app raises before answering
        started = time.perf_counter()

        async def sending(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, sending)
        except Exception as exc:  # answered further out by the exception handlers, with this status
            status = _status_of(exc)
            raise
        finally:
            HTTP_REQUESTS.labels(method, route, str(status)).inc()
            HTTP_SECONDS.labels(method, route).observe(time.perf_counter() - started)


def _status_of(exc: Exception) -> int:
    """Litestar's HTTP errors carry ``status_code``, our domain errors ``status``; the rest are 500s."""
    for name in ("status_code", "status"):
        value = getattr(exc, name, None)
        if isinstance(value, int):
            return value
    return 500


@contextmanager
def multiprocess_dir(environ: Any = os.environ) -> Iterator[Path]:
    """For ``expo serve`` with several workers: an empty folder for their metric files, named in
    ``PROMETHEUS_MULTIPROC_DIR`` for the worker processes to inherit. A folder given there already
    is emptied first (files of processes that no longer run would be added up forever); one made
    here is removed afterwards."""
    given = environ.get(MULTIPROC_ENV)
    if given:
        folder = Path(given)
        folder.mkdir(parents=True, exist_ok=True)
        for stale in folder.glob("*.db"):
            stale.unlink()
        yield folder
        return
    folder = Path(tempfile.mkdtemp(prefix="expo-metrics-"))
    environ[MULTIPROC_ENV] = str(folder)
    try:
        yield folder
    finally:
        environ.pop(MULTIPROC_ENV, None)
        shutil.rmtree(folder, ignore_errors=True)
