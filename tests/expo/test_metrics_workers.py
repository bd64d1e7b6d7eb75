"""``expo serve --workers 2`` with metrics on: requests land on both workers (one SO_REUSEPORT socket
each), and every scrape, whichever worker answers it, reports all of them (prometheus-client's
multiprocess mode, set up by ``expo serve``)."""

from pathlib import Path

import httpx

from expo.settings import Settings
from tests.support.metrics import SCRAPER, TOKEN, samples
from tests.support.serve_process import expo_serve, serve_env

REQUESTS = 30


def _counted(text: str) -> float:
    found = samples(text)
    return sum(
        v
        for (name, labels), v in found.items()
        if name == "expo_http_requests_total" and dict(labels).get("route") in ("/api/expos", "/api/expos/")
    )


def test_every_scrape_adds_up_all_workers(served_settings: Settings, tmp_path: Path) -> None:
    folder = tmp_path / "prometheus"
    (folder / "counter_1.db").parent.mkdir()
    (folder / "counter_1.db").write_bytes(b"left by a process of an earlier run")
    env = serve_env(
        served_settings, EXPO_METRICS_ENABLED="true", EXPO_METRICS_TOKEN=TOKEN, PROMETHEUS_MULTIPROC_DIR=str(folder)
    )
    with expo_serve(env, tmp_path / "serve.log", workers=2) as base:
        assert not (folder / "counter_1.db").exists()  # emptied at the start: stale files would be added in
        for _ in range(REQUESTS):  # a new connection each: the kernel spreads them over the workers
            assert httpx.get(f"{base}/api/expos", timeout=10).status_code == 200
        writers = {p.stem.rsplit("_", 1)[-1] for p in folder.glob("counter_*.db")}
        assert len(writers) >= 2, f"only {writers} counted: the requests did not reach both workers"
        for _ in range(6):
            scraped = httpx.get(f"{base}/metrics", headers=SCRAPER, timeout=10)
            assert scraped.status_code == 200, scraped.text
            assert _counted(scraped.text) == REQUESTS
        assert httpx.get(f"{base}/metrics", timeout=10).status_code == 401
