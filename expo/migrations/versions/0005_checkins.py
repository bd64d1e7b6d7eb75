"""check-ins: gates, paired devices, re-entry rules, pass presence, scans

Revision ID: 0005
Revises: 0003
Create Date: 2026-11-28 10:50:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "gate",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("expo_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=60), nullable=False),
        sa.Column("hall_id", sa.Integer(), nullable=True),
        sa.Column("directions", sa.String(length=8), nullable=False),
        sa.Column("kind_codes", sa.JSON(), nullable=False),
        sa.Column("opens_at", sa.Time(), nullable=True),
        sa.Column("closes_at", sa.Time(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["expo_id"], ["expo.id"], name=op.f("fk_gate_expo_id_expo"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["hall_id"], ["hall.id"], name=op.f("fk_gate_hall_id_hall"), ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_gate")),
        sa.UniqueConstraint("expo_id", "name", name=op.f("uq_gate_expo_id_name")),
    )
    with op.batch_alter_table("gate", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_gate_expo_id"), ["expo_id"], unique=False)

    op.create_table(
        "kind_entry_rule",
        sa.Column("kind_id", sa.Integer(), nullable=False),
        sa.Column("reentry", sa.String(length=16), nullable=False),
        sa.ForeignKeyConstraint(
            ["kind_id"], ["pass_kind.id"], name=op.f("fk_kind_entry_rule_kind_id_pass_kind"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("kind_id", name=op.f("pk_kind_entry_rule")),
    )
    op.create_table(
        "gate_device",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("expo_id", sa.Integer(), nullable=False),
        sa.Column("gate_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=60), nullable=False),
        sa.Column("pairing_hash", sa.String(length=64), nullable=True),
        sa.Column("pairing_expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("token_hash", sa.String(length=64), nullable=True),
        sa.Column("created_by_user_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("paired_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["created_by_user_id"],
            ["user.id"],
            name=op.f("fk_gate_device_created_by_user_id_user"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(["expo_id"], ["expo.id"], name=op.f("fk_gate_device_expo_id_expo"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["gate_id"], ["gate.id"], name=op.f("fk_gate_device_gate_id_gate"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_gate_device")),
        sa.UniqueConstraint("pairing_hash", name=op.f("uq_gate_device_pairing_hash")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_gate_device_token_hash")),
    )
    with op.batch_alter_table("gate_device", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_gate_device_expo_id"), ["expo_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_gate_device_gate_id"), ["gate_id"], unique=False)

    op.create_table(
        "pass_presence",
        sa.Column("pass_id", sa.Integer(), nullable=False),
        sa.Column("expo_id", sa.Integer(), nullable=False),
        sa.Column("inside", sa.Boolean(), nullable=False),
        sa.Column("entries", sa.Integer(), nullable=False),
        sa.Column("last_scan_id", sa.Integer(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["expo_id"], ["expo.id"], name=op.f("fk_pass_presence_expo_id_expo"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["pass_id"], ["expo_pass.id"], name=op.f("fk_pass_presence_pass_id_expo_pass"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("pass_id", name=op.f("pk_pass_presence")),
    )
    with op.batch_alter_table("pass_presence", schema=None) as batch_op:
        batch_op.create_index("ix_pass_presence_expo_inside", ["expo_id", "inside"], unique=False)

    op.create_table(
        "scan",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("expo_id", sa.Integer(), nullable=False),
        sa.Column("gate_id", sa.Integer(), nullable=False),
        sa.Column("device_id", sa.Integer(), nullable=False),
        sa.Column("client_scan_id", sa.String(length=64), nullable=False),
        sa.Column("pass_id", sa.Integer(), nullable=True),
        sa.Column("serial", sa.BigInteger(), nullable=True),
        sa.Column("kind_code", sa.String(length=24), nullable=True),
        sa.Column("direction", sa.String(length=8), nullable=False),
        sa.Column("status", sa.String(length=8), nullable=False),
        sa.Column("reason", sa.String(length=24), nullable=False),
        sa.Column("offline", sa.Boolean(), nullable=False),
        sa.Column("device_status", sa.String(length=8), nullable=True),
        sa.Column("conflict", sa.Boolean(), nullable=False),
        sa.Column("scanned_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("annulled_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("annulled_by_user_id", sa.Integer(), nullable=True),
        sa.Column("annul_reason", sa.String(length=200), nullable=True),
        sa.ForeignKeyConstraint(
            ["annulled_by_user_id"], ["user.id"], name=op.f("fk_scan_annulled_by_user_id_user"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["device_id"], ["gate_device.id"], name=op.f("fk_scan_device_id_gate_device"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(["expo_id"], ["expo.id"], name=op.f("fk_scan_expo_id_expo"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["gate_id"], ["gate.id"], name=op.f("fk_scan_gate_id_gate"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(
            ["pass_id"], ["expo_pass.id"], name=op.f("fk_scan_pass_id_expo_pass"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_scan")),
        sa.UniqueConstraint("device_id", "client_scan_id", name=op.f("uq_scan_device_id_client_scan_id")),
    )
    with op.batch_alter_table("scan", schema=None) as batch_op:
        batch_op.create_index("ix_scan_expo_scanned", ["expo_id", "scanned_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_scan_gate_id"), ["gate_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_scan_pass_id"), ["pass_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("scan", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_scan_pass_id"))
        batch_op.drop_index(batch_op.f("ix_scan_gate_id"))
        batch_op.drop_index("ix_scan_expo_scanned")

    op.drop_table("scan")
    with op.batch_alter_table("pass_presence", schema=None) as batch_op:
        batch_op.drop_index("ix_pass_presence_expo_inside")

    op.drop_table("pass_presence")
    with op.batch_alter_table("gate_device", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_gate_device_gate_id"))
        batch_op.drop_index(batch_op.f("ix_gate_device_expo_id"))

    op.drop_table("gate_device")
    op.drop_table("kind_entry_rule")
    with op.batch_alter_table("gate", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_gate_expo_id"))

    op.drop_table("gate")
