"""The organisers' dashboard on a phone, live: a sale entered at the desk and a pass scanned at the gate
change the figures on the open page within seconds, without reloading it."""

from datetime import UTC, datetime
from typing import Any

import httpx
import pytest

from expo.auth import SESSION_COOKIE
from expo.settings import Settings
from tests.support.browser import PHONE, SHOTS
from tests.support.live import enter_sale_at_desk, seed_live_expo

pytestmark = [pytest.mark.anyio, pytest.mark.browser]


async def test_the_dashboard_changes_without_a_reload(browser: Any, served_app: str, served_settings: Settings) -> None:
    expo = await seed_live_expo(served_settings, served_app)
    slug, treasurer = expo.slug, expo.treasurer
    context = await browser.new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True, locale="id-ID")
    context.set_default_timeout(15_000)
    await context.add_cookies([{"name": SESSION_COOKIE, "value": treasurer, "url": served_app}])
    page = await context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    await page.goto(f"{served_app}/admin/e/{slug}/dashboard")
    await page.wait_for_selector('#live-note[data-live="1"]')
    board = page.locator("#board")
    assert "Rp0" in await board.inner_text()
    await page.evaluate("window.sameDocument = true")  # gone if the page reloads

    async with httpx.AsyncClient(base_url=served_app, cookies={SESSION_COOKIE: treasurer}, timeout=30) as desk:
        await enter_sale_at_desk(desk, slug, expo.exhibitor_id, 1_250_000)
    # the periodic re-read is 30 s away: within a few seconds only the push can have done it
    await page.wait_for_function(
        "() => document.querySelector('#board').innerText.includes('Rp1.250.000')", timeout=8_000
    )
    entries = page.locator("#board tbody tr").first.locator("td").first
    assert (await entries.inner_text()).strip() == "0"

    scan = {"text": expo.pass_token, "client_scan_id": "s-1", "scanned_at": datetime.now(UTC).isoformat()}
    async with httpx.AsyncClient(base_url=served_app, timeout=10) as phone:
        headers = {"Authorization": f"Device {expo.device_token}"}
        answer = await phone.post("/api/gate/scans", json=scan, headers=headers)
    assert answer.json()["reason"] == "ok", answer.text
    await page.wait_for_function(
        "() => document.querySelector('#board tbody td').textContent.trim() === '1'", timeout=8_000
    )
    assert await page.evaluate("window.sameDocument === true")  # the same page all along: no reload
    assert await page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    await page.screenshot(path=str(SHOTS / "dashboard-live-phone.png"), full_page=True)
    assert errors == []
