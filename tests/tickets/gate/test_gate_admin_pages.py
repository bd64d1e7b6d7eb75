"""The organisers' gate setup page, driven like a browser: create a gate, pair a phone with the code and
QR shown, revoke it; only organisers; bad input answers a message, never a 500."""

import re
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
import zxingcpp
from litestar import Litestar
from litestar.testing import AsyncTestClient
from PIL import Image
from sqlalchemy.ext.asyncio import AsyncSession

from expo.auth import SESSION_COOKIE
from expo.i18n import translate
from expo.models import Role
from tests.support.factories import make_user_token, make_venue
from tests.support.gate import nonce
from tickets.gate.admin_pages import url_qr

pytestmark = pytest.mark.anyio

Client = AsyncTestClient[Litestar]


async def _post(client: Client, path: str, data: dict[str, Any], *, from_page: str) -> httpx.Response:
    opened = await client.get(from_page)
    assert opened.status_code == 200, opened.text
    token = client.cookies.get("csrftoken")
    assert token
    return await client.post(path, data={**data, "_csrf_token": token}, follow_redirects=False)


def _as_device(client: Client) -> str | None:
    """A phone has no organiser session: drop it (returned, to log in again)."""
    session = client.cookies.get(SESSION_COOKIE)
    client.cookies.delete(SESSION_COOKIE)
    return session


def _scan_body() -> dict[str, str]:
    return {"text": "X", "direction": "entry", "client_scan_id": nonce(), "scanned_at": datetime.now(UTC).isoformat()}


async def test_create_pair_and_revoke_through_the_page(client: Client, session: AsyncSession) -> None:
    venue = await make_venue(session)
    slug = venue.expo.slug
    setup = f"/admin/e/{slug}/gates/setup"
    client.cookies.set(SESSION_COOKIE, await make_user_token(session, Role.ORGANISER))

    page = await client.get(setup)
    assert page.status_code == 200
    assert f'href="{setup}"' in page.text  # the nav link
    assert f'href="/admin/e/{slug}/gates"' in page.text  # the live dashboard
    form = {
        "name": "Gerbang Timur",
        "hall_id": str(venue.hall.id),
        "directions": "entry",
        "kind_codes": ["visitor", "exhibitor"],
        "opens_at": "08:30",
        "closes_at": "",
    }
    created = await _post(client, f"{setup}/create", form, from_page=setup)
    assert created.status_code == 303, created.text
    assert created.headers["location"] == f"{setup}?msg=created"
    listed = await client.get(created.headers["location"])
    assert "Gerbang Timur" in listed.text
    assert "08:30" in listed.text
    assert venue.hall.name in listed.text
    gate_id = int(re.findall(r'id="gate-(\d+)"', listed.text)[0])

    api = await client.get(f"/api/expos/{venue.expo_id}/gates")
    assert api.json()[0]["kind_codes"] == ["exhibitor", "visitor"]
    assert api.json()[0]["directions"] == "entry"

    paired_page = await _post(client, f"{setup}/{gate_id}/pair", {}, from_page=setup)
    assert paired_page.status_code == 200, paired_page.text
    assert "<svg" in paired_page.text
    assert "WIB" in paired_page.text
    code_match = re.search(r"data-pairing-code>([A-Z0-9]+)<", paired_page.text)
    assert code_match
    code = code_match.group(1)
    assert f"http://testserver.local/gate?pair={code}" in paired_page.text

    organiser = _as_device(client)
    paired = await client.post("/api/gate/pair", json={"pairing_code": code})
    assert paired.status_code == 201, paired.text
    device = {"Authorization": f"Device {paired.json()['token']}"}
    assert (await client.get("/api/gate/me", headers=device)).json()["name"] == "Gerbang Timur"

    assert organiser
    client.cookies.set(SESSION_COOKIE, organiser)
    shown = await client.get(setup)
    assert "paired" in shown.text
    device_id = paired.json()["device_id"]
    revoked = await _post(client, f"{setup}/devices/{device_id}/revoke", {}, from_page=setup)
    assert revoked.status_code == 303, revoked.text
    assert "revoked" in (await client.get(revoked.headers["location"])).text

    _as_device(client)
    refused = await client.post("/api/gate/scans", json=_scan_body(), headers=device)
    assert refused.status_code == 403
    assert refused.json()["code"] == "device_revoked"


async def test_only_organisers_see_or_use_the_page(client: Client, session: AsyncSession) -> None:
    venue = await make_venue(session)
    setup = f"/admin/e/{venue.expo.slug}/gates/setup"
    client.cookies.set(SESSION_COOKIE, await make_user_token(session, Role.EXHIBITOR))
    assert (await client.get(setup)).status_code == 403
    await client.get(f"/e/{venue.expo.slug}")  # a page that sets the CSRF cookie
    token = client.cookies.get("csrftoken")
    refused = await client.post(f"{setup}/create", data={"name": "X", "_csrf_token": token or ""})
    assert refused.status_code == 403


@pytest.mark.parametrize(
    ("form", "field"),
    [
        ({"name": ""}, "name"),
        ({"name": "A", "directions": "sideways"}, "directions"),
        ({"name": "A", "opens_at": "25:99"}, "opens_at"),
        ({"name": "A", "hall_id": "abc"}, "hall_id"),
        ({"name": "A", "hall_id": "999999"}, "hall_id"),
        ({"name": "A", "kind_codes": ["nope"]}, "kind_codes"),
        ({"name": "A" * 61}, "name"),
    ],
)
async def test_bad_gate_input_shows_a_message(
    client: Client, session: AsyncSession, form: dict[str, Any], field: str
) -> None:
    venue = await make_venue(session)
    setup = f"/admin/e/{venue.expo.slug}/gates/setup"
    client.cookies.set(SESSION_COOKIE, await make_user_token(session, Role.ORGANISER))
    answer = await _post(client, f"{setup}/create", form, from_page=setup)
    assert 400 <= answer.status_code < 500, answer.text
    assert 'class="field-error"' in answer.text or 'class="alert"' in answer.text
    assert (await client.get(f"/api/expos/{venue.expo_id}/gates")).json() == []
    if field == "opens_at":
        assert translate("Enter a time as HH:MM.", {}, "id") in answer.text


async def test_a_taken_name_and_foreign_ids_are_refused(client: Client, session: AsyncSession) -> None:
    venue = await make_venue(session)
    other = await make_venue(session)
    setup = f"/admin/e/{venue.expo.slug}/gates/setup"
    client.cookies.set(SESSION_COOKIE, await make_user_token(session, Role.ORGANISER))
    assert (await _post(client, f"{setup}/create", {"name": "Utama"}, from_page=setup)).status_code == 303
    again = await _post(client, f"{setup}/create", {"name": "Utama"}, from_page=setup)
    assert again.status_code == 409
    assert 'class="field-error"' in again.text
    gate_id = (await client.get(f"/api/expos/{venue.expo_id}/gates")).json()[0]["id"]
    foreign = f"/admin/e/{other.expo.slug}/gates/setup/{gate_id}/pair"
    assert (await _post(client, foreign, {}, from_page=setup)).status_code == 404
    assert (await _post(client, f"{setup}/devices/2147483647/revoke", {}, from_page=setup)).status_code == 404


def test_the_pairing_qr_decodes_to_the_url() -> None:
    url = "https://expo.example.id/gate?pair=ABCDEFGHJK"
    drawn = url_qr(url)
    total = int(drawn["viewbox"].split()[-1])
    scale, border = 8, 4
    image = Image.new("L", (total * scale,) * 2, 255)
    for run in re.finditer(r"M(\d+) (\d+)h(\d+)", drawn["path"]):
        c, r, w = map(int, run.groups())
        image.paste(0, ((c + border) * scale, (r + border) * scale, (c + w + border) * scale, (r + 1 + border) * scale))
    assert [r.text for r in zxingcpp.read_barcodes(image)] == [url]
