"""``/health``: is the app up, does its database answer, and does the live-notice channel answer?

A load balancer (Caddy, nginx) asks this every few seconds on every server and takes a server out
while it says 503. Both checks run at once, each bounded, so the answer comes within
``CHECK_SECONDS`` even when a server is away; the body names only the parts and their state.
"""

import logging

import anyio
import sqlalchemy as sa
from litestar import Response, get
from litestar.channels import ChannelsPlugin
from litestar.di import NamedDependency
from sqlalchemy.ext.asyncio import AsyncSession

from expo.channels import BoundedChannelsPlugin

log = logging.getLogger("expo")
CHECK_SECONDS = 3.0  # a load balancer asks often; it must get an answer, never wait on a dead server
OK, UNREACHABLE = "ok", "unreachable"


async def _database(session: AsyncSession) -> str:
    try:
        with anyio.fail_after(CHECK_SECONDS):
            await session.execute(sa.text("SELECT 1"))
    except Exception as exc:  # any failure means "not healthy", never a 500
        log.warning("health check: database unreachable: %s", exc)
        return UNREACHABLE
    return OK


async def _channels(channels: ChannelsPlugin) -> str:
    """Without this a server whose dashboards hear nothing from the other servers would look healthy."""
    if not isinstance(channels, BoundedChannelsPlugin):
        return OK  # a plugin we did not build (a test's own): nothing of ours to ask
    try:
        with anyio.fail_after(CHECK_SECONDS):
            await channels.publisher.ping()
    except Exception as exc:
        log.warning("health check: live-notice channel unreachable: %s", exc)
        return UNREACHABLE
    return OK


@get("/health", tags=["health"], summary="Liveness, database and channel check", exclude_from_auth=True)
async def health(
    db_session: NamedDependency[AsyncSession], channels: NamedDependency[ChannelsPlugin]
) -> Response[dict[str, str]]:
    parts: dict[str, str] = {}

    async def check_database() -> None:
        parts["database"] = await _database(db_session)

    async def check_channels() -> None:
        parts["channels"] = await _channels(channels)

    async with anyio.create_task_group() as tg:
        tg.start_soon(check_database)
        tg.start_soon(check_channels)
    body = {"status": OK, "database": parts["database"], "channels": parts["channels"]}
    if parts["database"] != OK or parts["channels"] != OK:
        body["status"] = "error"
        return Response(body, status_code=503, headers={"Retry-After": "5"})
    return Response(body)
