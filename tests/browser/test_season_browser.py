"""A committee's season begins in the browser, from an empty database with one organiser account:
create the expo, set a package and its prices, lay out a hall of 40 booths, invite the treasurer,
open booking, and find the booth on the public booth picker — all through pages, no command line.

Drives Debian's chromium through Playwright. Screenshots go to /tmp/shots (or EXPO_TEST_SHOTS);
with EXPO_DOC_SHOTS=docs/img/organisers they are the pictures of docs/organisers.md
(`make doc-shots`).
"""

import asyncio
import os
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from expo.accounts import create_user
from expo.database import create_engine, create_sessionmaker
from expo.formatting import utcnow
from expo.migrate import upgrade
from expo.models import Role
from tests.support.browser import SHOTS, serve
from tests.support.database import make_settings
from tests.support.factories import PASSWORDS

pytestmark = [pytest.mark.anyio, pytest.mark.browser]

EMAIL, PASSWORD, SLUG = "ketua@koperasi.test", "ketua-rahasia-2027", "expo-santri-2027"
DOC_SHOTS = os.environ.get("EXPO_DOC_SHOTS")


async def _first_organiser(database_url: str) -> None:
    """What `expo user create --role organiser` does on a fresh installation; nothing else exists."""
    engine = create_engine(make_settings(database_url))
    try:
        async with create_sessionmaker(engine)() as session:
            await create_user(
                session, PASSWORDS, email=EMAIL, name="Ketua Panitia", password=PASSWORD, role=Role.ORGANISER
            )
            await session.commit()
    finally:
        await engine.dispose()


@pytest.fixture
def server(tmp_path: Path) -> Iterator[str]:
    url = f"sqlite+aiosqlite:///{tmp_path / 'season.db'}"
    upgrade(url)
    asyncio.run(_first_organiser(url))
    if DOC_SHOTS:
        Path(DOC_SHOTS).mkdir(parents=True, exist_ok=True)
    with serve(make_settings(url)) as base_url:
        yield base_url


async def _shot(page: Any, name: str) -> None:
    await page.screenshot(path=str(SHOTS / f"season-{name}.png"), full_page=True)
    if DOC_SHOTS:  # the folder is made by the fixture (no blocking file calls here)
        await page.screenshot(path=str(Path(DOC_SHOTS) / f"{name}.png"), full_page=False)


async def test_a_committee_sets_up_its_expo_in_the_browser(browser: Any, server: str) -> None:
    context = await browser.new_context(viewport={"width": 1280, "height": 900}, locale="id-ID")
    context.set_default_timeout(15_000)
    page = await context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))

    await page.goto(f"{server}/login?next=/admin")
    await page.fill("input[name=email]", EMAIL)
    await page.fill("input[name=password]", PASSWORD)
    await page.click("form button[type=submit]")
    await page.wait_for_url("**/admin")
    await _shot(page, "01-start")

    # 1. The expo.
    await page.click("a[href='/admin/expos/new']")
    first = utcnow().date() + timedelta(days=60)
    await page.fill("#f-name", "Expo Santri Mandiri 2027")
    await page.fill("#f-slug", SLUG)
    await page.fill("#f-city", "Jombang")
    await page.fill("#f-venue", "Gedung Serbaguna Uji")
    await page.fill("#f-starts_on", first.isoformat())
    await page.fill("#f-ends_on", (first + timedelta(days=2)).isoformat())
    await page.fill("#f-opens_at", "09:00")
    await page.fill("#f-closes_at", "21:00")
    await _shot(page, "02-new-expo")
    await page.click("form.stack button[type=submit]")
    await page.wait_for_url(f"**/admin/e/{SLUG}/settings?msg=expo_created")

    # 2. A package and its prices (free for pesantren).
    await page.goto(f"{server}/admin/e/{SLUG}/packages/new")
    await page.fill("#f-code", "standar")
    await page.fill("#f-name", "Stan Standar 3x3")
    await page.fill("#f-tables", "1")
    await page.fill("#f-chairs", "2")
    await page.fill("#f-power_watts", "450")
    await page.fill("#f-staff_quota", "2")
    await page.check("input[name=fascia]")
    await page.fill("#f-price", "750000")
    await page.click("form.stack button[type=submit]")
    await page.wait_for_url(f"**/admin/e/{SLUG}/packages?msg=package_added")
    await page.fill("input[name$='.class_prices.pesantren']", "0")
    await page.click("form[action$='/prices'] button[type=submit]")
    await page.wait_for_url(f"**/admin/e/{SLUG}/packages?msg=prices_saved")
    await _shot(page, "03-packages-and-prices")

    # 3. A hall and a block of 40 booths.
    await page.goto(f"{server}/admin/e/{SLUG}/layout")
    await page.fill("#n-name", "Aula Utama")
    await page.fill("#n-code", "A")
    await page.fill("#n-width_m", "40")
    await page.fill("#n-depth_m", "24")
    await page.click("form.lay-hall-form button[type=submit]")
    await page.wait_for_url("**msg=hall_added**")
    for field, value in {
        "rows": "4",
        "columns": "10",
        "booth_width_m": "3",
        "booth_depth_m": "3",
        "aisle_m": "3",
        "origin_x_m": "3",
        "origin_y_m": "2",
        "prefix": "A",
        "start_number": "1",
        "number_width": "2",
    }.items():
        await page.fill(f"#k-{field}", value)
    await page.click("form[data-block-form] button[value=save]")
    await page.wait_for_selector('.lay-booth[data-code="A-40"]')
    assert await page.locator(".lay-booth").count() == 40
    await _shot(page, "04-layout")

    # 4. The treasurer is invited.
    await page.goto(f"{server}/admin/e/{SLUG}/committee")
    await page.fill("#f-email", "bendahara@koperasi.test")
    await page.check("input[name=role][value=treasurer]")
    await page.click("form[action$='/committee/invite'] button[type=submit]")
    link = await page.locator("input[readonly]").input_value()
    assert "/invite/" in link
    await _shot(page, "05-committee")

    # 5. Booking opens.
    await page.goto(f"{server}/admin/e/{SLUG}/settings")
    await page.click("button[name=switch][value=open_booking]")
    await page.wait_for_url("**msg=open_booking**")
    await _shot(page, "06-booking-open")

    # 6. The public, on a phone: the expo and its booths.
    phone = await browser.new_context(viewport={"width": 360, "height": 780}, locale="id-ID", is_mobile=True)
    public = await phone.new_page()
    public.on("pageerror", lambda exc: errors.append(str(exc)))
    await public.goto(f"{server}/e/{SLUG}/booths")
    available = public.locator('rect[data-code="A-01"][data-status="available"]')
    await available.wait_for(state="attached")
    assert await public.locator("rect[data-code]").count() == 40
    await _shot(public, "07-public-picker")
    await phone.close()

    # 7. The treasurer joins from the link and sees the bookings, not the set-up.
    invited = await browser.new_context(viewport={"width": 390, "height": 844}, locale="id-ID")
    treasurer = await invited.new_page()
    await treasurer.goto(link)
    await treasurer.fill("#f-name", "Siti Bendahara")
    await treasurer.fill("#f-password", "bendahara-rahasia")
    await treasurer.click("form[action$='/join'] button[type=submit]")
    await treasurer.wait_for_url("**/admin?joined=*")
    bookings = await treasurer.goto(f"{server}/admin/e/{SLUG}/bookings")
    assert bookings is not None
    assert bookings.status == 200
    layout = await treasurer.goto(f"{server}/admin/e/{SLUG}/layout")
    assert layout is not None
    assert layout.status == 403
    await invited.close()

    assert errors == []
    await context.close()
