"""Account rules: creating users, logging in and out, resolving a session token to a user."""

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from expo.errors import Conflict, FieldProblem, InvalidInput, Unauthenticated
from expo.formatting import utcnow
from expo.lockout import LoginLockout
from expo.models import AuthSession, CommitteeMember, CommitteeRole, Role, User
from expo.permissions import Area, role_may
from expo.security import Passwords, new_token, token_digest
from expo.text import has_control

MIN_PASSWORD_LENGTH = 8
_EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


@dataclass(frozen=True)
class CurrentUser:
    """Who is making the request: what guards and services need, nothing more.

    ``committee`` holds the person's role in each expo they serve (expo id -> role), read with the
    log-in, so that every check of "may this person do this in that expo" is a dictionary look-up.
    ``everything`` is for the command line and the demo seeding, which act as the system itself.
    """

    id: int
    email: str
    name: str
    role: Role
    committee: Mapping[int, CommitteeRole] = field(default_factory=dict)
    everything: bool = False
    # False until the owner followed the verification link (the account works meanwhile).
    email_verified: bool = True

    def role_in(self, expo_id: int) -> CommitteeRole | None:
        return CommitteeRole.ORGANISER if self.everything else self.committee.get(expo_id)

    def may(self, expo_id: int, area: Area) -> bool:
        return role_may(self.role_in(expo_id), area)

    def serves(self, expo_id: int) -> bool:
        """Holds any role in this expo's committee."""
        return self.role_in(expo_id) is not None

    def is_organiser_of(self, expo_id: int) -> bool:
        return self.role_in(expo_id) is CommitteeRole.ORGANISER

    @property
    def is_committee(self) -> bool:
        """Serves on some expo's committee, or is an organiser account (which may create expos)."""
        return self.everything or self.role is Role.ORGANISER or bool(self.committee)

    @property
    def may_create_expos(self) -> bool:
        return self.everything or self.role is Role.ORGANISER or CommitteeRole.ORGANISER in self.committee.values()


def system_user(name: str = "system") -> CurrentUser:
    """The command line's and demo seeding's actor: may do everything in every expo."""
    return CurrentUser(id=0, email="system@localhost", name=name, role=Role.ORGANISER, everything=True)


async def committee_of(session: AsyncSession, user_id: int) -> dict[int, CommitteeRole]:
    rows = await session.execute(
        sa.select(col(CommitteeMember.expo_id), col(CommitteeMember.role)).where(
            col(CommitteeMember.user_id) == user_id
        )
    )
    return {expo_id: CommitteeRole(role) for expo_id, role in rows}


def normalise_email(email: str) -> str:
    return email.strip().lower()


def is_email(address: str) -> bool:
    """The one e-mail shape accounts, invitations and messages accept (no deliverability check:
    a committee types addresses offline too)."""
    return bool(_EMAIL_RE.match(address)) and len(address) <= 254


def check_password_strength(password: str, field: str = "password") -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InvalidInput(
            fields=[FieldProblem(field, "Use at least %(min)s characters.", {"min": MIN_PASSWORD_LENGTH})]
        )


async def create_user(
    session: AsyncSession,
    passwords: Passwords,
    *,
    email: str,
    name: str,
    password: str,
    role: Role,
    language: str | None = None,
) -> User:
    """Add a user (flushed, not committed: the caller owns the transaction)."""
    email = normalise_email(email)
    if not _EMAIL_RE.match(email):
        raise InvalidInput(fields=[FieldProblem("email", "This is not a valid e-mail address.")])
    check_password_strength(password)
    taken = await session.scalar(sa.select(col(User.id)).where(col(User.email) == email))
    if taken is not None:
        raise Conflict(
            "An account with this e-mail already exists.",
            code="email_taken",
            fields=[FieldProblem("email", "An account with this e-mail already exists.")],
        )
    user = User(
        email=email, name=name.strip(), role=role, password_hash=await passwords.hash(password), language=language
    )
    session.add(user)
    await session.flush()
    return user


async def authenticate(
    session: AsyncSession, passwords: Passwords, email: str, password: str, lockout: LoginLockout | None = None
) -> User:
    """The user with this e-mail and password. With ``lockout``, a locked account is refused before
    its password is looked at (so a right password does not open it), and every wrong password
    counts towards a lock, for unknown e-mails too (so locks do not reveal which accounts exist)."""
    if lockout is not None:
        await lockout.check(email)
    # No account's e-mail holds a control character; asking the database anyway would answer
    # differently per engine (PostgreSQL refuses a NUL in text, SQLite just finds nobody).
    user = (
        None
        if has_control(email)
        else await session.scalar(sa.select(User).where(col(User.email) == normalise_email(email)))
    )
    if user is None or not user.is_active:
        await passwords.burn(password)
        ok = False
    else:
        ok = await passwords.verify(user.password_hash, password)
    if not ok or user is None:
        if lockout is not None:
            await lockout.failed(email)
        raise Unauthenticated("Wrong e-mail or password.", code="bad_credentials")
    if lockout is not None:
        await lockout.succeeded(email)
    return user


async def start_session(session: AsyncSession, user: User, days: int) -> str:
    """Create a log-in for ``user`` and return its token (shown once; only its digest is stored)."""
    token = new_token()
    assert user.id is not None
    session.add(
        AuthSession(token_hash=token_digest(token), user_id=user.id, expires_at=utcnow() + timedelta(days=days))
    )
    await session.flush()
    return token


async def end_session(session: AsyncSession, token: str) -> None:
    await session.execute(sa.delete(AuthSession).where(col(AuthSession.token_hash) == token_digest(token)))


# Built once: every request asks it first, and a statement built per request cost more than its run.
_USER_FOR_TOKEN: Any = (
    sa.select(
        col(User.id),
        col(User.email),
        col(User.name),
        col(User.role),
        col(User.email_verified_at),
        col(CommitteeMember.expo_id),
        col(CommitteeMember.role).label("committee_role"),
    )
    .join(AuthSession, col(AuthSession.user_id) == col(User.id))
    .outerjoin(CommitteeMember, col(CommitteeMember.user_id) == col(User.id))
    .where(
        col(AuthSession.token_hash) == sa.bindparam("digest"),
        col(AuthSession.expires_at) > sa.bindparam("now"),
        col(User.is_active).is_(True),
    )
)


async def user_for_token(session: AsyncSession, token: str) -> CurrentUser | None:
    """The live log-in behind ``token`` with the user's committee roles, in one statement."""
    rows = (await session.execute(_USER_FOR_TOKEN, {"digest": token_digest(token), "now": utcnow()})).all()
    if not rows:
        return None
    row = rows[0]
    return CurrentUser(
        id=row.id,
        email=row.email,
        name=row.name,
        role=Role(row.role),
        committee={r.expo_id: CommitteeRole(r.committee_role) for r in rows if r.expo_id is not None},
        email_verified=row.email_verified_at is not None,
    )
