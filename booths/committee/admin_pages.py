"""The organisers' committee page (members, roles, invitations) and the audit log page."""

from typing import Annotated, Any
from urllib.parse import quote

from litestar import Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, Parameter
from litestar.response import Template
from pydantic import BaseModel
from sqlalchemy.ext.asyncio import AsyncSession

from booths.committee import service as committee
from booths.labels import committee_role_label
from booths.venue import service as venue
from booths.venue.models import Expo
from expo.accounts import CurrentUser
from expo.audit import count_entries, entries
from expo.auth import requires
from expo.forms import FormBody, FormErrors, Rerender, submit
from expo.i18n import N_, gettext
from expo.models import CommitteeRole
from expo.paging import window
from expo.permissions import Area
from expo.public_url import public_base_url
from expo.web import page
from expo.web import page as render_page

ROLES = tuple(CommitteeRole)


class InviteForm(BaseModel):
    email: str = ""
    role: str = CommitteeRole.TREASURER.value


class RoleForm(BaseModel):
    role: str = ""


class Empty(BaseModel):
    pass


def invitation_text(expo: Expo, role_label: str, link: str) -> str:
    return gettext("You are invited to the committee of %(expo)s as %(role)s. Open this link to join: %(link)s") % {
        "expo": expo.name,
        "role": role_label,
        "link": link,
    }


async def _render(
    request: Request[Any, Any, Any],
    db_session: AsyncSession,
    slug: str,
    *,
    form: InviteForm | None = None,
    errors: FormErrors | None = None,
    new_link: str | None = None,
    new_role: CommitteeRole | None = None,
    notice: str | None = None,
    status_code: int = 200,
) -> Template:
    expo = await venue.get_expo_by_slug(db_session, slug)
    assert expo.id is not None
    return page(
        request,
        "admin/committee.html",
        status_code=status_code,
        expo=expo,
        section="committee",
        members=await committee.members(db_session, expo.id),
        invitations=await committee.pending_invitations(db_session, expo.id),
        roles=ROLES,
        form=(form or InviteForm()).model_dump(),
        errors=errors or FormErrors(),
        new_link=new_link,
        share_text=invitation_text(expo, _role_label(new_role), new_link) if new_link and new_role else "",
        quote=quote,
        notice=notice,
    )


def _role_label(role: CommitteeRole | None) -> str:
    return committee_role_label(role or "")


async def _expo_id(db_session: AsyncSession, slug: str) -> int:
    expo = await venue.get_expo_by_slug(db_session, slug)
    assert expo.id is not None
    return expo.id


def _again(request: Request[Any, Any, Any], db_session: AsyncSession, slug: str) -> Rerender:
    """The committee page again, with why an action was refused."""

    async def again(errors: FormErrors, status: int) -> Template:
        return await _render(request, db_session, slug, errors=errors, status_code=status)

    return again


_NOTICES = {
    "role": N_("The role is changed."),
    "removed": N_("The person is no longer in the committee."),
    "cancelled": N_("The invitation is cancelled."),
}


@get("/admin/e/{slug:str}/committee", include_in_schema=False, guards=[requires(Area.COMMITTEE)])
async def committee_page(
    request: Request[Any, Any, Any],
    slug: FromPath[str],
    db_session: NamedDependency[AsyncSession],
    msg: FromQuery[Annotated[str, Parameter(max_length=20)]] = "",
) -> Template:
    notice = gettext(_NOTICES[msg]) if msg in _NOTICES else None
    return await _render(request, db_session, slug, notice=notice)


@post("/admin/e/{slug:str}/committee/invite", include_in_schema=False, guards=[requires(Area.COMMITTEE)])
async def invite_submit(
    request: Request[Any, Any, Any],
    slug: FromPath[str],
    data: Annotated[InviteForm, FormBody],
    user: NamedDependency[CurrentUser],
    db_session: NamedDependency[AsyncSession],
) -> Response[Any]:
    expo_id = await _expo_id(db_session, slug)

    async def invite() -> str:
        return await committee.invite(
            db_session, expo_id, data.email[:254], data.role[:20], user, link_base=public_base_url(request)
        )

    async def again(errors: FormErrors, status: int) -> Template:
        return await _render(request, db_session, slug, form=data, errors=errors, status_code=status)

    async def shown(token: str) -> Template:
        link = f"{public_base_url(request)}/invite/{token}"
        notice = gettext("The invitation is sent by e-mail to %(email)s. You can also send its link yourself.") % {
            "email": data.email.strip()
        }
        return await _render(request, db_session, slug, new_link=link, new_role=CommitteeRole(data.role), notice=notice)

    return await submit(db_session, invite, rerender=again, done=shown, fields={"email", "role"}, choices={"role"})


@post("/admin/e/{slug:str}/committee/{user_id:int}/role", include_in_schema=False, guards=[requires(Area.COMMITTEE)])
async def role_submit(
    request: Request[Any, Any, Any],
    slug: FromPath[str],
    user_id: FromPath[int],
    data: Annotated[RoleForm, FormBody],
    user: NamedDependency[CurrentUser],
    db_session: NamedDependency[AsyncSession],
) -> Response[Any]:
    expo_id = await _expo_id(db_session, slug)

    async def change() -> None:
        await committee.change_role(db_session, expo_id, user_id, data.role[:20], user)

    return await submit(
        db_session, change, rerender=_again(request, db_session, slug), done=f"/admin/e/{slug}/committee?msg=role"
    )


@post("/admin/e/{slug:str}/committee/{user_id:int}/remove", include_in_schema=False, guards=[requires(Area.COMMITTEE)])
async def remove_submit(
    request: Request[Any, Any, Any],
    slug: FromPath[str],
    user_id: FromPath[int],
    user: NamedDependency[CurrentUser],
    db_session: NamedDependency[AsyncSession],
) -> Response[Any]:
    expo_id = await _expo_id(db_session, slug)

    async def remove() -> None:
        await committee.remove_member(db_session, expo_id, user_id, user)

    return await submit(
        db_session, remove, rerender=_again(request, db_session, slug), done=f"/admin/e/{slug}/committee?msg=removed"
    )


@post(
    "/admin/e/{slug:str}/committee/invitations/{invitation_id:int}/cancel",
    include_in_schema=False,
    guards=[requires(Area.COMMITTEE)],
)
async def cancel_submit(
    request: Request[Any, Any, Any],
    slug: FromPath[str],
    invitation_id: FromPath[int],
    user: NamedDependency[CurrentUser],
    db_session: NamedDependency[AsyncSession],
) -> Response[Any]:
    expo_id = await _expo_id(db_session, slug)

    async def cancel() -> None:
        await committee.cancel_invitation(db_session, expo_id, invitation_id, user)

    return await submit(
        db_session, cancel, rerender=_again(request, db_session, slug), done=f"/admin/e/{slug}/committee?msg=cancelled"
    )


@get("/admin/e/{slug:str}/audit", include_in_schema=False, guards=[requires(Area.COMMITTEE)])
async def audit_page(
    request: Request[Any, Any, Any],
    slug: FromPath[str],
    db_session: NamedDependency[AsyncSession],
    page: FromQuery[Annotated[str, Parameter(max_length=10)]] = "",
) -> Template:
    expo = await venue.get_expo_by_slug(db_session, slug)
    assert expo.id is not None
    total = await count_entries(db_session, expo.id)
    chosen = window(total=total, page=page, orders=("at",), default="-at")  # newest first, always
    rows = await entries(db_session, expo.id, offset=chosen.offset, limit=chosen.size)
    return render_page(request, "admin/audit.html", expo=expo, section="audit", listing=chosen.listing(rows, total))


PAGE_HANDLERS = [committee_page, invite_submit, role_submit, remove_submit, cancel_submit, audit_page]
