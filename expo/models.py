"""Accounts and log-in sessions: the tables of the app core."""

from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from expo.formatting import utcnow
from expo.metadata import metadata as _metadata  # noqa: F401  (naming convention first)


class Role(StrEnum):
    ORGANISER = "organiser"
    EXHIBITOR = "exhibitor"
    GATE = "gate"


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
