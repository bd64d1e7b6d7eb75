"""The layout editor in a real browser: add a hall, preview and add 40 booths, drag a booth (saved) and
onto another (refused, springs back), place a musholla on the plan, then the same page on a 360 px
phone by touch and the exhibitors' booth picker with the features drawn.

Drives Debian's chromium through Playwright (never ``playwright install``); screenshots go to
/tmp/shots (or EXPO_TEST_SHOTS): layout-*.png.
"""

import asyncio
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from booths.committee.service import add_member
from booths.venue import service as venue
from booths.venue.schemas import ExpoCreate, PackageCreate
from expo.accounts import create_user
from expo.database import create_engine, create_sessionmaker
from expo.formatting import utcnow
from expo.migrate import upgrade
from expo.models import CommitteeRole, Role
from tests.support.browser import SHOTS, serve
from tests.support.database import make_settings
from tests.support.factories import PASSWORDS

pytestmark = [pytest.mark.anyio, pytest.mark.browser]

EMAIL, PASSWORD, SLUG = "denah@uji.test", "panitia-rahasia", "expo-denah"


async def _seed(database_url: str) -> None:
    """An expo with one package and its organiser; no hall yet."""
    engine = create_engine(make_settings(database_url))
    try:
        async with create_sessionmaker(engine)() as session:
            first = utcnow().date() + timedelta(days=40)
            expo = await venue.create_expo(
                session,
                ExpoCreate(
                    slug=SLUG, name="Expo Denah", city="Kediri", venue="GOR Uji", starts_on=first, ends_on=first
                ),
            )
            assert expo.id is not None
            await venue.create_package(session, expo.id, PackageCreate(code="standar", name="Standar", price=100_000))
            user = await create_user(
                session, PASSWORDS, email=EMAIL, name="Panitia Denah", password=PASSWORD, role=Role.ORGANISER
            )
            assert user.id is not None
            await add_member(session, expo.id, user.id, CommitteeRole.ORGANISER)
            await session.commit()
    finally:
        await engine.dispose()


@pytest.fixture
def server(tmp_path: Path) -> Iterator[str]:
    url = f"sqlite+aiosqlite:///{tmp_path / 'layout.db'}"
    upgrade(url)
    asyncio.run(_seed(url))
    with serve(make_settings(url)) as base_url:
        yield base_url


async def _log_in(page: Any, base: str) -> None:
    await page.goto(f"{base}/login?next=/admin/e/{SLUG}/layout")
    await page.fill("input[name=email]", EMAIL)
    await page.fill("input[name=password]", PASSWORD)
    await page.click("form button[type=submit]")
    await page.wait_for_url(f"**/admin/e/{SLUG}/layout")


async def _point(page: Any, x_m: float, y_m: float) -> tuple[float, float]:
    """Where a point of the hall (metres) is on the screen."""
    result: list[float] = await page.evaluate(
        """([x, y]) => {
          const svg = document.getElementById("lay-svg");
          const pt = svg.createSVGPoint(); pt.x = x; pt.y = y;
          const s = pt.matrixTransform(svg.getScreenCTM());
          return [s.x, s.y];
        }""",
        [x_m, y_m],
    )
    return result[0], result[1]


async def _drag(page: Any, start: tuple[float, float], end: tuple[float, float]) -> None:
    sx, sy = await _point(page, *start)
    ex, ey = await _point(page, *end)
    await page.mouse.move(sx, sy)
    await page.mouse.down()
    await page.mouse.move(ex, ey, steps=12)
    await page.mouse.up()


async def _booth_x(page: Any, code: str) -> float:
    return float(await page.locator(f'.lay-booth[data-code="{code}"] rect').get_attribute("x"))


async def test_lay_out_a_hall_by_mouse_and_by_touch(browser: Any, server: str) -> None:
    context = await browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
    context.set_default_timeout(10_000)
    page = await context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    await _log_in(page, server)
    await page.screenshot(path=str(SHOTS / "layout-empty.png"), full_page=True)

    # A hall of 40 x 30 m.
    await page.fill("#n-name", "Aula Utama")
    await page.fill("#n-code", "A")
    await page.fill("#n-width_m", "40")
    await page.fill("#n-depth_m", "30")
    await page.click("#add-hall button[type=submit]")
    await page.wait_for_url("**msg=hall_added")
    assert await page.locator("#lay-svg").is_visible()

    # 4 rows of 10 booths of 3 x 3 m from (2, 2): preview first, then add them.
    for name, value in (("rows", "4"), ("columns", "10"), ("booth_width_m", "3"), ("booth_depth_m", "3")):
        await page.fill(f"#k-{name}", value)
    for name, value in (("aisle_m", "3"), ("origin_x_m", "2"), ("origin_y_m", "2"), ("prefix", "A")):
        await page.fill(f"#k-{name}", value)
    await page.click("[data-block-form] button[value=preview]")
    await page.wait_for_selector(".lay-preview")
    assert await page.locator(".lay-preview").count() == 40
    assert await page.locator(".lay-booth").count() == 0
    await page.click("[data-block-form] button[value=save]")
    await page.wait_for_url("**msg=block_added")
    assert await page.locator(".lay-booth").count() == 40

    # Drag A-01 from (2, 2) to the free floor at (35, 2): saved, and still there after a reload.
    await _drag(page, (3.5, 3.5), (36.5, 3.5))
    await page.wait_for_selector('.lay-booth[data-code="A-01"][data-saved="true"]')
    status = page.locator("#layout-status")
    assert "A-01" in await status.inner_text()
    assert await _booth_x(page, "A-01") == 35

    # Drag A-12 onto A-13: refused with the reason, back where it was.
    before = await _booth_x(page, "A-12")
    await _drag(page, (6.5, 9.5), (9.5, 9.5))
    await page.wait_for_selector("#layout-status.is-bad")
    assert "A-13" in await status.inner_text()
    await page.wait_for_timeout(400)  # the spring back is a 0.25 s transition
    assert await _booth_x(page, "A-12") == before
    assert await page.locator('.lay-booth[data-code="A-12"]').get_attribute("style") in (None, "", "transform: none;")

    # The keyboard moves a booth too: A-40 half a metre down.
    await page.locator('.lay-booth[data-code="A-40"]').focus()
    await page.keyboard.press("ArrowDown")
    await page.wait_for_selector('.lay-booth[data-code="A-40"][data-saved="true"]')

    # Place a musholla by tapping the plan at (36, 25): the form is filled and sent.
    await page.select_option("#fa-kind", "musholla")
    await page.click("[data-place]")
    x, y = await _point(page, 36, 25)
    await page.mouse.click(x, y)
    await page.wait_for_url("**msg=feature_added")
    assert await page.locator(".lay-feature--musholla").count() == 1
    await page.reload()
    assert await _booth_x(page, "A-01") == 35
    assert await _booth_x(page, "A-12") == before
    assert float(await page.locator('.lay-booth[data-code="A-40"] rect').get_attribute("y")) == 20.5
    await page.screenshot(path=str(SHOTS / "layout-1280-page.png"), full_page=True)
    await page.locator(".lay-grid").screenshot(path=str(SHOTS / "layout-1280.png"))
    assert errors == []
    await context.close()

    # A 360 px phone, by touch: tap a booth to edit it; drag a feature with the finger.
    phone = await browser.new_context(
        viewport={"width": 360, "height": 800}, device_scale_factor=2, is_mobile=True, has_touch=True, locale="id-ID"
    )
    phone.set_default_timeout(10_000)
    page = await phone.new_page()
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    await _log_in(page, server)
    await page.screenshot(path=str(SHOTS / "layout-360.png"), full_page=True)
    await page.locator(".lay-plan").screenshot(path=str(SHOTS / "layout-360-plan.png"))
    booth = page.locator('.lay-booth[data-code="A-05"]')
    await booth.scroll_into_view_if_needed()
    box = await booth.bounding_box()
    await page.touchscreen.tap(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    panel = page.locator("#booth-panel")
    await panel.wait_for(state="visible")
    assert await panel.locator("input[name=code]").input_value() == "A-05"
    await page.wait_for_timeout(600)  # the panel scrolls into view smoothly
    await page.screenshot(path=str(SHOTS / "layout-360-booth.png"))

    musholla = page.locator(".lay-feature--musholla")
    await musholla.scroll_into_view_if_needed()
    client = await phone.new_cdp_session(page)
    sx, sy = await _point(page, 36, 25)
    ex, ey = await _point(page, 36, 20)
    await client.send("Input.dispatchTouchEvent", {"type": "touchStart", "touchPoints": [{"x": sx, "y": sy}]})
    for i in range(1, 11):
        point = {"x": sx + (ex - sx) * i / 10, "y": sy + (ey - sy) * i / 10}
        await client.send("Input.dispatchTouchEvent", {"type": "touchMove", "touchPoints": [point]})
    await client.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})
    await page.wait_for_selector('.lay-feature--musholla[data-saved="true"]')
    assert await page.locator(".lay-feature--musholla rect").get_attribute("y") in ("18", "18.0")

    # The exhibitors' booth picker shows the musholla too.
    await page.goto(f"{server}/e/{SLUG}/booths")
    assert await page.locator("g.pk-feature--musholla").count() == 1
    await page.evaluate("document.querySelector('.map-scroll').scrollLeft = 10000")  # to the musholla
    await page.locator(".hall:not([hidden])").screenshot(path=str(SHOTS / "layout-picker-360.png"))
    assert errors == []
    await phone.close()
