"""The exhibitor's catalogue on a phone: from its booking page to its profile (a story, an order
number, a shop link typed without https://, a logo from the phone's gallery), then its products (one
added with a photo, shown as a picture the browser really decodes), all in Indonesian."""

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from booths.exhibitors.schemas import ExhibitorSignup
from booths.exhibitors.service import sign_up
from expo.account_links import LinkSettings
from expo.database import create_engine, create_sessionmaker
from expo.migrate import upgrade
from expo.settings import Settings
from tests.support.browser import PHONE, SHOTS, serve
from tests.support.catalogue_editing import phone_photo, transparent_logo
from tests.support.database import make_settings
from tests.support.factories import PASSWORDS, exhibitor_payload, make_venue

pytestmark = [pytest.mark.anyio, pytest.mark.browser]

EMAIL, PASSWORD = "kopi.ayu@contoh.id", "rahasia-123"


@pytest.fixture
def settings_file(tmp_path: Path) -> Settings:
    url = f"sqlite+aiosqlite:///{tmp_path / 'catalogue.db'}"
    upgrade(url)
    return make_settings(url, storage_dir=tmp_path / "files")


@pytest.fixture
def server(settings_file: Settings) -> Iterator[str]:
    with serve(settings_file) as base_url:
        yield base_url


async def _seed(settings: Settings, base_url: str) -> None:
    engine = create_engine(settings)
    try:
        async with create_sessionmaker(engine)() as session:
            place = await make_venue(session, slug="expo-katalog")
            signup = ExhibitorSignup.model_validate(exhibitor_payload(email=EMAIL, name="Kopi Ayu Wonosalam"))
            await sign_up(session, PASSWORDS, place.expo_id, signup, LinkSettings(base_url))
            await session.commit()
    finally:
        await engine.dispose()


async def _loaded(page: Any, selector: str) -> int:
    """The natural width of the picture the browser decoded (0: none)."""
    # a function, not an expression: an expression is evaluated as a string, which the site's CSP refuses
    await page.wait_for_function("sel => document.querySelector(sel)?.complete === true", arg=selector)
    return int(await page.eval_on_selector(selector, "img => img.naturalWidth"))


async def test_an_exhibitor_writes_its_profile_and_adds_a_product_on_a_phone(
    browser: Any, server: str, settings_file: Settings, tmp_path: Path
) -> None:
    await _seed(settings_file, server)
    logo = tmp_path / "logo.png"
    logo.write_bytes(transparent_logo())
    photo = tmp_path / "IMG_2041.jpg"
    photo.write_bytes(phone_photo(orientation=6))
    context = await browser.new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True, locale="id-ID")
    context.set_default_timeout(15_000)
    page = await context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on(
        "console",
        lambda message: (
            errors.append(message.text)
            if "Content Security Policy" in message.text or "Refused to" in message.text
            else None
        ),
    )

    await page.goto(f"{server}/login")
    await page.fill('input[name="email"]', EMAIL)
    await page.fill('input[name="password"]', PASSWORD)
    await page.click("form button[type=submit]")
    await page.wait_for_url("**/my-booking")
    await page.get_by_role("link", name="Profil saya").click()
    await page.wait_for_url("**/my-profile")

    await page.set_input_files("#f-file", str(logo))
    await page.get_by_role("button", name="Unggah logo").click()
    await page.wait_for_url("**/my-profile?msg=logo_saved#logo")
    assert await _loaded(page, ".logo-now img") > 0

    await page.fill("#f-story", "Kopi robusta dari lereng Wonosalam, disangrai santri.\n<b>tanpa pengawet</b>")
    await page.fill("#f-order_whatsapp", "0812 3456 7890")
    await page.fill("#f-shopee_url", "shopee.co.id/kopiayu")
    await page.fill("#f-instagram_url", "javascript:alert(1)")
    await page.get_by_role("button", name="Simpan profil").click()
    await page.wait_for_selector("#e-instagram_url")
    assert "Isi alamat web yang diawali http:// atau https://." in await page.inner_text("#e-instagram_url")
    await page.screenshot(path=str(SHOTS / "catalogue-profile-error.png"), full_page=True)
    await page.fill("#f-instagram_url", "https://instagram.com/kopiayu")
    await page.get_by_role("button", name="Simpan profil").click()
    await page.wait_for_url("**/my-profile?msg=saved")
    assert await page.input_value("#f-shopee_url") == "https://shopee.co.id/kopiayu"
    assert "<b>tanpa pengawet</b>" in await page.input_value("#f-story")
    await page.screenshot(path=str(SHOTS / "catalogue-profile.png"), full_page=True)

    await page.get_by_role("link", name="Produk saya →").click()
    await page.wait_for_url("**/my-products")
    await page.get_by_role("link", name="Tambah produk").click()
    await page.fill("#f-name", "Kopi Robusta Wonosalam")
    await page.set_input_files("#f-file", str(photo))
    await page.fill("#f-price_min", "35.000")
    await page.fill("#f-price_max", "60.000")
    await page.fill("#f-unit", "bungkus 250 g")
    await page.fill("#f-stock_note", "Siap di stan")
    await page.screenshot(path=str(SHOTS / "catalogue-product-form.png"), full_page=True)
    await page.get_by_role("button", name="Simpan produk").click()
    await page.wait_for_url("**/my-products?msg=added*")
    assert "Rp35.000 – Rp60.000 / bungkus 250 g" in await page.inner_text(".product-list")
    width = await _loaded(page, ".product-img")
    assert width > 0
    # The phone (2x) picks the 160 px WebP for a 72 px picture.
    assert (await page.eval_on_selector(".product-img", "img => img.currentSrc")).endswith("-160.webp")
    await page.screenshot(path=str(SHOTS / "catalogue-products.png"), full_page=True)
    # Deleting asks first (no script needed), then removes the product.
    await page.get_by_text("Hapus", exact=True).click()
    await page.get_by_role("button", name="Ya, hapus produk ini").click()
    await page.wait_for_url("**/my-products?msg=deleted")
    assert await page.query_selector(".product-list li") is None
    assert errors == []
    await context.close()
