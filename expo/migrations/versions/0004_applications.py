"""booth applications, allocation runs, shared stands and waitlist offers

Revision ID: 0004
Revises: 0001
Create Date: 2026-11-28 11:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = ("allocation",)
depends_on: str | Sequence[str] | None = None

_OPEN = "status = 'offered'"


def upgrade() -> None:
    op.create_table(
        "allocation_setting",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("expo_id", sa.Integer(), nullable=False),
        sa.Column("applications_only", sa.Boolean(), nullable=False),
        sa.Column("opens_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("closes_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("offer_hours", sa.Integer(), nullable=False),
        sa.Column("payment_days", sa.Integer(), nullable=False),
        sa.Column("weights", sa.JSON(), nullable=False),
        sa.Column("quotas", sa.JSON(), nullable=False),
        sa.Column("zone_rules", sa.JSON(), nullable=False),
        sa.Column("fairness_by", sa.String(length=16), nullable=False),
        sa.Column("fairness_max_gap", sa.Integer(), nullable=False),
        sa.Column("max_per_stand", sa.Integer(), nullable=False),
        sa.Column("time_limit_s", sa.Float(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["expo_id"], ["expo.id"], name=op.f("fk_allocation_setting_expo_id_expo"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_allocation_setting")),
        sa.UniqueConstraint("expo_id", name=op.f("uq_allocation_setting_expo_id")),
    )
    op.create_table(
        "booth_allocation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("booth_id", sa.Integer(), nullable=False),
        sa.Column("position_score", sa.Integer(), nullable=True),
        sa.Column("accessible", sa.Boolean(), nullable=True),
        sa.Column("capacity", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["booth_id"], ["booth.id"], name=op.f("fk_booth_allocation_booth_id_booth"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_booth_allocation")),
        sa.UniqueConstraint("booth_id", name=op.f("uq_booth_allocation_booth_id")),
    )
    op.create_table(
        "booth_application",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("expo_id", sa.Integer(), nullable=False),
        sa.Column("exhibitor_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("cluster", sa.String(length=32), nullable=True),
        sa.Column("booth_types", sa.JSON(), nullable=False),
        sa.Column("packages", sa.JSON(), nullable=False),
        sa.Column("min_area_m2", sa.Float(), nullable=False),
        sa.Column("power_amps", sa.Integer(), nullable=False),
        sa.Column("accessible", sa.Boolean(), nullable=False),
        sa.Column("preferences", sa.JSON(), nullable=False),
        sa.Column("share", sa.Boolean(), nullable=False),
        sa.Column("share_with", sa.JSON(), nullable=False),
        sa.Column("near", sa.JSON(), nullable=False),
        sa.Column("avoid", sa.JSON(), nullable=False),
        sa.Column("note", sa.String(length=500), nullable=False),
        sa.Column("decision_note", sa.String(length=300), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decided_by", sa.Integer(), nullable=True),
        sa.Column("waitlist_rank", sa.Integer(), nullable=True),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["decided_by"], ["user.id"], name=op.f("fk_booth_application_decided_by_user"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["exhibitor_id"],
            ["exhibitor.id"],
            name=op.f("fk_booth_application_exhibitor_id_exhibitor"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["expo_id"], ["expo.id"], name=op.f("fk_booth_application_expo_id_expo"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_booth_application")),
        sa.UniqueConstraint("expo_id", "exhibitor_id", name=op.f("uq_booth_application_expo_id_exhibitor_id")),
    )
    with op.batch_alter_table("booth_application", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_booth_application_expo_id"), ["expo_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_booth_application_exhibitor_id"), ["exhibitor_id"], unique=False)

    op.create_table(
        "allocation_run",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("expo_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("seed", sa.Integer(), nullable=False),
        sa.Column("settings", sa.JSON(), nullable=False),
        sa.Column("pins", sa.JSON(), nullable=False),
        sa.Column("basis", sa.JSON(), nullable=False),
        sa.Column("result", sa.JSON(), nullable=False),
        sa.Column("objective", sa.Integer(), nullable=False),
        sa.Column("bound", sa.Integer(), nullable=False),
        sa.Column("placed", sa.Integer(), nullable=False),
        sa.Column("unplaced", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("committed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("committed_by", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["committed_by"], ["user.id"], name=op.f("fk_allocation_run_committed_by_user"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["created_by"], ["user.id"], name=op.f("fk_allocation_run_created_by_user"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["expo_id"], ["expo.id"], name=op.f("fk_allocation_run_expo_id_expo"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_allocation_run")),
    )
    with op.batch_alter_table("allocation_run", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_allocation_run_expo_id"), ["expo_id"], unique=False)

    op.create_table(
        "booking_co_exhibitor",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("booking_id", sa.Integer(), nullable=False),
        sa.Column("exhibitor_id", sa.Integer(), nullable=False),
        sa.Column("staff_quota_share", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["booking_id"], ["booking.id"], name=op.f("fk_booking_co_exhibitor_booking_id_booking"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["exhibitor_id"],
            ["exhibitor.id"],
            name=op.f("fk_booking_co_exhibitor_exhibitor_id_exhibitor"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_booking_co_exhibitor")),
        sa.UniqueConstraint("booking_id", "exhibitor_id", name=op.f("uq_booking_co_exhibitor_booking_id_exhibitor_id")),
    )
    with op.batch_alter_table("booking_co_exhibitor", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_booking_co_exhibitor_booking_id"), ["booking_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_booking_co_exhibitor_exhibitor_id"), ["exhibitor_id"], unique=False)

    op.create_table(
        "booth_offer",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("expo_id", sa.Integer(), nullable=False),
        sa.Column("application_id", sa.Integer(), nullable=False),
        sa.Column("booth_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("offered_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("responded_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("booking_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["booth_application.id"],
            name=op.f("fk_booth_offer_application_id_booth_application"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["booking_id"], ["booking.id"], name=op.f("fk_booth_offer_booking_id_booking"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["booth_id"], ["booth.id"], name=op.f("fk_booth_offer_booth_id_booth"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(["expo_id"], ["expo.id"], name=op.f("fk_booth_offer_expo_id_expo"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_booth_offer")),
    )
    with op.batch_alter_table("booth_offer", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_booth_offer_expo_id"), ["expo_id"], unique=False)
        batch_op.create_index(
            "uq_booth_offer_open_application",
            ["application_id"],
            unique=True,
            sqlite_where=sa.text(_OPEN),
            postgresql_where=sa.text(_OPEN),
        )
        batch_op.create_index(
            "uq_booth_offer_open_booth",
            ["booth_id"],
            unique=True,
            sqlite_where=sa.text(_OPEN),
            postgresql_where=sa.text(_OPEN),
        )


def downgrade() -> None:
    with op.batch_alter_table("booth_offer", schema=None) as batch_op:
        batch_op.drop_index("uq_booth_offer_open_booth", sqlite_where=sa.text(_OPEN), postgresql_where=sa.text(_OPEN))
        batch_op.drop_index(
            "uq_booth_offer_open_application", sqlite_where=sa.text(_OPEN), postgresql_where=sa.text(_OPEN)
        )
        batch_op.drop_index(batch_op.f("ix_booth_offer_expo_id"))
    op.drop_table("booth_offer")
    with op.batch_alter_table("booking_co_exhibitor", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_booking_co_exhibitor_exhibitor_id"))
        batch_op.drop_index(batch_op.f("ix_booking_co_exhibitor_booking_id"))
    op.drop_table("booking_co_exhibitor")
    with op.batch_alter_table("allocation_run", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_allocation_run_expo_id"))
    op.drop_table("allocation_run")
    with op.batch_alter_table("booth_application", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_booth_application_exhibitor_id"))
        batch_op.drop_index(batch_op.f("ix_booth_application_expo_id"))
    op.drop_table("booth_application")
    op.drop_table("booth_allocation")
    op.drop_table("allocation_setting")
