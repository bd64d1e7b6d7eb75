"""Organisers lay out the venue through the API: expos, halls, packages, booths, generated blocks."""

from typing import Any

import pytest
from httpx import Response
from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy.ext.asyncio import AsyncSession

from expo.models import Role
from tests.support.factories import bearer, make_user_token, make_venue, signup_exhibitor

pytestmark = pytest.mark.anyio

EXPO = {
    "slug": "opop-jatim-2026",
    "name": "Expo OPOP Jawa Timur 2026",
    "city": "Surabaya",
    "venue": "Grand City Convex",
    "starts_on": "2026-11-04",
    "ends_on": "2026-11-06",
    "opens_at": "10:00:00",
    "closes_at": "21:00:00",
}


def _problem(response: Response, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    body: dict[str, Any] = response.json()
    assert body["code"] == code, body
    return body


def _fields(body: dict[str, Any]) -> set[str]:
    return {e["field"] for e in body.get("errors", [])}


async def _expo_with_hall(
    client: AsyncTestClient[Litestar], auth: dict[str, str], kind: str = "hall", width: float = 40, depth: float = 30
) -> tuple[int, int, int]:
    """A new expo with one hall and one package: (expo_id, hall_id, package_id)."""
    expo = await client.post("/api/expos", json=EXPO, headers=auth)
    assert expo.status_code == 201, expo.text
    expo_id = expo.json()["id"]
    hall = await client.post(
        f"/api/expos/{expo_id}/halls",
        json={"code": "a", "name": "Hall A", "kind": kind, "width_m": width, "depth_m": depth},
        headers=auth,
    )
    assert hall.status_code == 201, hall.text
    package = await client.post(
        f"/api/expos/{expo_id}/packages", json={"code": "standar", "name": "Standar", "price": 1_000_000}, headers=auth
    )
    assert package.status_code == 201, package.text
    return expo_id, hall.json()["id"], package.json()["id"]


async def _booth(
    client: AsyncTestClient[Litestar], auth: dict[str, str], expo_id: int, hall_id: int, package_id: int, **kw: Any
) -> Response:
    body = {"hall_id": hall_id, "package_id": package_id, "code": "A-01", "x_m": 0, "y_m": 0, "width_m": 3}
    body |= {"depth_m": 3} | kw
    return await client.post(f"/api/expos/{expo_id}/booths", json=body, headers=auth)


# --- expos, halls, packages ---------------------------------------------------------------------
async def test_create_expo_generates_its_days_with_hours(
    client: AsyncTestClient[Litestar], organiser: dict[str, str]
) -> None:
    response = await client.post("/api/expos", json=EXPO, headers=organiser)
    assert response.status_code == 201, response.text
    expo = response.json()
    assert expo["slug"] == "opop-jatim-2026"
    assert expo["timezone"] == "Asia/Jakarta"
    assert expo["days"] == [
        {"day": "2026-11-04", "opens_at": "10:00:00", "closes_at": "21:00:00"},
        {"day": "2026-11-05", "opens_at": "10:00:00", "closes_at": "21:00:00"},
        {"day": "2026-11-06", "opens_at": "10:00:00", "closes_at": "21:00:00"},
    ]
    public = await client.get(f"/api/expos/{expo['id']}")
    assert public.status_code == 200
    assert public.json() == expo
    assert [e["id"] for e in (await client.get("/api/expos")).json()] == [expo["id"]]


async def test_one_day_gets_its_own_hours(client: AsyncTestClient[Litestar], organiser: dict[str, str]) -> None:
    expo_id = (await client.post("/api/expos", json=EXPO, headers=organiser)).json()["id"]
    response = await client.patch(
        f"/api/expos/{expo_id}/days/2026-11-06", json={"opens_at": "08:00", "closes_at": "12:00"}, headers=organiser
    )
    assert response.status_code == 200, response.text
    days = (await client.get(f"/api/expos/{expo_id}")).json()["days"]
    assert days[2] == {"day": "2026-11-06", "opens_at": "08:00:00", "closes_at": "12:00:00"}
    assert days[0]["opens_at"] == "10:00:00"
    outside = await client.patch(
        f"/api/expos/{expo_id}/days/2026-12-01", json={"opens_at": "08:00", "closes_at": "12:00"}, headers=organiser
    )
    _problem(outside, 404, "day_not_found")


async def test_expo_dates_and_hours_must_be_in_order(
    client: AsyncTestClient[Litestar], organiser: dict[str, str]
) -> None:
    backwards = await client.post("/api/expos", json=EXPO | {"ends_on": "2026-11-01"}, headers=organiser)
    _problem(backwards, 422, "invalid_input")
    closed_before_open = await client.post("/api/expos", json=EXPO | {"closes_at": "09:00"}, headers=organiser)
    _problem(closed_before_open, 422, "invalid_input")


async def test_expo_slug_is_unique(client: AsyncTestClient[Litestar], organiser: dict[str, str]) -> None:
    assert (await client.post("/api/expos", json=EXPO, headers=organiser)).status_code == 201
    body = _problem(await client.post("/api/expos", json=EXPO, headers=organiser), 409, "slug_taken")
    assert _fields(body) == {"slug"}


async def test_expo_settings_can_change(client: AsyncTestClient[Litestar], organiser: dict[str, str]) -> None:
    expo_id = (await client.post("/api/expos", json=EXPO, headers=organiser)).json()["id"]
    response = await client.patch(
        f"/api/expos/{expo_id}", json={"booth_limit": 3, "hold_minutes": 120, "name": " Expo OPOP "}, headers=organiser
    )
    assert response.status_code == 200, response.text
    assert (response.json()["booth_limit"], response.json()["hold_minutes"]) == (3, 120)
    assert response.json()["name"] == "Expo OPOP"
    assert response.json()["starts_on"] == EXPO["starts_on"]
    bad = await client.patch(f"/api/expos/{expo_id}", json={"starts_on": "2026-01-01"}, headers=organiser)
    assert _fields(_problem(bad, 422, "invalid_input")) == {"starts_on"}


async def test_product_clusters(client: AsyncTestClient[Litestar], organiser: dict[str, str]) -> None:
    expo_id = (await client.post("/api/expos", json=EXPO, headers=organiser)).json()["id"]
    url = f"/api/expos/{expo_id}/clusters"
    created = await client.post(
        url, json={"code": "fashion", "name": "Fashion Muslim", "color": "#6a1b9a"}, headers=organiser
    )
    assert created.status_code == 201, created.text
    await client.post(url, json={"code": "kuliner", "name": "Kuliner"}, headers=organiser)
    assert (await client.get(url)).json() == [
        {"code": "fashion", "name": "Fashion Muslim", "color": "#6a1b9a"},
        {"code": "kuliner", "name": "Kuliner", "color": "#9e9e9e"},
    ]
    _problem(
        await client.post(url, json={"code": "kuliner", "name": "Lagi"}, headers=organiser), 409, "cluster_code_taken"
    )
    bad_colour = await client.post(url, json={"code": "x", "name": "X", "color": "merah"}, headers=organiser)
    assert _fields(_problem(bad_colour, 422, "invalid_input")) == {"color"}


async def test_halls_and_packages_with_class_prices(
    client: AsyncTestClient[Litestar], organiser: dict[str, str]
) -> None:
    expo_id, hall_id, _ = await _expo_with_hall(client, organiser)
    halls = (await client.get(f"/api/expos/{expo_id}/halls")).json()
    assert halls == [
        {"id": hall_id, "expo_id": expo_id, "code": "A", "name": "Hall A", "kind": "hall", "width_m": 40, "depth_m": 30}
    ]
    duplicate = await client.post(
        f"/api/expos/{expo_id}/halls", json={"code": "A", "name": "Lagi", "width_m": 5, "depth_m": 5}, headers=organiser
    )
    _problem(duplicate, 409, "hall_code_taken")

    package = await client.post(
        f"/api/expos/{expo_id}/packages",
        json={"code": "opop", "name": "OPOP", "price": 2_000_000, "class_prices": {"pesantren": 0, "koperasi": 750000}},
        headers=organiser,
    )
    assert package.status_code == 201, package.text
    assert package.json()["class_prices"] == {"pesantren": 0, "koperasi": 750000}
    bad_class = await client.post(
        f"/api/expos/{expo_id}/packages",
        json={"code": "x", "name": "X", "class_prices": {"bukan-kelas": 1}},
        headers=organiser,
    )
    _problem(bad_class, 422, "invalid_input")

    patched = await client.patch(
        f"/api/packages/{package.json()['id']}", json={"class_prices": {"umkm": 100}}, headers=organiser
    )
    assert patched.status_code == 200, patched.text
    assert patched.json()["class_prices"] == {"umkm": 100}
    assert patched.json()["price"] == 2_000_000


async def test_exhibitor_sees_its_class_price(client: AsyncTestClient[Litestar], session: AsyncSession) -> None:
    venue = await make_venue(session)
    _, token = await signup_exhibitor(client, venue.expo_id)  # a pesantren
    public = (await client.get(f"/api/expos/{venue.expo_id}/booths")).json()
    own = (await client.get(f"/api/expos/{venue.expo_id}/booths", headers=bearer(token))).json()
    assert {b["price"] for b in public} == {1_500_000}
    assert {b["price"] for b in own} == {500_000}
    one = venue.booth_ids[0]
    assert (await client.get(f"/api/booths/{one}")).json()["price"] == 1_500_000
    assert (await client.get(f"/api/booths/{one}", headers=bearer(token))).json()["price"] == 500_000


# --- booths ---------------------------------------------------------------------------------------
async def test_create_booth_and_read_it_publicly(client: AsyncTestClient[Litestar], organiser: dict[str, str]) -> None:
    expo_id, hall_id, package_id = await _expo_with_hall(client, organiser)
    response = await _booth(client, organiser, expo_id, hall_id, package_id, code=" a-1 ", x_m=10, y_m=10)
    assert response.status_code == 201, response.text
    booth = response.json()
    assert booth["code"] == "A-1"
    assert booth["hall_code"] == "A"
    assert booth["booth_type"] == "island"
    assert booth["type_is_derived"] is True
    assert booth["status"] == "available"
    assert booth["price"] == 1_000_000

    public = await client.get(f"/api/booths/{booth['id']}")
    assert public.status_code == 200
    assert public.json() == booth


async def test_overlapping_booth_is_a_conflict_naming_the_other(
    client: AsyncTestClient[Litestar], organiser: dict[str, str]
) -> None:
    expo_id, hall_id, package_id = await _expo_with_hall(client, organiser)
    assert (await _booth(client, organiser, expo_id, hall_id, package_id, code="A-01")).status_code == 201
    touching = await _booth(client, organiser, expo_id, hall_id, package_id, code="A-02", x_m=3)
    assert touching.status_code == 201, touching.text

    overlap = await _booth(client, organiser, expo_id, hall_id, package_id, code="A-03", x_m=4.5, y_m=1)
    body = _problem(overlap, 409, "booth_overlap")
    assert "A-02" in body["detail"]
    assert any("A-02" in e["message"] for e in body["errors"])


async def test_booth_outside_its_hall_is_refused(client: AsyncTestClient[Litestar], organiser: dict[str, str]) -> None:
    expo_id, hall_id, package_id = await _expo_with_hall(client, organiser, width=40, depth=30)
    body = _problem(
        await _booth(client, organiser, expo_id, hall_id, package_id, x_m=38, y_m=0), 422, "booth_outside_hall"
    )
    assert _fields(body) == {"x_m"}
    _problem(await _booth(client, organiser, expo_id, hall_id, package_id, y_m=28), 422, "booth_outside_hall")
    exact_fit = await _booth(client, organiser, expo_id, hall_id, package_id, x_m=37, y_m=27)
    assert exact_fit.status_code == 201


async def test_zero_or_negative_size_names_the_fields(
    client: AsyncTestClient[Litestar], organiser: dict[str, str]
) -> None:
    expo_id, hall_id, package_id = await _expo_with_hall(client, organiser)
    for size in ({"width_m": 0}, {"depth_m": -2}, {"width_m": 0, "depth_m": 0}, {"width_m": -0.5, "x_m": -1}):
        body = _problem(await _booth(client, organiser, expo_id, hall_id, package_id, **size), 422, "invalid_input")
        assert _fields(body) == set(size)


async def test_duplicate_booth_code_is_a_conflict(client: AsyncTestClient[Litestar], organiser: dict[str, str]) -> None:
    expo_id, hall_id, package_id = await _expo_with_hall(client, organiser)
    assert (await _booth(client, organiser, expo_id, hall_id, package_id, code="A-01")).status_code == 201
    again = await _booth(client, organiser, expo_id, hall_id, package_id, code="a-01", x_m=20)
    assert _fields(_problem(again, 409, "booth_code_taken")) == {"code"}


async def test_booth_in_another_expos_hall_is_not_found(
    client: AsyncTestClient[Litestar], organiser: dict[str, str]
) -> None:
    expo_id, _, package_id = await _expo_with_hall(client, organiser)
    other = await client.post("/api/expos", json=EXPO | {"slug": "lain"}, headers=organiser)
    other_hall = await client.post(
        f"/api/expos/{other.json()['id']}/halls",
        json={"code": "B", "name": "B", "width_m": 10, "depth_m": 10},
        headers=organiser,
    )
    response = await _booth(client, organiser, expo_id, other_hall.json()["id"], package_id)
    _problem(response, 404, "hall_not_found")


async def test_move_and_resize_a_booth(client: AsyncTestClient[Litestar], organiser: dict[str, str]) -> None:
    expo_id, hall_id, package_id = await _expo_with_hall(client, organiser)
    first = (await _booth(client, organiser, expo_id, hall_id, package_id, code="A-01")).json()
    await _booth(client, organiser, expo_id, hall_id, package_id, code="A-02", x_m=10)

    moved = await client.patch(f"/api/booths/{first['id']}", json={"x_m": 20, "width_m": 4}, headers=organiser)
    assert moved.status_code == 200, moved.text
    assert (moved.json()["x_m"], moved.json()["width_m"]) == (20, 4)

    onto = await client.patch(f"/api/booths/{first['id']}", json={"x_m": 11}, headers=organiser)
    assert "A-02" in _problem(onto, 409, "booth_overlap")["detail"]
    off = await client.patch(f"/api/booths/{first['id']}", json={"y_m": 29}, headers=organiser)
    _problem(off, 422, "booth_outside_hall")

    typed = await client.patch(f"/api/booths/{first['id']}", json={"booth_type": "corner"}, headers=organiser)
    assert (typed.json()["booth_type"], typed.json()["type_is_derived"]) == ("corner", False)
    derived = await client.patch(f"/api/booths/{first['id']}", json={"derive_type": True}, headers=organiser)
    assert (derived.json()["booth_type"], derived.json()["type_is_derived"]) == ("corner", True)  # against the wall


async def test_delete_booth(client: AsyncTestClient[Litestar], organiser: dict[str, str]) -> None:
    expo_id, hall_id, package_id = await _expo_with_hall(client, organiser)
    booth = (await _booth(client, organiser, expo_id, hall_id, package_id)).json()
    assert (await client.delete(f"/api/booths/{booth['id']}", headers=organiser)).status_code == 204
    _problem(await client.get(f"/api/booths/{booth['id']}"), 404, "booth_not_found")
    _problem(await client.delete(f"/api/booths/{booth['id']}", headers=organiser), 404, "booth_not_found")


async def test_hall_with_booths_cannot_shrink_under_them_or_be_deleted(
    client: AsyncTestClient[Litestar], organiser: dict[str, str]
) -> None:
    expo_id, hall_id, package_id = await _expo_with_hall(client, organiser)
    await _booth(client, organiser, expo_id, hall_id, package_id, code="A-01", x_m=30)
    shrink = await client.patch(f"/api/halls/{hall_id}", json={"width_m": 20}, headers=organiser)
    assert "A-01" in _problem(shrink, 409, "booth_outside_hall")["detail"]
    _problem(await client.delete(f"/api/halls/{hall_id}", headers=organiser), 409, "hall_not_empty")
    grow = await client.patch(f"/api/halls/{hall_id}", json={"width_m": 50}, headers=organiser)
    assert grow.status_code == 200
    assert grow.json()["width_m"] == 50


# --- generated blocks -----------------------------------------------------------------------------
async def _generate(
    client: AsyncTestClient[Litestar], auth: dict[str, str], hall_id: int, package_id: int, **kw: Any
) -> Response:
    body = {
        "package_id": package_id,
        "origin_x_m": 5,
        "origin_y_m": 5,
        "rows": 2,
        "columns": 3,
        "booth_width_m": 3,
        "booth_depth_m": 2,
        "aisle_m": 4,
        "prefix": "b",
    } | kw
    return await client.post(f"/api/halls/{hall_id}/booths/generate", json=body, headers=auth)


async def test_generate_block_with_aisle(client: AsyncTestClient[Litestar], organiser: dict[str, str]) -> None:
    expo_id, hall_id, package_id = await _expo_with_hall(client, organiser)
    response = await _generate(client, organiser, hall_id, package_id)
    assert response.status_code == 201, response.text
    booths = {b["code"]: b for b in response.json()}
    assert sorted(booths) == ["B-01", "B-02", "B-03", "B-04", "B-05", "B-06"]
    assert [(booths[c]["x_m"], booths[c]["y_m"]) for c in sorted(booths)] == [
        (5, 5),
        (8, 5),
        (11, 5),
        (5, 11),  # 5 + 2 m deep + 4 m aisle
        (8, 11),
        (11, 11),
    ]
    # a free-standing row: the ends are open on three sides, the middle on front and back
    assert {c: b["booth_type"] for c, b in booths.items()} == {
        "B-01": "corner",
        "B-02": "corner",
        "B-03": "corner",
        "B-04": "corner",
        "B-05": "corner",
        "B-06": "corner",
    }
    listed = (await client.get(f"/api/expos/{expo_id}/booths")).json()
    assert len(listed) == 6


async def test_generate_back_to_back_block(client: AsyncTestClient[Litestar], organiser: dict[str, str]) -> None:
    _, hall_id, package_id = await _expo_with_hall(client, organiser)
    response = await _generate(client, organiser, hall_id, package_id, back_to_back=True, rows=4, start_number=7)
    assert response.status_code == 201, response.text
    booths = {b["code"]: b for b in response.json()}
    assert sorted(booths) == [f"B-{n:02d}" for n in range(7, 19)]
    rows_y = sorted({b["y_m"] for b in booths.values()})
    assert rows_y == [5, 7, 13, 15]  # pairs touch; an aisle between the pairs
    types = {c: b["booth_type"] for c, b in booths.items()}
    assert types["B-08"] == "inline"  # middle of a back-to-back pair
    assert types["B-07"] == "corner"  # end of the row
    assert types["B-09"] == "corner"


async def test_single_booth_block_is_an_island_and_against_a_wall_inline(
    client: AsyncTestClient[Litestar], organiser: dict[str, str]
) -> None:
    _, hall_id, package_id = await _expo_with_hall(client, organiser)
    island = await _generate(client, organiser, hall_id, package_id, rows=1, columns=1, prefix="I")
    assert island.json()[0]["booth_type"] == "island"
    wall = await _generate(client, organiser, hall_id, package_id, rows=1, columns=3, origin_y_m=0, origin_x_m=20)
    types = [b["booth_type"] for b in sorted(wall.json(), key=lambda b: b["code"])]
    assert types == ["corner", "inline", "corner"]


async def test_outdoor_booths_are_tents(client: AsyncTestClient[Litestar], organiser: dict[str, str]) -> None:
    _, hall_id, package_id = await _expo_with_hall(client, organiser, kind="outdoor")
    response = await _generate(client, organiser, hall_id, package_id)
    assert response.status_code == 201
    assert {b["booth_type"] for b in response.json()} == {"tent"}


async def test_generated_codes_must_be_free_and_fit(
    client: AsyncTestClient[Litestar], organiser: dict[str, str]
) -> None:
    expo_id, hall_id, package_id = await _expo_with_hall(client, organiser, width=40, depth=30)
    assert (await _generate(client, organiser, hall_id, package_id)).status_code == 201
    again = await _generate(client, organiser, hall_id, package_id, origin_y_m=20)
    assert "B-01" in _problem(again, 409, "booth_code_taken")["detail"]
    overlapping = await _generate(client, organiser, hall_id, package_id, prefix="C", origin_x_m=6)
    _problem(overlapping, 409, "booth_overlap")
    too_wide = await _generate(client, organiser, hall_id, package_id, prefix="D", columns=20, origin_y_m=20)
    _problem(too_wide, 422, "booth_outside_hall")
    # all or nothing
    assert len((await client.get(f"/api/expos/{expo_id}/booths")).json()) == 6


# --- block, unblock and booked booths -------------------------------------------------------------
async def test_block_and_unblock(client: AsyncTestClient[Litestar], session: AsyncSession) -> None:
    venue = await make_venue(session)
    organiser = bearer(await make_user_token(session, Role.ORGANISER))
    booth_id = venue.booth_ids[0]
    blocked = await client.post(f"/api/booths/{booth_id}/block", json={"reason": "tiang"}, headers=organiser)
    assert blocked.status_code == 200, blocked.text
    assert (blocked.json()["status"], blocked.json()["blocked_reason"]) == ("blocked", "tiang")
    public = (await client.get(f"/api/booths/{booth_id}")).json()
    assert (public["status"], public["blocked_reason"]) == ("blocked", None)
    blocked_only = await client.get(f"/api/expos/{venue.expo_id}/booths", params={"status": "blocked"})
    assert [b["id"] for b in blocked_only.json()] == [booth_id]

    _, token = await signup_exhibitor(client, venue.expo_id)
    _problem(await client.post(f"/api/booths/{booth_id}/hold", headers=bearer(token)), 409, "booth_blocked")

    unblocked = await client.post(f"/api/booths/{booth_id}/unblock", headers=organiser)
    assert (unblocked.json()["status"], unblocked.json()["blocked_reason"]) == ("available", None)


async def test_booked_booth_cannot_move_be_deleted_or_blocked(
    client: AsyncTestClient[Litestar], session: AsyncSession
) -> None:
    venue = await make_venue(session)
    organiser = bearer(await make_user_token(session, Role.ORGANISER))
    _, token = await signup_exhibitor(client, venue.expo_id)
    booth_id = venue.booth_ids[0]
    hold = await client.post(f"/api/booths/{booth_id}/hold", headers=bearer(token))
    assert hold.status_code == 201, hold.text

    _problem(await client.patch(f"/api/booths/{booth_id}", json={"x_m": 40}, headers=organiser), 409, "booth_booked")
    _problem(await client.patch(f"/api/booths/{booth_id}", json={"width_m": 4}, headers=organiser), 409, "booth_booked")
    _problem(await client.delete(f"/api/booths/{booth_id}", headers=organiser), 409, "booth_booked")
    _problem(await client.post(f"/api/booths/{booth_id}/block", json={}, headers=organiser), 409, "booth_booked")

    same_place = await client.patch(f"/api/booths/{booth_id}", json={"x_m": 3, "y_m": 3}, headers=organiser)
    assert same_place.status_code == 200, same_place.text
    cluster = await client.patch(f"/api/booths/{booth_id}", json={"cluster": "kuliner"}, headers=organiser)
    assert cluster.status_code == 200, cluster.text
    assert (cluster.json()["cluster"], cluster.json()["status"]) == ("kuliner", "held")
    unknown_cluster = await client.patch(f"/api/booths/{booth_id}", json={"cluster": "mebel"}, headers=organiser)
    assert _fields(_problem(unknown_cluster, 422, "invalid_input")) == {"cluster"}


async def test_booth_list_hides_who_holds_a_booth_and_booking_ids(
    client: AsyncTestClient[Litestar], session: AsyncSession
) -> None:
    venue = await make_venue(session)
    organiser = bearer(await make_user_token(session, Role.ORGANISER))
    held_by, held_token = await signup_exhibitor(client, venue.expo_id)
    confirmed_by, confirmed_token = await signup_exhibitor(client, venue.expo_id)
    held_id, confirmed_id = venue.booth_ids[:2]
    assert (await client.post(f"/api/booths/{held_id}/hold", headers=bearer(held_token))).status_code == 201
    hold = await client.post(f"/api/booths/{confirmed_id}/hold", headers=bearer(confirmed_token))
    booking_id = hold.json()["id"]
    confirm = await client.post(
        f"/api/bookings/{booking_id}/confirm", json={"amount": 500_000, "method": "transfer"}, headers=organiser
    )
    assert confirm.status_code == 200, confirm.text

    public = {b["id"]: b for b in (await client.get(f"/api/expos/{venue.expo_id}/booths")).json()}
    assert public[held_id]["status"] == "held"
    assert public[held_id]["exhibitor_name"] is None
    assert public[confirmed_id]["status"] == "confirmed"
    assert public[confirmed_id]["exhibitor_name"] == confirmed_by["name"]
    assert all(b["booking_id"] is None for b in public.values())
    assert all(b["price"] == 1_500_000 for b in public.values())  # prices are public
    assert (await client.get(f"/api/booths/{held_id}")).json()["exhibitor_name"] is None

    rival = await client.get(f"/api/expos/{venue.expo_id}/booths", headers=bearer(held_token))
    assert {b["id"]: b["booking_id"] for b in rival.json()}[confirmed_id] is None

    seen = {b["id"]: b for b in (await client.get(f"/api/expos/{venue.expo_id}/booths", headers=organiser)).json()}
    assert seen[confirmed_id]["booking_id"] == booking_id
    assert seen[held_id]["booking_id"] is not None
    assert seen[held_id]["exhibitor_name"] == held_by["name"]
    assert (await client.get(f"/api/booths/{confirmed_id}", headers=organiser)).json()["booking_id"] == booking_id

    held_only = await client.get(f"/api/expos/{venue.expo_id}/booths", params={"status": "held"})
    assert [b["id"] for b in held_only.json()] == [held_id]


async def test_a_booth_leaves_its_cluster(client: AsyncTestClient[Litestar], session: AsyncSession) -> None:
    venue = await make_venue(session)
    organiser = bearer(await make_user_token(session, Role.ORGANISER))
    url = f"/api/booths/{venue.booth_ids[0]}"
    assert (await client.patch(url, json={"cluster": "kuliner"}, headers=organiser)).json()["cluster"] == "kuliner"
    untouched = await client.patch(url, json={"x_m": 3}, headers=organiser)
    assert untouched.json()["cluster"] == "kuliner"
    cleared = await client.patch(url, json={"cluster": None}, headers=organiser)
    assert cleared.status_code == 200, cleared.text
    assert cleared.json()["cluster"] is None


async def test_booth_filters(client: AsyncTestClient[Litestar], session: AsyncSession) -> None:
    venue = await make_venue(session)
    organiser = bearer(await make_user_token(session, Role.ORGANISER))
    await client.patch(f"/api/booths/{venue.booth_ids[1]}", json={"cluster": "kuliner"}, headers=organiser)
    kuliner = await client.get(f"/api/expos/{venue.expo_id}/booths", params={"cluster": "kuliner"})
    assert [b["id"] for b in kuliner.json()] == [venue.booth_ids[1]]
    by_hall = await client.get(f"/api/expos/{venue.expo_id}/booths", params={"hall_id": venue.hall.id})
    assert len(by_hall.json()) == len(venue.booth_ids)


# --- unknown ids ----------------------------------------------------------------------------------
UNKNOWN = [
    ("GET", "/api/expos/999999", "expo_not_found"),
    ("GET", "/api/expos/999999/halls", "expo_not_found"),
    ("GET", "/api/expos/999999/packages", "expo_not_found"),
    ("GET", "/api/expos/999999/clusters", "expo_not_found"),
    ("GET", "/api/expos/999999/booths", "expo_not_found"),
    ("GET", "/api/expos/999999/booths.csv", "expo_not_found"),
    ("PATCH", "/api/expos/999999", "expo_not_found"),
    ("GET", "/api/booths/999999", "booth_not_found"),
    ("PATCH", "/api/booths/999999", "booth_not_found"),
    ("DELETE", "/api/booths/999999", "booth_not_found"),
    ("POST", "/api/booths/999999/unblock", "booth_not_found"),
    ("PATCH", "/api/halls/999999", "hall_not_found"),
    ("DELETE", "/api/halls/999999", "hall_not_found"),
    ("PATCH", "/api/packages/999999", "package_not_found"),
    ("POST", "/api/expos/999999/halls", "expo_not_found"),
]


async def test_unknown_ids_are_404_problems(client: AsyncTestClient[Litestar], organiser: dict[str, str]) -> None:
    for method, path, code in UNKNOWN:
        body: dict[str, Any] | None = None
        if method == "PATCH":
            body = {}
        if path.endswith("/halls") and method == "POST":
            body = {"code": "A", "name": "A", "width_m": 5, "depth_m": 5}
        response = await client.request(method, path, json=body, headers=organiser)
        _problem(response, 404, code)


async def test_unknown_package_or_hall_in_a_booth(client: AsyncTestClient[Litestar], organiser: dict[str, str]) -> None:
    expo_id, hall_id, package_id = await _expo_with_hall(client, organiser)
    _problem(await _booth(client, organiser, expo_id, hall_id, 999999), 404, "package_not_found")
    _problem(await _booth(client, organiser, expo_id, 999999, package_id), 404, "hall_not_found")
    _problem(await _generate(client, organiser, 999999, package_id), 404, "hall_not_found")
