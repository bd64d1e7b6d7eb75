"""Tables of the catalogue: an exhibitor's public profile, its products, and daily counters.

Pictures (the logo, product photos) are kept through ``expo.storage``: a row holds the storage key
of the picture's largest variant, and its smaller variants sit beside it (``images.py`` says how).
Prices are whole rupiah; a product has a single price (``price_max`` empty) or a range.
"""

from datetime import date, datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from expo.formatting import utcnow
from expo.metadata import TIMESTAMP
from expo.metadata import metadata as _metadata  # noqa: F401  (naming convention first)


class ExhibitorProfile(SQLModel, table=True):
    """What an exhibitor shows the public about itself. One per exhibitor; no row yet means the
    exhibitor has not written one (the directory still lists its name, class and regency)."""

    __tablename__ = "exhibitor_profile"

    exhibitor_id: int = Field(foreign_key="exhibitor.id", ondelete="CASCADE", primary_key=True)
    expo_id: int = Field(foreign_key="expo.id", ondelete="CASCADE", index=True)
    story: str = Field(default="", sa_type=sa.String(2000))  # plain text (shown as text, never as markup)
    logo_key: str | None = Field(default=None, sa_type=sa.String(200))
    order_whatsapp: str | None = Field(default=None, sa_type=sa.String(20))  # 62..., for a wa.me order link
    shopee_url: str | None = Field(default=None, sa_type=sa.String(300))
    tokopedia_url: str | None = Field(default=None, sa_type=sa.String(300))
    tiktok_url: str | None = Field(default=None, sa_type=sa.String(300))
    instagram_url: str | None = Field(default=None, sa_type=sa.String(300))
    website_url: str | None = Field(default=None, sa_type=sa.String(300))
    promotion: str = Field(default="", sa_type=sa.String(300))  # an opening offer during the expo
    updated_at: datetime = Field(default_factory=utcnow, sa_type=TIMESTAMP)


class Product(SQLModel, table=True):
    """One product an exhibitor shows. ``expo_id`` is the exhibitor's, kept here so that the
    directory's search reads one expo's products through one index."""

    __tablename__ = "product"
    __table_args__ = (sa.Index("ix_product_expo_exhibitor", "expo_id", "exhibitor_id", "position"),)

    id: int | None = Field(default=None, primary_key=True)
    expo_id: int = Field(foreign_key="expo.id", ondelete="CASCADE")
    exhibitor_id: int = Field(foreign_key="exhibitor.id", ondelete="CASCADE", index=True)
    name: str = Field(sa_type=sa.String(120))
    description: str = Field(default="", sa_type=sa.String(1000))
    photo_key: str | None = Field(default=None, sa_type=sa.String(200))
    price_min: int | None = Field(default=None, sa_type=sa.BigInteger())
    price_max: int | None = Field(default=None, sa_type=sa.BigInteger())
    unit: str = Field(default="", sa_type=sa.String(40))  # "pcs", "botol 250 ml", "kg"
    halal_number: str | None = Field(default=None, sa_type=sa.String(40))
    pirt_number: str | None = Field(default=None, sa_type=sa.String(40))  # P-IRT or BPOM registration
    stock_note: str = Field(default="", sa_type=sa.String(120))
    position: int = 0  # the exhibitor's own order
    created_at: datetime = Field(default_factory=utcnow, sa_type=TIMESTAMP)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=TIMESTAMP)


class StatKind(StrEnum):
    """What an exhibitor's daily counter counts."""

    PROFILE_VIEW = "profile_view"  # its public profile was opened
    SIGN_SCAN = "sign_scan"  # the QR on its booth sign was scanned (the profile opened through it)
    LEAD = "lead"  # its staff saved a visitor as a lead


class ExhibitorStat(SQLModel, table=True):
    """A counter per exhibitor, expo day (the expo's own calendar day) and kind. Counted by one
    upsert (``stats.count``), so many workers add to the same row without losing a count."""

    __tablename__ = "exhibitor_stat"
    __table_args__ = (
        sa.UniqueConstraint("exhibitor_id", "day", "kind"),
        sa.Index("ix_exhibitor_stat_expo_day", "expo_id", "day"),
    )

    id: int | None = Field(default=None, primary_key=True)
    expo_id: int = Field(foreign_key="expo.id", ondelete="CASCADE")
    exhibitor_id: int = Field(foreign_key="exhibitor.id", ondelete="CASCADE")
    day: date
    kind: StatKind = Field(sa_type=sa.String(16))
    count: int = 0
