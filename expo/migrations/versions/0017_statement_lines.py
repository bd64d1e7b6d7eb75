"""statement lines: the credits of imported bank statements, once per expo (new table only)

Each row is one credit line of a bank statement (mutasi rekening) imported on the treasurer's page;
``(expo_id, line_key)`` is unique, so a statement imported twice adds nothing, and ``payment_id``
(unique) is the ledger payment an approved line became, so a line pays once.

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-04 19:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "statement_line",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("expo_id", sa.Integer(), nullable=False),
        sa.Column("line_key", sa.String(length=40), nullable=False),
        sa.Column("booked_on", sa.Date(), nullable=False),
        sa.Column("description", sa.String(length=500), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("balance", sa.BigInteger(), nullable=True),
        sa.Column("source_line", sa.Integer(), nullable=False),
        sa.Column("file_name", sa.String(length=200), nullable=False),
        sa.Column("imported_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("imported_by", sa.Integer(), nullable=True),
        sa.Column("payment_id", sa.Integer(), nullable=True),
        sa.Column("approved_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["expo_id"], ["expo.id"], name=op.f("fk_statement_line_expo_id_expo"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["imported_by"], ["user.id"], name=op.f("fk_statement_line_imported_by_user"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["payment_id"], ["payment.id"], name=op.f("fk_statement_line_payment_id_payment"), ondelete="RESTRICT"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_statement_line")),
        sa.UniqueConstraint("expo_id", "line_key", name=op.f("uq_statement_line_expo_id_line_key")),
        sa.UniqueConstraint("payment_id", name=op.f("uq_statement_line_payment_id")),
    )
    with op.batch_alter_table("statement_line", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_statement_line_expo_id"), ["expo_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("statement_line", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_statement_line_expo_id"))
    op.drop_table("statement_line")
