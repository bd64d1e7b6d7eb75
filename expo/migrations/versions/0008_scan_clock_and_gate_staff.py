"""scans keep the device's claimed time and a wrong-clock flag; gate-staff accounts get a gate

Revision ID: 0008
Revises: 0006
Create Date: 2026-12-04 12:50:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("scan", schema=None) as batch_op:
        batch_op.add_column(sa.Column("device_scanned_at", sa.DateTime(timezone=True), nullable=True))
        # Existing rows: their clocks were within the old 5-minute window, so not skewed.
        batch_op.add_column(sa.Column("clock_skewed", sa.Boolean(), nullable=False, server_default=sa.false()))
    op.execute("UPDATE scan SET device_scanned_at = scanned_at")
    op.create_table(
        "gate_staff",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("gate_id", sa.Integer(), nullable=False),
        sa.Column("assigned_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["gate_id"], ["gate.id"], name=op.f("fk_gate_staff_gate_id_gate"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["user_id"], ["user.id"], name=op.f("fk_gate_staff_user_id_user"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_gate_staff")),
    )
    with op.batch_alter_table("gate_staff", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_gate_staff_gate_id"), ["gate_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("gate_staff", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_gate_staff_gate_id"))
    op.drop_table("gate_staff")
    with op.batch_alter_table("scan", schema=None) as batch_op:
        batch_op.drop_column("clock_skewed")
        batch_op.drop_column("device_scanned_at")
