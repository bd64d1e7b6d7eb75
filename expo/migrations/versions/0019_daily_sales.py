"""daily sales: what each exhibitor sold per expo day, and the earlier versions of each entry

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-04 19:10:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0019"
down_revision: str | None = "0018"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "daily_sale",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("expo_id", sa.Integer(), nullable=False),
        sa.Column("exhibitor_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("cash", sa.BigInteger(), nullable=False),
        sa.Column("transfer", sa.BigInteger(), nullable=False),
        sa.Column("transactions", sa.Integer(), nullable=False),
        sa.Column("orders", sa.BigInteger(), nullable=False),
        sa.Column("deals", sa.JSON(), nullable=False),
        sa.Column("deals_value", sa.BigInteger(), nullable=False),
        sa.Column("flagged", sa.Boolean(), nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("entered_by", sa.Integer(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["entered_by"], ["user.id"], name=op.f("fk_daily_sale_entered_by_user"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["exhibitor_id"], ["exhibitor.id"], name=op.f("fk_daily_sale_exhibitor_id_exhibitor"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(["expo_id"], ["expo.id"], name=op.f("fk_daily_sale_expo_id_expo"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_daily_sale")),
        sa.UniqueConstraint("exhibitor_id", "day", name=op.f("uq_daily_sale_exhibitor_id_day")),
    )
    with op.batch_alter_table("daily_sale", schema=None) as batch_op:
        batch_op.create_index("ix_daily_sale_expo_day", ["expo_id", "day"], unique=False)

    op.create_table(
        "daily_sale_revision",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("sale_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("values", sa.JSON(), nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("entered_by", sa.Integer(), nullable=True),
        sa.Column("entered_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("replaced_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["entered_by"], ["user.id"], name=op.f("fk_daily_sale_revision_entered_by_user"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["sale_id"], ["daily_sale.id"], name=op.f("fk_daily_sale_revision_sale_id_daily_sale"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_daily_sale_revision")),
    )
    with op.batch_alter_table("daily_sale_revision", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_daily_sale_revision_sale_id"), ["sale_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("daily_sale_revision", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_daily_sale_revision_sale_id"))

    op.drop_table("daily_sale_revision")
    with op.batch_alter_table("daily_sale", schema=None) as batch_op:
        batch_op.drop_index("ix_daily_sale_expo_day")

    op.drop_table("daily_sale")
