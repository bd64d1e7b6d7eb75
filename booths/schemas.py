"""What the booths API accepts and promises (non-table models; tables are never request bodies)."""

from datetime import date, time
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

from booths.models import Approval, BookingStatus, BoothType, ExhibitorClass, HallKind
from booths.validation import normalise_booth_code, normalise_nib, normalise_whatsapp
from expo.text import MULTI_LINE, CleanInput
from expo.timestamps import UtcDateTime

Name = Annotated[str, Field(min_length=1, max_length=160), AfterValidator(str.strip)]
ShortCode = Annotated[str, Field(min_length=1, max_length=32, pattern=r"^[A-Za-z0-9_-]+$")]
Metres = Annotated[float, Field(gt=0, le=2000)]
Position = Annotated[float, Field(ge=0, le=2000)]
Rupiah = Annotated[int, Field(ge=0, le=10_000_000_000)]
Nib = Annotated[str, AfterValidator(normalise_nib)]
WhatsApp = Annotated[str, Field(max_length=32), AfterValidator(normalise_whatsapp)]
BoothCode = Annotated[str, Field(max_length=16), AfterValidator(normalise_booth_code)]
Email = Annotated[str, Field(max_length=254, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")]
Colour = Annotated[str, Field(pattern=r"^#[0-9a-fA-F]{6}$")]
BoothStatus = Literal["available", "held", "confirmed", "blocked"]
# Query parameters reach SQL as they are: no NUL (PostgreSQL refuses it in text), codes as codes.
NO_NUL = r"^[^\x00]*$"
CLUSTER_QUERY = r"^[A-Za-z0-9_-]*$"


class Strict(CleanInput):
    """Request bodies: unknown fields refused, no control characters (tab and line breaks only in
    fields marked ``MULTI_LINE``), the same on SQLite and PostgreSQL."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


# --- expo -------------------------------------------------------------------------------------
class ExpoCreate(Strict):
    slug: Annotated[str, Field(min_length=2, max_length=60, pattern=r"^[a-z0-9][a-z0-9-]*$")]
    name: Name
    city: Annotated[str, Field(min_length=1, max_length=80)]
    venue: Name
    starts_on: date
    ends_on: date
    opens_at: time = time(9, 0)
    closes_at: time = time(21, 0)
    timezone: Literal["Asia/Jakarta", "Asia/Makassar", "Asia/Jayapura"] = "Asia/Jakarta"
    hold_minutes: Annotated[int, Field(ge=1, le=7 * 24 * 60)] = 30
    booth_limit: Annotated[int, Field(ge=1, le=50)] = 1
    free_self_confirm: bool = True

    @model_validator(mode="after")
    def _order(self) -> "ExpoCreate":
        if self.ends_on < self.starts_on:
            raise ValueError("The last day cannot be before the first day.")
        if (self.ends_on - self.starts_on).days > 60:
            raise ValueError("An expo lasts at most 60 days.")
        if self.closes_at <= self.opens_at:
            raise ValueError("Closing time must be after opening time.")
        return self


class ExpoUpdate(Strict):
    name: Name | None = None
    city: Annotated[str, Field(min_length=1, max_length=80)] | None = None
    venue: Name | None = None
    hold_minutes: Annotated[int, Field(ge=1, le=7 * 24 * 60)] | None = None
    booth_limit: Annotated[int, Field(ge=1, le=50)] | None = None
    free_self_confirm: bool | None = None


class ExpoDayRead(BaseModel):
    day: date
    opens_at: time
    closes_at: time


class ExpoDayUpdate(Strict):
    opens_at: time
    closes_at: time

    @model_validator(mode="after")
    def _order(self) -> "ExpoDayUpdate":
        if self.closes_at <= self.opens_at:
            raise ValueError("Closing time must be after opening time.")
        return self


class ExpoRead(BaseModel):
    id: int
    slug: str
    name: str
    city: str
    venue: str
    starts_on: date
    ends_on: date
    timezone: str
    hold_minutes: int
    booth_limit: int
    free_self_confirm: bool
    days: list[ExpoDayRead]


# --- venue ------------------------------------------------------------------------------------
class HallCreate(Strict):
    code: Annotated[str, Field(min_length=1, max_length=8, pattern=r"^[A-Za-z0-9]+$")]
    name: Annotated[str, Field(min_length=1, max_length=80)]
    kind: HallKind = HallKind.HALL
    width_m: Metres
    depth_m: Metres


class HallUpdate(Strict):
    name: Annotated[str, Field(min_length=1, max_length=80)] | None = None
    width_m: Metres | None = None
    depth_m: Metres | None = None


class HallRead(BaseModel):
    id: int
    expo_id: int
    code: str
    name: str
    kind: HallKind
    width_m: float
    depth_m: float


class ClusterCreate(Strict):
    code: ShortCode
    name: Annotated[str, Field(min_length=1, max_length=80)]
    color: Colour = "#9e9e9e"


class ClusterRead(BaseModel):
    code: str
    name: str
    color: str


class PackageCreate(Strict):
    code: ShortCode
    name: Annotated[str, Field(min_length=1, max_length=80)]
    description: Annotated[str, Field(max_length=500), MULTI_LINE] = ""
    shell: bool = True
    tables: Annotated[int, Field(ge=0, le=50)] = 1
    chairs: Annotated[int, Field(ge=0, le=100)] = 2
    power_amps: Annotated[int, Field(ge=0, le=200)] = 2
    staff_quota: Annotated[int, Field(ge=0, le=100)] = 2
    price: Rupiah = 0
    class_prices: dict[ExhibitorClass, Rupiah] = Field(default_factory=dict)


class PackageUpdate(Strict):
    name: Annotated[str, Field(min_length=1, max_length=80)] | None = None
    description: Annotated[str, Field(max_length=500), MULTI_LINE] | None = None
    shell: bool | None = None
    tables: Annotated[int, Field(ge=0, le=50)] | None = None
    chairs: Annotated[int, Field(ge=0, le=100)] | None = None
    power_amps: Annotated[int, Field(ge=0, le=200)] | None = None
    staff_quota: Annotated[int, Field(ge=0, le=100)] | None = None
    price: Rupiah | None = None
    class_prices: dict[ExhibitorClass, Rupiah] | None = None


class PackageRead(BaseModel):
    id: int
    code: str
    name: str
    description: str
    shell: bool
    tables: int
    chairs: int
    power_amps: int
    staff_quota: int
    price: int
    class_prices: dict[str, int]


class BoothCreate(Strict):
    hall_id: int
    package_id: int
    code: BoothCode
    x_m: Position
    y_m: Position
    width_m: Metres
    depth_m: Metres
    booth_type: BoothType | None = None
    cluster: ShortCode | None = None


class BoothUpdate(Strict):
    hall_id: int | None = None
    package_id: int | None = None
    code: BoothCode | None = None
    x_m: Position | None = None
    y_m: Position | None = None
    width_m: Metres | None = None
    depth_m: Metres | None = None
    booth_type: BoothType | None = None
    derive_type: bool = Field(default=False, description="Forget a set type and derive it again.")
    cluster: ShortCode | None = None


class BlockRequest(Strict):
    package_id: int
    origin_x_m: Position
    origin_y_m: Position
    rows: Annotated[int, Field(ge=1, le=100)]
    columns: Annotated[int, Field(ge=1, le=100)]
    booth_width_m: Metres
    booth_depth_m: Metres
    aisle_m: Annotated[float, Field(ge=0, le=100)] = 3.0
    prefix: Annotated[str, Field(min_length=1, max_length=6, pattern=r"^[A-Za-z0-9]+$")]
    start_number: Annotated[int, Field(ge=0, le=9999)] = 1
    back_to_back: bool = False
    cluster: ShortCode | None = None


class BlockBooth(Strict):
    reason: Annotated[str, Field(max_length=200)] = ""


class BoothRead(BaseModel):
    id: int
    hall_id: int
    hall_code: str
    code: str
    x_m: float
    y_m: float
    width_m: float
    depth_m: float
    booth_type: BoothType
    type_is_derived: bool
    cluster: str | None
    package_id: int
    package_code: str
    price: int
    status: BoothStatus
    blocked_reason: str | None = None
    exhibitor_name: str | None = Field(default=None, description="Shown once the booking is confirmed.")
    booking_id: int | None = Field(default=None, description="Organisers only.")


class CsvRowError(BaseModel):
    row: int
    field: str
    message: str


class CsvImportResult(BaseModel):
    created: int
    updated: int


# --- exhibitors -------------------------------------------------------------------------------
class ExhibitorFields(Strict):
    name: Name
    exhibitor_class: ExhibitorClass
    nib: Nib
    pesantren_name: Annotated[str, Field(max_length=160)] | None = None
    regency: Annotated[str, Field(min_length=1, max_length=80)]
    contact_name: Annotated[str, Field(min_length=1, max_length=120)]
    whatsapp: WhatsApp
    email: Email
    cluster: ShortCode | None = None
    description: Annotated[str, Field(max_length=1000), MULTI_LINE] = ""

    @model_validator(mode="after")
    def _pesantren(self) -> "ExhibitorFields":
        if self.exhibitor_class is ExhibitorClass.PESANTREN and not (self.pesantren_name or "").strip():
            raise ValueError("Give the pesantren's name.")
        return self


class ExhibitorSignup(ExhibitorFields):
    password: Annotated[str, Field(min_length=8, max_length=200)]


UnusualNib = Annotated[
    bool,
    Field(
        description="Organisers only: store an NIB that does not look issued by OSS (all one digit, a counting "
        "run), after checking the certificate. Without it such an NIB is refused with `nib_implausible`."
    ),
]


class ExhibitorCreate(ExhibitorFields):
    """Organisers create exhibitors without an account."""

    accept_unusual_nib: UnusualNib = False


class ExhibitorUpdate(Strict):
    name: Name | None = None
    exhibitor_class: ExhibitorClass | None = None
    nib: Nib | None = None
    pesantren_name: Annotated[str, Field(max_length=160)] | None = None
    regency: Annotated[str, Field(min_length=1, max_length=80)] | None = None
    contact_name: Annotated[str, Field(min_length=1, max_length=120)] | None = None
    whatsapp: WhatsApp | None = None
    email: Email | None = None
    cluster: ShortCode | None = None
    description: Annotated[str, Field(max_length=1000), MULTI_LINE] | None = None
    accept_unusual_nib: UnusualNib = False


class ExhibitorRead(BaseModel):
    id: int
    expo_id: int
    name: str
    exhibitor_class: ExhibitorClass
    nib: str
    pesantren_name: str | None
    regency: str
    contact_name: str
    whatsapp: str
    email: str
    cluster: str | None
    description: str
    has_account: bool
    approval: Approval = Field(description="The organiser's decision on the class: pending, approved, rejected.")
    approval_decided_at: UtcDateTime | None = None
    approval_note: str | None = None


class ApprovalIn(Strict):
    decision: Literal["approved", "rejected"]
    note: Annotated[str, Field(max_length=300)] = ""


class SignupResult(BaseModel):
    exhibitor: ExhibitorRead
    token: str = Field(description="A bearer token for the new account (also set as a session cookie).")


# --- bookings ---------------------------------------------------------------------------------
PaymentMethod = Literal["transfer", "cash", "qris", "waived", "other"]


class PaymentIn(Strict):
    amount: Rupiah
    method: PaymentMethod
    reference: Annotated[str, Field(max_length=120)] = ""


class CancelIn(Strict):
    reason: Annotated[str, Field(max_length=300), MULTI_LINE] = ""


class MoveIn(Strict):
    booth_id: int
    note: Annotated[str, Field(max_length=300), MULTI_LINE] = ""


class AssignIn(Strict):
    booth_id: int
    exhibitor_id: int
    confirm: bool = Field(default=True, description="Confirm at once (with ``payment`` unless the stand is free).")
    payment: PaymentIn | None = None
    note: Annotated[str, Field(max_length=300), MULTI_LINE] = ""


class BookingRead(BaseModel):
    id: int
    expo_id: int
    booth_id: int
    booth_code: str
    hall_code: str
    exhibitor_id: int
    exhibitor_name: str
    status: BookingStatus
    price: int
    held_at: UtcDateTime
    hold_expires_at: UtcDateTime | None
    confirmed_at: UtcDateTime | None
    ended_at: UtcDateTime | None
    cancel_reason: str | None
    payment_amount: int | None
    payment_method: str | None
    payment_reference: str | None


class BookingEventRead(BaseModel):
    at: UtcDateTime
    action: str
    actor_user_id: int | None
    from_status: str | None
    to_status: str | None
    from_booth_code: str | None
    to_booth_code: str | None
    note: str | None
