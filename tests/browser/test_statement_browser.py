"""The treasurer's bank statement page in a real browser: two exhibitors hold paid booths, the treasurer
imports the bank's CSV, sees both transfers proposed for their bills (and one without a bill, and one
unreadable line), approves them with one click, and the bills are paid; then the page on a phone.

Drives Debian's chromium through Playwright; screenshots go to /tmp/shots (or EXPO_TEST_SHOTS):
statement-*.png.
"""

import asyncio
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import sqlalchemy as sa
from sqlmodel import col

from booths.billing.models import Bill, BillStatus
from booths.committee.service import add_member
from expo.accounts import create_user
from expo.database import create_engine, create_sessionmaker
from expo.migrate import upgrade
from expo.models import CommitteeRole, Role
from tests.support.browser import SHOTS, serve
from tests.support.database import make_settings
from tests.support.factories import PASSWORDS, exhibitor_payload, make_venue

pytestmark = [pytest.mark.anyio, pytest.mark.browser]

EMAIL, PASSWORD, SLUG = "bendahara@uji.test", "bendahara-rahasia", "expo-mutasi"


async def _seed(database_url: str) -> int:
    """An expo with six paid booths and its treasurer."""
    engine = create_engine(make_settings(database_url))
    try:
        async with create_sessionmaker(engine)() as session:
            venue = await make_venue(session, slug=SLUG)
            user = await create_user(
                session, PASSWORDS, email=EMAIL, name="Siti Bendahara", password=PASSWORD, role=Role.ORGANISER
            )
            assert user.id is not None
            await add_member(session, venue.expo_id, user.id, CommitteeRole.TREASURER)
            await session.commit()
            return venue.expo_id
    finally:
        await engine.dispose()


async def _bills(database_url: str) -> list[Bill]:
    engine = create_engine(make_settings(database_url))
    try:
        async with create_sessionmaker(engine)() as session:
            return list((await session.scalars(sa.select(Bill).order_by(col(Bill.id)))).all())
    finally:
        await engine.dispose()


@pytest.fixture
def database(tmp_path: Path) -> str:
    url = f"sqlite+aiosqlite:///{tmp_path / 'statement.db'}"
    upgrade(url)
    return url


@pytest.fixture
def server(database: str) -> Iterator[tuple[str, int]]:
    expo_id = asyncio.run(_seed(database))
    with serve(make_settings(database)) as base_url:
        yield base_url, expo_id


async def _hold(base: str, expo_id: int, booth_id: int, name: str) -> None:
    async with httpx.AsyncClient(base_url=base) as api:
        signup = await api.post(
            f"/api/expos/{expo_id}/exhibitors/signup", json=exhibitor_payload(name=name, exhibitor_class="umkm")
        )
        assert signup.status_code == 201, signup.text
        token = signup.json()["token"]
        held = await api.post(f"/api/booths/{booth_id}/hold", headers={"Authorization": f"Bearer {token}"})
        assert held.status_code == 201, held.text


async def test_import_and_approve_a_statement(
    browser: Any, server: tuple[str, int], database: str, tmp_path: Path
) -> None:
    base, expo_id = server
    await _hold(base, expo_id, 1, "Keripik Mbok Sri")
    await _hold(base, expo_id, 2, "Batik Budi Jaya")
    sri, budi = await _bills(database)
    statement = tmp_path / "mutasi-bca.csv"
    statement.write_text(
        "\r\n".join(
            [
                "No. rekening : 0123456789",
                "Nama : PANITIA EXPO UJI",
                "Periode : 01/10/2026 - 31/10/2026",
                "",
                "Tanggal Transaksi,Keterangan,Cabang,Jumlah,,Saldo",
                f"'02/10,TRSF E-BANKING CR 0210/FTSCY/WS95031 KERIPIK MBOK SRI,'0000,{sri.total}.00,CR,11500000.00",
                f"'03/10,TRSF E-BANKING CR 0310/FTSCY/WS95032 {budi.number},'0000,{budi.total}.00,CR,13000000.00",
                "'03/10,BIAYA ADM,'0000,10000.00,DB,12990000.00",
                "'04/10,SETORAN TUNAI HAMBA ALLAH,'0998,123000.00,CR,13113000.00",
                "'45/10,TRSF E-BANKING CR TANGGAL SALAH,'0000,50000.00,CR,13163000.00",
                "Saldo Akhir,13163000.00",
            ]
        )
        + "\r\n"
    )
    context = await browser.new_context(viewport={"width": 1280, "height": 900}, locale="id-ID")
    page = await context.new_page()
    await page.goto(f"{base}/login?next=/admin/e/{SLUG}/payments/statement")
    await page.fill("input[name=email]", EMAIL)
    await page.fill("input[name=password]", PASSWORD)
    await page.click("form button[type=submit]")
    await page.wait_for_url(f"**/admin/e/{SLUG}/payments/statement")
    await page.screenshot(path=str(SHOTS / "statement-empty.png"), full_page=True)

    await page.set_input_files("#f-file", str(statement))
    await page.click(".upload-form button[type=submit]")
    await page.wait_for_selector("#proposals")
    await page.screenshot(path=str(SHOTS / "statement-proposals.png"), full_page=True)
    proposals = page.locator("#proposals tbody tr")
    assert await proposals.count() == 2
    assert sri.number in await page.inner_text("#proposals")
    assert "Batik Budi Jaya" in await page.inner_text("#proposals")
    assert "HAMBA ALLAH" in await page.inner_text("#unmatched")
    assert "TANGGAL SALAH" in await page.inner_text("#problems")
    assert await page.locator("#proposals input[type=checkbox]:checked").count() == 2  # exact ones come ticked

    await page.click("#proposals ~ button[type=submit], form[action$='/approve'] button[type=submit]")
    await page.wait_for_url("**/payments/statement?msg=approved&n=2")
    await page.screenshot(path=str(SHOTS / "statement-approved.png"), full_page=True)
    assert await page.locator("#approved tbody tr").count() == 2
    assert [bill.status for bill in await _bills(database)] == [BillStatus.PAID, BillStatus.PAID]
    await context.close()

    phone = await browser.new_context(
        viewport={"width": 360, "height": 800}, device_scale_factor=2, is_mobile=True, has_touch=True, locale="id-ID"
    )
    page = await phone.new_page()
    await page.goto(f"{base}/login?next=/admin/e/{SLUG}/payments/statement")
    await page.fill("input[name=email]", EMAIL)
    await page.fill("input[name=password]", PASSWORD)
    await page.click("form button[type=submit]")
    await page.wait_for_url(f"**/admin/e/{SLUG}/payments/statement")
    await page.screenshot(path=str(SHOTS / "statement-360.png"), full_page=True)
    await phone.close()
