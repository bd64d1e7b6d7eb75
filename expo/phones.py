"""Phone numbers in E.164 (``+628123456789``), the form WhatsApp providers and wa.me links take."""

import re
import unicodedata
from urllib.parse import quote

_STRIP_RE = re.compile(r"[\s\-().]")
_ID_MOBILE_RE = re.compile(r"^\+628[0-9]{7,11}$")
_E164_RE = re.compile(r"^\+[1-9][0-9]{7,14}$")


def ascii_digits(value: str) -> str:
    """``٠٨١٢`` (Arabic-Indic) or ``０８１２`` (full-width) -> ``0812``; other characters unchanged."""
    return "".join(str(unicodedata.decimal(c)) if c.isdecimal() else c for c in value)


def e164(value: str) -> str:
    """An Indonesian mobile number as people write it (``0812-3456-789``, ``62812...``, ``+62 0812...``)
    or any number already written with its country code (``+60 12 345 6789``) -> E.164.
    Raises ``ValueError`` for anything else."""
    number = ascii_digits(_STRIP_RE.sub("", value.strip()))
    if number.startswith("62"):
        number = "+" + number
    elif number.startswith("0"):
        number = "+62" + number[1:]
    elif number.startswith("8"):
        number = "+62" + number
    if number.startswith("+620"):  # "+62 0812 ...", as many people write it
        number = "+62" + number[4:]
    if number.startswith("+62") and _ID_MOBILE_RE.match(number):
        return number
    if not number.startswith("+62") and _E164_RE.match(number):
        return number
    raise ValueError("Enter a mobile number, e.g. 0812 3456 7890 or +62 812 3456 7890.")


def wa_me_link(phone: str, text: str = "") -> str:
    """``https://wa.me/6281234567890`` (click to chat), with ``text`` filled in when given."""
    link = "https://wa.me/" + "".join(c for c in phone if c.isdigit())
    return f"{link}?text={quote(text, safe='')}" if text else link
