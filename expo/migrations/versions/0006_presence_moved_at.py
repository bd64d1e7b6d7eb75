"""presence remembers when its pass last moved; index for the offline scanners' change cursor

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01 11:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("pass_presence", schema=None) as batch_op:
        batch_op.add_column(sa.Column("moved_at", sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table("expo_pass", schema=None) as batch_op:
        batch_op.create_index("ix_expo_pass_expo_updated", ["expo_id", "updated_at", "id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("expo_pass", schema=None) as batch_op:
        batch_op.drop_index("ix_expo_pass_expo_updated")
    with op.batch_alter_table("pass_presence", schema=None) as batch_op:
        batch_op.drop_column("moved_at")
