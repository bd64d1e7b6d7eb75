"""An expo's life cycle: registration, booking and pass issue refuse days that are over and an expo
that is over, with a clear translated message (the expo's own date: its time zone), through HTTP on
both engines."""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from booths.venue.lifecycle import expo_today
from booths.venue.models import Expo
from expo.models import Role
from tests.support.factories import bearer, make_user_token, make_venue, signup_exhibitor
from tests.support.gate import open_expo
from tests.support.passes import Client

pytestmark = pytest.mark.anyio

API = {"Authorization": "Bearer none"}  # a public API call without a cookie: no CSRF token needed
VISITOR = {"holder_name": "Nur Aini", "regency": "Jombang", "category": "santri"}


def _jombang_today() -> date:
    return datetime.now(ZoneInfo("Asia/Jakarta")).date()


async def test_a_visitor_cannot_register_for_a_day_that_is_over(client: Client, session: AsyncSession) -> None:
    expo = await open_expo(session, "berjalan", "Expo Berjalan")  # yesterday, today and tomorrow
    await session.commit()
    today = _jombang_today()
    url = f"/api/expos/{expo.id}/visitors"
    yesterday = await client.post(url, json=VISITOR | {"days": [(today - timedelta(days=1)).isoformat()]}, headers=API)
    assert yesterday.status_code == 422
    assert yesterday.json()["code"] == "day_past"
    assert "sudah lewat" in yesterday.json()["errors"][0]["message"]
    english = await client.post(
        url,
        json=VISITOR | {"days": [(today - timedelta(days=1)).isoformat()]},
        headers=API | {"Accept-Language": "en"},
    )
    assert "already over" in english.json()["errors"][0]["message"]
    ok = await client.post(url, json=VISITOR | {"days": [today.isoformat()]}, headers=API)
    assert ok.status_code == 201, ok.text
    page = await client.get("/e/berjalan/visit")
    assert f'value="{(today - timedelta(days=1)).isoformat()}"' not in page.text
    assert f'value="{today.isoformat()}"' in page.text


async def test_an_expo_that_is_over_refuses_registration_booking_and_passes(
    client: Client, session: AsyncSession
) -> None:
    place = await make_venue(session, slug="selesai", starts_on=_jombang_today() - timedelta(days=20))
    organiser = bearer(await make_user_token(session, Role.ORGANISER))
    last_day = (_jombang_today() - timedelta(days=15)).isoformat()

    visitor = await client.post(
        f"/api/expos/{place.expo_id}/visitors", json=VISITOR | {"days": [last_day]}, headers=API
    )
    assert visitor.status_code == 409
    assert visitor.json()["code"] == "expo_over"
    assert visitor.json()["detail"] == f"Pameran ini sudah selesai: hari terakhirnya {last_day}."
    assert visitor.headers["content-type"].startswith("application/problem+json")
    page = await client.get("/e/selesai/visit")
    assert "Pameran ini sudah selesai" in page.text
    assert 'name="holder_name"' not in page.text

    exhibitor, token = await signup_exhibitor(client, place.expo_id, exhibitor_class="umkm")
    hold = await client.post(f"/api/booths/{place.booth_ids[0]}/hold", headers=bearer(token))
    assert hold.status_code == 409
    assert hold.json()["code"] == "expo_over"
    assign = await client.post(
        f"/api/expos/{place.expo_id}/bookings",
        json={"booth_id": place.booth_ids[1], "exhibitor_id": exhibitor["id"], "confirm": False},
        headers=organiser,
    )
    assert assign.status_code == 409
    assert assign.json()["code"] == "expo_over"

    passes = f"/api/expos/{place.expo_id}/passes"
    all_days = await client.post(passes, json={"kind": "committee", "holder_name": "Panitia"}, headers=organiser)
    assert all_days.status_code == 409
    assert all_days.json()["code"] == "days_over"
    one_day = await client.post(
        passes, json={"kind": "committee", "holder_name": "Panitia", "days": [last_day]}, headers=organiser
    )
    assert one_day.status_code == 422
    assert one_day.json()["code"] == "day_past"
    csv = f"name,days\nRelawan,{last_day}\nRelawan Dua,\n".encode()
    imported = await client.post(
        f"{passes}/import?kind=volunteer", content=csv, headers=organiser | {"content-type": "text/csv"}
    )
    assert imported.status_code == 422
    assert {e["field"] for e in imported.json()["errors"]} == {"rows.2.days", "rows.3.days"}
    listed = await client.get(passes, headers=organiser)
    assert listed.json() == []


async def test_a_pass_for_days_ahead_is_still_issued_during_the_expo(client: Client, session: AsyncSession) -> None:
    expo = await open_expo(session, "tengah", "Expo Tengah")
    await session.commit()
    organiser = bearer(await make_user_token(session, Role.ORGANISER))
    issued = await client.post(
        f"/api/expos/{expo.id}/passes", json={"kind": "press", "holder_name": "Dewi"}, headers=organiser
    )
    assert issued.status_code == 201, issued.text
    today = _jombang_today()
    assert issued.json()["days"] == [today.isoformat(), (today + timedelta(days=1)).isoformat()]


def test_today_is_the_expo_s_date_not_utc() -> None:
    expo = Expo(slug="x", name="x", city="x", venue="x", timezone="Asia/Jakarta")
    late_utc = datetime(2026, 10, 20, 17, 30, tzinfo=UTC)  # 00:30 on the 21st in Jombang
    assert expo_today(expo, late_utc) == date(2026, 10, 21)
    papua = Expo(slug="y", name="y", city="y", venue="y", timezone="Asia/Jayapura")
    assert expo_today(papua, datetime(2026, 10, 20, 14, 59, tzinfo=UTC)) == date(2026, 10, 20)
    assert expo_today(papua, datetime(2026, 10, 20, 15, 0, tzinfo=UTC)) == date(2026, 10, 21)
