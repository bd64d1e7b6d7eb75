"""A printed map's QR code leads to the public address: EXPO_PUBLIC_URL, else the address the print was
asked at (the Host the proxy passed on); the organiser's map page warns when that is this computer only.
The gate pairing QR code follows the same setting."""

import re
from collections.abc import AsyncIterator

import pypdfium2
import pytest
import zxingcpp
from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy.ext.asyncio import AsyncSession

from expo.auth import SESSION_COOKIE
from expo.models import Role
from expo.public_url import is_loopback
from expo.settings import Settings
from tests.support.client import ClientWith
from tests.support.factories import bearer, make_user_token, make_venue

pytestmark = pytest.mark.anyio


def _qr_texts(pdf: bytes) -> list[str]:
    image = pypdfium2.PdfDocument(pdf)[0].render(scale=300 / 72).to_pil()
    return [r.text for r in zxingcpp.read_barcodes(image) if r.format == zxingcpp.BarcodeFormat.QRCode]


async def _organiser_and_slug(session: AsyncSession) -> tuple[dict[str, str], str]:
    place = await make_venue(session, booths=4)
    organiser = bearer(await make_user_token(session, Role.ORGANISER))
    await session.commit()
    return organiser, place.expo.slug


async def test_the_qr_carries_the_host_the_print_was_asked_at(
    client: AsyncTestClient[Litestar], session: AsyncSession
) -> None:
    organiser, slug = await _organiser_and_slug(session)
    headers = organiser | {"Host": "expo.example.id"}
    printed = await client.get(f"/admin/e/{slug}/map/print?paper=a4&view=organiser", headers=headers)
    assert printed.status_code == 200, printed.text
    assert _qr_texts(printed.content) == [f"http://expo.example.id/e/{slug}/map"]
    page = await client.get(f"/admin/e/{slug}/map?lang=en", headers=headers)
    assert f"http://expo.example.id/e/{slug}/map" in page.text
    assert 'role="alert"' not in page.text


@pytest.fixture
async def public_client(client_with: ClientWith) -> AsyncIterator[AsyncTestClient[Litestar]]:
    async with client_with("http://127.0.0.1:8000", public_url="https://pameran.example.id/") as test_client:
        yield test_client


async def test_the_setting_wins_over_the_request(
    public_client: AsyncTestClient[Litestar], session: AsyncSession
) -> None:
    organiser, slug = await _organiser_and_slug(session)
    printed = await public_client.get(
        f"/admin/e/{slug}/map/print?paper=a4&view=organiser", headers=organiser | {"Host": "expo.example.id"}
    )
    assert printed.status_code == 200, printed.text
    assert _qr_texts(printed.content) == [f"https://pameran.example.id/e/{slug}/map"]
    page = await public_client.get(f"/admin/e/{slug}/map?lang=en", headers=organiser)
    assert f"https://pameran.example.id/e/{slug}/map" in page.text
    assert "only works on this computer" not in page.text


@pytest.mark.parametrize("host", ["127.0.0.1:8000", "localhost:8000", "[::1]:8000"])
async def test_a_loopback_address_is_warned_about_on_the_map_page(
    client: AsyncTestClient[Litestar], session: AsyncSession, host: str
) -> None:
    organiser, slug = await _organiser_and_slug(session)
    page = await client.get(f"/admin/e/{slug}/map?lang=en", headers=organiser | {"Host": host})
    assert page.status_code == 200
    assert 'role="alert"' in page.text
    assert "only works on this computer" in page.text
    assert f"http://{host}/e/{slug}/map" in page.text
    page_id = await client.get(f"/admin/e/{slug}/map?lang=id", headers=organiser | {"Host": host})
    assert "hanya bisa dibuka di komputer ini" in page_id.text


async def test_the_gate_pairing_qr_follows_the_setting(
    public_client: AsyncTestClient[Litestar], session: AsyncSession
) -> None:
    _, slug = await _organiser_and_slug(session)
    public_client.cookies.set(SESSION_COOKIE, await make_user_token(session, Role.ORGANISER))
    setup = f"/admin/e/{slug}/gates/setup"
    await public_client.get(setup)
    token = public_client.cookies.get("csrftoken") or ""
    created = await public_client.post(f"{setup}/create", data={"name": "Utama", "_csrf_token": token})
    assert created.status_code in {200, 303}, created.text
    gate_id = re.findall(r'id="gate-(\d+)"', (await public_client.get(setup)).text)[0]
    paired = await public_client.post(f"{setup}/{gate_id}/pair", data={"_csrf_token": token})
    assert paired.status_code == 200, paired.text
    code = re.search(r"data-pairing-code>([A-Z0-9]+)<", paired.text)
    assert code
    assert f"https://pameran.example.id/gate?pair={code.group(1)}" in paired.text
    assert "127.0.0.1" not in paired.text


def test_loopback_addresses() -> None:
    for url in ("http://127.0.0.1:8000", "http://127.8.0.2", "http://localhost", "http://[::1]:80", "http://0.0.0.0"):
        assert is_loopback(url), url
    for url in ("https://expo.example.id", "http://192.168.1.20:8000", "http://10.0.0.5"):
        assert not is_loopback(url), url


def test_the_setting_must_be_a_web_address() -> None:
    assert Settings(public_url=" https://expo.example.id/ ").public_url == "https://expo.example.id"
    with pytest.raises(ValueError, match="http"):
        Settings(public_url="expo.example.id")
