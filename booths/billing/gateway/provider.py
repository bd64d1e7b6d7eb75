"""What a payment gateway must do for us, whichever it is: start a hosted checkout for an amount, and
tell a genuine notice (signed by the gateway) from a forged one.

Midtrans (Snap) fits as ``midtrans.py`` does: a transaction API with the server key as Basic auth
answering a redirect URL, and notices signed with SHA-512 over order, status code, amount and key.
Xendit fits the same shape: ``create_checkout`` POSTs its invoice API (``/v2/invoices`` with
``external_id`` = our order id) and answers the ``invoice_url``; ``verify_notification`` compares the
``x-callback-token`` header with the account's token (constant-time) and reads ``external_id``,
``status`` (PAID/SETTLED, EXPIRED) and ``paid_amount``, the event key being the invoice id and status.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any, Protocol

from expo.errors import DomainError, Unauthenticated
from expo.i18n import N_


class NoticeStatus(StrEnum):
    """A notice's status in our words (each provider maps its own onto these)."""

    PAID = "paid"  # the money is there (Midtrans settlement, or capture accepted)
    PENDING = "pending"
    FAILED = "failed"  # denied, cancelled
    EXPIRED = "expired"
    OTHER = "other"  # refunds, chargebacks, anything we do not act on


@dataclass(frozen=True)
class CheckoutRequest:
    """What a checkout is for: our order id, the whole rupiah amount, the bill it pays and where the
    gateway sends the exhibitor back to."""

    order_id: str
    amount: int
    description: str
    customer_name: str
    customer_email: str
    return_url: str
    expires_at: datetime | None = None


@dataclass(frozen=True)
class Checkout:
    redirect_url: str
    order_id: str
    token: str = ""


@dataclass(frozen=True)
class Notice:
    """A verified notice: its order, our status, the amount the gateway says was paid, a key that is
    the same for a replay of the same event, and the body as received."""

    order_id: str
    status: NoticeStatus
    amount: int
    event_id: str
    provider_status: str
    raw: dict[str, Any]


class GatewayUnavailable(DomainError):
    """The gateway could not start a checkout (no answer, or an error): the exhibitor can pay by
    transfer instead, or try again."""

    status = 502
    default_code = "gateway_unavailable"
    default_message = N_("The online payment service did not answer; try again later or pay by transfer.")


class BadSignature(Unauthenticated):
    default_code = "gateway_signature_mismatch"
    default_message = N_("The notice's signature does not match.")


class MalformedNotice(DomainError):
    status = 400
    default_code = "gateway_notice_invalid"
    default_message = N_("The notice is not one the payment service sends.")


class Provider(Protocol):
    """A configured payment gateway."""

    name: str

    async def create_checkout(self, request: CheckoutRequest) -> Checkout: ...

    def verify_notification(self, headers: Mapping[str, str], body: bytes) -> Notice:
        """The notice if it is genuine; ``BadSignature`` if it is not, ``MalformedNotice`` if it
        cannot be read."""
        ...
