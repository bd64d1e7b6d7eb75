"""What the browser tests share: Debian's chromium, the real app under uvicorn, screenshot folder."""

import os
import shutil
import socket
import tempfile
import threading
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from pathlib import Path
from typing import Any

import pytest
import uvicorn

from expo.app import create_app
from expo.settings import Settings

SHOTS = Path(os.environ.get("EXPO_TEST_SHOTS") or Path(tempfile.gettempdir()) / "shots")
PHONE = {"width": 390, "height": 844}
# Without the networking flags Chromium keeps calling home, which this closed network refuses.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def chromium_or_skip() -> str:
    """Debian's chromium (never a downloaded browser), or skip the test with the reason."""
    pytest.importorskip("playwright.async_api", reason="the browser tests need the playwright package")
    path = os.environ.get("EXPO_TEST_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
    if not Path(path).exists():
        pytest.skip(f"no chromium at {path}; install Debian's chromium or set EXPO_TEST_CHROMIUM")
    SHOTS.mkdir(parents=True, exist_ok=True)
    return path


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def serve(settings: Settings) -> Iterator[str]:
    """The real app under uvicorn in a thread (its own event loop); yields its base URL."""
    port = free_port()
    config = uvicorn.Config(
        create_app(settings),
        host="127.0.0.1",
        port=port,
        log_level="warning",
        ws="none",
        lifespan="on",
        proxy_headers=False,  # as `expo serve`: the app itself decides whom to believe (EXPO_TRUSTED_PROXIES)
    )
    instance = uvicorn.Server(config)
    thread = threading.Thread(target=instance.run, name=f"uvicorn-test-{port}", daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not instance.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            pytest.fail("uvicorn did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        instance.should_exit = True
        thread.join(timeout=10)


@asynccontextmanager
async def launch(chromium_path: str, extra_args: list[str] | None = None) -> AsyncIterator[Any]:
    from playwright.async_api import async_playwright

    async with async_playwright() as playwright:
        instance = await playwright.chromium.launch(
            executable_path=chromium_path, args=[*CHROMIUM_ARGS, *(extra_args or [])]
        )
        try:
            yield instance
        finally:
            await instance.close()
