"""Add-ons, refunds and revenue in a real browser: an exhibitor on a phone orders extra power and a
fascia text for its held booth and sees what cancelling would give back; the treasurer at a desk
sees the price list, the logistics list, the revenue with its WhatsApp reminder and the refund rule.
No page error (the Content-Security-Policy allows no inline script); screenshots for the docs."""

from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest

from booths.billing.addon_schemas import AddOnIn
from booths.billing.addons import create_addon
from booths.billing.models import AddOnKind, PaymentSetup
from expo.accounts import system_user
from expo.auth import SESSION_COOKIE
from expo.database import create_engine, create_sessionmaker
from expo.migrate import upgrade
from expo.models import CommitteeRole
from tests.support.browser import PHONE, SHOTS, serve
from tests.support.database import make_settings
from tests.support.factories import exhibitor_payload, make_member_token, make_venue

pytestmark = [pytest.mark.anyio, pytest.mark.browser]
SLUG = "expo-uang"


@pytest.fixture
def database_file(tmp_path: Path) -> str:
    url = f"sqlite+aiosqlite:///{tmp_path / 'money.db'}"
    upgrade(url)
    return url


@pytest.fixture
def server(database_file: str) -> Iterator[str]:
    with serve(make_settings(database_file)) as base_url:
        yield base_url


async def _seed(database_url: str) -> tuple[int, str]:
    """The expo, its add-ons and refund rule, and a treasurer's log-in: ``(expo id, token)``."""
    engine = create_engine(make_settings(database_url))
    try:
        async with create_sessionmaker(engine)() as session:
            place = await make_venue(session, slug=SLUG)
            for code, kind, name, price, size in (
                ("listrik", AddOnKind.POWER, "Tambah daya listrik", 250_000, 450),
                ("meja", AddOnKind.TABLE, "Meja tambahan", 50_000, 1),
                ("papan", AddOnKind.FASCIA, "Tulisan papan nama", 0, 1),
            ):
                data = AddOnIn(code=code, kind=kind, name=name, price=price, unit_size=size, max_quantity=4)
                await create_addon(session, place.expo_id, data, system_user())
            session.add(
                PaymentSetup(
                    expo_id=place.expo_id,
                    refund_rules=[{"days_before": 30, "percent": 100}, {"days_before": 14, "percent": 50}],
                )
            )
            await session.commit()
            token = await make_member_token(session, place.expo_id, CommitteeRole.TREASURER)
            return place.expo_id, token
    finally:
        await engine.dispose()


async def _exhibitor_with_hold(base_url: str, expo_id: int) -> tuple[str, int]:
    """Sign up and hold the first booth through the served API, as the exhibitor's phone would."""
    async with httpx.AsyncClient(base_url=base_url) as http:
        signup = await http.post(
            f"/api/expos/{expo_id}/exhibitors/signup",
            json=exhibitor_payload(exhibitor_class="umkm", name="Keripik Bu Sri"),
        )
        assert signup.status_code == 201, signup.text
        token = signup.json()["token"]
        booths = await http.get(f"/api/expos/{expo_id}/booths")
        booth_id = booths.json()[0]["id"] if isinstance(booths.json(), list) else booths.json()["items"][0]["id"]
        held = await http.post(f"/api/booths/{booth_id}/hold", headers={"Authorization": f"Bearer {token}"})
        assert held.status_code == 201, held.text
        return token, int(held.json()["id"])


async def _context(browser: Any, base_url: str, token: str, **options: Any) -> Any:
    context = await browser.new_context(locale="id-ID", **options)
    context.set_default_timeout(15_000)
    host = urlsplit(base_url).hostname or "127.0.0.1"
    await context.add_cookies([{"name": SESSION_COOKIE, "value": token, "domain": host, "path": "/"}])
    return context


async def test_add_ons_refund_and_revenue_pages(browser: Any, server: str, database_file: str) -> None:
    expo_id, treasurer = await _seed(database_file)
    exhibitor, booking_id = await _exhibitor_with_hold(server, expo_id)
    errors: list[str] = []

    phone = await _context(browser, server, exhibitor, viewport=PHONE, device_scale_factor=2, is_mobile=True)
    page = await phone.new_page()
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    await page.goto(f"{server}/my-booking")
    await page.click('a[href="/my-booking/addons"]')
    await page.wait_for_url("**/my-booking/addons")
    await page.select_option(f"#f-addon-{booking_id}", label="Tambah daya listrik · Rp250.000 per 450 VA")
    await page.fill(f"#f-quantity-{booking_id}", "2")
    await page.click("form.stack button[type=submit]")
    await page.wait_for_url("**/my-booking/addons?msg=ordered")
    await page.select_option(f"#f-addon-{booking_id}", label="Tulisan papan nama · Rp0")
    await page.fill(f"#f-text-{booking_id}", "KERIPIK BU SRI")
    await page.click("form.stack button[type=submit]")
    await page.wait_for_url("**/my-booking/addons?msg=ordered")
    text = await page.inner_text("main")
    assert "Tambah daya listrik" in text
    assert "KERIPIK BU SRI" in text
    await page.screenshot(path=str(SHOTS / "money-my-addons.png"), full_page=True)
    await page.goto(f"{server}/my-booking/{booking_id}/cancel")
    assert "Batalkan stan" in await page.inner_text("main")
    await page.screenshot(path=str(SHOTS / "money-cancel-preview.png"), full_page=True)

    desk = await _context(browser, server, treasurer, viewport={"width": 1280, "height": 900})
    admin = await desk.new_page()
    admin.on("pageerror", lambda exc: errors.append(str(exc)))
    base = f"{server}/admin/e/{SLUG}/payments"
    await admin.goto(f"{base}/addons")
    assert "Tambah daya listrik" in await admin.inner_text("main")
    await admin.screenshot(path=str(SHOTS / "money-addons.png"), full_page=True)
    await admin.goto(f"{base}/addons/orders")
    orders = await admin.inner_text("main")
    assert "900" in orders
    assert "KERIPIK BU SRI" in orders
    await admin.screenshot(path=str(SHOTS / "money-addon-orders.png"), full_page=True)
    await admin.goto(f"{base}/revenue")
    revenue = await admin.inner_text("main")
    assert "Rp2.000.000" in revenue or "INV/" in revenue
    assert await admin.locator('a[href^="https://wa.me/"]').count() == 1
    await admin.screenshot(path=str(SHOTS / "money-revenue.png"), full_page=True)
    await admin.goto(f"{base}/refund-rule")
    assert "100" in await admin.input_value('input[name="steps.0.percent"]')
    await admin.screenshot(path=str(SHOTS / "money-refund-rule.png"), full_page=True)
    assert errors == []
