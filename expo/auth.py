"""Who is asking: a middleware that resolves the session cookie or bearer token, and role guards."""

from collections.abc import Callable
from typing import Any

import sqlalchemy as sa
from litestar.config.csrf import CSRFConfig
from litestar.connection import ASGIConnection, Request
from litestar.enums import ScopeType
from litestar.handlers.base import BaseRouteHandler
from litestar.middleware.csrf import CSRFMiddleware
from litestar.types import ASGIApp, Guard, Receive, Scope, Send
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from expo.accounts import CurrentUser, user_for_token
from expo.database import read_outside_transaction
from expo.errors import Forbidden, NotFound, Unauthenticated
from expo.models import Role
from expo.permissions import Area

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
                    await read_outside_transaction(session)  # PostgreSQL: one round trip, not three
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


# Which expo a request is about, found from its path: the expo itself (``expo_id``, ``slug``) or a
# thing that belongs to one (``booking_id``, ``pass_id``...), registered by the domain owning the
# table (``register_expo_lookup``), since the platform does not know the domains' tables.
_EXPO = sa.table("expo", sa.column("id"), sa.column("slug"))
_NO_EXPO = NotFound("No such expo.", code="expo_not_found")
_LOOKUPS: dict[str, tuple[Callable[[Any], sa.Select[Any]], NotFound]] = {
    "expo_id": (lambda value: sa.select(_EXPO.c.id).where(_EXPO.c.id == value), _NO_EXPO),
    "slug": (lambda value: sa.select(_EXPO.c.id).where(_EXPO.c.slug == value), _NO_EXPO),
}


def register_expo_lookup(param: str, expo_id: Any, key: Any, missing: str, code: str) -> None:
    """A path parameter ``param`` names a row whose ``key`` column equals it and whose ``expo_id``
    column is its expo (both columns of the same table); a value naming no row is answered with
    ``missing`` (a message of the catalogs) and ``code``, as the domain's own look-up would."""
    _LOOKUPS[param] = (lambda value: sa.select(expo_id).where(key == value), NotFound(missing, code=code))


async def expo_of_request(connection: ASGIConnection[Any, Any, Any, Any]) -> int | None:
    """The expo the request's path is about; ``None`` if it names none. Every named thing must
    exist and belong to the same expo, else the request is answered as not found."""
    wanted = [(name, value) for name, value in connection.path_params.items() if name in _LOOKUPS]
    if not wanted:
        return None
    maker: async_sessionmaker[AsyncSession] = connection.app.state[SESSIONMAKER_STATE_KEY]
    found: set[int] = set()
    async with maker() as session:
        await read_outside_transaction(session)  # PostgreSQL: a read, not a transaction around it
        for name, value in wanted:
            query, missing = _LOOKUPS[name]
            expo_id: int | None = await session.scalar(query(value))
            if expo_id is None:
                raise NotFound(missing.message, code=missing.code)
            found.add(expo_id)
    if len(found) != 1:  # things of two expos in one path: none of them is where it is looked for
        query, missing = _LOOKUPS[wanted[-1][0]]
        raise NotFound(missing.message, code=missing.code)
    return found.pop()


# Every guard is a coroutine function: Litestar runs a plain function guard in a worker thread,
# which cost each request a thread hand-off (5 % of a worker's time in the booking rush's profile).
def requires(area: Area) -> Guard:
    """A guard: the asker holds a role in the path's expo that may work in ``area``. A path naming no
    expo (lists across expos) needs a committee account; its handler shows only the asker's expos."""

    async def guard(connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler) -> None:
        user = _require(connection)
        expo_id = await expo_of_request(connection)
        if expo_id is None:
            if not user.is_committee:
                raise Forbidden("Your account's role may not do this.", code="wrong_role")
        elif not user.may(expo_id, area):
            raise Forbidden("Your role in this expo may not do this.", code="wrong_role")

    guard.__name__ = f"requires_{area.value}"
    return guard


async def requires_login(connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler) -> None:
    _require(connection)


# Organisers of the path's expo only (the committee itself, and anything no other role is for).
requires_organiser = requires(Area.COMMITTEE)


async def requires_expo_creator(connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler) -> None:
    if not _require(connection).may_create_expos:
        raise Forbidden("Your account may not create expos.", code="wrong_role")


async def requires_exhibitor(connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler) -> None:
    _require(connection, Role.EXHIBITOR)


async def requires_exhibitor_or_organiser(connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler) -> None:
    """An exhibitor or a committee member; the service decides per expo (``CurrentUser.may``) and
    per owner what each may see."""
    user = _require(connection)
    if user.role is not Role.EXHIBITOR and not user.is_committee:
        raise Forbidden("Your account's role may not do this.", code="wrong_role")


async def requires_gate_staff(connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler) -> None:
    """A gate-staff account itself (its own gate's view and phones; organisers have the full pages)."""
    _require(connection, Role.GATE)


async def requires_gate(connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler) -> None:
    user = _require(connection)
    if user.role is not Role.GATE and not user.is_committee:
        raise Forbidden("Your account's role may not do this.", code="wrong_role")


async def provide_user(request: Request[Any, Any, Any]) -> CurrentUser:
    """Dependency ``user``: the logged-in user (guards have already ensured there is one)."""
    user = current_user(request)
    if user is None:
        raise Unauthenticated()
    return user


async def provide_optional_user(request: Request[Any, Any, Any]) -> CurrentUser | None:
    return current_user(request)
