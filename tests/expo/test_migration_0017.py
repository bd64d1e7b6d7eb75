"""Migration 0017 on a database with an expo, on both engines: the statement lines' table keeps one line
per expo and key, and going down and up again leaves the rest as it was."""

import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import anyio.to_thread
import pytest
import sqlalchemy as sa
from sqlalchemy.engine import make_url
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import create_async_engine

from expo.migrate import downgrade, upgrade
from tests.support.database import ENGINES, POSTGRES_URL, admin_sql

pytestmark = pytest.mark.anyio

LINE = (
    "INSERT INTO statement_line (expo_id, line_key, booked_on, description, amount, balance, source_line, "
    "file_name, imported_at) VALUES (1, :key, '2026-10-02', 'TRSF E-BANKING CR', 1500042, 11500042, 7, "
    "'mutasi.csv', '2026-10-03 01:00:00+00')"
)


@pytest.fixture(params=ENGINES)
async def database_with_an_expo(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[str]:
    if request.param == "sqlite":
        url = f"sqlite+aiosqlite:///{tmp_path / 'old.db'}"
    else:
        if not POSTGRES_URL:
            pytest.skip("PostgreSQL tests need EXPO_TEST_POSTGRES_URL")
        name = f"expo_m17_{uuid.uuid4().hex[:12]}"
        await admin_sql(f'CREATE DATABASE "{name}"')
        url = make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)
    try:
        await anyio.to_thread.run_sync(upgrade, url, "0009")
        engine = create_async_engine(url)
        async with engine.begin() as conn:
            await conn.execute(
                sa.text(
                    "INSERT INTO expo (id, slug, name, city, venue, starts_on, ends_on, timezone, hold_minutes, "
                    "booth_limit, free_self_confirm, created_at) VALUES (1, 'lama', 'Lama', 'Jombang', 'Gedung', "
                    "'2026-10-20', '2026-10-25', 'Asia/Jakarta', 30, 2, true, '2026-10-01 00:00:00+00')"
                )
            )
        await engine.dispose()
        await anyio.to_thread.run_sync(upgrade, url, "0016")
        yield url
    finally:
        if request.param != "sqlite":
            await admin_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


async def test_0017_keeps_a_statement_line_once_per_expo_and_goes_down_cleanly(database_with_an_expo: str) -> None:
    url = database_with_an_expo
    await anyio.to_thread.run_sync(upgrade, url, "0017")
    engine = create_async_engine(url)
    try:
        async with engine.begin() as conn:
            await conn.execute(sa.text(LINE), {"key": "a" * 40})
        with pytest.raises(IntegrityError):
            async with engine.begin() as conn:
                await conn.execute(sa.text(LINE), {"key": "a" * 40})
        async with engine.connect() as conn:
            rows = (await conn.execute(sa.text("SELECT amount, payment_id FROM statement_line"))).all()
        assert [tuple(r) for r in rows] == [(1500042, None)]

        await anyio.to_thread.run_sync(downgrade, url, "0016")
        async with engine.connect() as conn:
            tables = await conn.run_sync(lambda sync: sa.inspect(sync).get_table_names())
            assert "statement_line" not in tables
            assert (await conn.execute(sa.text("SELECT slug FROM expo"))).scalar_one() == "lama"
        await anyio.to_thread.run_sync(upgrade, url, "heads")
        async with engine.connect() as conn:
            assert (await conn.execute(sa.text("SELECT count(*) FROM statement_line"))).scalar_one() == 0
    finally:
        await engine.dispose()
