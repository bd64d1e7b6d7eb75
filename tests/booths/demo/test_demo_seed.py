"""The demo expo seeds through the services: a valid venue, fictional exhibitors, bookings in every state,
dates that follow the day it is seeded, and a gate that admits passes on that day."""

import itertools
from collections import Counter
from datetime import date, time, timedelta

import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from booths.bookings.models import BookingStatus
from booths.bookings.service import list_bookings
from booths.demo.expo import is_empty, reset_demo, seed_demo
from booths.demo.published import DEMO_LOGINS, DEMO_SLUG, EXHIBITOR_EMAIL, GATE_EMAIL, GATE_PASSWORD, demo_today
from booths.exhibitors.models import Exhibitor
from booths.exhibitors.service import exhibitor_of_user
from booths.venue import geometry
from booths.venue.models import Booth, Hall
from booths.venue.service import default_expo, expo_days, get_expo_by_slug, list_booths
from expo.accounts import authenticate
from expo.errors import Conflict
from expo.security import Passwords
from expo.settings import Settings
from tests.support.factories import bearer
from tests.support.gate import now_iso
from tests.support.passes import Client
from tickets.demo.passes import DEMO_GATES, seed_gates, seed_passes
from tickets.passes.cards import card_context, card_for
from tickets.passes.models import ExpoPass, PassKind
from tickets.passes.service import token_for
from tickets.signing.keys import load_keys

pytestmark = pytest.mark.anyio

CHEAP = Passwords(time_cost=1, memory_kib=64)


async def _snapshot(session: AsyncSession) -> list[tuple[str, str, str | None]]:
    expo = await get_expo_by_slug(session, DEMO_SLUG)
    assert expo.id is not None
    exhibitors = (await session.scalars(sa.select(Exhibitor).order_by(Exhibitor.nib))).all()
    booked = {b.exhibitor_name: b.booth_code for b in await list_bookings(session, expo.id)}
    return [(e.nib, e.name, booked.get(e.name)) for e in exhibitors]


async def test_demo_seeds_a_valid_venue_and_bookings_in_every_state(session: AsyncSession) -> None:
    assert await is_empty(session)
    counts = await seed_demo(session, CHEAP)

    assert counts["booths"] >= 120
    assert counts["booths_blocked"] >= 2
    assert counts["exhibitors_pesantren"] + counts["exhibitors_koperasi"] == 60
    for status in BookingStatus:
        assert counts[f"bookings_{status.value}"] > 0, status
    expo = await get_expo_by_slug(session, DEMO_SLUG)
    assert expo.id is not None
    booths = await list_booths(session, expo.id, organiser=True)
    by_status = Counter(b.status for b in booths)
    assert by_status["held"] == counts["bookings_held"]
    assert by_status["confirmed"] == counts["bookings_confirmed"]
    assert all(b.blocked_reason for b in booths if b.status == "blocked")

    halls = {h.id: h for h in (await session.scalars(sa.select(Hall))).all()}
    rows = (await session.scalars(sa.select(Booth))).all()
    rects = [(b, geometry.Rect(b.x_m, b.y_m, b.width_m, b.depth_m)) for b in rows]
    for booth, rect in rects:
        assert geometry.inside(rect, halls[booth.hall_id].width_m, halls[booth.hall_id].depth_m), booth.code
    for (a, ra), (b, rb) in itertools.combinations(rects, 2):
        assert a.hall_id != b.hall_id or not geometry.overlaps(ra, rb), (a.code, b.code)

    exhibitors = (await session.scalars(sa.select(Exhibitor))).all()
    assert len({e.nib for e in exhibitors}) == len(exhibitors)
    assert all(len(e.nib) == 13 and e.nib.isdigit() for e in exhibitors)
    assert any(e.pesantren_name and not e.pesantren_name.isascii() for e in exhibitors)

    for _role, email, password in DEMO_LOGINS:
        user = await authenticate(session, CHEAP, email, password)
        if email == EXHIBITOR_EMAIL:
            assert user.id is not None
            mine = await exhibitor_of_user(session, user.id, expo.id)
            assert mine is not None
            assert mine.id is not None
            assert [b.status for b in await list_bookings(session, expo.id, exhibitor_id=mine.id)] == ["held"]


async def test_demo_is_deterministic_refuses_a_second_seed_and_resets(session: AsyncSession) -> None:
    first = await seed_demo(session, CHEAP)
    before = await _snapshot(session)
    with pytest.raises(Conflict) as refused:
        await seed_demo(session, CHEAP)
    assert refused.value.code == "demo_not_empty"
    await session.rollback()

    assert await reset_demo(session, CHEAP) == first
    assert await _snapshot(session) == before


async def test_the_demo_expo_opens_weeks_after_the_day_it_is_seeded_which_is_a_gate_rehearsal_day(
    session: AsyncSession,
) -> None:
    seeded_on = date(2031, 3, 5)
    await seed_demo(session, CHEAP, today=seeded_on)
    expo = await get_expo_by_slug(session, DEMO_SLUG)
    assert expo.id is not None
    assert (expo.starts_on, expo.ends_on) == (date(2031, 4, 2), date(2031, 4, 7))
    days = await expo_days(session, expo.id)
    assert [d.day for d in days] == [seeded_on] + [date(2031, 4, 2) + timedelta(days=i) for i in range(6)]
    assert (days[0].opens_at, days[0].closes_at) == (time(0, 0), time(23, 59, 59))  # all day: the gate works
    assert {(d.opens_at, d.closes_at) for d in days[1:]} == {(time(9), time(21))}


async def test_by_default_the_demo_follows_today_and_is_the_expo_the_home_page_shows(session: AsyncSession) -> None:
    await seed_demo(session, CHEAP)
    expo = await get_expo_by_slug(session, DEMO_SLUG)
    assert expo.id is not None
    today = demo_today()
    assert expo.starts_on == today + timedelta(days=28)
    assert today in [d.day for d in await expo_days(session, expo.id)]
    shown = await default_expo(session)
    assert shown is not None
    assert shown.id == expo.id


async def _pass_named(session: AsyncSession, expo_id: int, *, kind: str, days: list[str] | None) -> ExpoPass:
    rows = (
        await session.scalars(
            sa.select(ExpoPass)
            .join(PassKind, PassKind.id == ExpoPass.kind_id)  # type: ignore[arg-type]
            .where(ExpoPass.expo_id == expo_id, PassKind.code == kind)
            .order_by(ExpoPass.id)  # type: ignore[arg-type]
        )
    ).all()
    return next(p for p in rows if days is None or p.days == days)


async def test_the_demo_gate_admits_passes_on_the_day_it_is_seeded(
    client: Client, session: AsyncSession, settings: Settings
) -> None:
    await seed_demo(session, CHEAP)
    expo = await get_expo_by_slug(session, DEMO_SLUG)
    assert expo.id is not None
    await seed_passes(session, expo.id)
    await seed_gates(session, expo.id)
    await session.commit()
    today = demo_today().isoformat()

    # the demo's gate-staff account pairs its own phone to the gate it is on
    login = await client.post("/api/auth/login", json={"email": GATE_EMAIL, "password": GATE_PASSWORD})
    assert login.status_code == 200, login.text
    staff = bearer(login.json()["token"])
    mine = await client.get("/api/gate-staff/gate", headers=staff)
    assert mine.status_code == 200, mine.text
    assert mine.json()["gate"]["name"] == DEMO_GATES[0].name
    pairing = await client.post("/api/gate-staff/devices", json={"name": "HP 1"}, headers=staff)
    assert pairing.status_code == 201, pairing.text
    client.cookies.clear()  # the phone being paired is another device, without the staff's log-in
    paired = await client.post("/api/gate/pair", json={"pairing_code": pairing.json()["pairing_code"]})
    assert paired.status_code == 201, paired.text
    device = {"Authorization": f"Device {paired.json()['token']}"}
    keys = load_keys(settings.signing_key_file)

    async def scan(pass_: ExpoPass) -> str:
        kind = await session.get(PassKind, pass_.kind_id)
        assert kind is not None
        body = {"text": token_for(pass_, kind, keys), "direction": "entry", "client_scan_id": f"demo-{pass_.id}"}
        answer = await client.post("/api/gate/scans", json=body | {"scanned_at": now_iso()}, headers=device)
        assert answer.status_code == 200, answer.text
        return str(answer.json()["reason"])

    rehearsal_visitor = await _pass_named(session, expo.id, kind="visitor", days=[today])
    every_day_guest = await _pass_named(session, expo.id, kind="vip", days=None)
    assert today in every_day_guest.days
    expo_day_visitor = next(
        p
        for p in (await session.scalars(sa.select(ExpoPass).where(ExpoPass.expo_id == expo.id))).all()  # type: ignore[arg-type]
        if p.days and today not in p.days
    )
    assert await scan(rehearsal_visitor) == "ok"
    assert await scan(every_day_guest) == "ok"
    assert await scan(expo_day_visitor) == "not_valid_today"


async def test_demo_passes_print_the_expo_hours_and_the_rehearsal_day_among_their_days(
    session: AsyncSession, settings: Settings
) -> None:
    seeded_on = date(2031, 3, 5)
    await seed_demo(session, CHEAP, today=seeded_on)
    expo = await get_expo_by_slug(session, DEMO_SLUG)
    assert expo.id is not None
    await seed_passes(session, expo.id)
    ctx = await card_context(session, expo.id, load_keys(settings.signing_key_file))
    guest = card_for(ctx, await _pass_named(session, expo.id, kind="vip", days=None), None)
    assert guest.hours == "09.00–21.00 WIB"  # the run's hours, not the rehearsal day's 00.00–23.59
    assert [(c.bottom, c.valid) for c in guest.days][:2] == [("5", True), ("2", True)]
    rehearsal = card_for(ctx, await _pass_named(session, expo.id, kind="visitor", days=[seeded_on.isoformat()]), None)
    assert rehearsal.hours == "00.00–23.59 WIB"
    assert [c.valid for c in rehearsal.days] == [True] + [False] * 6
