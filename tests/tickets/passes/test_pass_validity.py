"""One validity rule for every pass path (tickets.passes.validity), on both engines, through HTTP.

A staff pass is valid only while its booking is confirmed. For every state a booking can be in, every
path must agree: the online scan, an offline sync, the device's pass list, the revocation list, the pass
pages and printing (single and batch). Cancelling ends the booking through booths' own service, which
revokes the staff passes in the same transaction; a move keeps the booking confirmed (the booth shown
changes). Held, lapsed and expired are written straight into the table: no service turns a confirmed
booking into them, and the rule must hold whatever wrote the row.
"""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from booths.bookings.models import Booking, BookingStatus
from booths.venue import service as venue
from booths.venue.schemas import BlockRequest, HallCreate, PackageCreate
from tests.support.factories import bearer, signup_exhibitor
from tests.support.gate import gate_over_http, nonce, now_iso
from tests.support.passes import Client, decode_qr_codes, log_in_as
from tickets.passes.models import ExpoPass, PassKind, PassStatus
from tickets.passes.validity import pass_is_valid
from tickets.signing import tokens

pytestmark = pytest.mark.anyio

VALID = {"confirmed", "moved"}
STATES = ["confirmed", "moved", "cancelled", "held", "held_lapsed", "expired"]


@dataclass
class StaffWorld:
    expo_id: int
    slug: str
    organiser: dict[str, str]
    device: dict[str, str]
    exhibitor_token: str
    booking_id: int
    booth_ids: list[int]
    pass_id: int
    pass_code: str
    token: str
    committee_id: int


async def _staff_world(client: Client, session: AsyncSession) -> StaffWorld:
    """An expo open today with a paired gate phone, an exhibitor with a confirmed booking and one staff
    pass, and a committee pass (no booking) to tell "nothing printed" from "this pass not printed"."""
    expo_id, organiser, device = await gate_over_http(client, session)
    # Staff kinds keep 07:00-22:00 by default; this test is about validity, at any time of day.
    await session.execute(sa.update(PassKind).where(PassKind.expo_id == expo_id).values(opens_at=None, closes_at=None))
    await session.commit()
    hall = await venue.create_hall(session, expo_id, HallCreate(code="A", name="Hall A", width_m=40, depth_m=20))
    package = await venue.create_package(session, expo_id, PackageCreate(code="std", name="Standar", price=1_000_000))
    assert hall.id is not None
    assert package.id is not None
    booths = await venue.generate_block(
        session,
        hall.id,
        BlockRequest(
            package_id=package.id,
            origin_x_m=3,
            origin_y_m=3,
            rows=1,
            columns=3,
            booth_width_m=3,
            booth_depth_m=3,
            aisle_m=3,
            prefix="A",
        ),
    )
    expo = await venue.get_expo(session, expo_id)
    await session.commit()
    booth_ids = [b.id for b in booths if b.id is not None]
    exhibitor, exhibitor_token = await signup_exhibitor(client, expo_id, exhibitor_class="umkm", cluster=None)
    booked = await client.post(
        f"/api/expos/{expo_id}/bookings",
        json={
            "booth_id": booth_ids[0],
            "exhibitor_id": exhibitor["id"],
            "confirm": True,
            "payment": {"amount": 1_000_000, "method": "transfer", "reference": "TRF-1"},
        },
        headers=organiser,
    )
    assert booked.status_code == 201, booked.text
    staff = await client.post(
        f"/api/exhibitors/{exhibitor['id']}/staff-passes", json={"holder_name": "Siti Penjaga"}, headers=organiser
    )
    assert staff.status_code == 201, staff.text
    committee = await client.post(
        f"/api/expos/{expo_id}/passes", json={"kind": "committee", "holder_name": "Panitia Satu"}, headers=organiser
    )
    assert committee.status_code == 201, committee.text
    return StaffWorld(
        expo_id=expo_id,
        slug=expo.slug,
        organiser=organiser,
        device=device,
        exhibitor_token=exhibitor_token,
        booking_id=int(booked.json()["id"]),
        booth_ids=booth_ids,
        pass_id=int(staff.json()["id"]),
        pass_code=staff.json()["code"],
        token=staff.json()["token"],
        committee_id=int(committee.json()["id"]),
    )


async def _put_booking_in(client: Client, session: AsyncSession, world: StaffWorld, state: str) -> None:
    org = world.organiser
    if state == "moved":
        moved = await client.post(
            f"/api/bookings/{world.booking_id}/move", json={"booth_id": world.booth_ids[1]}, headers=org
        )
        assert moved.status_code == 200, moved.text
        assert moved.json()["status"] == "confirmed"
    elif state == "cancelled":
        cancelled = await client.post(f"/api/bookings/{world.booking_id}/cancel", json={"reason": "batal"}, headers=org)
        assert cancelled.status_code == 200, cancelled.text
    elif state != "confirmed":
        now = datetime.now(UTC)
        values: dict[str, Any] = {
            "held": {"status": "held", "hold_expires_at": now + timedelta(hours=1)},
            "held_lapsed": {"status": "held", "hold_expires_at": now - timedelta(minutes=1)},
            "expired": {"status": "expired", "hold_expires_at": now - timedelta(minutes=1), "ended_at": now},
        }[state]
        await session.execute(sa.update(Booking).where(Booking.id == world.booking_id).values(**values))
        await session.commit()


@pytest.mark.parametrize("booking", [None, *BookingStatus])
@pytest.mark.parametrize("status", list(PassStatus))
def test_the_rule_itself(status: PassStatus, booking: BookingStatus | None) -> None:
    """Active, and its booking (if any) confirmed: nothing else opens the gate."""
    expected = status == PassStatus.ACTIVE and booking in (None, BookingStatus.CONFIRMED)
    assert pass_is_valid(status.value, booking.value if booking else None) is expected


@pytest.mark.parametrize("state", STATES)
async def test_every_path_agrees_on_a_staff_pass_for_every_booking_state(
    client: Client, session: AsyncSession, state: str
) -> None:
    world = await _staff_world(client, session)
    serial = tokens.parse(world.token)[0].serial
    before = (await client.get("/api/gate/revocations?since=0", headers=world.device)).json()["next"]
    await _put_booking_in(client, session, world, state)
    valid = state in VALID
    refusal = "ok" if valid else "revoked"

    # the online scan, by token and by the printed code
    for text in (world.token, world.pass_code):
        body = {"text": text, "direction": "entry", "client_scan_id": nonce(), "scanned_at": now_iso()}
        scanned = await client.post("/api/gate/scans", json=body, headers=world.device)
        assert scanned.status_code == 200, scanned.text
        assert scanned.json()["reason"] in ({"ok", "already_inside"} if valid else {"revoked"})
        if valid:
            assert scanned.json()["booth"] == ("A-02" if state == "moved" else "A-01")
        exit_ = {"text": world.token, "direction": "exit", "client_scan_id": nonce(), "scanned_at": now_iso()}
        await client.post("/api/gate/scans", json=exit_, headers=world.device)

    # an offline scan synced later
    at = (datetime.now(UTC) - timedelta(seconds=30)).isoformat()
    offline = {"text": world.token, "client_scan_id": nonce(), "scanned_at": at, "device_status": "ok"}
    synced = await client.post("/api/gate/sync", json={"scans": [offline]}, headers=world.device)
    assert synced.status_code == 200, synced.text
    assert synced.json()["results"][0]["reason"] in ({refusal, "already_inside"} if valid else {"revoked"})

    # the device's pass list, from scratch
    listed = (await client.get("/api/gate/passes", headers=world.device)).json()["passes"]
    assert {p["id"]: p["active"] for p in listed}[world.pass_id] is valid

    # the revocation list: a booking ended through booths' own service is on it at once
    revoked = (await client.get(f"/api/gate/revocations?since={before}", headers=world.device)).json()
    assert (serial in {r["serial"] for r in revoked["revoked"]}) is (state == "cancelled")

    # the pass as the API, the exhibitor's page and the organiser's page show it
    read = (await client.get(f"/api/passes/{world.pass_id}", headers=world.organiser)).json()
    assert read["status"] == ("active" if valid else "revoked")
    assert (read["token"] is not None) is valid
    log_in_as(client, world.exhibitor_token)
    page = (await client.get("/my-passes")).text
    row = page[page.index(f'id="pass-{world.pass_id}"') :]
    row = row[: row.index("</tr>")]
    assert ("Aktif" in row, "Dicabut" in row) == (valid, not valid)
    assert (f"/my-passes/{world.pass_id}/pass.pdf" in row) is valid
    mine = await client.get(f"/my-passes/{world.pass_id}/pass.pdf")
    assert mine.status_code == (200 if valid else 409), mine.text[:200]
    client.cookies.clear()
    admin = (await client.get(f"/admin/e/{world.slug}/passes?kind=exhibitor", headers=world.organiser)).text
    assert ("Aktif</span>" in admin) is valid

    # printing: one pass, and a batch that names it (only the committee pass prints when it is not valid)
    single = await client.get(f"/api/passes/{world.pass_id}/pass.pdf", headers=world.organiser)
    assert single.status_code == (200 if valid else 409)
    if not valid:
        assert single.json()["code"] == "pass_revoked"
    batch = await client.post(
        f"/api/expos/{world.expo_id}/pass-batches",
        json={"pass_ids": [world.pass_id, world.committee_id]},
        headers=world.organiser,
    )
    assert batch.status_code == 200, batch.text
    printed = {tokens.parse(t)[0].serial for page_codes in decode_qr_codes(batch.content) for t in page_codes}
    assert (serial in printed) is valid
    assert len(printed) == (2 if valid else 1)
    only_staff = await client.post(
        f"/api/expos/{world.expo_id}/pass-batches", json={"pass_ids": [world.pass_id]}, headers=world.organiser
    )
    assert only_staff.status_code == (200 if valid else 422)


async def test_cancelling_revokes_the_staff_passes_in_the_same_transaction(
    client: Client, session: AsyncSession
) -> None:
    """The pass row itself is revoked with its booking (status, time, updated_at for the change cursor),
    so a scanner that only follows the pass list's cursor learns it on its next round."""
    world = await _staff_world(client, session)
    first = (await client.get("/api/gate/passes", headers=world.device)).json()
    cancelled = await client.post(
        f"/api/bookings/{world.booking_id}/cancel", json={"reason": "batal"}, headers=bearer(world.exhibitor_token)
    )
    assert cancelled.status_code == 200
    row = await session.get(ExpoPass, world.pass_id, populate_existing=True)
    assert row is not None
    assert (row.status, row.revoke_reason) == ("revoked", None)
    assert row.revoked_at is not None
    changed = (await client.get(f"/api/gate/passes?cursor={first['next_cursor']}", headers=world.device)).json()
    assert {p["id"]: p["active"] for p in changed["passes"]}[world.pass_id] is False


async def test_a_lapsed_hold_that_expires_revokes_what_it_carried(client: Client, session: AsyncSession) -> None:
    """Expiring goes through the same hook: a hold (here with a staff pass left from an older version)
    that lapses and is turned to 'expired' when someone else holds the booth puts the pass on the
    revocation list."""
    world = await _staff_world(client, session)
    serial = tokens.parse(world.token)[0].serial
    await _put_booking_in(client, session, world, "held_lapsed")
    _, other = await signup_exhibitor(client, world.expo_id, exhibitor_class="umkm", cluster=None)
    hold = await client.post(f"/api/booths/{world.booth_ids[0]}/hold", headers=bearer(other))
    assert hold.status_code == 201, hold.text
    revoked = (await client.get("/api/gate/revocations?since=0", headers=world.device)).json()
    assert serial in {r["serial"] for r in revoked["revoked"]}
