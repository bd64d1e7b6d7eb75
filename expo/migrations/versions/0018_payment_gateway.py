"""payment gateway: the checkouts exhibitors start and the signed notices received (new tables only)

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-04 19:20:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0018"
down_revision: str | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "gateway_checkout",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("expo_id", sa.Integer(), nullable=False),
        sa.Column("bill_id", sa.Integer(), nullable=False),
        sa.Column("provider", sa.String(length=20), nullable=False),
        sa.Column("order_id", sa.String(length=50), nullable=False),
        sa.Column("amount", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("redirect_url", sa.String(length=500), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["bill_id"], ["bill.id"], name=op.f("fk_gateway_checkout_bill_id_bill"), ondelete="RESTRICT"
        ),
        sa.ForeignKeyConstraint(
            ["created_by"], ["user.id"], name=op.f("fk_gateway_checkout_created_by_user"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["expo_id"], ["expo.id"], name=op.f("fk_gateway_checkout_expo_id_expo"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_gateway_checkout")),
        sa.UniqueConstraint("order_id", name=op.f("uq_gateway_checkout_order_id")),
    )
    with op.batch_alter_table("gateway_checkout", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_gateway_checkout_bill_id"), ["bill_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_gateway_checkout_expo_id"), ["expo_id"], unique=False)
    op.create_table(
        "gateway_notice",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("provider", sa.String(length=20), nullable=False),
        sa.Column("event_key", sa.String(length=120), nullable=False),
        sa.Column("checkout_id", sa.Integer(), nullable=False),
        sa.Column("order_id", sa.String(length=50), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("amount", sa.Integer(), nullable=False),
        sa.Column("outcome", sa.String(length=16), nullable=False),
        sa.Column("payment_id", sa.Integer(), nullable=True),
        sa.Column("raw", sa.Text(), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["checkout_id"],
            ["gateway_checkout.id"],
            name=op.f("fk_gateway_notice_checkout_id_gateway_checkout"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["payment_id"], ["payment.id"], name=op.f("fk_gateway_notice_payment_id_payment"), ondelete="RESTRICT"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_gateway_notice")),
        sa.UniqueConstraint("provider", "event_key", name=op.f("uq_gateway_notice_provider_event_key")),
    )
    with op.batch_alter_table("gateway_notice", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_gateway_notice_checkout_id"), ["checkout_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("gateway_notice", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_gateway_notice_checkout_id"))
    op.drop_table("gateway_notice")
    with op.batch_alter_table("gateway_checkout", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_gateway_checkout_expo_id"))
        batch_op.drop_index(batch_op.f("ix_gateway_checkout_bill_id"))
    op.drop_table("gateway_checkout")
