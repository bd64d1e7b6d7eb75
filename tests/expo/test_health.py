"""``/health`` asks the database and the live-notice channel, for real: 200 when both answer, 503
(with ``Retry-After``, in bounded time) when either does not. The unreachable parts are real
clients pointed at a closed port; the Redis case runs a real ``redis-server`` when there is one."""

import socket
from collections.abc import Iterator
from pathlib import Path

import anyio
import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from expo.app import create_app
from expo.health import CHECK_SECONDS
from tests.support.client import SameLoopTestClient
from tests.support.database import make_settings
from tests.support.redis_server import redis_server

pytestmark = pytest.mark.anyio


def _closed_port() -> int:
    """A port nothing listens on (bound and released at once)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def test_health_answers_ok_when_database_and_channels_answer(client: AsyncTestClient[Litestar]) -> None:
    response = await client.get("/health")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "channels": "ok"}


async def test_database_that_does_not_answer_is_503_within_bounds() -> None:
    # PostgreSQL at a closed port: the database and its LISTEN/NOTIFY channel are both away.
    url = f"postgresql+asyncpg://expo@127.0.0.1:{_closed_port()}/expo"
    app = create_app(make_settings(url, database_connect_timeout_seconds=1))
    async with SameLoopTestClient(app) as client:
        with anyio.fail_after(CHECK_SECONDS + 5):
            response = await client.get("/health")
    assert response.status_code == 503
    assert response.headers["retry-after"] == "5"
    assert response.json() == {"status": "error", "database": "unreachable", "channels": "unreachable"}


async def test_channel_that_does_not_answer_is_503_though_the_database_does(tmp_path: Path) -> None:
    redis_url = f"redis://127.0.0.1:{_closed_port()}/0"
    app = create_app(make_settings(f"sqlite+aiosqlite:///{tmp_path / 'h.db'}", redis_url=redis_url))
    async with SameLoopTestClient(app) as client:
        with anyio.fail_after(CHECK_SECONDS + 5):
            response = await client.get("/health")
    assert response.status_code == 503
    assert response.json() == {"status": "error", "database": "ok", "channels": "unreachable"}


@pytest.fixture
def redis_url(tmp_path: Path) -> Iterator[str]:
    with redis_server(tmp_path) as url:
        yield url


async def test_health_pings_a_real_redis_channel(tmp_path: Path, redis_url: str) -> None:
    app = create_app(make_settings(f"sqlite+aiosqlite:///{tmp_path / 'h.db'}", redis_url=redis_url))
    async with SameLoopTestClient(app) as client:
        response = await client.get("/health")
    assert response.status_code == 200, response.text
    assert response.json()["channels"] == "ok"
