"""Credits imported from bank statements: one row per statement line, once per expo, so an approval pays once."""

from datetime import date, datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from expo.formatting import utcnow
from expo.metadata import TIMESTAMP
from expo.metadata import metadata as _metadata  # noqa: F401  (naming convention first)


class StatementLine(SQLModel, table=True):
    """A credit read from an imported statement. ``line_key`` (``booths.billing.statement.credit_key``:
    date, amount, description, balance) is unique per expo: importing the same statement again, or an
    overlapping one, adds no line twice. ``payment_id`` is set when the treasurer approves the line; an
    approved line is never paid again."""

    __tablename__ = "statement_line"
    __table_args__ = (sa.UniqueConstraint("expo_id", "line_key"),)

    id: int | None = Field(default=None, primary_key=True)
    expo_id: int = Field(foreign_key="expo.id", ondelete="CASCADE", index=True)
    line_key: str = Field(sa_type=sa.String(40))
    booked_on: date
    description: str = Field(default="", sa_type=sa.String(500))
    amount: int = Field(sa_type=sa.BigInteger)
    balance: int | None = Field(default=None, sa_type=sa.BigInteger)
    source_line: int  # where the line was in the file it first came from (shown to the treasurer)
    file_name: str = Field(default="", sa_type=sa.String(200))
    imported_at: datetime = Field(default_factory=utcnow, sa_type=TIMESTAMP)
    imported_by: int | None = Field(default=None, foreign_key="user.id", ondelete="SET NULL")
    payment_id: int | None = Field(default=None, foreign_key="payment.id", ondelete="RESTRICT", unique=True)
    approved_at: datetime | None = Field(default=None, sa_type=TIMESTAMP)
