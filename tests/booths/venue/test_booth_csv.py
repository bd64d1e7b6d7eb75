"""Booths to and from CSV through the API: round trips, all-or-nothing imports, size and encoding limits."""

import csv
import io
from typing import Any

import pytest
from httpx import Response
from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy.ext.asyncio import AsyncSession

from booths.venue import service as venue_service
from expo.models import Role
from tests.support.client import ClientWith
from tests.support.factories import Venue, bearer, make_user_token, make_venue, signup_exhibitor

pytestmark = pytest.mark.anyio

HEADER = "hall,code,x_m,y_m,width_m,depth_m,type,cluster,package,blocked,blocked_reason\n"
CSV = {"Content-Type": "text/csv"}


def _problem(response: Response, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    body: dict[str, Any] = response.json()
    assert body["code"] == code, body
    return body


async def _empty_twin(session: AsyncSession, slug: str) -> int:
    """Another expo with the same hall, packages and cluster as ``make_venue``, but no booths."""
    twin = await make_venue(session, booths=1, slug=slug)
    assert twin.expo.id is not None
    booth = await venue_service.get_booth(session, twin.booth_ids[0])
    await session.delete(booth)
    await session.commit()
    return twin.expo.id


async def _import(client: AsyncTestClient[Litestar], expo_id: int, text: str | bytes, auth: dict[str, str]) -> Response:
    return await client.post(f"/api/expos/{expo_id}/booths/import", content=text, headers=auth | CSV)


async def _booths(client: AsyncTestClient[Litestar], expo_id: int, auth: dict[str, str]) -> list[dict[str, Any]]:
    response = await client.get(f"/api/expos/{expo_id}/booths", headers=auth)
    assert response.status_code == 200
    rows: list[dict[str, Any]] = response.json()
    return rows


def _layout(booths: list[dict[str, Any]]) -> list[tuple[Any, ...]]:
    keys = ("hall_code", "code", "x_m", "y_m", "width_m", "depth_m", "booth_type", "cluster", "package_code", "status")
    return sorted(tuple(b[k] for k in keys) for b in booths)


async def test_export_is_a_csv_download(
    client: AsyncTestClient[Litestar], venue: Venue, organiser: dict[str, str]
) -> None:
    response = await client.get(f"/api/expos/{venue.expo_id}/booths.csv", headers=organiser)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    assert f'filename="booths-{venue.expo.slug}.csv"' in response.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert [r["code"] for r in rows] == ["A-01", "A-02", "A-03", "A-04", "A-05", "A-06"]
    assert rows[0] | {} == {
        "hall": "A",
        "code": "A-01",
        "x_m": "3",
        "y_m": "3",
        "width_m": "3",
        "depth_m": "3",
        "type": "",
        "cluster": "",
        "package": "standar",
        "blocked": "no",
        "blocked_reason": "",
    }


async def test_export_keeps_every_digit(
    client: AsyncTestClient[Litestar], venue: Venue, organiser: dict[str, str]
) -> None:
    hall = await client.post(
        f"/api/expos/{venue.expo_id}/halls",
        json={"code": "L", "name": "Lapangan", "kind": "outdoor", "width_m": 2000, "depth_m": 100},
        headers=organiser,
    )
    booth = {"hall_id": hall.json()["id"], "package_id": venue.free.id, "code": "L-1", "x_m": 1234.567}
    booth |= {"y_m": 0.125, "width_m": 2.75, "depth_m": 3}
    assert (await client.post(f"/api/expos/{venue.expo_id}/booths", json=booth, headers=organiser)).status_code == 201
    exported = (await client.get(f"/api/expos/{venue.expo_id}/booths.csv", headers=organiser)).text
    assert "L,L-1,1234.567,0.125,2.75,3,," in exported
    again = await _import(client, venue.expo_id, exported, organiser)
    assert again.json() == {"created": 0, "updated": 7}


async def test_export_is_for_organisers(client: AsyncTestClient[Litestar], venue: Venue) -> None:
    _problem(await client.get(f"/api/expos/{venue.expo_id}/booths.csv"), 401, "unauthenticated")


async def test_export_then_import_recreates_the_booths(
    client: AsyncTestClient[Litestar], session: AsyncSession, venue: Venue, organiser: dict[str, str]
) -> None:
    first, second = venue.booth_ids[:2]
    await client.patch(f"/api/booths/{first}", json={"booth_type": "corner", "cluster": "kuliner"}, headers=organiser)
    await client.post(f"/api/booths/{second}/block", json={"reason": "pintu darurat, tangga"}, headers=organiser)
    exported = (await client.get(f"/api/expos/{venue.expo_id}/booths.csv", headers=organiser)).text

    twin_id = await _empty_twin(session, "kembar")
    response = await _import(client, twin_id, exported, organiser)
    assert response.status_code == 200, response.text
    assert response.json() == {"created": 6, "updated": 0}

    assert _layout(await _booths(client, twin_id, organiser)) == _layout(
        await _booths(client, venue.expo_id, organiser)
    )
    twin_blocked = [b for b in await _booths(client, twin_id, organiser) if b["status"] == "blocked"]
    assert [b["blocked_reason"] for b in twin_blocked] == ["pintu darurat, tangga"]
    assert (await client.get(f"/api/expos/{twin_id}/booths.csv", headers=organiser)).text == exported


async def test_importing_the_same_file_again_updates(
    client: AsyncTestClient[Litestar], venue: Venue, organiser: dict[str, str]
) -> None:
    exported = (await client.get(f"/api/expos/{venue.expo_id}/booths.csv", headers=organiser)).text
    moved = exported.replace("A,A-06,18,3,", "A,A-06,30,20,")
    response = await _import(client, venue.expo_id, moved, organiser)
    assert response.status_code == 200, response.text
    assert response.json() == {"created": 0, "updated": 6}
    a06 = next(b for b in await _booths(client, venue.expo_id, organiser) if b["code"] == "A-06")
    assert (a06["x_m"], a06["y_m"]) == (30, 20)


async def test_import_by_multipart_upload(
    client: AsyncTestClient[Litestar], session: AsyncSession, venue: Venue, organiser: dict[str, str]
) -> None:
    twin_id = await _empty_twin(session, "unggah")
    text = HEADER + "a,B-1,0,0,3,3,,kuliner,gratis,,\nA,B-2,3,0,3,3,island,,standar,ya,rusak\n"
    response = await client.post(
        f"/api/expos/{twin_id}/booths/import",
        files={"file": ("booths.csv", text.encode(), "text/csv")},
        headers=organiser,
    )
    assert response.status_code == 200, response.text
    assert response.json() == {"created": 2, "updated": 0}
    booths = {b["code"]: b for b in await _booths(client, twin_id, organiser)}
    assert booths["B-1"]["package_code"] == "gratis"
    assert booths["B-1"]["cluster"] == "kuliner"
    assert (booths["B-2"]["booth_type"], booths["B-2"]["status"]) == ("island", "blocked")


async def test_multipart_without_a_file_is_a_field_error(
    client: AsyncTestClient[Litestar], venue: Venue, organiser: dict[str, str]
) -> None:
    response = await client.post(
        f"/api/expos/{venue.expo_id}/booths/import", files={"other": ("x.csv", b"", "text/csv")}, headers=organiser
    )
    body = _problem(response, 422, "invalid_input")
    assert {e["field"] for e in body["errors"]} == {"file"}


async def test_bad_rows_are_all_reported_and_nothing_is_imported(
    client: AsyncTestClient[Litestar], session: AsyncSession, venue: Venue, organiser: dict[str, str]
) -> None:
    twin_id = await _empty_twin(session, "rusak")
    text = (
        HEADER
        + "A,C-01,0,0,3,3,,,standar,,\n"  # line 2: fine
        + "Z,C-02,10,0,3,3,,,standar,,\n"  # line 3: unknown hall
        + "A,C-03,1,1,3,3,,,standar,,\n"  # line 4: overlaps C-01
        + "A,C-04,tiga,0,3,3,,,standar,,\n"  # line 5: not a number
        + "A,C-01,20,0,3,3,,,standar,,\n"  # line 6: duplicate code
        + "A,C-06,30,0,0,3,,,standar,,\n"  # line 7: zero width
        + "A,C-07,59,0,3,3,,,standar,,\n"  # line 8: outside the hall
        + "A,C-08,40,0,3,3,,,mewah,,\n"  # line 9: unknown package
        + "A,C-09,45,0,3,3,kios,,standar,,\n"  # line 10: unknown type
        + "A,C-10,50,0,3,3,,,standar,mungkin,\n"  # line 11: not yes/no
    )
    body = _problem(await _import(client, twin_id, text, organiser), 422, "csv_invalid")
    fields = {e["field"] for e in body["errors"]}
    assert {
        "rows.3.hall",
        "rows.4.x_m",
        "rows.5.x_m",
        "rows.6.code",
        "rows.7.width_m",
        "rows.8.x_m",
        "rows.9.package",
        "rows.10.type",
        "rows.11.blocked",
    } <= fields
    assert not any(f.startswith("rows.2.") for f in fields)
    overlap = next(e for e in body["errors"] if e["field"] == "rows.4.x_m")
    assert "C-01" in overlap["message"]
    assert all(e["message"] for e in body["errors"])
    assert await _booths(client, twin_id, organiser) == []


async def test_import_overlapping_a_booth_already_there(
    client: AsyncTestClient[Litestar], venue: Venue, organiser: dict[str, str]
) -> None:
    body = _problem(
        await _import(client, venue.expo_id, HEADER + "A,N-1,4,4,3,3,,,standar,,\n", organiser), 422, "csv_invalid"
    )
    assert body["errors"][0]["field"] == "rows.2.x_m"
    assert "A-01" in body["errors"][0]["message"]
    assert len(await _booths(client, venue.expo_id, organiser)) == 6


async def test_import_cannot_move_or_block_a_booked_booth(
    client: AsyncTestClient[Litestar], venue: Venue, organiser: dict[str, str]
) -> None:
    _, token = await signup_exhibitor(client, venue.expo_id)
    assert (await client.post(f"/api/booths/{venue.booth_ids[0]}/hold", headers=bearer(token))).status_code == 201
    moved_and_blocked = HEADER + "A,A-01,40,30,3,3,,,standar,yes,\n"
    body = _problem(await _import(client, venue.expo_id, moved_and_blocked, organiser), 422, "csv_invalid")
    assert {e["field"] for e in body["errors"]} == {"rows.2.code", "rows.2.blocked"}
    unchanged = await _import(client, venue.expo_id, HEADER + "A,A-01,3,3,3,3,corner,kuliner,standar,no,\n", organiser)
    assert unchanged.status_code == 200, unchanged.text


async def test_missing_columns(client: AsyncTestClient[Litestar], venue: Venue, organiser: dict[str, str]) -> None:
    body = _problem(await _import(client, venue.expo_id, "hall,code\nA,X-1\n", organiser), 422, "csv_columns")
    assert "x_m" in body["detail"]
    _problem(await _import(client, venue.expo_id, "", organiser), 422, "csv_columns")


async def test_non_utf8_upload_is_refused(
    client: AsyncTestClient[Litestar], venue: Venue, organiser: dict[str, str]
) -> None:
    latin1 = (HEADER + "A,X-1,40,20,3,3,,,standar,,Ruang ber-AC für Gäste\n").encode("latin-1")
    _problem(await _import(client, venue.expo_id, latin1, organiser), 422, "csv_encoding")
    _problem(await _import(client, venue.expo_id, b"\xff\xfe\x00\x00garbage", organiser), 422, "csv_encoding")


async def test_utf8_with_bom_is_fine(
    client: AsyncTestClient[Litestar], venue: Venue, organiser: dict[str, str]
) -> None:
    text = "\ufeff" + HEADER + "A,X-1,40,20,3,3,,,standar,ya,Musholla dekat\n"
    response = await _import(client, venue.expo_id, text.encode("utf-8"), organiser)
    assert response.status_code == 200, response.text
    assert response.json() == {"created": 1, "updated": 0}


async def test_oversized_upload_is_413(client_with: ClientWith, session: AsyncSession) -> None:
    venue = await make_venue(session)
    auth = bearer(await make_user_token(session, Role.ORGANISER))
    big = HEADER + "".join(f"A,Z-{n},{n % 50},30,1,1,,,standar,,\n" for n in range(200))
    assert len(big.encode()) > 2048
    async with client_with(max_csv_bytes=2048) as client:
        _problem(await _import(client, venue.expo_id, big, auth), 413, "too_large")
        multipart = await client.post(
            f"/api/expos/{venue.expo_id}/booths/import",
            files={"file": ("booths.csv", big.encode(), "text/csv")},
            headers=auth,
        )
        _problem(multipart, 413, "too_large")
        assert len(await _booths(client, venue.expo_id, auth)) == 6


async def test_import_is_for_organisers(client: AsyncTestClient[Litestar], venue: Venue) -> None:
    _, token = await signup_exhibitor(client, venue.expo_id)
    _problem(await _import(client, venue.expo_id, HEADER, bearer(token)), 403, "wrong_role")


async def test_import_into_unknown_expo(client: AsyncTestClient[Litestar], organiser: dict[str, str]) -> None:
    _problem(await _import(client, 999999, HEADER, organiser), 404, "expo_not_found")


@pytest.mark.parametrize(
    "text",
    [
        HEADER + "A,X-1,40,20,3,3,,,standar,,\x00\n",  # a NUL byte
        HEADER + 'A,X-1,40,20,3,3,,,standar,,"' + "x" * 200_000 + '"\n',  # a field past the csv module's limit
        'hall,code,"x_m\n',  # an unterminated quote in the header
    ],
)
async def test_unreadable_csv_is_a_422_not_a_crash(
    client: AsyncTestClient[Litestar], venue: Venue, organiser: dict[str, str], text: str
) -> None:
    response = await _import(client, venue.expo_id, text, organiser)
    assert response.status_code == 422, response.text
    assert response.json()["code"] in {"csv_invalid", "csv_unreadable", "csv_columns"}
    assert len(await _booths(client, venue.expo_id, organiser)) == 6
