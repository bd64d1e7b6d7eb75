"""Pass tokens: a few bytes signed with Ed25519, written in base32 for the QR code's alphanumeric mode.

A token carries no personal data: format version, key id, expo id, a random serial, the kind's
number and the days it is valid. A gate verifies it offline with the public keys alone; whether the
serial was revoked comes from the revocation list. The byte layout is in ``docs/qr-token.md``.
"""

import base64
import binascii
import struct
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

FORMAT_VERSION = 1
DOMAIN = b"expo-pass"  # signed in front of the payload (never sent): a signature of ours means only this
EPOCH = date(2000, 1, 1)
SIGNATURE_BYTES = 64
MAX_MASK_BYTES = 16  # passes valid over a span of up to 128 days
MAX_SERIAL = 2**48 - 1
_HEADER = struct.Struct(">BBI6sBHB")  # version, key id, expo id, serial, kind, first day, mask length
_ALPHABET = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")


class TokenError(ValueError):
    """Why a token is refused; ``code`` is stable (``malformed``, ``bad_signature``, ...)."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


@dataclass(frozen=True)
class Claims:
    """What a token says. ``days`` are sorted and unique."""

    key_id: int
    expo_id: int
    serial: int
    kind: int
    days: tuple[date, ...]


def _day_mask(days: Iterable[date]) -> tuple[int, bytes]:
    ordered = sorted(set(days))
    if not ordered:
        raise ValueError("a pass is valid on at least one day")
    first = (ordered[0] - EPOCH).days
    if not 0 <= first <= 0xFFFF:
        raise ValueError("day out of range")
    mask = 0
    for day in ordered:
        offset = (day - EPOCH).days - first
        mask |= 1 << offset
    length = (mask.bit_length() + 7) // 8
    if length > MAX_MASK_BYTES:
        raise ValueError(f"the valid days span more than {MAX_MASK_BYTES * 8} days")
    return first, mask.to_bytes(length, "little")


def encode_payload(claims: Claims) -> bytes:
    """The signed bytes of a token (everything but the signature)."""
    if not 1 <= claims.key_id <= 255 or not 1 <= claims.kind <= 255:
        raise ValueError("key id and kind are 1-255")
    if not 0 <= claims.expo_id <= 0xFFFFFFFF or not 1 <= claims.serial <= MAX_SERIAL:
        raise ValueError("expo id or serial out of range")
    first, mask = _day_mask(claims.days)
    serial = claims.serial.to_bytes(6, "big")
    return _HEADER.pack(FORMAT_VERSION, claims.key_id, claims.expo_id, serial, claims.kind, first, len(mask)) + mask


def _b32(raw: bytes) -> str:
    return base64.b32encode(raw).decode("ascii").rstrip("=")


def sign(claims: Claims, key: Ed25519PrivateKey) -> str:
    """The token for ``claims``: payload and signature in base32 (upper case, no padding)."""
    payload = encode_payload(claims)
    return _b32(payload + key.sign(DOMAIN + payload))


def _unb32(token: str) -> bytes:
    if not token or len(token) > 400 or not _ALPHABET.issuperset(token):
        raise TokenError("malformed", "not a pass token")
    try:
        raw = base64.b32decode(token + "=" * (-len(token) % 8))
    except (binascii.Error, ValueError):
        raise TokenError("malformed", "not a pass token") from None
    if _b32(raw) != token:  # unused low bits of the last character must be zero: one spelling only
        raise TokenError("malformed", "not a pass token")
    return raw


def parse(token: str) -> tuple[Claims, bytes, bytes]:
    """Split a token into its claims, the signed payload and the signature, without verifying."""
    raw = _unb32(token)
    if len(raw) < _HEADER.size + 1 + SIGNATURE_BYTES:
        raise TokenError("malformed", "token too short")
    if raw[0] != FORMAT_VERSION:
        raise TokenError("unsupported_version", f"token format {raw[0]} is not supported")
    _version, key_id, expo_id, serial, kind, first, mask_len = _HEADER.unpack_from(raw)
    end = _HEADER.size + mask_len
    if not 1 <= mask_len <= MAX_MASK_BYTES or len(raw) != end + SIGNATURE_BYTES:
        raise TokenError("malformed", "token length does not match its header")
    mask = int.from_bytes(raw[_HEADER.size : end], "little")
    if not mask & 1 or raw[end - 1] == 0:
        raise TokenError("malformed", "day mask is not canonical")
    start = EPOCH + timedelta(days=first)
    days = tuple(start + timedelta(days=i) for i in range(mask.bit_length()) if mask >> i & 1)
    claims = Claims(key_id=key_id, expo_id=expo_id, serial=int.from_bytes(serial, "big"), kind=kind, days=days)
    return claims, raw[:end], raw[end:]


def verify(token: str, public_keys: Mapping[int, Ed25519PublicKey], expo_id: int | None = None) -> Claims:
    """The claims of a genuine token; else :class:`TokenError` (``malformed``, ``unsupported_version``,
    ``unknown_key``, ``bad_signature``, ``wrong_expo``). Revocation and the date are the caller's checks."""
    claims, payload, signature = parse(token)
    key = public_keys.get(claims.key_id)
    if key is None:
        raise TokenError("unknown_key", f"token signed by unknown key {claims.key_id}")
    try:
        key.verify(signature, DOMAIN + payload)
    except InvalidSignature:
        raise TokenError("bad_signature", "signature does not match") from None
    if expo_id is not None and claims.expo_id != expo_id:
        raise TokenError("wrong_expo", "token belongs to another expo")
    return claims
