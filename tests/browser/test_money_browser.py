"""Paying for a booth, end to end in a real browser: an exhibitor on a phone holds a paid booth, sees
how to pay (the exact amount with its unique code, the bank account), uploads a photo of the transfer;
the treasurer accepts it in the queue; the exhibitor's bill shows the receipt, which downloads as a
PDF, and the booking is confirmed.

Drives Debian's chromium through Playwright; screenshots go to /tmp/shots (or EXPO_TEST_SHOTS):
money-*.png.
"""

import asyncio
import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import sqlalchemy as sa
from PIL import Image
from sqlmodel import col

from booths.billing.models import Bill
from booths.billing.schemas import AccountIn
from booths.billing.setup import add_account
from booths.bookings.models import Booking, BookingStatus
from booths.committee.service import add_member
from expo.accounts import create_user, system_user
from expo.database import create_engine, create_sessionmaker
from expo.formatting import format_rupiah
from expo.migrate import upgrade
from expo.models import CommitteeRole, Role
from tests.support.browser import PHONE, SHOTS, serve
from tests.support.database import make_settings
from tests.support.factories import PASSWORDS, exhibitor_payload, make_venue

pytestmark = [pytest.mark.anyio, pytest.mark.browser]

SLUG = "expo-bayar"
TREASURER, TREASURER_PASSWORD = "bendahara@uji.test", "bendahara-rahasia"
SELLER = "penjual@contoh.id"


async def _seed(database_url: str) -> tuple[int, int]:
    """An expo with paid booths, a bank account and a treasurer; the first booth's id."""
    engine = create_engine(make_settings(database_url))
    try:
        async with create_sessionmaker(engine)() as session:
            venue = await make_venue(session, slug=SLUG, hold_minutes=48 * 60)
            user = await create_user(
                session,
                PASSWORDS,
                email=TREASURER,
                name="Siti Bendahara",
                password=TREASURER_PASSWORD,
                role=Role.ORGANISER,
            )
            assert user.id is not None
            await add_member(session, venue.expo_id, user.id, CommitteeRole.TREASURER)
            await add_account(
                session,
                venue.expo_id,
                AccountIn(bank="Bank Syariah Contoh", number="7123456789", holder="Panitia Expo Uji"),
                system_user(),
            )
            await session.commit()
            return venue.expo_id, venue.booth_ids[0]
    finally:
        await engine.dispose()


async def _read(database_url: str, booth_id: int) -> tuple[Bill, Booking]:
    engine = create_engine(make_settings(database_url))
    try:
        async with create_sessionmaker(engine)() as session:
            booking = await session.scalar(sa.select(Booking).where(col(Booking.booth_id) == booth_id))
            assert booking is not None
            bill = await session.scalar(sa.select(Bill).where(col(Bill.booking_id) == booking.id))
            assert bill is not None
            return bill, booking
    finally:
        await engine.dispose()


@pytest.fixture
def database(tmp_path: Path) -> str:
    url = f"sqlite+aiosqlite:///{tmp_path / 'money.db'}"
    upgrade(url)
    return url


@pytest.fixture
def server(database: str, tmp_path: Path) -> Iterator[tuple[str, int, int]]:
    expo_id, booth_id = asyncio.run(_seed(database))
    with serve(make_settings(database, storage_dir=tmp_path / "files")) as base_url:
        yield base_url, expo_id, booth_id


def _transfer_photo(path: Path) -> None:
    """A phone photo of a transfer receipt (with EXIF, which the upload strips)."""
    image = Image.new("RGB", (900, 1600), "white")
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif.tobytes())
    path.write_bytes(out.getvalue())


async def test_hold_pay_by_transfer_proof_accepted_receipt_and_confirmed(
    browser: Any, server: tuple[str, int, int], database: str, tmp_path: Path
) -> None:
    base, expo_id, booth_id = server
    async with httpx.AsyncClient(base_url=base) as api:
        signup = await api.post(
            f"/api/expos/{expo_id}/exhibitors/signup", json=exhibitor_payload(email=SELLER, exhibitor_class="umkm")
        )
        assert signup.status_code == 201, signup.text

    phone = await browser.new_context(
        viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True, locale="id-ID"
    )
    phone.set_default_timeout(15_000)
    page = await phone.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    await page.goto(f"{base}/login?next=/e/{SLUG}/booths")
    await page.fill("input[name=email]", SELLER)
    await page.fill("input[name=password]", "rahasia-123")
    await page.click("form button[type=submit]")
    await page.wait_for_url(f"**/e/{SLUG}/booths")

    # 1. Hold a paid booth on the map.
    await page.click(f'rect[data-booth-id="{booth_id}"]')
    await page.locator("#booth-panel form[data-hold-form] button").click()
    await page.wait_for_url("**/my-booking?msg=held")
    bill, _ = await _read(database, booth_id)
    assert format_rupiah(bill.total) in await page.content()
    await page.screenshot(path=str(SHOTS / "money-1-held.png"), full_page=True)

    # 2. How to pay: the exact amount with its code, and the account.
    await page.click(f'a[href="/my-bills/{bill.id}#how-to-pay"]')
    await page.wait_for_url(f"**/my-bills/{bill.id}*")
    how = await page.locator("#how-to-pay").inner_text()
    assert format_rupiah(bill.total) in how
    assert "7123456789" in how
    await page.screenshot(path=str(SHOTS / "money-2-how-to-pay.png"), full_page=True)

    # 3. Send the photo of the transfer from My booking.
    await page.goto(f"{base}/my-booking")
    photo = tmp_path / "bukti-transfer.jpg"
    _transfer_photo(photo)
    form = page.locator(f'form[action="/my-bills/{bill.id}/proofs"]')
    if not await form.is_visible():
        await page.locator("details.proof-form summary").first.click()
    await page.set_input_files(f"#f-file-{bill.id}", str(photo))
    await page.fill(f"#f-sender_bank-{bill.id}", "BRI")
    await form.locator("button[type=submit]").click()
    await page.wait_for_url("**/my-booking?msg=proof_sent")
    await page.screenshot(path=str(SHOTS / "money-3-proof-sent.png"), full_page=True)

    # 4. The treasurer accepts it.
    desk = await browser.new_context(viewport={"width": 1280, "height": 900}, locale="id-ID")
    desk.set_default_timeout(15_000)
    admin = await desk.new_page()
    await admin.goto(f"{base}/login?next=/admin/e/{SLUG}/payments/proofs")
    await admin.fill("input[name=email]", TREASURER)
    await admin.fill("input[name=password]", TREASURER_PASSWORD)
    await admin.click("form button[type=submit]")
    await admin.wait_for_url(f"**/admin/e/{SLUG}/payments/proofs")
    assert bill.number in await admin.content()
    await admin.screenshot(path=str(SHOTS / "money-4-queue.png"), full_page=True)
    await admin.locator("form[action$='/accept'] button[type=submit]").first.click()
    await admin.wait_for_load_state()
    await admin.screenshot(path=str(SHOTS / "money-5-accepted.png"), full_page=True)

    # 5. The exhibitor's bill shows the receipt; it downloads as a PDF; the booking is confirmed.
    await page.goto(f"{base}/my-bills/{bill.id}")
    receipt = page.locator("a[href*='/receipt.pdf']").first
    href = await receipt.get_attribute("href")
    assert href
    downloaded = await page.request.get(f"{base}{href}")
    assert downloaded.status == 200
    assert (await downloaded.body()).startswith(b"%PDF")
    await page.screenshot(path=str(SHOTS / "money-6-receipt.png"), full_page=True)
    _, booking = await _read(database, booth_id)
    assert booking.status == BookingStatus.CONFIRMED
    await page.goto(f"{base}/my-booking")
    assert "my-passes" in await page.content()
    assert not errors, errors
    await phone.close()
    await desk.close()
