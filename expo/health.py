"""``/health``: is the app up and can it reach its database?"""

import logging

import anyio
import sqlalchemy as sa
from litestar import Response, get
from litestar.di import NamedDependency
from sqlalchemy.ext.asyncio import AsyncSession

log = logging.getLogger("expo")
CHECK_SECONDS = 5.0  # a load balancer asks often; it must get an answer, never wait on a dead server


@get("/health", tags=["health"], summary="Liveness and database check", exclude_from_auth=True)
async def health(db_session: NamedDependency[AsyncSession]) -> Response[dict[str, str]]:
    try:
        with anyio.fail_after(CHECK_SECONDS):
            await db_session.execute(sa.text("SELECT 1"))
    except Exception as exc:  # any failure means "not healthy", never a 500
        log.warning("health check: database unreachable: %s", exc)
        return Response({"status": "error", "database": "unreachable"}, status_code=503, headers={"Retry-After": "5"})
    return Response({"status": "ok", "database": "ok"})
