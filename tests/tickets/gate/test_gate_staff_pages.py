"""The gate-staff page's buttons: a refused one shows the staff page again with why, in Indonesian."""

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy.ext.asyncio import AsyncSession

from tests.support.client import ClientWith
from tests.support.factories import make_venue
from tests.support.gate import gate_staff_token
from tests.support.pages import shown
from tests.support.passes import log_in_as, post_form

pytestmark = pytest.mark.anyio


async def test_unpairing_a_phone_that_is_not_ones_own_shows_the_staff_page_with_why(
    client: AsyncTestClient[Litestar], session: AsyncSession
) -> None:
    venue = await make_venue(session)
    log_in_as(client, await gate_staff_token(session, venue.expo_id, "Gerbang Utara"))

    refused = await post_form(client, "/gate/staff/devices/999999/unpair", {}, from_page="/gate/staff")
    assert refused.status_code == 404
    assert shown("No such device.") in refused.text
    assert "Gerbang Utara" in refused.text  # the staff page itself, not an error page

    paired = await post_form(client, "/gate/staff/pair", {"name": "HP Budi"}, from_page="/gate/staff")
    assert paired.status_code == 200
    assert "HP Budi" in paired.text


async def test_the_staff_pairing_qr_leads_to_the_public_address(client_with: ClientWith, session: AsyncSession) -> None:
    """A phone scans the QR, so it carries EXPO_PUBLIC_URL, as on the organiser's set-up page."""
    venue = await make_venue(session)
    token = await gate_staff_token(session, venue.expo_id, "Gerbang Utara")
    async with client_with(public_url="https://expo.example.id") as client:
        log_in_as(client, token)
        paired = await post_form(client, "/gate/staff/pair", {"name": "HP Budi"}, from_page="/gate/staff")
    assert paired.status_code == 200
    assert 'aria-label="QR https://expo.example.id/gate?pair=' in paired.text
    assert "testserver.local/gate?pair=" not in paired.text
