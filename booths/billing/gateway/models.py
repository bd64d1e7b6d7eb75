"""The gateway's two tables: the checkouts an exhibitor started, and every signed notice received.

A notice is stored once per provider and ``event_key`` (Midtrans: the order and its status), so a
replayed or retried notice is recognised by the unique key and changes nothing."""

from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from expo.formatting import utcnow
from expo.metadata import TIMESTAMP
from expo.metadata import metadata as _metadata  # noqa: F401  (naming convention first)


class CheckoutStatus(StrEnum):
    OPEN = "open"  # the exhibitor was sent to the gateway; nothing heard yet
    PENDING = "pending"  # the gateway waits for the money (a virtual account not yet paid)
    PAID = "paid"  # settled and recorded in the ledger
    FAILED = "failed"  # denied or cancelled
    EXPIRED = "expired"
    FLAGGED = "flagged"  # settled, but not recorded: the amount did not match, or the bill could not take it


class GatewayCheckout(SQLModel, table=True):
    """One hosted checkout for (part of) a bill. ``order_id`` is ours, sent to the gateway and named
    in every notice about it."""

    __tablename__ = "gateway_checkout"

    id: int | None = Field(default=None, primary_key=True)
    expo_id: int = Field(foreign_key="expo.id", ondelete="CASCADE", index=True)
    bill_id: int = Field(foreign_key="bill.id", ondelete="RESTRICT", index=True)
    provider: str = Field(sa_type=sa.String(20))
    order_id: str = Field(sa_type=sa.String(50), unique=True)
    amount: int
    status: CheckoutStatus = Field(default=CheckoutStatus.OPEN, sa_type=sa.String(16))
    redirect_url: str = Field(sa_type=sa.String(500))
    created_by: int | None = Field(default=None, foreign_key="user.id", ondelete="SET NULL")
    created_at: datetime = Field(default_factory=utcnow, sa_type=TIMESTAMP)
    expires_at: datetime | None = Field(default=None, sa_type=TIMESTAMP)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=TIMESTAMP)


class NoticeOutcome(StrEnum):
    """What a received notice did."""

    PAID = "paid"  # a payment went into the ledger
    STATUS = "status"  # the checkout's status changed (pending, failed, expired); no money
    MISMATCH = "mismatch"  # settled for another amount than the checkout's: refused, flagged
    REFUSED = "refused"  # settled, but the bill could not take it (void, already paid): flagged
    IGNORED = "ignored"  # a status we do not act on (refund, chargeback: the treasurer's matter)


class GatewayNotice(SQLModel, table=True):
    """A verified notice from the gateway, kept as it came (``raw``) with what it did."""

    __tablename__ = "gateway_notice"
    __table_args__ = (sa.UniqueConstraint("provider", "event_key"),)

    id: int | None = Field(default=None, primary_key=True)
    provider: str = Field(sa_type=sa.String(20))
    event_key: str = Field(sa_type=sa.String(120))
    checkout_id: int = Field(foreign_key="gateway_checkout.id", ondelete="RESTRICT", index=True)
    order_id: str = Field(sa_type=sa.String(50))
    status: str = Field(sa_type=sa.String(20))
    amount: int
    outcome: NoticeOutcome = Field(sa_type=sa.String(16))
    payment_id: int | None = Field(default=None, foreign_key="payment.id", ondelete="RESTRICT")
    raw: str = Field(sa_type=sa.Text)
    received_at: datetime = Field(default_factory=utcnow, sa_type=TIMESTAMP)
