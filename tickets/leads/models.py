"""The lead table. A lead never copies the visitor's contact: it points at the pass, and the contact
is read from the pass only while the visitor's consent stands, so a withdrawn consent takes the
contact out of every exhibitor's list and export at once."""

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from expo.formatting import utcnow
from expo.metadata import TIMESTAMP
from expo.metadata import metadata as _metadata  # noqa: F401  (naming convention first)


class Lead(SQLModel, table=True):
    __tablename__ = "lead"
    __table_args__ = (
        sa.UniqueConstraint("exhibitor_id", "pass_id"),  # a second scan of the same visitor is the same lead
        sa.Index("ix_lead_exhibitor_created", "exhibitor_id", "created_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    expo_id: int = Field(foreign_key="expo.id", ondelete="CASCADE", index=True)
    exhibitor_id: int = Field(foreign_key="exhibitor.id", ondelete="CASCADE")
    pass_id: int = Field(foreign_key="expo_pass.id", ondelete="CASCADE", index=True)
    note: str = Field(default="", sa_type=sa.String(1000))
    saved_by: int | None = Field(default=None, foreign_key="user.id", ondelete="SET NULL")
    created_at: datetime = Field(default_factory=utcnow, sa_type=TIMESTAMP)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=TIMESTAMP)
