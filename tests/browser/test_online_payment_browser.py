"""Online payment in a real browser against the fake Midtrans: the exhibitor holds a booth, sees
"Bayar online" on its booking, is sent to the gateway's page, the gateway settles and notifies the
served app, and back on "my booking" the booth is confirmed."""

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from booths.billing.models import PaymentSetup
from expo.database import create_engine, create_sessionmaker
from expo.migrate import upgrade
from tests.support.browser import PHONE, SHOTS, serve
from tests.support.database import make_settings
from tests.support.factories import exhibitor_payload, make_venue
from tests.support.fake_midtrans import FakeMidtrans, fake_midtrans

pytestmark = [pytest.mark.anyio, pytest.mark.browser]


@pytest.fixture
def database_file(tmp_path: Path) -> str:
    url = f"sqlite+aiosqlite:///{tmp_path / 'online.db'}"
    upgrade(url)
    return url


@pytest.fixture
def midtrans() -> Iterator[FakeMidtrans]:
    with fake_midtrans() as fake:
        yield fake


@pytest.fixture
def server(database_file: str, midtrans: FakeMidtrans, tmp_path: Path) -> Iterator[str]:
    settings = make_settings(
        database_file,
        signing_key_file=tmp_path / "keys.json",
        payment_gateway="midtrans",
        midtrans_server_key=midtrans.server_key,
        midtrans_base_url=midtrans.url,
    )
    with serve(settings) as base_url:
        yield base_url


async def _seed(database_url: str) -> tuple[int, int]:
    engine = create_engine(make_settings(database_url))
    try:
        async with create_sessionmaker(engine)() as session:
            venue = await make_venue(session, slug="expo-online")
            session.add(PaymentSetup(expo_id=venue.expo_id, online_enabled=True))
            await session.commit()
            return venue.expo_id, venue.booth_ids[0]
    finally:
        await engine.dispose()


async def test_pay_online_confirms_the_booth(
    browser: Any, server: str, database_file: str, midtrans: FakeMidtrans
) -> None:
    expo_id, booth_id = await _seed(database_file)
    payload = exhibitor_payload(exhibitor_class="umkm")
    async with httpx.AsyncClient(base_url=server) as api:
        signed_up = await api.post(f"/api/expos/{expo_id}/exhibitors/signup", json=payload)
        assert signed_up.status_code == 201, signed_up.text
        api.cookies.clear()
        token = signed_up.json()["token"]
        held = await api.post(f"/api/booths/{booth_id}/hold", headers={"Authorization": f"Bearer {token}"})
        assert held.status_code == 201, held.text

    context = await browser.new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True, locale="id-ID")
    context.set_default_timeout(15_000)
    page = await context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    await page.goto(f"{server}/login")
    await page.fill('input[name="email"]', payload["email"])
    await page.fill('input[name="password"]', payload["password"])
    await page.click("form button[type=submit]")
    await page.wait_for_url("**/my-booking")
    button = page.get_by_role("button", name="Bayar online")
    await button.wait_for()
    await page.screenshot(path=str(SHOTS / "online-pay-button.png"), full_page=True)

    await button.click()
    await page.wait_for_url("**/my-bills/*/online/*")
    await page.screenshot(path=str(SHOTS / "online-pay-continue.png"), full_page=True)
    await page.get_by_role("link", name="Lanjut ke pembayaran").click()
    await page.wait_for_url(f"{midtrans.url}/snap/**")
    (order,) = midtrans.orders.values()
    async with httpx.AsyncClient(base_url=server) as gateway:
        notified = await gateway.post("/api/payments/gateway/midtrans", json=midtrans.settle(order.order_id))
    assert notified.json() == {"outcome": "paid"}

    await page.click("#back")
    await page.wait_for_url("**/my-booking?msg=paid_online*")
    assert await page.locator(".booking-card .badge.confirmed").count() == 1
    assert await button.count() == 0
    await page.screenshot(path=str(SHOTS / "online-paid.png"), full_page=True)
    assert errors == []
