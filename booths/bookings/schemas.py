"""What the bookings API accepts and promises: payments, cancel, move, assign, booking reads."""

from typing import Annotated

from pydantic import BaseModel, Field

from booths.bookings.models import BookingAction, BookingStatus, PaymentMethod
from booths.fields import Rupiah, Strict
from expo.text import MULTI_LINE
from expo.timestamps import UtcDateTime


# --- bookings ---------------------------------------------------------------------------------
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
    payment_method: PaymentMethod | None
    payment_reference: str | None


class BookingEventRead(BaseModel):
    at: UtcDateTime
    action: BookingAction
    actor_user_id: int | None
    from_status: BookingStatus | None
    to_status: BookingStatus | None
    from_booth_code: str | None
    to_booth_code: str | None
    note: str | None
