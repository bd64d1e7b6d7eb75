"""Committee rules: who serves an expo in which role, invitations by e-mail, and one organiser at
least, always. Every change is written to the audit log in the same transaction."""

from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from booths.labels import committee_role_label
from booths.notifications.service import queue_committee_invitation
from expo.accounts import CurrentUser, check_password_strength, create_user, is_email, normalise_email
from expo.audit import record
from expo.errors import Conflict, FieldProblem, Forbidden, InvalidInput, NotFound
from expo.formatting import as_utc, utcnow
from expo.i18n import N_
from expo.models import CommitteeInvitation, CommitteeMember, CommitteeRole, Role, User
from expo.security import Passwords, new_token, token_digest

INVITATION_DAYS = 14
_ALREADY = N_("This person is already in the committee.")


@dataclass(frozen=True)
class Member:
    user_id: int
    name: str
    email: str
    role: CommitteeRole
    since: datetime


@dataclass(frozen=True)
class PendingInvitation:
    id: int
    email: str
    role: CommitteeRole
    expires_at: datetime

    @property
    def expired(self) -> bool:
        return as_utc(self.expires_at) <= utcnow()


@dataclass(frozen=True)
class Invitation:
    """An invitation as its link's page shows it."""

    id: int
    expo_id: int
    email: str
    role: CommitteeRole
    account_exists: bool


async def members(session: AsyncSession, expo_id: int) -> list[Member]:
    rows = await session.execute(
        sa.select(
            col(User.id), col(User.name), col(User.email), col(CommitteeMember.role), col(CommitteeMember.created_at)
        )
        .join(CommitteeMember, col(CommitteeMember.user_id) == col(User.id))
        .where(col(CommitteeMember.expo_id) == expo_id)
        .order_by(col(CommitteeMember.role), col(User.name))
    )
    return [Member(int(r[0] or 0), r[1], r[2], CommitteeRole(r[3]), r[4]) for r in rows]


async def pending_invitations(session: AsyncSession, expo_id: int) -> list[PendingInvitation]:
    rows = await session.scalars(
        sa.select(CommitteeInvitation)
        .where(col(CommitteeInvitation.expo_id) == expo_id)
        .order_by(col(CommitteeInvitation.created_at).desc())
    )
    return [PendingInvitation(r.id or 0, r.email, CommitteeRole(r.role), r.expires_at) for r in rows]


async def add_member(
    session: AsyncSession, expo_id: int, user_id: int, role: CommitteeRole, by: CurrentUser | None = None
) -> CommitteeMember:
    """Give ``user_id`` a role in the expo (flushed; the caller commits)."""
    taken = await session.scalar(
        sa.select(col(CommitteeMember.id)).where(
            col(CommitteeMember.expo_id) == expo_id, col(CommitteeMember.user_id) == user_id
        )
    )
    if taken is not None:
        raise Conflict(_ALREADY, code="already_member")
    member = CommitteeMember(expo_id=expo_id, user_id=user_id, role=role)
    session.add(member)
    await session.flush()
    if by is not None:
        email = await session.scalar(sa.select(col(User.email)).where(col(User.id) == user_id))
        await record(session, by, expo_id, "committee.added", email or "", after={"role": role})
    return member


def _role(value: str, field: str = "role") -> CommitteeRole:
    try:
        return CommitteeRole(value)
    except ValueError:
        raise InvalidInput(fields=[FieldProblem(field, "Choose one of the options.")]) from None


async def invite(
    session: AsyncSession, expo_id: int, email: str, role: str, by: CurrentUser, link_base: str | None = None
) -> str:
    """Invite an e-mail address to serve in ``role``; returns the link's token (shown once). A new
    invitation to the same address replaces the one before (its link stops working). With
    ``link_base`` (the site's public address) the invitation is also e-mailed, in the same transaction."""
    address = normalise_email(email)
    if not address:
        raise InvalidInput(fields=[FieldProblem("email", "This field is required.")])
    if not is_email(address):
        raise InvalidInput(fields=[FieldProblem("email", "This is not a valid e-mail address.")])
    wanted = _role(role)
    serving = await session.scalar(
        sa.select(col(CommitteeMember.id))
        .join(User, col(User.id) == col(CommitteeMember.user_id))
        .where(col(CommitteeMember.expo_id) == expo_id, col(User.email) == address)
    )
    if serving is not None:
        raise Conflict(_ALREADY, code="already_member", fields=[FieldProblem("email", _ALREADY)])
    await session.execute(
        sa.delete(CommitteeInvitation).where(
            col(CommitteeInvitation.expo_id) == expo_id, col(CommitteeInvitation.email) == address
        )
    )
    token = new_token()
    session.add(
        CommitteeInvitation(
            expo_id=expo_id,
            email=address,
            role=wanted,
            token_hash=token_digest(token),
            invited_by_user_id=None if by.everything else by.id,
            expires_at=utcnow() + timedelta(days=INVITATION_DAYS),
        )
    )
    await session.flush()
    await record(session, by, expo_id, "committee.invited", address, after={"role": wanted})
    if link_base is not None:
        await queue_committee_invitation(
            session,
            expo_id=expo_id,
            email=address,
            inviter_name=by.name,
            role_label=committee_role_label(wanted),
            accept_url=f"{link_base}/invite/{token}",
        )
    return token


async def cancel_invitation(session: AsyncSession, expo_id: int, invitation_id: int, by: CurrentUser) -> None:
    row = await session.get(CommitteeInvitation, invitation_id)
    if row is None or row.expo_id != expo_id:
        raise NotFound("No such invitation.", code="invitation_not_found")
    await session.delete(row)
    await session.flush()
    await record(session, by, expo_id, "committee.invitation_cancelled", row.email, before={"role": row.role})


async def _invitation_row(session: AsyncSession, token: str) -> CommitteeInvitation:
    row = (
        await session.scalar(
            sa.select(CommitteeInvitation).where(col(CommitteeInvitation.token_hash) == token_digest(token))
        )
        if 20 <= len(token) <= 100
        else None
    )
    if row is None:
        raise NotFound(
            "This invitation link is not valid: it was replaced, cancelled or already used.",
            code="invitation_invalid",
        )
    if as_utc(row.expires_at) <= utcnow():
        raise Conflict("This invitation has expired. Ask the organisers for a new one.", code="invitation_expired")
    return row


async def invitation(session: AsyncSession, token: str) -> Invitation:
    row = await _invitation_row(session, token)
    exists = await session.scalar(sa.select(col(User.id)).where(col(User.email) == row.email))
    return Invitation(row.id or 0, row.expo_id, row.email, CommitteeRole(row.role), exists is not None)


async def _join(session: AsyncSession, row: CommitteeInvitation, user: CurrentUser) -> int:
    await add_member(session, row.expo_id, user.id, CommitteeRole(row.role))
    await session.delete(row)
    await session.flush()
    await record(session, user, row.expo_id, "committee.joined", user.email, after={"role": row.role})
    return row.expo_id


async def accept(session: AsyncSession, token: str, user: CurrentUser) -> int:
    """The logged-in account takes up the invitation (it must be the invited address); the expo's id."""
    row = await _invitation_row(session, token)
    if normalise_email(user.email) != row.email:
        raise Forbidden(
            "This invitation is for another e-mail address. Log in with that address.", code="invitation_other_email"
        )
    return await _join(session, row, user)


async def accept_with_new_account(
    session: AsyncSession, passwords: Passwords, token: str, name: str, password: str
) -> tuple[User, int]:
    """Make the invited address's account (it has none yet) and take up the invitation."""
    row = await _invitation_row(session, token)
    if not name.strip():
        raise InvalidInput(fields=[FieldProblem("name", "This field is required.")])
    check_password_strength(password)
    kind = Role.GATE if row.role is CommitteeRole.GATE_STAFF else Role.ORGANISER
    user = await create_user(session, passwords, email=row.email, name=name, password=password, role=kind)
    assert user.id is not None
    actor = CurrentUser(id=user.id, email=user.email, name=user.name, role=kind)
    return user, await _join(session, row, actor)


async def _lock_committee(session: AsyncSession, expo_id: int) -> list[CommitteeMember]:
    """The expo's members, locked so that two organisers cannot each step down at once and leave none:
    a write first takes the rows' locks (PostgreSQL) or the database's write lock (SQLite) before
    anything is read, as ``bookings`` does for a booking."""
    await session.execute(
        sa.update(CommitteeMember).where(col(CommitteeMember.expo_id) == expo_id).values(role=CommitteeMember.role)
    )
    rows = await session.scalars(
        sa.select(CommitteeMember)
        .where(col(CommitteeMember.expo_id) == expo_id)
        .order_by(col(CommitteeMember.id))
        .execution_options(populate_existing=True)
    )
    return list(rows)


def _last_organiser() -> Conflict:
    return Conflict("An expo needs at least one organiser. Make someone else organiser first.", code="last_organiser")


async def change_role(session: AsyncSession, expo_id: int, user_id: int, role: str, by: CurrentUser) -> None:
    wanted = _role(role)
    committee = await _lock_committee(session, expo_id)
    member = next((m for m in committee if m.user_id == user_id), None)
    if member is None:
        raise NotFound("This person is not in the committee.", code="member_not_found")
    if member.role == wanted:
        return
    organisers = sum(1 for m in committee if m.role == CommitteeRole.ORGANISER)
    if member.role == CommitteeRole.ORGANISER and organisers <= 1:
        raise _last_organiser()
    before = member.role
    member.role = wanted
    await session.flush()
    email = await session.scalar(sa.select(col(User.email)).where(col(User.id) == user_id))
    await record(
        session, by, expo_id, "committee.role_changed", email or "", before={"role": before}, after={"role": wanted}
    )


async def remove_member(session: AsyncSession, expo_id: int, user_id: int, by: CurrentUser) -> None:
    committee = await _lock_committee(session, expo_id)
    member = next((m for m in committee if m.user_id == user_id), None)
    if member is None:
        raise NotFound("This person is not in the committee.", code="member_not_found")
    organisers = sum(1 for m in committee if m.role == CommitteeRole.ORGANISER)
    if member.role == CommitteeRole.ORGANISER and organisers <= 1:
        raise _last_organiser()
    await session.delete(member)
    await session.flush()
    email = await session.scalar(sa.select(col(User.email)).where(col(User.id) == user_id))
    await record(session, by, expo_id, "committee.removed", email or "", before={"role": member.role})
