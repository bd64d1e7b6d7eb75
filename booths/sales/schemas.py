"""What a day's sales entry accepts: amounts in whole rupiah, never below zero."""

from datetime import date
from typing import Annotated

from pydantic import BeforeValidator, Field

from expo.i18n import N_
from expo.text import CleanInput

BELOW_ZERO = N_("An amount cannot be below zero.")
MAX_DEALS = 10


def _not_below_zero(value: object) -> object:
    """Refuse a negative amount with its own message; take "Rp 1.200.000" as typed on a phone (dots
    group thousands in Indonesian; rupiah have no cents)."""
    if isinstance(value, str):
        value = value.strip().removeprefix("Rp").removeprefix("rp").replace(".", "").replace(" ", "") or "0"
    if isinstance(value, str | int) and str(value).startswith("-"):
        raise ValueError(BELOW_ZERO)
    return value


# A ceiling only against typing slips that would overflow the sums (ten thousand billion rupiah);
# what is merely unusual is flagged by the service, not refused here.
Amount = Annotated[int, BeforeValidator(_not_below_zero), Field(ge=0, le=10_000_000_000_000)]


class Deal(CleanInput):
    """A deal signed at the booth: with whom, and its value."""

    party: Annotated[str, Field(min_length=1, max_length=120)]
    value: Amount


class SaleEntry(CleanInput):
    """One exhibitor's sales on one expo day."""

    day: date
    cash: Amount = 0
    transfer: Amount = 0  # transfer and QRIS
    transactions: Annotated[int, BeforeValidator(_not_below_zero), Field(ge=0, le=1_000_000)] = 0
    orders: Amount = 0  # orders taken for later delivery, by value
    deals: Annotated[list[Deal], Field(default_factory=list, max_length=MAX_DEALS)]

    @property
    def sales(self) -> int:
        """What was sold at the booth that day (cash and transfer/QRIS)."""
        return self.cash + self.transfer
