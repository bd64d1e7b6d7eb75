"""Tables of the venue and its trade: expos, halls, packages, booths, exhibitors, bookings."""

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


class Approval(StrEnum):
    """The organiser's decision on an exhibitor's self-declared class (it sets a free or cheaper stand)."""

    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"


class ExhibitorClass(StrEnum):
    PESANTREN = "pesantren"
    KOPERASI = "koperasi"
    UMKM = "umkm"
    SPONSOR = "sponsor"
    GOVERNMENT = "government"


class BookingStatus(StrEnum):
    HELD = "held"
    CONFIRMED = "confirmed"
    CANCELLED = "cancelled"
    EXPIRED = "expired"


ACTIVE_BOOKING_STATUSES = (BookingStatus.HELD.value, BookingStatus.CONFIRMED.value)



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
    free_self_confirm: bool = True
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
    power_amps: int = 2
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
    # None means "derive from the neighbours" (see booths.geometry.derive_booth_type).
    booth_type: BoothType | None = Field(default=None, sa_type=sa.String(16))
    cluster: str | None = Field(default=None, sa_type=sa.String(32))
    blocked: bool = False
    blocked_reason: str | None = Field(default=None, sa_type=sa.String(200))
    created_at: datetime = Field(default_factory=utcnow, sa_type=TIMESTAMP)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=TIMESTAMP)


class Exhibitor(SQLModel, table=True):
    """A business showing at the expo. One per NIB per expo."""

    __table_args__ = (sa.UniqueConstraint("expo_id", "nib"),)

    id: int | None = Field(default=None, primary_key=True)
    expo_id: int = Field(foreign_key="expo.id", ondelete="CASCADE", index=True)
    user_id: int | None = Field(default=None, foreign_key="user.id", ondelete="SET NULL", unique=True)
    name: str = Field(sa_type=sa.String(160))
    exhibitor_class: ExhibitorClass = Field(sa_type=sa.String(16))
    nib: str = Field(sa_type=sa.String(13))
    pesantren_name: str | None = Field(default=None, sa_type=sa.String(160))
    regency: str = Field(sa_type=sa.String(80))
    contact_name: str = Field(sa_type=sa.String(120))
    whatsapp: str = Field(sa_type=sa.String(20))
    email: str = Field(sa_type=sa.String(254))
    cluster: str | None = Field(default=None, sa_type=sa.String(32))
    description: str = Field(default="", sa_type=sa.String(1000))
    # A class that gets a stand below the regular price (pesantren, koperasi, ...) is taken on the
    # exhibitor's word only once an organiser approved it (booths.approval).
    approval: Approval = Field(default=Approval.PENDING, sa_type=sa.String(16))
    approval_decided_at: datetime | None = Field(default=None, sa_type=TIMESTAMP)
    # Who decided: a user id kept as history, like a log line (no foreign key: the column is added
    # without copying the table, see migration 0007).
    approval_decided_by: int | None = None
    approval_note: str | None = Field(default=None, sa_type=sa.String(300))
    # Bumped at the start of every booking change: a row lock that serialises one exhibitor's
    # bookings on PostgreSQL and takes SQLite's write lock before anything is read.
    lock_version: int = 0
    created_at: datetime = Field(default_factory=utcnow, sa_type=TIMESTAMP)


class Booking(SQLModel, table=True):
    """A booth held or confirmed for an exhibitor. At most one active booking per booth (index below)."""

    __table_args__ = (
        sa.Index(
            "uq_booking_active_booth",
            "booth_id",
            unique=True,
            sqlite_where=sa.text("status IN ('held', 'confirmed')"),
            postgresql_where=sa.text("status IN ('held', 'confirmed')"),
        ),
        sa.Index("ix_booking_exhibitor_status", "exhibitor_id", "status"),
    )

    id: int | None = Field(default=None, primary_key=True)
    expo_id: int = Field(foreign_key="expo.id", ondelete="CASCADE", index=True)
    booth_id: int = Field(foreign_key="booth.id", ondelete="RESTRICT")
    exhibitor_id: int = Field(foreign_key="exhibitor.id", ondelete="RESTRICT")
    status: BookingStatus = Field(sa_type=sa.String(16))
    price: int
    held_at: datetime = Field(default_factory=utcnow, sa_type=TIMESTAMP)
    hold_expires_at: datetime | None = Field(default=None, sa_type=TIMESTAMP)
    confirmed_at: datetime | None = Field(default=None, sa_type=TIMESTAMP)
    ended_at: datetime | None = Field(default=None, sa_type=TIMESTAMP)
    cancel_reason: str | None = Field(default=None, sa_type=sa.String(300))
    payment_amount: int | None = None
    payment_method: str | None = Field(default=None, sa_type=sa.String(32))
    payment_reference: str | None = Field(default=None, sa_type=sa.String(120))
    updated_at: datetime = Field(default_factory=utcnow, sa_type=TIMESTAMP)


class BookingEvent(SQLModel, table=True):
    """One line of a booking's history: who did what, when."""

    __tablename__ = "booking_event"

    id: int | None = Field(default=None, primary_key=True)
    booking_id: int = Field(foreign_key="booking.id", ondelete="CASCADE", index=True)
    at: datetime = Field(default_factory=utcnow, sa_type=TIMESTAMP)
    actor_user_id: int | None = Field(default=None, foreign_key="user.id", ondelete="SET NULL")
    action: str = Field(sa_type=sa.String(24))
    from_status: str | None = Field(default=None, sa_type=sa.String(16))
    to_status: str | None = Field(default=None, sa_type=sa.String(16))
    from_booth_id: int | None = Field(default=None, foreign_key="booth.id", ondelete="SET NULL")
    to_booth_id: int | None = Field(default=None, foreign_key="booth.id", ondelete="SET NULL")
    note: str | None = Field(default=None, sa_type=sa.String(300))


# --- booth maps: venue features and map settings -----------------------------------------------
class FeatureKind(StrEnum):
    """What a venue feature is. Doors (entrance, exit) sit on a wall and must be kept clear."""

    ENTRANCE = "entrance"
    EXIT = "exit"
    STAGE = "stage"
    MUSHOLLA = "musholla"
    TOILET = "toilet"
    INFO = "info"
    FIRST_AID = "first_aid"
    REGISTRATION = "registration"
    FOOD_COURT = "food_court"
    COLUMN = "column"
    WALL = "wall"
    AISLE = "aisle"


class VenueFeature(SQLModel, table=True):
    """Something on the floor plan besides booths (a rectangle in metres, like a booth)."""

    __tablename__ = "venue_feature"

    id: int | None = Field(default=None, primary_key=True)
    expo_id: int = Field(foreign_key="expo.id", ondelete="CASCADE", index=True)
    hall_id: int = Field(foreign_key="hall.id", ondelete="CASCADE", index=True)
    kind: FeatureKind = Field(sa_type=sa.String(16))
    label: str = Field(default="", sa_type=sa.String(80))
    x_m: float
    y_m: float
    width_m: float
    depth_m: float
    created_at: datetime = Field(default_factory=utcnow, sa_type=TIMESTAMP)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=TIMESTAMP)


class VenueMap(SQLModel, table=True):
    """One expo's map settings: the layout check's thresholds and whether the public map is published."""

    __tablename__ = "venue_map"

    id: int | None = Field(default=None, primary_key=True)
    expo_id: int = Field(foreign_key="expo.id", ondelete="CASCADE", unique=True)
    min_aisle_m: float = 3.0
    exit_clearance_m: float = 2.0
    min_access_m: float = 1.0
    published_at: datetime | None = Field(default=None, sa_type=TIMESTAMP)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=TIMESTAMP)


# --- allocation: applications, allocation runs, shared stands, waitlist offers ------------------
class ApplicationStatus(StrEnum):
    SUBMITTED = "submitted"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    WITHDRAWN = "withdrawn"
    PLACED = "placed"
    WAITLISTED = "waitlisted"


class AllocationSetting(SQLModel, table=True):
    """One expo's application window and allocation rules (weights, quotas, zone rules as JSON)."""

    __tablename__ = "allocation_setting"

    id: int | None = Field(default=None, primary_key=True)
    expo_id: int = Field(foreign_key="expo.id", ondelete="CASCADE", unique=True)
    # While on, exhibitors apply instead of holding booths, and freed booths go to the waiting list.
    applications_only: bool = False
    opens_at: datetime | None = Field(default=None, sa_type=TIMESTAMP)
    closes_at: datetime | None = Field(default=None, sa_type=TIMESTAMP)
    offer_hours: int = 48
    payment_days: int = 7
    weights: dict[str, Any] = Field(default_factory=dict, sa_type=sa.JSON)
    quotas: list[Any] = Field(default_factory=list, sa_type=sa.JSON)
    zone_rules: list[Any] = Field(default_factory=list, sa_type=sa.JSON)
    fairness_by: str = Field(default="class", sa_type=sa.String(16))
    fairness_max_gap: int = 10
    max_per_stand: int = 3
    time_limit_s: float = 5.0
    updated_at: datetime = Field(default_factory=utcnow, sa_type=TIMESTAMP)


class BoothAllocation(SQLModel, table=True):
    """The organiser's overrides of a booth's allocation facts (None: derived from the floor plan)."""

    __tablename__ = "booth_allocation"

    id: int | None = Field(default=None, primary_key=True)
    booth_id: int = Field(foreign_key="booth.id", ondelete="CASCADE", unique=True)
    position_score: int | None = None
    accessible: bool | None = None
    capacity: int | None = None


class BoothApplication(SQLModel, table=True):
    """An exhibitor's application for a booth: what it needs and wants. One per exhibitor."""

    __tablename__ = "booth_application"
    __table_args__ = (sa.UniqueConstraint("expo_id", "exhibitor_id"),)

    id: int | None = Field(default=None, primary_key=True)
    expo_id: int = Field(foreign_key="expo.id", ondelete="CASCADE", index=True)
    exhibitor_id: int = Field(foreign_key="exhibitor.id", ondelete="CASCADE", index=True)
    status: ApplicationStatus = Field(sa_type=sa.String(16))
    cluster: str | None = Field(default=None, sa_type=sa.String(32))
    booth_types: list[Any] = Field(default_factory=list, sa_type=sa.JSON)
    packages: list[Any] = Field(default_factory=list, sa_type=sa.JSON)
    min_area_m2: float = 0.0
    power_amps: int = 0
    accessible: bool = False
    preferences: list[Any] = Field(default_factory=list, sa_type=sa.JSON)
    share: bool = False
    share_with: list[Any] = Field(default_factory=list, sa_type=sa.JSON)
    near: list[Any] = Field(default_factory=list, sa_type=sa.JSON)
    avoid: list[Any] = Field(default_factory=list, sa_type=sa.JSON)
    note: str = Field(default="", sa_type=sa.String(500))
    decision_note: str | None = Field(default=None, sa_type=sa.String(300))
    decided_at: datetime | None = Field(default=None, sa_type=TIMESTAMP)
    decided_by: int | None = Field(default=None, foreign_key="user.id", ondelete="SET NULL")
    waitlist_rank: int | None = None
    submitted_at: datetime = Field(default_factory=utcnow, sa_type=TIMESTAMP)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=TIMESTAMP)


class AllocationRun(SQLModel, table=True):
    """A dry run of the allocator: its inputs (seed, settings, pins, the state it saw) and its result."""

    __tablename__ = "allocation_run"

    id: int | None = Field(default=None, primary_key=True)
    expo_id: int = Field(foreign_key="expo.id", ondelete="CASCADE", index=True)
    status: str = Field(default="draft", sa_type=sa.String(16))  # draft, committed, superseded
    seed: int
    settings: dict[str, Any] = Field(default_factory=dict, sa_type=sa.JSON)
    pins: dict[str, Any] = Field(default_factory=dict, sa_type=sa.JSON)
    basis: dict[str, Any] = Field(default_factory=dict, sa_type=sa.JSON)
    result: dict[str, Any] = Field(default_factory=dict, sa_type=sa.JSON)
    objective: int = 0
    bound: int = 0
    placed: int = 0
    unplaced: int = 0
    created_at: datetime = Field(default_factory=utcnow, sa_type=TIMESTAMP)
    created_by: int | None = Field(default=None, foreign_key="user.id", ondelete="SET NULL")
    committed_at: datetime | None = Field(default=None, sa_type=TIMESTAMP)
    committed_by: int | None = Field(default=None, foreign_key="user.id", ondelete="SET NULL")


class BookingCoExhibitor(SQLModel, table=True):
    """A co-exhibitor on a shared stand: the booking stays the main exhibitor's; this adds a name and
    a share of the stand's staff passes."""

    __tablename__ = "booking_co_exhibitor"
    __table_args__ = (sa.UniqueConstraint("booking_id", "exhibitor_id"),)

    id: int | None = Field(default=None, primary_key=True)
    booking_id: int = Field(foreign_key="booking.id", ondelete="CASCADE", index=True)
    exhibitor_id: int = Field(foreign_key="exhibitor.id", ondelete="RESTRICT", index=True)
    staff_quota_share: int = 1
    created_at: datetime = Field(default_factory=utcnow, sa_type=TIMESTAMP)


class OfferStatus(StrEnum):
    OFFERED = "offered"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    LAPSED = "lapsed"
    WITHDRAWN = "withdrawn"


class BoothOffer(SQLModel, table=True):
    """A freed booth offered to the next applicant on the waiting list, until a deadline. At most one
    open offer per booth and per application (partial unique indexes)."""

    __tablename__ = "booth_offer"
    __table_args__ = (
        sa.Index(
            "uq_booth_offer_open_booth",
            "booth_id",
            unique=True,
            sqlite_where=sa.text("status = 'offered'"),
            postgresql_where=sa.text("status = 'offered'"),
        ),
        sa.Index(
            "uq_booth_offer_open_application",
            "application_id",
            unique=True,
            sqlite_where=sa.text("status = 'offered'"),
            postgresql_where=sa.text("status = 'offered'"),
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    expo_id: int = Field(foreign_key="expo.id", ondelete="CASCADE", index=True)
    application_id: int = Field(foreign_key="booth_application.id", ondelete="CASCADE")
    booth_id: int = Field(foreign_key="booth.id", ondelete="CASCADE")
    status: OfferStatus = Field(sa_type=sa.String(16))
    offered_at: datetime = Field(default_factory=utcnow, sa_type=TIMESTAMP)
    expires_at: datetime = Field(sa_type=TIMESTAMP)
    responded_at: datetime | None = Field(default=None, sa_type=TIMESTAMP)
    booking_id: int | None = Field(default=None, foreign_key="booking.id", ondelete="SET NULL")
