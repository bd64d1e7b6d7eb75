"""Documents on a phone: the exhibitor goes from its booking to its documents, sends the NIB printout
(a real PDF), sees it waiting; the desk opens its queue, asks for it again with a reason, and the
exhibitor reads the reason, shown as text, on its page."""

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from booths.exhibitors.schemas import ExhibitorSignup
from booths.exhibitors.service import sign_up
from expo.account_links import LinkSettings
from expo.accounts import create_user
from expo.database import create_engine, create_sessionmaker
from expo.migrate import upgrade
from expo.models import CommitteeMember, CommitteeRole, Role
from tests.booths.documents.support import pdf
from tests.support.browser import PHONE, SHOTS, serve
from tests.support.database import make_settings
from tests.support.factories import PASSWORDS, exhibitor_payload, make_venue

pytestmark = [pytest.mark.anyio, pytest.mark.browser]

EMAIL, DESK_EMAIL, PASSWORD = "berkas@contoh.id", "meja@contoh.id", "rahasia-123"
NIB = "9120000000777"


@pytest.fixture
def database_file(tmp_path: Path) -> str:
    url = f"sqlite+aiosqlite:///{tmp_path / 'documents.db'}"
    upgrade(url)
    return url


@pytest.fixture
def server(database_file: str) -> Iterator[str]:
    with serve(make_settings(database_file)) as base_url:
        yield base_url


async def _seed(database_url: str, base_url: str) -> str:
    engine = create_engine(make_settings(database_url))
    try:
        async with create_sessionmaker(engine)() as session:
            place = await make_venue(session, slug="expo-berkas")
            signup = ExhibitorSignup.model_validate(
                exhibitor_payload(email=EMAIL, name="Keripik Tempe Berkah", nib=NIB) | {"password": PASSWORD}
            )
            await sign_up(session, PASSWORDS, place.expo_id, signup, LinkSettings(base_url))
            desk = await create_user(
                session, PASSWORDS, email=DESK_EMAIL, name="Meja Uji", password=PASSWORD, role=Role.ORGANISER
            )
            assert desk.id is not None
            session.add(CommitteeMember(expo_id=place.expo_id, user_id=desk.id, role=CommitteeRole.REGISTRATION))
            await session.commit()
            return place.expo.slug
    finally:
        await engine.dispose()


async def _log_in(context: Any, server: str, email: str) -> Any:
    page = await context.new_page()
    await page.goto(f"{server}/login")
    await page.fill('input[name="email"]', email)
    await page.fill('input[name="password"]', PASSWORD)
    await page.click("form button[type=submit]")
    await page.wait_for_load_state()
    return page


async def test_a_document_goes_to_the_desk_and_comes_back_with_a_reason(
    browser: Any, server: str, database_file: str
) -> None:
    slug = await _seed(database_file, server)
    phone = await browser.new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True, locale="id-ID")
    phone.set_default_timeout(15_000)
    page = await _log_in(phone, server, EMAIL)
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    await page.goto(f"{server}/my-booking")
    await page.get_by_role("link", name="Dokumen saya").click()
    await page.wait_for_url("**/my-documents")
    await page.select_option("#f-kind", "nib")
    await page.fill("#f-number", NIB)
    await page.set_input_files("#f-file", files=[{"name": "NIB.pdf", "mimeType": "application/pdf", "buffer": pdf()}])
    await page.get_by_role("button", name="Kirim", exact=True).click()
    await page.wait_for_url("**/my-documents?msg=sent")
    nib_card = page.locator("#kind-nib")
    assert "Menunggu meja pendaftaran" in await nib_card.inner_text()
    assert await page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    await page.screenshot(path=str(SHOTS / "documents-sent-phone.png"), full_page=True)

    desk_context = await browser.new_context(viewport={"width": 1280, "height": 900}, locale="id-ID")
    desk_context.set_default_timeout(15_000)
    desk = await _log_in(desk_context, server, DESK_EMAIL)
    await desk.goto(f"{server}/admin/e/{slug}/documents")
    card = desk.locator("section.doc-review")
    assert await card.count() == 1
    # The PDF is shown inline: a picture of its first page, loaded (not a broken image).
    preview = card.locator(".doc-file img")
    await preview.wait_for()
    await desk.wait_for_load_state("networkidle")
    assert await preview.evaluate("img => img.complete && img.naturalWidth") == 1000
    await desk.screenshot(path=str(SHOTS / "documents-queue-desk.png"), full_page=True)
    record = await card.locator("h2 a").get_attribute("href")
    assert record
    await card.locator("textarea[name=reason]").fill("Halaman <b>kedua</b> belum ada")
    await card.get_by_role("button", name="Minta kirim ulang").click()
    await desk.wait_for_url("**msg=resubmit")
    assert await desk.locator("section.doc-review").count() == 0

    await page.goto(f"{server}/my-documents")
    text = await page.locator("#kind-nib").inner_text()
    assert "Mohon kirim ulang" in text
    assert "Halaman <b>kedua</b> belum ada" in text  # shown as text, not markup
    assert await page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    await page.screenshot(path=str(SHOTS / "documents-returned-phone.png"), full_page=True)

    # The exhibitor's record tells the organisers what is verified before they decide on the class.
    await desk.goto(f"{server}{record}")
    assert "Belum diverifikasi meja pendaftaran" in await desk.locator("main").inner_text()
    assert "Mohon kirim ulang" in await desk.locator("#documents").inner_text()
    await desk.screenshot(path=str(SHOTS / "documents-record-desk.png"), full_page=True)
    assert errors == []
