"""HTTP hardening that holds for every response: who the client is behind a proxy, and the
browser security headers.

Proxy: ``X-Forwarded-For`` and ``X-Forwarded-Proto`` are believed only from the addresses in
``EXPO_TRUSTED_PROXIES`` (uvicorn's own middleware does the parsing). It runs first, so the rate
limits count the real client and ``request.url`` says ``https`` behind a TLS proxy; uvicorn's own
proxy handling is switched off (``expo serve``), so this setting is the only one that decides.

Headers (a ``before_send`` hook, so error pages and 404s get them too):

- ``Content-Security-Policy``: everything from our own origin; no inline or ``eval``'d script,
  no plugins, no framing (``frame-ancestors 'none'``), forms post only to us. Images may be
  ``data:``/``blob:`` (QR codes drawn in the page, the scanner's camera frames). ``style-src``
  allows ``'unsafe-inline'``: a few templates colour elements from data (a cluster's colour as
  ``style="--c: #e65100"``, a pass kind's band) and old Android WebViews do not know
  ``style-src-attr``, which would allow the attributes alone; inline styles cannot run script.
- ``X-Content-Type-Options: nosniff`` and ``Referrer-Policy: strict-origin-when-cross-origin``.
- A secret link (a visitor's pass page ``/p/<secret>``, its API, the registration that hands it out)
  is ``Cache-Control: no-store``
  and ``Referrer-Policy: no-referrer``, so the secret stays out of shared caches and other sites' logs.
- Cookies set over HTTPS (directly or behind a trusted proxy) are ``Secure``, whatever
  ``EXPO_SECURE_COOKIES`` says.
"""

import re
from typing import Any, cast

from litestar.types import ASGIApp, Message, Scope
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data: blob:",
        "media-src 'self' blob: mediastream:",
        "font-src 'self'",
        "connect-src 'self'",
        "worker-src 'self'",
        "manifest-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
_ALWAYS = [
    (b"content-security-policy", CONTENT_SECURITY_POLICY.encode()),
    (b"x-content-type-options", b"nosniff"),
]
# Answers that hold or lead to a visitor's secret link: the pass page and its API, and registration
# (its answer names the link; the page form redirects to it).
SECRET_PATHS = re.compile(r"^/p/|^/api/visitor-passes/|^/api/expos/\d+/visitors$|^/e/[^/]+/visit$")


def trusted_proxies(setting: str) -> list[str]:
    """``"10.0.0.1, 10.1.0.0/16"`` -> ``["10.0.0.1", "10.1.0.0/16"]``; ``"*"`` trusts every address."""
    return [part.strip() for part in setting.split(",") if part.strip()]


def proxy_headers(app: ASGIApp, trusted: list[str]) -> ASGIApp:
    """Middleware factory: uvicorn's proxy-header handling with our list of trusted proxies."""
    return cast(ASGIApp, ProxyHeadersMiddleware(cast(Any, app), trusted_hosts=trusted))


def _secure(cookie: bytes) -> bytes:
    return cookie if b"secure" in cookie.lower() else cookie + b"; Secure"


async def security_headers(message: Message, scope: Scope) -> None:
    """``before_send`` hook: the headers above on every HTTP response."""
    if message["type"] != "http.response.start":
        return
    secret = SECRET_PATHS.match(str(scope.get("path", ""))) is not None
    https = scope.get("scheme") == "https"
    replaced = {b"cache-control", b"referrer-policy"} if secret else set()
    headers = [
        (name, _secure(value) if https and name.lower() == b"set-cookie" else value)
        for name, value in message.get("headers", [])
        if name.lower() not in replaced
    ]
    present = {name.lower() for name, _ in headers}
    headers += [(name, value) for name, value in _ALWAYS if name not in present]
    if secret:
        headers += [(b"cache-control", b"no-store"), (b"referrer-policy", b"no-referrer")]
    elif b"referrer-policy" not in present:
        headers.append((b"referrer-policy", b"strict-origin-when-cross-origin"))
    message["headers"] = headers
