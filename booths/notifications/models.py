"""Per-expo message settings: the kinds turned off, and the contact line every message ends with."""

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from expo.formatting import utcnow
from expo.metadata import TIMESTAMP
from expo.metadata import metadata as _metadata  # noqa: F401  (naming convention first)


class MessageSetting(SQLModel, table=True):
    """One row per expo that changed the defaults (no row: every kind on, no contact line)."""

    __tablename__ = "message_setting"

    expo_id: int = Field(foreign_key="expo.id", ondelete="CASCADE", primary_key=True)
    # Values of expo.message_kinds.MessageKind that this expo does not send.
    disabled: list[str] = Field(default_factory=list, sa_type=sa.JSON)
    contact: str = Field(default="", sa_type=sa.String(200))
    updated_at: datetime = Field(default_factory=utcnow, sa_type=TIMESTAMP)
