"""exhibitor approval of a reduced-price class; staff passes of ended bookings revoked once

Exhibitors already registered keep what they had: they are marked approved (an expo in progress goes on
as before). From now on a self sign-up starts pending.

Staff passes used to be revoked lazily, when someone opened a passes page; a database may hold active
staff passes of bookings that ended. They are revoked here, each with its revocation list entry, as
``tickets.passes.booking_hooks`` now does in the transaction that ends a booking.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-04 13:20:00
"""

from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        # Plain ALTER TABLE: batch mode would copy the table, and SQLite refuses to drop a table that
        # rows of other tables refer to (foreign keys are on). The default stays on SQLite (it cannot
        # be dropped without that copy); the app always writes the column.
        for column in (
            "approval VARCHAR(16) NOT NULL DEFAULT 'approved'",
            "approval_decided_at DATETIME",
            "approval_decided_by INTEGER",
            "approval_note VARCHAR(300)",
        ):
            op.execute(f"ALTER TABLE exhibitor ADD COLUMN {column}")
    else:
        op.add_column("exhibitor", sa.Column("approval", sa.String(16), nullable=False, server_default="approved"))
        op.alter_column("exhibitor", "approval", server_default=None)  # new rows say it themselves (pending)
        op.add_column("exhibitor", sa.Column("approval_decided_at", sa.DateTime(timezone=True), nullable=True))
        op.add_column("exhibitor", sa.Column("approval_decided_by", sa.Integer(), nullable=True))
        op.add_column("exhibitor", sa.Column("approval_note", sa.String(length=300), nullable=True))
    _revoke_staff_passes_of_ended_bookings()


def _revoke_staff_passes_of_ended_bookings() -> None:
    conn = op.get_bind()
    now = datetime.now(UTC)
    stale = conn.execute(
        sa.text(
            "SELECT p.id, p.expo_id, p.serial FROM expo_pass p JOIN booking b ON b.id = p.booking_id "
            "WHERE p.status = 'active' AND b.status <> 'confirmed' ORDER BY p.expo_id, p.id"
        )
    ).all()
    for pass_id, expo_id, serial in stale:
        seq = conn.execute(
            sa.text("SELECT revocation_seq FROM pass_counter WHERE expo_id = :expo"), {"expo": expo_id}
        ).scalar()
        if seq is None:
            conn.execute(
                sa.text("INSERT INTO pass_counter (expo_id, revocation_seq) VALUES (:expo, 0)"), {"expo": expo_id}
            )
            seq = 0
        seq += 1
        conn.execute(
            sa.text("UPDATE pass_counter SET revocation_seq = :seq WHERE expo_id = :expo"),
            {"seq": seq, "expo": expo_id},
        )
        conn.execute(
            sa.text(
                "INSERT INTO pass_revocation (expo_id, seq, serial, pass_id, reason, revoked_at) "
                "VALUES (:expo, :seq, :serial, :pass_id, 'booking_ended', :now)"
            ),
            {"expo": expo_id, "seq": seq, "serial": serial, "pass_id": pass_id, "now": now},
        )
        conn.execute(
            sa.text("UPDATE expo_pass SET status = 'revoked', revoked_at = :now, updated_at = :now WHERE id = :id"),
            {"now": now, "id": pass_id},
        )
        conn.execute(
            sa.text(
                "INSERT INTO pass_event (pass_id, at, action, serial, note) "
                "VALUES (:id, :now, 'revoke', :serial, 'booking_ended')"
            ),
            {"id": pass_id, "now": now, "serial": serial},
        )


def downgrade() -> None:
    # Plain DROP COLUMN on both engines (SQLite 3.35+), for the reason given in upgrade().
    for column in ("approval_note", "approval_decided_by", "approval_decided_at", "approval"):
        op.execute(f"ALTER TABLE exhibitor DROP COLUMN {column}")
