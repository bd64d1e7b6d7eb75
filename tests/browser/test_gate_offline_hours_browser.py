"""The scanner page in headless Debian chromium decides opening hours alone: with the network cut, a
pass whose kind is closed now is refused ``outside_hours`` (in the expo's time zone), another kind is
admitted, and once the network is back the server decides both scans the same way. A pass renamed
afterwards shows its new name offline after the page's next refresh."""

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
from sqlmodel import col

from booths.committee.service import add_member
from expo.accounts import CurrentUser, create_user
from expo.database import create_engine, create_sessionmaker
from expo.models import CommitteeRole, Role
from expo.settings import Settings
from tests.support.browser import PHONE, SHOTS
from tests.support.factories import PASSWORDS
from tests.support.gate import open_expo
from tickets.gate import devices
from tickets.gate.models import Scan
from tickets.gate.schemas import GateCreate
from tickets.passes import issuing
from tickets.passes import service as passes
from tickets.passes.kinds import ensure_kinds
from tickets.passes.models import PassKind
from tickets.passes.schemas import PassCreate, PassUpdate
from tickets.passes.service import token_for
from tickets.signing.keys import load_keys

pytestmark = [pytest.mark.anyio, pytest.mark.browser]
ZONE = ZoneInfo("Asia/Jakarta")


@dataclass
class Gate:
    base_url: str
    pairing_code: str
    press_token: str
    visitor_token: str
    press_id: int
    organiser: CurrentUser
    expo_id: int


def _closed_hours() -> tuple[time, time]:
    """An hour of the day that is not now in Jombang (so the test runs at any time)."""
    return (time(22), time(23)) if datetime.now(ZONE).hour < 12 else (time(1), time(2))


@pytest.fixture
async def gate(served_app: str, served_settings: Settings) -> Gate:
    engine = create_engine(served_settings)
    keys = load_keys(served_settings.signing_key_file)
    try:
        async with create_sessionmaker(engine)() as session:
            expo = await open_expo(session, "jam-buka", "Expo Jam Buka")
            assert expo.id is not None
            user = await create_user(
                session, PASSWORDS, email="jam@uji.test", name="Panitia", password="rahasia-123", role=Role.ORGANISER
            )
            assert user.id is not None
            await add_member(session, expo.id, user.id, CommitteeRole.ORGANISER)
            organiser = CurrentUser(id=user.id, email=user.email, name=user.name, role=Role.ORGANISER, everything=True)
            await ensure_kinds(session, expo.id)
            opens, closes = _closed_hours()
            await session.execute(
                sa.update(PassKind)
                .where(col(PassKind.expo_id) == expo.id, col(PassKind.code) == "press")
                .values(opens_at=opens, closes_at=closes)
            )
            made = await devices.create_gate(session, expo.id, GateCreate(name="Gerbang Pers"))
            assert made.id is not None
            _device, code = await devices.create_device(session, made.id, "HP", organiser)
            tokens, ids = [], []
            for kind, name in (("press", "Wartawan Malam"), ("visitor", "Siti Aminah")):
                pass_ = await issuing.create_pass(session, expo.id, PassCreate(kind=kind, holder_name=name), organiser)
                pass_kind = await session.get(PassKind, pass_.kind_id)
                assert pass_kind is not None
                tokens.append(token_for(pass_, pass_kind, keys))
                ids.append(pass_.id or 0)
            await session.commit()
    finally:
        await engine.dispose()
    return Gate(
        base_url=served_app,
        pairing_code=code,
        press_token=tokens[0],
        visitor_token=tokens[1],
        press_id=ids[0],
        organiser=organiser,
        expo_id=expo.id,
    )


async def _scans(settings: Settings) -> list[tuple[bool, str, bool]]:
    engine = create_engine(settings)
    try:
        async with create_sessionmaker(engine)() as session:
            rows = await session.execute(sa.select(Scan.offline, Scan.reason, Scan.conflict).order_by(Scan.id))
            return [(bool(a), str(b), bool(c)) for a, b, c in rows.all()]
    finally:
        await engine.dispose()


async def test_offline_a_pass_outside_its_hours_is_refused(browser: Any, gate: Gate, served_settings: Settings) -> None:
    context = await browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True, locale="id-ID")
    context.set_default_timeout(10_000)
    page = await context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    await page.goto(f"{gate.base_url}/gate?pair={gate.pairing_code}")
    await page.wait_for_selector('#ready[data-ready="1"]')
    hours = await page.evaluate("JSON.parse(localStorage.getItem('gate.context')).kind_rules.press")
    assert (hours["opens_at"], hours["closes_at"]) == tuple(t.isoformat() for t in _closed_hours())

    await context.set_offline(True)  # the page cannot reach the server: it decides alone
    await page.fill("#scan-input", gate.press_token)
    await page.press("#scan-input", "Enter")
    await page.wait_for_selector('#result[data-reason="outside_hours"]:not([hidden])')
    assert await page.get_attribute("#result", "data-status") == "refused"
    reason = await page.text_content("#result-reason") or ""
    assert "Di luar jam buka" in reason
    assert "luring" in reason
    assert await page.text_content("#result-name") == "Wartawan Malam"
    await page.screenshot(path=str(SHOTS / "gate-offline-outside-hours.png"))

    await page.click("#result")
    await page.fill("#scan-input", gate.visitor_token)  # a kind without own hours: the day is open
    await page.press("#scan-input", "Enter")
    await page.wait_for_selector('#result[data-status="ok"]:not([hidden])')
    assert await page.text_content("#result-name") == "Siti Aminah"
    assert await page.text_content("#queue") == "2"

    await context.set_offline(False)  # the queue syncs; the server agrees with both local verdicts
    await page.wait_for_function("() => document.querySelector('#queue').textContent === '0'", timeout=15_000)
    assert await _scans(served_settings) == [(True, "outside_hours", False), (True, "ok", False)]

    await _rename(served_settings, gate, "Wartawan Pagi")  # the organiser renames the pass...
    await page.reload()  # ...and the page's next refresh fetches the change (by cursor)
    await page.wait_for_selector('#ready[data-ready="1"]')
    await context.set_offline(True)
    await page.fill("#scan-input", gate.press_token)
    await page.press("#scan-input", "Enter")
    await page.wait_for_selector('#result[data-reason="outside_hours"]:not([hidden])')
    assert await page.text_content("#result-name") == "Wartawan Pagi"
    assert errors == []


async def _rename(settings: Settings, gate: Gate, name: str) -> None:
    engine = create_engine(settings)
    try:
        async with create_sessionmaker(engine)() as session:
            await passes.update_pass(session, gate.press_id, PassUpdate(holder_name=name), gate.organiser)
            await session.commit()
    finally:
        await engine.dispose()


async def test_offline_the_device_history_starts_empty_each_day(
    browser: Any, gate: Gate, served_settings: Settings
) -> None:
    """As on the server, a pass the phone let in yesterday and never saw leave may enter today."""
    now = datetime.now(ZONE)
    engine = create_engine(served_settings)
    try:
        async with create_sessionmaker(engine)() as session:
            two_days = PassCreate(
                kind="visitor", holder_name="Dua Hari", days=[now.date(), now.date() + timedelta(days=1)]
            )
            pass_ = await issuing.create_pass(session, gate.expo_id, two_days, gate.organiser)
            kind = await session.get(PassKind, pass_.kind_id)
            assert kind is not None
            token = token_for(pass_, kind, load_keys(served_settings.signing_key_file))
            await session.commit()
    finally:
        await engine.dispose()
    context = await browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True, locale="id-ID")
    context.set_default_timeout(10_000)
    page = await context.new_page()
    await page.clock.install(time=now)
    await page.goto(f"{gate.base_url}/gate?pair={gate.pairing_code}")
    await page.wait_for_selector('#ready[data-ready="1"]')
    await context.set_offline(True)  # stays offline: the scans are decided by the page alone

    async def scan() -> str | None:
        await page.fill("#scan-input", token)
        await page.press("#scan-input", "Enter")
        await page.wait_for_selector("#result:not([hidden])")
        reason = await page.get_attribute("#result", "data-reason")
        await page.click("#result")
        return reason

    assert await scan() == "ok"
    assert await scan() == "already_inside"
    await page.clock.set_system_time(now + timedelta(days=1))
    assert await scan() == "ok"
