"""What a bill reads as, and the small money rules around it (pure: no database).

A bill stores unpaid, partly paid, paid or void; "overdue" is read, not stored, like a lapsed hold:
an unpaid bill past its payment deadline, or a partly paid one past the day the rest is due.
"""

import math
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from booths.billing.models import Bill, BillStatus, DownPayment, PaymentSetup
from expo.formatting import as_utc, utcnow


class BillState(StrEnum):
    """The state a reader sees (lists, filters, the exhibitor's page)."""

    UNPAID = "unpaid"
    PARTLY_PAID = "partly_paid"
    PAID = "paid"
    OVERDUE = "overdue"
    VOID = "void"


def outstanding(bill: Bill) -> int:
    return max(0, bill.total - bill.paid)


def stored_status(total: int, paid: int) -> BillStatus:
    """The status the ledger keeps after a payment or a reversal (a void bill stays void)."""
    if paid <= 0:
        return BillStatus.UNPAID
    return BillStatus.PAID if paid >= total else BillStatus.PARTLY_PAID


def bill_state(bill: Bill, now: datetime | None = None, today: date | None = None) -> BillState:
    now = now or utcnow()
    if bill.status == BillStatus.UNPAID and bill.due_at is not None and as_utc(bill.due_at) <= now:
        return BillState.OVERDUE
    if (
        bill.status == BillStatus.PARTLY_PAID
        and bill.rest_due_on is not None
        and bill.rest_due_on < (today or now.date())
    ):
        return BillState.OVERDUE
    return BillState(bill.status.value if isinstance(bill.status, BillStatus) else bill.status)


def secures_booth(bill: Bill) -> bool:
    """Whether what was paid secures the booth: the down payment when the bill has one, else the whole."""
    needed = bill.down_payment or bill.total
    return bill.paid >= needed


def down_payment_for(setup: PaymentSetup | None, base: int, unique_code: int) -> int:
    """The least first payment (0: none allowed). It carries the bill's unique code too, so a down
    payment is told apart on the bank statement just like a full one."""
    if setup is None or setup.down_payment == DownPayment.NONE or base <= 0:
        return 0
    if setup.down_payment == DownPayment.PERCENT:
        part = math.ceil(base * min(max(setup.down_payment_value, 1), 99) / 100)
    else:
        part = min(max(setup.down_payment_value, 0), base)
    if part <= 0 or part >= base:
        return 0
    return part + unique_code


def refund_percent(rules: list[dict[str, Any]], cancelled_on: date, first_day: date) -> int:
    """The share of what was paid that goes back: the best rule whose ``days_before`` is still met."""
    days_left = (first_day - cancelled_on).days
    best = 0
    for rule in rules:
        try:
            before, percent = int(rule["days_before"]), int(rule["percent"])
        except (KeyError, TypeError, ValueError):
            continue
        if days_left >= before:
            best = max(best, min(max(percent, 0), 100))
    return best
