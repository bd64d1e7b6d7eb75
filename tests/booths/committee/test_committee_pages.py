"""The committee in pages: invite by e-mail, join with a new or an existing account, change roles,
never leave an expo without an organiser; every change in the change log; roles per expo."""

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa
from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from expo.auth import SESSION_COOKIE
from expo.formatting import utcnow
from expo.messaging.models import Message
from expo.models import AuditEntry, CommitteeInvitation, CommitteeMember, CommitteeRole, Role, User
from tests.support.factories import make_member_token, make_user_token, make_venue
from tests.support.pages import shown as t
from tests.support.passes import log_in_as, post_form

pytestmark = pytest.mark.anyio

Client = AsyncTestClient[Litestar]
_LINK = re.compile(r'value="(https?://[^"]+/invite/([A-Za-z0-9_-]+))"')


async def _invite(client: Client, slug: str, email: str, role: str) -> str:
    page = f"/admin/e/{slug}/committee"
    made = await post_form(client, f"{page}/invite", {"email": email, "role": role}, from_page=page)
    assert made.status_code == 200, made.text
    found = _LINK.search(made.text)
    assert found, made.text
    assert "wa.me" in made.text  # the committee can send it by WhatsApp by hand
    return found.group(2)


async def test_an_invited_treasurer_joins_with_a_new_account_and_works_in_its_areas_only(
    client: Client, session: AsyncSession
) -> None:
    venue = await make_venue(session)
    slug = venue.expo.slug
    log_in_as(client, await make_member_token(session, venue.expo_id, CommitteeRole.ORGANISER))
    token = await _invite(client, slug, "Bendahara@Contoh.test", "treasurer")
    sent = (await session.scalars(sa.select(Message).where(col(Message.recipient) == "bendahara@contoh.test"))).all()
    assert [(m.kind, m.channel) for m in sent] == [("committee_invitation", "email")]
    assert f"/invite/{token}" in sent[0].body_text

    client.cookies.clear()
    opened = await client.get(f"/invite/{token}")
    assert opened.status_code == 200
    assert t("Treasurer") in opened.text
    assert "bendahara@contoh.test" in opened.text
    short = await post_form(
        client, f"/invite/{token}/join", {"name": "Siti Bendahara", "password": "pendek"}, from_page=f"/invite/{token}"
    )
    assert short.status_code == 422
    assert t("Use at least %(min)s characters.", min=8) in short.text
    joined = await post_form(
        client,
        f"/invite/{token}/join",
        {"name": "Siti Bendahara", "password": "rahasia-bendahara"},
        from_page=f"/invite/{token}",
    )
    assert joined.status_code == 303, joined.text
    assert client.cookies.get(SESSION_COOKIE)

    assert (await client.get("/admin")).status_code == 200
    assert (await client.get(f"/admin/e/{slug}/bookings")).status_code == 200
    for refused in ("committee", "booths", "map", "gates/setup", "audit"):
        assert (await client.get(f"/admin/e/{slug}/{refused}")).status_code == 403, refused

    again = await client.get(f"/invite/{token}")  # used: the link works once
    assert again.status_code == 404
    assert t("This invitation link is not valid: it was replaced, cancelled or already used.") in again.text

    roles = (
        (
            await session.execute(
                sa.select(col(CommitteeMember.role))
                .join(User, col(User.id) == col(CommitteeMember.user_id))
                .where(col(User.email) == "bendahara@contoh.test")
            )
        )
        .scalars()
        .all()
    )
    assert roles == [CommitteeRole.TREASURER]


async def test_tampered_and_expired_links_get_a_clear_page(client: Client, session: AsyncSession) -> None:
    venue = await make_venue(session)
    log_in_as(client, await make_member_token(session, venue.expo_id, CommitteeRole.ORGANISER))
    token = await _invite(client, venue.expo.slug, "gerbang@contoh.test", "gate_lead")
    client.cookies.clear()
    tampered = await client.get(f"/invite/{token[:-2]}xx")
    assert tampered.status_code == 404
    assert (await client.get("/invite/%00")).status_code in (400, 404)
    await session.execute(sa.update(CommitteeInvitation).values(expires_at=utcnow() - timedelta(minutes=1)))
    await session.commit()
    expired = await client.get(f"/invite/{token}")
    assert expired.status_code == 409
    assert t("This invitation has expired. Ask the organisers for a new one.") in expired.text


async def test_an_existing_account_logs_in_and_joins_and_another_address_cannot(
    client: Client, session: AsyncSession
) -> None:
    venue = await make_venue(session)
    slug = venue.expo.slug
    organiser = await make_member_token(session, venue.expo_id, CommitteeRole.ORGANISER)
    log_in_as(client, organiser)
    invited_token = await make_user_token(session, Role.EXHIBITOR, email="pemilik@contoh.test")
    other_token = await make_user_token(session, Role.EXHIBITOR, email="lain@contoh.test")
    token = await _invite(client, slug, "pemilik@contoh.test", "registration")

    client.cookies.clear()
    opened = await client.get(f"/invite/{token}")
    assert t("This address already has an account. Log in with it to join.") in opened.text
    log_in_as(client, other_token)
    wrong = await post_form(client, f"/invite/{token}/accept", {}, from_page=f"/invite/{token}")
    assert wrong.status_code == 403
    assert t("This invitation is for another e-mail address. Log in with that address.") in wrong.text

    log_in_as(client, invited_token)
    accepted = await post_form(client, f"/invite/{token}/accept", {}, from_page=f"/invite/{token}")
    assert accepted.status_code == 303
    # An exhibitor's account can serve a committee too: the registration desk reads exhibitor records.
    assert (await client.get(f"/admin/e/{slug}/applications")).status_code == 200
    assert (await client.get(f"/admin/e/{slug}/bookings")).status_code == 403


async def test_an_address_already_in_the_committee_is_refused_at_the_field(
    client: Client, session: AsyncSession
) -> None:
    venue = await make_venue(session)
    page = f"/admin/e/{venue.expo.slug}/committee"
    log_in_as(client, await make_member_token(session, venue.expo_id, CommitteeRole.ORGANISER))
    email = (await session.scalars(sa.select(col(User.email)).order_by(col(User.id).desc()))).first()
    refused = await post_form(client, f"{page}/invite", {"email": email, "role": "treasurer"}, from_page=page)
    assert refused.status_code == 409
    assert t("This person is already in the committee.") in refused.text
    bad = await post_form(client, f"{page}/invite", {"email": "bukan-email", "role": "boss"}, from_page=page)
    assert bad.status_code == 422
    assert t("This is not a valid e-mail address.") in bad.text


async def test_the_last_organiser_cannot_step_down_and_every_change_is_logged(
    client: Client, session: AsyncSession
) -> None:
    venue = await make_venue(session)
    slug = venue.expo.slug
    page = f"/admin/e/{slug}/committee"
    log_in_as(client, await make_member_token(session, venue.expo_id, CommitteeRole.ORGANISER))
    me = (await session.scalars(sa.select(User).order_by(col(User.id).desc()))).first()
    assert me is not None

    alone = await post_form(client, f"{page}/{me.id}/role", {"role": "treasurer"}, from_page=page)
    assert alone.status_code == 409
    assert t("An expo needs at least one organiser. Make someone else organiser first.") in alone.text
    removed = await post_form(client, f"{page}/{me.id}/remove", {}, from_page=page)
    assert removed.status_code == 409

    second = await make_member_token(session, venue.expo_id, CommitteeRole.GATE_STAFF)
    other = (await session.scalars(sa.select(User).order_by(col(User.id).desc()))).first()
    assert other is not None
    assert second
    promoted = await post_form(client, f"{page}/{other.id}/role", {"role": "organiser"}, from_page=page)
    assert promoted.status_code == 303
    stepped_down = await post_form(client, f"{page}/{me.id}/role", {"role": "treasurer"}, from_page=page)
    assert stepped_down.status_code == 303

    actions = (await session.scalars(sa.select(col(AuditEntry.action)).order_by(col(AuditEntry.id)))).all()
    assert actions[-2:] == ["committee.role_changed", "committee.role_changed"]
    log_in_as(client, second)  # the new organiser reads who did what
    log = await client.get(f"/admin/e/{slug}/audit")
    assert log.status_code == 200
    assert (await client.get(f"/admin/e/{slug}/audit?page=zz")).status_code == 200  # a bad page: the first
    assert t("Committee role changed") in log.text
    assert me.email in log.text
    assert t("Treasurer") in log.text
    assert t("Organiser (full access)") in log.text


ROLE_PAGES = {
    # page: roles that may open it (organisers open everything)
    "committee": set(),
    "audit": set(),
    "booths": set(),
    "map": set(),
    "allocation": set(),
    "bookings": {CommitteeRole.TREASURER},
    "applications": {CommitteeRole.TREASURER, CommitteeRole.REGISTRATION},
    "passes": {CommitteeRole.REGISTRATION, CommitteeRole.GATE_LEAD},
    "gates/setup": {CommitteeRole.GATE_LEAD},
    "gates": {CommitteeRole.GATE_LEAD},
}


@pytest.mark.parametrize("role", list(CommitteeRole))
async def test_five_roles_across_two_expos(client: Client, session: AsyncSession, role: CommitteeRole) -> None:
    ours = await make_venue(session)
    theirs = await make_venue(session)
    log_in_as(client, await make_member_token(session, ours.expo_id, role))
    for path, allowed in ROLE_PAGES.items():
        expected = 200 if role is CommitteeRole.ORGANISER or role in allowed else 403
        assert (await client.get(f"/admin/e/{ours.expo.slug}/{path}")).status_code == expected, (role, path)
        assert (await client.get(f"/admin/e/{theirs.expo.slug}/{path}")).status_code == 403, (role, path)
    listed = await client.get("/admin")
    assert ours.expo.name in listed.text
    assert f"/admin/e/{theirs.expo.slug}/" not in listed.text
    # Another expo's things through the API: refused, whatever the role here.
    api = await client.get(f"/api/expos/{theirs.expo_id}/exhibitors")
    assert api.status_code == 403
    booth = await client.patch(f"/api/booths/{theirs.booth_ids[0]}", json={"code": "Z-99"})
    assert booth.status_code in (403, 415)  # refused before or at the body: never changed


@pytest.mark.real_commits  # two organisers stepping down at once need two connections
async def test_two_organisers_stepping_down_at_once_leave_one(client: Client, session: AsyncSession) -> None:
    venue = await make_venue(session)
    page = f"/admin/e/{venue.expo.slug}/committee"
    first = await make_member_token(session, venue.expo_id, CommitteeRole.ORGANISER)
    second = await make_member_token(session, venue.expo_id, CommitteeRole.ORGANISER)
    ids = (
        await session.scalars(
            sa.select(col(CommitteeMember.user_id))
            .where(col(CommitteeMember.expo_id) == venue.expo_id)
            .order_by(col(CommitteeMember.id))
        )
    ).all()
    await session.commit()

    async def step_down(token: str, user_id: int) -> int:
        log_in_as(client, token)  # the same client: cookies are read when each request is sent
        opened = await client.get(page)
        csrf = client.cookies.get("csrftoken")
        assert opened.status_code == 200
        response = await client.post(
            f"{page}/{user_id}/role",
            data={"role": "treasurer", "_csrf_token": csrf},
            headers={"Cookie": f"{SESSION_COOKIE}={token}; csrftoken={csrf}"},
            follow_redirects=False,
        )
        return response.status_code

    import asyncio

    results = await asyncio.gather(step_down(first, ids[0]), step_down(second, ids[1]))
    assert sorted(results) == [303, 409]
    organisers = await session.scalar(
        sa.select(sa.func.count())
        .select_from(CommitteeMember)
        .where(col(CommitteeMember.expo_id) == venue.expo_id, col(CommitteeMember.role) == CommitteeRole.ORGANISER)
    )
    assert organisers == 1
