"""A PostgreSQL outage, for real: a private server (never the shared one) is stopped and started
under a running app. Requests get a calm 503 with ``Retry-After`` (never a 500 or a hang), the app
recovers by itself, live notices survive a failed publish, and shutdown always ends."""

import json
import logging
from collections.abc import AsyncIterator, Iterator

import anyio
import pytest
import sqlalchemy as sa
from _pytest.logging import LogCaptureFixture
from httpx import Response
from litestar import Litestar
from litestar.channels import ChannelsPlugin
from litestar.testing import AsyncTestClient
from sqlalchemy.exc import DBAPIError

from expo.app import create_app
from expo.channels import BoundedChannelsPlugin
from expo.database import create_engine, create_sessionmaker, database_unreachable, session_scope
from expo.migrate import upgrade
from expo.models import Role
from tests.support.database import make_settings
from tests.support.factories import bearer, make_user_token, make_venue
from tests.support.pg_cluster import PrivateCluster, private_cluster
from tickets.gate import live

pytestmark = [pytest.mark.anyio, pytest.mark.postgres]


@pytest.fixture(scope="module")
def _cluster() -> Iterator[PrivateCluster]:
    with private_cluster() as cluster:
        upgrade(cluster.url)
        yield cluster


@pytest.fixture
def cluster(_cluster: PrivateCluster) -> PrivateCluster:
    if not _cluster.running():  # a failed test may have left it stopped
        _cluster.start()
    return _cluster


@pytest.fixture
async def organiser_token(cluster: PrivateCluster) -> AsyncIterator[str]:
    engine = create_engine(make_settings(cluster.url))
    try:
        async with session_scope(engine) as session:
            yield await make_user_token(session, Role.ORGANISER)
    finally:
        await engine.dispose()


def _assert_unavailable(response: Response) -> None:
    where = f"{response.request.method} {response.request.url.path}"
    assert response.status_code == 503, f"{where}: {response.status_code} {response.text[:300]}"
    assert response.headers["retry-after"].isdigit(), where
    assert "Traceback" not in response.text


async def test_requests_during_an_outage_get_503_and_the_app_recovers(
    cluster: PrivateCluster, organiser_token: str
) -> None:
    app = create_app(make_settings(cluster.url, database_connect_timeout_seconds=2))
    auth = bearer(organiser_token)
    async with AsyncTestClient(app=app, base_url="http://testserver.local") as client:

        async def ask() -> dict[str, Response]:
            return {
                "api": await client.get("/api/expos"),
                "me": await client.get("/api/auth/me", headers=auth),
                "login": await client.post("/api/auth/login", json={"email": "a@b.id", "password": "x" * 10}),
                "page": await client.get("/visit", headers={"Accept": "text/html"}),
                "health": await client.get("/health"),
            }

        before = await ask()
        assert [before[k].status_code for k in ("api", "me", "health")] == [200, 200, 200]

        cluster.stop()
        with anyio.fail_after(30):  # a hang is a failure, not a slow pass
            during = await ask()
        for name in ("api", "me", "login"):
            response = during[name]
            _assert_unavailable(response)
            body = response.json()
            assert response.headers["content-type"].startswith("application/problem+json")
            assert body["code"] == "database_unavailable"
            assert body["detail"] == "Sistem sedang tidak dapat diakses sebentar; silakan coba lagi sebentar lagi."
        _assert_unavailable(during["page"])
        assert during["page"].headers["content-type"].startswith("text/html")
        assert "Sistem sedang tidak dapat diakses sebentar" in during["page"].text
        _assert_unavailable(during["health"])
        assert during["health"].json() == {"status": "error", "database": "unreachable", "channels": "unreachable"}

        cluster.start()  # the same app, not restarted
        after = await ask()
        for name, response in before.items():
            assert after[name].status_code == response.status_code, name


class Heard:
    """What a subscriber received, waited for without ending its stream."""

    def __init__(self) -> None:
        self.messages: list[object] = []
        self._arrived = anyio.Event()

    async def __call__(self, message: bytes) -> None:
        self.messages.append(json.loads(message))
        self._arrived.set()

    async def wait(self, seconds: float) -> None:
        with anyio.move_on_after(seconds):
            await self._arrived.wait()
        self._arrived = anyio.Event()


async def test_a_failed_publish_neither_kills_notices_nor_blocks_shutdown(cluster: PrivateCluster) -> None:
    settings = make_settings(cluster.url, database_connect_timeout_seconds=1)
    channel = live.channel_name(1)
    plugin = live.channels_plugin(settings)
    assert isinstance(plugin, BoundedChannelsPlugin)
    publisher = plugin.publisher
    heard = Heard()
    await plugin.__aenter__()
    try:
        async with plugin.start_subscription([channel]) as subscriber, subscriber.run_in_background(heard):
            plugin.publish({"n": 1}, channel)
            await heard.wait(10)
            assert heard.messages == [{"n": 1}]

            cluster.stop()
            for n in range(2, 6):
                plugin.publish({"n": n}, channel)  # each fails: dropped, the publisher lives on
            with anyio.fail_after(30):
                while publisher.dropped < 4:  # noqa: ASYNC110 (tried, failed, dropped while the server is away)
                    await anyio.sleep(0.05)

            cluster.start()
            with anyio.fail_after(30):  # the listener reconnects by itself; publish until it hears
                while {"n": 99} not in heard.messages:
                    plugin.publish({"n": 99}, channel)
                    await heard.wait(0.5)
            assert heard.messages[0] == {"n": 1}
            assert {m["n"] for m in heard.messages} <= {1, 99}  # type: ignore[index]

        cluster.stop()
        for n in range(100, 110):
            plugin.publish({"n": n}, channel)
    finally:
        with anyio.fail_after(30):  # Litestar's own shutdown waits on the failed publish forever
            await plugin.__aexit__(None, None, None)


async def test_the_app_shuts_down_after_a_failed_publish(cluster: PrivateCluster) -> None:
    app: Litestar = create_app(make_settings(cluster.url, database_connect_timeout_seconds=1))
    channels = next(plugin for plugin in app.plugins if isinstance(plugin, ChannelsPlugin))
    # A worker's start and stop, on this task so that a hang can be cut: before, the stop waited
    # forever on the queue of a publisher that had died on the failed publish.
    with anyio.fail_after(30):
        async with app.lifespan():
            cluster.stop()
            channels.publish({"expo_id": 1}, live.channel_name(1))


async def test_a_live_dashboard_stream_outlasts_an_outage(cluster: PrivateCluster, caplog: LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="expo.live")
    settings = make_settings(cluster.url, database_connect_timeout_seconds=1)
    engine = create_engine(settings)
    try:
        async with session_scope(engine) as session:
            expo_id = (await make_venue(session)).expo_id
        received: list[str] = []
        async with live.channels_plugin(settings) as channels:
            events = live.stats_events(create_sessionmaker(engine), channels, expo_id, reread_seconds=0.1)

            async def watch() -> None:
                async for numbers in events:  # before: the first read during the outage ended it
                    received.append(numbers)

            with anyio.fail_after(30):
                async with anyio.create_task_group() as streams:
                    streams.start_soon(watch)
                    while not received:  # noqa: ASYNC110 (the first numbers, read while the server is up)
                        await anyio.sleep(0.05)
                    cluster.stop()
                    while "database unreachable, reading again later" not in caplog.text:  # noqa: ASYNC110
                        await anyio.sleep(0.05)
                    cluster.start()
                    streams.cancel_scope.cancel()
        assert len(received) == 1
    finally:
        await engine.dispose()


async def test_an_app_started_during_an_outage_serves_once_the_database_is_back(cluster: PrivateCluster) -> None:
    cluster.stop()
    app = create_app(make_settings(cluster.url, database_connect_timeout_seconds=1))
    with anyio.fail_after(30):
        async with AsyncTestClient(app=app, base_url="http://testserver.local") as client:  # starts regardless
            _assert_unavailable(await client.get("/api/expos"))
            cluster.start()
            assert (await client.get("/api/expos")).status_code == 200
            assert (await client.get("/health")).status_code == 200


async def test_a_connection_cut_mid_query_is_an_outage_and_a_bad_query_is_not(cluster: PrivateCluster) -> None:
    engine = create_engine(make_settings(cluster.url, database_connect_timeout_seconds=1))
    try:
        async with engine.connect() as conn:
            with pytest.raises(DBAPIError) as bad:
                await conn.execute(sa.text("SELECT no_such_column FROM no_such_table"))
        assert not database_unreachable(bad.value)

        failure: list[BaseException] = []

        async def long_query() -> None:
            try:
                async with engine.connect() as conn:
                    await conn.execute(sa.text("SELECT pg_sleep(20)"))
            except Exception as exc:
                failure.append(exc)

        with anyio.fail_after(30):
            async with anyio.create_task_group() as tasks:
                tasks.start_soon(long_query)
                async with engine.connect() as conn:  # wait until the query runs on the server
                    running = sa.text("SELECT count(*) FROM pg_stat_activity WHERE query LIKE 'SELECT pg_sleep%'")
                    while not (await conn.execute(running)).scalar():
                        await conn.rollback()  # pg_stat_activity is read once per transaction
                        await anyio.sleep(0.05)
                cluster.stop()
        assert len(failure) == 1
        assert database_unreachable(failure[0]), repr(failure[0])
    finally:
        await engine.dispose()


@pytest.mark.parametrize("ping_after_idle_s", [0.0, 3600.0], ids=["ping-every-checkout", "no-ping"])
async def test_a_restart_between_requests_costs_no_request(
    cluster: PrivateCluster, organiser_token: str, ping_after_idle_s: float
) -> None:
    """The pool's connections die with the server. Whether they are pinged before use (idle longer
    than the setting) or not (the driver already saw the socket close), the first requests after
    the restart are answered as if nothing happened."""
    settings = make_settings(cluster.url, database_connect_timeout_seconds=2, pool_ping_idle_seconds=ping_after_idle_s)
    app = create_app(settings)
    auth = bearer(organiser_token)
    async with AsyncTestClient(app=app, base_url="http://testserver.local") as client:
        for _ in range(3):
            assert (await client.get("/api/auth/me", headers=auth)).status_code == 200
        cluster.stop()
        cluster.start()
        statuses = [(await client.get("/api/auth/me", headers=auth)).status_code for _ in range(5)]
        assert statuses == [200] * 5


async def test_a_connection_used_a_moment_ago_is_not_pinged(
    cluster: PrivateCluster, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The ping (three round trips with asyncpg) is for connections that sat idle, not for every
    checkout under load."""
    engine = create_engine(make_settings(cluster.url, pool_ping_idle_seconds=0.3))
    pings: list[object] = []
    real_ping = engine.dialect.do_ping

    def counting_ping(dbapi_connection: object) -> bool:
        pings.append(dbapi_connection)
        return real_ping(dbapi_connection)  # type: ignore[arg-type]

    monkeypatch.setattr(engine.dialect, "do_ping", counting_ping)
    try:
        for _ in range(5):
            async with engine.connect() as conn:
                assert (await conn.execute(sa.text("SELECT 1"))).scalar() == 1
        assert pings == []  # one new connection, then checked out again at once
        await anyio.sleep(0.5)
        async with engine.connect() as conn:
            assert (await conn.execute(sa.text("SELECT 1"))).scalar() == 1
        assert len(pings) == 1  # idle past the setting: pinged once
    finally:
        await engine.dispose()
