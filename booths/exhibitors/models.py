"""Tables of exhibitors: the businesses showing at an expo, their class and approval."""

from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from expo.formatting import utcnow
from expo.metadata import TIMESTAMP
from expo.metadata import metadata as _metadata  # noqa: F401  (naming convention first)


class Approval(StrEnum):
    """The organiser's decision on an exhibitor's self-declared class (it sets a free or cheaper stand)."""

    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"


class ExhibitorClass(StrEnum):
    PESANTREN = "pesantren"
    KOPERASI = "koperasi"
    UMKM = "umkm"
    SPONSOR = "sponsor"
    GOVERNMENT = "government"


class Exhibitor(SQLModel, table=True):
    """A business showing at the expo. One per NIB per expo. A business that returns to a later expo
    keeps its account: one exhibitor row per expo, all linked to the same user (one per user per expo)."""

    __table_args__ = (sa.UniqueConstraint("expo_id", "nib"), sa.UniqueConstraint("expo_id", "user_id"))

    id: int | None = Field(default=None, primary_key=True)
    expo_id: int = Field(foreign_key="expo.id", ondelete="CASCADE", index=True)
    user_id: int | None = Field(default=None, foreign_key="user.id", ondelete="SET NULL", index=True)
    name: str = Field(sa_type=sa.String(160))
    exhibitor_class: ExhibitorClass = Field(sa_type=sa.String(16))
    nib: str = Field(sa_type=sa.String(13))
    pesantren_name: str | None = Field(default=None, sa_type=sa.String(160))
    regency: str = Field(sa_type=sa.String(80))
    contact_name: str = Field(sa_type=sa.String(120))
    whatsapp: str = Field(sa_type=sa.String(20))
    email: str = Field(sa_type=sa.String(254))
    cluster: str | None = Field(default=None, sa_type=sa.String(32))
    description: str = Field(default="", sa_type=sa.String(1000))
    # A class that gets a stand below the regular price (pesantren, koperasi, ...) is taken on the
    # exhibitor's word only once an organiser approved it (booths.exhibitors.approval).
    approval: Approval = Field(default=Approval.PENDING, sa_type=sa.String(16))
    approval_decided_at: datetime | None = Field(default=None, sa_type=TIMESTAMP)
    # Who decided: a user id kept as history, like a log line (no foreign key: the column is added
    # without copying the table, see migration 0007).
    approval_decided_by: int | None = None
    approval_note: str | None = Field(default=None, sa_type=sa.String(300))
    # Bumped at the start of every booking change: a row lock that serialises one exhibitor's
    # bookings on PostgreSQL and takes SQLite's write lock before anything is read.
    lock_version: int = 0
    created_at: datetime = Field(default_factory=utcnow, sa_type=TIMESTAMP)
