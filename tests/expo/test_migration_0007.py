"""Migration 0007 on a database with data, on both engines: exhibitors registered before approval
existed are approved, and an active staff pass of a booking that already ended (as the old lazy
revocation could leave it) is revoked with its revocation list entry."""

import uuid
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import Any

import anyio.to_thread
import pytest
import sqlalchemy as sa
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine

from expo.metadata import metadata
from expo.migrate import upgrade
from tests.support.database import ENGINES, POSTGRES_URL, admin_sql

pytestmark = pytest.mark.anyio

NEW_COLUMNS = {"approval", "approval_decided_at", "approval_decided_by", "approval_note"}


@pytest.fixture(params=ENGINES)
async def database_at_0006(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[str]:
    if request.param == "sqlite":
        url = f"sqlite+aiosqlite:///{tmp_path / 'old.db'}"
        await anyio.to_thread.run_sync(upgrade, url, "0006")
        yield url
        return
    if not POSTGRES_URL:
        pytest.skip("PostgreSQL tests need EXPO_TEST_POSTGRES_URL")
    name = f"expo_m7_{uuid.uuid4().hex[:12]}"
    await admin_sql(f'CREATE DATABASE "{name}"')
    try:
        url = make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)
        await anyio.to_thread.run_sync(upgrade, url, "0006")
        yield url
    finally:
        await admin_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


_FILLERS: list[tuple[type[Any], Any]] = [  # the first matching type wins (DateTime before Date)
    (sa.DateTime, datetime(2026, 10, 1, tzinfo=UTC)),
    (sa.Date, date(2026, 10, 20)),
    (sa.Time, time(9)),
    (sa.Boolean, False),
    (sa.JSON, []),
    (sa.Float, 3.0),
    (sa.Integer, 1),
]


def _filler(column: sa.Column[Any]) -> Any:
    """Some value of the column's type, for the NOT NULL columns a test does not care about."""
    return next((value for kind, value in _FILLERS if isinstance(column.type, kind)), "x")


async def _insert(conn: Any, table: str, **given: Any) -> None:
    """A row of the schema as 0006 had it (``given`` plus filler for other required columns); columns
    later migrations added are not in the database yet, so the models' ones are read against it."""
    present = await conn.run_sync(lambda sync: {c["name"] for c in sa.inspect(sync).get_columns(table)})
    columns = [c for c in metadata.tables[table].columns if c.name in present]
    values = {
        c.name: _filler(c)
        for c in columns
        if not c.nullable and not c.primary_key and c.name not in given and c.name not in NEW_COLUMNS
    }
    row = values | given
    old = sa.table(table, *(sa.column(c.name, c.type) for c in columns if c.name in row))  # no model defaults
    await conn.execute(sa.insert(old).values(**row))


async def test_0007_approves_existing_exhibitors_and_revokes_passes_of_ended_bookings(database_at_0006: str) -> None:
    engine = create_async_engine(database_at_0006)
    try:
        async with engine.begin() as conn:
            await _insert(conn, "expo", id=1, slug="lama", timezone="Asia/Jakarta")
            await _insert(conn, "hall", id=1, expo_id=1, code="A")
            await _insert(conn, "booth_package", id=1, expo_id=1, code="std", class_prices={})
            await _insert(conn, "booth", id=1, expo_id=1, hall_id=1, package_id=1, code="A-01")
            await _insert(conn, "exhibitor", id=1, expo_id=1, nib="9120000000001", exhibitor_class="pesantren")
            await _insert(conn, "booking", id=1, expo_id=1, booth_id=1, exhibitor_id=1, status="cancelled")
            await _insert(conn, "pass_kind", id=1, expo_id=1, code="exhibitor", number=1, staff=True)
            for pass_id, booking_id in ((1, 1), (2, None)):  # a staff pass of the ended booking; another pass
                await _insert(
                    conn,
                    "expo_pass",
                    id=pass_id,
                    expo_id=1,
                    kind_id=1,
                    serial=1000 + pass_id,
                    code=f"AAAA000{pass_id}",
                    status="active",
                    booking_id=booking_id,
                    slot=1 if booking_id else None,
                )
    finally:
        await engine.dispose()

    await anyio.to_thread.run_sync(upgrade, database_at_0006)

    engine = create_async_engine(database_at_0006)
    try:
        async with engine.connect() as conn:
            approval = await conn.scalar(sa.text("SELECT approval FROM exhibitor WHERE id = 1"))
            statuses = dict((await conn.execute(sa.text("SELECT id, status FROM expo_pass"))).all())
            revoked = (await conn.execute(sa.text("SELECT serial, reason, seq FROM pass_revocation"))).all()
            counter = await conn.scalar(sa.text("SELECT revocation_seq FROM pass_counter WHERE expo_id = 1"))
    finally:
        await engine.dispose()
    assert approval == "approved"
    assert statuses == {1: "revoked", 2: "active"}
    assert [tuple(r) for r in revoked] == [(1001, "booking_ended", 1)]
    assert counter == 1
