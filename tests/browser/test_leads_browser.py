"""Lead scanning in headless Debian chromium on a phone-sized screen: the exhibitor opens its scanner,
Chromium's fake camera shows a visitor's printed pass (rendered from our PDF), and the lead is saved:
with the contact for a visitor who agreed to share it, "saved without contact" for one who did not;
the typed code works too, and the list shows each lead as it should."""

from dataclasses import dataclass
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
from expo.accounts import start_session, system_user
from expo.auth import SESSION_COOKIE
from expo.database import create_engine, create_sessionmaker
from expo.settings import Settings
from tests.browser.test_checkin_browser import _fake_camera
from tests.support.browser import PHONE, SHOTS, chromium_or_skip, launch
from tests.support.factories import PASSWORDS, exhibitor_payload, make_venue
from tests.support.pages import shown as t
from tickets.passes import rendering, visitor
from tickets.passes.schemas import VisitorRegistration
from tickets.passes.service import format_code
from tickets.signing.keys import load_keys

pytestmark = [pytest.mark.anyio, pytest.mark.browser]


@dataclass
class Stand:
    base_url: str
    session_token: str
    consenting_camera: Path
    silent_camera: Path
    silent_code: str


@pytest.fixture
async def stand(served_app: str, served_settings: Settings, tmp_path: Path) -> Stand:
    """An expo that starts today, an exhibitor placed on a booth, logged in; two visitors, one who
    ticked the consent and one who did not, with their printed passes as fake camera videos."""
    engine = create_engine(served_settings)
    keys = load_keys(served_settings.signing_key_file)
    today = datetime.now(ZoneInfo("Asia/Jakarta")).date()
    try:
        async with create_sessionmaker(engine)() as session:
            place = await make_venue(session, slug="expo-prospek", starts_on=today)
            signup = ExhibitorSignup.model_validate(exhibitor_payload(email="prospek@contoh.id", name="Sambal Prospek"))
            exhibitor, user = await sign_up(session, PASSWORDS, place.expo_id, signup, LinkSettings(served_app))
            assert exhibitor.id is not None
            payment = PaymentIn(amount=1_500_000, method=PaymentMethod.CASH)
            await assign_booth(session, place.expo_id, place.booth_ids[0], exhibitor.id, system_user(), payment=payment)
            token = await start_session(session, user, 1)
            pdfs, codes = [], []
            for name, consent in (("Nur Aini", True), ("Rudi Hartono", False)):
                data = VisitorRegistration.model_validate(
                    {
                        "holder_name": name,
                        "regency": "Jombang",
                        "category": "umum",
                        "days": [today],
                        "phone": "0812 3333 4444" if consent else "0812 5555 6666",
                        "email": f"{name.split()[0].lower()}@contoh.id",
                        "shares_contact": consent,
                    }
                )
                pass_, _secret = await visitor.register_visitor(session, place.expo_id, data)
                await session.flush()
                pdfs.append(await rendering.pass_pdf(session, pass_, keys))
                codes.append(format_code(pass_.code))
            await session.commit()
    finally:
        await engine.dispose()
    return Stand(
        base_url=served_app,
        session_token=token,
        consenting_camera=_fake_camera(pdfs[0], tmp_path / "consenting.y4m"),
        silent_camera=_fake_camera(pdfs[1], tmp_path / "silent.y4m"),
        silent_code=codes[1],
    )


async def _scanner(instance: Any, stand: Stand) -> tuple[Any, list[str]]:
    context = await instance.new_context(viewport=PHONE, is_mobile=True, has_touch=True, locale="id-ID")
    context.set_default_timeout(15_000)
    host = stand.base_url.removeprefix("http://").split(":")[0]
    await context.add_cookies([{"name": SESSION_COOKIE, "value": stand.session_token, "domain": host, "path": "/"}])
    page = await context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    await page.goto(f"{stand.base_url}/my-leads")
    await page.click("#scan-link")
    await page.wait_for_selector("#camera-start")
    return page, errors


def _camera(video: Path) -> list[str]:
    return [
        "--use-fake-device-for-media-stream",
        "--use-fake-ui-for-media-stream",
        f"--use-file-for-fake-video-capture={video}",
    ]


async def test_the_camera_saves_a_lead_with_and_without_consent(stand: Stand) -> None:
    async with launch(chromium_or_skip(), _camera(stand.consenting_camera)) as instance:
        page, errors = await _scanner(instance, stand)
        await page.screenshot(path=str(SHOTS / "leads-scan.png"))
        await page.click("#camera-start")
        await page.wait_for_selector('#result[data-status="saved"]')
        assert await page.text_content("#result-name") == "Nur Aini"
        assert await page.get_attribute("#result", "data-contact") == "shared"
        assert t("With the contact the visitor agreed to share.") in (await page.text_content("#result-detail") or "")
        await page.screenshot(path=str(SHOTS / "leads-scan-consent.png"))
        assert errors == []

    async with launch(chromium_or_skip(), _camera(stand.silent_camera)) as instance:
        page, errors = await _scanner(instance, stand)
        await page.click("#camera-start")
        await page.wait_for_selector('#result[data-status="saved"]')
        assert await page.text_content("#result-name") == "Rudi Hartono"
        assert await page.get_attribute("#result", "data-contact") == "none"
        assert t("Saved without contact: this visitor did not agree to share it.") in (
            await page.text_content("#result-detail") or ""
        )
        await page.screenshot(path=str(SHOTS / "leads-scan-no-consent.png"))

        # the same pass typed by hand: the lead is already there
        await page.click("#result")
        await page.fill("#scan-input", stand.silent_code.lower())
        await page.press("#scan-input", "Enter")
        await page.wait_for_selector('#result[data-status="again"]')
        # and a code that is no pass: refused, with a reason to read
        await page.click("#result")
        await page.fill("#scan-input", "hello")
        await page.press("#scan-input", "Enter")
        await page.wait_for_selector('#result[data-status="refused"]')
        assert await page.text_content("#result-detail") == t(
            "This is not a pass code; it has 8 letters and digits, like ABCD-1234."
        )

        await page.goto(f"{stand.base_url}/my-leads")
        leads = page.locator("li.lead")
        assert await leads.count() == 2
        silent = page.locator("li.lead", has_text="Rudi Hartono")
        assert await silent.locator('[data-contact="none"]').text_content() == t("Saved without contact")
        consenting = page.locator("li.lead", has_text="Nur Aini")
        assert "nur@contoh.id" in (await consenting.locator('[data-contact="shared"]').text_content() or "")
        await consenting.locator("textarea").fill("Minta daftar harga grosir")
        await consenting.get_by_role("button", name=t("Save note")).click()
        await page.wait_for_selector("p.notice")
        assert await page.locator("li.lead", has_text="Nur Aini").locator("textarea").input_value() == (
            "Minta daftar harga grosir"
        )
        await page.screenshot(path=str(SHOTS / "leads-list.png"), full_page=True)
        assert errors == []
