"""Migration 0014 on a database with packages and an expo, on both engines: packages keep their power
(watts = amps x 220 V), shell stands keep their name board, and booking stays open as before."""

import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import anyio.to_thread
import pytest
import sqlalchemy as sa
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine

from expo.migrate import upgrade
from tests.support.database import ENGINES, POSTGRES_URL, admin_sql

pytestmark = pytest.mark.anyio


@pytest.fixture(params=ENGINES)
async def database_at_0009(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[str]:
    if request.param == "sqlite":
        url = f"sqlite+aiosqlite:///{tmp_path / 'old.db'}"
        await anyio.to_thread.run_sync(upgrade, url, "0009")
        yield url
        return
    if not POSTGRES_URL:
        pytest.skip("PostgreSQL tests need EXPO_TEST_POSTGRES_URL")
    name = f"expo_m11_{uuid.uuid4().hex[:12]}"
    await admin_sql(f'CREATE DATABASE "{name}"')
    try:
        url = make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)
        await anyio.to_thread.run_sync(upgrade, url, "0009")
        yield url
    finally:
        await admin_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


async def test_0014_carries_packages_and_expos_forward(database_at_0009: str) -> None:
    engine = create_async_engine(database_at_0009)
    try:
        async with engine.begin() as conn:
            await conn.execute(
                sa.text(
                    "INSERT INTO expo (id, slug, name, city, venue, starts_on, ends_on, timezone, hold_minutes, "
                    "booth_limit, free_self_confirm, created_at) VALUES (1, 'lama', 'Lama', 'Jombang', 'Gedung', "
                    "'2026-10-20', '2026-10-25', 'Asia/Jakarta', 30, 2, true, '2026-10-01 00:00:00+00')"
                )
            )
            for pid, code, shell, amps in ((1, "std", True, 2), (2, "tenda", False, 6)):
                await conn.execute(
                    sa.text(
                        "INSERT INTO booth_package (id, expo_id, code, name, description, shell, tables, chairs, "
                        "power_amps, staff_quota, price, class_prices) VALUES (:id, 1, :code, :code, '', :shell, "
                        "1, 2, :amps, 2, 1000, '{\"pesantren\": 0}')"
                    ),
                    {"id": pid, "code": code, "shell": shell, "amps": amps},
                )
        await anyio.to_thread.run_sync(upgrade, database_at_0009, "heads")
        async with engine.connect() as conn:
            packages = (
                await conn.execute(
                    sa.text("SELECT code, power_amps, power_watts, fascia, price FROM booth_package ORDER BY id")
                )
            ).all()
            expo = (
                await conn.execute(sa.text("SELECT booth_limit, booking_opens_at, booking_closes_at FROM expo"))
            ).one()
            classes = await conn.scalar(sa.text("SELECT count(*) FROM exhibitor_class_setting"))
    finally:
        await engine.dispose()
    assert [tuple(p) for p in packages] == [("std", 2, 440, True, 1000), ("tenda", 6, 1320, False, 1000)]
    assert tuple(expo) == (2, None, None)
    assert classes == 0  # standard names, approval as before
