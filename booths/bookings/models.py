"""Tables of bookings: a booth held or confirmed for an exhibitor, and its history."""

from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from expo.formatting import utcnow
from expo.metadata import TIMESTAMP
from expo.metadata import metadata as _metadata  # noqa: F401  (naming convention first)


class BookingStatus(StrEnum):
    HELD = "held"
    CONFIRMED = "confirmed"
    CANCELLED = "cancelled"
    EXPIRED = "expired"


class PaymentMethod(StrEnum):
    TRANSFER = "transfer"
    CASH = "cash"
    QRIS = "qris"
    WAIVED = "waived"  # the organiser lets the exhibitor off (any amount)
    OTHER = "other"


class BookingAction(StrEnum):
    """What a line of a booking's history records."""

    HOLD = "hold"
    HOLD_CONFIRM_FREE = "hold_confirm_free"  # a free stand that confirmed itself on hold
    ASSIGN = "assign"
    CONFIRM = "confirm"
    CANCEL = "cancel"
    MOVE = "move"
    EXPIRE = "expire"
    REPRICE = "reprice"  # the exhibitor's class was rejected: the regular price
    APPROVE_CONFIRM_FREE = "approve_confirm_free"  # the class was approved: a free stand confirmed


# The stored statuses the unique index below covers (a lapsed hold still counts here until a write
# turns it): what a race check counts. Whether a booking holds its booth now is booths.bookings.holds.
ACTIVE_BOOKING_STATUSES = (BookingStatus.HELD.value, BookingStatus.CONFIRMED.value)


class Booking(SQLModel, table=True):
    """A booth held or confirmed for an exhibitor. At most one active booking per booth (index below)."""

    __table_args__ = (
        sa.Index(
            "uq_booking_active_booth",
            "booth_id",
            unique=True,
            sqlite_where=sa.text("status IN ('held', 'confirmed')"),
            postgresql_where=sa.text("status IN ('held', 'confirmed')"),
        ),
        sa.Index("ix_booking_exhibitor_status", "exhibitor_id", "status"),
    )

    id: int | None = Field(default=None, primary_key=True)
    expo_id: int = Field(foreign_key="expo.id", ondelete="CASCADE", index=True)
    booth_id: int = Field(foreign_key="booth.id", ondelete="RESTRICT")
    exhibitor_id: int = Field(foreign_key="exhibitor.id", ondelete="RESTRICT")
    status: BookingStatus = Field(sa_type=sa.String(16))
    price: int
    held_at: datetime = Field(default_factory=utcnow, sa_type=TIMESTAMP)
    hold_expires_at: datetime | None = Field(default=None, sa_type=TIMESTAMP)
    confirmed_at: datetime | None = Field(default=None, sa_type=TIMESTAMP)
    ended_at: datetime | None = Field(default=None, sa_type=TIMESTAMP)
    cancel_reason: str | None = Field(default=None, sa_type=sa.String(300))
    payment_amount: int | None = None
    payment_method: PaymentMethod | None = Field(default=None, sa_type=sa.String(32))
    payment_reference: str | None = Field(default=None, sa_type=sa.String(120))
    updated_at: datetime = Field(default_factory=utcnow, sa_type=TIMESTAMP)


class BookingEvent(SQLModel, table=True):
    """One line of a booking's history: who did what, when."""

    __tablename__ = "booking_event"

    id: int | None = Field(default=None, primary_key=True)
    booking_id: int = Field(foreign_key="booking.id", ondelete="CASCADE", index=True)
    at: datetime = Field(default_factory=utcnow, sa_type=TIMESTAMP)
    actor_user_id: int | None = Field(default=None, foreign_key="user.id", ondelete="SET NULL")
    action: BookingAction = Field(sa_type=sa.String(24))
    from_status: BookingStatus | None = Field(default=None, sa_type=sa.String(16))
    to_status: BookingStatus | None = Field(default=None, sa_type=sa.String(16))
    from_booth_id: int | None = Field(default=None, foreign_key="booth.id", ondelete="SET NULL")
    to_booth_id: int | None = Field(default=None, foreign_key="booth.id", ondelete="SET NULL")
    note: str | None = Field(default=None, sa_type=sa.String(300))
