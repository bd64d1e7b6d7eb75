"""Signed verification links printed as a QR code on every invoice and receipt.

Anyone holding the paper can scan it and see, on ``/verify/<token>``, whether the committee issued a
document with that number and amount. The token carries what it vouches for (the kind of document,
the expo, the number, the amount) in the clear, base64url, and a MAC over exactly that: an HMAC-SHA256
with a key derived from the site's secret (``Settings.resolved_secret_key``) for this one purpose, so
the key signing documents is not the key of CSRF tokens. Changing any figure breaks the MAC; the
MAC is compared in constant time. Nothing personal is in the link.

Pure: no database, no web.
"""

import base64
import binascii
import hashlib
import hmac
from dataclasses import dataclass
from typing import Literal

Kind = Literal["invoice", "receipt"]
_KIND_CODES: dict[str, Kind] = {"i": "invoice", "r": "receipt"}
_CODE_OF: dict[Kind, str] = {kind: code for code, kind in _KIND_CODES.items()}
_PURPOSE = b"expo/billing/document-verification/v1"
TAG_BYTES = 16  # 128 bits: forging one by guessing is out of reach, and the QR stays small
MAX_TOKEN = 200


@dataclass(frozen=True)
class Claim:
    """What a verification link says about a document."""

    kind: Kind
    expo_id: int
    number: str
    amount: int


def derive_key(secret: str) -> bytes:
    """The document-signing key, derived from the site's secret for this purpose only."""
    return hmac.new(secret.encode(), _PURPOSE, hashlib.sha256).digest()


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _payload(claim: Claim) -> bytes:
    return f"{_CODE_OF[claim.kind]}|{claim.expo_id}|{claim.amount}|{claim.number}".encode()


def _tag(key: bytes, payload: bytes) -> bytes:
    return hmac.new(key, payload, hashlib.sha256).digest()[:TAG_BYTES]


def sign(key: bytes, claim: Claim) -> str:
    """The token of ``claim``: ``<payload>.<tag>``, both base64url."""
    payload = _payload(claim)
    return f"{_b64(payload)}.{_b64(_tag(key, payload))}"


def read(key: bytes, token: str) -> Claim | None:
    """The claim of a genuine token; None for anything else (malformed, altered, signed with another
    key). The tag is compared in constant time."""
    if not token or len(token) > MAX_TOKEN or token.count(".") != 1:
        return None
    head, tail = token.split(".")
    try:
        payload, tag = _unb64(head), _unb64(tail)
    except (binascii.Error, ValueError):
        return None
    if not hmac.compare_digest(tag, _tag(key, payload)):
        return None
    try:
        code, expo_id, amount, number = payload.decode().split("|", 3)
        return Claim(kind=_KIND_CODES[code], expo_id=int(expo_id), number=number, amount=int(amount))
    except (UnicodeDecodeError, ValueError, KeyError):
        return None


def verify_url(base_url: str, key: bytes, claim: Claim) -> str:
    """The link printed on the document (``base_url``: the site's public address)."""
    return f"{base_url.rstrip('/')}/verify/{sign(key, claim)}"
