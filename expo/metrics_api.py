"""``GET /metrics``: Prometheus text format, mounted only when ``EXPO_METRICS_ENABLED`` is set and
answered only to ``Authorization: Bearer <EXPO_METRICS_TOKEN>`` (Prometheus: ``authorization:
credentials_file``). What the processes counted comes from ``expo/metrics.py``; the job queue is read
from the database here, at scrape time, so it is right whichever process (or ``expo worker``) moved it.
"""

import hmac
from collections.abc import Iterable
from typing import Any

from litestar import Request, Response, get
from litestar.di import NamedDependency
from litestar.handlers import HTTPRouteHandler
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector
from sqlalchemy.ext.asyncio import AsyncSession

from expo.i18n import N_
from expo.jobs.service import QueueState, queue_state
from expo.metrics import process_metrics
from expo.problems import problem
from expo.settings import Settings


def _allowed(request: Request[Any, Any, Any], token: str) -> bool:
    scheme, _, given = request.headers.get("authorization", "").partition(" ")
    # compare_digest: the time taken tells nothing about how much of a guess was right
    return scheme.lower() == "bearer" and bool(token) and hmac.compare_digest(given.strip().encode(), token.encode())


class _JobQueue(Collector):
    """The queue read for this one scrape, as gauges."""

    def __init__(self, state: QueueState) -> None:
        self._state = state

    def collect(self) -> Iterable[GaugeMetricFamily]:
        jobs = GaugeMetricFamily("expo_jobs", "Background jobs per live state.", labels=["state"])
        for status, count in self._state.counts.items():
            jobs.add_metric([status.value], count)
        yield jobs
        yield GaugeMetricFamily("expo_jobs_due", "Queued jobs whose time has come.", value=self._state.due)
        yield GaugeMetricFamily(
            "expo_jobs_oldest_due_seconds",
            "How long the oldest due job has waited for a worker (0: none waits).",
            value=self._state.oldest_due_seconds,
        )


@get("/metrics", include_in_schema=False, exclude_from_auth=True)
async def metrics(
    request: Request[Any, Any, Any], db_session: NamedDependency[AsyncSession], settings: NamedDependency[Settings]
) -> Response[Any]:
    if not _allowed(request, settings.metrics_token):
        # Answered here, not raised: a refused scraper gets problem details, never the log-in page.
        refusal = problem(401, "metrics_token_required", N_("Send the metrics token as a bearer token."))
        return Response(
            refusal, status_code=401, media_type="application/problem+json", headers={"WWW-Authenticate": "Bearer"}
        )
    registry = CollectorRegistry(auto_describe=False)
    registry.register(_JobQueue(await queue_state(db_session)))
    body = process_metrics() + generate_latest(registry)
    return Response(body, media_type=CONTENT_TYPE_LATEST, headers={"Cache-Control": "no-store"})


def metrics_handlers(settings: Settings) -> list[HTTPRouteHandler]:
    """The route when metrics are on; none at all (a plain 404) when they are off."""
    return [metrics] if settings.metrics_enabled else []
