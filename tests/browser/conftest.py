"""Browser fixtures: Debian's chromium and a fresh browser per test (the served app they drive,
``served_app``, is in the root conftest: the HTTP security tests serve it too)."""

from collections.abc import AsyncIterator
from typing import Any

import pytest

from tests.support.browser import chromium_or_skip, launch


@pytest.fixture(scope="session")
def chromium_path() -> str:
    return chromium_or_skip()


@pytest.fixture
async def browser(chromium_path: str) -> AsyncIterator[Any]:
    async with launch(chromium_path) as instance:
        yield instance
