"""Passes ready: the committee issuing a staff pass tells the exhibitor once per booking."""

import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from expo.messaging.models import Message
from expo.models import Role
from tests.support.factories import bearer, make_user_token, make_venue
from tests.support.passes import Client, confirmed_exhibitor

pytestmark = pytest.mark.anyio


async def _ready(session: AsyncSession) -> list[Message]:
    stmt = (
        sa.select(Message)
        .where(Message.kind == "passes_ready")
        .order_by(Message.key)
        .execution_options(populate_existing=True)
    )
    return list((await session.scalars(stmt)).all())


async def test_the_first_staff_pass_the_committee_issues_tells_the_exhibitor(
    client: Client, session: AsyncSession
) -> None:
    venue = await make_venue(session)
    org = bearer(await make_user_token(session, Role.ORGANISER))
    exhibitor_id, token, booking_id = await confirmed_exhibitor(client, venue, org)
    # the exhibitor making its own pass is on the passes page already: no message
    own = await client.post(
        f"/api/exhibitors/{exhibitor_id}/staff-passes", json={"holder_name": "Siti Penjaga"}, headers=bearer(token)
    )
    assert own.status_code == 201
    assert await _ready(session) == []
    url = f"/api/expos/{venue.expo_id}/passes"
    body = {"kind": "exhibitor", "holder_name": "Budi Penjaga", "exhibitor_id": exhibitor_id}
    assert (await client.post(url, json=body, headers=org)).status_code == 201, body
    ready = await _ready(session)
    assert [m.key for m in ready] == [f"passes:{booking_id}:ready:email", f"passes:{booking_id}:ready:whatsapp"]
    assert "/my-passes" in ready[0].body_text
    assert "A-01" in ready[0].body_text
    # the quota is full now; raising it and issuing another pass adds no second message
    raised = await client.put(f"/api/bookings/{booking_id}/staff-quota", json={"quota": 3}, headers=org)
    assert raised.status_code == 200
    assert (await client.post(url, json=body | {"holder_name": "Orang Ketiga"}, headers=org)).status_code == 201
    assert len(await _ready(session)) == 2
