"""The schema is built only by the migrations: from empty to head on both engines, matching the
models exactly, and back down to nothing."""

import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import anyio.to_thread
import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.ext.asyncio import create_async_engine

from expo.app import load_models
from expo.metadata import metadata
from expo.migrate import downgrade, upgrade
from tests.support.database import ENGINES, POSTGRES_URL, admin_sql

pytestmark = pytest.mark.anyio

load_models()  # every domain's tables, whether or not the app mounts the domain yet


@pytest.fixture(params=ENGINES)
async def empty_database(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[str]:
    """A database of our own with nothing in it (on PostgreSQL: created here and dropped after)."""
    if request.param == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path / 'scratch.db'}"
        return
    if not POSTGRES_URL:
        pytest.skip("PostgreSQL tests need EXPO_TEST_POSTGRES_URL")
    name = f"expo_migrations_{uuid.uuid4().hex[:12]}"
    await admin_sql(f'CREATE DATABASE "{name}"')
    try:
        yield make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)
    finally:
        await admin_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


async def _inspect(url: str, look: Any) -> Any:
    engine = create_async_engine(url)
    try:
        async with engine.connect() as conn:
            return await conn.run_sync(look)
    finally:
        await engine.dispose()


def _differences(conn: Connection) -> list[Any]:
    context = MigrationContext.configure(conn, opts={"compare_type": True, "compare_server_default": False})
    return list(compare_metadata(context, metadata))


def _tables(conn: Connection) -> set[str]:
    return set(sa.inspect(conn).get_table_names())


async def test_upgrade_builds_every_table_from_empty(empty_database: str) -> None:
    assert await _inspect(empty_database, _tables) == set()
    await anyio.to_thread.run_sync(upgrade, empty_database)
    tables = await _inspect(empty_database, _tables)
    assert {t.name for t in metadata.sorted_tables} <= tables
    assert tables - {t.name for t in metadata.sorted_tables} == {"alembic_version"}


async def test_migrations_match_the_models(empty_database: str) -> None:
    await anyio.to_thread.run_sync(upgrade, empty_database)
    assert await _inspect(empty_database, _differences) == []


async def test_upgrade_twice_changes_nothing(empty_database: str) -> None:
    await anyio.to_thread.run_sync(upgrade, empty_database)
    await anyio.to_thread.run_sync(upgrade, empty_database)
    assert await _inspect(empty_database, _differences) == []


async def test_downgrade_to_base_and_up_again(empty_database: str) -> None:
    await anyio.to_thread.run_sync(upgrade, empty_database)
    await anyio.to_thread.run_sync(downgrade, empty_database, "base")
    assert await _inspect(empty_database, _tables) <= {"alembic_version"}
    await anyio.to_thread.run_sync(upgrade, empty_database)
    assert await _inspect(empty_database, _differences) == []


async def test_the_partial_unique_index_exists(empty_database: str) -> None:
    """One active booking per booth is a database rule on both engines, not only a Python check."""
    await anyio.to_thread.run_sync(upgrade, empty_database)

    def _booking_indexes(conn: Connection) -> dict[str, bool]:
        return {ix["name"]: bool(ix["unique"]) for ix in sa.inspect(conn).get_indexes("booking") if ix["name"]}

    assert (await _inspect(empty_database, _booking_indexes)).get("uq_booking_active_booth") is True
