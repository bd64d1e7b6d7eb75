"""A shared stand on the public map in a real browser on a phone: searching a co-exhibitor finds its
stand under its own name, and the stand's panel lists every business on it with a WhatsApp link.

Drives Debian's chromium through Playwright (never ``playwright install``); screenshots go to
/tmp/shots (or EXPO_TEST_SHOTS).
"""

import asyncio
from collections.abc import Iterator
from typing import Any

import pytest
import sqlalchemy as sa
from sqlmodel import col

from booths.applications.models import BookingCoExhibitor
from booths.bookings.models import Booking
from booths.demo.expo import seed_demo
from booths.demo.published import DEMO_SLUG
from booths.exhibitors.models import Exhibitor
from booths.venue.models import Booth
from expo.database import create_engine, create_sessionmaker
from expo.migrate import upgrade
from tests.support.browser import SHOTS, serve
from tests.support.database import make_settings
from tests.support.factories import PASSWORDS

pytestmark = [pytest.mark.anyio, pytest.mark.browser]


@pytest.fixture(scope="module")
def demo_stand(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, str, str, list[str]]:
    """The seeded demo's database and its shared stand: (url, booth code, main exhibitor, co-exhibitors)."""
    url = f"sqlite+aiosqlite:///{tmp_path_factory.mktemp('stand') / 'stand.db'}"
    upgrade(url)

    async def seed() -> tuple[str, str, list[str]]:
        engine = create_engine(make_settings(url))
        try:
            async with create_sessionmaker(engine)() as session:
                await seed_demo(session, PASSWORDS)
                rows = (
                    await session.execute(
                        sa.select(col(Booth.code), col(Booking.exhibitor_id), col(Exhibitor.name))
                        .join(Booking, col(Booking.booth_id) == col(Booth.id))
                        .join(BookingCoExhibitor, col(BookingCoExhibitor.booking_id) == col(Booking.id))
                        .join(Exhibitor, col(Exhibitor.id) == col(BookingCoExhibitor.exhibitor_id))
                        .order_by(col(BookingCoExhibitor.id))
                    )
                ).all()
                main = await session.get(Exhibitor, rows[0][1])
                assert main is not None
                return rows[0][0], main.name, [name for _code, _main, name in rows]
        finally:
            await engine.dispose()

    code, main, members = asyncio.run(seed())
    return url, code, main, members


@pytest.fixture(scope="module")
def server(demo_stand: tuple[str, str, str, list[str]]) -> Iterator[str]:
    with serve(make_settings(demo_stand[0])) as base_url:
        yield base_url


async def test_a_co_exhibitor_is_found_at_its_shared_stand(
    browser: Any, server: str, demo_stand: tuple[str, str, str, list[str]]
) -> None:
    _, code, main, members = demo_stand
    assert len(members) >= 2  # the demo shares a stand among three businesses
    context = await browser.new_context(
        viewport={"width": 390, "height": 844}, device_scale_factor=2, is_mobile=True, has_touch=True, locale="en-GB"
    )
    context.set_default_timeout(10_000)
    page = await context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    await page.goto(f"{server}/e/{DEMO_SLUG}/map")
    assert await page.locator(f"#booth-{code}").get_attribute("aria-label") == f"{code}: {main} + {len(members)}"

    await page.fill("#m-q", members[-1])
    first = page.locator("#m-results li button").first
    await first.wait_for()
    assert (await first.locator(".m-hit-code").inner_text()).strip() == code
    assert members[-1] in await first.inner_text()  # the hit names the business searched, not the stand's main
    await first.click()
    panel = page.locator("#m-panel")
    assert await panel.is_visible()
    assert main in await panel.locator("[data-slot=name]").inner_text()
    listed = page.locator("#m-panel [data-slot=members] li")
    assert await listed.count() == len(members)
    assert [(await listed.nth(i).locator("strong").inner_text()).strip() for i in range(len(members))] == members
    # The business searched stands out among the stand's members.
    assert await page.locator("#m-panel .m-member-found strong").inner_text() == members[-1]
    assert await page.locator("#m-panel .m-member-found").count() == 1
    href = await listed.first.locator("a").get_attribute("href")
    assert (href or "").startswith("https://wa.me/62")
    await page.screenshot(path=str(SHOTS / "map-phone-shared-stand.png"))

    # A stand of one shows no "also at this stand".
    await page.locator("#m-panel [data-close]").click()
    await page.fill("#m-q", "bandeng presto")
    other = page.locator("#m-results li button").first
    await other.wait_for()
    await other.click()
    assert await page.locator("#m-panel [data-when=shared]").is_hidden()
    assert errors == []
    await context.close()
