"""Test fixtures: a fresh database per test on SQLite, and on PostgreSQL when EXPO_TEST_POSTGRES_URL is set.

SQLite: the migrated schema is built once per run and copied for every test.
PostgreSQL: one database per run, created from the given server and migrated once; every test
starts from emptied tables and the database is dropped at the end, so leftovers never matter.
"""

import asyncio
import os
import shutil
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, create_async_engine

from expo.app import create_app
from expo.database import create_engine, create_sessionmaker, metadata
from expo.migrate import upgrade
from expo.settings import Settings
from tests.support.database import ENGINES, POSTGRES_URL, admin_sql, make_settings


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


async def _empty_postgres(url: str) -> None:
    engine = create_async_engine(url)
    try:
        async with engine.begin() as conn:
            names = ", ".join(f'"{t.name}"' for t in metadata.sorted_tables)
            await conn.execute(sa.text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
    finally:
        await engine.dispose()


@pytest.fixture(params=ENGINES)
def engine_name(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def database_url(engine_name: str, request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if engine_name == "postgres":
        url: str = request.getfixturevalue("postgres_database")
        asyncio.run(_empty_postgres(url))
        return url
    template: Path = request.getfixturevalue("sqlite_template")
    path = tmp_path / "expo.db"
    shutil.copy(template, path)
    return f"sqlite+aiosqlite:///{path}"


@pytest.fixture
def settings(database_url: str) -> Settings:
    return make_settings(database_url)


@pytest.fixture
def app(settings: Settings) -> Litestar:
    return create_app(settings)


@pytest.fixture
async def client(app: Litestar) -> AsyncIterator[AsyncTestClient[Litestar]]:
    async with AsyncTestClient(app=app, base_url="http://testserver.local") as test_client:
        yield test_client


@pytest.fixture
async def engine(settings: Settings) -> AsyncIterator[AsyncEngine]:
    eng = create_engine(settings)
    yield eng
    await eng.dispose()


@pytest.fixture
async def session(engine: AsyncEngine) -> AsyncIterator[AsyncSession]:
    async with create_sessionmaker(engine)() as s:
        yield s


@pytest.fixture
def served_settings(sqlite_template: Path, tmp_path: Path) -> Settings:
    """Settings of a fresh migrated SQLite file and its own signing key, for a real server."""
    path = tmp_path / "served.db"
    shutil.copy(sqlite_template, path)
    return make_settings(f"sqlite+aiosqlite:///{path}", signing_key_file=tmp_path / "keys.json")


@pytest.fixture
def served_app(served_settings: Settings) -> Iterator[str]:
    """The app under uvicorn on 127.0.0.1 with ``served_settings`` (browser tests); its base URL."""
    from tests.support.browser import serve  # playwright and uvicorn only where a test serves

    with serve(served_settings) as base_url:
        yield base_url
