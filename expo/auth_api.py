"""Log-in and log-out over the API (bearer token) and for pages (cookie)."""

from typing import Annotated, Any

from litestar import Controller, Request, Response, get, post
from litestar.datastructures import Cookie
from litestar.di import NamedDependency
from litestar.params import JSONBody
from pydantic import BaseModel, Field
from sqlalchemy.ext.asyncio import AsyncSession

from expo.accounts import CurrentUser, authenticate, end_session, start_session
from expo.auth import SESSION_COOKIE, requires_login
from expo.lockout import LoginLockout
from expo.models import Role
from expo.security import Passwords
from expo.settings import Settings


class LoginIn(BaseModel):
    email: Annotated[str, Field(min_length=3, max_length=254)]
    password: Annotated[str, Field(min_length=1, max_length=200)]


class UserRead(BaseModel):
    id: int
    email: str
    name: str
    role: Role


class LoginOut(BaseModel):
    token: str
    user: UserRead


def session_cookie(token: str, settings: Settings) -> Cookie:
    return Cookie(
        key=SESSION_COOKIE,
        value=token,
        httponly=True,
        secure=settings.secure_cookies,
        samesite="lax",
        max_age=settings.session_days * 86400,
        path="/",
    )


def clear_session_cookie() -> Cookie:
    return Cookie(key=SESSION_COOKIE, value="", max_age=0, expires=0, httponly=True, samesite="lax", path="/")


def user_read(user: CurrentUser) -> UserRead:
    return UserRead(id=user.id, email=user.email, name=user.name, role=user.role)


class AuthController(Controller):
    path = "/api/auth"
    tags = ["auth"]  # noqa: RUF012

    @post("/login", status_code=200, opt={"rate_limit": "login"}, summary="Log in; returns a bearer token")
    async def login(
        self,
        data: JSONBody[LoginIn],
        db_session: NamedDependency[AsyncSession],
        passwords: NamedDependency[Passwords],
        settings: NamedDependency[Settings],
        lockout: NamedDependency[LoginLockout],
    ) -> Response[LoginOut]:
        user = await authenticate(db_session, passwords, data.email, data.password, lockout)
        token = await start_session(db_session, user, settings.session_days)
        await db_session.commit()
        assert user.id is not None
        body = LoginOut(token=token, user=UserRead(id=user.id, email=user.email, name=user.name, role=user.role))
        return Response(body, cookies=[session_cookie(token, settings)])

    @post("/logout", status_code=200, guards=[requires_login])
    async def logout(
        self, request: Request[Any, Any, Any], db_session: NamedDependency[AsyncSession]
    ) -> Response[dict[str, bool]]:
        token = request.scope.get("auth")
        if isinstance(token, str):
            await end_session(db_session, token)
            await db_session.commit()
        return Response({"ok": True}, cookies=[clear_session_cookie()])

    @get("/me", guards=[requires_login])
    async def me(self, user: NamedDependency[CurrentUser]) -> UserRead:
        return user_read(user)
