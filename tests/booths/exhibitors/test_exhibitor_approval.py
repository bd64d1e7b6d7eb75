"""Free or cheaper stands by class need the organiser's approval (booths.exhibitors.approval), and one business
(NIB) is one exhibitor however many accounts it makes: through HTTP on both engines."""

from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from booths.venue import service as venue
from booths.venue.schemas import BlockRequest, PackageCreate
from expo.models import Role
from tests.support.factories import Venue, bearer, exhibitor_payload, make_user_token, make_venue, signup_exhibitor
from tests.support.passes import Client, log_in_as, post_form

pytestmark = pytest.mark.anyio


async def _venue_with_free_pesantren_stands(session: AsyncSession) -> tuple[Venue, list[int]]:
    """The usual venue plus three stands at Rp 1.500.000 that are free for a pesantren."""
    place = await make_venue(session)
    package = await venue.create_package(
        session,
        place.expo_id,
        PackageCreate(code="santri", name="Stan Santri", price=1_500_000, class_prices={"pesantren": 0}),  # type: ignore[dict-item]
    )
    assert package.id is not None
    assert place.hall.id is not None
    created = await venue.generate_block(
        session,
        place.hall.id,
        BlockRequest(
            package_id=package.id,
            origin_x_m=3,
            origin_y_m=20,
            rows=1,
            columns=3,
            booth_width_m=3,
            booth_depth_m=3,
            aisle_m=3,
            prefix="S",
        ),
    )
    await session.commit()
    return place, [b.id for b in created if b.id is not None]


async def _hold(client: Client, booth_id: int, token: str) -> dict[str, Any]:
    held = await client.post(f"/api/booths/{booth_id}/hold", headers=bearer(token))
    assert held.status_code == 201, held.text
    return dict(held.json())


async def test_a_self_declared_free_class_holds_until_the_organiser_approves(
    client: Client, session: AsyncSession
) -> None:
    place, stands = await _venue_with_free_pesantren_stands(session)
    organiser = bearer(await make_user_token(session, Role.ORGANISER))
    exhibitor, token = await signup_exhibitor(client, place.expo_id)  # a pesantren, on its own word
    assert exhibitor["approval"] == "pending"
    booking = await _hold(client, stands[0], token)
    assert (booking["status"], booking["price"]) == ("held", 0)  # a hold like any other, with its deadline
    assert booking["hold_expires_at"] is not None
    waiting = await client.get(f"/api/expos/{place.expo_id}/exhibitors/awaiting-approval", headers=organiser)
    assert [e["id"] for e in waiting.json()] == [exhibitor["id"]]
    not_by_itself = await client.post(
        f"/api/exhibitors/{exhibitor['id']}/approval", json={"decision": "approved"}, headers=bearer(token)
    )
    assert not_by_itself.status_code == 403
    approved = await client.post(
        f"/api/exhibitors/{exhibitor['id']}/approval", json={"decision": "approved"}, headers=organiser
    )
    assert approved.status_code == 200, approved.text
    assert approved.json()["approval"] == "approved"
    assert approved.json()["approval_decided_at"] is not None
    now = (await client.get(f"/api/bookings/{booking['id']}", headers=organiser)).json()
    assert now["status"] == "confirmed"  # approving confirms the live free hold
    assert (
        await client.get(f"/api/expos/{place.expo_id}/exhibitors/awaiting-approval", headers=organiser)
    ).json() == []


async def test_an_approved_exhibitor_confirms_a_free_stand_at_once_and_a_rejected_one_pays(
    client: Client, session: AsyncSession
) -> None:
    place, stands = await _venue_with_free_pesantren_stands(session)
    organiser = bearer(await make_user_token(session, Role.ORGANISER))
    first, first_token = await signup_exhibitor(client, place.expo_id)
    await client.post(f"/api/exhibitors/{first['id']}/approval", json={"decision": "approved"}, headers=organiser)
    assert (await _hold(client, stands[0], first_token))["status"] == "confirmed"
    second, second_token = await signup_exhibitor(client, place.expo_id)
    held = await _hold(client, stands[1], second_token)
    rejected = await client.post(
        f"/api/exhibitors/{second['id']}/approval",
        json={"decision": "rejected", "note": "bukan pesantren"},
        headers=organiser,
    )
    assert rejected.status_code == 200
    assert (rejected.json()["approval"], rejected.json()["approval_note"]) == ("rejected", "bukan pesantren")
    repriced = (await client.get(f"/api/bookings/{held['id']}", headers=organiser)).json()
    assert (repriced["status"], repriced["price"]) == ("held", 1_500_000)
    bad = await client.post(f"/api/exhibitors/{second['id']}/approval", json={"decision": "maybe"}, headers=organiser)
    assert bad.status_code in (400, 422)


async def test_the_organiser_approves_on_the_bookings_page(client: Client, session: AsyncSession) -> None:
    place, stands = await _venue_with_free_pesantren_stands(session)
    exhibitor, token = await signup_exhibitor(client, place.expo_id)
    booking = await _hold(client, stands[0], token)
    log_in_as(client, await make_user_token(session, Role.ORGANISER))
    page = f"/admin/e/{place.expo.slug}/bookings"
    shown = await client.get(page)
    assert f'id="exhibitor-{exhibitor["id"]}"' in shown.text
    assert "Menunggu persetujuan" in shown.text or "menunggu persetujuan" in shown.text
    done = await post_form(
        client,
        f"/admin/e/{place.expo.slug}/exhibitors/{exhibitor['id']}/approval",
        {"decision": "approved"},
        from_page=page,
    )
    assert done.status_code == 303, done.text
    after = await client.get(done.headers["location"])
    assert f'id="exhibitor-{exhibitor["id"]}"' not in after.text
    client.cookies.clear()
    assert (await client.get(f"/api/bookings/{booking['id']}", headers=bearer(token))).json()["status"] == "confirmed"


async def test_the_exhibitor_is_told_its_free_stand_waits_for_approval(client: Client, session: AsyncSession) -> None:
    place, stands = await _venue_with_free_pesantren_stands(session)
    _, token = await signup_exhibitor(client, place.expo_id)
    log_in_as(client, token)
    picker = f"/e/{place.expo.slug}/booths"
    held = await post_form(client, f"/e/{place.expo.slug}/booths/{stands[0]}/hold", {}, from_page=picker)
    assert held.status_code == 303, held.text
    assert held.headers["location"] == "/my-booking?msg=held_for_approval"
    assert "menyetujui" in (await client.get(held.headers["location"])).text


async def test_one_business_one_exhibitor_however_many_accounts(client: Client, session: AsyncSession) -> None:
    """A second account with the same NIB (typed differently) is refused with a clear message, so the
    business stays within the expo's booth limit."""
    place = await make_venue(session)
    first = exhibitor_payload(exhibitor_class="umkm", cluster=None, nib="9120000000777")
    created = await client.post(f"/api/expos/{place.expo_id}/exhibitors/signup", json=first)
    assert created.status_code == 201
    client.cookies.clear()
    again = exhibitor_payload(exhibitor_class="umkm", cluster=None, nib="9120 0000 00777")
    refused = await client.post(f"/api/expos/{place.expo_id}/exhibitors/signup", json=again)
    assert refused.status_code == 409
    body = refused.json()
    assert body["code"] == "nib_taken"
    assert "NIB ini sudah terdaftar" in body["detail"]
    assert refused.headers["content-type"].startswith("application/problem+json")
    english = await client.post(
        f"/api/expos/{place.expo_id}/exhibitors/signup",
        json=exhibitor_payload(exhibitor_class="umkm", cluster=None, nib="9120000000777"),
        headers={"Accept-Language": "en"},
    )
    assert "already registered" in english.json()["detail"]
    other, other_token = await signup_exhibitor(client, place.expo_id, exhibitor_class="umkm", cluster=None)
    moved_nib = await client.patch(
        f"/api/exhibitors/{other['id']}", json={"nib": "9120000000777"}, headers=bearer(other_token)
    )
    assert moved_nib.status_code == 409
    assert moved_nib.json()["code"] == "nib_taken"
