"""Checks and normal forms for Indonesian business data: NIB, WhatsApp numbers, codes."""

import itertools
import re

from expo.phones import ascii_digits, e164

# [0-9], not \d: \d also matches Arabic-Indic and other digits, which would store a second,
# different-looking copy of the same NIB or number (they are converted to ASCII first instead).
_NIB_RE = re.compile(r"^[0-9]{13}$")
_ID_MOBILE_RE = re.compile(r"^\+628[0-9]{7,11}$")
BOOTH_CODE_RE = re.compile(r"^[A-Z0-9]{1,6}(-[A-Z0-9]{1,6}){0,2}$")


def normalise_nib(value: str) -> str:
    """An NIB (Nomor Induk Berusaha) is exactly 13 digits; spaces people type are dropped."""
    nib = ascii_digits(re.sub(r"\s", "", value))
    if not _NIB_RE.match(nib):
        raise ValueError("NIB must be exactly 13 digits (from the OSS system).")
    return nib


def nib_looks_issued(nib: str) -> bool:
    """Could OSS have issued this NIB? Typed placeholders are not: one digit throughout
    (``0000000000000``), a counting run (``1234567890123``, ``9876543210987``) or one or two
    digits repeated (``1212121212121``). Organisers may still accept such a number on purpose."""
    if not _NIB_RE.match(nib):
        return False
    steps = {(int(b) - int(a)) % 10 for a, b in itertools.pairwise(nib)}
    if steps in ({0}, {1}, {9}):
        return False
    return nib != (nib[:2] * 7)[:13]


_NOT_ID_MOBILE = "Enter an Indonesian mobile number, e.g. 0812 3456 7890 or +62 812 3456 7890."


def normalise_whatsapp(value: str) -> str:
    """``0812-3456-789``, ``62812...``, ``+62 812 ...``, ``+62 0812 ...`` -> ``+62812...`` (the platform's
    E.164 rule, ``expo.phones``), and only an Indonesian mobile: exhibitors are reached here."""
    try:
        number = e164(value)
    except ValueError:
        raise ValueError(_NOT_ID_MOBILE) from None
    if not _ID_MOBILE_RE.match(number):
        raise ValueError(_NOT_ID_MOBILE)
    return number


def normalise_booth_code(value: str) -> str:
    code = value.strip().upper()
    if not BOOTH_CODE_RE.match(code):
        raise ValueError("A booth code is letters and digits in up to three parts, e.g. A-01.")
    return code
