"""A gate-staff account on its own phone, in headless Debian chromium: logged in, it pairs the phone it
holds from its page ("Pair this phone", which posts with the session cookie and so needs the CSRF
token), scans a pass, and sees the entry in its gate's counts."""

from typing import Any

import pytest

from expo.auth import SESSION_COOKIE
from expo.database import create_engine, create_sessionmaker
from expo.models import Role
from expo.settings import Settings
from tests.support.browser import PHONE, SHOTS
from tests.support.factories import make_user_token
from tests.support.gate import open_expo, organiser_user
from tickets.gate import devices
from tickets.gate import staff as gate_staff
from tickets.gate.schemas import GateCreate
from tickets.passes import issuing
from tickets.passes.schemas import PassCreate

pytestmark = [pytest.mark.anyio, pytest.mark.browser]


async def test_gate_staff_pairs_the_phone_it_holds_and_sees_its_gate_count(
    browser: Any, served_app: str, served_settings: Settings
) -> None:
    engine = create_engine(served_settings)
    try:
        async with create_sessionmaker(engine)() as session:
            expo = await open_expo(session, "petugas", "Expo Petugas")
            assert expo.id is not None
            gate = await devices.create_gate(session, expo.id, GateCreate(name="Gerbang Barat"))
            assert gate.id is not None
            staff = await make_user_token(session, Role.GATE, email="sari@petugas.test")
            await gate_staff.assign(session, gate.id, "sari@petugas.test")
            organiser = await organiser_user(session)
            pass_ = await issuing.create_pass(
                session, expo.id, PassCreate(kind="visitor", holder_name="Tamu Barat"), organiser
            )
            await session.commit()
    finally:
        await engine.dispose()
    context = await browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True, locale="id-ID")
    context.set_default_timeout(10_000)
    await context.add_cookies([{"name": SESSION_COOKIE, "value": staff, "url": served_app}])
    page = await context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    await page.goto(f"{served_app}/gate/staff")
    assert await page.text_content("#entries") == "0"
    await page.click('form[action="/gate/staff/pair"] button')
    await page.click("[data-pair-link]")  # "Pair this phone"
    await page.wait_for_selector('#ready[data-ready="1"]')
    assert await page.text_content("#gate-name") == "Gerbang Barat"
    await page.fill("#scan-input", pass_.code)
    await page.press("#scan-input", "Enter")
    await page.wait_for_selector('#result[data-status="ok"]:not([hidden])')
    await page.goto(f"{served_app}/gate/staff")
    assert await page.text_content("#entries") == "1"
    await page.screenshot(path=str(SHOTS / "gate-staff-page.png"), full_page=True)
    assert errors == []
