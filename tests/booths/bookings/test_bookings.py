"""Booking rules through HTTP: hold, free self-confirmation, payment, cancel, assign, move, expiry, races."""

import asyncio
from datetime import timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from booths.bookings.models import Booking, BookingStatus
from booths.venue.models import Booth
from expo.formatting import utcnow
from expo.models import Role
from tests.support.factories import Venue, bearer, make_user_token, make_venue, signup_exhibitor

pytestmark = pytest.mark.anyio

Client = AsyncTestClient[Litestar]


@pytest.fixture
async def setup(session: AsyncSession) -> tuple[Venue, str]:
    v = await make_venue(session)
    return v, await make_user_token(session, Role.ORGANISER)


async def _hold(client: Client, booth_id: int, token: str) -> dict:  # type: ignore[type-arg]
    response = await client.post(f"/api/booths/{booth_id}/hold", headers=bearer(token))
    assert response.status_code == 201, response.text
    return response.json()  # type: ignore[no-any-return]


async def test_hold_locks_the_class_price_and_expires_in_30_minutes(client: Client, setup: tuple[Venue, str]) -> None:
    v, _ = setup
    _, token = await signup_exhibitor(client, v.expo_id, exhibitor_class="pesantren")
    booking = await _hold(client, v.booth_ids[0], token)
    assert booking["status"] == "held"
    assert booking["price"] == 500_000  # the pesantren class price of the package
    assert booking["booth_code"] == "A-01"
    booth = (await client.get(f"/api/booths/{v.booth_ids[0]}")).json()
    assert booth["status"] == "held"
    assert booth["exhibitor_name"] is None  # names show only once confirmed


async def test_a_winning_holds_answer_is_the_booking_and_nothing_is_read_after_its_commit(
    client: Client, setup: tuple[Venue, str]
) -> None:
    """The answer is built from what the hold wrote and read: after the commit a winner of the rush
    would otherwise queue for a connection again only to read back its own booking."""
    v, _ = setup
    _, token = await signup_exhibitor(client, v.expo_id, name="Koperasi Tanpa Baca Ulang")
    steps: list[str] = []

    def statement(_conn: Any, _cursor: Any, text: str, *_args: Any) -> None:
        steps.append(" ".join(text.split()).upper())

    def committed(*_args: Any) -> None:
        steps.append("<commit>")

    listeners = [
        (Engine, "before_cursor_execute", statement),
        (Engine, "commit", committed),
        (Engine, "release_savepoint", committed),  # the tests' sessions commit to a savepoint
    ]
    for target, name, listener in listeners:
        event.listen(target, name, listener)
    try:
        booking = await _hold(client, v.booth_ids[0], token)
    finally:
        for target, name, listener in listeners:
            event.remove(target, name, listener)
    assert steps.count("<commit>") == 1
    after = steps[steps.index("<commit>") + 1 :]
    assert [s for s in after if not s.startswith(("ROLLBACK", "RELEASE"))] == []
    stored = await client.get(f"/api/bookings/{booking['id']}", headers=bearer(token))
    assert stored.status_code == 200
    assert booking == stored.json()
    assert booking["exhibitor_name"] == "Koperasi Tanpa Baca Ulang"
    assert booking["hall_code"] == stored.json()["hall_code"] != ""


async def test_second_exhibitor_gets_409_for_a_held_booth(client: Client, setup: tuple[Venue, str]) -> None:
    v, _ = setup
    _, first = await signup_exhibitor(client, v.expo_id)
    _, second = await signup_exhibitor(client, v.expo_id)
    await _hold(client, v.booth_ids[0], first)
    response = await client.post(f"/api/booths/{v.booth_ids[0]}/hold", headers=bearer(second))
    assert response.status_code == 409
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.json()["code"] == "booth_taken"


async def test_per_exhibitor_limit(client: Client, setup: tuple[Venue, str]) -> None:
    v, _ = setup
    _, token = await signup_exhibitor(client, v.expo_id)
    await _hold(client, v.booth_ids[0], token)
    response = await client.post(f"/api/booths/{v.booth_ids[1]}/hold", headers=bearer(token))
    assert response.status_code == 409
    assert response.json()["code"] == "booth_limit_reached"


async def test_blocked_booth_cannot_be_held(client: Client, setup: tuple[Venue, str]) -> None:
    v, organiser = setup
    _, token = await signup_exhibitor(client, v.expo_id)
    blocked = await client.post(
        f"/api/booths/{v.booth_ids[2]}/block", json={"reason": "jalur evakuasi"}, headers=bearer(organiser)
    )
    assert blocked.status_code == 200
    response = await client.post(f"/api/booths/{v.booth_ids[2]}/hold", headers=bearer(token))
    assert response.status_code == 409
    assert response.json()["code"] == "booth_blocked"


async def test_free_stand_confirms_at_once_when_allowed(
    client: Client, setup: tuple[Venue, str], session: AsyncSession
) -> None:
    v, _ = setup
    await session.execute(sa.update(Booth).where(Booth.id == v.booth_ids[3]).values(package_id=v.free.id))
    await session.commit()
    _, token = await signup_exhibitor(client, v.expo_id, exhibitor_class="umkm", pesantren_name=None)
    booking = await _hold(client, v.booth_ids[3], token)
    assert booking["status"] == "confirmed"
    assert booking["price"] == 0
    assert booking["hold_expires_at"] is None


async def test_organiser_confirms_with_payment(client: Client, setup: tuple[Venue, str]) -> None:
    v, organiser = setup
    _, token = await signup_exhibitor(client, v.expo_id, exhibitor_class="umkm", pesantren_name=None)
    booking = await _hold(client, v.booth_ids[0], token)
    url = f"/api/bookings/{booking['id']}/confirm"
    short = await client.post(url, json={"amount": 1_000, "method": "transfer"}, headers=bearer(organiser))
    assert short.status_code == 422
    assert short.json()["code"] == "payment_insufficient"
    forbidden = await client.post(url, json={"amount": 1_500_000, "method": "cash"}, headers=bearer(token))
    assert forbidden.status_code == 403
    ok = await client.post(
        url, json={"amount": 1_500_000, "method": "transfer", "reference": "TRF-0042"}, headers=bearer(organiser)
    )
    assert ok.status_code == 200, ok.text
    assert ok.json()["status"] == "confirmed"
    assert ok.json()["payment_reference"] == "TRF-0042"
    again = await client.post(url, json={"amount": 1_500_000, "method": "cash"}, headers=bearer(organiser))
    assert again.json()["code"] == "already_confirmed"
    booth = (await client.get(f"/api/booths/{v.booth_ids[0]}")).json()
    assert booth["status"] == "confirmed"
    assert booth["exhibitor_name"]


async def test_expired_hold_frees_the_booth_without_a_job(
    client: Client, setup: tuple[Venue, str], session: AsyncSession
) -> None:
    v, organiser = setup
    _, first = await signup_exhibitor(client, v.expo_id)
    _, second = await signup_exhibitor(client, v.expo_id)
    booking = await _hold(client, v.booth_ids[0], first)
    await session.execute(
        sa.update(Booking).where(Booking.id == booking["id"]).values(hold_expires_at=utcnow() - timedelta(seconds=1))
    )
    await session.commit()
    assert (await client.get(f"/api/booths/{v.booth_ids[0]}")).json()["status"] == "available"
    mine = (await client.get(f"/api/bookings/{booking['id']}", headers=bearer(first))).json()
    assert mine["status"] == "expired"
    late = await client.post(
        f"/api/bookings/{booking['id']}/confirm", json={"amount": 500_000, "method": "cash"}, headers=bearer(organiser)
    )
    assert late.status_code == 409
    assert late.json()["code"] == "hold_expired"
    # the first exhibitor's lapsed hold no longer counts against its limit, and the booth is free
    taken = await _hold(client, v.booth_ids[0], second)
    assert taken["status"] == "held"
    again = await _hold(client, v.booth_ids[1], first)
    assert again["booth_code"] == "A-02"
    history = (await client.get(f"/api/bookings/{booking['id']}/history", headers=bearer(organiser))).json()
    assert [h["action"] for h in history] == ["hold", "expire"]


async def test_cancel_frees_the_booth_and_only_the_owner_may(client: Client, setup: tuple[Venue, str]) -> None:
    v, _ = setup
    _, owner = await signup_exhibitor(client, v.expo_id)
    _, stranger = await signup_exhibitor(client, v.expo_id)
    booking = await _hold(client, v.booth_ids[0], owner)
    url = f"/api/bookings/{booking['id']}"
    assert (await client.get(url, headers=bearer(stranger))).status_code == 404
    assert (await client.post(f"{url}/cancel", json={}, headers=bearer(stranger))).status_code == 404
    assert (await client.get(f"{url}/history", headers=bearer(stranger))).status_code == 404
    cancelled = await client.post(f"{url}/cancel", json={"reason": "batal ikut"}, headers=bearer(owner))
    assert cancelled.status_code == 200
    assert cancelled.json()["status"] == "cancelled"
    assert (await client.get(f"/api/booths/{v.booth_ids[0]}")).json()["status"] == "available"
    twice = await client.post(f"{url}/cancel", json={}, headers=bearer(owner))
    assert twice.json()["code"] == "booking_not_active"
    await _hold(client, v.booth_ids[0], stranger)


async def test_exhibitor_sees_only_its_own_bookings(client: Client, setup: tuple[Venue, str]) -> None:
    v, organiser = setup
    _, first = await signup_exhibitor(client, v.expo_id)
    _, second = await signup_exhibitor(client, v.expo_id)
    await _hold(client, v.booth_ids[0], first)
    await _hold(client, v.booth_ids[1], second)
    mine = (await client.get(f"/api/expos/{v.expo_id}/bookings", headers=bearer(first))).json()
    assert [b["booth_code"] for b in mine] == ["A-01"]
    everything = (await client.get(f"/api/expos/{v.expo_id}/bookings", headers=bearer(organiser))).json()
    assert sorted(b["booth_code"] for b in everything) == ["A-01", "A-02"]
    held = await client.get(f"/api/expos/{v.expo_id}/bookings?status=held&q=a-02", headers=bearer(organiser))
    assert [b["booth_code"] for b in held.json()] == ["A-02"]


async def test_move_keeps_history_and_price(client: Client, setup: tuple[Venue, str]) -> None:
    v, organiser = setup
    exhibitor, token = await signup_exhibitor(client, v.expo_id)
    _, other = await signup_exhibitor(client, v.expo_id)
    booking = await _hold(client, v.booth_ids[0], token)
    await _hold(client, v.booth_ids[1], other)
    url = f"/api/bookings/{booking['id']}/move"
    onto_taken = await client.post(url, json={"booth_id": v.booth_ids[1]}, headers=bearer(organiser))
    assert onto_taken.status_code == 409
    assert onto_taken.json()["code"] == "booth_taken"
    assert (await client.post(url, json={"booth_id": v.booth_ids[2]}, headers=bearer(token))).status_code == 403
    moved = await client.post(
        url, json={"booth_id": v.booth_ids[2], "note": "dekat musholla"}, headers=bearer(organiser)
    )
    assert moved.status_code == 200, moved.text
    body = moved.json()
    assert body["id"] == booking["id"]
    assert body["booth_code"] == "A-03"
    assert body["price"] == booking["price"]
    assert (await client.get(f"/api/booths/{v.booth_ids[0]}")).json()["status"] == "available"
    history = (await client.get(f"/api/bookings/{booking['id']}/history", headers=bearer(token))).json()
    assert history[-1]["action"] == "move"
    assert (history[-1]["from_booth_code"], history[-1]["to_booth_code"]) == ("A-01", "A-03")
    assert exhibitor["id"] == body["exhibitor_id"]


async def test_organiser_assigns_directly(client: Client, setup: tuple[Venue, str]) -> None:
    v, organiser = setup
    created = await client.post(
        f"/api/expos/{v.expo_id}/exhibitors",
        headers=bearer(organiser),
        json={
            "name": "UMKM Batik Fiktif",
            "exhibitor_class": "umkm",
            "nib": "9120000045678",
            "regency": "Kediri",
            "contact_name": "Siti Contoh",
            "whatsapp": "081234567890",
            "email": "batik@contoh.id",
        },
    )
    assert created.status_code == 201, created.text
    exhibitor_id = created.json()["id"]
    body = {
        "booth_id": v.booth_ids[0],
        "exhibitor_id": exhibitor_id,
        "payment": {"amount": 1_500_000, "method": "cash"},
    }
    assigned = await client.post(f"/api/expos/{v.expo_id}/bookings", json=body, headers=bearer(organiser))
    assert assigned.status_code == 201, assigned.text
    assert assigned.json()["status"] == "confirmed"
    unpaid = await client.post(
        f"/api/expos/{v.expo_id}/bookings",
        headers=bearer(organiser),
        json={"booth_id": v.booth_ids[1], "exhibitor_id": exhibitor_id},
    )
    assert unpaid.json()["code"] == "payment_required"
    held = await client.post(
        f"/api/expos/{v.expo_id}/bookings",
        headers=bearer(organiser),
        json={"booth_id": v.booth_ids[1], "exhibitor_id": exhibitor_id, "confirm": False},
    )
    assert held.json()["status"] == "held"


async def test_unknown_ids_and_bad_bodies_are_problems(client: Client, setup: tuple[Venue, str]) -> None:
    v, organiser = setup
    _, token = await signup_exhibitor(client, v.expo_id)
    assert (await client.post("/api/booths/999999/hold", headers=bearer(token))).json()["code"] == "booth_not_found"
    held = (await client.post(f"/api/booths/{v.booth_ids[0]}/hold", headers=bearer(token))).json()
    bad = await client.post(
        f"/api/bookings/{held['id']}/confirm", json={"amount": -5, "method": "bitcoin"}, headers=bearer(organiser)
    )
    assert bad.status_code == 422
    assert {e["field"] for e in bad.json()["errors"]} >= {"amount", "method"}
    missing = await client.post("/api/bookings/424242/cancel", json={}, headers=bearer(organiser))
    assert missing.status_code == 404


@pytest.mark.real_commits  # fifty requests at once need fifty connections
async def test_fifty_concurrent_holds_on_one_booth_exactly_one_wins(
    client: Client, setup: tuple[Venue, str], session: AsyncSession
) -> None:
    v, _ = setup
    tokens = [(await signup_exhibitor(client, v.expo_id))[1] for _ in range(50)]
    booth_id = v.booth_ids[0]
    responses = await asyncio.gather(*(client.post(f"/api/booths/{booth_id}/hold", headers=bearer(t)) for t in tokens))
    statuses = sorted(r.status_code for r in responses)
    assert statuses.count(201) == 1, [r.text for r in responses if r.status_code not in (201, 409)]
    assert statuses.count(409) == 49
    # PostgreSQL tells a loser whose try met the winner's hold in flight "being booked" at once
    # (booths.bookings.service._booth_turn); one that came later, or any on SQLite, "taken"
    codes = {r.json()["code"] for r in responses if r.status_code == 409}
    assert codes <= {"booth_taken", "booth_being_booked"}, codes
    active = await session.scalar(
        sa.select(sa.func.count())
        .select_from(Booking)
        .where(
            Booking.booth_id == booth_id,
            Booking.status.in_([BookingStatus.HELD, BookingStatus.CONFIRMED]),  # type: ignore[attr-defined]
        )
    )
    assert active == 1


async def test_database_refuses_a_second_active_booking(setup: tuple[Venue, str], session: AsyncSession) -> None:
    """The invariant holds even for code that skips the service's checks."""
    v, _ = setup
    from booths.exhibitors.schemas import ExhibitorCreate
    from booths.exhibitors.service import create_exhibitor

    exhibitors = [
        await create_exhibitor(
            session,
            v.expo_id,
            ExhibitorCreate(
                name=f"UMKM {i}",
                exhibitor_class="umkm",
                nib=f"55500000000{i:02d}",
                regency="Jombang",  # type: ignore[arg-type]
                contact_name="X",
                whatsapp="081234567890",
                email=f"u{i}@contoh.id",
            ),
        )
        for i in range(2)
    ]
    for e in exhibitors:
        session.add(
            Booking(
                expo_id=v.expo_id,
                booth_id=v.booth_ids[0],
                exhibitor_id=e.id or 0,
                status=BookingStatus.CONFIRMED,
                price=0,
            )
        )
    with pytest.raises(sa.exc.IntegrityError):
        await session.flush()


@pytest.mark.real_commits  # two sessions racing need two connections
async def test_a_race_lost_at_the_unique_index_is_a_409_not_a_crash(
    setup: tuple[Venue, str], session: AsyncSession, engine: AsyncEngine
) -> None:
    """Both requests passed the friendly check; the index refuses the second, which must answer booth_taken."""
    from booths.bookings.service import _flush_or_taken
    from booths.exhibitors.schemas import ExhibitorCreate
    from booths.exhibitors.service import create_exhibitor
    from expo.database import create_sessionmaker
    from expo.errors import Conflict

    v, _ = setup
    exhibitors = [
        await create_exhibitor(
            session,
            v.expo_id,
            ExhibitorCreate(
                name=f"UMKM {i}",
                exhibitor_class="umkm",
                nib=f"66600000000{i:02d}",
                regency="Jombang",  # type: ignore[arg-type]
                contact_name="X",
                whatsapp="081234567890",
                email=f"r{i}@contoh.id",
            ),
        )
        for i in range(2)
    ]
    session.add(
        Booking(
            expo_id=v.expo_id,
            booth_id=v.booth_ids[0],
            exhibitor_id=exhibitors[0].id or 0,
            status=BookingStatus.CONFIRMED,
            price=0,
        )
    )
    await session.commit()
    async with create_sessionmaker(engine)() as other:
        booth = await other.get(Booth, v.booth_ids[0])
        assert booth is not None
        other.add(
            Booking(
                expo_id=v.expo_id,
                booth_id=v.booth_ids[0],
                exhibitor_id=exhibitors[1].id or 0,
                status=BookingStatus.HELD,
                price=0,
            )
        )
        with pytest.raises(Conflict) as caught:
            await _flush_or_taken(other, booth)
        assert caught.value.code == "booth_taken"
        assert caught.value.params == {"code": "A-01"}
