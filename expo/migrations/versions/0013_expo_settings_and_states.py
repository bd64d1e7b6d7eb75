"""expo settings and states: published and booking-open flags, languages offered, public contact;
existing expos stay public and open for booking, offering both languages

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-04 16:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("expo", schema=None) as batch_op:
        batch_op.add_column(sa.Column("published", sa.Boolean(), nullable=False, server_default=sa.true()))
        batch_op.add_column(sa.Column("booking_open", sa.Boolean(), nullable=False, server_default=sa.true()))
        batch_op.add_column(sa.Column("languages", sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column("contact_whatsapp", sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column("contact_email", sa.String(length=254), nullable=True))
    op.execute("""UPDATE expo SET languages = '["id", "en"]'""")
    with op.batch_alter_table("expo", schema=None) as batch_op:
        batch_op.alter_column("languages", existing_type=sa.JSON(), nullable=False)
        batch_op.alter_column("published", server_default=None)
        batch_op.alter_column("booking_open", server_default=None)


def downgrade() -> None:
    with op.batch_alter_table("expo", schema=None) as batch_op:
        batch_op.drop_column("contact_email")
        batch_op.drop_column("contact_whatsapp")
        batch_op.drop_column("languages")
        batch_op.drop_column("booking_open")
        batch_op.drop_column("published")
