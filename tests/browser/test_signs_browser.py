"""Booth signs and catalogue statistics on a phone: the exhibitor goes from its booking to its
statistics (bars per expo day, no sideways scrolling); the organiser opens the signs page, prints
every sign and opens the statistics. Screenshots go to /tmp/shots (or EXPO_TEST_SHOTS)."""

import asyncio
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from booths.bookings.models import PaymentMethod
from booths.bookings.schemas import PaymentIn
from booths.bookings.service import assign_booth
from booths.catalogue.models import StatKind
from booths.catalogue.stats import count
from booths.exhibitors.schemas import ExhibitorSignup
from booths.exhibitors.service import sign_up
from expo.account_links import LinkSettings
from expo.accounts import create_user, system_user
from expo.database import create_engine, create_sessionmaker
from expo.migrate import upgrade
from expo.models import Role
from tests.support.browser import PHONE, SHOTS, serve
from tests.support.database import make_settings
from tests.support.factories import PASSWORDS, exhibitor_payload, expo_day, make_venue

pytestmark = [pytest.mark.anyio, pytest.mark.browser]

KINDS = (StatKind.PROFILE_VIEW, StatKind.SIGN_SCAN, StatKind.LEAD)
EXHIBITOR, ORGANISER, PASSWORD = "papan@contoh.id", "organiser-papan@expo.test", "rahasia-123"


async def _seed(database_url: str) -> None:
    """An organiser, an expo, two exhibitors on booths (one with an Arabic name) and their counters."""
    engine = create_engine(make_settings(database_url))
    try:
        async with create_sessionmaker(engine)() as session:
            await create_user(
                session, PASSWORDS, email=ORGANISER, name="Ketua Panitia", password=PASSWORD, role=Role.ORGANISER
            )
            place = await make_venue(session, slug="expo-papan")
            names = [(EXHIBITOR, "Keripik Singkong Ayu Lestari"), ("nur@contoh.id", "مؤسسة النور للأغذية")]
            for n, (email, name) in enumerate(names):
                signup = ExhibitorSignup.model_validate(exhibitor_payload(email=email, name=name))
                exhibitor, _ = await sign_up(session, PASSWORDS, place.expo_id, signup, LinkSettings("http://x"))
                assert exhibitor.id is not None
                payment = PaymentIn(amount=1_500_000, method=PaymentMethod.CASH)
                booth = place.booth_ids[n]
                await assign_booth(session, place.expo_id, booth, exhibitor.id, system_user(), payment=payment)
                for day, (views, scans, leads) in enumerate([(42, 17, 5), (65, 30, 9), (12, 3, 0)]):
                    for kind, by in (
                        (StatKind.PROFILE_VIEW, views),
                        (StatKind.SIGN_SCAN, scans),
                        (StatKind.LEAD, leads),
                    ):
                        if by:
                            await count(session, place.expo_id, exhibitor.id, kind, expo_day(day), by * (n + 1))
            await session.commit()
    finally:
        await engine.dispose()


@pytest.fixture
def server(tmp_path: Path) -> Iterator[str]:
    url = f"sqlite+aiosqlite:///{tmp_path / 'signs.db'}"
    upgrade(url)
    asyncio.run(_seed(url))
    with serve(make_settings(url, pass_jobs_dir=tmp_path / "jobs", embedded_worker=True)) as base_url:
        yield base_url


async def _log_in(page: Any, server: str, email: str, next_path: str) -> None:
    await page.goto(f"{server}/login?next={next_path}")
    await page.fill('input[name="email"]', email)
    await page.fill('input[name="password"]', PASSWORD)
    await page.click("form button[type=submit]")
    await page.wait_for_url(f"**{next_path}")


async def test_statistics_and_signs_on_a_phone(browser: Any, server: str) -> None:
    context = await browser.new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True, locale="id-ID")
    context.set_default_timeout(20_000)
    page = await context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))

    await _log_in(page, server, EXHIBITOR, "/my-booking")
    await page.get_by_role("link", name="Statistik saya").click()
    await page.wait_for_url("**/my-stats")
    assert await page.locator('[data-total="views"]').inner_text() == "119"
    assert await page.locator(".stat-days > li").count() == 6  # every expo day, empty ones too
    assert await page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    await page.screenshot(path=str(SHOTS / "signs-my-stats-phone.png"), full_page=True)

    await context.clear_cookies()
    await _log_in(page, server, ORGANISER, "/admin/e/expo-papan/signs")
    assert await page.locator("table tbody tr").count() == 2
    assert await page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    await page.screenshot(path=str(SHOTS / "signs-admin-phone.png"), full_page=True)
    await page.select_option("#f-size", "a3")
    await page.get_by_role("button", name="Pakai kertas ini").click()
    await page.wait_for_url("**/signs?size=a3*")
    await page.get_by_role("button", name="Cetak semua 2 papan nama").click()
    await page.wait_for_url("**msg=queued*")
    download = page.locator("[data-batch] a")
    await download.wait_for()  # the page reloads itself until the embedded worker has printed
    assert "2 papan nama" in await download.inner_text()
    await page.screenshot(path=str(SHOTS / "signs-admin-ready-phone.png"), full_page=True)

    await page.goto(f"{server}/admin/e/expo-papan/catalogue-stats")
    assert await page.locator('[data-total="leads"]').inner_text() == "42"
    assert await page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    await page.screenshot(path=str(SHOTS / "signs-catalogue-stats-phone.png"), full_page=True)
    assert errors == []
