"""The ``message`` table: every e-mail and WhatsApp message, queued in the transaction of the change
that causes it (a transactional outbox) and delivered by a job."""

from datetime import datetime
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from expo.formatting import utcnow
from expo.metadata import TIMESTAMP
from expo.metadata import metadata as _metadata  # noqa: F401  (naming convention first)


class Channel(StrEnum):
    EMAIL = "email"
    WHATSAPP = "whatsapp"
    MANUAL_WHATSAPP = "manual_whatsapp"  # no provider: a committee member sends it by hand (wa.me link)


class MessageStatus(StrEnum):
    QUEUED = "queued"  # waiting for its delivery job (or for a retry after a passing failure)
    SENDING = "sending"  # a delivery job has claimed it
    SENT = "sent"  # the SMTP server or the WhatsApp provider accepted it (or the local outbox holds it)
    DELIVERED = "delivered"  # the provider reported it delivered
    FAILED = "failed"  # will not be tried again by itself; ``reason`` says why
    MANUAL = "manual"  # to be sent by hand through its wa.me link


class Message(SQLModel, table=True):
    """One message to one recipient on one channel. ``key`` (unique) is the idempotency key: queueing
    the same key again adds nothing, and a retried delivery never sends twice. ``expo_id`` and
    ``exhibitor_id`` are plain columns: the platform knows no booths tables."""

    __tablename__ = "message"
    __table_args__ = (sa.Index("ix_message_expo_id_created_at", "expo_id", "created_at"),)

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(sa_type=sa.String(200), unique=True)
    expo_id: int | None = Field(default=None)
    exhibitor_id: int | None = Field(default=None, index=True)
    user_id: int | None = Field(default=None, foreign_key="user.id", ondelete="SET NULL", index=True)
    kind: str = Field(sa_type=sa.String(64))
    template: str = Field(sa_type=sa.String(64))
    channel: Channel = Field(sa_type=sa.String(16))
    recipient: str = Field(sa_type=sa.String(254))
    language: str = Field(default="id", sa_type=sa.String(8))
    subject: str = Field(default="", sa_type=sa.String(300))
    body_text: str = Field(default="", sa_type=sa.Text)
    body_html: str = Field(default="", sa_type=sa.Text)
    status: MessageStatus = Field(default=MessageStatus.QUEUED, sa_type=sa.String(16), index=True)
    reason: str = Field(default="", sa_type=sa.String(500))  # why it failed, in English
    reason_id: str = Field(default="", sa_type=sa.String(200))  # ... as a message id, shown translated
    reason_params: dict[str, Any] = Field(default_factory=dict, sa_type=sa.JSON)
    provider: str = Field(default="", sa_type=sa.String(16))  # smtp, outbox, cloud, gateway
    provider_message_id: str = Field(default="", sa_type=sa.String(200), index=True)
    attempts: int = 0
    claim: str = Field(default="", sa_type=sa.String(32))  # the delivery attempt that holds it while sending
    created_at: datetime = Field(default_factory=utcnow, sa_type=TIMESTAMP)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=TIMESTAMP)
    sent_at: datetime | None = Field(default=None, sa_type=TIMESTAMP)
