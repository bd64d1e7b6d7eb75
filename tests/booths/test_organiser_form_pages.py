"""Organiser forms refused by a rule or by validation show the same page again, with the reason in the
reader's language and a 4xx status (the one form helper, expo/forms.py, over HTTP)."""

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy.ext.asyncio import AsyncSession

from expo.models import Role
from tests.support.factories import bearer, make_user_token, make_venue, signup_exhibitor
from tests.support.pages import shown as t
from tests.support.passes import log_in_as, post_form

pytestmark = pytest.mark.anyio

Client = AsyncTestClient[Litestar]


async def test_blocking_a_booked_booth_shows_the_booths_list_with_why(client: Client, session: AsyncSession) -> None:
    venue = await make_venue(session)
    _exhibitor, token = await signup_exhibitor(client, venue.expo_id)
    held = await client.post(f"/api/booths/{venue.booth_ids[0]}/hold", headers=bearer(token))
    assert held.status_code == 201, held.text
    log_in_as(client, await make_user_token(session, Role.ORGANISER))
    page = f"/admin/e/{venue.expo.slug}/booths"

    refused = await post_form(
        client, f"{page}/{venue.booth_ids[0]}/block", {"reason": "tiang", "back": "status=held"}, from_page=page
    )
    assert refused.status_code == 409
    assert t("Booth %(code)s is booked; cancel or move the booking first.", code="A-01") in refused.text
    assert '<tr id="booth-' in refused.text  # the list itself, filtered as it was, not an error page


async def test_a_map_feature_with_a_bad_size_shows_the_map_page_with_the_field(
    client: Client, session: AsyncSession
) -> None:
    venue = await make_venue(session)
    log_in_as(client, await make_user_token(session, Role.ORGANISER))
    page = f"/admin/e/{venue.expo.slug}/map"
    form = {"hall_id": str(venue.hall.id), "kind": "toilet", "label": "WC", "x_m": "1", "y_m": "1", "depth_m": "2"}

    refused = await post_form(client, f"{page}/features", form | {"width_m": "0"}, from_page=page)
    assert refused.status_code == 422
    assert t("Some fields are not valid.") in refused.text
    # The reason names the field as the form labels it, never the schema's name for it.
    assert f"{t('Width')}: {t('Must be greater than %(n)s.', n=0)}" in refused.text
    assert "width_m:" not in refused.text

    added = await post_form(client, f"{page}/features", form | {"width_m": "2"}, from_page=page)
    assert added.status_code == 303
    assert added.headers["location"] == f"{page}?msg=feature_added"


async def test_allocation_forms_show_their_refusals_on_the_allocation_page(
    client: Client, session: AsyncSession
) -> None:
    venue = await make_venue(session)
    log_in_as(client, await make_user_token(session, Role.ORGANISER))
    page = f"/admin/e/{venue.expo.slug}/allocation"

    missing = await post_form(client, f"{page}/runs/999999/commit", {}, from_page=page)
    assert missing.status_code == 404
    assert t("No such allocation run.") in missing.text

    bad_rule = await post_form(client, f"{page}/settings", {"zr0_zone": "hall:A"}, from_page=page)
    assert bad_rule.status_code == 422
    assert t("Rule %(n)s: tick the products or classes the area takes.", n=1) in bad_rule.text
    assert '<option value="hall:A" selected>' in bad_rule.text  # what was picked is kept
