"""Migration 0013 on a database with data, on both engines: existing expos stay public and open for
booking and offer both languages, and nothing that refers to an expo is lost on the way (on SQLite a
copied expo table would take its halls, booths and bookings with it)."""

import json
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
    name = f"expo_m10_{uuid.uuid4().hex[:12]}"
    await admin_sql(f'CREATE DATABASE "{name}"')
    try:
        url = make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)
        await anyio.to_thread.run_sync(upgrade, url, "0009")
        yield url
    finally:
        await admin_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


_ROWS = (
    "INSERT INTO expo (id, slug, name, city, venue, starts_on, ends_on, timezone, hold_minutes, booth_limit, "
    "free_self_confirm, created_at) VALUES (1, 'lama', 'Expo Lama', 'Jombang', 'Gedung', '2026-10-20', "
    "'2026-10-22', 'Asia/Jakarta', 30, 1, true, '2026-10-01 00:00:00+00')",
    "INSERT INTO expo_day (id, expo_id, day, opens_at, closes_at) VALUES (1, 1, '2026-10-20', '09:00', '21:00')",
    "INSERT INTO hall (id, expo_id, code, name, kind, width_m, depth_m) VALUES (1, 1, 'A', 'Hall A', 'hall', 40, 30)",
    "INSERT INTO booth_package (id, expo_id, code, name, description, shell, tables, chairs, power_amps, "
    "staff_quota, price, class_prices) VALUES (1, 1, 'std', 'Standar', '', true, 1, 2, 2, 2, 0, '{}')",
    "INSERT INTO booth (id, expo_id, hall_id, package_id, code, x_m, y_m, width_m, depth_m, blocked, created_at, "
    "updated_at) VALUES (1, 1, 1, 1, 'A-01', 1, 1, 3, 3, false, '2026-10-01 00:00:00+00', '2026-10-01 00:00:00+00')",
)


async def test_0013_keeps_every_expo_public_and_everything_that_refers_to_it(database_at_0009: str) -> None:
    engine = create_async_engine(database_at_0009)
    try:
        async with engine.begin() as conn:
            for statement in _ROWS:
                await conn.execute(sa.text(statement))
    finally:
        await engine.dispose()

    await anyio.to_thread.run_sync(upgrade, database_at_0009)

    engine = create_async_engine(database_at_0009)
    try:
        async with engine.connect() as conn:
            expo = (
                await conn.execute(sa.text("SELECT published, booking_open, languages, contact_whatsapp FROM expo"))
            ).one()
            counts = [
                await conn.scalar(sa.text(f"SELECT count(*) FROM {table}"))  # noqa: S608  (fixed table names)
                for table in ("expo_day", "hall", "booth_package", "booth")
            ]
    finally:
        await engine.dispose()
    published, booking_open, languages, whatsapp = expo
    assert (bool(published), bool(booking_open), whatsapp) == (True, True, None)
    assert (languages if isinstance(languages, list) else json.loads(languages)) == ["id", "en"]
    assert counts == [1, 1, 1, 1]
