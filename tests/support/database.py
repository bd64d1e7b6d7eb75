"""The test databases: which engines run, the PostgreSQL server to use, and settings for a test app."""

import os
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine

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


def make_settings(database_url: str, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "database_url": database_url,
        "secret_key": "test-secret-key-not-for-production",
        "argon2_time_cost": 1,
        "argon2_memory_kib": 64,
        "login_rate_limit_per_minute": 1000,
        "signup_rate_limit_per_minute": 1000,
    }
    return Settings(**(values | overrides))
