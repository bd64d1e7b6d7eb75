"""passes: kinds, passes, history, revocations, staff quotas, batch print jobs

Revision ID: 0003
Revises: 0001
Create Date: 2026-11-28 10:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = ("passes",)
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "pass_kind",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("expo_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=24), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=60), nullable=False),
        sa.Column("band_label", sa.String(length=40), nullable=False),
        sa.Column("color", sa.String(length=7), nullable=False),
        sa.Column("staff", sa.Boolean(), nullable=False),
        sa.Column("self_register", sa.Boolean(), nullable=False),
        sa.Column("days", sa.JSON(), nullable=False),
        sa.Column("opens_at", sa.Time(), nullable=True),
        sa.Column("closes_at", sa.Time(), nullable=True),
        sa.Column("sort_order", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["expo_id"], ["expo.id"], name=op.f("fk_pass_kind_expo_id_expo"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pass_kind")),
        sa.UniqueConstraint("expo_id", "code", name=op.f("uq_pass_kind_expo_id_code")),
        sa.UniqueConstraint("expo_id", "number", name=op.f("uq_pass_kind_expo_id_number")),
    )
    with op.batch_alter_table("pass_kind", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_pass_kind_expo_id"), ["expo_id"], unique=False)

    op.create_table(
        "expo_pass",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("expo_id", sa.Integer(), nullable=False),
        sa.Column("kind_id", sa.Integer(), nullable=False),
        sa.Column("serial", sa.BigInteger(), nullable=False),
        sa.Column("code", sa.String(length=8), nullable=False),
        sa.Column("holder_name", sa.String(length=100), nullable=False),
        sa.Column("phone", sa.String(length=20), nullable=True),
        sa.Column("email", sa.String(length=254), nullable=True),
        sa.Column("organisation", sa.String(length=160), nullable=True),
        sa.Column("regency", sa.String(length=80), nullable=True),
        sa.Column("visitor_category", sa.String(length=16), nullable=True),
        sa.Column("exhibitor_id", sa.Integer(), nullable=True),
        sa.Column("booking_id", sa.Integer(), nullable=True),
        sa.Column("slot", sa.Integer(), nullable=True),
        sa.Column("days", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("access_hash", sa.String(length=64), nullable=True),
        sa.Column("issued_by_user_id", sa.Integer(), nullable=True),
        sa.Column("issued_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revoke_reason", sa.String(length=200), nullable=True),
        sa.ForeignKeyConstraint(
            ["booking_id"], ["booking.id"], name=op.f("fk_expo_pass_booking_id_booking"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["exhibitor_id"], ["exhibitor.id"], name=op.f("fk_expo_pass_exhibitor_id_exhibitor"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(["expo_id"], ["expo.id"], name=op.f("fk_expo_pass_expo_id_expo"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(
            ["issued_by_user_id"], ["user.id"], name=op.f("fk_expo_pass_issued_by_user_id_user"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["kind_id"], ["pass_kind.id"], name=op.f("fk_expo_pass_kind_id_pass_kind"), ondelete="RESTRICT"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_expo_pass")),
        sa.UniqueConstraint("access_hash", name=op.f("uq_expo_pass_access_hash")),
        sa.UniqueConstraint("expo_id", "code", name=op.f("uq_expo_pass_expo_id_code")),
        sa.UniqueConstraint("serial", name=op.f("uq_expo_pass_serial")),
    )
    with op.batch_alter_table("expo_pass", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_expo_pass_booking_id"), ["booking_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_expo_pass_exhibitor_id"), ["exhibitor_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_expo_pass_expo_id"), ["expo_id"], unique=False)
        batch_op.create_index("ix_expo_pass_expo_kind", ["expo_id", "kind_id"], unique=False)
        batch_op.create_index(
            "uq_expo_pass_staff_slot",
            ["booking_id", "slot"],
            unique=True,
            sqlite_where=sa.text("status = 'active'"),
            postgresql_where=sa.text("status = 'active'"),
        )

    op.create_table(
        "pass_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("pass_id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor_user_id", sa.Integer(), nullable=True),
        sa.Column("action", sa.String(length=24), nullable=False),
        sa.Column("serial", sa.BigInteger(), nullable=True),
        sa.Column("note", sa.String(length=300), nullable=True),
        sa.ForeignKeyConstraint(
            ["actor_user_id"], ["user.id"], name=op.f("fk_pass_event_actor_user_id_user"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["pass_id"], ["expo_pass.id"], name=op.f("fk_pass_event_pass_id_expo_pass"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pass_event")),
    )
    with op.batch_alter_table("pass_event", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_pass_event_pass_id"), ["pass_id"], unique=False)

    op.create_table(
        "pass_revocation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("expo_id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("serial", sa.BigInteger(), nullable=False),
        sa.Column("pass_id", sa.Integer(), nullable=False),
        sa.Column("reason", sa.String(length=24), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["expo_id"], ["expo.id"], name=op.f("fk_pass_revocation_expo_id_expo"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["pass_id"], ["expo_pass.id"], name=op.f("fk_pass_revocation_pass_id_expo_pass"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pass_revocation")),
        sa.UniqueConstraint("expo_id", "seq", name=op.f("uq_pass_revocation_expo_id_seq")),
        sa.UniqueConstraint("serial", name=op.f("uq_pass_revocation_serial")),
    )
    with op.batch_alter_table("pass_revocation", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_pass_revocation_pass_id"), ["pass_id"], unique=False)

    op.create_table(
        "pass_counter",
        sa.Column("expo_id", sa.Integer(), nullable=False),
        sa.Column("revocation_seq", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["expo_id"], ["expo.id"], name=op.f("fk_pass_counter_expo_id_expo"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("expo_id", name=op.f("pk_pass_counter")),
    )

    op.create_table(
        "staff_quota",
        sa.Column("booking_id", sa.Integer(), nullable=False),
        sa.Column("quota", sa.Integer(), nullable=False),
        sa.Column("updated_by_user_id", sa.Integer(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["booking_id"], ["booking.id"], name=op.f("fk_staff_quota_booking_id_booking"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["updated_by_user_id"],
            ["user.id"],
            name=op.f("fk_staff_quota_updated_by_user_id_user"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("booking_id", name=op.f("pk_staff_quota")),
    )

    op.create_table(
        "pass_batch_job",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("expo_id", sa.Integer(), nullable=False),
        sa.Column("requested_by_user_id", sa.Integer(), nullable=True),
        sa.Column("exhibitor_id", sa.Integer(), nullable=True),
        sa.Column("selection", sa.JSON(), nullable=False),
        sa.Column("paper", sa.String(length=8), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("total", sa.Integer(), nullable=False),
        sa.Column("done", sa.Integer(), nullable=False),
        sa.Column("file_name", sa.String(length=200), nullable=True),
        sa.Column("file_size", sa.Integer(), nullable=True),
        sa.Column("error", sa.String(length=300), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["exhibitor_id"],
            ["exhibitor.id"],
            name=op.f("fk_pass_batch_job_exhibitor_id_exhibitor"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["expo_id"], ["expo.id"], name=op.f("fk_pass_batch_job_expo_id_expo"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["requested_by_user_id"],
            ["user.id"],
            name=op.f("fk_pass_batch_job_requested_by_user_id_user"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pass_batch_job")),
    )
    with op.batch_alter_table("pass_batch_job", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_pass_batch_job_expo_id"), ["expo_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("pass_batch_job", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_pass_batch_job_expo_id"))
    op.drop_table("pass_batch_job")
    op.drop_table("staff_quota")
    op.drop_table("pass_counter")
    with op.batch_alter_table("pass_revocation", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_pass_revocation_pass_id"))
    op.drop_table("pass_revocation")
    with op.batch_alter_table("pass_event", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_pass_event_pass_id"))
    op.drop_table("pass_event")
    with op.batch_alter_table("expo_pass", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_expo_pass_staff_slot",
            sqlite_where=sa.text("status = 'active'"),
            postgresql_where=sa.text("status = 'active'"),
        )
        batch_op.drop_index("ix_expo_pass_expo_kind")
        batch_op.drop_index(batch_op.f("ix_expo_pass_expo_id"))
        batch_op.drop_index(batch_op.f("ix_expo_pass_exhibitor_id"))
        batch_op.drop_index(batch_op.f("ix_expo_pass_booking_id"))
    op.drop_table("expo_pass")
    with op.batch_alter_table("pass_kind", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_pass_kind_expo_id"))
    op.drop_table("pass_kind")
