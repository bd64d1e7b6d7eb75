"""What the venue API accepts and promises: expos, days, halls, clusters, packages, booths, CSV results."""

from datetime import date, time
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, BeforeValidator, Field, ValidationInfo, field_validator

from booths.exhibitors.models import ExhibitorClass
from booths.fields import BoothCode, Colour, Email, Metres, Name, Position, Price, ShortCode, Strict, WhatsApp
from booths.venue.models import BoothType, HallKind
from expo.i18n import N_
from expo.text import MULTI_LINE

BoothStatus = Literal["available", "held", "confirmed", "blocked"]


# --- expo -------------------------------------------------------------------------------------
TimeZone = Literal["Asia/Jakarta", "Asia/Makassar", "Asia/Jayapura"]
Language = Literal["id", "en"]
Slug = Annotated[
    str,
    Field(min_length=2, max_length=60, pattern=r"^[a-z0-9][a-z0-9-]*$"),
]
City = Annotated[str, Field(min_length=1, max_length=80), AfterValidator(str.strip)]
END_BEFORE_START = N_("The closing time must be after the opening time.")
PAST_MIDNIGHT = N_("An expo day ends by midnight: close at 23:59 at the latest.")
LAST_BEFORE_FIRST = N_("The last day cannot be before the first day.")
TOO_LONG = N_("An expo lasts at most 60 days.")
MAX_DAYS = 60


def _clock(value: object) -> object:
    """``09.00`` (as Indonesians write it) reads as ``09:00``; an hour of 24 or later is past midnight."""
    if isinstance(value, str):
        text = value.strip().replace(".", ":")
        hour = text.split(":", 1)[0]
        if hour.isdigit() and int(hour) >= 24:
            raise ValueError(PAST_MIDNIGHT)
        return text
    return value


Clock = Annotated[time, BeforeValidator(_clock)]


def _both_languages() -> list[Language]:
    return ["id", "en"]


def check_hours(opens_at: time, closes_at: time) -> None:
    """A day's hours: closing after opening, on the same day (a closing time in the small hours of
    the next morning is an expo open past midnight)."""
    if closes_at <= opens_at:
        past_midnight = closes_at < time(6, 0) <= opens_at or closes_at == time(0)
        raise ValueError(PAST_MIDNIGHT if past_midnight else END_BEFORE_START)


class ExpoCreate(Strict):
    slug: Slug
    name: Name
    city: City
    venue: Name
    starts_on: date
    ends_on: date
    opens_at: Clock = time(9, 0)
    closes_at: Clock = time(21, 0)
    timezone: TimeZone = "Asia/Jakarta"
    hold_minutes: Annotated[int, Field(ge=1, le=7 * 24 * 60)] = 30
    booth_limit: Annotated[int, Field(ge=1, le=50)] = 1
    free_self_confirm: bool = True
    languages: Annotated[list[Language], Field(min_length=1, max_length=2)] = Field(default_factory=_both_languages)
    contact_whatsapp: WhatsApp | None = None
    contact_email: Email | None = None
    published: bool = Field(default=True, description="False: a draft only the committee sees.")
    booking_open: bool = True

    @field_validator("ends_on")
    @classmethod
    def _dates(cls, ends_on: date, info: ValidationInfo) -> date:
        starts_on = info.data.get("starts_on")
        if starts_on is not None:
            if ends_on < starts_on:
                raise ValueError(LAST_BEFORE_FIRST)
            if (ends_on - starts_on).days > MAX_DAYS:
                raise ValueError(TOO_LONG)
        return ends_on

    @field_validator("closes_at")
    @classmethod
    def _hours(cls, closes_at: time, info: ValidationInfo) -> time:
        opens_at = info.data.get("opens_at")
        if opens_at is not None:
            check_hours(opens_at, closes_at)
        return closes_at


class ExpoUpdate(Strict):
    name: Name | None = None
    city: City | None = None
    venue: Name | None = None
    hold_minutes: Annotated[int, Field(ge=1, le=7 * 24 * 60)] | None = None
    booth_limit: Annotated[int, Field(ge=1, le=50)] | None = None
    free_self_confirm: bool | None = None
    languages: Annotated[list[Language], Field(min_length=1, max_length=2)] | None = None
    contact_whatsapp: WhatsApp | None = None
    contact_email: Email | None = None
    published: bool | None = None
    booking_open: bool | None = None


class DayHours(Strict):
    day: date
    opens_at: Clock
    closes_at: Clock

    @field_validator("closes_at")
    @classmethod
    def _hours(cls, closes_at: time, info: ValidationInfo) -> time:
        opens_at = info.data.get("opens_at")
        if opens_at is not None:
            check_hours(opens_at, closes_at)
        return closes_at


class ExpoSettings(Strict):
    """Everything the expo settings page sets at once; ``hours`` per day (days missing from it take
    the first day's hours)."""

    slug: Slug
    name: Name
    city: City
    venue: Name
    starts_on: date
    ends_on: date
    timezone: TimeZone = "Asia/Jakarta"
    languages: Annotated[list[Language], Field(min_length=1, max_length=2)]
    contact_whatsapp: WhatsApp | None = None
    contact_email: Email | None = None
    hours: list[DayHours] = Field(default_factory=list, max_length=MAX_DAYS)


class ExpoCopy(Strict):
    """Next year's edition: a new short address, name and first day; the length and the set-up come
    from the source."""

    slug: Slug
    name: Name
    starts_on: date


ExpoState = Literal["draft", "open", "closed", "running", "over"]
ExpoSwitch = Literal["publish", "unpublish", "open_booking", "close_booking"]


class StateSwitch(Strict):
    switch: ExpoSwitch


class ExpoDayRead(BaseModel):
    day: date
    opens_at: time
    closes_at: time


class ExpoDayUpdate(Strict):
    opens_at: Clock
    closes_at: Clock

    @field_validator("closes_at")
    @classmethod
    def _hours(cls, closes_at: time, info: ValidationInfo) -> time:
        opens_at = info.data.get("opens_at")
        if opens_at is not None:
            check_hours(opens_at, closes_at)
        return closes_at


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
    languages: list[str]
    contact_whatsapp: str | None
    contact_email: str | None
    published: bool
    booking_open: bool
    state: ExpoState
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
    power_watts: Annotated[int, Field(ge=0, le=44_000)] | None = Field(
        default=None, description="Sets power_amps too (220 V); without it, power_amps x 220."
    )
    fascia: bool = False
    staff_quota: Annotated[int, Field(ge=0, le=100)] = 2
    price: Price = 0
    class_prices: dict[ExhibitorClass, Price] = Field(default_factory=dict)


class PackageUpdate(Strict):
    name: Annotated[str, Field(min_length=1, max_length=80)] | None = None
    description: Annotated[str, Field(max_length=500), MULTI_LINE] | None = None
    shell: bool | None = None
    tables: Annotated[int, Field(ge=0, le=50)] | None = None
    chairs: Annotated[int, Field(ge=0, le=100)] | None = None
    power_amps: Annotated[int, Field(ge=0, le=200)] | None = None
    power_watts: Annotated[int, Field(ge=0, le=44_000)] | None = None
    fascia: bool | None = None
    staff_quota: Annotated[int, Field(ge=0, le=100)] | None = None
    price: Price | None = None
    class_prices: dict[ExhibitorClass, Price] | None = None


class PackageRead(BaseModel):
    id: int
    code: str
    name: str
    description: str
    shell: bool
    tables: int
    chairs: int
    power_amps: int
    power_watts: int
    fascia: bool
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
    number_width: Annotated[int, Field(ge=1, le=4, description="Digits of the number, zero-padded (A-01: 2).")] = 2
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
