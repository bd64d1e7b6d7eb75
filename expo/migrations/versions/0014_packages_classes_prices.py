"""packages say what they include (power in watts, a fascia name board), the expo's booking window,
the committee's names for exhibitor classes and whether a class needs approval

Existing packages keep their power: watts = amps x 220 V; a shell stand came with its fascia name
board, so existing shell packages have one. Existing expos have no booking window (booking stays open
as before) and no class rows (standard names, approval needed for a reduced price, as before).

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-04 16:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        # Plain ALTER TABLE (see 0007): batch mode would copy tables that other rows refer to.
        for table, column in (
            ("expo", "booking_opens_at DATETIME"),
            ("expo", "booking_closes_at DATETIME"),
            ("booth_package", "power_watts INTEGER NOT NULL DEFAULT 440"),
            ("booth_package", "fascia BOOLEAN NOT NULL DEFAULT 0"),
        ):
            op.execute(f"ALTER TABLE {table} ADD COLUMN {column}")
    else:
        op.add_column("expo", sa.Column("booking_opens_at", sa.DateTime(timezone=True), nullable=True))
        op.add_column("expo", sa.Column("booking_closes_at", sa.DateTime(timezone=True), nullable=True))
        op.add_column("booth_package", sa.Column("power_watts", sa.Integer(), nullable=False, server_default="440"))
        op.add_column("booth_package", sa.Column("fascia", sa.Boolean(), nullable=False, server_default=sa.false()))
        op.alter_column("booth_package", "power_watts", server_default=None)
        op.alter_column("booth_package", "fascia", server_default=None)
    op.execute("UPDATE booth_package SET power_watts = power_amps * 220")
    op.execute(sa.text("UPDATE booth_package SET fascia = shell"))
    op.create_table(
        "exhibitor_class_setting",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("expo_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=16), nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("needs_approval", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["expo_id"], ["expo.id"], name=op.f("fk_exhibitor_class_setting_expo_id_expo"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_exhibitor_class_setting")),
        sa.UniqueConstraint("expo_id", "code", name=op.f("uq_exhibitor_class_setting_expo_id_code")),
    )
    with op.batch_alter_table("exhibitor_class_setting", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_exhibitor_class_setting_expo_id"), ["expo_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("exhibitor_class_setting", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_exhibitor_class_setting_expo_id"))
    op.drop_table("exhibitor_class_setting")
    # Plain DROP COLUMN on both engines (SQLite 3.35+), for the reason given in upgrade().
    for table, column in (
        ("booth_package", "fascia"),
        ("booth_package", "power_watts"),
        ("expo", "booking_closes_at"),
        ("expo", "booking_opens_at"),
    ):
        op.execute(f"ALTER TABLE {table} DROP COLUMN {column}")
