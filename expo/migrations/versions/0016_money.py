"""money: payment set-up, bank accounts, bills and their lines, the payment ledger, proofs of
transfer, add-ons, refunds and document counters (new tables only; existing rows are untouched:
bookings made before have no bill, and their payment fields stay as they were)

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-04 18:44:57.832836
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes  # noqa: F401  (autogenerate may name AutoString)
from alembic import op

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "addon",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("expo_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("unit", sa.String(length=20), nullable=False),
        sa.Column("unit_size", sa.Integer(), nullable=False),
        sa.Column("price", sa.Integer(), nullable=False),
        sa.Column("max_quantity", sa.Integer(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["expo_id"], ["expo.id"], name=op.f("fk_addon_expo_id_expo"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_addon")),
        sa.UniqueConstraint("expo_id", "code", name=op.f("uq_addon_expo_id_code")),
    )
    with op.batch_alter_table("addon", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_addon_expo_id"), ["expo_id"], unique=False)

    op.create_table(
        "bank_account",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("expo_id", sa.Integer(), nullable=False),
        sa.Column("bank", sa.String(length=60), nullable=False),
        sa.Column("number", sa.String(length=40), nullable=False),
        sa.Column("holder", sa.String(length=120), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["expo_id"], ["expo.id"], name=op.f("fk_bank_account_expo_id_expo"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bank_account")),
    )
    with op.batch_alter_table("bank_account", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_bank_account_expo_id"), ["expo_id"], unique=False)

    op.create_table(
        "document_counter",
        sa.Column("expo_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("last", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["expo_id"], ["expo.id"], name=op.f("fk_document_counter_expo_id_expo"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("expo_id", "kind", name=op.f("pk_document_counter")),
    )
    op.create_table(
        "payment_setup",
        sa.Column("expo_id", sa.Integer(), nullable=False),
        sa.Column("qris_image_key", sa.String(length=200), nullable=True),
        sa.Column("cash_enabled", sa.Boolean(), nullable=False),
        sa.Column("cash_place", sa.String(length=300), nullable=False),
        sa.Column("cash_hours", sa.String(length=120), nullable=False),
        sa.Column("down_payment", sa.String(length=16), nullable=False),
        sa.Column("down_payment_value", sa.Integer(), nullable=False),
        sa.Column("rest_due_on", sa.Date(), nullable=True),
        sa.Column("unique_code", sa.Boolean(), nullable=False),
        sa.Column("invoice_prefix", sa.String(length=20), nullable=False),
        sa.Column("issuer_name", sa.String(length=160), nullable=False),
        sa.Column("issuer_address", sa.String(length=300), nullable=False),
        sa.Column("treasurer_name", sa.String(length=120), nullable=False),
        sa.Column("signature_image_key", sa.String(length=200), nullable=True),
        sa.Column("refund_rules", sa.JSON(), nullable=False),
        sa.Column("online_enabled", sa.Boolean(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["expo_id"], ["expo.id"], name=op.f("fk_payment_setup_expo_id_expo"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("expo_id", name=op.f("pk_payment_setup")),
    )
    op.create_table(
        "addon_order",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("expo_id", sa.Integer(), nullable=False),
        sa.Column("booking_id", sa.Integer(), nullable=False),
        sa.Column("addon_id", sa.Integer(), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("unit_price", sa.Integer(), nullable=False),
        sa.Column("text", sa.String(length=80), nullable=False),
        sa.Column("ordered_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("cancelled_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["addon_id"], ["addon.id"], name=op.f("fk_addon_order_addon_id_addon"), ondelete="RESTRICT"
        ),
        sa.ForeignKeyConstraint(
            ["booking_id"], ["booking.id"], name=op.f("fk_addon_order_booking_id_booking"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(["expo_id"], ["expo.id"], name=op.f("fk_addon_order_expo_id_expo"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_addon_order")),
    )
    with op.batch_alter_table("addon_order", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_addon_order_booking_id"), ["booking_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_addon_order_expo_id"), ["expo_id"], unique=False)

    op.create_table(
        "bill",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("expo_id", sa.Integer(), nullable=False),
        sa.Column("exhibitor_id", sa.Integer(), nullable=False),
        sa.Column("booking_id", sa.Integer(), nullable=True),
        sa.Column("number", sa.String(length=40), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("total", sa.Integer(), nullable=False),
        sa.Column("paid", sa.Integer(), nullable=False),
        sa.Column("unique_code", sa.Integer(), nullable=False),
        sa.Column("down_payment", sa.Integer(), nullable=False),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("rest_due_on", sa.Date(), nullable=True),
        sa.Column("issued_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("voided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("void_reason", sa.String(length=300), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["booking_id"], ["booking.id"], name=op.f("fk_bill_booking_id_booking"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["exhibitor_id"], ["exhibitor.id"], name=op.f("fk_bill_exhibitor_id_exhibitor"), ondelete="RESTRICT"
        ),
        sa.ForeignKeyConstraint(["expo_id"], ["expo.id"], name=op.f("fk_bill_expo_id_expo"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bill")),
        sa.UniqueConstraint("expo_id", "number", name=op.f("uq_bill_expo_id_number")),
    )
    with op.batch_alter_table("bill", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_bill_booking_id"), ["booking_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_bill_exhibitor_id"), ["exhibitor_id"], unique=False)
        batch_op.create_index("ix_bill_expo_status", ["expo_id", "status"], unique=False)

    op.create_table(
        "bill_line",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("bill_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("description", sa.String(length=200), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("unit_price", sa.Integer(), nullable=False),
        sa.Column("amount", sa.Integer(), nullable=False),
        sa.Column("addon_order_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["addon_order_id"],
            ["addon_order.id"],
            name=op.f("fk_bill_line_addon_order_id_addon_order"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(["bill_id"], ["bill.id"], name=op.f("fk_bill_line_bill_id_bill"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bill_line")),
    )
    with op.batch_alter_table("bill_line", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_bill_line_bill_id"), ["bill_id"], unique=False)

    op.create_table(
        "payment_proof",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("expo_id", sa.Integer(), nullable=False),
        sa.Column("bill_id", sa.Integer(), nullable=False),
        sa.Column("file_key", sa.String(length=200), nullable=False),
        sa.Column("content_type", sa.String(length=60), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("amount", sa.Integer(), nullable=False),
        sa.Column("paid_on", sa.Date(), nullable=False),
        sa.Column("sender_bank", sa.String(length=60), nullable=False),
        sa.Column("sender_name", sa.String(length=120), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("reason", sa.String(length=300), nullable=True),
        sa.Column("submitted_by", sa.Integer(), nullable=True),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("reviewed_by", sa.Integer(), nullable=True),
        sa.Column("reviewed_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["bill_id"], ["bill.id"], name=op.f("fk_payment_proof_bill_id_bill"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["expo_id"], ["expo.id"], name=op.f("fk_payment_proof_expo_id_expo"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["reviewed_by"], ["user.id"], name=op.f("fk_payment_proof_reviewed_by_user"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["submitted_by"], ["user.id"], name=op.f("fk_payment_proof_submitted_by_user"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_payment_proof")),
    )
    with op.batch_alter_table("payment_proof", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_payment_proof_bill_id"), ["bill_id"], unique=False)
        batch_op.create_index("ix_payment_proof_expo_status", ["expo_id", "status", "submitted_at"], unique=False)

    op.create_table(
        "refund",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("expo_id", sa.Integer(), nullable=False),
        sa.Column("bill_id", sa.Integer(), nullable=False),
        sa.Column("amount", sa.Integer(), nullable=False),
        sa.Column("percent", sa.Integer(), nullable=False),
        sa.Column("reason", sa.String(length=300), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("paid_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("paid_by", sa.Integer(), nullable=True),
        sa.Column("reference", sa.String(length=120), nullable=False),
        sa.ForeignKeyConstraint(["bill_id"], ["bill.id"], name=op.f("fk_refund_bill_id_bill"), ondelete="RESTRICT"),
        sa.ForeignKeyConstraint(["expo_id"], ["expo.id"], name=op.f("fk_refund_expo_id_expo"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["paid_by"], ["user.id"], name=op.f("fk_refund_paid_by_user"), ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_refund")),
        sa.UniqueConstraint("bill_id", name=op.f("uq_refund_bill_id")),
    )
    with op.batch_alter_table("refund", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_refund_expo_id"), ["expo_id"], unique=False)

    op.create_table(
        "payment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("expo_id", sa.Integer(), nullable=False),
        sa.Column("bill_id", sa.Integer(), nullable=False),
        sa.Column("amount", sa.Integer(), nullable=False),
        sa.Column("method", sa.String(length=16), nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("paid_on", sa.Date(), nullable=False),
        sa.Column("reference", sa.String(length=120), nullable=False),
        sa.Column("note", sa.String(length=300), nullable=False),
        sa.Column("receipt_number", sa.String(length=40), nullable=True),
        sa.Column("proof_id", sa.Integer(), nullable=True),
        sa.Column("reverses_id", sa.Integer(), nullable=True),
        sa.Column("idempotency_key", sa.String(length=120), nullable=True),
        sa.Column("recorded_by", sa.Integer(), nullable=True),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["bill_id"], ["bill.id"], name=op.f("fk_payment_bill_id_bill"), ondelete="RESTRICT"),
        sa.ForeignKeyConstraint(["expo_id"], ["expo.id"], name=op.f("fk_payment_expo_id_expo"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(
            ["proof_id"], ["payment_proof.id"], name=op.f("fk_payment_proof_id_payment_proof"), ondelete="RESTRICT"
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by"], ["user.id"], name=op.f("fk_payment_recorded_by_user"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["reverses_id"], ["payment.id"], name=op.f("fk_payment_reverses_id_payment"), ondelete="RESTRICT"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_payment")),
        sa.UniqueConstraint("expo_id", "receipt_number", name=op.f("uq_payment_expo_id_receipt_number")),
        sa.UniqueConstraint("idempotency_key", name=op.f("uq_payment_idempotency_key")),
        sa.UniqueConstraint("reverses_id", name=op.f("uq_payment_reverses_id")),
    )
    with op.batch_alter_table("payment", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_payment_bill_id"), ["bill_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_payment_expo_id"), ["expo_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("payment", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_payment_expo_id"))
        batch_op.drop_index(batch_op.f("ix_payment_bill_id"))

    op.drop_table("payment")
    with op.batch_alter_table("refund", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_refund_expo_id"))

    op.drop_table("refund")
    with op.batch_alter_table("payment_proof", schema=None) as batch_op:
        batch_op.drop_index("ix_payment_proof_expo_status")
        batch_op.drop_index(batch_op.f("ix_payment_proof_bill_id"))

    op.drop_table("payment_proof")
    with op.batch_alter_table("bill_line", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_bill_line_bill_id"))

    op.drop_table("bill_line")
    with op.batch_alter_table("bill", schema=None) as batch_op:
        batch_op.drop_index("ix_bill_expo_status")
        batch_op.drop_index(batch_op.f("ix_bill_exhibitor_id"))
        batch_op.drop_index(batch_op.f("ix_bill_booking_id"))

    op.drop_table("bill")
    with op.batch_alter_table("addon_order", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_addon_order_expo_id"))
        batch_op.drop_index(batch_op.f("ix_addon_order_booking_id"))

    op.drop_table("addon_order")
    op.drop_table("payment_setup")
    op.drop_table("document_counter")
    with op.batch_alter_table("bank_account", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_bank_account_expo_id"))

    op.drop_table("bank_account")
    with op.batch_alter_table("addon", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_addon_expo_id"))

    op.drop_table("addon")
