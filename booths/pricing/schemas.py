"""What the committee's pages of packages, classes, prices and booking rules hand the rules."""

from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, Field, model_validator

from booths.exhibitors.models import ExhibitorClass
from booths.fields import Price, Strict


class ClassSettingIn(Strict):
    name: Annotated[str, Field(max_length=80)] = ""
    needs_approval: bool = True


class ClassesUpdate(Strict):
    classes: dict[ExhibitorClass, ClassSettingIn]


class PackagePrices(Strict):
    """One package's row of the price matrix: its base price and, per class, a price or none (the base)."""

    price: Price
    class_prices: dict[ExhibitorClass, Price | None] = Field(default_factory=dict)


class PriceMatrix(Strict):
    packages: dict[int, PackagePrices]


class BookingRules(Strict):
    """The expo's booking rules; the window's ends are the expo's local time (no time zone given)."""

    booth_limit: Annotated[int, Field(ge=1, le=50)]
    hold_minutes: Annotated[int, Field(ge=1, le=7 * 24 * 60)]
    booking_opens_at: datetime | None = None
    booking_closes_at: datetime | None = None

    @model_validator(mode="after")
    def _order(self) -> "BookingRules":
        if self.booking_opens_at and self.booking_closes_at and self.booking_closes_at <= self.booking_opens_at:
            raise ValueError("Booking must close after it opens.")
        return self


class ClassView(BaseModel):
    code: ExhibitorClass
    name: str  # the committee's name; empty for the standard one
    needs_approval: bool


class PriceCell(BaseModel):
    code: ExhibitorClass
    price: int
    own: bool  # a class price of its own (else the package's base price)
    after_approval: bool  # below the base price, given once the organisers approve the class


class PriceRow(BaseModel):
    package_id: int
    package_name: str
    price: int
    cells: list[PriceCell]
