"""Browser fixtures: Debian's chromium, a fresh browser per test, and the real app served by uvicorn
on a migrated SQLite file of its own (a served app runs in its own thread and event loop, so it never
shares the PostgreSQL test transaction)."""

import shutil
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest

from expo.settings import Settings
from tests.support.browser import chromium_or_skip, launch
from tests.support.database import make_settings


@pytest.fixture(scope="session")
def chromium_path() -> str:
    return chromium_or_skip()


@pytest.fixture
async def browser(chromium_path: str) -> AsyncIterator[Any]:
    async with launch(chromium_path) as instance:
        yield instance


@pytest.fixture
def served_settings(sqlite_template: Path, tmp_path: Path) -> Settings:
    """Settings of a fresh migrated SQLite file and its own signing key, for a real server."""
    path = tmp_path / "served.db"
    shutil.copy(sqlite_template, path)
    return make_settings(f"sqlite+aiosqlite:///{path}", signing_key_file=tmp_path / "keys.json")


@pytest.fixture
def served_app(served_settings: Settings) -> Iterator[str]:
    """The app under uvicorn on 127.0.0.1 with ``served_settings``; its base URL."""
    from tests.support.browser import serve  # playwright and uvicorn only where a test serves

    with serve(served_settings) as base_url:
        yield base_url
