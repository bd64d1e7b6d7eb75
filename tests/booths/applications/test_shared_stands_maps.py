"""A shared stand's member businesses on the maps: the public map data and page name every member with
the stand, the printed map draws "main + N" and lists each member in its index; ``stand_members``
gives every reader the same list."""

from dataclasses import dataclass
from typing import Any

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy.ext.asyncio import AsyncSession

from booths.applications.stands import stand_members, stand_of_exhibitor
from booths.maps.draw.data import MapBooth
from expo.models import Role
from tests.support.factories import Venue, bearer, make_user_token, make_venue, signup_exhibitor
from tests.support.passes import pdf_text

pytestmark = pytest.mark.anyio

Client = AsyncTestClient[Litestar]
MAIN = "Koppontren Al Hikmah Contoh"
MEMBERS = ("Koperasi Santri Mandiri Contoh", "UMKM Batik Tulis Contoh")


@dataclass
class Stand:
    venue: Venue
    org: dict[str, str]
    booking_id: int
    main: dict[str, Any]
    members: list[dict[str, Any]]


async def _stand(client: Client, session: AsyncSession, *, confirm: bool = True) -> Stand:
    venue = await make_venue(session, booths=4, slug="stan-bersama")
    org = bearer(await make_user_token(session, Role.ORGANISER))
    main, _ = await signup_exhibitor(client, venue.expo_id, name=MAIN, exhibitor_class="umkm")
    booking = await client.post(
        f"/api/expos/{venue.expo_id}/bookings",
        json={
            "booth_id": venue.booth_ids[0],
            "exhibitor_id": main["id"],
            "confirm": confirm,
            **({"payment": {"amount": 1_500_000, "method": "cash"}} if confirm else {}),
        },
        headers=org,
    )
    assert booking.status_code == 201, booking.text
    members = []
    for name in MEMBERS:
        member, _ = await signup_exhibitor(client, venue.expo_id, name=name, exhibitor_class="umkm")
        added = await client.post(
            f"/api/bookings/{booking.json()['id']}/co-exhibitors",
            json={"exhibitor_id": member["id"], "staff_quota_share": 0},
            headers=org,
        )
        assert added.status_code == 200, added.text
        members.append(member)
    published = await client.post(f"/api/expos/{venue.expo_id}/map/publish", headers=org)
    assert published.status_code == 200, published.text
    return Stand(venue, org, int(booking.json()["id"]), main, members)


async def test_the_public_map_names_every_member_with_its_stand(client: Client, session: AsyncSession) -> None:
    s = await _stand(client, session)
    data = (await client.get(f"/api/expos/{s.venue.expo_id}/map")).json()
    booths = {b["code"]: b for h in data["halls"] for b in h["booths"]}
    shared = booths["A-01"]
    assert shared["exhibitor"]["name"] == MAIN
    assert [m["name"] for m in shared["co_exhibitors"]] == list(MEMBERS)
    assert {"whatsapp", "products", "regency"} <= set(shared["co_exhibitors"][0])
    assert all(b["co_exhibitors"] == [] for code, b in booths.items() if code != "A-01")

    page = await client.get("/e/stan-bersama/map")
    assert page.status_code == 200
    assert f'aria-label="A-01: {MAIN} + 2"' in page.text
    assert 'data-slot="members"' in page.text
    assert MEMBERS[1] in page.text  # in the map's data, which the panel and the search read

    # Off the stand, off the map.
    removed = await client.delete(f"/api/bookings/{s.booking_id}/co-exhibitors/{s.members[0]['id']}", headers=s.org)
    assert removed.status_code == 200
    data = (await client.get(f"/api/expos/{s.venue.expo_id}/map")).json()
    shared = next(b for h in data["halls"] for b in h["booths"] if b["code"] == "A-01")
    assert [m["name"] for m in shared["co_exhibitors"]] == [MEMBERS[1]]


async def test_a_held_stand_shows_no_member_on_the_public_map(client: Client, session: AsyncSession) -> None:
    s = await _stand(client, session, confirm=False)
    data = (await client.get(f"/api/expos/{s.venue.expo_id}/map")).json()
    shared = next(b for h in data["halls"] for b in h["booths"] if b["code"] == "A-01")
    assert shared["exhibitor"] is None
    assert shared["co_exhibitors"] == []
    public = await client.get(f"/api/expos/{s.venue.expo_id}/map.pdf?view=public&paper=a4")
    assert public.status_code == 200
    assert not any(name in " ".join(pdf_text(public.content)) for name in (MAIN, *MEMBERS))
    organiser = await client.get(f"/api/expos/{s.venue.expo_id}/map.pdf?view=organiser&paper=a4", headers=s.org)
    assert all(name in " ".join(pdf_text(organiser.content)) for name in (MAIN, *MEMBERS))


async def test_the_printed_map_lists_every_member_of_a_shared_stand(client: Client, session: AsyncSession) -> None:
    s = await _stand(client, session)
    pdf = await client.get(f"/api/expos/{s.venue.expo_id}/map.pdf?view=public&paper=a3")
    assert pdf.status_code == 200, pdf.text
    pages = [" ".join(p.split()) for p in pdf_text(pdf.content)]
    text = " ".join(pages)
    for name in (MAIN, *MEMBERS):
        assert name in text
    # The index lists each member under its own name, with the stand's code and who it shares with.
    index = " ".join(pages[1:]) if len(pages) > 1 else text
    for name in MEMBERS:
        at = index.index(name)
        assert "A-01" in index[at : at + len(name) + 80]
    assert f"{MAIN}, {MEMBERS[0]}, {MEMBERS[1]}" in index  # booths by code: the whole stand
    # The version printed on the map moves when a member leaves the stand.
    before = (await client.get(f"/api/expos/{s.venue.expo_id}/map")).json()["version"]
    await client.delete(f"/api/bookings/{s.booking_id}/co-exhibitors/{s.members[1]['id']}", headers=s.org)
    after = (await client.get(f"/api/expos/{s.venue.expo_id}/map")).json()["version"]
    assert before != after


def test_a_shared_booth_is_labelled_with_its_main_exhibitor_and_how_many_more() -> None:
    alone = MapBooth("A-01", 0, 0, 3, 3, "confirmed", exhibitor=MAIN)
    shared = MapBooth("A-02", 0, 0, 3, 3, "confirmed", exhibitor=MAIN, co_exhibitors=MEMBERS)
    assert (alone.label, shared.label) == (MAIN, f"{MAIN} + 2")
    assert MapBooth("A-03", 0, 0, 3, 3).label is None


async def test_stand_members_lists_the_main_exhibitor_first(client: Client, session: AsyncSession) -> None:
    s = await _stand(client, session)
    members = await stand_members(session, [s.booking_id, s.booking_id, 999_999])
    assert list(members) == [s.booking_id]
    assert [(m.name, m.main, m.staff_quota_share) for m in members[s.booking_id]] == [
        (MAIN, True, None),
        (MEMBERS[0], False, 0),
        (MEMBERS[1], False, 0),
    ]
    assert await stand_members(session, []) == {}
    seen = await stand_of_exhibitor(session, s.members[1]["id"])
    assert seen is not None
    assert (seen.booth_code, seen.main, seen.shared) == ("A-01", False, True)
    assert [m.name for m in seen.others] == [MAIN, MEMBERS[0]]
    outsider, _ = await signup_exhibitor(client, s.venue.expo_id, exhibitor_class="umkm")
    assert await stand_of_exhibitor(session, outsider["id"]) is None
