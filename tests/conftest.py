"""Test fixtures: a fresh database per test on SQLite, and on PostgreSQL when EXPO_TEST_POSTGRES_URL is set.

SQLite: the migrated schema is built once per run and copied for every test.
PostgreSQL: one database per run, created from the given server and migrated once, dropped at the
end. A test runs inside one outer transaction on one connection that is rolled back afterwards: the
app's sessions and the ``session`` fixture each work in a savepoint of it (SQLAlchemy's
``join_transaction_mode="create_savepoint"``), so nothing a test writes is ever committed. Tests
that need real commits (several connections at once, LISTEN/NOTIFY, a served app, their own engine)
are marked ``real_commits`` and find the tables emptied by TRUNCATE instead. Every test that could
have committed leaves the database marked dirty, and the next test empties it first; a rolled-back
test that still left rows behind fails, so a missing marker is found, not silently shared.
"""

import asyncio
import os
import shutil
import uuid
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession, create_async_engine
from sqlalchemy.pool import NullPool

from expo.app import create_app
from expo.database import create_engine, create_sessionmaker
from expo.migrate import upgrade
from expo.models import Role
from expo.settings import Settings
from tests.support.client import ClientWith, SameLoopTestClient
from tests.support.database import (
    ENGINES,
    POSTGRES_URL,
    PostgresState,
    admin_sql,
    bind_app,
    empty_tables,
    make_settings,
    savepoint_sessionmaker,
    suite_settings,
    tables_with_rows,
)
from tests.support.factories import Venue, bearer, make_user_token, make_venue


@pytest.fixture(scope="session")
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "template.db"
    upgrade(f"sqlite+aiosqlite:///{path}")
    return path


@pytest.fixture(scope="session")
def postgres_database() -> Iterator[str]:
    if not POSTGRES_URL:
        pytest.skip("PostgreSQL tests need EXPO_TEST_POSTGRES_URL (.ci/run sets it)")
    name = f"expo_test_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    asyncio.run(admin_sql(f'CREATE DATABASE "{name}"'))
    url = make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)
    try:
        upgrade(url)
        yield url
    finally:
        asyncio.run(admin_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.fixture(scope="session")
def postgres_state() -> PostgresState:
    return PostgresState()


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "real_commits: on PostgreSQL, commits for real (emptied by TRUNCATE) instead of running in a "
        "rolled-back transaction: several connections at once, LISTEN/NOTIFY, served apps, own engines",
    )


def _real_commits(request: pytest.FixtureRequest) -> bool:
    return request.node.get_closest_marker("real_commits") is not None


@pytest.fixture(params=ENGINES)
def engine_name(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def database_url(engine_name: str, request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if engine_name == "postgres":
        url: str = request.getfixturevalue("postgres_database")
        state: PostgresState = request.getfixturevalue("postgres_state")
        if state.dirty:
            asyncio.run(empty_tables(url))
        # Until the test's own transaction proves otherwise, assume it committed something.
        state.dirty = True
        return url
    template: Path = request.getfixturevalue("sqlite_template")
    path = tmp_path / "expo.db"
    shutil.copy(template, path)
    return f"sqlite+aiosqlite:///{path}"


@pytest.fixture
async def test_transaction(
    engine_name: str, database_url: str, request: pytest.FixtureRequest
) -> AsyncIterator[AsyncConnection | None]:
    """PostgreSQL: the one connection, in an outer transaction rolled back after the test, that the
    app and the ``session`` fixture share. None on SQLite, for tests marked ``real_commits`` and for
    tests that ask for ``engine`` (its connections are others: they commit for real too)."""
    if engine_name != "postgres" or _real_commits(request) or "engine" in request.fixturenames:
        yield None
        return
    state: PostgresState = request.getfixturevalue("postgres_state")
    engine = create_async_engine(database_url, poolclass=NullPool)
    try:
        async with engine.connect() as connection:
            outer = await connection.begin()
            try:
                yield connection
            finally:
                await outer.rollback()
            left = await tables_with_rows(connection)
        if left:
            pytest.fail(
                f"committed outside the test transaction (rows left in {', '.join(left)}): mark the test real_commits",
                pytrace=False,
            )
        state.dirty = False
    finally:
        await engine.dispose()


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    return suite_settings(database_url, tmp_path)


@pytest.fixture
def app(settings: Settings) -> Litestar:
    return create_app(settings)


@pytest.fixture
async def client(app: Litestar, test_transaction: AsyncConnection | None) -> AsyncIterator[AsyncTestClient[Litestar]]:
    if test_transaction is not None:
        bind_app(app, test_transaction)
    async with SameLoopTestClient(app) as test_client:
        yield test_client


@pytest.fixture
def client_with(database_url: str, tmp_path: Path, test_transaction: AsyncConnection | None) -> ClientWith:
    """``async with client_with(setting=value, ...) as client``: a client of an app built with other
    settings than ``client``'s, on the same test transaction (a rate limit of 3, another public URL...)."""

    @asynccontextmanager
    async def started(base_url: str = "http://testserver.local", **overrides: Any) -> AsyncIterator[SameLoopTestClient]:
        app = create_app(suite_settings(database_url, tmp_path, **overrides))
        if test_transaction is not None:
            bind_app(app, test_transaction)
        async with SameLoopTestClient(app, base_url) as test_client:
            yield test_client

    return started


@pytest.fixture
async def engine(settings: Settings) -> AsyncIterator[AsyncEngine]:
    eng = create_engine(settings)
    yield eng
    await eng.dispose()


@pytest.fixture
async def session(settings: Settings, test_transaction: AsyncConnection | None) -> AsyncIterator[AsyncSession]:
    if test_transaction is not None:
        async with savepoint_sessionmaker(test_transaction)() as s:
            yield s
        return
    engine = create_engine(settings)
    try:
        async with create_sessionmaker(engine)() as s:
            yield s
    finally:
        await engine.dispose()


@pytest.fixture
async def venue(session: AsyncSession) -> Venue:
    """An expo with a hall, a package and free booths (``tests.support.factories.make_venue``)."""
    return await make_venue(session)


@pytest.fixture
async def organiser(session: AsyncSession) -> dict[str, str]:
    """The bearer headers of a logged-in organiser."""
    return bearer(await make_user_token(session, Role.ORGANISER))


@pytest.fixture
def served_settings(sqlite_template: Path, tmp_path: Path) -> Settings:
    """Settings of a fresh migrated SQLite file and its own signing key, for a real server (it runs in
    its own thread and event loop, so it never shares the PostgreSQL test transaction)."""
    path = tmp_path / "served.db"
    shutil.copy(sqlite_template, path)
    return make_settings(
        f"sqlite+aiosqlite:///{path}", signing_key_file=tmp_path / "keys.json", storage_dir=tmp_path / "files"
    )


@pytest.fixture
def served_app(served_settings: Settings) -> Iterator[str]:
    """The app under uvicorn on 127.0.0.1 with ``served_settings`` (browser and HTTP security tests)."""
    from tests.support.browser import serve  # playwright and uvicorn only where a test serves

    with serve(served_settings) as base_url:
        yield base_url
