"""Tables of the daily sales an exhibitor reports: one row per exhibitor and expo day, and the
history of every earlier version of it.

A second entry for the same day replaces the first (the row holds what counts now), and the values
it replaced go to ``daily_sale_revision`` first, so a committee can see what was entered before and
by whom. Amounts are whole rupiah.
"""

from datetime import date, datetime
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from expo.formatting import utcnow
from expo.metadata import TIMESTAMP
from expo.metadata import metadata as _metadata  # noqa: F401  (naming convention first)


class SaleSource(StrEnum):
    """Who put a version of a day's sales in."""

    EXHIBITOR = "exhibitor"  # the exhibitor on its phone, before the day locked
    DESK = "desk"  # the committee at the desk, for an exhibitor (before or after the lock)


class DailySale(SQLModel, table=True):
    """What one exhibitor sold on one expo day, as last entered."""

    __tablename__ = "daily_sale"
    __table_args__ = (
        sa.UniqueConstraint("exhibitor_id", "day"),
        sa.Index("ix_daily_sale_expo_day", "expo_id", "day"),
    )

    id: int | None = Field(default=None, primary_key=True)
    expo_id: int = Field(foreign_key="expo.id", ondelete="CASCADE")
    exhibitor_id: int = Field(foreign_key="exhibitor.id", ondelete="CASCADE")
    day: date
    cash: int = Field(default=0, sa_type=sa.BigInteger)  # cash sales
    transfer: int = Field(default=0, sa_type=sa.BigInteger)  # transfer and QRIS sales
    transactions: int = 0  # how many sales were made
    orders: int = Field(default=0, sa_type=sa.BigInteger)  # value of orders taken for later delivery
    deals: list[dict[str, Any]] = Field(default_factory=list, sa_type=sa.JSON)  # [{"party": ..., "value": ...}]
    deals_value: int = Field(default=0, sa_type=sa.BigInteger)  # the sum of the deals, for sums in SQL
    # Set when the day's sales are far above the exhibitor's other days: the committee checks it (an
    # unusual figure is kept, not refused: a big wholesale order is real).
    flagged: bool = False
    source: SaleSource = Field(default=SaleSource.EXHIBITOR, sa_type=sa.String(16))
    entered_by: int | None = Field(default=None, foreign_key="user.id", ondelete="SET NULL")
    version: int = 1
    created_at: datetime = Field(default_factory=utcnow, sa_type=TIMESTAMP)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=TIMESTAMP)


class DailySaleRevision(SQLModel, table=True):
    """An earlier version of a day's sales, kept when a later entry replaced it."""

    __tablename__ = "daily_sale_revision"

    id: int | None = Field(default=None, primary_key=True)
    sale_id: int = Field(foreign_key="daily_sale.id", ondelete="CASCADE", index=True)
    version: int
    values: dict[str, Any] = Field(default_factory=dict, sa_type=sa.JSON)
    source: SaleSource = Field(sa_type=sa.String(16))
    entered_by: int | None = Field(default=None, foreign_key="user.id", ondelete="SET NULL")
    entered_at: datetime = Field(sa_type=TIMESTAMP)
    replaced_at: datetime = Field(default_factory=utcnow, sa_type=TIMESTAMP)
