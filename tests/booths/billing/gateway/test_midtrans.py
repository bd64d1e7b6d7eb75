"""The Midtrans adapter's pure parts: the signature it checks, the statuses it maps, the amounts it
reads; against the formula written out here, not the adapter's own helper."""

import hashlib
import json

import pytest

from booths.billing.gateway.midtrans import Midtrans, our_status
from booths.billing.gateway.provider import BadSignature, MalformedNotice, NoticeStatus

KEY = "SB-Mid-server-unit"


def _signed(**fields: str) -> bytes:
    body = {"order_id": "INV-X-0001-aa", "status_code": "200", "gross_amount": "1500123.00"} | fields
    raw = body["order_id"] + body["status_code"] + body["gross_amount"] + KEY
    body.setdefault("signature_key", hashlib.sha512(raw.encode()).hexdigest())
    return json.dumps(body).encode()


def test_a_genuine_settlement_reads_as_paid_in_whole_rupiah() -> None:
    notice = Midtrans(KEY).verify_notification({}, _signed(transaction_status="settlement"))
    assert (notice.order_id, notice.status, notice.amount) == ("INV-X-0001-aa", NoticeStatus.PAID, 1_500_123)
    assert notice.event_id == "INV-X-0001-aa:settlement"


@pytest.mark.parametrize(
    "body",
    [
        _signed(signature_key="0" * 128),
        _signed(signature_key=""),
        json.dumps({"order_id": "x", "status_code": "200", "gross_amount": "1.00"}).encode(),
    ],
)
def test_a_wrong_or_missing_signature_is_refused(body: bytes) -> None:
    with pytest.raises(BadSignature):
        Midtrans(KEY).verify_notification({}, body)


def test_a_changed_amount_breaks_the_signature() -> None:
    body = json.loads(_signed(transaction_status="settlement"))
    body["gross_amount"] = "1.00"
    with pytest.raises(BadSignature):
        Midtrans(KEY).verify_notification({}, json.dumps(body).encode())


def test_another_key_is_refused() -> None:
    with pytest.raises(BadSignature):
        Midtrans("another-key").verify_notification({}, _signed(transaction_status="settlement"))


@pytest.mark.parametrize("body", [b"not json", b"[1, 2]", _signed(gross_amount="12.50"), _signed(gross_amount="x")])
def test_what_midtrans_never_sends_is_malformed(body: bytes) -> None:
    with pytest.raises(MalformedNotice):
        Midtrans(KEY).verify_notification({}, body)


@pytest.mark.parametrize(
    ("status", "fraud", "ours"),
    [
        ("settlement", "", NoticeStatus.PAID),
        ("capture", "accept", NoticeStatus.PAID),
        ("capture", "challenge", NoticeStatus.PENDING),
        ("pending", "", NoticeStatus.PENDING),
        ("expire", "", NoticeStatus.EXPIRED),
        ("deny", "", NoticeStatus.FAILED),
        ("cancel", "", NoticeStatus.FAILED),
        ("refund", "", NoticeStatus.OTHER),
    ],
)
def test_statuses(status: str, fraud: str, ours: NoticeStatus) -> None:
    assert our_status(status, fraud) == ours
