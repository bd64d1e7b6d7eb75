"""A shared stand on the members' own pages and the organisers' record: a co-exhibitor's "my booking"
says which stand it shares and with whom, the main exhibitor's names its co-exhibitors, the organisers'
exhibitor record shows the stand; nobody else sees it."""

from typing import Any

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy.ext.asyncio import AsyncSession

from expo.models import Role
from tests.support.factories import Venue, bearer, make_user_token, make_venue, signup_exhibitor
from tests.support.passes import log_in_as

pytestmark = pytest.mark.anyio

Client = AsyncTestClient[Litestar]
MAIN = "Koppontren Darul Ulum Contoh"
CO = "Koperasi Santri Sejahtera Contoh"
OTHER = "UMKM Sambal Bu Ani Contoh"


async def _stand(client: Client, session: AsyncSession) -> tuple[Venue, str, dict[str, Any], str, dict[str, Any], str]:
    venue = await make_venue(session, booths=3, slug="stan-saya")
    org_token = await make_user_token(session, Role.ORGANISER)
    main, main_token = await signup_exhibitor(client, venue.expo_id, name=MAIN, exhibitor_class="umkm")
    co, co_token = await signup_exhibitor(client, venue.expo_id, name=CO, exhibitor_class="umkm")
    booking = await client.post(
        f"/api/expos/{venue.expo_id}/bookings",
        json={
            "booth_id": venue.booth_ids[1],
            "exhibitor_id": main["id"],
            "confirm": True,
            "payment": {"amount": 1_500_000, "method": "cash"},
        },
        headers=bearer(org_token),
    )
    assert booking.status_code == 201, booking.text
    added = await client.post(
        f"/api/bookings/{booking.json()['id']}/co-exhibitors",
        json={"exhibitor_id": co["id"], "staff_quota_share": 1},
        headers=bearer(org_token),
    )
    assert added.status_code == 200, added.text
    return venue, org_token, main, main_token, co, co_token


async def test_a_co_exhibitor_sees_the_stand_it_shares_and_with_whom(client: Client, session: AsyncSession) -> None:
    _, _, _, main_token, _, co_token = await _stand(client, session)
    log_in_as(client, co_token)
    page = await client.get("/my-booking")
    assert page.status_code == 200
    assert "data-shared-stand" in page.text
    assert "A-02" in page.text
    assert MAIN in page.text
    assert 'href="/my-passes"' in page.text
    assert "/my-booking/" not in page.text  # no cancel or add-on buttons: the booking is the main exhibitor's
    assert '/booths"' not in page.text.split("data-shared-stand", 1)[1].split("</section>", 1)[0]

    log_in_as(client, main_token)
    page = await client.get("/my-booking")
    assert "data-shared-stand" in page.text
    assert CO in page.text


async def test_an_exhibitor_off_the_stand_sees_nothing_of_it(client: Client, session: AsyncSession) -> None:
    venue, _, _, _, _, _ = await _stand(client, session)
    _, other_token = await signup_exhibitor(client, venue.expo_id, name=OTHER, exhibitor_class="umkm")
    log_in_as(client, other_token)
    page = await client.get("/my-booking")
    assert page.status_code == 200
    assert "data-shared-stand" not in page.text
    assert MAIN not in page.text
    assert CO not in page.text
    assert "/e/stan-saya/booths" in page.text  # it may book a booth of its own


async def test_the_organisers_record_shows_the_shared_stand(client: Client, session: AsyncSession) -> None:
    _, org_token, main, _, co, co_token = await _stand(client, session)
    log_in_as(client, org_token)
    record = await client.get(f"/admin/e/stan-saya/exhibitors/{co['id']}")
    assert record.status_code == 200
    assert "data-shared-stand" in record.text
    assert "A-02" in record.text
    assert f'href="/admin/e/stan-saya/exhibitors/{main["id"]}"' in record.text
    main_record = await client.get(f"/admin/e/stan-saya/exhibitors/{main['id']}")
    assert f'href="/admin/e/stan-saya/exhibitors/{co["id"]}"' in main_record.text
    # The co-exhibitor cannot open the organisers' record, of the stand or its own.
    log_in_as(client, co_token)
    refused = await client.get(f"/admin/e/stan-saya/exhibitors/{main['id']}", follow_redirects=False)
    assert refused.status_code == 403
    assert MAIN not in refused.text
