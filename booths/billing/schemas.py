"""What the payment pages hand the money rules."""

from datetime import date
from typing import Annotated

from pydantic import Field, model_validator

from booths.billing.models import DownPayment, PaymentMethod
from booths.fields import Rupiah, Strict


class SetupIn(Strict):
    """The expo's payment set-up (bank accounts are added one by one: ``AccountIn``)."""

    cash_enabled: bool = False
    cash_place: Annotated[str, Field(max_length=300)] = ""
    cash_hours: Annotated[str, Field(max_length=120)] = ""
    down_payment: DownPayment = DownPayment.NONE
    down_payment_value: Annotated[int, Field(ge=0, le=10_000_000_000)] = 0
    rest_due_on: date | None = None
    unique_code: bool = True
    invoice_prefix: Annotated[str, Field(max_length=20, pattern=r"^[A-Za-z0-9-]*$")] = ""
    issuer_name: Annotated[str, Field(max_length=160)] = ""
    issuer_address: Annotated[str, Field(max_length=300)] = ""
    treasurer_name: Annotated[str, Field(max_length=120)] = ""
    online_enabled: bool = False  # the "pay online" button (when the site has a payment gateway set up)

    @model_validator(mode="after")
    def _consistent(self) -> "SetupIn":
        if self.down_payment == DownPayment.PERCENT and not 1 <= self.down_payment_value <= 99:
            raise ValueError("A down payment in percent is between 1 and 99.")
        if self.down_payment == DownPayment.AMOUNT and self.down_payment_value < 1:
            raise ValueError("Give the down payment's amount.")
        if self.cash_enabled and not self.cash_place.strip():
            raise ValueError("Say where cash is paid.")
        return self


class AccountIn(Strict):
    bank: Annotated[str, Field(min_length=2, max_length=60)]
    number: Annotated[str, Field(min_length=5, max_length=40, pattern=r"^[0-9][0-9 .-]*[0-9]$")]
    holder: Annotated[str, Field(min_length=2, max_length=120)]


class DeskPaymentIn(Strict):
    """A payment the treasurer records: cash at the secretariat, or a transfer seen on the bank."""

    amount: Rupiah
    method: PaymentMethod
    paid_on: date
    reference: Annotated[str, Field(max_length=120)] = ""
    note: Annotated[str, Field(max_length=300)] = ""


class ReverseIn(Strict):
    reason: Annotated[str, Field(min_length=3, max_length=300)]
