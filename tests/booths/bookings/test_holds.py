"""One hold path and one hold rule: the API and the booth picker refuse the same cases with the same
domain error, and the "does this booking hold its booth" rule says the same in Python and in SQL."""

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import httpx
import pytest
import sqlalchemy as sa
from litestar import Litestar
from litestar.testing import AsyncTestClient
from markupsafe import escape
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from booths.bookings import holds
from booths.bookings.models import Booking, BookingStatus
from expo.auth import SESSION_COOKIE
from expo.formatting import utcnow
from expo.i18n import translate
from tests.support.factories import Venue, bearer, make_venue, signup_exhibitor

pytestmark = pytest.mark.anyio

Client = AsyncTestClient[Litestar]

_TAKEN = "Booth %(code)s has just been taken by someone else; please choose another."


@dataclass(frozen=True)
class Refusal:
    status: int
    code: str
    message: str
    params: dict[str, Any]


async def _hold_by_page(client: Client, token: str, venue: Venue, booth_id: int) -> httpx.Response:
    """The booth picker's hold button, as a browser presses it (CSRF cookie from the page first)."""
    client.cookies.clear()
    client.cookies.set(SESSION_COOKIE, token)
    picker = f"/e/{venue.expo.slug}/booths"
    assert (await client.get(picker)).status_code == 200
    csrf = client.cookies.get("csrftoken")
    assert csrf
    return await client.post(f"{picker}/{booth_id}/hold", data={"_csrf_token": csrf}, follow_redirects=False)


async def _both_refuse(client: Client, token: str, venue: Venue, booth_id: int, expected: Refusal) -> None:
    client.cookies.clear()
    api = await client.post(f"/api/booths/{booth_id}/hold", headers=bearer(token))
    assert api.status_code == expected.status, api.text
    assert api.json()["code"] == expected.code
    page = await _hold_by_page(client, token, venue, booth_id)
    assert page.status_code == expected.status, page.text
    assert 'role="alert"' in page.text
    assert str(escape(translate(expected.message, expected.params, locale="id"))) in page.text


async def test_a_taken_booth_is_refused_alike(client: Client, session: AsyncSession) -> None:
    venue = await make_venue(session)
    _first, first = await signup_exhibitor(client, venue.expo_id)
    assert (await client.post(f"/api/booths/{venue.booth_ids[0]}/hold", headers=bearer(first))).status_code == 201
    _second, second = await signup_exhibitor(client, venue.expo_id)
    taken = Refusal(409, "booth_taken", _TAKEN, {"code": "A-01"})
    await _both_refuse(client, second, venue, venue.booth_ids[0], taken)


async def test_an_exhibitor_of_another_expo_is_refused_alike(client: Client, session: AsyncSession) -> None:
    """The API used to answer 404 booth_not_found here and the page 403 not_an_exhibitor."""
    venue = await make_venue(session)
    elsewhere = await make_venue(session)
    _other, token = await signup_exhibitor(client, elsewhere.expo_id)
    refusal = Refusal(403, "not_an_exhibitor", "Register as an exhibitor of this expo first.", {})
    await _both_refuse(client, token, venue, venue.booth_ids[0], refusal)


async def test_a_second_booth_over_the_limit_is_refused_alike(client: Client, session: AsyncSession) -> None:
    venue = await make_venue(session, booth_limit=1)
    _mine, token = await signup_exhibitor(client, venue.expo_id)
    assert (await client.post(f"/api/booths/{venue.booth_ids[0]}/hold", headers=bearer(token))).status_code == 201
    limit = Refusal(
        409,
        "booth_limit_reached",
        "You already have %(limit)s booth(s), the most one exhibitor may book.",
        {"limit": 1},
    )
    await _both_refuse(client, token, venue, venue.booth_ids[1], limit)


async def test_the_page_and_the_api_hold_through_the_same_rule(client: Client, session: AsyncSession) -> None:
    """Both leave the same booking and history behind."""
    venue = await make_venue(session)
    _a, by_api = await signup_exhibitor(client, venue.expo_id)
    _b, by_page = await signup_exhibitor(client, venue.expo_id)
    assert (await client.post(f"/api/booths/{venue.booth_ids[0]}/hold", headers=bearer(by_api))).status_code == 201
    page = await _hold_by_page(client, by_page, venue, venue.booth_ids[1])
    assert page.status_code == 303
    assert page.headers["location"] == "/my-booking?msg=held"
    rows = (
        await session.execute(
            sa.select(Booking).where(col(Booking.expo_id) == venue.expo_id).order_by(col(Booking.booth_id))
        )
    ).all()
    made = [row[0] for row in rows]
    assert [b.status for b in made] == [BookingStatus.HELD, BookingStatus.HELD]
    assert [b.price for b in made] == [500_000, 500_000]  # the pesantren class price, both ways
    for booking in made:
        assert booking.hold_expires_at is not None
        assert booking.hold_expires_at - booking.held_at == timedelta(minutes=30)


# --- the rule in Python and in SQL ---------------------------------------------------------------
async def test_the_hold_rule_reads_the_same_in_python_and_sql(client: Client, session: AsyncSession) -> None:
    venue = await make_venue(session)
    exhibitor, _token = await signup_exhibitor(client, venue.expo_id)
    now = utcnow()
    states: list[tuple[BookingStatus, datetime | None]] = [
        (BookingStatus.CONFIRMED, None),
        (BookingStatus.HELD, now + timedelta(minutes=1)),
        (BookingStatus.HELD, now - timedelta(minutes=1)),
        (BookingStatus.HELD, None),  # cannot happen through the services; the rule still says one thing
        (BookingStatus.CANCELLED, None),
        (BookingStatus.EXPIRED, now - timedelta(hours=1)),
    ]
    for booth_id, (status, expires) in zip(venue.booth_ids, states, strict=True):
        session.add(
            Booking(
                expo_id=venue.expo_id,
                booth_id=booth_id,
                exhibitor_id=exhibitor["id"],
                status=status,
                price=0,
                hold_expires_at=expires,
            )
        )
    await session.commit()
    bookings = (await session.scalars(sa.select(Booking).where(col(Booking.expo_id) == venue.expo_id))).all()

    async def ids(clause: sa.ColumnElement[bool]) -> set[int]:
        stmt = sa.select(col(Booking.id)).where(col(Booking.expo_id) == venue.expo_id, clause)
        return {int(i) for i in (await session.scalars(stmt)).all()}

    def where(rule: Any) -> set[int]:
        return {b.id for b in bookings if b.id is not None and rule(b, now)}

    assert await ids(holds.active_booking_clause(now)) == where(holds.is_active)
    assert await ids(holds.live_hold_clause(now)) == where(holds.hold_is_live)
    assert await ids(holds.lapsed_hold_clause(now)) == where(holds.hold_has_expired)
    expired = where(lambda b, at: holds.effective_status(b, at) == BookingStatus.EXPIRED)
    assert await ids(holds.expired_clause(now)) == expired
    assert len(where(holds.is_active)) == 2
    assert len(expired) == 3
