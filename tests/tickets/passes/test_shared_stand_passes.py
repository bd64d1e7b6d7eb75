"""A shared stand's staff passes: each co-exhibitor names up to its share on its own pages, the main
exhibitor what the shares leave, the stand never more than its booking's quota, and a member never
touches another member's passes."""

import asyncio

import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession
from sqlmodel import col

from expo.database import create_sessionmaker
from expo.errors import Conflict
from expo.models import Role
from tests.support.factories import Venue, bearer, make_user_token, make_venue, signup_exhibitor
from tests.support.gate import organiser_user
from tests.support.passes import Client, confirmed_exhibitor, decode_qr_codes, log_in_as, post_form
from tickets.passes import issuing
from tickets.passes.models import ExpoPass, PassStatus
from tickets.passes.schemas import StaffPassCreate

pytestmark = pytest.mark.anyio


async def _shared_stand(
    client: Client, venue: Venue, org: dict[str, str], quota: int, shares: tuple[int, ...]
) -> tuple[tuple[int, str], list[tuple[int, str, str]], int]:
    """A confirmed stand with the organiser's ``quota`` and co-exhibitors of the given shares:
    ``((main id, token), [(co id, token, name)], booking id)``."""
    main_id, main_token, booking_id = await confirmed_exhibitor(client, venue, org)
    if quota != 2:
        set_quota = await client.put(f"/api/bookings/{booking_id}/staff-quota", json={"quota": quota}, headers=org)
        assert set_quota.status_code == 200, set_quota.text
    members = []
    for share in shares:
        co, token = await signup_exhibitor(client, venue.expo_id, exhibitor_class="umkm")
        added = await client.post(
            f"/api/bookings/{booking_id}/co-exhibitors",
            json={"exhibitor_id": co["id"], "staff_quota_share": share},
            headers=org,
        )
        assert added.status_code == 200, added.text
        members.append((int(co["id"]), token, str(co["name"])))
    return (main_id, main_token), members, booking_id


async def _active_on(session: AsyncSession, booking_id: int) -> list[ExpoPass]:
    return list(
        (
            await session.scalars(
                sa.select(ExpoPass).where(
                    col(ExpoPass.booking_id) == booking_id, col(ExpoPass.status) == PassStatus.ACTIVE
                )
            )
        ).all()
    )


async def test_a_co_exhibitor_names_its_share_on_its_own_pages(client: Client, session: AsyncSession) -> None:
    venue = await make_venue(session)
    org = bearer(await make_user_token(session, Role.ORGANISER))
    (main_id, main_token), [(co_id, co_token, co_name), (other_id, _, _)], booking_id = await _shared_stand(
        client, venue, org, quota=2, shares=(1, 0)
    )
    quotas = (await client.get(f"/api/exhibitors/{co_id}/staff-quotas", headers=bearer(co_token))).json()
    assert [(q["booth_code"], q["quota"], q["used"], q["stand_quota"]) for q in quotas] == [("A-01", 1, 0, 2)]
    main_quotas = (await client.get(f"/api/exhibitors/{main_id}/staff-quotas", headers=bearer(main_token))).json()
    assert [(q["quota"], q["stand_quota"]) for q in main_quotas] == [(1, 2)]  # 2 less the shares given

    log_in_as(client, co_token)
    page = await client.get("/my-passes")
    assert "A-01" in page.text
    assert 'action="/my-passes/add"' in page.text
    added = await post_form(client, "/my-passes/add", {"holder_name": "Rina Penjaga"}, from_page="/my-passes")
    assert added.status_code == 303, added.text
    page = await client.get("/my-passes")
    assert "Rina Penjaga" in page.text
    assert 'action="/my-passes/add"' not in page.text  # its one pass is named
    refused = await post_form(client, "/my-passes/add", {"holder_name": "Kedua"}, from_page="/my-passes")
    assert refused.status_code == 409
    pdf = await post_form(client, "/my-passes/print", {"paper": "f4"}, from_page="/my-passes")
    assert pdf.status_code == 200
    assert [len(p) for p in decode_qr_codes(pdf.content, scale=2.0)] == [1]

    (rina,) = [p for p in await _active_on(session, booking_id) if p.exhibitor_id == co_id]
    assert (rina.holder_name, rina.organisation, rina.slot) == ("Rina Penjaga", co_name, 1)

    # The main exhibitor keeps its one pass; the co-exhibitor with no share gets none.
    log_in_as(client, main_token)
    assert (
        await post_form(client, "/my-passes/add", {"holder_name": "Budi Utama"}, from_page="/my-passes")
    ).status_code == 303
    assert (
        await post_form(client, "/my-passes/add", {"holder_name": "Budi Kedua"}, from_page="/my-passes")
    ).status_code == 409
    main_page = await client.get("/my-passes")
    assert "Budi Utama" in main_page.text
    assert "Rina Penjaga" not in main_page.text  # each member sees its own staff only
    with pytest.raises(Conflict):
        await issuing.create_staff_pass(
            session, other_id, StaffPassCreate(holder_name="Tanpa Jatah"), await organiser_user(session)
        )
    assert len(await _active_on(session, booking_id)) == 2


async def test_the_stand_never_passes_the_booking_quota(client: Client, session: AsyncSession) -> None:
    venue = await make_venue(session)
    org = bearer(await make_user_token(session, Role.ORGANISER))
    (main_id, _), [(a_id, _, _), (b_id, _, _)], booking_id = await _shared_stand(
        client, venue, org, quota=4, shares=(1, 1)
    )
    issued: dict[int, int] = {}
    for exhibitor_id in (main_id, a_id, a_id, b_id, b_id, main_id, main_id):
        made = await client.post(
            f"/api/exhibitors/{exhibitor_id}/staff-passes", json={"holder_name": f"Orang {exhibitor_id}"}, headers=org
        )
        assert made.status_code in (201, 409), made.text
        issued[exhibitor_id] = issued.get(exhibitor_id, 0) + (made.status_code == 201)
    assert issued == {main_id: 2, a_id: 1, b_id: 1}  # 4 less the shares: 2 for the main exhibitor
    active = await _active_on(session, booking_id)
    assert sorted(p.slot for p in active) == [1, 2, 3, 4]
    # The organiser lowers the stand's quota: below the slots taken is refused, like any booking.
    lowered = await client.put(f"/api/bookings/{booking_id}/staff-quota", json={"quota": 3}, headers=org)
    assert lowered.status_code == 409
    # A freed pass of one member is that member's again, not another's.
    b_pass = next(p for p in active if p.exhibitor_id == b_id)
    revoked = await client.post(f"/api/passes/{b_pass.id}/revoke", json={"reason": "Ganti"}, headers=org)
    assert revoked.status_code == 200, revoked.text
    assert (
        await client.post(f"/api/exhibitors/{main_id}/staff-passes", json={"holder_name": "Lagi"}, headers=org)
    ).status_code == 409
    again = await client.post(f"/api/exhibitors/{b_id}/staff-passes", json={"holder_name": "Baru"}, headers=org)
    assert again.status_code == 201, again.text
    (renewed,) = [p for p in await _active_on(session, booking_id) if p.id == again.json()["id"]]
    assert renewed.slot == b_pass.slot


async def test_members_never_reach_each_others_passes(client: Client, session: AsyncSession) -> None:
    venue = await make_venue(session)
    org = bearer(await make_user_token(session, Role.ORGANISER))
    (main_id, main_token), [(co_id, co_token, _)], booking_id = await _shared_stand(
        client, venue, org, quota=3, shares=(1,)
    )
    main_pass = await client.post(
        f"/api/exhibitors/{main_id}/staff-passes", json={"holder_name": "Milik Utama"}, headers=bearer(main_token)
    )
    assert main_pass.status_code == 201, main_pass.text
    pass_id = main_pass.json()["id"]
    # The co-exhibitor can neither name staff as the main exhibitor nor read or change its passes.
    as_main = await client.post(
        f"/api/exhibitors/{main_id}/staff-passes", json={"holder_name": "Menyusup"}, headers=bearer(co_token)
    )
    assert as_main.status_code in (403, 404)
    assert (await client.get(f"/api/exhibitors/{main_id}/staff-quotas", headers=bearer(co_token))).status_code in (
        403,
        404,
    )
    log_in_as(client, co_token)
    renamed = await post_form(
        client, f"/my-passes/{pass_id}/rename", {"holder_name": "Diganti"}, from_page="/my-passes"
    )
    assert renamed.status_code in (403, 404)
    revoked = await post_form(client, f"/my-passes/{pass_id}/revoke", {}, from_page="/my-passes")
    assert revoked.status_code in (403, 404)
    (kept,) = await _active_on(session, booking_id)
    assert (kept.holder_name, kept.exhibitor_id) == ("Milik Utama", main_id)
    # Nor the other way round: the main exhibitor names no staff on the co-exhibitor's share.
    as_co = await client.post(
        f"/api/exhibitors/{co_id}/staff-passes", json={"holder_name": "Menyusup"}, headers=bearer(main_token)
    )
    assert as_co.status_code in (403, 404)


async def test_a_member_taken_off_the_stand_loses_its_passes_there(client: Client, session: AsyncSession) -> None:
    venue = await make_venue(session)
    org = bearer(await make_user_token(session, Role.ORGANISER))
    (main_id, _), [(co_id, co_token, _)], booking_id = await _shared_stand(client, venue, org, quota=3, shares=(1,))
    for exhibitor_id in (main_id, co_id):
        made = await client.post(
            f"/api/exhibitors/{exhibitor_id}/staff-passes", json={"holder_name": f"Orang {exhibitor_id}"}, headers=org
        )
        assert made.status_code == 201, made.text
    removed = await client.delete(f"/api/bookings/{booking_id}/co-exhibitors/{co_id}", headers=org)
    assert removed.status_code == 200, removed.text
    session.expire_all()
    assert [p.exhibitor_id for p in await _active_on(session, booking_id)] == [main_id]
    quotas = (await client.get(f"/api/exhibitors/{co_id}/staff-quotas", headers=bearer(co_token))).json()
    assert quotas == []  # off the stand: no share left to name staff on
    # The main exhibitor has the whole quota again.
    main_quotas = (await client.get(f"/api/exhibitors/{main_id}/staff-quotas", headers=org)).json()
    assert [(q["quota"], q["used"], q["stand_quota"]) for q in main_quotas] == [(3, 1, None)]


@pytest.mark.real_commits  # two phones racing need two connections
async def test_two_requests_at_once_cannot_pass_a_share(
    client: Client, session: AsyncSession, engine: AsyncEngine
) -> None:
    venue = await make_venue(session)
    org = bearer(await make_user_token(session, Role.ORGANISER))
    _, [(co_id, _, _)], booking_id = await _shared_stand(client, venue, org, quota=4, shares=(1,))
    actor = await organiser_user(session)
    await session.commit()
    sessions = create_sessionmaker(engine)

    async def name(holder: str) -> str:
        async with sessions() as own:
            try:
                await issuing.create_staff_pass(own, co_id, StaffPassCreate(holder_name=holder), actor)
                await own.commit()
                return "issued"
            except Conflict:
                await own.rollback()
                return "refused"
            except sa.exc.DBAPIError:  # SQLite: the second writer is turned away while the first holds the lock
                await own.rollback()
                return "refused"

    outcomes = sorted(await asyncio.gather(name("Satu"), name("Dua"), name("Tiga")))
    assert outcomes == ["issued", "refused", "refused"]
    session.expire_all()
    assert [p.exhibitor_id for p in await _active_on(session, booking_id)] == [co_id]
