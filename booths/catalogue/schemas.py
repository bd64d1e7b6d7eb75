"""What an exhibitor may write into its catalogue profile and products.

Links are http(s) only (a ``javascript:`` or ``data:`` link on a public page would run in a
visitor's browser); an address typed without its scheme (``shopee.co.id/toko``) is taken as https.
Texts are plain: markup is kept as typed and shown as text by the pages. Prices are whole rupiah,
never below zero, a range's top not below its bottom.
"""

import re
from typing import Annotated
from urllib.parse import urlsplit

from pydantic import AfterValidator, BeforeValidator, Field, ValidationInfo, field_validator

from booths.exhibitors.validation import normalise_whatsapp
from booths.fields import Price, Strict
from expo.i18n import N_
from expo.text import MultiLineText

NOT_A_LINK = N_("Give a web address starting with http:// or https://.")
MAX_BELOW_MIN = N_("The highest price cannot be below the lowest.")
MAX_WITHOUT_MIN = N_("Give the lowest price first.")
BAD_NUMBER = N_("Use only letters, digits, spaces and . / - in a registration number.")

_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
_HOST = re.compile(r"^(?=.{1,253}$)([A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}$")
_REGISTRATION = re.compile(r"^[A-Za-z0-9][A-Za-z0-9 ./-]*$")


def _empty_is_none(value: object) -> object:
    if isinstance(value, str) and not value.strip():
        return None
    return value


def web_link(value: str) -> str:
    """An http(s) address with a real host name, or a ValueError (shown at the field)."""
    text = value.strip()
    if not _SCHEME.match(text):
        text = f"https://{text}"  # typed as people read it on a card: "instagram.com/tokoku"
    if any(ch.isspace() for ch in text) or any(ch in text for ch in "<>\"'`\\"):
        raise ValueError(NOT_A_LINK)
    try:
        parts = urlsplit(text)
        host = parts.hostname or ""
        parts.port  # noqa: B018  (a port that is not a number raises here)
    except ValueError:
        raise ValueError(NOT_A_LINK) from None
    if parts.scheme.lower() not in {"http", "https"} or parts.username or parts.password or not _HOST.match(host):
        raise ValueError(NOT_A_LINK)
    return text


def wa_number(value: str) -> str:
    """A WhatsApp order number as ``wa.me`` wants it: the Indonesian mobile in E.164 without the ``+``."""
    return normalise_whatsapp(value).removeprefix("+")


def registration_number(value: str) -> str:
    if not _REGISTRATION.match(value):
        raise ValueError(BAD_NUMBER)
    return value


WebLink = Annotated[
    Annotated[str, Field(max_length=300), AfterValidator(web_link)] | None, BeforeValidator(_empty_is_none)
]
OrderWhatsApp = Annotated[
    Annotated[str, Field(max_length=32), AfterValidator(wa_number)] | None, BeforeValidator(_empty_is_none)
]
OptionalPrice = Annotated[Price | None, BeforeValidator(_empty_is_none)]
RegistrationNumber = Annotated[
    Annotated[str, Field(max_length=40), AfterValidator(registration_number)] | None,
    BeforeValidator(_empty_is_none),
]


class ProfileIn(Strict):
    """An exhibitor's public profile (its name, class, pesantren and regency are its registration's)."""

    story: Annotated[MultiLineText, Field(max_length=2000)] = ""
    order_whatsapp: OrderWhatsApp = None
    shopee_url: WebLink = None
    tokopedia_url: WebLink = None
    tiktok_url: WebLink = None
    instagram_url: WebLink = None
    website_url: WebLink = None
    promotion: Annotated[str, Field(max_length=300)] = ""


class ProductIn(Strict):
    """One product: a single price (``price_max`` empty), a range, or no price shown (ask at the booth)."""

    name: Annotated[str, Field(min_length=1, max_length=120)]
    description: Annotated[MultiLineText, Field(max_length=1000)] = ""
    price_min: OptionalPrice = None
    price_max: OptionalPrice = None
    unit: Annotated[str, Field(max_length=40)] = ""
    halal_number: RegistrationNumber = None
    pirt_number: RegistrationNumber = None
    stock_note: Annotated[str, Field(max_length=120)] = ""

    @field_validator("price_max")
    @classmethod
    def _range(cls, value: int | None, info: ValidationInfo) -> int | None:
        """Checked at the highest price's field (``price_min`` is validated before it)."""
        if value is None:
            return None
        if "price_min" not in info.data:
            return value  # the lowest price was refused already; one message is enough
        low = info.data["price_min"]
        if low is None:
            raise ValueError(MAX_WITHOUT_MIN)
        if value < low:
            raise ValueError(MAX_BELOW_MIN)
        return None if value == low else value  # one price, typed twice
