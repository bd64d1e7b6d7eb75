"""Who is asking: a middleware that resolves the session cookie or bearer token, and role guards."""

from typing import Any

from litestar.config.csrf import CSRFConfig
from litestar.connection import ASGIConnection, Request
from litestar.enums import ScopeType
from litestar.handlers.base import BaseRouteHandler
from litestar.middleware.csrf import CSRFMiddleware
from litestar.types import ASGIApp, Receive, Scope, Send
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from expo.accounts import CurrentUser, user_for_token
from expo.errors import Forbidden, Unauthenticated
from expo.models import Role

SESSION_COOKIE = "expo_session"
SESSIONMAKER_STATE_KEY = "expo_sessionmaker"


def bearer_token(scope: Scope) -> str | None:
    for name, value in scope.get("headers", []):
        if name == b"authorization":
            scheme, _, token = value.decode("latin-1").partition(" ")
            if scheme.lower() == "bearer" and token.strip():
                return token.strip()
    return None


def cookie_token(scope: Scope) -> str | None:
    for name, value in scope.get("headers", []):
        if name == b"cookie":
            for part in value.decode("latin-1").split(";"):
                key, _, val = part.strip().partition("=")
                if key == SESSION_COOKIE and val:
                    return val
    return None


class AuthMiddleware:
    """Sets ``scope["user"]`` to a :class:`CurrentUser` or ``None`` on every HTTP request.

    A bearer token wins over the cookie; API clients with a bearer token are exempt from CSRF
    (a browser cannot be tricked into sending that header), cookie users are not.
    Uses its own short session so that a request's own transaction starts clean.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == ScopeType.HTTP:
            token = bearer_token(scope) or cookie_token(scope)
            user: CurrentUser | None = None
            if token and len(token) < 200:
                maker: async_sessionmaker[AsyncSession] = scope["litestar_app"].state[SESSIONMAKER_STATE_KEY]
                async with maker() as session:
                    user = await user_for_token(session, token)
            scope["user"] = user
            scope["auth"] = token if user else None
        await self.app(scope, receive, send)


def _api_without_session(scope: Scope) -> bool:
    return str(scope.get("path", "")).startswith("/api/") and cookie_token(scope) is None


class BearerAwareCSRFMiddleware(CSRFMiddleware):
    """Litestar's CSRF check, skipped where a forged cross-site request is impossible or harmless:
    a bearer token (a browser never adds that header by itself), or an API call from a client with
    no session cookie: it carries no one's authority to abuse, and the API's JSON routes refuse any
    body that is not declared JSON (415, ``expo.request_limits``), which a cross-site form cannot
    send without a CORS preflight we never grant; so a forged log-in is still impossible, and a
    wrong content type is answered as such instead of as a failed CSRF check.
    """

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == ScopeType.HTTP and (bearer_token(scope) or _api_without_session(scope)):
            await self.app(scope, receive, send)
            return
        await super().__call__(scope, receive, send)


def csrf_config(secret: str, secure: bool) -> CSRFConfig:
    return CSRFConfig(
        secret=secret, cookie_secure=secure, cookie_samesite="lax", cookie_httponly=False, exclude=["/health"]
    )


def current_user(connection: ASGIConnection[Any, Any, Any, Any]) -> CurrentUser | None:
    user = connection.scope.get("user")
    return user if isinstance(user, CurrentUser) else None


def _require(connection: ASGIConnection[Any, Any, Any, Any], *roles: Role) -> CurrentUser:
    user = current_user(connection)
    if user is None:
        raise Unauthenticated()
    if roles and user.role not in roles:
        raise Forbidden("Your account's role may not do this.", code="wrong_role")
    return user


def requires_login(connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler) -> None:
    _require(connection)


def requires_organiser(connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler) -> None:
    _require(connection, Role.ORGANISER)


def requires_exhibitor(connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler) -> None:
    _require(connection, Role.EXHIBITOR)


def requires_exhibitor_or_organiser(connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler) -> None:
    _require(connection, Role.EXHIBITOR, Role.ORGANISER)


def requires_gate_staff(connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler) -> None:
    """A gate-staff account itself (its own gate's view and phones; organisers have the full pages)."""
    _require(connection, Role.GATE)


def requires_gate(connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler) -> None:
    _require(connection, Role.GATE, Role.ORGANISER)


async def provide_user(request: Request[Any, Any, Any]) -> CurrentUser:
    """Dependency ``user``: the logged-in user (guards have already ensured there is one)."""
    user = current_user(request)
    if user is None:
        raise Unauthenticated()
    return user


async def provide_optional_user(request: Request[Any, Any, Any]) -> CurrentUser | None:
    return current_user(request)
