"""What the add-on, refund and refund-rule forms hand the rules (checked request shapes)."""

from datetime import date
from typing import Annotated, Literal

from pydantic import Field, model_validator

from booths.billing.models import AddOnKind, PaymentMethod
from booths.fields import Price, ShortCode, Strict

AddOnName = Annotated[str, Field(min_length=1, max_length=80)]


class AddOnIn(Strict):
    """One add-on of the expo's price list; ``price`` is per unit (per block of ``unit_size`` VA for power)."""

    code: ShortCode
    kind: AddOnKind
    name: AddOnName
    unit: Annotated[str, Field(max_length=20)] = ""
    unit_size: Annotated[int, Field(ge=1, le=100_000)] = 1
    price: Price
    max_quantity: Annotated[int, Field(ge=1, le=1000)] = 10
    active: bool = True


class AddOnOrderIn(Strict):
    addon_id: int
    quantity: Annotated[int, Field(ge=1, le=1000)] = 1
    text: Annotated[str, Field(max_length=80)] = ""  # the fascia's wording


class RefundStep(Strict):
    """Cancelling at least ``days_before`` days before the first expo day refunds ``percent`` of what was paid."""

    days_before: Annotated[int, Field(ge=0, le=365)]
    percent: Annotated[int, Field(ge=0, le=100)]


class RefundRuleIn(Strict):
    steps: Annotated[list[RefundStep], Field(max_length=6)]

    @model_validator(mode="after")
    def _distinct(self) -> "RefundRuleIn":
        days = [s.days_before for s in self.steps]
        if len(days) != len(set(days)):
            raise ValueError("Each step needs its own number of days.")
        return self


class RefundPaidIn(Strict):
    paid_on: date
    method: Literal[PaymentMethod.TRANSFER, PaymentMethod.CASH] = PaymentMethod.TRANSFER
    reference: Annotated[str, Field(min_length=1, max_length=120)]
