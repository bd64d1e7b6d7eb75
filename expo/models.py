"""Accounts and log-in sessions: the tables of the app core."""

from datetime import datetime
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from expo.formatting import utcnow
from expo.metadata import TIMESTAMP
from expo.metadata import metadata as _metadata  # noqa: F401  (naming convention first)


class Role(StrEnum):
    """The kind of account. What a committee account may do in an expo is its :class:`CommitteeRole`
    there; ``organiser`` accounts may also create expos."""

    ORGANISER = "organiser"
    EXHIBITOR = "exhibitor"
    GATE = "gate"


class CommitteeRole(StrEnum):
    """A person's job in one expo's committee (what each may do: ``expo.permissions``)."""

    ORGANISER = "organiser"
    TREASURER = "treasurer"
    REGISTRATION = "registration"
    GATE_LEAD = "gate_lead"
    GATE_STAFF = "gate_staff"


class User(SQLModel, table=True):
    """Someone who logs in. Visitors never need an account."""

    id: int | None = Field(default=None, primary_key=True)
    email: str = Field(sa_type=sa.String(254), unique=True, index=True)
    name: str = Field(sa_type=sa.String(120))
    role: Role = Field(sa_type=sa.String(16))
    password_hash: str = Field(sa_type=sa.String(255))
    is_active: bool = True
    created_at: datetime = Field(default_factory=utcnow, sa_type=sa.DateTime(timezone=True))
    # Set when the owner followed the link sent to this address; an account works before that.
    email_verified_at: datetime | None = Field(default=None, sa_type=sa.DateTime(timezone=True))
    # The language messages are written in ("id" or "en"): the page language at sign-up.
    language: str | None = Field(default=None, sa_type=sa.String(8))


class AuthSession(SQLModel, table=True):
    """A log-in: the browser's cookie or an API bearer token. Only the token's SHA-256 is stored,
    so that every worker can check it and a database leak does not leak usable tokens."""

    __tablename__ = "auth_session"

    id: int | None = Field(default=None, primary_key=True)
    token_hash: str = Field(sa_type=sa.String(64), unique=True)
    user_id: int = Field(foreign_key="user.id", ondelete="CASCADE", index=True)
    created_at: datetime = Field(default_factory=utcnow, sa_type=sa.DateTime(timezone=True))
    expires_at: datetime = Field(sa_type=sa.DateTime(timezone=True))


class CommitteeMember(SQLModel, table=True):
    """One person's role in one expo: roles are per expo, so one account can be treasurer of this
    year's expo and organiser of another."""

    __tablename__ = "committee_member"
    __table_args__ = (sa.UniqueConstraint("expo_id", "user_id"),)

    id: int | None = Field(default=None, primary_key=True)
    expo_id: int = Field(foreign_key="expo.id", ondelete="CASCADE", index=True)
    user_id: int = Field(foreign_key="user.id", ondelete="CASCADE", index=True)
    role: CommitteeRole = Field(sa_type=sa.String(16))
    created_at: datetime = Field(default_factory=utcnow, sa_type=TIMESTAMP)


class AuditEntry(SQLModel, table=True):
    """One change by the committee: who, when, what, and the values before and after."""

    __tablename__ = "audit_log"
    __table_args__ = (sa.Index("ix_audit_log_expo_id_at", "expo_id", "at"),)

    id: int | None = Field(default=None, primary_key=True)
    expo_id: int | None = Field(default=None, foreign_key="expo.id", ondelete="CASCADE")
    user_id: int | None = Field(default=None, foreign_key="user.id", ondelete="SET NULL")
    actor: str = Field(sa_type=sa.String(254))  # the e-mail at the time: kept when the account goes
    at: datetime = Field(default_factory=utcnow, sa_type=TIMESTAMP)
    action: str = Field(sa_type=sa.String(60))
    subject: str = Field(default="", sa_type=sa.String(200))
    before: dict[str, Any] | None = Field(default=None, sa_type=sa.JSON)
    after: dict[str, Any] | None = Field(default=None, sa_type=sa.JSON)


class CommitteeInvitation(SQLModel, table=True):
    """An invitation to serve an expo in a role, by e-mail, until accepted or it expires. Only the
    link's token digest is stored; a new invitation to the same address replaces the old one."""

    __tablename__ = "committee_invitation"
    __table_args__ = (sa.UniqueConstraint("expo_id", "email"),)

    id: int | None = Field(default=None, primary_key=True)
    expo_id: int = Field(foreign_key="expo.id", ondelete="CASCADE", index=True)
    email: str = Field(sa_type=sa.String(254))
    role: CommitteeRole = Field(sa_type=sa.String(16))
    token_hash: str = Field(sa_type=sa.String(64), unique=True)
    invited_by_user_id: int | None = Field(default=None, foreign_key="user.id", ondelete="SET NULL")
    created_at: datetime = Field(default_factory=utcnow, sa_type=TIMESTAMP)
    expires_at: datetime = Field(sa_type=TIMESTAMP)


class TokenPurpose(StrEnum):
    RESET_PASSWORD = "reset_password"  # noqa: S105  (a purpose, not a password)
    VERIFY_EMAIL = "verify_email"


class AccountToken(SQLModel, table=True):
    """A link sent to a user's address (password reset, e-mail verification): time-limited and
    single-use. Only the token's SHA-256 is stored; the link itself exists only in the message."""

    __tablename__ = "account_token"

    id: int | None = Field(default=None, primary_key=True)
    token_hash: str = Field(sa_type=sa.String(64), unique=True)
    user_id: int = Field(foreign_key="user.id", ondelete="CASCADE", index=True)
    purpose: TokenPurpose = Field(sa_type=sa.String(16))
    email: str = Field(sa_type=sa.String(254))  # the address the link went to
    created_at: datetime = Field(default_factory=utcnow, sa_type=sa.DateTime(timezone=True))
    expires_at: datetime = Field(sa_type=sa.DateTime(timezone=True))
    used_at: datetime | None = Field(default=None, sa_type=sa.DateTime(timezone=True))
