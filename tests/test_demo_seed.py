"""The demo expo seeds through the services: a valid venue, fictional exhibitors, bookings in every state."""

import itertools
from collections import Counter

import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from booths import geometry
from booths.bookings import list_bookings
from booths.demo import DEMO_LOGINS, DEMO_SLUG, EXHIBITOR_EMAIL, is_empty, reset_demo, seed_demo
from booths.exhibitors import exhibitor_of_user
from booths.models import BookingStatus, Booth, Exhibitor, Hall
from booths.venue import get_expo_by_slug, list_booths
from expo.accounts import authenticate
from expo.errors import Conflict
from expo.security import Passwords

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
