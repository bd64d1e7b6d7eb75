"""The address people reach the site at, for links that leave the screen (QR codes on printed maps,
the gate pairing code): the ``EXPO_PUBLIC_URL`` setting when set, else the address the request came
to (the Host the proxy passed on). A loopback address there means nobody else can follow the link."""

import ipaddress
from contextvars import ContextVar
from typing import Any
from urllib.parse import urlsplit

from litestar import Request
from litestar.enums import ScopeType
from litestar.types import ASGIApp, Receive, Scope, Send

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


DEFAULT_SITE_URL = "http://127.0.0.1:8000"

site_url: ContextVar[str] = ContextVar("site_url", default="")
"""The site's address for links in messages queued by this request (set by :class:`SiteUrlMiddleware`);
work outside a request (jobs) uses ``EXPO_PUBLIC_URL`` or the local default."""


def message_base_url(settings: Settings | None = None) -> str:
    """Where links in a message lead: this request's public address, else the setting, else the local
    address of ``make run``."""
    return site_url.get() or (settings.public_url if settings else "") or DEFAULT_SITE_URL


class SiteUrlMiddleware:
    """Remembers the public address of each HTTP request for the messages it queues."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == ScopeType.HTTP:
            settings = scope["litestar_app"].state.get(SETTINGS_STATE_KEY)
            if isinstance(settings, Settings) and settings.public_url:
                site_url.set(settings.public_url)
            else:
                site_url.set(_request_base(scope))
        await self.app(scope, receive, send)


def _request_base(scope: Scope) -> str:
    scheme = scope.get("scheme", "http")
    host = ""
    for name, value in scope.get("headers", []):
        if name == b"host":
            host = value.decode("latin-1")
            break
    if not host:
        server = scope.get("server")
        host = f"{server[0]}:{server[1]}" if server else "127.0.0.1"
    return f"{scheme}://{host}"
