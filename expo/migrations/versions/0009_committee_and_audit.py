"""committee roles per expo and the audit log; existing organisers serve every existing expo, gate
staff the expo of their gate

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-04 16:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "committee_member",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("expo_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["expo_id"], ["expo.id"], name=op.f("fk_committee_member_expo_id_expo"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user.id"], name=op.f("fk_committee_member_user_id_user"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_committee_member")),
        sa.UniqueConstraint("expo_id", "user_id", name=op.f("uq_committee_member_expo_id_user_id")),
    )
    with op.batch_alter_table("committee_member", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_committee_member_expo_id"), ["expo_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_committee_member_user_id"), ["user_id"], unique=False)
    op.create_table(
        "committee_invitation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("expo_id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("invited_by_user_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["expo_id"], ["expo.id"], name=op.f("fk_committee_invitation_expo_id_expo"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["invited_by_user_id"],
            ["user.id"],
            name=op.f("fk_committee_invitation_invited_by_user_id_user"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_committee_invitation")),
        sa.UniqueConstraint("expo_id", "email", name=op.f("uq_committee_invitation_expo_id_email")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_committee_invitation_token_hash")),
    )
    with op.batch_alter_table("committee_invitation", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_committee_invitation_expo_id"), ["expo_id"], unique=False)
    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("expo_id", sa.Integer(), nullable=True),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("actor", sa.String(length=254), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("action", sa.String(length=60), nullable=False),
        sa.Column("subject", sa.String(length=200), nullable=False),
        sa.Column("before", sa.JSON(), nullable=True),
        sa.Column("after", sa.JSON(), nullable=True),
        sa.ForeignKeyConstraint(["expo_id"], ["expo.id"], name=op.f("fk_audit_log_expo_id_expo"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["user_id"], ["user.id"], name=op.f("fk_audit_log_user_id_user"), ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_log")),
    )
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.create_index("ix_audit_log_expo_id_at", ["expo_id", "at"], unique=False)
    # Before roles per expo, every organiser account ran every expo, and a gate-staff account
    # served its gate's expo: keep what each could do.
    op.execute(
        """
        INSERT INTO committee_member (expo_id, user_id, role, created_at)
        SELECT expo.id, "user".id, 'organiser', CURRENT_TIMESTAMP
        FROM expo CROSS JOIN "user" WHERE "user".role = 'organiser'
        """
    )
    op.execute(
        """
        INSERT INTO committee_member (expo_id, user_id, role, created_at)
        SELECT gate.expo_id, gate_staff.user_id, 'gate_staff', CURRENT_TIMESTAMP
        FROM gate_staff JOIN gate ON gate.id = gate_staff.gate_id
        WHERE NOT EXISTS (
            SELECT 1 FROM committee_member m
            WHERE m.expo_id = gate.expo_id AND m.user_id = gate_staff.user_id
        )
        """
    )


def downgrade() -> None:
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.drop_index("ix_audit_log_expo_id_at")
    op.drop_table("audit_log")
    with op.batch_alter_table("committee_invitation", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_committee_invitation_expo_id"))
    op.drop_table("committee_invitation")
    with op.batch_alter_table("committee_member", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_committee_member_user_id"))
        batch_op.drop_index(batch_op.f("ix_committee_member_expo_id"))
    op.drop_table("committee_member")
