"""The test databases: which engines run, the PostgreSQL server to use, and settings for a test app."""

import os
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from advanced_alchemy.extensions.litestar import SQLAlchemyAsyncConfig, SQLAlchemyPlugin
from litestar import Litestar
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession, async_sessionmaker, create_async_engine
from sqlalchemy.pool import NullPool

from expo.auth import SESSIONMAKER_STATE_KEY
from expo.database import metadata
from expo.settings import Settings

POSTGRES_URL = os.environ.get("EXPO_TEST_POSTGRES_URL")
ENGINES = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]


async def admin_sql(sql: str) -> None:
    """Run one statement on the PostgreSQL server outside any transaction (CREATE/DROP DATABASE)."""
    assert POSTGRES_URL
    engine = create_async_engine(make_url(POSTGRES_URL), isolation_level="AUTOCOMMIT")
    try:
        async with engine.connect() as conn:
            await conn.execute(sa.text(sql))
    finally:
        await engine.dispose()


def suite_settings(database_url: str, tmp_path: Path, **overrides: Any) -> Settings:
    """The ``settings`` fixture's values: this test's own signing key file, jobs and files directories (never
    ``var/``), a visitor rate limit no test reaches unless it lowers it, and one PDF worker."""
    values: dict[str, Any] = {
        "signing_key_file": tmp_path / "keys" / "pass-signing.json",
        "pass_jobs_dir": tmp_path / "jobs",
        "storage_dir": tmp_path / "files",
        "visitor_rate_limit_per_minute": 1000,
        "pass_batch_workers": 1,
    }
    return make_settings(database_url, **(values | overrides))


def make_settings(database_url: str, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "database_url": database_url,
        "secret_key": "test-secret-key-not-for-production",
        "argon2_time_cost": 1,
        "argon2_memory_kib": 64,
        "login_rate_limit_per_minute": 1000,
        "signup_rate_limit_per_minute": 1000,
        "embedded_worker": False,  # a test runs the jobs it means to (tests/support/jobs.py)
    }
    return Settings(**(values | overrides))


class PostgresState:
    """The run's PostgreSQL database: ``dirty`` while a committed row may be left in it (at the start,
    after a ``real_commits`` test or any test not proven clean); the next test empties it first."""

    def __init__(self) -> None:
        self.dirty = True


async def empty_tables(url: str) -> None:
    """TRUNCATE every table (and restart the ids): the slow reset, for tests that commit for real."""
    engine = create_async_engine(url, poolclass=NullPool)
    try:
        async with engine.begin() as conn:
            names = ", ".join(f'"{t.name}"' for t in metadata.sorted_tables)
            await conn.execute(sa.text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
    finally:
        await engine.dispose()


async def tables_with_rows(connection: AsyncConnection) -> list[str]:
    """The tables holding any row, in one round trip (the check that a test left nothing behind)."""
    checks = [
        sa.select(sa.literal(t.name)).where(sa.exists(sa.select(sa.literal(1)).select_from(t)))
        for t in metadata.sorted_tables
    ]
    return list((await connection.scalars(sa.union_all(*checks))).all())


def savepoint_sessionmaker(connection: AsyncConnection) -> async_sessionmaker[AsyncSession]:
    """Sessions on ``connection`` that begin a SAVEPOINT instead of a transaction: their commit
    releases it, their rollback returns to it, and the outer transaction stays the test's to roll back."""
    return async_sessionmaker(
        bind=connection, expire_on_commit=False, class_=AsyncSession, join_transaction_mode="create_savepoint"
    )


def bind_app(app: Litestar, connection: AsyncConnection) -> None:
    """Make every session ``app`` opens (the plugin's per-request session and the short sessions of
    the auth middleware and streaming exports) a savepoint session on ``connection``. Call before the
    app starts: the plugin builds its session maker from its config at startup."""
    config = app.plugins.get(SQLAlchemyPlugin).config[0]
    assert isinstance(config, SQLAlchemyAsyncConfig)
    assert config.session_maker is None, "bind the app before it starts"
    config.session_config.bind = connection
    config.session_config.join_transaction_mode = "create_savepoint"
    app.state[SESSIONMAKER_STATE_KEY] = savepoint_sessionmaker(connection)
