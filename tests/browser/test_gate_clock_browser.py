"""A phone whose clock is 20 minutes off, in headless Debian chromium: the scanner page learns the
server's time from its answers, warns the staff, stamps its scans and decides offline on the corrected
time (a gate closing in 10 minutes is still open), and every scan reaches the server flagged with both
times and shows on the organiser's dashboard. A revoked phone is told so, with what to do."""

from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa

from expo.accounts import CurrentUser
from expo.auth import SESSION_COOKIE
from expo.database import create_engine, create_sessionmaker
from expo.models import Role
from expo.settings import Settings
from tests.support.browser import PHONE, SHOTS
from tests.support.factories import make_user_token
from tests.support.gate import open_expo, organiser_user
from tickets.gate import devices
from tickets.gate.models import GateDevice, Scan
from tickets.gate.schemas import GateCreate
from tickets.passes import issuing
from tickets.passes.models import PassKind
from tickets.passes.schemas import PassCreate
from tickets.passes.service import token_for
from tickets.signing.keys import load_keys

pytestmark = [pytest.mark.anyio, pytest.mark.browser]
ZONE = ZoneInfo("Asia/Jakarta")
OFF = timedelta(minutes=20)


@dataclass
class World:
    pairing_code: str
    tokens: list[str]
    slug: str
    organiser_cookie: str
    device_id: int
    skew: timedelta  # how far the phone's clock is off


def _gate_hours(now: datetime) -> tuple[timedelta, time | None, time | None]:
    """The phone's skew and the gate's hours that make it matter: a phone 20 minutes fast at a gate
    that closes in 10 minutes (or, just before midnight, 20 minutes slow at a gate open 10 minutes)."""
    local = now.astimezone(ZONE)
    if local.time() < time(23, 45):
        return OFF, None, (local + timedelta(minutes=10)).time().replace(microsecond=0)
    return -OFF, (local - timedelta(minutes=10)).time().replace(microsecond=0), None


@pytest.fixture
async def world(served_app: str, served_settings: Settings) -> World:
    skew, opens, closes = _gate_hours(datetime.now(UTC))
    engine = create_engine(served_settings)
    keys = load_keys(served_settings.signing_key_file)
    try:
        async with create_sessionmaker(engine)() as session:
            expo = await open_expo(session, "jam-salah", "Expo Jam Salah")
            assert expo.id is not None
            organiser: CurrentUser = await organiser_user(session)
            gate = await devices.create_gate(
                session, expo.id, GateCreate(name="Gerbang Jam", opens_at=opens, closes_at=closes)
            )
            assert gate.id is not None
            device, code = await devices.create_device(session, gate.id, "HP Jam", organiser)
            tokens = []
            for name in ("Ahmad Daring", "Budi Luring"):
                visitor = PassCreate(kind="visitor", holder_name=name)
                pass_ = await issuing.create_pass(session, expo.id, visitor, organiser)
                kind = await session.get(PassKind, pass_.kind_id)
                assert kind is not None
                tokens.append(token_for(pass_, kind, keys))
            await session.commit()
            cookie = await make_user_token(session, Role.ORGANISER)
    finally:
        await engine.dispose()
    assert device.id is not None
    return World(code, tokens, expo.slug, cookie, device.id, skew)


async def _stored(settings: Settings) -> list[Any]:
    engine = create_engine(settings)
    try:
        async with create_sessionmaker(engine)() as session:
            return list((await session.execute(sa.select(Scan).order_by(Scan.id))).scalars().all())
    finally:
        await engine.dispose()


async def _revoke(settings: Settings, device_id: int) -> None:
    engine = create_engine(settings)
    try:
        async with create_sessionmaker(engine)() as session:
            await devices.revoke_device(session, device_id)
            await session.commit()
            assert (await session.get(GateDevice, device_id)) is not None
    finally:
        await engine.dispose()


def _utc(at: datetime) -> datetime:
    return at if at.tzinfo else at.replace(tzinfo=UTC)


async def test_a_phone_with_a_wrong_clock_scans_right_online_and_offline(
    browser: Any, world: World, served_app: str, served_settings: Settings
) -> None:
    context = await browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True, locale="id-ID")
    context.set_default_timeout(10_000)
    page = await context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    await page.clock.install(time=datetime.now(UTC) + world.skew)  # the phone's own clock
    await page.goto(f"{served_app}/gate?pair={world.pairing_code}")
    await page.wait_for_selector('#ready[data-ready="1"]')
    offset_ms = await page.evaluate("JSON.parse(localStorage.getItem('gate.clock_offset'))")
    assert abs(timedelta(milliseconds=offset_ms) + world.skew) < timedelta(minutes=1)
    warning = await page.wait_for_selector("#clock-warning:not([hidden])")
    assert "Jam ponsel salah" in (await warning.text_content() or "")

    async def scan(token: str) -> tuple[str | None, str]:
        await page.fill("#scan-input", token)
        await page.press("#scan-input", "Enter")
        await page.wait_for_selector("#result:not([hidden])")
        answer = (await page.get_attribute("#result", "data-status"), await page.text_content("#result-name") or "")
        await page.click("#result")
        return answer

    assert await scan(world.tokens[0]) == ("ok", "Ahmad Daring")  # online, decided by the server
    await context.set_offline(True)  # offline: the page decides alone, at the corrected time
    assert await scan(world.tokens[1]) == ("ok", "Budi Luring")
    assert await page.text_content("#queue") == "1"
    await page.screenshot(path=str(SHOTS / "gate-wrong-clock.png"))
    await context.set_offline(False)
    await page.wait_for_function("() => document.querySelector('#queue').textContent === '0'", timeout=15_000)

    stored = await _stored(served_settings)
    now = datetime.now(UTC)
    assert [(s.offline, s.reason, s.clock_skewed) for s in stored] == [(False, "ok", True), (True, "ok", True)]
    for row in stored:  # the corrected time is kept, and what the phone's clock said
        assert abs(_utc(row.scanned_at) - now) < timedelta(minutes=5)
        assert row.device_scanned_at is not None
        assert abs(_utc(row.device_scanned_at) - _utc(row.scanned_at) - world.skew) < timedelta(minutes=1)

    organiser = await browser.new_context(locale="id-ID")  # the dashboard, on a right clock
    await organiser.add_cookies([{"name": SESSION_COOKIE, "value": world.organiser_cookie, "url": served_app}])
    dashboard = await organiser.new_page()
    await dashboard.goto(f"{served_app}/admin/e/{world.slug}/gates")
    await dashboard.wait_for_selector('#scans tr[data-clock-skewed="1"] >> nth=1')
    assert await dashboard.locator('#scans tr[data-clock-skewed="1"]').count() == 2
    assert "jam ponsel salah" in (await dashboard.text_content("#scans") or "")
    await dashboard.wait_for_function("() => document.querySelector('#entries').textContent === '2'")
    await organiser.close()

    # The organiser revokes the phone. The heartbeat's context call is held off first, so that the
    # scan (not the heartbeat, which also tells) meets the refusal.
    await page.route("**/api/gate/context", lambda route: route.abort())
    await _revoke(served_settings, world.device_id)
    await page.fill("#scan-input", world.tokens[0])
    await page.press("#scan-input", "Enter")
    await page.wait_for_selector('#result[data-reason="device_revoked"]:not([hidden])')
    assert "Perangkat dicabut" in (await page.text_content("#result-reason") or "")
    assert "Kode tidak valid" not in (await page.text_content("#result") or "")
    assert "Perangkat dicabut" in (await page.text_content("#pair-error") or "")
    assert errors == []
