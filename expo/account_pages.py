"""Pages of the account links: forgot password, set a new password, verify the e-mail address."""

from typing import Annotated, Any

from litestar import Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromQuery, Parameter
from litestar.response import Template
from pydantic import BaseModel
from sqlalchemy.ext.asyncio import AsyncSession

from expo.account_links import (
    LinkFault,
    LinkSettings,
    check_reset_link,
    request_password_reset,
    resend_verification,
    reset_password,
    verify_email,
)
from expo.accounts import normalise_email
from expo.auth import provide_user, requires_login
from expo.errors import FieldProblem, InvalidInput
from expo.forms import FormBody, FormErrors, submit
from expo.lockout import LoginLockout
from expo.pages import safe_next
from expo.public_url import public_base_url
from expo.security import Passwords
from expo.settings import Settings
from expo.web import page, redirect

_LINK_CODES = {fault.value for fault in LinkFault}
_TOKEN = Annotated[str, Parameter(max_length=300)]


class ForgotForm(BaseModel):
    email: str = ""


class ResetForm(BaseModel):
    token: str = ""
    password: str = ""
    repeat: str = ""


class ResendForm(BaseModel):
    next: str = ""


def _link_problem(request: Request[Any, Any, Any], message: str, status: int) -> Template:
    return page(request, "account/link_problem.html", status_code=status, message=message)


@get("/forgot-password", include_in_schema=False)
async def forgot_page(request: Request[Any, Any, Any]) -> Template:
    return page(request, "account/forgot.html", email="", sent=False, errors=FormErrors())


@post("/forgot-password", include_in_schema=False, opt={"rate_limit": "forgot"})
async def forgot_submit(
    request: Request[Any, Any, Any],
    data: Annotated[ForgotForm, FormBody],
    db_session: NamedDependency[AsyncSession],
    settings: NamedDependency[Settings],
) -> Response[Any]:
    email = data.email[:254]

    async def ask() -> None:
        if not normalise_email(email):
            raise InvalidInput(fields=[FieldProblem("email", "This field is required.")])
        await request_password_reset(db_session, settings, email=email, base_url=public_base_url(request))

    async def again(errors: FormErrors, status: int) -> Template:
        return page(request, "account/forgot.html", status_code=status, email=email, sent=False, errors=errors)

    def sent(_: None) -> Template:
        # The same page whether or not the address has an account.
        return page(request, "account/forgot.html", email=normalise_email(email), sent=True, errors=FormErrors())

    return await submit(db_session, ask, rerender=again, done=sent, fields={"email"})


@get("/reset-password", include_in_schema=False)
async def reset_page(
    request: Request[Any, Any, Any], db_session: NamedDependency[AsyncSession], token: FromQuery[_TOKEN] = ""
) -> Template:
    async def check() -> None:
        await check_reset_link(db_session, token)

    async def bad(errors: FormErrors, status: int) -> Template:
        return _link_problem(request, errors.text(), status)

    def form(_: None) -> Template:
        return page(request, "account/reset.html", token=token, errors=FormErrors())

    response = await submit(db_session, check, rerender=bad, done=form)
    assert isinstance(response, Template)
    return response


@post("/reset-password", include_in_schema=False, opt={"rate_limit": "forgot"})
async def reset_submit(
    request: Request[Any, Any, Any],
    data: Annotated[ResetForm, FormBody],
    db_session: NamedDependency[AsyncSession],
    passwords: NamedDependency[Passwords],
    lockout: NamedDependency[LoginLockout],
) -> Response[Any]:
    async def change() -> str:
        user = await reset_password(
            db_session, passwords, token=data.token[:300], password=data.password[:200], repeat=data.repeat[:200]
        )
        return user.email

    async def again(errors: FormErrors, status: int) -> Template:
        if errors.code in _LINK_CODES:
            return _link_problem(request, errors.text(), status)
        return page(request, "account/reset.html", status_code=status, token=data.token[:300], errors=errors)

    async def changed(email: str) -> Response[Any]:
        await lockout.succeeded(email)  # a new password lifts a lock of the old one
        return redirect("/login?msg=password_changed")

    return await submit(db_session, change, rerender=again, done=changed, fields={"password", "repeat"})


@get("/verify-email", include_in_schema=False)
async def verify_page(
    request: Request[Any, Any, Any], db_session: NamedDependency[AsyncSession], token: FromQuery[_TOKEN] = ""
) -> Template:
    async def verify() -> None:
        await verify_email(db_session, token)

    async def bad(errors: FormErrors, status: int) -> Template:
        return _link_problem(request, errors.text(), status)

    def verified(_: None) -> Template:
        return page(request, "account/verified.html")

    response = await submit(db_session, verify, rerender=bad, done=verified)
    assert isinstance(response, Template)
    return response


@post("/verify-email/resend", include_in_schema=False, guards=[requires_login], opt={"rate_limit": "forgot"})
async def resend_submit(
    request: Request[Any, Any, Any],
    data: Annotated[ResendForm, FormBody],
    db_session: NamedDependency[AsyncSession],
    settings: NamedDependency[Settings],
) -> Response[Any]:
    user = await provide_user(request)
    await resend_verification(db_session, LinkSettings.of(settings, public_base_url(request)), user.id)
    await db_session.commit()
    target = safe_next(data.next, "/")
    return redirect(f"{target}{'&' if '?' in target else '?'}msg=verification_sent")


PAGE_HANDLERS = [forgot_page, forgot_submit, reset_page, reset_submit, verify_page, resend_submit]
