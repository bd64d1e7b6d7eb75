"""What each booking change tells the exhibitor: exactly one message per change (per channel), with
the key naming the change; a retried action adds nothing; a kind the expo turned off queues nothing;
the timed messages (a hold about to lapse, the day before the expo) go only while they still apply."""

from datetime import timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy.ext.asyncio import AsyncSession

from booths.bookings.models import Booking
from booths.notifications.service import queue_committee_invitation
from booths.notifications.triggers import EXPO_TOMORROW_JOB, HOLD_LAPSING_JOB, HOLD_PLACED_JOB, reminder_moment
from booths.venue.models import Expo
from expo.formatting import as_utc, utcnow
from expo.jobs.models import Job
from expo.message_kinds import EXPO_KINDS
from expo.messaging.models import Message
from expo.models import Role
from expo.settings import Settings
from tests.support.factories import Venue, bearer, make_user_token, make_venue, signup_exhibitor
from tests.support.jobs import run_jobs
from tests.support.pages import shown

pytestmark = pytest.mark.anyio

Client = AsyncTestClient[Litestar]
PAYMENT = {"amount": 1_500_000, "method": "transfer", "reference": "TRF-1"}


async def _messages(session: AsyncSession, kind: str | None = None) -> list[Message]:
    stmt = sa.select(Message).order_by(Message.id).execution_options(populate_existing=True)
    if kind is not None:
        stmt = stmt.where(Message.kind == kind)
    return list((await session.scalars(stmt)).all())


def _keys(messages: list[Message]) -> list[str]:
    return sorted(m.key for m in messages)


async def _setup(client: Client, session: AsyncSession) -> tuple[Venue, dict[str, str], dict[str, Any], str]:
    venue = await make_venue(session)
    organiser = bearer(await make_user_token(session, Role.ORGANISER))
    exhibitor, token = await signup_exhibitor(client, venue.expo_id, exhibitor_class="umkm", email="penjual@contoh.id")
    return venue, organiser, exhibitor, token


async def _hold(client: Client, booth_id: int, token: str) -> int:
    response = await client.post(f"/api/booths/{booth_id}/hold", headers=bearer(token))
    assert response.status_code == 201, response.text
    return int(response.json()["id"])


@pytest.mark.real_commits  # the hold's message is written by a worker with its own engine
async def test_a_hold_tells_the_exhibitor_once_by_email_and_whatsapp(
    client: Client, session: AsyncSession, settings: Settings
) -> None:
    venue, _, exhibitor, token = await _setup(client, session)
    booking_id = await _hold(client, venue.booth_ids[0], token)
    # written right after the commit by a job that exists exactly when the hold does
    telling = await session.scalar(sa.select(Job).where(Job.kind == HOLD_PLACED_JOB))
    assert telling is not None
    assert telling.payload == {"booking_id": booking_id}
    assert await _messages(session, "hold_placed") == []
    await run_jobs(settings)
    held = await _messages(session, "hold_placed")
    assert _keys(held) == [f"hold:{booking_id}:placed:email", f"hold:{booking_id}:placed:whatsapp"]
    email = next(m for m in held if m.key.endswith(":email"))
    assert email.recipient == "penjual@contoh.id"
    assert email.exhibitor_id == exhibitor["id"]
    assert email.expo_id == venue.expo_id
    assert email.language == "id"
    assert "A-01" in email.subject
    assert "Expo Uji" in email.body_text
    assert "Rp1.500.000" in email.body_text
    assert "/my-booking" in email.body_text
    whatsapp = next(m for m in held if m.key.endswith(":whatsapp"))  # delivered by hand: no provider set up
    assert whatsapp.recipient == "+6281234567890"
    # the warning before it lapses is planned for 10 minutes before the end
    booking = await session.get(Booking, booking_id)
    assert booking is not None
    assert booking.hold_expires_at is not None
    job = await session.scalar(sa.select(Job).where(Job.kind == HOLD_LAPSING_JOB))
    assert job is not None
    assert as_utc(job.run_after) == as_utc(booking.hold_expires_at) - timedelta(minutes=10)
    # holding again (the booth is now taken) adds nothing
    again = await client.post(f"/api/booths/{venue.booth_ids[0]}/hold", headers=bearer(token))
    assert again.status_code == 409
    await run_jobs(settings)
    assert len(await _messages(session, "hold_placed")) == 2


@pytest.mark.real_commits  # the hold's message is written by a worker with its own engine
async def test_a_hold_cancelled_before_its_message_is_written_is_not_told(
    client: Client, session: AsyncSession, settings: Settings
) -> None:
    venue, _, _, token = await _setup(client, session)
    booking_id = await _hold(client, venue.booth_ids[0], token)
    cancelled = await client.post(f"/api/bookings/{booking_id}/cancel", json={"reason": ""}, headers=bearer(token))
    assert cancelled.status_code == 200, cancelled.text
    await run_jobs(settings)
    assert await _messages(session, "hold_placed") == []
    telling = await session.scalar(
        sa.select(Job).where(Job.kind == HOLD_PLACED_JOB).execution_options(populate_existing=True)
    )
    assert telling is not None
    assert (telling.status, telling.result) == ("done", {"sent": False})


async def test_confirm_move_and_cancel_each_tell_once(client: Client, session: AsyncSession) -> None:
    venue, organiser, _, token = await _setup(client, session)
    booking_id = await _hold(client, venue.booth_ids[0], token)
    url = f"/api/bookings/{booking_id}"
    assert (await client.post(f"{url}/confirm", json=PAYMENT, headers=organiser)).status_code == 200
    assert (await client.post(f"{url}/confirm", json=PAYMENT, headers=organiser)).status_code == 409
    assert _keys(await _messages(session, "booking_confirmed")) == [
        f"booking:{booking_id}:confirmed:email",
        f"booking:{booking_id}:confirmed:whatsapp",
    ]
    moved = await client.post(
        f"{url}/move", json={"booth_id": venue.booth_ids[1], "note": "dekat pintu"}, headers=organiser
    )
    assert moved.status_code == 200, moved.text
    again = await client.post(f"{url}/move", json={"booth_id": venue.booth_ids[1]}, headers=organiser)
    assert again.status_code == 422
    moves = await _messages(session, "booking_moved")
    assert len(moves) == 2
    assert all(m.key.startswith(f"booking:{booking_id}:moved:") for m in moves)
    assert "A-01" in moves[0].body_text
    assert "A-02" in moves[0].body_text
    assert "dekat pintu" in moves[0].body_text
    cancelled = await client.post(f"{url}/cancel", json={"reason": "tidak jadi ikut"}, headers=organiser)
    assert cancelled.status_code == 200
    assert (await client.post(f"{url}/cancel", json={}, headers=organiser)).status_code == 409
    cancels = await _messages(session, "booking_cancelled")
    assert _keys(cancels) == [f"booking:{booking_id}:cancelled:email", f"booking:{booking_id}:cancelled:whatsapp"]
    assert "tidak jadi ikut" in cancels[0].body_text


async def test_a_free_stand_that_confirms_itself_says_confirmed_not_held(client: Client, session: AsyncSession) -> None:
    venue = await make_venue(session)
    organiser = bearer(await make_user_token(session, Role.ORGANISER))
    # make the first booth a free stand
    response = await client.patch(
        f"/api/booths/{venue.booth_ids[0]}", json={"package_id": venue.free.id}, headers=organiser
    )
    assert response.status_code == 200, response.text
    _, token = await signup_exhibitor(client, venue.expo_id, exhibitor_class="umkm")
    booking_id = await _hold(client, venue.booth_ids[0], token)
    assert await _messages(session, "hold_placed") == []
    assert _keys(await _messages(session, "booking_confirmed")) == [
        f"booking:{booking_id}:confirmed:email",
        f"booking:{booking_id}:confirmed:whatsapp",
    ]


async def test_an_expo_can_turn_a_kind_off(client: Client, session: AsyncSession) -> None:
    venue, organiser, _, token = await _setup(client, session)
    expo = await session.get(Expo, venue.expo_id)
    assert expo is not None
    page = f"/admin/e/{expo.slug}/messages/settings"
    client.cookies.clear()
    opened = await client.get(page, headers=organiser)
    assert opened.status_code == 200
    assert opened.text.count('type="checkbox" name="enabled"') == len(EXPO_KINDS)
    assert opened.text.count(" checked") == len(EXPO_KINDS)  # all on by default
    # a cookie session is needed for the form; log the organiser in through the page
    await make_user_token(session, Role.ORGANISER, email="organiser-p@expo.test")
    login = await client.get("/login")
    assert login.status_code == 200
    logged = await client.post(
        "/login",
        data={
            "email": "organiser-p@expo.test",
            "password": "rahasia-123",
            "_csrf_token": client.cookies.get("csrftoken"),
        },
        follow_redirects=False,
    )
    assert logged.status_code == 303
    enabled = ["booking_confirmed", "booking_cancelled"]
    saved = await client.post(
        page,
        data={
            "enabled": enabled,
            "contact": "Sekretariat, WA 0812 0000 0000",
            "_csrf_token": client.cookies.get("csrftoken"),
        },
        follow_redirects=False,
    )
    assert saved.status_code == 303, saved.text
    shown_again = await client.get(page)
    assert shown("The message settings are saved.") in (await client.get(saved.headers["location"])).text
    assert shown_again.text.count(" checked") == 2
    bad = await client.post(
        page,
        data={
            "enabled": ["hold_placed", "password_reset"],
            "contact": "x",
            "_csrf_token": client.cookies.get("csrftoken"),
        },
        follow_redirects=False,
    )
    assert bad.status_code == 422
    assert shown("Choose one of the options.") in bad.text
    client.cookies.clear()

    booking_id = await _hold(client, venue.booth_ids[0], token)
    assert await _messages(session, "hold_placed") == []
    assert await session.scalar(sa.select(sa.func.count()).select_from(Job).where(Job.kind == HOLD_LAPSING_JOB)) == 1
    assert (
        await client.post(f"/api/bookings/{booking_id}/confirm", json=PAYMENT, headers=organiser)
    ).status_code == 200
    confirmed = await _messages(session, "booking_confirmed")
    assert len(confirmed) == 2
    assert "Sekretariat, WA 0812 0000 0000" in confirmed[0].body_text


async def test_the_settings_page_is_for_organisers(client: Client, session: AsyncSession) -> None:
    venue, _, _, token = await _setup(client, session)
    expo = await session.get(Expo, venue.expo_id)
    assert expo is not None
    response = await client.get(f"/admin/e/{expo.slug}/messages/settings", headers=bearer(token))
    assert response.status_code == 403


async def test_a_committee_invitation_is_queued_once(session: AsyncSession) -> None:
    venue = await make_venue(session)
    args: dict[str, Any] = {
        "expo_id": venue.expo_id,
        "email": "relawan@contoh.id",
        "inviter_name": "Bu Sari",
        "role_label": "Keuangan",
        "accept_url": "http://127.0.0.1:8000/invite/abc",
        "language": "en",
    }
    first = await queue_committee_invitation(session, **args)
    second = await queue_committee_invitation(session, **args)
    await session.commit()
    assert first == second
    assert len(first) == 1
    (message,) = await _messages(session, "committee_invitation")
    assert message.language == "en"
    assert "Bu Sari" in message.body_text
    assert "Keuangan" in message.body_text
    assert "http://127.0.0.1:8000/invite/abc" in message.body_text
    assert "Invitation to the committee of Expo Uji" in message.subject


@pytest.mark.real_commits  # the warning runs in a worker with its own engine
async def test_the_lapse_warning_goes_only_to_a_hold_still_held(
    client: Client, session: AsyncSession, settings: Settings
) -> None:
    venue, organiser, _, token = await _setup(client, session)
    paid = await _hold(client, venue.booth_ids[0], token)
    _, other_token = await signup_exhibitor(client, venue.expo_id, exhibitor_class="umkm")
    kept = await _hold(client, venue.booth_ids[1], other_token)
    assert (await client.post(f"/api/bookings/{paid}/confirm", json=PAYMENT, headers=organiser)).status_code == 200
    # make the warnings due now
    await session.execute(sa.update(Job).where(Job.kind == HOLD_LAPSING_JOB).values(run_after=utcnow()))
    await session.commit()
    await run_jobs(settings)
    warned = await _messages(session, "hold_lapsing")
    assert _keys(warned) == [f"hold:{kept}:lapsing:email", f"hold:{kept}:lapsing:whatsapp"]
    assert "10" in warned[0].subject
    jobs = (await session.scalars(sa.select(Job).where(Job.kind == HOLD_LAPSING_JOB).order_by(Job.id))).all()
    assert [j.status for j in jobs] == ["done", "done"]
    assert [j.result for j in jobs] == [{"sent": False}, {"sent": True}]


@pytest.mark.real_commits  # the reminder runs in a worker with its own engine
async def test_the_day_before_reminder_goes_to_confirmed_exhibitors_once(
    client: Client, session: AsyncSession, settings: Settings
) -> None:
    venue, organiser, _, token = await _setup(client, session)
    booking = await _hold(client, venue.booth_ids[0], token)
    assert (await client.post(f"/api/bookings/{booking}/confirm", json=PAYMENT, headers=organiser)).status_code == 200
    _, other_token = await signup_exhibitor(client, venue.expo_id, exhibitor_class="umkm")
    await _hold(client, venue.booth_ids[1], other_token)  # only held: no reminder
    expo = await session.get(Expo, venue.expo_id)
    assert expo is not None
    job = await session.scalar(sa.select(Job).where(Job.kind == EXPO_TOMORROW_JOB))
    assert job is not None
    assert as_utc(job.run_after) == reminder_moment(expo)
    assert job.key == f"expo:{venue.expo_id}:tomorrow:{expo.starts_on.isoformat()}"
    job.run_after = utcnow()
    await session.commit()
    await run_jobs(settings)
    reminders = await _messages(session, "expo_tomorrow")
    assert len(reminders) == 2
    email = next(m for m in reminders if m.channel == "email")
    assert email.recipient == "penjual@contoh.id"
    assert "Gedung Uji" in email.body_text
    assert "A-01" in email.body_text
    assert f"/e/{expo.slug}/map" in email.body_text
    # the job again (a retry after a lost worker) adds nothing
    job = await session.scalar(
        sa.select(Job).where(Job.kind == EXPO_TOMORROW_JOB).execution_options(populate_existing=True)
    )
    assert job is not None
    assert job.result == {"sent": 1}
    job.status, job.run_after = "queued", utcnow()  # type: ignore[assignment]
    await session.commit()
    await run_jobs(settings)
    assert len(await _messages(session, "expo_tomorrow")) == 2
