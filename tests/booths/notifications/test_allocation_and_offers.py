"""An allocation run's result and waiting-list offers tell each exhibitor once."""

from typing import Any

import pytest
import sqlalchemy as sa
from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy.ext.asyncio import AsyncSession

from booths.notifications.triggers import HOLD_LAPSING_JOB
from expo.jobs.models import Job
from expo.messaging.models import Message
from expo.models import Role
from tests.support.factories import bearer, make_user_token, make_venue, signup_exhibitor

pytestmark = pytest.mark.anyio

Client = AsyncTestClient[Litestar]
WINDOW = {"opens_at": "2020-01-01T00:00:00Z", "closes_at": "2099-01-01T00:00:00Z"}


async def _emails(session: AsyncSession, kind: str) -> list[Message]:
    stmt = (
        sa.select(Message)
        .where(Message.kind == kind, Message.channel == "email")
        .order_by(Message.id)
        .execution_options(populate_existing=True)
    )
    return list((await session.scalars(stmt)).all())


async def _count(session: AsyncSession, kind: str) -> int:
    return int(await session.scalar(sa.select(sa.func.count()).select_from(Message).where(Message.kind == kind)) or 0)


async def test_allocation_result_then_a_waiting_list_offer(client: Client, session: AsyncSession) -> None:
    venue = await make_venue(session, booths=4)
    org = bearer(await make_user_token(session, Role.ORGANISER))
    settings = {**WINDOW, "applications_only": True, "time_limit_s": 1, "offer_hours": 24, "payment_days": 5}
    assert (
        await client.put(f"/api/expos/{venue.expo_id}/allocation/settings", json=settings, headers=org)
    ).status_code == 200
    people: list[tuple[dict[str, Any], str]] = [await signup_exhibitor(client, venue.expo_id) for _ in range(6)]
    applications = []
    for _, token in people:
        response = await client.post(f"/api/expos/{venue.expo_id}/applications", json={}, headers=bearer(token))
        assert response.status_code == 201, response.text
        applications.append(response.json()["id"])
    for application in applications:
        assert (await client.post(f"/api/applications/{application}/accept", json={}, headers=org)).status_code == 200
    run = await client.post(
        f"/api/expos/{venue.expo_id}/allocation/runs", json={"seed": 5, "time_limit_s": 1}, headers=org
    )
    assert run.status_code == 201, run.text
    run_id = run.json()["id"]
    assert await _count(session, "allocation_result") == 0  # a dry run tells nobody
    committed = await client.post(f"/api/allocation/runs/{run_id}/commit", headers=org)
    assert committed.status_code == 200, committed.text
    assert (await client.post(f"/api/allocation/runs/{run_id}/commit", headers=org)).status_code == 409

    results = await _emails(session, "allocation_result")
    exhibitor_ids = {e["id"] for e, _ in people}
    assert sorted(m.key for m in results) == sorted(f"allocation:{run_id}:{e}:email" for e in exhibitor_ids)
    placed = [m for m in results if "A-0" in m.body_text]
    waiting = [m for m in results if "daftar tunggu" in m.body_text]
    assert (len(placed), len(waiting)) == (4, 2)
    assert await _count(session, "hold_placed") == 0  # the run's own message says it
    # the run's held stands are warned before their payment deadline like any hold
    held = await session.scalar(sa.select(sa.func.count()).select_from(Job).where(Job.kind == HOLD_LAPSING_JOB))
    assert held == 4

    bookings = (await client.get(f"/api/expos/{venue.expo_id}/bookings", headers=org)).json()
    freed = bookings[0]
    assert (await client.post(f"/api/bookings/{freed['id']}/cancel", json={}, headers=org)).status_code == 200
    (offer,) = (await client.get(f"/api/expos/{venue.expo_id}/offers", headers=org)).json()
    offers = await _emails(session, "waitlist_offer")
    assert [m.key for m in offers] == [f"offer:{offer['id']}:email"]
    assert freed["booth_code"] in offers[0].body_text
    assert f"/e/{venue.expo.slug}/apply" in offers[0].body_text
    # looking at the offers again (which refreshes them) offers nothing new and tells nobody again
    (await client.get(f"/api/expos/{venue.expo_id}/offers", headers=org)).json()
    assert await _count(session, "waitlist_offer") == 2  # e-mail and WhatsApp
