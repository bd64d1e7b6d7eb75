"""The public booth map in a real browser on a phone: search an exhibitor and find the booth, tap for
details, filter by cluster, and open the map again with no network (served by its service worker).

Drives Debian's chromium through Playwright (never ``playwright install``); screenshots go to
/tmp/shots (or EXPO_TEST_SHOTS).
"""

from collections.abc import Iterator
from typing import Any

import pytest

from booths.demo.expo import seed_demo
from booths.demo.published import DEMO_SLUG
from expo.database import create_engine, create_sessionmaker
from expo.migrate import upgrade
from tests.support.browser import SHOTS, serve
from tests.support.database import make_settings
from tests.support.factories import PASSWORDS

pytestmark = [pytest.mark.anyio, pytest.mark.browser]


@pytest.fixture(scope="module")
def demo_database(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = f"sqlite+aiosqlite:///{tmp_path_factory.mktemp('map') / 'map.db'}"
    upgrade(url)

    async def seed() -> None:
        engine = create_engine(make_settings(url))
        try:
            async with create_sessionmaker(engine)() as session:
                await seed_demo(session, PASSWORDS)
        finally:
            await engine.dispose()

    import asyncio

    asyncio.run(seed())
    return url


@pytest.fixture(scope="module")
def server(demo_database: str) -> Iterator[str]:
    with serve(make_settings(demo_database)) as base_url:
        yield base_url


async def test_find_an_exhibitor_on_the_phone_map_and_open_it_offline(browser: Any, server: str) -> None:
    context = await browser.new_context(
        viewport={"width": 390, "height": 844}, device_scale_factor=2, is_mobile=True, has_touch=True, locale="en-GB"
    )
    context.set_default_timeout(10_000)
    page = await context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    url = f"{server}/e/{DEMO_SLUG}/map"
    await page.goto(url)
    await page.screenshot(path=str(SHOTS / "map-phone.png"), full_page=True)

    # Search by product: "bandeng" finds the Bandeng Presto exhibitor's booth.
    await page.fill("#m-q", "bandeng presto")
    first = page.locator("#m-results li button").first
    await first.wait_for()
    code = (await first.locator(".m-hit-code").inner_text()).strip()
    await first.click()
    found = page.locator(".m-booth.is-found")
    assert await found.get_attribute("data-code") == code
    assert await found.is_visible()
    panel = page.locator("#m-panel")
    assert await panel.is_visible()
    assert "Bandeng Presto" in await panel.locator("[data-slot=name]").inner_text()
    assert (await panel.locator("[data-slot=whatsapp]").get_attribute("href") or "").startswith("https://wa.me/62")
    await page.screenshot(path=str(SHOTS / "map-phone-found.png"))

    # Tap another booth, then filter by a cluster: booths of other clusters fade.
    await page.locator("#m-panel [data-close]").click()
    chip = page.locator(".m-chip[data-cluster]").first
    await chip.click()
    assert await chip.get_attribute("aria-pressed") == "true"
    assert await page.locator(".m-booth.is-dimmed").count() > 0

    # The service worker keeps the page: with the network gone it opens again.
    await page.wait_for_selector("#m-offline:not([hidden])")
    await context.set_offline(True)
    await page.goto(url)
    assert await page.locator(".m-booth").count() > 100
    await page.fill("#m-q", code)
    await page.locator("#m-results li button").first.wait_for()
    await page.screenshot(path=str(SHOTS / "map-phone-offline.png"))
    await context.set_offline(False)
    assert errors == []
    await context.close()
