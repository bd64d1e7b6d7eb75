"""A forgotten password in a real browser: ask for a link, find the message in the local outbox
(delivered by the served app's own job worker), follow the link, set a new password, log in with it."""

import re
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
from expo.models import Role
from tests.support.browser import PHONE, SHOTS, serve
from tests.support.database import make_settings
from tests.support.factories import PASSWORDS, exhibitor_payload, make_venue

pytestmark = [pytest.mark.anyio, pytest.mark.browser]

ORGANISER_EMAIL, ORGANISER_PASSWORD = "panitia@uji.test", "panitia-rahasia"
EXHIBITOR_EMAIL, NEW_PASSWORD = "lupa@contoh.id", "kata-sandi-baru-9"


@pytest.fixture
def database_file(tmp_path: Path) -> str:
    url = f"sqlite+aiosqlite:///{tmp_path / 'reset.db'}"
    upgrade(url)
    return url


@pytest.fixture
def server(database_file: str) -> Iterator[str]:
    # The served app delivers its messages itself (its embedded job worker), to the local outbox.
    with serve(make_settings(database_file, embedded_worker=True, job_poll_seconds=0.2)) as base_url:
        yield base_url


async def _seed(database_url: str, base_url: str) -> None:
    engine = create_engine(make_settings(database_url))
    try:
        async with create_sessionmaker(engine)() as session:
            place = await make_venue(session, slug="expo-lupa")
            await create_user(
                session,
                PASSWORDS,
                email=ORGANISER_EMAIL,
                name="Panitia",
                password=ORGANISER_PASSWORD,
                role=Role.ORGANISER,
            )
            signup = ExhibitorSignup.model_validate(exhibitor_payload(email=EXHIBITOR_EMAIL))
            await sign_up(session, PASSWORDS, place.expo_id, signup, LinkSettings(base_url))
            await session.commit()
    finally:
        await engine.dispose()


async def _context(browser: Any) -> Any:
    context = await browser.new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True, locale="id-ID")
    context.set_default_timeout(15_000)
    return context


async def test_forgot_password_outbox_link_new_password_log_in(browser: Any, server: str, database_file: str) -> None:
    await _seed(database_file, server)
    exhibitor = await (await _context(browser)).new_page()
    errors: list[str] = []
    exhibitor.on("pageerror", lambda exc: errors.append(str(exc)))

    await exhibitor.goto(f"{server}/login")
    await exhibitor.click('a[href="/forgot-password"]')
    await exhibitor.wait_for_url("**/forgot-password")
    await exhibitor.fill("#f-email", EXHIBITOR_EMAIL)
    await exhibitor.click("form.stack button[type=submit]")
    await exhibitor.locator("[data-sent]").wait_for()
    await exhibitor.screenshot(path=str(SHOTS / "forgot-sent.png"), full_page=True)

    # The committee's view of the local outbox (no mail server is set): the message arrives there.
    organiser = await (await _context(browser)).new_page()
    await organiser.goto(f"{server}/login")
    await organiser.fill('input[name="email"]', ORGANISER_EMAIL)
    await organiser.fill('input[name="password"]', ORGANISER_PASSWORD)
    await organiser.click("form button[type=submit]")
    await organiser.wait_for_url("**/admin")
    subject = organiser.get_by_role("link", name="Buat kata sandi baru")
    for _ in range(50):
        await organiser.goto(f"{server}/admin/outbox?q=password_reset")
        if await subject.count():
            break
        await organiser.wait_for_timeout(200)
    await subject.first.click()
    await organiser.wait_for_url("**/admin/messages/*")
    text = await organiser.locator("pre.message-text").inner_text()
    await organiser.screenshot(path=str(SHOTS / "outbox-reset-message.png"), full_page=True)
    found = re.search(r"http://\S+/reset-password\?token=[\w-]+", text)
    assert found, text

    await exhibitor.goto(found.group(0))
    await exhibitor.fill("#f-password", NEW_PASSWORD)
    await exhibitor.fill("#f-repeat", NEW_PASSWORD)
    await exhibitor.screenshot(path=str(SHOTS / "reset-form.png"), full_page=True)
    await exhibitor.click("form.stack button[type=submit]")
    await exhibitor.wait_for_url("**/login?msg=password_changed")
    assert await exhibitor.locator("p.notice").count() == 1
    await exhibitor.fill('input[name="email"]', EXHIBITOR_EMAIL)
    await exhibitor.fill('input[name="password"]', NEW_PASSWORD)
    await exhibitor.click("form button[type=submit]")
    await exhibitor.wait_for_url("**/my-booking")
    await exhibitor.screenshot(path=str(SHOTS / "after-reset.png"), full_page=True)

    # The link worked once: following it again shows why it no longer does.
    await exhibitor.goto(found.group(0))
    assert await exhibitor.locator("p.alert").inner_text() == (
        "Tautan ini sudah pernah dipakai. Mintalah tautan baru jika masih diperlukan."
    )
    assert errors == []
