"""A real browser on a phone-sized screen: sign up, pick a booth on the map, hold it, watch the countdown.

Runs the app under uvicorn on a free local port with a freshly migrated SQLite database and drives
Debian's chromium through Playwright (never ``playwright install``). Screenshots go to /tmp/shots.
"""

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from booths.bookings import service as bookings
from booths.bookings.schemas import PaymentIn
from booths.committee.service import add_member
from booths.exhibitors.schemas import ExhibitorCreate
from booths.exhibitors.service import create_exhibitor
from booths.venue import service as venue
from expo.accounts import CurrentUser, create_user
from expo.database import create_engine, create_sessionmaker
from expo.migrate import upgrade
from expo.models import CommitteeRole, Role
from tests.support.browser import PHONE, SHOTS, serve
from tests.support.database import make_settings
from tests.support.factories import PASSWORDS, exhibitor_payload, make_venue

pytestmark = [pytest.mark.anyio, pytest.mark.browser]

ORGANISER_EMAIL, ORGANISER_PASSWORD = "panitia@uji.test", "panitia-rahasia"


@dataclass
class LiveExpo:
    base_url: str
    slug: str
    free_booth_id: int
    free_booth_code: str


async def _seed(database_url: str) -> tuple[str, int, str]:
    """A small venue through the services: one confirmed, one held and one blocked booth among free ones."""
    settings = make_settings(database_url)
    engine = create_engine(settings)
    try:
        async with create_sessionmaker(engine)() as session:
            place = await make_venue(session, booths=8, slug="expo-browser")
            organiser = await create_user(
                session,
                PASSWORDS,
                email=ORGANISER_EMAIL,
                name="Panitia",
                password=ORGANISER_PASSWORD,
                role=Role.ORGANISER,
            )
            assert organiser.id is not None
            await add_member(session, place.expo_id, organiser.id, CommitteeRole.ORGANISER)
            actor = CurrentUser(
                id=organiser.id,
                email=organiser.email,
                name=organiser.name,
                role=Role.ORGANISER,
                committee={place.expo_id: CommitteeRole.ORGANISER},
            )
            fields = {k: v for k, v in exhibitor_payload().items() if k != "password"}
            other = await create_exhibitor(session, place.expo_id, ExhibitorCreate.model_validate(fields))
            assert other.id is not None
            await bookings.assign_booth(
                session,
                place.expo_id,
                place.booth_ids[0],
                other.id,
                actor,
                payment=PaymentIn(amount=500_000, method="transfer"),
            )
            fields = {k: v for k, v in exhibitor_payload(exhibitor_class="umkm").items() if k != "password"}
            third = await create_exhibitor(session, place.expo_id, ExhibitorCreate.model_validate(fields))
            assert third.id is not None
            await bookings.assign_booth(session, place.expo_id, place.booth_ids[1], third.id, actor, confirm=False)
            await venue.set_blocked(session, place.booth_ids[7], blocked=True, reason="Pintu darurat")
            await session.commit()
            free = await venue.get_booth(session, place.booth_ids[3])
            assert free.id is not None
            return place.expo.slug, free.id, free.code
    finally:
        await engine.dispose()


@pytest.fixture
def database_file(tmp_path: Path) -> str:
    url = f"sqlite+aiosqlite:///{tmp_path / 'browser.db'}"
    upgrade(url)
    return url


@pytest.fixture
def server(database_file: str) -> Iterator[str]:
    """The real app under uvicorn in a thread (its own event loop), stopped after the test."""
    with serve(make_settings(database_file)) as base_url:
        yield base_url


@pytest.fixture
async def live_expo(server: str, database_file: str) -> LiveExpo:
    slug, booth_id, code = await _seed(database_file)
    return LiveExpo(base_url=server, slug=slug, free_booth_id=booth_id, free_booth_code=code)


async def _phone(browser: Any) -> Any:
    context = await browser.new_context(
        viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True, locale="id-ID"
    )
    context.set_default_timeout(10_000)
    return context


async def test_sign_up_pick_hold_and_see_the_countdown_on_a_phone(browser: Any, live_expo: LiveExpo) -> None:
    context = await _phone(browser)
    page = await context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    base, slug = live_expo.base_url, live_expo.slug

    await page.goto(f"{base}/e/{slug}")
    assert await page.locator("html").get_attribute("lang") == "id"
    await page.click(f'a[href="/e/{slug}/signup"]')
    await page.wait_for_url(f"**/e/{slug}/signup")
    data = exhibitor_payload(email="santri@contoh.id")
    for name in ("name", "nib", "pesantren_name", "regency", "contact_name", "whatsapp", "email", "password"):
        await page.fill(f"#f-{name}", data[name])
    await page.select_option("#f-exhibitor_class", "pesantren")
    await page.select_option("#f-cluster", "kuliner")
    await page.fill("#f-description", data["description"])
    await page.evaluate("window.scrollTo(0, 0)")
    await page.screenshot(path=str(SHOTS / "signup.png"), full_page=True)
    await page.click("form.stack button[type=submit]")
    await page.wait_for_url(f"**/e/{slug}/booths")

    svg = page.locator("svg.hall-map")
    assert await svg.count() == 1
    assert await page.locator("rect[data-booth-id]").count() == 8
    box = await svg.bounding_box()
    assert box is not None
    assert box["width"] >= PHONE["width"] - 60  # the map uses the phone's width (and scrolls sideways if wider)
    await page.screenshot(path=str(SHOTS / "picker.png"), full_page=True)

    await page.click(f'rect[data-booth-id="{live_expo.free_booth_id}"]')
    panel = page.locator("#booth-panel")
    await panel.wait_for(state="visible")
    assert await panel.locator('[data-slot="code"]').inner_text() == live_expo.free_booth_code
    assert "Rp500.000" in await panel.locator('[data-slot="price"]').inner_text()
    assert f"booth={live_expo.free_booth_id}" in page.url
    await page.screenshot(path=str(SHOTS / "picker-selected.png"))

    # a taken booth shows no hold button
    await page.click('rect[data-status="confirmed"]')
    assert not await panel.locator("form[data-hold-form]").is_visible()
    await page.click(f'rect[data-booth-id="{live_expo.free_booth_id}"]')

    await panel.locator("form[data-hold-form] button").click()
    await page.wait_for_url("**/my-booking?msg=held")
    card = page.locator("[data-booking]").first
    assert live_expo.free_booth_code in await card.inner_text()
    clock = page.locator("[data-countdown-clock]")
    first = await clock.inner_text()
    assert re.fullmatch(r"\d\d:\d\d", first), first
    await page.wait_for_function(
        "t => document.querySelector('[data-countdown-clock]').textContent !== t", arg=first, timeout=5000
    )
    await page.screenshot(path=str(SHOTS / "my-booking.png"), full_page=True)

    # the same page after the hold has run out (the browser's clock jumps ahead)
    await page.clock.install()
    await page.reload()
    await page.clock.fast_forward("31:00")
    await page.locator(".countdown [data-when-expired]").wait_for(state="visible")
    assert not await page.locator("a[href$='/cancel']").is_visible()  # the cancel page's link goes with the hold
    await page.screenshot(path=str(SHOTS / "my-booking-expired.png"), full_page=True)
    assert errors == []
    await context.close()


async def test_organiser_bookings_page_on_a_phone(browser: Any, live_expo: LiveExpo) -> None:
    context = await _phone(browser)
    page = await context.new_page()
    base, slug = live_expo.base_url, live_expo.slug
    await page.goto(f"{base}/login?next=/admin/e/{slug}/bookings")
    await page.fill("input[name=email]", ORGANISER_EMAIL)
    await page.fill("input[name=password]", ORGANISER_PASSWORD)
    await page.click("form button[type=submit]")
    await page.wait_for_url(f"**/admin/e/{slug}/bookings")
    rows = page.locator("tr[id^=booking-]")
    assert await rows.count() == 2
    held = page.locator("tr[id^=booking-]", has=page.locator(".badge.held"))
    await held.locator("details.action summary").first.click()
    await held.locator("input[name=amount]").fill("1500000")
    await page.screenshot(path=str(SHOTS / "admin-bookings.png"), full_page=True)
    await held.locator("form[action$='/confirm'] button").click()
    await page.wait_for_url("**msg=confirmed")
    assert await page.locator(".notice").is_visible()
    assert await page.locator(".badge.held").count() == 0

    await page.goto(f"{base}/admin/e/{slug}/booths")
    await page.screenshot(path=str(SHOTS / "admin-booths.png"), full_page=True)
    await context.close()
