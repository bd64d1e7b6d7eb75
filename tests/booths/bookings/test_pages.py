"""The HTML pages: sign-up, booth picker, my booking and the organiser's forms, driven like a browser would."""

import re
from typing import Any

import httpx
import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy.ext.asyncio import AsyncSession

from expo.auth import SESSION_COOKIE
from expo.formatting import format_date_range
from expo.i18n import translate
from expo.models import Role
from tests.support.factories import (
    Venue,
    bearer,
    exhibitor_payload,
    expo_day,
    make_user_token,
    make_venue,
    signup_exhibitor,
)

pytestmark = pytest.mark.anyio

Client = AsyncTestClient[Litestar]


def t(message: str, **params: Any) -> str:
    """A message as the pages show it by default (Bahasa Indonesia), HTML-escaped like Jinja does."""
    from markupsafe import escape

    return str(escape(translate(message, params, locale="id")))


async def post_form(client: Client, path: str, data: dict[str, Any], *, from_page: str) -> httpx.Response:
    """Open the page the form is on (which sets the CSRF cookie), then submit the form as a browser does."""
    opened = await client.get(from_page)
    assert opened.status_code < 400, opened.text
    token = client.cookies.get("csrftoken")
    assert token
    return await client.post(path, data={**data, "_csrf_token": token}, follow_redirects=False)


def log_in_as(client: Client, token: str) -> None:
    client.cookies.set(SESSION_COOKIE, token)


async def sign_up_by_form(client: Client, venue: Venue, **overrides: Any) -> httpx.Response:
    return await post_form(
        client,
        f"/e/{venue.expo.slug}/signup",
        exhibitor_payload(**overrides),
        from_page=f"/e/{venue.expo.slug}/signup",
    )


async def hold_via_api(client: Client, token: str, booth_id: int) -> int:
    response = await client.post(f"/api/booths/{booth_id}/hold", headers=bearer(token))
    assert response.status_code == 201, response.text
    return int(response.json()["id"])


# --- public pages --------------------------------------------------------------------------------
async def test_expo_home_shows_dates_venue_and_actions(client: Client, session: AsyncSession) -> None:
    venue = await make_venue(session, slug="hari-santri")
    response = await client.get("/e/hari-santri")
    assert response.status_code == 200
    html = response.text
    assert "Expo Uji" in html
    assert "Gedung Uji, Jombang" in html
    assert format_date_range(expo_day(0), expo_day(5), "id") in html
    assert "09.00–21.00 WIB" in html
    assert f'href="/e/{venue.expo.slug}/booths"' in html
    assert f'href="/e/{venue.expo.slug}/signup"' in html


async def test_default_language_is_indonesian_and_lang_switches_to_english(
    client: Client, session: AsyncSession
) -> None:
    await make_venue(session, slug="bahasa")
    assert '<html lang="id">' in (await client.get("/e/bahasa")).text
    assert '<html lang="en">' in (await client.get("/e/bahasa?lang=en")).text
    # the choice is remembered in a cookie
    assert '<html lang="en">' in (await client.get("/e/bahasa")).text


async def test_unknown_expo_is_a_404_page(client: Client) -> None:
    response = await client.get("/e/no-such-expo/booths", headers={"Accept": "text/html"})
    assert response.status_code == 404
    assert "text/html" in response.headers["content-type"]


# --- sign-up -------------------------------------------------------------------------------------
async def test_signup_form_registers_logs_in_and_opens_the_picker(client: Client, session: AsyncSession) -> None:
    venue = await make_venue(session)
    form = await client.get(f"/e/{venue.expo.slug}/signup")
    assert form.status_code == 200
    for name in ("name", "exhibitor_class", "nib", "pesantren_name", "regency", "contact_name", "whatsapp"):
        assert f'name="{name}"' in form.text
    for name in ("email", "cluster", "description", "password"):
        assert f'name="{name}"' in form.text
    assert '<option value="kuliner">Kuliner</option>' in form.text

    response = await sign_up_by_form(client, venue, email="baru@contoh.id")
    assert response.status_code == 303, response.text
    assert response.headers["location"] == f"/e/{venue.expo.slug}/booths"
    assert client.cookies.get(SESSION_COOKIE)

    picker = await client.get(f"/e/{venue.expo.slug}/booths")
    assert "data-hold-form" in picker.text  # a logged-in exhibitor may hold
    me = await client.get("/my-booking")
    assert me.status_code == 200
    assert "Koperasi Pesantren Uji" in me.text


async def test_signup_with_a_bad_nib_shows_the_message_and_keeps_the_input(
    client: Client, session: AsyncSession
) -> None:
    venue = await make_venue(session)
    response = await sign_up_by_form(client, venue, nib="12345", name="Keripik Bu Sri", password="rahasia-123")
    assert response.status_code == 422
    html = response.text
    assert 'id="e-nib"' in html
    assert t("NIB must be exactly 13 digits (from the OSS system).") in html
    assert 'value="Keripik Bu Sri"' in html
    assert 'value="12345"' in html
    assert "rahasia-123" not in html  # passwords are never echoed back
    assert client.cookies.get(SESSION_COOKIE) is None


async def test_signup_missing_fields_are_marked_each(client: Client, session: AsyncSession) -> None:
    venue = await make_venue(session)
    response = await post_form(
        client, f"/e/{venue.expo.slug}/signup", {"name": "Toko"}, from_page=f"/e/{venue.expo.slug}/signup"
    )
    assert response.status_code == 422
    for name in ("exhibitor_class", "nib", "regency", "contact_name", "whatsapp", "email", "password"):
        assert f'id="e-{name}"' in response.text, name
    assert response.text.count(t("This field is required.")) >= 5


async def test_signup_of_a_pesantren_needs_its_name_at_that_field(client: Client, session: AsyncSession) -> None:
    venue = await make_venue(session)
    response = await sign_up_by_form(client, venue, exhibitor_class="pesantren", pesantren_name="  ")
    assert response.status_code == 422
    message = t("Give the pesantren's name.")
    assert f'<span class="field-error" id="e-pesantren_name">{message}</span>' in response.text


async def test_signup_with_a_taken_nib_is_refused_by_the_service(client: Client, session: AsyncSession) -> None:
    venue = await make_venue(session)
    await signup_exhibitor(client, venue.expo_id, nib="9120000099999")
    response = await sign_up_by_form(client, venue, nib="9120000099999", name="Usaha Kedua")
    assert response.status_code == 409
    assert t("A business with this NIB is already registered for this expo.") in response.text
    assert 'id="e-nib"' in response.text
    assert 'value="Usaha Kedua"' in response.text


# --- booth picker ----------------------------------------------------------------------------------
async def test_picker_draws_every_booth_in_an_svg(client: Client, session: AsyncSession) -> None:
    venue = await make_venue(session, booths=6)
    response = await client.get(f"/e/{venue.expo.slug}/booths")
    assert response.status_code == 200
    html = response.text
    assert '<svg class="hall-map" viewBox="-0.5 -0.5 61.0 41.0"' in html
    rects = re.findall(r'<rect class="booth-body"[^>]*data-booth-id="(\d+)"[^>]*data-code="([^"]+)"', html)
    assert sorted(int(booth_id) for booth_id, _ in rects) == sorted(venue.booth_ids)
    assert {code for _, code in rects} == {f"A-0{n}" for n in range(1, 7)}
    assert html.count('data-status="available"') == 6
    assert html.count("<title>A-0") == 6
    # visitors are told how to book, and see no hold form
    assert "data-hold-form" not in html
    assert f"/e/{venue.expo.slug}/signup" in html


async def test_picker_shows_the_selected_booth_without_javascript(client: Client, session: AsyncSession) -> None:
    venue = await make_venue(session)
    response = await client.get(f"/e/{venue.expo.slug}/booths?booth={venue.booth_ids[1]}")
    html = response.text
    panel = html[html.index('id="booth-panel"') :]
    assert '<span data-slot="code">A-02</span>' in panel
    assert "Rp1.500.000" in panel
    assert "Standar 3x3" in panel


async def test_exhibitor_sees_the_price_of_its_class(client: Client, session: AsyncSession) -> None:
    venue = await make_venue(session)
    _exhibitor, token = await signup_exhibitor(client, venue.expo_id, exhibitor_class="pesantren")
    log_in_as(client, token)
    response = await client.get(f"/e/{venue.expo.slug}/booths?booth={venue.booth_ids[0]}")
    panel = response.text[response.text.index('id="booth-panel"') :]
    assert "Rp500.000" in panel


async def test_hold_by_form_then_my_booking_shows_the_booth_and_a_countdown(
    client: Client, session: AsyncSession
) -> None:
    venue = await make_venue(session, hold_minutes=30)
    assert (await sign_up_by_form(client, venue)).status_code == 303
    booth_id = venue.booth_ids[2]
    picker = f"/e/{venue.expo.slug}/booths"
    response = await post_form(client, f"{picker}/{booth_id}/hold", {}, from_page=picker)
    assert response.status_code == 303, response.text
    assert response.headers["location"] == "/my-booking?msg=held"

    page = await client.get("/my-booking?msg=held")
    html = page.text
    assert page.status_code == 200
    assert "A-03" in html
    assert 'class="notice"' in html
    match = re.search(r'data-countdown data-expires="([^"]+)"', html)
    assert match
    assert match.group(1).endswith("+00:00")
    clock = re.search(r"data-countdown-clock>(\d\d):(\d\d)<", html)
    assert clock
    assert 28 <= int(clock.group(1)) <= 29
    assert "/my-booking/" in html  # the cancel form

    again = await client.get(picker)
    assert "is-mine" in again.text


async def test_a_taken_booth_re_renders_the_picker_with_a_409(client: Client, session: AsyncSession) -> None:
    venue = await make_venue(session)
    _other, other_token = await signup_exhibitor(client, venue.expo_id)
    await hold_via_api(client, other_token, venue.booth_ids[0])
    assert (await sign_up_by_form(client, venue)).status_code == 303
    picker = f"/e/{venue.expo.slug}/booths"
    response = await post_form(client, f"{picker}/{venue.booth_ids[0]}/hold", {}, from_page=picker)
    assert response.status_code == 409
    assert 'role="alert"' in response.text
    assert "A-01" in response.text
    assert '<svg class="hall-map"' in response.text


async def test_holding_needs_a_log_in(client: Client, session: AsyncSession) -> None:
    venue = await make_venue(session)
    picker = f"/e/{venue.expo.slug}/booths"
    response = await post_form(client, f"{picker}/{venue.booth_ids[0]}/hold", {}, from_page=picker)
    assert response.status_code == 303
    assert response.headers["location"].startswith("/login")


async def test_a_form_without_the_csrf_token_is_refused(client: Client, session: AsyncSession) -> None:
    venue = await make_venue(session)
    await client.get(f"/e/{venue.expo.slug}/signup")
    response = await client.post(f"/e/{venue.expo.slug}/signup", data=exhibitor_payload(), follow_redirects=False)
    assert response.status_code == 403


# --- my booking ----------------------------------------------------------------------------------
async def test_my_booking_needs_a_log_in(client: Client) -> None:
    response = await client.get("/my-booking", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"].startswith("/login")


async def test_exhibitor_cancels_its_hold_from_my_booking(client: Client, session: AsyncSession) -> None:
    venue = await make_venue(session)
    _exhibitor, token = await signup_exhibitor(client, venue.expo_id)
    booking_id = await hold_via_api(client, token, venue.booth_ids[0])
    log_in_as(client, token)
    response = await post_form(client, f"/my-booking/{booking_id}/cancel", {}, from_page="/my-booking")
    assert response.status_code == 303
    assert response.headers["location"] == "/my-booking?msg=cancelled"
    page = (await client.get("/my-booking")).text
    assert "data-countdown" not in page
    assert 'class="badge cancelled"' in page

    again = await post_form(client, f"/my-booking/{booking_id}/cancel", {}, from_page="/my-booking")
    assert again.status_code == 409
    assert 'role="alert"' in again.text


# --- organiser -----------------------------------------------------------------------------------
async def test_an_exhibitor_cannot_open_organiser_pages(client: Client, session: AsyncSession) -> None:
    venue = await make_venue(session)
    _exhibitor, token = await signup_exhibitor(client, venue.expo_id)
    log_in_as(client, token)
    for path in ("/admin", f"/admin/e/{venue.expo.slug}/booths", f"/admin/e/{venue.expo.slug}/bookings"):
        response = await client.get(path)
        assert response.status_code == 403, path
        assert "text/html" in response.headers["content-type"]


async def test_organiser_overview_lists_expos_with_counts(client: Client, session: AsyncSession) -> None:
    venue = await make_venue(session, booths=4)
    log_in_as(client, await make_user_token(session, Role.ORGANISER))
    response = await client.get("/admin")
    assert response.status_code == 200
    assert "Expo Uji" in response.text
    assert f"/admin/e/{venue.expo.slug}/bookings" in response.text
    assert "<strong>4</strong>" in response.text


async def test_organiser_confirms_moves_and_cancels_by_forms(client: Client, session: AsyncSession) -> None:
    venue = await make_venue(session)
    _exhibitor, exhibitor_token = await signup_exhibitor(client, venue.expo_id, name="Kopontren Al-Ikhlas")
    booking_id = await hold_via_api(client, exhibitor_token, venue.booth_ids[0])
    log_in_as(client, await make_user_token(session, Role.ORGANISER))
    page = f"/admin/e/{venue.expo.slug}/bookings"
    listing = await client.get(page)
    assert listing.status_code == 200
    assert "Kopontren Al-Ikhlas" in listing.text
    assert f"/bookings/{booking_id}/confirm" in listing.text

    too_little = await post_form(
        client, f"{page}/{booking_id}/confirm", {"amount": "1000", "method": "cash"}, from_page=page
    )
    assert too_little.status_code == 422
    assert t("The price is %(price)s; %(amount)s is not enough.", price=500000, amount=1000) in too_little.text

    confirmed = await post_form(
        client,
        f"{page}/{booking_id}/confirm",
        {"amount": "Rp 500.000", "method": "transfer", "reference": "TRF-1", "back": "status=held&evil=1"},
        from_page=page,
    )
    assert confirmed.status_code == 303
    assert confirmed.headers["location"] == f"{page}?status=held&msg=confirmed"
    after = await client.get(f"{page}?msg=confirmed")
    assert 'class="notice"' in after.text
    assert 'class="badge confirmed"' in after.text
    assert "TRF-1" in after.text

    moved = await post_form(client, f"{page}/{booking_id}/move", {"booth_code": "a-03"}, from_page=page)
    assert moved.status_code == 303, moved.text
    assert "A-03" in (await client.get(page)).text

    nowhere = await post_form(client, f"{page}/{booking_id}/move", {"booth_code": "Z-99"}, from_page=page)
    assert nowhere.status_code == 422
    assert t("No booth with code %(code)s.", code="Z-99") in nowhere.text

    cancelled = await post_form(client, f"{page}/{booking_id}/cancel", {"reason": "Tidak jadi ikut"}, from_page=page)
    assert cancelled.status_code == 303
    final = (await client.get(f"{page}?status=cancelled")).text
    assert "Tidak jadi ikut" in final
    assert 'class="badge cancelled"' in final


async def test_organiser_assigns_a_booth_by_form(client: Client, session: AsyncSession) -> None:
    venue = await make_venue(session)
    exhibitor, _token = await signup_exhibitor(client, venue.expo_id, name="UD Berkah Jaya", exhibitor_class="umkm")
    log_in_as(client, await make_user_token(session, Role.ORGANISER))
    page = f"/admin/e/{venue.expo.slug}/bookings"
    form = {"exhibitor_id": str(exhibitor["id"]), "booth_code": "A-04", "confirm": "1", "method": "transfer"}

    unpaid = await post_form(client, f"{page}/assign", form, from_page=page)
    assert unpaid.status_code == 422
    assert t("Record the payment to confirm a paid stand.") in unpaid.text
    assert 'value="A-04"' in unpaid.text  # the form keeps what was typed

    assigned = await post_form(client, f"{page}/assign", form | {"amount": "1.500.000"}, from_page=page)
    assert assigned.status_code == 303, assigned.text
    assert assigned.headers["location"] == f"{page}?msg=assigned"
    listing = (await client.get(page)).text
    assert "UD Berkah Jaya" in listing
    assert "A-04" in listing

    taken = await post_form(client, f"{page}/assign", form | {"amount": "1500000"}, from_page=page)
    assert taken.status_code == 409
    assert t("Booth %(code)s has just been taken by someone else; please choose another.", code="A-04") in taken.text


async def test_organiser_blocks_and_unblocks_a_booth(client: Client, session: AsyncSession) -> None:
    venue = await make_venue(session)
    log_in_as(client, await make_user_token(session, Role.ORGANISER))
    page = f"/admin/e/{venue.expo.slug}/booths"
    booth_id = venue.booth_ids[1]
    blocked = await post_form(
        client, f"{page}/{booth_id}/block", {"reason": "Jalur evakuasi", "back": "status=available"}, from_page=page
    )
    assert blocked.status_code == 303
    assert blocked.headers["location"] == f"{page}?status=available&msg=blocked"
    listing = (await client.get(f"{page}?status=blocked")).text
    assert "Jalur evakuasi" in listing
    assert listing.count('<tr id="booth-') == 1

    picker = (await client.get(f"/e/{venue.expo.slug}/booths")).text
    assert picker.count('data-status="blocked"') == 1

    unblocked = await post_form(client, f"{page}/{booth_id}/unblock", {}, from_page=page)
    assert unblocked.status_code == 303
    assert (await client.get(f"{page}?status=blocked")).text.count('<tr id="booth-') == 0
