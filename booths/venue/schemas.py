"""What the venue API accepts and promises: expos, days, halls, clusters, packages, booths, CSV results."""

from datetime import date, time
from typing import Annotated, Literal

from pydantic import BaseModel, Field, model_validator

from booths.exhibitors.models import ExhibitorClass
from booths.fields import BoothCode, Colour, Metres, Name, Position, Rupiah, ShortCode, Strict
from booths.venue.models import BoothType, HallKind
from expo.text import MULTI_LINE

BoothStatus = Literal["available", "held", "confirmed", "blocked"]


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
