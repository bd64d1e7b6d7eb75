"""Pages of the app core: log-in and log-out."""

from typing import Annotated, Any

from litestar import Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromQuery, Parameter
from litestar.response import Redirect, Template
from pydantic import BaseModel
from sqlalchemy.ext.asyncio import AsyncSession

from expo.accounts import authenticate, end_session, start_session
from expo.auth import current_user
from expo.auth_api import clear_session_cookie, session_cookie
from expo.forms import FormBody, FormErrors, submit
from expo.i18n import gettext
from expo.lockout import LoginLockout
from expo.models import Role
from expo.security import Passwords
from expo.settings import Settings
from expo.web import page


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
    request: Request[Any, Any, Any],
    next: FromQuery[Annotated[str, Parameter(max_length=300)]] = "",
    msg: FromQuery[Annotated[str, Parameter(max_length=40)]] = "",
) -> Template:
    notice = gettext("Your new password is set. Log in with it.") if msg == "password_changed" else None
    return page(request, "login.html", next=safe_next(next, ""), email="", error=None, notice=notice)


@post("/login", include_in_schema=False, opt={"rate_limit": "login"})
async def login_submit(
    request: Request[Any, Any, Any],
    data: Annotated[LoginForm, FormBody],
    db_session: NamedDependency[AsyncSession],
    passwords: NamedDependency[Passwords],
    settings: NamedDependency[Settings],
    lockout: NamedDependency[LoginLockout],
) -> Response[Any]:
    async def log_in() -> tuple[str, Role]:
        user = await authenticate(db_session, passwords, data.email[:254], data.password[:200], lockout)
        return await start_session(db_session, user, settings.session_days), Role(user.role)

    async def again(errors: FormErrors, status: int) -> Template:
        # A wrong password is a bad form (400), not a missing log-in (401); a locked account stays 429.
        return page(
            request,
            "login.html",
            status_code=400 if status == 401 else status,
            next=safe_next(data.next, ""),
            email=data.email[:254],
            error=errors.text(),
        )

    def logged_in(session: tuple[str, Role]) -> Redirect:
        token, role = session
        return Redirect(
            path=safe_next(data.next, home_for(role)), status_code=303, cookies=[session_cookie(token, settings)]
        )

    return await submit(db_session, log_in, rerender=again, done=logged_in)


@post("/logout", include_in_schema=False)
async def logout_submit(request: Request[Any, Any, Any], db_session: NamedDependency[AsyncSession]) -> Redirect:
    token = request.scope.get("auth")
    if current_user(request) and isinstance(token, str):
        await end_session(db_session, token)
        await db_session.commit()
    return Redirect(path="/", status_code=303, cookies=[clear_session_cookie()])


PAGE_HANDLERS = [login_page, login_submit, logout_submit]
