"""The scanner page in headless Debian chromium: pair, scan online, then cut the network, scan, see the
local verdict, restore the network and see the scan arrive on the server exactly once."""

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pypdfium2
import pytest
import sqlalchemy as sa
import zxingcpp
from PIL import Image

from booths.committee.service import add_member
from expo.accounts import CurrentUser, create_user, start_session
from expo.auth import SESSION_COOKIE
from expo.database import create_engine, create_sessionmaker
from expo.models import CommitteeRole, Role
from expo.settings import Settings
from tests.support.browser import PHONE, SHOTS, chromium_or_skip, launch
from tests.support.factories import PASSWORDS
from tests.support.gate import open_expo
from tickets.gate import devices
from tickets.gate.models import Scan
from tickets.gate.schemas import GateCreate
from tickets.passes import issuing, rendering
from tickets.passes.models import PassKind
from tickets.passes.schemas import PassCreate
from tickets.passes.service import token_for
from tickets.signing.keys import load_keys

pytestmark = [pytest.mark.anyio, pytest.mark.browser]


@dataclass
class Gate:
    base_url: str
    pairing_code: str
    tokens: list[str]
    camera_file: Path
    organiser_token: str


def _fake_camera(pdf_bytes: bytes, path: Path) -> Path:
    """A Y4M video of the printed pass's QR code (rendered from our PDF) for Chromium's fake camera."""
    document = pypdfium2.PdfDocument(pdf_bytes)
    try:
        image = document[0].render(scale=4).to_pil().convert("RGB")
    finally:
        document.close()
    found = zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode)
    assert found, "the PDF has no readable QR code"
    corners = found[0].position
    xs = [corners.top_left.x, corners.top_right.x, corners.bottom_left.x, corners.bottom_right.x]
    ys = [corners.top_left.y, corners.top_right.y, corners.bottom_left.y, corners.bottom_right.y]
    margin = (max(xs) - min(xs)) // 6
    qr = image.crop((min(xs) - margin, min(ys) - margin, max(xs) + margin, max(ys) + margin)).resize((440, 440))
    frame = Image.new("RGB", (640, 480), "white")
    frame.paste(qr, (100, 20))
    y, cb, cr = frame.convert("YCbCr").split()
    planes = y.tobytes() + cb.resize((320, 240)).tobytes() + cr.resize((320, 240)).tobytes()
    path.write_bytes(b"YUV4MPEG2 W640 H480 F10:1 Ip A1:1 C420jpeg\n" + (b"FRAME\n" + planes) * 3)
    return path


async def _count_scans(settings: Settings) -> list[tuple[bool, str]]:
    engine = create_engine(settings)
    try:
        async with create_sessionmaker(engine)() as session:
            rows = await session.execute(sa.select(Scan.offline, Scan.reason).order_by(Scan.id))
            return [(bool(a), str(b)) for a, b in rows.all()]
    finally:
        await engine.dispose()


@pytest.fixture
async def gate(served_app: str, served_settings: Settings, tmp_path: Path) -> Gate:
    engine = create_engine(served_settings)
    keys = load_keys(served_settings.signing_key_file)
    try:
        async with create_sessionmaker(engine)() as session:
            expo = await open_expo(session, "gerbang", "Expo Gerbang")
            assert expo.id is not None
            user = await create_user(
                session, PASSWORDS, email="gate@uji.test", name="Panitia", password="rahasia-123", role=Role.ORGANISER
            )
            assert user.id is not None
            await add_member(session, expo.id, user.id, CommitteeRole.ORGANISER)
            organiser = CurrentUser(id=user.id, email=user.email, name=user.name, role=Role.ORGANISER, everything=True)
            organiser_token = await start_session(session, user, 1)
            made = await devices.create_gate(session, expo.id, GateCreate(name="Gerbang Utama"))
            assert made.id is not None
            _device, code = await devices.create_device(session, made.id, "HP", organiser)
            tokens, pdf_bytes = [], b""
            for name in ("Siti Aminah", "Ahmad Dahlan", "Rina Kamera"):
                pass_ = await issuing.create_pass(
                    session, expo.id, PassCreate(kind="visitor", holder_name=name), organiser
                )
                kind = await session.get(PassKind, pass_.kind_id)
                assert kind is not None
                tokens.append(token_for(pass_, kind, keys))
                pdf_bytes = await rendering.pass_pdf(session, pass_, keys)
            await session.commit()
    finally:
        await engine.dispose()
    camera = _fake_camera(pdf_bytes, tmp_path / "pass-qr.y4m")
    return Gate(
        base_url=served_app, pairing_code=code, tokens=tokens, camera_file=camera, organiser_token=organiser_token
    )


async def test_scan_online_then_offline_and_sync_exactly_once(
    browser: Any, gate: Gate, served_settings: Settings
) -> None:
    context = await browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True, locale="id-ID")
    context.set_default_timeout(10_000)
    page = await context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    await page.goto(f"{gate.base_url}/gate?pair={gate.pairing_code}")
    await page.wait_for_selector('#ready[data-ready="1"]')
    assert await page.text_content("#gate-name") == "Gerbang Utama"

    await page.fill("#scan-input", gate.tokens[0])
    await page.press("#scan-input", "Enter")
    await page.wait_for_selector('#result[data-status="ok"]')
    assert await page.text_content("#result-name") == "Siti Aminah"
    assert "BOLEH MASUK" in (await page.text_content("#result-word") or "")
    await page.screenshot(path=str(SHOTS / "gate-online-ok.png"))

    await context.set_offline(True)
    await page.click("#result")
    await page.fill("#scan-input", gate.tokens[1])
    await page.press("#scan-input", "Enter")
    await page.wait_for_selector('#result[data-status="ok"]:not([hidden])')
    assert await page.text_content("#result-name") == "Ahmad Dahlan"
    assert "luring" in (await page.text_content("#result-reason") or "")
    assert await page.text_content("#queue") == "1"
    await page.screenshot(path=str(SHOTS / "gate-offline-ok.png"))
    await page.click("#result")
    await page.fill("#scan-input", gate.tokens[1])  # the device's own history: already inside
    await page.press("#scan-input", "Enter")
    await page.wait_for_selector('#result[data-reason="already_inside"]')
    assert await page.text_content("#queue") == "2"

    await page.route("**/api/gate/sync", lambda route: route.abort())  # the sync still fails...
    await context.set_offline(False)
    await page.reload()  # ...and the queue survives a reload (IndexedDB)
    await page.wait_for_function("() => document.querySelector('#queue').textContent === '2'")
    sent: dict[str, dict[str, Any]] = {}  # by nonce: a batch may be sent again

    def syncing(request: Any) -> None:
        if request.url.endswith("/api/gate/sync"):
            sent.update((s["client_scan_id"], s) for s in request.post_data_json["scans"])

    page.on("request", syncing)
    await page.unroute("**/api/gate/sync")
    await page.wait_for_function("() => document.querySelector('#queue').textContent === '0'", timeout=15_000)
    scans = await _count_scans(served_settings)
    assert scans == [(False, "ok"), (True, "ok"), (True, "already_inside")]
    # the phone tells the server what it did, with its reason for a refusal (docs/gate.md "Offline sync")
    assert sorted((s["device_status"], s.get("device_reason") or "") for s in sent.values()) == [
        ("ok", ""),
        ("refused", "already_inside"),
    ]
    assert errors == []


async def test_the_camera_reads_a_printed_pass(gate: Gate) -> None:
    """Chromium's fake camera shows the QR code of a pass rendered from our PDF; the page admits it."""
    camera = [
        "--use-fake-device-for-media-stream",
        "--use-fake-ui-for-media-stream",
        f"--use-file-for-fake-video-capture={gate.camera_file}",
    ]
    async with launch(chromium_or_skip(), camera) as instance:
        context = await instance.new_context(viewport=PHONE, is_mobile=True, locale="id-ID")
        context.set_default_timeout(15_000)
        page = await context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        await page.goto(f"{gate.base_url}/gate?pair={gate.pairing_code}")
        await page.wait_for_selector('#ready[data-ready="1"]')
        await page.click("#camera-start")
        await page.wait_for_selector('#result[data-status="ok"]')
        assert await page.text_content("#result-name") == "Rina Kamera"
        await page.screenshot(path=str(SHOTS / "gate-camera-ok.png"))
        assert errors == []


async def test_the_dashboard_updates_live(browser: Any, gate: Gate) -> None:
    context = await browser.new_context(viewport={"width": 1024, "height": 800}, locale="id-ID")
    context.set_default_timeout(10_000)
    host = gate.base_url.removeprefix("http://").split(":")[0]
    await context.add_cookies([{"name": SESSION_COOKIE, "value": gate.organiser_token, "domain": host, "path": "/"}])
    page = await context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    await page.goto(f"{gate.base_url}/admin/e/gerbang/gates")
    await page.wait_for_function("() => document.getElementById('inside').textContent === '0'")
    async with httpx.AsyncClient(base_url=gate.base_url) as api:
        paired = await api.post("/api/gate/pair", json={"pairing_code": gate.pairing_code})
        device = {"Authorization": f"Device {paired.json()['token']}"}
        scan = {"text": gate.tokens[0], "client_scan_id": "dash-1", "scanned_at": datetime.now(UTC).isoformat()}
        assert (await api.post("/api/gate/scans", json=scan, headers=device)).json()["reason"] == "ok"
    await page.wait_for_function("() => document.getElementById('inside').textContent === '1'")
    assert await page.text_content("#entries") == "1"
    await page.wait_for_selector("#scans tr.ok")
    assert "Siti Aminah" in (await page.text_content("#scans") or "")
    await page.screenshot(path=str(SHOTS / "gate-dashboard.png"), full_page=True)

    # the supervisor annuls the mistaken scan, with a reason: the person counts as outside again
    page.once("dialog", lambda dialog: dialog.accept("salah orang"))
    await page.click("#scans tr.ok button")
    await page.wait_for_selector("#scans tr.annulled")
    assert "dibatalkan: salah orang" in (await page.text_content("#scans tr.annulled") or "")
    await page.wait_for_function("() => document.getElementById('inside').textContent === '0'")
    assert await page.locator("#scans tr.annulled button").count() == 0
    assert errors == []
