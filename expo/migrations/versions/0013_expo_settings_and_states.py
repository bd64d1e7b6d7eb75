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

_BOTH = """'["id", "en"]'"""


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        # Plain ALTER TABLE: batch mode would copy the expo table, and dropping the old copy with
        # foreign keys on would take every row that refers to an expo with it. The defaults stay on
        # SQLite (they cannot be dropped without that copy); the app always writes the columns.
        for column in (
            "published BOOLEAN NOT NULL DEFAULT 1",
            "booking_open BOOLEAN NOT NULL DEFAULT 1",
            f"languages JSON NOT NULL DEFAULT {_BOTH}",
            "contact_whatsapp VARCHAR(20)",
            "contact_email VARCHAR(254)",
        ):
            op.execute(f"ALTER TABLE expo ADD COLUMN {column}")
        return
    op.add_column("expo", sa.Column("published", sa.Boolean(), nullable=False, server_default=sa.true()))
    op.add_column("expo", sa.Column("booking_open", sa.Boolean(), nullable=False, server_default=sa.true()))
    op.add_column("expo", sa.Column("languages", sa.JSON(), nullable=False, server_default=sa.text(_BOTH)))
    op.add_column("expo", sa.Column("contact_whatsapp", sa.String(length=20), nullable=True))
    op.add_column("expo", sa.Column("contact_email", sa.String(length=254), nullable=True))
    for column in ("published", "booking_open", "languages"):  # new rows say it themselves
        op.alter_column("expo", column, server_default=None)


def downgrade() -> None:
    # Plain DROP COLUMN on both engines (SQLite 3.35+), for the reason given in upgrade().
    for column in ("contact_email", "contact_whatsapp", "languages", "booking_open", "published"):
        op.execute(f"ALTER TABLE expo DROP COLUMN {column}")
