"""Midtrans Snap: the hosted checkout and its signed HTTP notifications.

- Checkout: ``POST {base}/snap/v1/transactions`` with HTTP Basic auth (the server key, no password)
  and ``transaction_details`` (our ``order_id``, ``gross_amount`` in whole rupiah); Midtrans answers
  ``{"token", "redirect_url"}`` and the exhibitor is sent to that URL.
- Notification: Midtrans POSTs JSON with ``order_id``, ``status_code``, ``gross_amount`` ("1500123.00"),
  ``transaction_status`` and ``signature_key`` = SHA-512 hex of
  ``order_id + status_code + gross_amount + server_key``; checked here in constant time.
"""

import base64
import hashlib
import hmac
import json
from collections.abc import Mapping
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

import httpx

from booths.billing.gateway.provider import (
    BadSignature,
    Checkout,
    CheckoutRequest,
    GatewayUnavailable,
    MalformedNotice,
    Notice,
    NoticeStatus,
)
from expo.formatting import as_utc, utcnow
from expo.outbound_http import outbound_client
from expo.request_limits import too_deep

NAME = "midtrans"
SANDBOX_URL = "https://app.sandbox.midtrans.com"

_STATUSES = {
    "settlement": NoticeStatus.PAID,
    "pending": NoticeStatus.PENDING,
    "expire": NoticeStatus.EXPIRED,
    "cancel": NoticeStatus.FAILED,
    "deny": NoticeStatus.FAILED,
    "failure": NoticeStatus.FAILED,
}


def signature(order_id: str, status_code: str, gross_amount: str, server_key: str) -> str:
    """The ``signature_key`` Midtrans puts on a notification (and a fake server in the tests too)."""
    return hashlib.sha512(f"{order_id}{status_code}{gross_amount}{server_key}".encode()).hexdigest()


def our_status(transaction_status: str, fraud_status: str) -> NoticeStatus:
    """A card ``capture`` is money only once the fraud check accepts it; ``challenge`` waits for review."""
    if transaction_status == "capture":
        return NoticeStatus.PAID if fraud_status in {"", "accept"} else NoticeStatus.PENDING
    return _STATUSES.get(transaction_status, NoticeStatus.OTHER)


def _whole_rupiah(gross_amount: str) -> int:
    """ "1500123.00" -> 1500123; a fraction of a rupiah or anything unreadable is not a notice of ours."""
    try:
        value = Decimal(gross_amount)
    except InvalidOperation:
        raise MalformedNotice() from None
    if not value.is_finite() or value != value.to_integral_value() or value < 0:
        raise MalformedNotice()
    return int(value)


def _expiry(expires_at: datetime | None, now: datetime) -> dict[str, Any] | None:
    """Snap's ``expiry``: the checkout ends with the hold, so nobody pays for a booth already freed."""
    if expires_at is None:
        return None
    minutes = int((as_utc(expires_at) - as_utc(now)).total_seconds() // 60)
    start = as_utc(now).strftime("%Y-%m-%d %H:%M:%S +0000")
    return {"start_time": start, "unit": "minute", "duration": max(minutes, 1)}


class Midtrans:
    """The Snap API with one server key (sandbox or production by ``base_url``)."""

    name = NAME

    def __init__(self, server_key: str, base_url: str = SANDBOX_URL, timeout: float = 15.0) -> None:
        self.server_key = server_key
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout

    def _auth(self) -> str:
        return "Basic " + base64.b64encode(f"{self.server_key}:".encode()).decode()

    async def create_checkout(self, request: CheckoutRequest) -> Checkout:
        body: dict[str, Any] = {
            "transaction_details": {"order_id": request.order_id, "gross_amount": request.amount},
            "item_details": [
                {"id": request.order_id, "price": request.amount, "quantity": 1, "name": request.description[:50]}
            ],
            "customer_details": {"first_name": request.customer_name[:50], "email": request.customer_email},
            "callbacks": {"finish": request.return_url},
        }
        expiry = _expiry(request.expires_at, utcnow())
        if expiry:
            body["expiry"] = expiry
        try:
            async with outbound_client(self.timeout) as client:
                response = await client.post(
                    f"{self.base_url}/snap/v1/transactions",
                    json=body,
                    headers={"Authorization": self._auth(), "Accept": "application/json"},
                )
        except httpx.HTTPError as exc:
            raise GatewayUnavailable() from exc
        if response.status_code not in {200, 201}:
            raise GatewayUnavailable()
        try:
            answer = response.json()
            redirect_url, token = str(answer["redirect_url"]), str(answer.get("token", ""))
        except (ValueError, KeyError, TypeError):
            raise GatewayUnavailable() from None
        if not redirect_url.startswith(("https://", "http://")):
            raise GatewayUnavailable()
        return Checkout(redirect_url=redirect_url, order_id=request.order_id, token=token)

    def verify_notification(self, headers: Mapping[str, str], body: bytes) -> Notice:
        try:
            data = json.loads(body)
        except ValueError:
            raise MalformedNotice() from None
        if not isinstance(data, dict) or too_deep(data):
            raise MalformedNotice()
        fields = {k: data.get(k) for k in ("order_id", "status_code", "gross_amount", "signature_key")}
        if not all(isinstance(v, str) and v for v in fields.values()):
            raise BadSignature()
        order_id, status_code, gross_amount, given = (str(v) for v in fields.values())
        expected = signature(order_id, status_code, gross_amount, self.server_key)
        if not hmac.compare_digest(given.lower().encode(), expected.encode()):
            raise BadSignature()
        transaction_status = str(data.get("transaction_status", ""))[:20]
        status = our_status(transaction_status, str(data.get("fraud_status", "")))
        return Notice(
            order_id=order_id[:50],
            status=status,
            amount=_whole_rupiah(gross_amount),
            event_id=f"{order_id}:{transaction_status}"[:120],
            provider_status=transaction_status,
            raw=data,
        )
