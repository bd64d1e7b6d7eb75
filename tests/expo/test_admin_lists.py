"""The organisers' list pages: paged and sorted (expo/paging.py and templates/_paging.html), the one
admin navigation per role, and plain words on the Indonesian admin pages."""

import html
import re

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy.ext.asyncio import AsyncSession

from booths.venue import service as venue_service
from booths.venue.schemas import BlockRequest
from expo.auth import SESSION_COOKIE
from expo.models import CommitteeRole, Role
from tests.support.factories import Venue, bearer, make_member_token, make_user_token, make_venue, signup_exhibitor
from tests.support.pages import shown
from tests.support.passes import confirmed_exhibitor, post_form

pytestmark = pytest.mark.anyio

Client = AsyncTestClient[Litestar]

BOOTH_ROW = re.compile(r'<tr id="booth-\d+">\s*<td[^>]*><strong>([A-Z]-\d+)</strong>')
BOOKING_ROW = re.compile(r'<tr id="booking-\d+"[^>]*>\s*<td[^>]*><strong>([A-Z]-\d+)</strong>')
PASS_ROW = re.compile(r'<tr id="pass-\d+">.*?<td data-label="[^"]*">([^<]+)</td>', re.S)
NAV_SECTION = re.compile(r'data-section="([a-z_]+)"')


def log_in(client: Client, token: str) -> None:
    client.cookies.set(SESSION_COOKIE, token)


async def sixty_booths(session: AsyncSession) -> Venue:
    """The test venue with A-01 to A-60 (its own row of six, and three more rows)."""
    venue = await make_venue(session)
    assert venue.hall.id is not None
    assert venue.paid.id is not None
    block = BlockRequest(
        package_id=venue.paid.id,
        origin_x_m=3,
        origin_y_m=9,
        rows=3,
        columns=18,
        booth_width_m=3,
        booth_depth_m=3,
        prefix="A",
        start_number=7,
    )
    await venue_service.generate_block(session, venue.hall.id, block)
    await session.commit()
    return venue


async def organiser_login(client: Client, session: AsyncSession) -> str:
    """Logs the client in as an organiser of every expo of the test; returns the token."""
    token = await make_user_token(session, Role.ORGANISER)
    log_in(client, token)
    return token


# --- paging and sorting ------------------------------------------------------------------------
async def test_booths_list_pages_sorts_and_keeps_filters(client: Client, session: AsyncSession) -> None:
    venue = await sixty_booths(session)
    await organiser_login(client, session)
    url = f"/admin/e/{venue.expo.slug}/booths"

    first = await client.get(url)
    assert first.status_code == 200
    codes = BOOTH_ROW.findall(first.text)
    assert codes == [f"A-{n:02d}" for n in range(1, 51)]
    assert shown("Showing %(first)s–%(last)s of %(total)s", first=1, last=50, total=60) in first.text
    assert 'href="?page=2" rel="next"' in first.text

    second = await client.get(url, params={"page": "2"})
    assert BOOTH_ROW.findall(second.text) == [f"A-{n:02d}" for n in range(51, 61)]
    assert shown("Showing %(first)s–%(last)s of %(total)s", first=51, last=60, total=60) in second.text

    reverse = await client.get(url, params={"sort": "-booth"})
    assert BOOTH_ROW.findall(reverse.text)[:3] == ["A-60", "A-59", "A-58"]
    assert 'aria-sort="descending"' in reverse.text

    # the filters stay in the page and sort links
    filtered = await client.get(url, params={"status": "available", "sort": "-booth"})
    assert "status=available&amp;sort=-booth&amp;page=2" in filtered.text
    assert 'name="back" value="status=available&amp;sort=-booth"' in filtered.text

    # nonsense falls back to the first page (or the last one) in the default order, never an error
    for params, expected_first in (
        ({"page": "abc"}, "A-01"),
        ({"page": "-3"}, "A-01"),
        ({"page": "0"}, "A-01"),
        ({"page": "999999"}, "A-51"),
        ({"sort": "password"}, "A-01"),
        ({"sort": "--booth"}, "A-01"),
        ({"sort": "-", "page": "2"}, "A-51"),
    ):
        response = await client.get(url, params=params)
        assert response.status_code == 200, params
        assert BOOTH_ROW.findall(response.text)[0] == expected_first, params


async def test_bookings_waiting_for_payment_come_first(client: Client, session: AsyncSession) -> None:
    venue = await make_venue(session, booths=4)
    organiser = bearer(await make_user_token(session, Role.ORGANISER))
    await confirmed_exhibitor(client, venue, organiser, booth_index=0)
    for index in (1, 2):
        _, token = await signup_exhibitor(client, venue.expo_id)
        held = await client.post(f"/api/booths/{venue.booth_ids[index]}/hold", headers=bearer(token))
        assert held.status_code == 201, held.text
    await confirmed_exhibitor(client, venue, organiser, booth_index=3)
    client.cookies.clear()
    log_in(client, organiser["Authorization"].removeprefix("Bearer "))
    url = f"/admin/e/{venue.expo.slug}/bookings"

    default = await client.get(url)
    assert default.status_code == 200
    assert BOOKING_ROW.findall(default.text)[:2] == ["A-02", "A-03"]  # the holds, soonest to run out first
    assert shown("Bookings waiting for payment first, the soonest to run out first.") in default.text

    by_booth = await client.get(url, params={"sort": "booth"})
    assert BOOKING_ROW.findall(by_booth.text) == ["A-01", "A-02", "A-03", "A-04"]
    by_booth_reversed = await client.get(url, params={"sort": "-booth"})
    assert BOOKING_ROW.findall(by_booth_reversed.text) == ["A-04", "A-03", "A-02", "A-01"]

    # an action returns to the same order
    booking_id = re.search(r'<tr id="booking-(\d+)"', by_booth_reversed.text)
    assert booking_id
    cancelled = await post_form(
        client,
        f"{url}/{booking_id.group(1)}/cancel",
        {"reason": "uji", "back": "sort=-booth&page=1"},
        from_page=f"{url}?sort=-booth",
    )
    assert cancelled.status_code == 303
    assert cancelled.headers["location"].startswith(f"{url}?sort=-booth&page=1&msg=cancelled")


async def test_passes_list_pages_in_the_database_and_says_what_print_all_prints(
    client: Client, session: AsyncSession
) -> None:
    venue = await make_venue(session)
    token = await organiser_login(client, session)
    names = "".join(f"Pengunjung {n:02d}\n" for n in range(1, 56))
    imported = await client.post(
        f"/api/expos/{venue.expo_id}/passes/import?kind=visitor",
        content=f"name\n{names}".encode(),
        headers={"content-type": "text/csv", **bearer(token)},
    )
    assert imported.status_code == 201, imported.text
    url = f"/admin/e/{venue.expo.slug}/passes"

    first = await client.get(url)
    holders = [h.strip() for h in PASS_ROW.findall(first.text)]
    assert holders == [f"Pengunjung {n:02d}" for n in range(1, 51)]
    second = await client.get(url, params={"page": "2"})
    assert [h.strip() for h in PASS_ROW.findall(second.text)] == [f"Pengunjung {n:02d}" for n in range(51, 56)]
    reverse = await client.get(url, params={"sort": "-name"})
    assert [h.strip() for h in PASS_ROW.findall(reverse.text)][:2] == ["Pengunjung 55", "Pengunjung 54"]
    assert (await client.get(url, params={"sort": "'; drop", "page": "x"})).status_code == 200

    # "print all" says how many passes of which kinds it prints
    assert "Cetak semua 55 pas aktif" in first.text
    assert re.search(r'id="print-all-means">[^<]*55 Pengunjung', first.text)
    searched = await client.get(url, params={"q": "Pengunjung 0"})
    assert "Cetak semua 9 pas aktif" in searched.text

    # printing the ticked passes with none ticked says so instead of printing everything
    refused = await post_form(client, f"{url}/print", {"what": "ticked", "paper": "a4"}, from_page=url)
    assert refused.status_code == 422
    assert shown("Tick the passes to print first, or print all of them.") in refused.text


# --- one navigation per role -------------------------------------------------------------------
async def test_navigation_shows_only_the_sections_of_the_role(client: Client, session: AsyncSession) -> None:
    venue = await make_venue(session)
    slug = venue.expo.slug

    log_in(client, await make_member_token(session, venue.expo_id, CommitteeRole.TREASURER))
    page = await client.get(f"/admin/e/{slug}/bookings")
    assert page.status_code == 200
    assert NAV_SECTION.findall(page.text) == [
        "exhibitors",
        "documents",
        "bookings",
        "payments",
        "addons",
        "refunds",
        "revenue",
        "applications",
        "sales",
        "dashboard",
        "report",
        "catalogue_stats",
    ]
    assert f'href="/admin/e/{slug}/bookings" data-section="bookings" aria-current="page"' in page.text
    assert (await client.get(f"/admin/e/{slug}/booths")).status_code == 403
    overview = await client.get("/admin")
    assert f'href="/admin/e/{slug}/bookings"' in overview.text
    assert f'href="/admin/e/{slug}/booths' not in overview.text

    log_in(client, await make_member_token(session, venue.expo_id, CommitteeRole.GATE_LEAD))
    page = await client.get(f"/admin/e/{slug}/passes")
    assert page.status_code == 200
    assert NAV_SECTION.findall(page.text) == ["passes", "gates"]
    assert 'data-section="passes" aria-current="page"' in page.text
    gates = await client.get(f"/admin/e/{slug}/gates")
    assert NAV_SECTION.findall(gates.text) == ["passes", "gates"]
    assert 'data-section="gates" aria-current="page"' in gates.text

    log_in(client, await make_member_token(session, venue.expo_id, CommitteeRole.ORGANISER))
    page = await client.get(f"/admin/e/{slug}/booths")
    assert NAV_SECTION.findall(page.text) == [
        "settings",
        "layout",
        "packages",
        "booths",
        "exhibitors",
        "documents",
        "bookings",
        "payments",
        "addons",
        "refunds",
        "revenue",
        "applications",
        "sales",
        "dashboard",
        "report",
        "catalogue_stats",
        "allocation",
        "map",
        "signs",
        "passes",
        "gates",
        "messages",
        "message_settings",
        "committee",
        "audit",
        "jobs",
    ]


async def test_a_member_of_one_expo_cannot_open_the_lists_of_another(client: Client, session: AsyncSession) -> None:
    mine = await make_venue(session)
    other = await make_venue(session)
    log_in(client, await make_member_token(session, mine.expo_id, CommitteeRole.ORGANISER))
    for section in ("booths", "bookings", "applications", "allocation", "map", "passes", "gates/setup", "gates"):
        assert (await client.get(f"/admin/e/{mine.expo.slug}/{section}")).status_code == 200, section
        response = await client.get(f"/admin/e/{other.expo.slug}/{section}", params={"page": "2", "sort": "-booth"})
        assert response.status_code == 403, section
    overview = await client.get("/admin")
    assert f"/admin/e/{mine.expo.slug}/" in overview.text
    assert f"/admin/e/{other.expo.slug}/" not in overview.text


# --- plain words ---------------------------------------------------------------------------------
BANNED = re.compile(
    r"\bseed\b|\bdraft\b|cp-?sat|\bfit\b|handbook|zone:|hall:|package:|clusters=|classes=|\bsolver\b"
    r"|versi denah|\bdry run\b|\bbound\b",
    re.IGNORECASE,
)


def visible_text(page: str) -> str:
    """What a reader sees: no scripts, styles or tags (attributes such as form values are not read)."""
    page = re.sub(r"<(script|style)\b.*?</\1>", " ", page, flags=re.S | re.I)
    page = re.sub(r"<[^>]+>", " ", page)
    return html.unescape(page)


async def test_admin_pages_in_indonesian_have_no_developer_words(client: Client, session: AsyncSession) -> None:
    venue = await make_venue(session, booths=3)
    organiser = bearer(await make_user_token(session, Role.ORGANISER))
    await confirmed_exhibitor(client, venue, organiser)
    slug = venue.expo.slug
    window = {
        "opens_at": "2020-01-01T00:00:00Z",
        "closes_at": "2099-01-01T00:00:00Z",
        "time_limit_s": 1,
        "zone_rules": [{"zone": "hall:A", "clusters": ["kuliner"]}, {"zone": "package:gratis", "classes": ["umkm"]}],
    }
    assert (
        await client.put(f"/api/expos/{venue.expo_id}/allocation/settings", json=window, headers=organiser)
    ).is_success
    _, applicant = await signup_exhibitor(client, venue.expo_id)
    log_in(client, applicant)
    choices = {"cluster": "kuliner", "preferences": ["A-02", "zone:kuliner", "hall:A"]}
    applied = await post_form(client, f"/e/{slug}/apply", choices, from_page=f"/e/{slug}/apply")
    assert applied.status_code == 303, applied.text
    client.cookies.clear()
    log_in(client, organiser["Authorization"].removeprefix("Bearer "))
    ran = await post_form(
        client, f"/admin/e/{slug}/allocation/run", {"seed": "42"}, from_page=f"/admin/e/{slug}/allocation"
    )
    assert ran.status_code in {200, 303}, ran.text
    pages = ["/admin", *(f"/admin/e/{slug}/{p}" for p in ("booths", "bookings", "applications", "map"))]
    pages += [f"/admin/e/{slug}/{p}" for p in ("passes", "gates/setup", "gates")]
    pages += [ran.headers.get("location") or f"/admin/e/{slug}/allocation", f"/e/{slug}/map", f"/e/{slug}/apply"]
    for path in pages:
        response = await client.get(path)
        assert response.status_code == 200, path
        assert 'lang="id"' in response.text
        text = visible_text(response.text)
        if "allocation" in path:  # the area rules are picked from lists, not written as code
            assert '<option value="hall:A" selected>' in response.text
            assert 'name="zr1_cs_umkm" value="1" checked' in response.text
        found = BANNED.findall(text)
        assert not found, (path, found)
