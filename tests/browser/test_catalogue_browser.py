"""The public catalogue in a real browser on a phone: search "kopi" in the directory, open a profile,
tap "Lihat di denah" and see the booth picked out on the map; then read the pages again with the
network gone (kept by the catalogue's service worker).

Drives Debian's chromium through Playwright (never ``playwright install``); screenshots go to
/tmp/shots (or EXPO_TEST_SHOTS).
"""

import asyncio
from collections.abc import Iterator
from typing import Any

import pytest
import sqlalchemy as sa
from sqlmodel import col

from booths.bookings.models import Booking, BookingStatus
from booths.catalogue.models import ExhibitorProfile, Product
from booths.demo.expo import seed_demo
from booths.demo.published import DEMO_SLUG
from booths.exhibitors.models import Exhibitor
from booths.venue.models import Booth, Expo
from expo.database import create_engine, create_sessionmaker
from expo.migrate import upgrade
from tests.support.browser import SHOTS, serve
from tests.support.database import make_settings
from tests.support.factories import PASSWORDS

pytestmark = [pytest.mark.anyio, pytest.mark.browser]

COFFEE = "Kopi Robusta Wonosalam Sangrai"


@pytest.fixture(scope="module")
def demo_database(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, int, str, str]:
    """The demo expo, with one confirmed exhibitor given a profile and a coffee product: (database URL,
    that exhibitor's id, its name, its booth's code)."""
    url = f"sqlite+aiosqlite:///{tmp_path_factory.mktemp('catalogue') / 'catalogue.db'}"
    upgrade(url)

    async def seed() -> tuple[int, str, str]:
        engine = create_engine(make_settings(url))
        try:
            async with create_sessionmaker(engine)() as session:
                await seed_demo(session, PASSWORDS)
                expo = await session.scalar(sa.select(Expo).where(col(Expo.slug) == DEMO_SLUG))
                assert expo is not None
                # A confirmed coffee business: names that match come first, so it is on the first page
                # of "kopi" among the demo's many coffee products.
                row = (
                    await session.execute(
                        sa.select(Exhibitor, col(Booth.code))
                        .join(Booking, col(Booking.exhibitor_id) == col(Exhibitor.id))
                        .join(Booth, col(Booth.id) == col(Booking.booth_id))
                        .where(
                            col(Booking.expo_id) == expo.id,
                            col(Booking.status) == BookingStatus.CONFIRMED,
                            sa.func.lower(col(Exhibitor.name)).like("%kopi%"),
                        )
                        .order_by(sa.func.lower(col(Exhibitor.name)), col(Booth.code))
                        .limit(1)
                    )
                ).one()
                exhibitor, code = row
                assert exhibitor.id is not None
                # the demo gave it a profile and products already: this story and a first product
                profile = await session.get(ExhibitorProfile, exhibitor.id)
                if profile is None:
                    profile = ExhibitorProfile(exhibitor_id=exhibitor.id, expo_id=exhibitor.expo_id)
                profile.story = "Usaha keluarga sejak 1998."
                profile.promotion = "Beli 2 gratis 1 selama pameran"
                session.add(profile)
                session.add(
                    Product(
                        expo_id=exhibitor.expo_id,
                        exhibitor_id=exhibitor.id,
                        name=COFFEE,
                        price_min=45_000,
                        unit="250 g",
                        position=-1,  # before the demo's own products
                    )
                )
                await session.commit()
                return exhibitor.id, exhibitor.name, str(code)
        finally:
            await engine.dispose()

    exhibitor_id, name, code = asyncio.run(seed())
    return url, exhibitor_id, name, code


@pytest.fixture(scope="module")
def server(demo_database: tuple[str, int, str, str]) -> Iterator[str]:
    with serve(make_settings(demo_database[0])) as base_url:
        yield base_url


async def test_search_kopi_open_a_profile_and_see_its_booth_on_the_map(
    browser: Any, server: str, demo_database: tuple[str, int, str, str]
) -> None:
    _url, exhibitor_id, name, code = demo_database
    context = await browser.new_context(
        viewport={"width": 360, "height": 740}, device_scale_factor=2, is_mobile=True, has_touch=True, locale="id-ID"
    )
    context.set_default_timeout(10_000)
    page = await context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    directory = f"{server}/e/{DEMO_SLUG}/catalogue"
    await page.goto(directory)
    await page.screenshot(path=str(SHOTS / "catalogue-phone.png"), full_page=False)
    await page.locator(".c-filters summary").tap()  # the filters open under the search
    assert await page.locator("select[name=category]").is_visible()
    await page.screenshot(path=str(SHOTS / "catalogue-phone-filters.png"), full_page=False)

    await page.fill("#c-q", "kopi")
    await page.press("#c-q", "Enter")
    await page.wait_for_url("**/catalogue?q=kopi*")
    result = page.locator(f'a.c-link[href="/e/{DEMO_SLUG}/catalogue/{exhibitor_id}"]')
    assert await result.is_visible()
    assert COFFEE in await page.locator(".c-item", has=result).inner_text()  # the matching product is shown
    await page.screenshot(path=str(SHOTS / "catalogue-phone-kopi.png"), full_page=False)

    await result.tap()
    await page.wait_for_url(f"**/catalogue/{exhibitor_id}")
    assert await page.locator("h1").inner_text() == name
    assert "Rp45.000 / 250 g" in await page.locator(".c-product").first.inner_text()
    await page.screenshot(path=str(SHOTS / "catalogue-phone-profile.png"), full_page=True)

    await page.get_by_role("link", name="Lihat di denah").first.tap()
    await page.wait_for_url(f"**/map?booth={code}*")
    found = page.locator(".m-booth.is-found")
    await found.wait_for()
    assert await found.get_attribute("data-code") == code
    assert await found.is_visible()
    assert name in await page.locator("#m-panel [data-slot=name]").inner_text()
    await page.screenshot(path=str(SHOTS / "catalogue-phone-map.png"), full_page=False)

    # Offline: the directory and the profile opened before read again from the service worker.
    await page.goto(f"{server}/e/{DEMO_SLUG}/catalogue/{exhibitor_id}")
    await page.wait_for_selector("#c-offline:not([hidden])")
    await page.goto(directory)  # the worker, now in control, keeps this copy
    await page.goto(f"{server}/e/{DEMO_SLUG}/catalogue/{exhibitor_id}")
    await context.set_offline(True)
    await page.goto(f"{server}/e/{DEMO_SLUG}/catalogue/{exhibitor_id}")
    assert await page.locator("h1").inner_text() == name
    await page.goto(f"{directory}?q=batik")  # never opened: the directory's first page instead
    assert await page.locator(".c-item").count() > 0
    await context.set_offline(False)
    assert errors == []
    await context.close()
