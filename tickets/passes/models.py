"""Tables of passes: kinds, passes, their history, revoked serials, staff quotas and batch print jobs."""

from datetime import datetime, time
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from expo.formatting import utcnow
from expo.metadata import TIMESTAMP
from expo.metadata import metadata as _metadata  # noqa: F401  (naming convention first)


class PassStatus(StrEnum):
    ACTIVE = "active"
    REVOKED = "revoked"


class JobStatus(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


class PassKind(SQLModel, table=True):
    """A kind of pass (exhibitor staff, visitor, committee, ...): data, with its colour, days and hours.

    ``number`` (1-255) is what QR tokens carry; ``days`` empty means every day of the expo; hours
    ``None`` mean each day's own opening hours.
    """

    __tablename__ = "pass_kind"
    __table_args__ = (sa.UniqueConstraint("expo_id", "code"), sa.UniqueConstraint("expo_id", "number"))

    id: int | None = Field(default=None, primary_key=True)
    expo_id: int = Field(foreign_key="expo.id", ondelete="CASCADE", index=True)
    code: str = Field(sa_type=sa.String(24))
    number: int
    name: str = Field(sa_type=sa.String(60))
    band_label: str = Field(sa_type=sa.String(40))
    color: str = Field(default="#546e7a", sa_type=sa.String(7))
    staff: bool = False
    self_register: bool = False
    days: list[str] = Field(default_factory=list, sa_type=sa.JSON)
    opens_at: time | None = None
    closes_at: time | None = None
    sort_order: int = 0


class ExpoPass(SQLModel, table=True):
    """A pass for one person. ``serial`` is the current token's; a reissue moves the old one to
    ``pass_revocation`` and draws a new serial and code. Staff passes take a numbered ``slot`` of
    their booking's quota, unique among active passes (index below), so the quota holds under races."""

    __tablename__ = "expo_pass"
    __table_args__ = (
        sa.UniqueConstraint("expo_id", "code"),
        sa.Index(
            "uq_expo_pass_staff_slot",
            "booking_id",
            "slot",
            unique=True,
            sqlite_where=sa.text("status = 'active'"),
            postgresql_where=sa.text("status = 'active'"),
        ),
        sa.Index("ix_expo_pass_expo_kind", "expo_id", "kind_id"),
        sa.Index("ix_expo_pass_expo_updated", "expo_id", "updated_at", "id"),  # offline scanners' change cursor
    )

    id: int | None = Field(default=None, primary_key=True)
    expo_id: int = Field(foreign_key="expo.id", ondelete="CASCADE", index=True)
    kind_id: int = Field(foreign_key="pass_kind.id", ondelete="RESTRICT")
    serial: int = Field(sa_type=sa.BigInteger(), unique=True)
    code: str = Field(sa_type=sa.String(8))
    holder_name: str = Field(sa_type=sa.String(100))
    phone: str | None = Field(default=None, sa_type=sa.String(20))
    email: str | None = Field(default=None, sa_type=sa.String(254))
    organisation: str | None = Field(default=None, sa_type=sa.String(160))
    regency: str | None = Field(default=None, sa_type=sa.String(80))
    visitor_category: str | None = Field(default=None, sa_type=sa.String(16))
    exhibitor_id: int | None = Field(default=None, foreign_key="exhibitor.id", ondelete="CASCADE", index=True)
    booking_id: int | None = Field(default=None, foreign_key="booking.id", ondelete="CASCADE", index=True)
    slot: int | None = None
    days: list[str] = Field(default_factory=list, sa_type=sa.JSON)
    status: PassStatus = Field(default=PassStatus.ACTIVE, sa_type=sa.String(16))
    # The visitor's "get my pass back" link: only the SHA-256 of its secret is kept.
    access_hash: str | None = Field(default=None, sa_type=sa.String(64), unique=True)
    # Leads: whether the visitor agreed, at registration or later, that exhibitors who scan this
    # pass may keep its name's contact (phone, e-mail). Off unless the visitor ticks it; withdrawable.
    shares_contact: bool = Field(default=False, sa_column_kwargs={"server_default": sa.false()})
    contact_consent_at: datetime | None = Field(default=None, sa_type=TIMESTAMP)
    issued_by_user_id: int | None = Field(default=None, foreign_key="user.id", ondelete="SET NULL")
    issued_at: datetime = Field(default_factory=utcnow, sa_type=TIMESTAMP)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=TIMESTAMP)
    revoked_at: datetime | None = Field(default=None, sa_type=TIMESTAMP)
    revoke_reason: str | None = Field(default=None, sa_type=sa.String(200))


class PassAction(StrEnum):
    """What a line of a pass's history records."""

    ISSUE = "issue"
    RENAME = "rename"
    REVOKE = "revoke"
    REISSUE = "reissue"


class PassEvent(SQLModel, table=True):
    """One line of a pass's history: issued, renamed, reissued, revoked; who and when."""

    __tablename__ = "pass_event"

    id: int | None = Field(default=None, primary_key=True)
    pass_id: int = Field(foreign_key="expo_pass.id", ondelete="CASCADE", index=True)
    at: datetime = Field(default_factory=utcnow, sa_type=TIMESTAMP)
    actor_user_id: int | None = Field(default=None, foreign_key="user.id", ondelete="SET NULL")
    action: PassAction = Field(sa_type=sa.String(24))
    serial: int | None = Field(default=None, sa_type=sa.BigInteger())
    note: str | None = Field(default=None, sa_type=sa.String(300))


class PassRevocation(SQLModel, table=True):
    """A serial that no gate may admit any more, numbered per expo in the order revocations committed."""

    __tablename__ = "pass_revocation"
    __table_args__ = (sa.UniqueConstraint("expo_id", "seq"),)

    id: int | None = Field(default=None, primary_key=True)
    expo_id: int = Field(foreign_key="expo.id", ondelete="CASCADE")
    seq: int
    serial: int = Field(sa_type=sa.BigInteger(), unique=True)
    pass_id: int = Field(foreign_key="expo_pass.id", ondelete="CASCADE", index=True)
    reason: str = Field(sa_type=sa.String(24))
    revoked_at: datetime = Field(default_factory=utcnow, sa_type=TIMESTAMP)


class PassCounter(SQLModel, table=True):
    """Per-expo counter of revocations. Taking the next number updates this row, which locks it until
    commit: revocations commit in number order, so a gate that has seen ``seq`` N never misses one below."""

    __tablename__ = "pass_counter"

    expo_id: int = Field(primary_key=True, foreign_key="expo.id", ondelete="CASCADE")
    revocation_seq: int = 0


class StaffQuota(SQLModel, table=True):
    """The organiser's own number of staff passes for one booking, instead of its package's."""

    __tablename__ = "staff_quota"

    booking_id: int = Field(primary_key=True, foreign_key="booking.id", ondelete="CASCADE")
    quota: int
    updated_by_user_id: int | None = Field(default=None, foreign_key="user.id", ondelete="SET NULL")
    updated_at: datetime = Field(default_factory=utcnow, sa_type=TIMESTAMP)


class PassBatchJob(SQLModel, table=True):
    """A large batch print running in the background; its state is here so any worker can report it.
    The PDF is written under ``EXPO_PASS_JOBS_DIR``, which every worker must share."""

    __tablename__ = "pass_batch_job"

    id: int | None = Field(default=None, primary_key=True)
    expo_id: int = Field(foreign_key="expo.id", ondelete="CASCADE", index=True)
    requested_by_user_id: int | None = Field(default=None, foreign_key="user.id", ondelete="SET NULL")
    exhibitor_id: int | None = Field(default=None, foreign_key="exhibitor.id", ondelete="CASCADE")
    selection: dict[str, Any] = Field(default_factory=dict, sa_type=sa.JSON)
    paper: str = Field(sa_type=sa.String(8))
    status: JobStatus = Field(default=JobStatus.QUEUED, sa_type=sa.String(16))
    total: int = 0
    done: int = 0
    file_name: str | None = Field(default=None, sa_type=sa.String(200))
    file_size: int | None = None
    error: str | None = Field(default=None, sa_type=sa.String(300))
    created_at: datetime = Field(default_factory=utcnow, sa_type=TIMESTAMP)
    started_at: datetime | None = Field(default=None, sa_type=TIMESTAMP)
    finished_at: datetime | None = Field(default=None, sa_type=TIMESTAMP)
