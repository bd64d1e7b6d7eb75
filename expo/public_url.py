"""The address people reach the site at, for links that leave the screen (QR codes on printed maps,
the gate pairing code): the ``EXPO_PUBLIC_URL`` setting when set, else the address the request came
to (the Host the proxy passed on). A loopback address there means nobody else can follow the link."""

import ipaddress
from typing import Any
from urllib.parse import urlsplit

from litestar import Request

from expo.deps import SETTINGS_STATE_KEY
from expo.settings import Settings


def public_base_url(request: Request[Any, Any, Any]) -> str:
    """``https://expo.example.id`` (no trailing slash)."""
    settings = request.app.state.get(SETTINGS_STATE_KEY)
    if isinstance(settings, Settings) and settings.public_url:
        return settings.public_url
    return str(request.base_url).rstrip("/")


def is_loopback(url: str) -> bool:
    """True when ``url`` points at this computer only: localhost, 127.0.0.0/8, ::1 or 0.0.0.0."""
    host = (urlsplit(url).hostname or "").rstrip(".").lower()
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    return address.is_loopback or address.is_unspecified
