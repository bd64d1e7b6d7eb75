"""``/metrics``: off by default, only with the bearer token when on, and counting what happened:
scans by source, status and reason, the scan latency, sync batches, HTTP requests by route template,
and the job queue read from the database at scrape time.

Counters live in the test process for the whole run, so the content tests compare a scrape before
with a scrape after (deltas), never absolute numbers."""

from collections.abc import AsyncIterator
from datetime import timedelta

import pytest
from pydantic import ValidationError
from sqlalchemy.ext.asyncio import AsyncSession

from expo.formatting import utcnow
from expo.jobs import enqueue
from expo.settings import Settings
from tests.support.client import ClientWith, SameLoopTestClient
from tests.support.gate import gate_over_http, nonce, now_iso, pass_over_http
from tests.support.metrics import SCRAPER, TOKEN, Samples, samples, value
from tests.support.passes import Client

pytestmark = pytest.mark.anyio


@pytest.fixture
async def scraped(client_with: ClientWith) -> AsyncIterator[SameLoopTestClient]:
    async with client_with(metrics_enabled=True, metrics_token=TOKEN) as client:
        yield client


async def scrape(client: Client) -> Samples:
    response = await client.get("/metrics", headers=SCRAPER)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/plain")
    return samples(response.text)


async def test_metrics_are_off_unless_enabled(client: Client) -> None:
    assert (await client.get("/metrics", headers=SCRAPER)).status_code == 404


def test_enabling_metrics_without_a_real_token_refuses_to_start() -> None:
    with pytest.raises(ValidationError, match="EXPO_METRICS_TOKEN"):
        Settings(metrics_enabled=True, metrics_token="")
    with pytest.raises(ValidationError, match="EXPO_METRICS_TOKEN"):
        Settings(metrics_enabled=True, metrics_token="short")


@pytest.mark.parametrize(
    "headers",
    [{}, {"Authorization": "Bearer wrong-token-wrong-token"}, {"Authorization": TOKEN}, {"Authorization": "Bearer "}],
    ids=["none", "wrong", "no-scheme", "empty"],
)
async def test_metrics_need_the_bearer_token(scraped: Client, headers: dict[str, str]) -> None:
    response = await scraped.get("/metrics", headers=headers)
    assert response.status_code == 401
    assert response.headers["content-type"].startswith("application/problem+json")
    assert "expo_" not in response.text


async def test_scans_and_syncs_are_counted(scraped: Client, session: AsyncSession) -> None:
    expo_id, organiser, device = await gate_over_http(scraped, session)
    token = await pass_over_http(scraped, expo_id, organiser)
    before = await scrape(scraped)

    def scan(direction: str = "entry") -> dict[str, str]:
        return {"text": token, "direction": direction, "client_scan_id": nonce(), "scanned_at": now_iso()}

    assert (await scraped.post("/api/gate/scans", json=scan(), headers=device)).json()["reason"] == "ok"
    again = await scraped.post("/api/gate/scans", json=scan(), headers=device)
    refused = again.json()
    assert refused["status"] != "ok" or refused["reason"] != "ok"  # already inside: a refusal with its reason
    batch = [scan("exit") | {"device_status": "ok"}, scan("entry") | {"device_status": "ok"}]
    synced = await scraped.post("/api/gate/sync", json={"scans": batch}, headers=device)
    assert synced.status_code == 200, synced.text
    after = await scrape(scraped)

    def delta(name: str, **labels: str) -> float:
        return value(after, name, **labels) - value(before, name, **labels)

    assert delta("expo_gate_scans_total", source="online", status="ok", reason="ok") == 1
    assert delta("expo_gate_scans_total", source="online", status=refused["status"], reason=refused["reason"]) == 1
    assert sum(delta("expo_gate_scans_total", **dict(k)) for n, k in after if n == "expo_gate_scans_total") == 4
    assert delta("expo_gate_scan_seconds_count") == 2
    assert delta("expo_gate_scan_seconds_sum") > 0
    assert delta("expo_gate_sync_batch_scans_count") == 1
    assert delta("expo_gate_sync_batch_scans_sum") == 2
    assert delta("expo_gate_sync_scans_total", outcome="stored") == 2
    # HTTP requests under their route template, never the raw path (no ids in labels)
    assert delta("expo_http_requests_total", method="POST", route="/api/gate/scans", status="200") == 2
    assert delta("expo_http_request_seconds_count", method="POST", route="/api/gate/sync") == 1
    assert not [k for n, k in after if n == "expo_http_requests_total" and str(expo_id) in dict(k)["route"]]


async def test_refusals_are_counted_with_their_status(scraped: Client) -> None:
    before = await scrape(scraped)
    assert (await scraped.get("/api/expos/999999")).status_code == 404
    assert (await scraped.get("/metrics")).status_code == 401
    after = await scrape(scraped)
    route = "/api/expos/{expo_id}"  # the template, as Litestar formats it

    def delta(**labels: str) -> float:
        return value(after, "expo_http_requests_total", **labels) - value(before, "expo_http_requests_total", **labels)

    assert delta(method="GET", route=route, status="404") == 1
    assert delta(method="GET", route="/metrics", status="401") == 1


async def test_job_queue_is_read_from_the_database(scraped: Client, session: AsyncSession) -> None:
    empty = await scrape(scraped)
    assert value(empty, "expo_jobs", state="queued") == 0
    assert value(empty, "expo_jobs_oldest_due_seconds") == 0
    await enqueue(session, "jobs.cleanup", {}, run_after=utcnow() - timedelta(minutes=2))
    await enqueue(session, "jobs.cleanup", {}, run_after=utcnow() + timedelta(hours=1))
    await session.commit()
    found = await scrape(scraped)
    assert value(found, "expo_jobs", state="queued") == 2
    assert value(found, "expo_jobs", state="running") == 0
    assert value(found, "expo_jobs", state="failed") == 0
    assert value(found, "expo_jobs_due") == 1
    assert 110 <= value(found, "expo_jobs_oldest_due_seconds") <= 600
