"""``/health``: is the app up and can it reach its database?"""

import sqlalchemy as sa
from litestar import Response, get
from litestar.di import NamedDependency
from sqlalchemy.ext.asyncio import AsyncSession


@get("/health", tags=["health"], summary="Liveness and database check", exclude_from_auth=True)
async def health(db_session: NamedDependency[AsyncSession]) -> Response[dict[str, str]]:
    try:
        await db_session.execute(sa.text("SELECT 1"))
    except Exception:  # any failure means "not healthy", never a 500
        return Response({"status": "error", "database": "unreachable"}, status_code=503)
    return Response({"status": "ok", "database": "ok"})
