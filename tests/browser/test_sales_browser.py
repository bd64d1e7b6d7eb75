"""Entering a day's sales on a phone: the exhibitor logs in, goes from its booking to its sales, types
the amounts as people do ("1.250.000"), saves, and sees the day ticked and its figures."""

from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from booths.bookings.models import PaymentMethod
from booths.bookings.schemas import PaymentIn
from booths.bookings.service import assign_booth
from booths.exhibitors.schemas import ExhibitorSignup
from booths.exhibitors.service import sign_up
from expo.account_links import LinkSettings
from expo.accounts import system_user
from expo.database import create_engine, create_sessionmaker
from expo.migrate import upgrade
from tests.support.browser import PHONE, SHOTS, serve
from tests.support.database import make_settings
from tests.support.factories import PASSWORDS, exhibitor_payload, make_venue

pytestmark = [pytest.mark.anyio, pytest.mark.browser]

EMAIL, PASSWORD = "laris@contoh.id", "rahasia-123"


@pytest.fixture
def database_file(tmp_path: Path) -> str:
    url = f"sqlite+aiosqlite:///{tmp_path / 'sales.db'}"
    upgrade(url)
    return url


@pytest.fixture
def server(database_file: str) -> Iterator[str]:
    with serve(make_settings(database_file)) as base_url:
        yield base_url


async def _seed(database_url: str, base_url: str) -> None:
    """An expo that starts today (Jombang time) and an exhibitor the committee placed on a booth."""
    engine = create_engine(make_settings(database_url))
    try:
        async with create_sessionmaker(engine)() as session:
            place = await make_venue(
                session, slug="expo-laris", starts_on=datetime.now(ZoneInfo("Asia/Jakarta")).date()
            )
            signup = ExhibitorSignup.model_validate(exhibitor_payload(email=EMAIL, name="Sambal Laris"))
            exhibitor, _ = await sign_up(session, PASSWORDS, place.expo_id, signup, LinkSettings(base_url))
            assert exhibitor.id is not None
            payment = PaymentIn(amount=1_500_000, method=PaymentMethod.CASH)
            await assign_booth(session, place.expo_id, place.booth_ids[0], exhibitor.id, system_user(), payment=payment)
            await session.commit()
    finally:
        await engine.dispose()


async def test_an_exhibitor_enters_a_days_sales_on_a_phone(browser: Any, server: str, database_file: str) -> None:
    await _seed(database_file, server)
    context = await browser.new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True, locale="id-ID")
    context.set_default_timeout(15_000)
    page = await context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))

    await page.goto(f"{server}/login")
    await page.fill('input[name="email"]', EMAIL)
    await page.fill('input[name="password"]', PASSWORD)
    await page.click("form button[type=submit]")
    await page.wait_for_url("**/my-booking")
    await page.get_by_role("link", name="Penjualan harian saya").click()
    await page.wait_for_url("**/my-sales")
    await page.fill("#f-cash", "1.250.000")
    await page.fill("#f-transfer", "730.000")
    await page.fill("#f-transactions", "41")
    await page.fill("#f-deal_party_1", "Toko Oleh-oleh Barokah")
    await page.fill("#f-deal_value_1", "5.000.000")
    await page.screenshot(path=str(SHOTS / "sales-form-phone.png"), full_page=True)
    # the form fits the phone: no sideways scrolling of the page
    assert await page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    await page.get_by_role("button", name="Simpan penjualan hari ini").click()
    await page.wait_for_url("**/my-sales?day=*&msg=saved")
    assert "Terima kasih" in await page.locator("p.notice").inner_text()
    assert await page.locator('.day-tab[aria-current="page"].entered').count() == 1
    assert "Rp1.980.000" in await page.locator("table.sales-table").inner_text()
    assert await page.input_value("#f-cash") == "1250000"
    assert await page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    await page.screenshot(path=str(SHOTS / "sales-saved-phone.png"), full_page=True)
    assert errors == []
