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


class AuthSession(SQLModel, table=True):
    """A log-in: the browser's cookie or an API bearer token. Only the token's SHA-256 is stored,
    so that every worker can check it and a database leak does not leak usable tokens."""

    __tablename__ = "auth_session"

    id: int | None = Field(default=None, primary_key=True)
    token_hash: str = Field(sa_type=sa.String(64), unique=True)
    user_id: int = Field(foreign_key="user.id", ondelete="CASCADE", index=True)
    created_at: datetime = Field(default_factory=utcnow, sa_type=sa.DateTime(timezone=True))
    expires_at: datetime = Field(sa_type=sa.DateTime(timezone=True))
