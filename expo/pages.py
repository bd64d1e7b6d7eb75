"""Pages of the app core: log-in and log-out."""

from typing import Annotated, Any

from litestar import Request, Response, get, post
from litestar.di import NamedDependency
from litestar.enums import RequestEncodingType
from litestar.params import Body, FromQuery, Parameter
from litestar.response import Redirect, Template
from pydantic import BaseModel
from sqlalchemy.ext.asyncio import AsyncSession

from expo.accounts import authenticate, end_session, start_session
from expo.auth import current_user
from expo.auth_api import clear_session_cookie, session_cookie
from expo.errors import Unauthenticated
from expo.i18n import gettext, translate
from expo.lockout import AccountLocked, LoginLockout
from expo.models import Role
from expo.security import Passwords
from expo.settings import Settings
from expo.web import page

FormBody = Body(media_type=RequestEncodingType.URL_ENCODED)


class LoginForm(BaseModel):
    email: str = ""
    password: str = ""
    next: str = ""


def safe_next(target: str | None, fallback: str = "/") -> str:
    """Only same-site paths, so that a log-in link cannot send people elsewhere."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return fallback


def home_for(role: Role) -> str:
    return {Role.ORGANISER: "/admin", Role.EXHIBITOR: "/my-booking", Role.GATE: "/gate/staff"}.get(role, "/")


@get("/login", include_in_schema=False)
async def login_page(
    request: Request[Any, Any, Any], next: FromQuery[Annotated[str, Parameter(max_length=300)]] = ""
) -> Template:
    return page(request, "login.html", next=safe_next(next, ""), email="", error=None)


@post("/login", include_in_schema=False, opt={"rate_limit": "login"})
async def login_submit(
    request: Request[Any, Any, Any],
    data: Annotated[LoginForm, FormBody],
    db_session: NamedDependency[AsyncSession],
    passwords: NamedDependency[Passwords],
    settings: NamedDependency[Settings],
    lockout: NamedDependency[LoginLockout],
) -> Response[Any]:
    try:
        user = await authenticate(db_session, passwords, data.email[:254], data.password[:200], lockout)
    except (Unauthenticated, AccountLocked) as exc:
        locked = isinstance(exc, AccountLocked)
        return page(
            request,
            "login.html",
            status_code=429 if locked else 400,
            next=safe_next(data.next, ""),
            email=data.email[:254],
            error=translate(exc.message, exc.params) if locked else gettext("Wrong e-mail or password."),
        )
    token = await start_session(db_session, user, settings.session_days)
    await db_session.commit()
    target = safe_next(data.next, home_for(Role(user.role)))
    return Redirect(path=target, status_code=303, cookies=[session_cookie(token, settings)])


@post("/logout", include_in_schema=False)
async def logout_submit(request: Request[Any, Any, Any], db_session: NamedDependency[AsyncSession]) -> Redirect:
    token = request.scope.get("auth")
    if current_user(request) and isinstance(token, str):
        await end_session(db_session, token)
        await db_session.commit()
    return Redirect(path="/", status_code=303, cookies=[clear_session_cookie()])


PAGE_HANDLERS = [login_page, login_submit, logout_submit]
