"""Tables of the venue: expos and their days, product clusters, halls, packages, booths."""

from datetime import date, datetime, time
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from expo.formatting import utcnow
from expo.metadata import TIMESTAMP
from expo.metadata import metadata as _metadata  # noqa: F401  (naming convention first)


class HallKind(StrEnum):
    HALL = "hall"
    OUTDOOR = "outdoor"


class BoothType(StrEnum):
    INLINE = "inline"
    CORNER = "corner"
    ISLAND = "island"
    TENT = "tent"


class Expo(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    slug: str = Field(sa_type=sa.String(60), unique=True)
    name: str = Field(sa_type=sa.String(160))
    city: str = Field(sa_type=sa.String(80))
    venue: str = Field(sa_type=sa.String(160))
    starts_on: date
    ends_on: date
    timezone: str = Field(default="Asia/Jakarta", sa_type=sa.String(40))
    hold_minutes: int = 30
    booth_limit: int = 1
    # Exhibitors may hold booths only between these instants (UTC); None leaves that side open.
    booking_opens_at: datetime | None = Field(default=None, sa_type=TIMESTAMP)
    booking_closes_at: datetime | None = Field(default=None, sa_type=TIMESTAMP)
    free_self_confirm: bool = True
    # What the public sees (booths.venue.lifecycle.expo_state): a draft is seen by its committee only;
    # running and over follow from the dates.
    published: bool = True
    booking_open: bool = True
    languages: list[str] = Field(default_factory=lambda: ["id", "en"], sa_type=sa.JSON)
    contact_whatsapp: str | None = Field(default=None, sa_type=sa.String(20))
    contact_email: str | None = Field(default=None, sa_type=sa.String(254))
    created_at: datetime = Field(default_factory=utcnow, sa_type=TIMESTAMP)


class ExpoDay(SQLModel, table=True):
    """One day of the expo with its own opening hours (local time of the expo)."""

    __tablename__ = "expo_day"
    __table_args__ = (sa.UniqueConstraint("expo_id", "day"),)

    id: int | None = Field(default=None, primary_key=True)
    expo_id: int = Field(foreign_key="expo.id", ondelete="CASCADE", index=True)
    day: date
    opens_at: time
    closes_at: time


class ProductCluster(SQLModel, table=True):
    """A product cluster or zone (kuliner, fashion, ...) with the colour the maps use."""

    __tablename__ = "product_cluster"
    __table_args__ = (sa.UniqueConstraint("expo_id", "code"),)

    id: int | None = Field(default=None, primary_key=True)
    expo_id: int = Field(foreign_key="expo.id", ondelete="CASCADE", index=True)
    code: str = Field(sa_type=sa.String(32))
    name: str = Field(sa_type=sa.String(80))
    color: str = Field(default="#9e9e9e", sa_type=sa.String(7))


class Hall(SQLModel, table=True):
    """A hall or an outdoor area; booths are rectangles in metres from its top-left corner."""

    __table_args__ = (sa.UniqueConstraint("expo_id", "code"),)

    id: int | None = Field(default=None, primary_key=True)
    expo_id: int = Field(foreign_key="expo.id", ondelete="CASCADE", index=True)
    code: str = Field(sa_type=sa.String(8))
    name: str = Field(sa_type=sa.String(80))
    kind: HallKind = Field(default=HallKind.HALL, sa_type=sa.String(16))
    width_m: float
    depth_m: float


class BoothPackage(SQLModel, table=True):
    """What a stand includes and what it costs; ``class_prices`` overrides ``price`` per exhibitor class."""

    __tablename__ = "booth_package"
    __table_args__ = (sa.UniqueConstraint("expo_id", "code"),)

    id: int | None = Field(default=None, primary_key=True)
    expo_id: int = Field(foreign_key="expo.id", ondelete="CASCADE", index=True)
    code: str = Field(sa_type=sa.String(32))
    name: str = Field(sa_type=sa.String(80))
    description: str = Field(default="", sa_type=sa.String(500))
    shell: bool = True
    tables: int = 1
    chairs: int = 2
    power_amps: int = 2  # what allocation matches against; set from power_watts (booths.pricing)
    power_watts: int = 440
    fascia: bool = False  # a name board over the stand's front
    staff_quota: int = 2
    price: int = 0
    class_prices: dict[str, Any] = Field(default_factory=dict, sa_type=sa.JSON)


class Booth(SQLModel, table=True):
    __table_args__ = (sa.UniqueConstraint("expo_id", "code"),)

    id: int | None = Field(default=None, primary_key=True)
    expo_id: int = Field(foreign_key="expo.id", ondelete="CASCADE", index=True)
    hall_id: int = Field(foreign_key="hall.id", ondelete="RESTRICT", index=True)
    package_id: int = Field(foreign_key="booth_package.id", ondelete="RESTRICT", index=True)
    code: str = Field(sa_type=sa.String(16))
    x_m: float
    y_m: float
    width_m: float
    depth_m: float
    # None means "derive from the neighbours" (see booths.venue.geometry.derive_booth_type).
    booth_type: BoothType | None = Field(default=None, sa_type=sa.String(16))
    cluster: str | None = Field(default=None, sa_type=sa.String(32))
    blocked: bool = False
    blocked_reason: str | None = Field(default=None, sa_type=sa.String(200))
    created_at: datetime = Field(default_factory=utcnow, sa_type=TIMESTAMP)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=TIMESTAMP)
