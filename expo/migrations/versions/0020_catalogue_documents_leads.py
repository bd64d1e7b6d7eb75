"""catalogue, documents and leads: exhibitors' profiles and products, their daily counters, their
documents for the desk's review, leads, and a pass's consent to share its contact

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-04 21:47:29.091994
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes  # noqa: F401  (autogenerate may name AutoString)
from alembic import op

revision: str = "0020"
down_revision: str | None = "0019"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "exhibitor_document",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("expo_id", sa.Integer(), nullable=False),
        sa.Column("exhibitor_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=24), nullable=False),
        sa.Column("number", sa.String(length=60), nullable=True),
        sa.Column("issued_on", sa.Date(), nullable=True),
        sa.Column("expires_on", sa.Date(), nullable=True),
        sa.Column("file_key", sa.String(length=200), nullable=False),
        sa.Column("file_name", sa.String(length=160), nullable=False),
        sa.Column("content_type", sa.String(length=60), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("reason", sa.String(length=300), nullable=True),
        sa.Column("uploaded_by", sa.Integer(), nullable=True),
        sa.Column("uploaded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("reviewed_by", sa.Integer(), nullable=True),
        sa.Column("reviewed_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["exhibitor_id"],
            ["exhibitor.id"],
            name=op.f("fk_exhibitor_document_exhibitor_id_exhibitor"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["expo_id"], ["expo.id"], name=op.f("fk_exhibitor_document_expo_id_expo"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["reviewed_by"], ["user.id"], name=op.f("fk_exhibitor_document_reviewed_by_user"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["uploaded_by"], ["user.id"], name=op.f("fk_exhibitor_document_uploaded_by_user"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_exhibitor_document")),
    )
    with op.batch_alter_table("exhibitor_document", schema=None) as batch_op:
        batch_op.create_index("ix_exhibitor_document_exhibitor_kind", ["exhibitor_id", "kind"], unique=False)
        batch_op.create_index("ix_exhibitor_document_expo_status", ["expo_id", "status", "uploaded_at"], unique=False)

    op.create_table(
        "exhibitor_profile",
        sa.Column("exhibitor_id", sa.Integer(), nullable=False),
        sa.Column("expo_id", sa.Integer(), nullable=False),
        sa.Column("story", sa.String(length=2000), nullable=False),
        sa.Column("logo_key", sa.String(length=200), nullable=True),
        sa.Column("order_whatsapp", sa.String(length=20), nullable=True),
        sa.Column("shopee_url", sa.String(length=300), nullable=True),
        sa.Column("tokopedia_url", sa.String(length=300), nullable=True),
        sa.Column("tiktok_url", sa.String(length=300), nullable=True),
        sa.Column("instagram_url", sa.String(length=300), nullable=True),
        sa.Column("website_url", sa.String(length=300), nullable=True),
        sa.Column("promotion", sa.String(length=300), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["exhibitor_id"],
            ["exhibitor.id"],
            name=op.f("fk_exhibitor_profile_exhibitor_id_exhibitor"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["expo_id"], ["expo.id"], name=op.f("fk_exhibitor_profile_expo_id_expo"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("exhibitor_id", name=op.f("pk_exhibitor_profile")),
    )
    with op.batch_alter_table("exhibitor_profile", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_exhibitor_profile_expo_id"), ["expo_id"], unique=False)

    op.create_table(
        "exhibitor_stat",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("expo_id", sa.Integer(), nullable=False),
        sa.Column("exhibitor_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["exhibitor_id"],
            ["exhibitor.id"],
            name=op.f("fk_exhibitor_stat_exhibitor_id_exhibitor"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["expo_id"], ["expo.id"], name=op.f("fk_exhibitor_stat_expo_id_expo"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_exhibitor_stat")),
        sa.UniqueConstraint("exhibitor_id", "day", "kind", name=op.f("uq_exhibitor_stat_exhibitor_id_day_kind")),
    )
    with op.batch_alter_table("exhibitor_stat", schema=None) as batch_op:
        batch_op.create_index("ix_exhibitor_stat_expo_day", ["expo_id", "day"], unique=False)

    op.create_table(
        "product",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("expo_id", sa.Integer(), nullable=False),
        sa.Column("exhibitor_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("description", sa.String(length=1000), nullable=False),
        sa.Column("photo_key", sa.String(length=200), nullable=True),
        sa.Column("price_min", sa.BigInteger(), nullable=True),
        sa.Column("price_max", sa.BigInteger(), nullable=True),
        sa.Column("unit", sa.String(length=40), nullable=False),
        sa.Column("halal_number", sa.String(length=40), nullable=True),
        sa.Column("pirt_number", sa.String(length=40), nullable=True),
        sa.Column("stock_note", sa.String(length=120), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["exhibitor_id"], ["exhibitor.id"], name=op.f("fk_product_exhibitor_id_exhibitor"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(["expo_id"], ["expo.id"], name=op.f("fk_product_expo_id_expo"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_product")),
    )
    with op.batch_alter_table("product", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_product_exhibitor_id"), ["exhibitor_id"], unique=False)
        batch_op.create_index("ix_product_expo_exhibitor", ["expo_id", "exhibitor_id", "position"], unique=False)

    op.create_table(
        "lead",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("expo_id", sa.Integer(), nullable=False),
        sa.Column("exhibitor_id", sa.Integer(), nullable=False),
        sa.Column("pass_id", sa.Integer(), nullable=False),
        sa.Column("note", sa.String(length=1000), nullable=False),
        sa.Column("saved_by", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["exhibitor_id"], ["exhibitor.id"], name=op.f("fk_lead_exhibitor_id_exhibitor"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(["expo_id"], ["expo.id"], name=op.f("fk_lead_expo_id_expo"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(
            ["pass_id"], ["expo_pass.id"], name=op.f("fk_lead_pass_id_expo_pass"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(["saved_by"], ["user.id"], name=op.f("fk_lead_saved_by_user"), ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_lead")),
        sa.UniqueConstraint("exhibitor_id", "pass_id", name=op.f("uq_lead_exhibitor_id_pass_id")),
    )
    with op.batch_alter_table("lead", schema=None) as batch_op:
        batch_op.create_index("ix_lead_exhibitor_created", ["exhibitor_id", "created_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_lead_expo_id"), ["expo_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_lead_pass_id"), ["pass_id"], unique=False)

    # Plain ALTER TABLE on both engines: on SQLite, batch mode would copy expo_pass, and dropping the
    # old copy would take the rows that refer to it with ON DELETE CASCADE (revocations, presence,
    # scans, leads) while foreign keys are on.
    op.add_column("expo_pass", sa.Column("shares_contact", sa.Boolean(), server_default=sa.false(), nullable=False))
    op.add_column("expo_pass", sa.Column("contact_consent_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    # SQLite 3.35+ drops a column in place (no copy of the table).
    op.drop_column("expo_pass", "contact_consent_at")
    op.drop_column("expo_pass", "shares_contact")

    with op.batch_alter_table("lead", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_lead_pass_id"))
        batch_op.drop_index(batch_op.f("ix_lead_expo_id"))
        batch_op.drop_index("ix_lead_exhibitor_created")

    op.drop_table("lead")
    with op.batch_alter_table("product", schema=None) as batch_op:
        batch_op.drop_index("ix_product_expo_exhibitor")
        batch_op.drop_index(batch_op.f("ix_product_exhibitor_id"))

    op.drop_table("product")
    with op.batch_alter_table("exhibitor_stat", schema=None) as batch_op:
        batch_op.drop_index("ix_exhibitor_stat_expo_day")

    op.drop_table("exhibitor_stat")
    with op.batch_alter_table("exhibitor_profile", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_exhibitor_profile_expo_id"))

    op.drop_table("exhibitor_profile")
    with op.batch_alter_table("exhibitor_document", schema=None) as batch_op:
        batch_op.drop_index("ix_exhibitor_document_expo_status")
        batch_op.drop_index("ix_exhibitor_document_exhibitor_kind")

    op.drop_table("exhibitor_document")
