"""The committee runs its expo from pages: a new expo, its settings (dates, hours per day, contact),
its public state, a copy into next year's edition; bad input gets a message at its field and nothing
saved; a member of one expo cannot reach another's. Through HTTP on both engines."""

from datetime import time, timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from booths.venue.models import Booth, Expo, ExpoDay, Hall
from booths.venue.schemas import PAST_MIDNIGHT
from expo.models import AuditEntry, CommitteeMember, CommitteeRole, Role
from tests.support.factories import (
    EXPO_START,
    bearer,
    make_member_token,
    make_user_token,
    make_venue,
    signup_exhibitor,
)
from tests.support.pages import shown
from tests.support.passes import Client, log_in_as, post_form

pytestmark = pytest.mark.anyio

NEW = "/admin/expos/new"
FIRST = EXPO_START + timedelta(days=60)


def _new_expo(**overrides: Any) -> dict[str, Any]:
    return {
        "name": "Pameran UMKM Mojokerto 2027",
        "slug": "umkm-mojokerto-2027",
        "city": "Mojokerto",
        "venue": "Gedung Serbaguna",
        "starts_on": FIRST.isoformat(),
        "ends_on": (FIRST + timedelta(days=2)).isoformat(),
        "opens_at": "09:00",
        "closes_at": "21:00",
        "timezone": "Asia/Jakarta",
        "languages": ["id", "en"],
        "contact_whatsapp": "0812-3456-7890",
        "contact_email": "panitia@mojokerto.test",
    } | overrides


async def _expo(session: AsyncSession, slug: str) -> Expo:
    expo = await session.scalar(sa.select(Expo).where(col(Expo.slug) == slug))
    assert expo is not None
    await session.refresh(expo)
    return expo


async def _organiser(client: Client, session: AsyncSession) -> None:
    log_in_as(client, await make_user_token(session, Role.ORGANISER))


async def test_an_organiser_makes_an_expo_that_stays_hidden_until_published(
    client: Client, session: AsyncSession
) -> None:
    await _organiser(client, session)
    made = await post_form(client, NEW, _new_expo(), from_page=NEW)
    assert made.status_code == 303, made.text
    assert made.headers["location"] == "/admin/e/umkm-mojokerto-2027/settings?msg=expo_created"
    expo = await _expo(session, "umkm-mojokerto-2027")
    assert (expo.published, expo.booking_open) == (False, False)
    assert expo.contact_whatsapp == "+6281234567890"
    assert expo.languages == ["id", "en"]
    assert expo.id is not None
    days = (await session.scalars(sa.select(ExpoDay).where(col(ExpoDay.expo_id) == expo.id))).all()
    assert len(days) == 3
    member = await session.scalar(sa.select(CommitteeMember).where(col(CommitteeMember.expo_id) == expo.id))
    assert member is not None
    assert member.role == CommitteeRole.ORGANISER
    audit = await session.scalar(sa.select(AuditEntry).where(col(AuditEntry.expo_id) == expo.id))
    assert audit is not None
    assert audit.action == "expo.created"

    settings = await client.get("/admin/e/umkm-mojokerto-2027/settings?msg=expo_created")
    assert settings.status_code == 200
    assert shown("Not public yet") in settings.text
    committee_view = await client.get("/e/umkm-mojokerto-2027")
    assert committee_view.status_code == 200
    assert shown("Not public yet: only the committee sees this page.") in committee_view.text

    client.cookies.clear()
    assert (await client.get("/e/umkm-mojokerto-2027")).status_code == 404
    assert (await client.get("/e/umkm-mojokerto-2027/booths")).status_code == 404
    assert (await client.get(f"/api/expos/{expo.id}")).status_code == 404
    listed = await client.get("/api/expos")
    assert "umkm-mojokerto-2027" not in listed.text


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        (
            {"ends_on": (FIRST - timedelta(days=1)).isoformat()},
            "ends_on",
            "The last day cannot be before the first day.",
        ),
        ({"opens_at": "18:00", "closes_at": "10:00"}, "closes_at", "The closing time must be after the opening time."),
        (
            {"opens_at": "18:00", "closes_at": "02:00"},
            "closes_at",
            "An expo day ends by midnight: close at 23:59 at the latest.",
        ),
        ({"closes_at": "25:00"}, "closes_at", "An expo day ends by midnight: close at 23:59 at the latest."),
        ({"contact_whatsapp": "12345"}, "contact_whatsapp", None),
        ({"slug": "Mojokerto 2027!"}, "slug", None),
        ({"timezone": "Europe/Paris"}, "timezone", "Choose one of the options."),
    ],
)
async def test_bad_input_on_the_new_expo_form_is_shown_at_its_field(
    client: Client, session: AsyncSession, overrides: dict[str, Any], field: str, message: str | None
) -> None:
    await _organiser(client, session)
    refused = await post_form(client, NEW, _new_expo(**overrides), from_page=NEW)
    assert refused.status_code == 422, refused.text
    assert f'id="e-{field}"' in refused.text
    if message is not None:
        assert shown(message) in refused.text
    assert await session.scalar(sa.select(sa.func.count()).select_from(Expo)) == 0
    assert 'value="Pameran UMKM Mojokerto 2027"' in refused.text  # the reader's input is kept


async def test_a_short_address_that_is_taken_is_refused_at_its_field(client: Client, session: AsyncSession) -> None:
    await make_venue(session, slug="umkm-mojokerto-2027")
    await _organiser(client, session)
    refused = await post_form(client, NEW, _new_expo(), from_page=NEW)
    assert refused.status_code == 409
    assert 'id="e-slug"' in refused.text
    assert shown("This short address is taken; choose another one.") in refused.text
    assert await session.scalar(sa.select(sa.func.count()).select_from(Expo)) == 1


async def test_settings_set_different_hours_per_day_and_move_the_dates(client: Client, session: AsyncSession) -> None:
    place = await make_venue(session, slug="pameran-ubah")
    days = [EXPO_START + timedelta(days=n) for n in range(6)]
    rehearsal = EXPO_START - timedelta(days=10)  # an extra day outside the dates (a gate rehearsal) stays
    session.add(ExpoDay(expo_id=place.expo_id, day=rehearsal, opens_at=time(0), closes_at=time(23, 59)))
    await session.commit()
    await _organiser(client, session)
    url = "/admin/e/pameran-ubah/settings"
    page = await client.get(url)
    assert page.status_code == 200
    assert page.text.count('name="day"') == 7
    form = _new_expo(slug="pameran-ubah", starts_on=days[1].isoformat(), ends_on=days[3].isoformat()) | {
        "day": [d.isoformat() for d in days[1:4]],
        "opens": ["09:00", "13:00", "08.30"],
        "closes": ["21:00", "22:00", "12.00"],
        "languages": ["id"],
        "timezone": "Asia/Makassar",
    }
    saved = await post_form(client, url, form, from_page=url)
    assert saved.status_code == 303, saved.text
    expo = await _expo(session, "pameran-ubah")
    assert (expo.starts_on, expo.ends_on, expo.timezone, expo.languages) == (days[1], days[3], "Asia/Makassar", ["id"])
    rows = (
        await session.scalars(
            sa.select(ExpoDay).where(col(ExpoDay.expo_id) == place.expo_id).order_by(col(ExpoDay.day))
        )
    ).all()
    assert [(r.day, f"{r.opens_at:%H:%M}", f"{r.closes_at:%H:%M}") for r in rows] == [
        (rehearsal, "00:00", "23:59"),
        (days[1], "09:00", "21:00"),
        (days[2], "13:00", "22:00"),
        (days[3], "08:30", "12:00"),
    ]
    audit = await session.scalar(
        sa.select(AuditEntry).where(col(AuditEntry.expo_id) == place.expo_id, col(AuditEntry.action) == "expo.updated")
    )
    assert audit is not None
    assert audit.before is not None
    assert audit.after is not None
    assert audit.before["timezone"] == "Asia/Jakarta"
    assert audit.after["timezone"] == "Asia/Makassar"
    assert "name" not in audit.after or audit.before.get("name") != audit.after["name"]
    public = await client.get("/e/pameran-ubah")
    assert "13.00–22.00 WITA" in public.text


async def test_a_day_closing_before_it_opens_is_refused_at_its_row(client: Client, session: AsyncSession) -> None:
    place = await make_venue(session, slug="pameran-jam")
    await _organiser(client, session)
    url = "/admin/e/pameran-jam/settings"
    days = [place.expo.starts_on + timedelta(days=n) for n in range(2)]
    form = _new_expo(slug="pameran-jam", starts_on=days[0].isoformat(), ends_on=days[1].isoformat()) | {
        "day": [d.isoformat() for d in days],
        "opens": ["09:00", "19:00"],
        "closes": ["21:00", "01:00"],
    }
    refused = await post_form(client, url, form, from_page=url)
    assert refused.status_code == 422, refused.text
    assert 'id="e-hours.1"' in refused.text
    assert shown(PAST_MIDNIGHT) in refused.text
    expo = await _expo(session, "pameran-jam")
    assert expo.ends_on == place.expo.starts_on + timedelta(days=5)  # nothing saved


async def test_states_publish_open_and_close_booking(client: Client, session: AsyncSession) -> None:
    place = await make_venue(session, slug="pameran-status")
    exhibitor_client_token = (await signup_exhibitor(client, place.expo_id, exhibitor_class="umkm"))[1]
    client.cookies.clear()
    await _organiser(client, session)
    url = "/admin/e/pameran-status/settings"
    closed = await post_form(client, "/admin/e/pameran-status/state", {"switch": "close_booking"}, from_page=url)
    assert closed.status_code == 303
    hold = await client.post(f"/api/booths/{place.booth_ids[0]}/hold", headers=bearer(exhibitor_client_token))
    assert hold.status_code == 409
    assert hold.json()["code"] == "booking_closed"
    public = await client.get("/e/pameran-status")
    assert shown("Booking closed") in public.text
    assert shown("Booking is closed for this expo.") in public.text
    opened = await post_form(client, "/admin/e/pameran-status/state", {"switch": "open_booking"}, from_page=url)
    assert opened.status_code == 303
    hold = await client.post(f"/api/booths/{place.booth_ids[0]}/hold", headers=bearer(exhibitor_client_token))
    assert hold.status_code == 201, hold.text
    hidden = await post_form(client, "/admin/e/pameran-status/state", {"switch": "unpublish"}, from_page=url)
    assert hidden.status_code == 303
    assert (await _expo(session, "pameran-status")).published is False
    wrong = await post_form(client, "/admin/e/pameran-status/state", {"switch": "explode"}, from_page=url)
    assert wrong.status_code == 422
    actions = (
        await session.scalars(
            sa.select(col(AuditEntry.action))
            .where(col(AuditEntry.expo_id) == place.expo_id)
            .order_by(col(AuditEntry.id))
        )
    ).all()
    assert actions == ["expo.close_booking", "expo.open_booking", "expo.unpublish"]


async def test_an_expo_that_is_over_says_so_and_links_the_next_one(client: Client, session: AsyncSession) -> None:
    await make_venue(session, slug="pameran-lalu", starts_on=EXPO_START - timedelta(days=60))
    await make_venue(session, slug="pameran-depan", starts_on=EXPO_START)
    hidden = await make_venue(session, slug="pameran-rahasia", starts_on=EXPO_START - timedelta(days=10))
    hidden.expo.published = False
    await session.commit()
    over = await client.get("/e/pameran-lalu")
    assert over.status_code == 200
    assert "/e/pameran-depan" in over.text
    assert "/e/pameran-rahasia" not in over.text
    assert 'href="/e/pameran-lalu/booths"' not in over.text
    home = await client.get("/", follow_redirects=False)
    assert home.status_code == 303  # one public expo to come: straight to it
    assert home.headers["location"] == "/e/pameran-depan"
    await make_venue(session, slug="pameran-lain", starts_on=EXPO_START + timedelta(days=40))
    listed = await client.get("/")
    assert listed.status_code == 200
    assert listed.text.index("/e/pameran-depan") < listed.text.index("/e/pameran-lain")
    assert "/e/pameran-lalu" not in listed.text
    assert "/e/pameran-rahasia" not in listed.text


async def test_copy_for_next_year_through_the_page(client: Client, session: AsyncSession) -> None:
    place = await make_venue(session, slug="pameran-2026")
    await _organiser(client, session)
    url = "/admin/e/pameran-2026/copy"
    page = await client.get(url)
    assert page.status_code == 200
    assert 'value="pameran-2027"' in page.text  # the year in the short address moves on by one
    overlap = (place.expo.starts_on + timedelta(days=3)).isoformat()
    refused = await post_form(
        client, url, {"name": "Pameran 2027", "slug": "pameran-2027", "starts_on": overlap}, from_page=url
    )
    assert refused.status_code == 422
    assert 'id="e-starts_on"' in refused.text
    assert await session.scalar(sa.select(sa.func.count()).select_from(Expo)) == 1
    taken = await post_form(
        client, url, {"name": "Pameran 2027", "slug": "pameran-2026", "starts_on": "2099-01-01"}, from_page=url
    )
    assert taken.status_code == 409
    assert 'id="e-slug"' in taken.text
    later = place.expo.starts_on + timedelta(days=365)
    made = await post_form(
        client, url, {"name": "Pameran 2027", "slug": "pameran-2027", "starts_on": later.isoformat()}, from_page=url
    )
    assert made.status_code == 303, made.text
    assert made.headers["location"] == "/admin/e/pameran-2027/settings?msg=expo_copied"
    copy = await _expo(session, "pameran-2027")
    assert (copy.starts_on, copy.ends_on, copy.published) == (later, later + timedelta(days=5), False)
    assert copy.id is not None
    assert await session.scalar(sa.select(sa.func.count()).select_from(Booth).where(col(Booth.expo_id) == copy.id)) == 6
    settings = await client.get("/admin/e/pameran-2027/settings?msg=expo_copied")
    assert settings.status_code == 200


async def test_a_member_of_one_expo_cannot_reach_another(client: Client, session: AsyncSession) -> None:
    mine = await make_venue(session, slug="pameran-saya")
    await make_venue(session, slug="pameran-orang")
    log_in_as(client, await make_member_token(session, mine.expo_id, CommitteeRole.ORGANISER))
    assert (await client.get("/admin/e/pameran-saya/settings")).status_code == 200
    assert (await client.get("/admin/e/pameran-saya/copy")).status_code == 200
    for path in ("/admin/e/pameran-orang/settings", "/admin/e/pameran-orang/copy"):
        assert (await client.get(path)).status_code == 403, path
    token = client.cookies.get("csrftoken")
    for path, data in (
        ("/admin/e/pameran-orang/state", {"switch": "unpublish"}),
        ("/admin/e/pameran-orang/settings", _new_expo(slug="pameran-orang")),
        ("/admin/e/pameran-orang/copy", {"name": "X", "slug": "curian", "starts_on": "2099-01-01"}),
    ):
        response = await client.post(path, data={**data, "_csrf_token": token or ""}, follow_redirects=False)
        assert response.status_code == 403, path
    assert (await _expo(session, "pameran-orang")).published is True
    admin = await client.get("/admin")
    assert "pameran-saya" in admin.text
    assert "pameran-orang" not in admin.text
    # Other roles of the same expo do not set it up; an exhibitor makes no expo.
    log_in_as(client, await make_member_token(session, mine.expo_id, CommitteeRole.TREASURER))
    assert (await client.get("/admin/e/pameran-saya/settings")).status_code == 403
    assert (await client.get("/admin/e/pameran-saya/copy")).status_code == 403
    log_in_as(client, await make_user_token(session, Role.EXHIBITOR))
    assert (await client.get(NEW)).status_code == 403


async def test_the_page_languages_english(client: Client, session: AsyncSession) -> None:
    await _organiser(client, session)
    page = await client.get(NEW + "?lang=en")
    assert "New expo" in page.text
    page = await client.get(NEW + "?lang=id")
    assert "New expo" not in page.text
    assert (await session.scalar(sa.select(sa.func.count()).select_from(Hall))) == 0
