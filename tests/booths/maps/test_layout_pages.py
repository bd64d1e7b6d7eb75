"""The layout editor page and the calls it makes: halls, generated blocks (preview, save, refusals),
one booth, venue features, dragging through the API, the layout check, CSV, the audit log and access
across two expos."""

import pytest
import sqlalchemy as sa
from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from booths.maps.models import VenueFeature
from booths.venue.models import Booth, Hall
from expo.models import AuditEntry, CommitteeRole, Role
from tests.support.factories import bearer, make_member_token, make_user_token, make_venue, signup_exhibitor
from tests.support.pages import shown as t
from tests.support.passes import log_in_as, post_form

pytestmark = pytest.mark.anyio

Client = AsyncTestClient[Litestar]


async def _actions(session: AsyncSession, expo_id: int) -> list[tuple[str, str]]:
    rows = await session.execute(
        sa.select(col(AuditEntry.action), col(AuditEntry.subject))
        .where(col(AuditEntry.expo_id) == expo_id)
        .order_by(col(AuditEntry.id))
    )
    return [(a, s) for a, s in rows.all()]


def _block(package_id: int, **overrides: str) -> dict[str, str]:
    return {
        "package_id": str(package_id),
        "origin_x_m": "2",
        "origin_y_m": "2",
        "rows": "4",
        "columns": "10",
        "booth_width_m": "3",
        "booth_depth_m": "3",
        "aisle_m": "3",
        "prefix": "B",
        "start_number": "1",
        "number_width": "2",
        "cluster": "",
        "action": "save",
    } | overrides


async def test_add_a_hall_then_preview_and_save_a_block_of_forty(client: Client, session: AsyncSession) -> None:
    venue = await make_venue(session)
    log_in_as(client, await make_user_token(session, Role.ORGANISER))
    page = f"/admin/e/{venue.expo.slug}/layout"

    opened = await client.get(page)
    assert opened.status_code == 200
    assert t("Layout: halls and booths") in opened.text
    assert 'data-booth-id="' in opened.text  # hall A with its booths drawn

    added = await post_form(
        client,
        f"{page}/halls",
        {"name": "Aula Utama", "code": "b", "kind": "hall", "width_m": "40", "depth_m": "30"},
        from_page=page,
    )
    assert added.status_code == 303
    assert added.headers["location"] == f"{page}?hall=B&msg=hall_added"
    hall = await session.scalar(sa.select(Hall).where(col(Hall.expo_id) == venue.expo_id, col(Hall.code) == "B"))
    assert hall is not None
    assert (hall.width_m, hall.depth_m) == (40, 30)

    preview = await post_form(
        client, f"{page}/halls/{hall.id}/block", _block(venue.paid.id or 0, action="preview"), from_page=page
    )
    assert preview.status_code == 200
    assert t(
        "Preview: %(n)s booths, %(first)s to %(last)s. Nothing is saved yet.", n=40, first="B-01", last="B-40"
    ) in (preview.text)
    assert preview.text.count('class="lay-preview"') == 40
    assert not await session.scalar(sa.select(sa.func.count()).where(col(Booth.hall_id) == hall.id))

    saved = await post_form(client, f"{page}/halls/{hall.id}/block", _block(venue.paid.id or 0), from_page=page)
    assert saved.status_code == 303
    assert saved.headers["location"] == f"{page}?hall=B&msg=block_added"
    codes = (await session.scalars(sa.select(col(Booth.code)).where(col(Booth.hall_id) == hall.id))).all()
    assert len(codes) == 40
    assert "B-01" in codes
    assert "B-40" in codes
    shown_page = await client.get(saved.headers["location"])
    assert shown_page.text.count('data-booth-id="') == 40
    assert t("The booths are added.") in shown_page.text

    actions = await _actions(session, venue.expo_id)
    assert ("hall.created", "B") in actions
    assert ("booths.generated", "B-01 … B-40") in actions


async def test_block_refusals_are_shown_next_to_the_form_and_nothing_is_saved(
    client: Client, session: AsyncSession
) -> None:
    venue = await make_venue(session)  # booths A-01..A-06 at y 3..6, x 3..21 of a 60 x 40 hall
    log_in_as(client, await make_user_token(session, Role.ORGANISER))
    page = f"/admin/e/{venue.expo.slug}/layout"
    url = f"{page}/halls/{venue.hall.id}/block"

    overlapping = await post_form(
        client, url, _block(venue.paid.id or 0, origin_x_m="4", origin_y_m="4"), from_page=page
    )
    assert overlapping.status_code == 409
    assert t("Booth %(code)s of the block would overlap booth %(other)s.", code="B-01", other="A-01") in (
        overlapping.text
    )
    assert 'id="block"' in overlapping.text
    assert 'value="4"' in overlapping.text

    outside = await post_form(
        client, url, _block(venue.paid.id or 0, origin_y_m="20", rows="1", columns="25"), from_page=page
    )
    assert outside.status_code == 422
    assert (
        t(
            "Booth %(code)s of the block would lie outside hall %(hall)s (%(w)s x %(d)s m).",
            code="B-20",
            hall="A",
            w="60",
            d="40",
        )
        in outside.text
    )

    taken = await post_form(client, url, _block(venue.paid.id or 0, prefix="A", origin_y_m="20"), from_page=page)
    assert taken.status_code == 409
    assert "A-01" in taken.text

    bad = await post_form(client, url, _block(venue.paid.id or 0, rows="0", booth_width_m="-1"), from_page=page)
    assert bad.status_code == 422
    assert t("Some fields are not valid.") in bad.text
    assert bad.text.count('aria-invalid="true"') >= 2
    count = await session.scalar(sa.select(sa.func.count()).where(col(Booth.hall_id) == venue.hall.id))
    assert count == 6


async def test_hall_form_refusals(client: Client, session: AsyncSession) -> None:
    venue = await make_venue(session)
    log_in_as(client, await make_user_token(session, Role.ORGANISER))
    page = f"/admin/e/{venue.expo.slug}/layout"
    form = {"name": "Lagi", "code": "A", "kind": "hall", "width_m": "20", "depth_m": "20"}

    taken = await post_form(client, f"{page}/halls", form, from_page=page)
    assert taken.status_code == 409
    assert t("A hall with this code exists.") in taken.text

    bad = await post_form(client, f"{page}/halls", form | {"code": "C", "width_m": "nol"}, from_page=page)
    assert bad.status_code == 422
    assert 'value="nol"' in bad.text

    # Shrinking a hall below its booths is refused with their codes.
    shrink = await post_form(
        client, f"{page}/halls/{venue.hall.id}", {"name": "Hall A", "width_m": "10", "depth_m": "40"}, from_page=page
    )
    assert shrink.status_code == 409
    assert "A-03" in shrink.text


async def test_edit_block_and_delete_one_booth(client: Client, session: AsyncSession) -> None:
    venue = await make_venue(session)
    log_in_as(client, await make_user_token(session, Role.ORGANISER))
    page = f"/admin/e/{venue.expo.slug}/layout"
    booth_id = venue.booth_ids[5]  # A-06 at x 18

    shown_page = await client.get(f"{page}?booth={booth_id}")
    assert f'action="{page}/booths/{booth_id}"' in shown_page.text
    form = {
        "code": "A-06",
        "x_m": "18",
        "y_m": "3",
        "width_m": "4",
        "depth_m": "3",
        "package_id": str(venue.free.id),
        "cluster": "kuliner",
        "blocked": "on",
        "blocked_reason": "Tiang listrik",
    }
    saved = await post_form(client, f"{page}/booths/{booth_id}", form, from_page=page)
    assert saved.status_code == 303, saved.text
    booth = await session.get(Booth, booth_id)
    assert booth is not None
    await session.refresh(booth)
    assert (booth.width_m, booth.package_id, booth.cluster, booth.blocked, booth.blocked_reason) == (
        4,
        venue.free.id,
        "kuliner",
        True,
        "Tiang listrik",
    )

    overlap = await post_form(client, f"{page}/booths/{booth_id}", form | {"x_m": "16"}, from_page=page)
    assert overlap.status_code == 409
    assert t("The booth overlaps booth %(code)s.", code="A-05") in overlap.text

    deleted = await post_form(client, f"{page}/booths/{booth_id}/delete", {}, from_page=page)
    assert deleted.status_code == 303
    assert not await session.scalar(sa.select(sa.func.count()).where(col(Booth.id) == booth_id))

    actions = [a for a, _ in await _actions(session, venue.expo_id)]
    assert "booth.updated" in actions
    assert "booth.blocked" in actions
    assert "booth.deleted" in actions


async def test_a_booked_booth_cannot_be_moved_or_deleted(client: Client, session: AsyncSession) -> None:
    venue = await make_venue(session)
    _exhibitor, token = await signup_exhibitor(client, venue.expo_id)
    assert (await client.post(f"/api/booths/{venue.booth_ids[0]}/hold", headers=bearer(token))).status_code == 201
    log_in_as(client, await make_user_token(session, Role.ORGANISER))
    page = f"/admin/e/{venue.expo.slug}/layout"

    refused = await post_form(client, f"{page}/booths/{venue.booth_ids[0]}/delete", {}, from_page=page)
    assert refused.status_code == 409
    assert t("Booth %(code)s is booked and cannot be deleted.", code="A-01") in refused.text

    token_csrf = client.cookies.get("csrftoken") or ""
    moved = await client.patch(
        f"/api/booths/{venue.booth_ids[0]}", json={"x_m": 40, "y_m": 20}, headers={"X-CSRFToken": token_csrf}
    )
    assert moved.status_code == 409
    assert moved.json()["code"] == "booth_booked"


async def test_dragging_through_the_api_saves_or_refuses_and_is_audited(client: Client, session: AsyncSession) -> None:
    """What the page script sends: PATCH with the cookie and the CSRF header."""
    venue = await make_venue(session)
    log_in_as(client, await make_user_token(session, Role.ORGANISER))
    page = f"/admin/e/{venue.expo.slug}/layout"
    await client.get(page)
    headers = {"X-CSRFToken": client.cookies.get("csrftoken") or ""}
    booth_id = venue.booth_ids[0]

    no_csrf = await client.patch(f"/api/booths/{booth_id}", json={"x_m": 30, "y_m": 20})
    assert no_csrf.status_code == 403

    moved = await client.patch(f"/api/booths/{booth_id}", json={"x_m": 30.5, "y_m": 20}, headers=headers)
    assert moved.status_code == 200, moved.text
    assert (moved.json()["x_m"], moved.json()["y_m"]) == (30.5, 20)

    onto = await client.patch(f"/api/booths/{booth_id}", json={"x_m": 7, "y_m": 3}, headers=headers)
    assert onto.status_code == 409
    assert onto.json()["errors"][0]["message"] == t("The booth overlaps booth %(code)s.", code="A-02")
    outside = await client.patch(f"/api/booths/{booth_id}", json={"x_m": 58.5, "y_m": 20}, headers=headers)
    assert outside.status_code == 422
    assert outside.json()["code"] == "booth_outside_hall"

    entries = await session.execute(
        sa.select(col(AuditEntry.action), col(AuditEntry.before), col(AuditEntry.after)).where(
            col(AuditEntry.expo_id) == venue.expo_id, col(AuditEntry.action) == "booth.moved"
        )
    )
    assert [tuple(r) for r in entries.all()] == [("booth.moved", {"x_m": 3.0, "y_m": 3.0}, {"x_m": 30.5, "y_m": 20.0})]


async def test_place_move_edit_and_delete_a_feature(client: Client, session: AsyncSession) -> None:
    venue = await make_venue(session)
    log_in_as(client, await make_user_token(session, Role.ORGANISER))
    page = f"/admin/e/{venue.expo.slug}/layout"
    url = f"{page}/halls/{venue.hall.id}/features"
    form = {"kind": "musholla", "label": "Musholla", "x_m": "50", "y_m": "30", "width_m": "4", "depth_m": "4"}

    outside = await post_form(client, url, form | {"x_m": "58"}, from_page=page)
    assert outside.status_code == 422
    assert t("The feature must lie inside hall %(hall)s (%(w)s x %(d)s m).", hall="A", w=60.0, d=40.0) in (outside.text)
    unknown = await post_form(client, url, form | {"kind": "kolam"}, from_page=page)
    assert unknown.status_code == 422
    assert t("Choose one of the options.") in unknown.text

    added = await post_form(client, url, form, from_page=page)
    assert added.status_code == 303
    feature = await session.scalar(sa.select(VenueFeature).where(col(VenueFeature.expo_id) == venue.expo_id))
    assert feature is not None
    assert feature.kind == "musholla"
    assert f'data-feature-id="{feature.id}"' in (await client.get(f"{page}?hall=A")).text

    headers = {"X-CSRFToken": client.cookies.get("csrftoken") or ""}
    moved = await client.patch(f"/api/features/{feature.id}", json={"x_m": 40, "y_m": 30}, headers=headers)
    assert moved.status_code == 200
    refused = await client.patch(f"/api/features/{feature.id}", json={"x_m": 57, "y_m": 30}, headers=headers)
    assert refused.status_code == 422

    edited = await post_form(
        client, f"{page}/features/{feature.id}", form | {"kind": "toilet", "label": "WC"}, from_page=page
    )
    assert edited.status_code == 303
    deleted = await post_form(client, f"{page}/features/{feature.id}/delete", {}, from_page=page)
    assert deleted.status_code == 303
    assert not await session.scalar(sa.select(sa.func.count()).where(col(VenueFeature.expo_id) == venue.expo_id))
    actions = [a for a, _ in await _actions(session, venue.expo_id)]
    assert actions[-4:] == ["feature.created", "feature.moved", "feature.updated", "feature.deleted"]


async def test_layout_check_findings_and_csv_links_are_on_the_page(client: Client, session: AsyncSession) -> None:
    venue = await make_venue(session)
    log_in_as(client, await make_user_token(session, Role.ORGANISER))
    page = f"/admin/e/{venue.expo.slug}/layout"
    # A stage drawn over booth A-01: an error of the layout check.
    stage = {"kind": "stage", "label": "Utama", "x_m": "3", "y_m": "3", "width_m": "2", "depth_m": "2"}
    await post_form(client, f"{page}/halls/{venue.hall.id}/features", stage, from_page=page)

    shown_page = (await client.get(page)).text
    assert t("Layout check") in shown_page
    assert 'class="lay-finding-line lay-finding-line--error"' in shown_page
    assert t("Booth %(booth)s overlaps %(feature)s.", booth="A-01", feature="Utama") in shown_page
    assert f'href="/admin/e/{venue.expo.slug}/map"' in shown_page
    assert f'href="/api/expos/{venue.expo_id}/booths.csv"' in shown_page
    csv = await client.get(f"/api/expos/{venue.expo_id}/booths.csv")
    assert csv.status_code == 200
    assert "A-01" in csv.text

    opened = await client.get(page)
    assert opened.status_code == 200
    token = client.cookies.get("csrftoken") or ""
    body = csv.text
    imported = await client.post(
        f"{page}/import",
        files={"file": ("booths.csv", body.encode(), "text/csv")},
        data={"_csrf_token": token},
        follow_redirects=False,
    )
    assert imported.status_code == 303, imported.text
    assert ("booths.imported", "") in await _actions(session, venue.expo_id)


async def test_a_member_of_one_expo_cannot_see_or_change_another(client: Client, session: AsyncSession) -> None:
    mine = await make_venue(session)
    other = await make_venue(session)
    log_in_as(client, await make_member_token(session, mine.expo_id, CommitteeRole.ORGANISER))
    page = f"/admin/e/{mine.expo.slug}/layout"
    assert (await client.get(page)).status_code == 200
    assert (await client.get(f"/admin/e/{other.expo.slug}/layout")).status_code == 403

    token = client.cookies.get("csrftoken") or ""
    other_hall = f"/admin/e/{other.expo.slug}/layout/halls/{other.hall.id}/block"
    assert (await post_form(client, other_hall, _block(other.paid.id or 0), from_page=page)).status_code == 403
    # Another expo's booth through this expo's address: not found; through the API: forbidden.
    crossed = await post_form(client, f"{page}/booths/{other.booth_ids[0]}/delete", {}, from_page=page)
    assert crossed.status_code == 404
    api = await client.patch(
        f"/api/booths/{other.booth_ids[0]}", json={"x_m": 40, "y_m": 20}, headers={"X-CSRFToken": token}
    )
    assert api.status_code == 403
    assert await session.get(Booth, other.booth_ids[0]) is not None


async def test_treasurer_may_not_edit_the_layout(client: Client, session: AsyncSession) -> None:
    venue = await make_venue(session)
    log_in_as(client, await make_member_token(session, venue.expo_id, CommitteeRole.TREASURER))
    assert (await client.get(f"/admin/e/{venue.expo.slug}/layout")).status_code == 403


async def test_booth_picker_draws_the_venue_features(client: Client, session: AsyncSession) -> None:
    venue = await make_venue(session)
    log_in_as(client, await make_user_token(session, Role.ORGANISER))
    page = f"/admin/e/{venue.expo.slug}/layout"
    for kind, x in (("musholla", "30"), ("toilet", "40"), ("stage", "45")):
        form = {"kind": kind, "label": kind.title(), "x_m": x, "y_m": "30", "width_m": "4", "depth_m": "4"}
        assert (
            await post_form(client, f"{page}/halls/{venue.hall.id}/features", form, from_page=page)
        ).status_code == 303
    client.cookies.clear()
    picker = await client.get(f"/e/{venue.expo.slug}/booths")
    assert picker.status_code == 200
    for kind in ("musholla", "toilet", "stage"):
        assert f'class="pk-feature pk-feature--{kind}"' in picker.text


@pytest.mark.parametrize("hostile", ["\u0000", "x" * 5000, "-1", "1e400", "١٢٣"])
async def test_hostile_form_input_is_answered_on_the_page(client: Client, session: AsyncSession, hostile: str) -> None:
    venue = await make_venue(session)
    log_in_as(client, await make_user_token(session, Role.ORGANISER))
    page = f"/admin/e/{venue.expo.slug}/layout"
    forms = {
        f"{page}/halls": {"name": "H", "code": "H", "kind": "hall", "width_m": "10", "depth_m": "10"},
        f"{page}/halls/{venue.hall.id}": {"name": "H", "width_m": "60", "depth_m": "40"},
        f"{page}/halls/{venue.hall.id}/block": _block(venue.paid.id or 0, origin_y_m="20"),
        f"{page}/booths/{venue.booth_ids[0]}": {
            "code": "A-01",
            "x_m": "3",
            "y_m": "3",
            "width_m": "3",
            "depth_m": "3",
            "package_id": str(venue.paid.id),
            "cluster": "",
            "blocked": "on",
            "blocked_reason": "ok",
        },
        f"{page}/halls/{venue.hall.id}/features": {
            "kind": "toilet",
            "label": "WC",
            "x_m": "40",
            "y_m": "30",
            "width_m": "2",
            "depth_m": "2",
        },
    }
    for url, form in forms.items():
        for name in form:
            answer = await post_form(client, url, form | {name: hostile}, from_page=page)
            assert answer.status_code < 500, (url, name, answer.text[:300])
            if answer.status_code >= 400:
                assert "<form" in answer.text  # the page again, not a bare error
