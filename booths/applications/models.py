"""Tables of applications: booth applications, shared stands and waiting-list offers."""

from datetime import datetime
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from expo.formatting import utcnow
from expo.metadata import TIMESTAMP
from expo.metadata import metadata as _metadata  # noqa: F401  (naming convention first)


# --- allocation: applications, allocation runs, shared stands, waitlist offers ------------------
class ApplicationStatus(StrEnum):
    SUBMITTED = "submitted"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    WITHDRAWN = "withdrawn"
    PLACED = "placed"
    WAITLISTED = "waitlisted"


class BoothApplication(SQLModel, table=True):
    """An exhibitor's application for a booth: what it needs and wants. One per exhibitor."""

    __tablename__ = "booth_application"
    __table_args__ = (sa.UniqueConstraint("expo_id", "exhibitor_id"),)

    id: int | None = Field(default=None, primary_key=True)
    expo_id: int = Field(foreign_key="expo.id", ondelete="CASCADE", index=True)
    exhibitor_id: int = Field(foreign_key="exhibitor.id", ondelete="CASCADE", index=True)
    status: ApplicationStatus = Field(sa_type=sa.String(16))
    cluster: str | None = Field(default=None, sa_type=sa.String(32))
    booth_types: list[Any] = Field(default_factory=list, sa_type=sa.JSON)
    packages: list[Any] = Field(default_factory=list, sa_type=sa.JSON)
    min_area_m2: float = 0.0
    power_amps: int = 0
    accessible: bool = False
    preferences: list[Any] = Field(default_factory=list, sa_type=sa.JSON)
    share: bool = False
    share_with: list[Any] = Field(default_factory=list, sa_type=sa.JSON)
    near: list[Any] = Field(default_factory=list, sa_type=sa.JSON)
    avoid: list[Any] = Field(default_factory=list, sa_type=sa.JSON)
    note: str = Field(default="", sa_type=sa.String(500))
    decision_note: str | None = Field(default=None, sa_type=sa.String(300))
    decided_at: datetime | None = Field(default=None, sa_type=TIMESTAMP)
    decided_by: int | None = Field(default=None, foreign_key="user.id", ondelete="SET NULL")
    waitlist_rank: int | None = None
    submitted_at: datetime = Field(default_factory=utcnow, sa_type=TIMESTAMP)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=TIMESTAMP)


class BookingCoExhibitor(SQLModel, table=True):
    """A co-exhibitor on a shared stand: the booking stays the main exhibitor's; this adds a name and
    a share of the stand's staff passes."""

    __tablename__ = "booking_co_exhibitor"
    __table_args__ = (sa.UniqueConstraint("booking_id", "exhibitor_id"),)

    id: int | None = Field(default=None, primary_key=True)
    booking_id: int = Field(foreign_key="booking.id", ondelete="CASCADE", index=True)
    exhibitor_id: int = Field(foreign_key="exhibitor.id", ondelete="RESTRICT", index=True)
    staff_quota_share: int = 1
    created_at: datetime = Field(default_factory=utcnow, sa_type=TIMESTAMP)


class OfferStatus(StrEnum):
    OFFERED = "offered"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    LAPSED = "lapsed"
    WITHDRAWN = "withdrawn"


class BoothOffer(SQLModel, table=True):
    """A freed booth offered to the next applicant on the waiting list, until a deadline. At most one
    open offer per booth and per application (partial unique indexes)."""

    __tablename__ = "booth_offer"
    __table_args__ = (
        sa.Index(
            "uq_booth_offer_open_booth",
            "booth_id",
            unique=True,
            sqlite_where=sa.text("status = 'offered'"),
            postgresql_where=sa.text("status = 'offered'"),
        ),
        sa.Index(
            "uq_booth_offer_open_application",
            "application_id",
            unique=True,
            sqlite_where=sa.text("status = 'offered'"),
            postgresql_where=sa.text("status = 'offered'"),
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    expo_id: int = Field(foreign_key="expo.id", ondelete="CASCADE", index=True)
    application_id: int = Field(foreign_key="booth_application.id", ondelete="CASCADE")
    booth_id: int = Field(foreign_key="booth.id", ondelete="CASCADE")
    status: OfferStatus = Field(sa_type=sa.String(16))
    offered_at: datetime = Field(default_factory=utcnow, sa_type=TIMESTAMP)
    expires_at: datetime = Field(sa_type=TIMESTAMP)
    responded_at: datetime | None = Field(default=None, sa_type=TIMESTAMP)
    booking_id: int | None = Field(default=None, foreign_key="booking.id", ondelete="SET NULL")
