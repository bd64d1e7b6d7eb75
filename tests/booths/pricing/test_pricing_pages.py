"""Packages, exhibitor classes, prices and booking rules set in the committee's pages, their audit
entries, and their effect on holds and on the prices exhibitors see: through HTTP on both engines."""

import json
import re
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from booths.venue.models import BoothPackage, Expo
from expo.audit import entries
from expo.formatting import as_utc, format_rupiah
from expo.models import CommitteeRole, Role
from tests.support.factories import Venue, bearer, make_member_token, make_user_token, make_venue, signup_exhibitor
from tests.support.pages import shown as t
from tests.support.passes import Client, log_in_as, post_form

pytestmark = pytest.mark.anyio


def _pages(place: Venue) -> str:
    return f"/admin/e/{place.expo.slug}/packages"


async def _package(session: AsyncSession, package_id: int) -> BoothPackage:
    found = await session.scalar(
        sa.select(BoothPackage).where(col(BoothPackage.id) == package_id).execution_options(populate_existing=True)
    )
    assert found is not None
    return found


async def _expo(session: AsyncSession, expo_id: int) -> Expo:
    found = await session.scalar(
        sa.select(Expo).where(col(Expo.id) == expo_id).execution_options(populate_existing=True)
    )
    assert found is not None
    return found


async def _log(session: AsyncSession, expo_id: int, action: str) -> list[Any]:
    rows = await entries(session, expo_id, action_prefix=action)
    return [r for r in rows if r.action == action]


def _matrix(place: Venue, **cells: str) -> dict[str, str]:
    """The price form as the page sends it, with ``paid_pesantren="0"``-style changes."""
    form = {
        f"packages.{place.paid.id}.price": "1.500.000",
        f"packages.{place.paid.id}.class_prices.pesantren": "500000",
        f"packages.{place.free.id}.price": "0",
    }
    for key, value in cells.items():
        package, _, cls = key.partition("_")
        pid = place.paid.id if package == "paid" else place.free.id
        form[f"packages.{pid}.price" if cls == "base" else f"packages.{pid}.class_prices.{cls}"] = value
    return form


# --- packages ------------------------------------------------------------------------------------
async def test_a_package_is_added_and_edited_in_pages_with_audit_entries(client: Client, session: AsyncSession) -> None:
    place = await make_venue(session)
    log_in_as(client, await make_user_token(session, Role.ORGANISER))
    new = f"{_pages(place)}/new"
    form = {
        "code": "tenda-kuliner",
        "name": "Tenda Kuliner",
        "description": "Tenda 3x3 dengan meja saji",
        "tables": "2",
        "chairs": "4",
        "power_watts": "1300",
        "staff_quota": "3",
        "price": "Rp 750.000",
        "fascia": "on",
    }
    added = await post_form(client, new, form, from_page=new)
    assert added.status_code == 303, added.text
    assert added.headers["location"] == f"{_pages(place)}?msg=package_added"
    package = await session.scalar(sa.select(BoothPackage).where(col(BoothPackage.code) == "tenda-kuliner"))
    assert package is not None
    assert (package.price, package.power_watts, package.power_amps) == (750_000, 1300, 6)  # 1300 W at 220 V
    assert (package.fascia, package.shell, package.tables, package.chairs) == (True, False, 2, 4)
    [created] = await _log(session, place.expo_id, "package.created")
    assert created.subject == "Tenda Kuliner"
    assert created.after["price"] == 750_000

    listing = await client.get(_pages(place))
    assert "Tenda Kuliner" in listing.text
    assert t("power %(w)s W", w=1300) in listing.text
    assert t("fascia name board") in listing.text

    edit = f"{_pages(place)}/{package.id}"
    saved = await post_form(client, edit, form | {"power_watts": "2200", "chairs": "4"}, from_page=edit)
    assert saved.status_code == 303, saved.text
    package = await _package(session, package.id or 0)
    assert (package.power_watts, package.power_amps) == (2200, 10)
    [updated] = await _log(session, place.expo_id, "package.updated")
    assert updated.before == {"power_watts": 1300}
    assert updated.after == {"power_watts": 2200}


async def test_a_package_form_refuses_bad_input_and_keeps_what_was_typed(client: Client, session: AsyncSession) -> None:
    place = await make_venue(session)
    log_in_as(client, await make_user_token(session, Role.ORGANISER))
    new = f"{_pages(place)}/new"
    base = {"code": "baru", "name": "Paket Baru", "tables": "1", "chairs": "2", "power_watts": "900"}

    negative = await post_form(client, new, base | {"price": "-50000"}, from_page=new)
    assert negative.status_code == 422
    assert t("A price cannot be below zero.") in negative.text
    assert 'value="-50000"' in negative.text

    taken = await post_form(client, new, base | {"code": "standar", "price": "0"}, from_page=new)
    assert taken.status_code == 409
    assert t("A package with this code exists.") in taken.text

    other = await make_venue(session)
    elsewhere = f"{_pages(place)}/{other.paid.id}"
    assert (await client.get(elsewhere)).status_code == 404  # another expo's package is not on this page
    assert await _log(session, place.expo_id, "package.created") == []


# --- the price matrix ----------------------------------------------------------------------------
async def test_prices_per_class_are_saved_and_shown_as_what_each_class_pays(
    client: Client, session: AsyncSession
) -> None:
    place = await make_venue(session)
    log_in_as(client, await make_user_token(session, Role.ORGANISER))
    form = _matrix(place, paid_pesantren="0", paid_umkm="1.000.000", paid_sponsor="")
    saved = await post_form(client, f"/admin/e/{place.expo.slug}/prices", form, from_page=_pages(place))
    assert saved.status_code == 303, saved.text

    package = await _package(session, place.paid.id or 0)
    assert package.price == 1_500_000
    assert package.class_prices == {"pesantren": 0, "umkm": 1_000_000}  # sponsor empty: the base price
    [entry] = await _log(session, place.expo_id, "package.prices")
    assert entry.before == {"class_prices": {"pesantren": 500_000}}
    assert entry.after == {"class_prices": {"pesantren": 0, "umkm": 1_000_000}}

    page = await client.get(f"{_pages(place)}?msg=prices_saved")
    effect = page.text.split('id="effect"')[1].split("</section>")[0]
    row = effect.split(f'data-package="{place.paid.id}"')[1].split("</tr>")[0]

    def cell(cls: str) -> str:
        return row.split(f'data-class="{cls}"')[1].split("</td>")[0]

    assert t("Free") in cell("pesantren")
    assert t("after the organisers approve the class") in cell("pesantren")
    assert format_rupiah(1_000_000) in cell("umkm")
    assert t("after the organisers approve the class") in cell("umkm")
    assert format_rupiah(1_500_000) in cell("sponsor")
    assert t("after the organisers approve the class") not in cell("sponsor")


async def test_a_price_below_zero_is_refused_at_its_cell_and_nothing_is_saved(
    client: Client, session: AsyncSession
) -> None:
    place = await make_venue(session)
    log_in_as(client, await make_user_token(session, Role.ORGANISER))
    form = _matrix(place, paid_umkm="750000", paid_koperasi="-1")
    refused = await post_form(client, f"/admin/e/{place.expo.slug}/prices", form, from_page=_pages(place))
    assert refused.status_code == 422
    field = f"packages.{place.paid.id}.class_prices.koperasi"
    assert f'id="e-{field}"' in refused.text
    assert t("A price cannot be below zero.") in refused.text
    assert 'value="-1"' in refused.text
    assert 'value="750000"' in refused.text
    package = await _package(session, place.paid.id or 0)
    assert package.class_prices == {"pesantren": 500_000}
    assert await _log(session, place.expo_id, "package.prices") == []


# --- classes -------------------------------------------------------------------------------------
async def test_a_class_without_approval_gets_its_free_stand_at_once(client: Client, session: AsyncSession) -> None:
    place = await make_venue(session)
    organiser = await make_user_token(session, Role.ORGANISER)
    log_in_as(client, organiser)
    saved = await post_form(
        client, f"/admin/e/{place.expo.slug}/prices", _matrix(place, paid_pesantren="0"), from_page=_pages(place)
    )
    assert saved.status_code == 303
    client.cookies.clear()

    first, token = await signup_exhibitor(client, place.expo_id)  # a pesantren on its own word: pending
    held = await client.post(f"/api/booths/{place.booth_ids[0]}/hold", headers=bearer(token))
    assert held.json()["status"] == "held"  # free by class only once approved
    waiting = f"/api/expos/{place.expo_id}/exhibitors/awaiting-approval"
    assert [e["id"] for e in (await client.get(waiting, headers=bearer(organiser))).json()] == [first["id"]]

    log_in_as(client, organiser)
    classes = {f"classes.{c}.needs_approval": "on" for c in ("koperasi", "umkm", "sponsor", "government")}
    classes |= {"classes.pesantren.name": "Pesantren / OPOP"}  # pesantren: box left unticked
    saved = await post_form(client, f"/admin/e/{place.expo.slug}/classes", classes, from_page=_pages(place))
    assert saved.status_code == 303, saved.text
    [entry] = await _log(session, place.expo_id, "class.updated")
    assert (entry.subject, entry.before, entry.after) == (
        "pesantren",
        {"name": "", "needs_approval": True},
        {"name": "Pesantren / OPOP", "needs_approval": False},
    )
    page = await client.get(_pages(place))
    assert "Pesantren / OPOP" in page.text
    assert (await client.get(waiting, headers=bearer(organiser))).json() == []  # nothing left to approve
    client.cookies.clear()
    signup = await client.get(f"/e/{place.expo.slug}/signup")  # exhibitors choose by the expo's names
    assert '<option value="pesantren">Pesantren / OPOP</option>' in signup.text
    assert f'<option value="umkm">{t("UMKM")}</option>' in signup.text

    _second, token = await signup_exhibitor(client, place.expo_id)
    held = await client.post(f"/api/booths/{place.booth_ids[1]}/hold", headers=bearer(token))
    assert held.status_code == 201, held.text
    assert (held.json()["status"], held.json()["price"]) == ("confirmed", 0)


# --- booking rules -------------------------------------------------------------------------------
async def test_booking_rules_refuse_bad_input(client: Client, session: AsyncSession) -> None:
    place = await make_venue(session)
    log_in_as(client, await make_user_token(session, Role.ORGANISER))
    rules = f"/admin/e/{place.expo.slug}/rules"
    good = {"booth_limit": "2", "hold_minutes": "60", "booking_opens_at": "", "booking_closes_at": ""}

    zero = await post_form(client, rules, good | {"hold_minutes": "0"}, from_page=rules)
    assert zero.status_code == 422
    assert 'id="e-hold_minutes"' in zero.text
    assert t("Must be at least %(n)s.", n=1) in zero.text

    backwards = good | {"booking_opens_at": "2026-09-10T08:00", "booking_closes_at": "2026-09-01T08:00"}
    refused = await post_form(client, rules, backwards, from_page=rules)
    assert refused.status_code == 422
    assert 'id="e-booking_closes_at"' in refused.text
    assert t("Booking must close after it opens.") in refused.text
    assert 'value="2026-09-10T08:00"' in refused.text
    assert await _log(session, place.expo_id, "expo.booking_rules") == []

    saved = await post_form(
        client, rules, good | {"booking_opens_at": "2026-09-01T08:00", "booking_closes_at": ""}, from_page=rules
    )
    assert saved.status_code == 303, saved.text
    expo = await _expo(session, place.expo_id)
    assert expo.booking_opens_at is not None
    assert as_utc(expo.booking_opens_at) == datetime(2026, 9, 1, 1, 0, tzinfo=UTC)  # 08:00 WIB
    assert (expo.booth_limit, expo.hold_minutes, expo.booking_closes_at) == (2, 60, None)
    [entry] = await _log(session, place.expo_id, "expo.booking_rules")
    assert entry.before == {"booth_limit": 1, "hold_minutes": 30, "booking_opens_at": None}
    assert entry.after["booking_opens_at"] == "2026-09-01T01:00:00+00:00"
    page = await client.get(rules)
    assert 'value="2026-09-01T08:00"' in page.text  # shown again in the expo's time


async def test_holds_are_refused_outside_the_booking_window(client: Client, session: AsyncSession) -> None:
    place = await make_venue(session)
    organiser = await make_user_token(session, Role.ORGANISER)
    _exhibitor, token = await signup_exhibitor(client, place.expo_id)
    rules = f"/admin/e/{place.expo.slug}/rules"
    wib = timedelta(hours=7)
    soon = (datetime.now(UTC) + wib + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    past = (datetime.now(UTC) + wib - timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    before_open = {"booth_limit": "1", "hold_minutes": "30", "booking_opens_at": soon, "booking_closes_at": ""}

    log_in_as(client, organiser)
    assert (await post_form(client, rules, before_open, from_page=rules)).status_code == 303
    client.cookies.clear()
    early = await client.post(f"/api/booths/{place.booth_ids[0]}/hold", headers=bearer(token))
    assert early.status_code == 409
    assert early.json()["code"] == "booking_not_open"
    assert soon.replace("T", " ") in early.json()["detail"]

    log_in_as(client, token)  # the picker page says it too
    picker = f"/e/{place.expo.slug}/booths"
    on_page = await post_form(client, f"{picker}/{place.booth_ids[0]}/hold", {}, from_page=picker)
    assert on_page.status_code == 409
    assert t("Booking opens on %(at)s.", at=soon.replace("T", " ")) in on_page.text
    shown_before = await client.get(f"{picker}?booth={place.booth_ids[0]}")
    assert t("Booking opens on %(at)s.", at=soon.replace("T", " ")) in shown_before.text
    assert "data-hold-form" not in shown_before.text  # no hold button until booking opens

    log_in_as(client, organiser)
    closed = {"booth_limit": "1", "hold_minutes": "30", "booking_opens_at": "", "booking_closes_at": past}
    assert (await post_form(client, rules, closed, from_page=rules)).status_code == 303
    client.cookies.clear()
    late = await client.post(f"/api/booths/{place.booth_ids[0]}/hold", headers=bearer(token))
    assert late.status_code == 409
    assert late.json()["code"] == "booking_closed"

    log_in_as(client, organiser)
    open_now = {"booth_limit": "1", "hold_minutes": "30", "booking_opens_at": past, "booking_closes_at": soon}
    assert (await post_form(client, rules, open_now, from_page=rules)).status_code == 303
    log_in_as(client, token)
    assert "data-hold-form" in (await client.get(f"{picker}?booth={place.booth_ids[0]}")).text
    client.cookies.clear()
    held = await client.post(f"/api/booths/{place.booth_ids[0]}/hold", headers=bearer(token))
    assert held.status_code == 201, held.text


# --- what the picker shows -----------------------------------------------------------------------
def _picker_price(html: str, booth_id: int) -> str:
    data = re.search(r'<script type="application/json" id="booth-data">(.*?)</script>', html, re.S)
    assert data is not None
    return str(json.loads(data.group(1))[str(booth_id)]["price"])


async def test_the_picker_shows_each_exhibitor_the_price_of_its_class(client: Client, session: AsyncSession) -> None:
    place = await make_venue(session)
    organiser = await make_user_token(session, Role.ORGANISER)
    log_in_as(client, organiser)
    form = _matrix(place, paid_pesantren="250.000", paid_umkm="1.000.000")
    saved = await post_form(client, f"/admin/e/{place.expo.slug}/prices", form, from_page=_pages(place))
    assert saved.status_code == 303
    client.cookies.clear()
    santri, santri_token = await signup_exhibitor(client, place.expo_id)
    _umkm, umkm_token = await signup_exhibitor(client, place.expo_id, exhibitor_class="umkm", pesantren_name=None)
    booth = place.booth_ids[0]

    def api_price(rows: list[dict[str, Any]]) -> int:
        return int(next(r["price"] for r in rows if r["id"] == booth))

    booths = f"/api/expos/{place.expo_id}/booths"
    assert api_price((await client.get(booths, headers=bearer(santri_token))).json()) == 250_000
    assert api_price((await client.get(booths, headers=bearer(umkm_token))).json()) == 1_000_000
    assert api_price((await client.get(booths)).json()) == 1_500_000  # anyone else: the base price

    log_in_as(client, santri_token)
    picker = await client.get(f"/e/{place.expo.slug}/booths")
    assert _picker_price(picker.text, booth) == format_rupiah(250_000)
    log_in_as(client, umkm_token)
    assert _picker_price((await client.get(f"/e/{place.expo.slug}/booths")).text, booth) == format_rupiah(1_000_000)

    rejected = await client.post(
        f"/api/exhibitors/{santri['id']}/approval", json={"decision": "rejected"}, headers=bearer(organiser)
    )
    assert rejected.status_code == 200, rejected.text
    assert api_price((await client.get(booths, headers=bearer(santri_token))).json()) == 1_500_000
    log_in_as(client, santri_token)
    assert _picker_price((await client.get(f"/e/{place.expo.slug}/booths")).text, booth) == format_rupiah(1_500_000)


# --- who may ------------------------------------------------------------------------------------
async def test_a_member_of_one_expo_cannot_see_or_change_another_expos_prices(
    client: Client, session: AsyncSession
) -> None:
    mine, theirs = await make_venue(session), await make_venue(session)
    log_in_as(client, await make_member_token(session, mine.expo_id, CommitteeRole.ORGANISER))
    assert (await client.get(_pages(mine))).status_code == 200
    for path in (_pages(theirs), f"{_pages(theirs)}/{theirs.paid.id}", f"/admin/e/{theirs.expo.slug}/rules"):
        assert (await client.get(path)).status_code == 403, path

    forms = {
        f"/admin/e/{theirs.expo.slug}/prices": _matrix(theirs, paid_base="1"),
        f"/admin/e/{theirs.expo.slug}/classes": {"classes.umkm.name": "Diubah"},
        f"/admin/e/{theirs.expo.slug}/rules": {"booth_limit": "9", "hold_minutes": "5"},
        f"{_pages(theirs)}/{theirs.paid.id}": {"name": "Diubah", "price": "1"},
        f"{_pages(theirs)}/new": {"code": "x", "name": "X", "price": "1"},
    }
    for path, form in forms.items():
        refused = await post_form(client, path, form, from_page=_pages(mine))
        assert refused.status_code == 403, path
    # Their package shows up in my form under my expo's address: still not mine.
    sneaky = await post_form(
        client, f"/admin/e/{mine.expo.slug}/prices", _matrix(theirs, paid_base="1"), from_page=_pages(mine)
    )
    assert sneaky.status_code == 404
    assert (await _package(session, theirs.paid.id or 0)).price == 1_500_000
    assert (await _expo(session, theirs.expo_id)).booth_limit == 1

    log_in_as(client, await make_member_token(session, mine.expo_id, CommitteeRole.TREASURER))
    assert (await client.get(_pages(mine))).status_code == 403  # prices are the set-up's, not the treasurer's
