"""An invitation's link: see what it is for, join with the account one has or make one."""

from typing import Annotated, Any

from litestar import Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, Parameter
from litestar.response import Redirect, Template
from pydantic import BaseModel
from sqlalchemy.ext.asyncio import AsyncSession

from booths.committee import service as committee
from booths.venue import service as venue
from expo.accounts import start_session
from expo.auth import current_user
from expo.auth_api import session_cookie
from expo.errors import DomainError
from expo.forms import FormBody, FormErrors, domain_errors, submit
from expo.security import Passwords
from expo.settings import Settings
from expo.web import page

Token = Annotated[str, Parameter(max_length=100)]


class JoinForm(BaseModel):
    name: str = ""
    password: str = ""


async def _render(
    request: Request[Any, Any, Any],
    db_session: AsyncSession,
    token: str,
    *,
    form: JoinForm | None = None,
    errors: FormErrors | None = None,
    status_code: int = 200,
) -> Template:
    try:
        invitation = await committee.invitation(db_session, token)
    except DomainError as exc:
        problem = domain_errors(exc)
        return page(request, "committee/invitation.html", status_code=exc.status, problem=problem.message)
    expo = await venue.get_expo(db_session, invitation.expo_id)
    return page(
        request,
        "committee/invitation.html",
        status_code=status_code,
        invitation=invitation,
        expo=expo,
        token=token,
        form={"name": (form.name if form else "")},
        errors=errors or FormErrors(),
        problem=None,
    )


@get("/invite/{token:str}", include_in_schema=False)
async def invitation_page(
    request: Request[Any, Any, Any], token: FromPath[Token], db_session: NamedDependency[AsyncSession]
) -> Template:
    return await _render(request, db_session, token)


@post("/invite/{token:str}/accept", include_in_schema=False)
async def accept_submit(
    request: Request[Any, Any, Any], token: FromPath[Token], db_session: NamedDependency[AsyncSession]
) -> Response[Any]:
    user = current_user(request)
    if user is None:
        return Redirect(path=f"/login?next=/invite/{token}", status_code=303)

    async def accept() -> int:
        return await committee.accept(db_session, token, user)

    async def again(errors: FormErrors, status: int) -> Template:
        return await _render(request, db_session, token, errors=errors, status_code=status)

    async def joined(expo_id: int) -> Redirect:
        expo = await venue.get_expo(db_session, expo_id)
        return Redirect(path=f"/admin?joined={expo.slug}", status_code=303)

    return await submit(db_session, accept, rerender=again, done=joined)


@post("/invite/{token:str}/join", include_in_schema=False, opt={"rate_limit": "signup"})
async def join_submit(
    request: Request[Any, Any, Any],
    token: FromPath[Token],
    data: Annotated[JoinForm, FormBody],
    db_session: NamedDependency[AsyncSession],
    passwords: NamedDependency[Passwords],
    settings: NamedDependency[Settings],
) -> Response[Any]:
    async def join() -> tuple[str, int]:
        user, expo_id = await committee.accept_with_new_account(
            db_session, passwords, token, data.name[:120], data.password[:200]
        )
        return await start_session(db_session, user, settings.session_days), expo_id

    async def again(errors: FormErrors, status: int) -> Template:
        return await _render(request, db_session, token, form=data, errors=errors, status_code=status)

    async def joined(result: tuple[str, int]) -> Redirect:
        session_token, expo_id = result
        expo = await venue.get_expo(db_session, expo_id)
        return Redirect(
            path=f"/admin?joined={expo.slug}", status_code=303, cookies=[session_cookie(session_token, settings)]
        )

    return await submit(db_session, join, rerender=again, done=joined, fields={"name", "password"})


PAGE_HANDLERS = [invitation_page, accept_submit, join_submit]
