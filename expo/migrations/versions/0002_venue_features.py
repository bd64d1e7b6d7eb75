"""venue features and map settings (booth maps)

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-28 10:05:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = ("maps",)
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "venue_feature",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("expo_id", sa.Integer(), nullable=False),
        sa.Column("hall_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("label", sa.String(length=80), nullable=False),
        sa.Column("x_m", sa.Float(), nullable=False),
        sa.Column("y_m", sa.Float(), nullable=False),
        sa.Column("width_m", sa.Float(), nullable=False),
        sa.Column("depth_m", sa.Float(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["expo_id"], ["expo.id"], name=op.f("fk_venue_feature_expo_id_expo"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["hall_id"], ["hall.id"], name=op.f("fk_venue_feature_hall_id_hall"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_venue_feature")),
    )
    with op.batch_alter_table("venue_feature", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_venue_feature_expo_id"), ["expo_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_venue_feature_hall_id"), ["hall_id"], unique=False)

    op.create_table(
        "venue_map",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("expo_id", sa.Integer(), nullable=False),
        sa.Column("min_aisle_m", sa.Float(), nullable=False),
        sa.Column("exit_clearance_m", sa.Float(), nullable=False),
        sa.Column("min_access_m", sa.Float(), nullable=False),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["expo_id"], ["expo.id"], name=op.f("fk_venue_map_expo_id_expo"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_venue_map")),
        sa.UniqueConstraint("expo_id", name=op.f("uq_venue_map_expo_id")),
    )


def downgrade() -> None:
    op.drop_table("venue_map")
    with op.batch_alter_table("venue_feature", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_venue_feature_hall_id"))
        batch_op.drop_index(batch_op.f("ix_venue_feature_expo_id"))
    op.drop_table("venue_feature")
