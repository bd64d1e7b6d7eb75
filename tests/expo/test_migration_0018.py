"""Migration 0018 on both engines: from 0017 it adds the gateway's two tables (a checkout's order id
unique, a notice unique per provider and event: what makes a replay harmless), and takes them away
again on the way down."""

import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import anyio.to_thread
import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.ext.asyncio import create_async_engine

from expo.migrate import downgrade, upgrade
from tests.support.database import ENGINES, POSTGRES_URL, admin_sql

pytestmark = pytest.mark.anyio


@pytest.fixture(params=ENGINES)
async def database_at_0017(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[str]:
    if request.param == "sqlite":
        url = f"sqlite+aiosqlite:///{tmp_path / 'old.db'}"
        await anyio.to_thread.run_sync(upgrade, url, "0017")
        yield url
        return
    if not POSTGRES_URL:
        pytest.skip("PostgreSQL tests need EXPO_TEST_POSTGRES_URL")
    name = f"expo_m18_{uuid.uuid4().hex[:12]}"
    await admin_sql(f'CREATE DATABASE "{name}"')
    try:
        url = make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)
        await anyio.to_thread.run_sync(upgrade, url, "0017")
        yield url
    finally:
        await admin_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _shape(conn: Connection) -> dict[str, Any]:
    inspector = sa.inspect(conn)
    tables = set(inspector.get_table_names())
    return {
        "tables": tables,
        "unique": {
            name: sorted(tuple(u["column_names"]) for u in inspector.get_unique_constraints(name))
            for name in ("gateway_checkout", "gateway_notice")
            if name in tables
        },
    }


async def _look(url: str) -> dict[str, Any]:
    engine = create_async_engine(url)
    try:
        async with engine.connect() as conn:
            return await conn.run_sync(_shape)
    finally:
        await engine.dispose()


async def test_0018_adds_the_gateway_tables_and_takes_them_away(database_at_0017: str) -> None:
    before = await _look(database_at_0017)
    assert not {"gateway_checkout", "gateway_notice"} & before["tables"]
    await anyio.to_thread.run_sync(upgrade, database_at_0017, "0018")
    after = await _look(database_at_0017)
    assert after["unique"] == {
        "gateway_checkout": [("order_id",)],
        "gateway_notice": [("provider", "event_key")],
    }
    await anyio.to_thread.run_sync(downgrade, database_at_0017, "0017")
    assert (await _look(database_at_0017))["tables"] == before["tables"]
