"""The exhibitor sign-up page: a new exhibitor of an expo and their account, then the booth picker.

A business that already has an account (it showed at an earlier expo) logs in first: the form is then
filled from its latest record and signs up the same account for this expo (no new password).
"""

from typing import Annotated, Any

from litestar import Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Redirect, Template
from pydantic import BaseModel
from sqlalchemy.ext.asyncio import AsyncSession

from booths.exhibitors import service as exhibitors
from booths.exhibitors.models import Exhibitor, ExhibitorClass
from booths.exhibitors.schemas import ExhibitorFields, ExhibitorSignup
from booths.pricing import service as pricing
from booths.venue import service as venue
from expo.account_links import LinkSettings
from expo.accounts import CurrentUser, start_session
from expo.auth import current_user
from expo.auth_api import session_cookie
from expo.forms import FormBody, FormErrors, submit
from expo.i18n import current_locale
from expo.models import Role
from expo.public_url import public_base_url
from expo.security import Passwords
from expo.settings import Settings
from expo.web import page


class SignupForm(BaseModel):
    name: str = ""
    exhibitor_class: str = ""
    nib: str = ""
    pesantren_name: str = ""
    regency: str = ""
    contact_name: str = ""
    whatsapp: str = ""
    email: str = ""
    cluster: str = ""
    description: str = ""
    password: str = ""


SIGNUP_FIELDS = set(SignupForm.model_fields)
RETURNING_FIELDS = SIGNUP_FIELDS - {"password"}


def _returning(request: Request[Any, Any, Any]) -> CurrentUser | None:
    """The logged-in exhibitor account signing up its business again, if that is who asks."""
    user = current_user(request)
    return user if user is not None and user.role is Role.EXHIBITOR else None


def _prefilled(latest: Exhibitor, cluster_codes: set[str]) -> SignupForm:
    """The form filled from the business's latest record (of another expo)."""
    return SignupForm(
        name=latest.name,
        exhibitor_class=str(latest.exhibitor_class),
        nib=latest.nib,
        pesantren_name=latest.pesantren_name or "",
        regency=latest.regency,
        contact_name=latest.contact_name,
        whatsapp=latest.whatsapp,
        email=latest.email,
        cluster=latest.cluster if latest.cluster in cluster_codes else "",
        description=latest.description,
    )


async def _render_signup(
    request: Request[Any, Any, Any],
    db_session: AsyncSession,
    slug: str,
    *,
    form: SignupForm | None = None,
    errors: FormErrors | None = None,
    status_code: int = 200,
) -> Template:
    expo = await venue.visible_expo(db_session, slug, current_user(request))
    assert expo.id is not None
    clusters = await venue.list_clusters(db_session, expo.id)
    returning = _returning(request)
    if form is None and returning is not None:
        latest = await exhibitors.exhibitor_of_user(db_session, returning.id)
        form = _prefilled(latest, {c.code for c in clusters}) if latest is not None else None
    values = (form or SignupForm()).model_dump(exclude={"password"})
    return page(
        request,
        "booths/signup.html",
        status_code=status_code,
        expo=expo,
        clusters=clusters,
        classes=[c.value for c in ExhibitorClass],
        class_names={c.code.value: c.name for c in await pricing.class_settings(db_session, expo.id)},
        form=values,
        errors=errors or FormErrors(),
        returning=returning,
    )


@get("/e/{slug:str}/signup", include_in_schema=False)
async def signup_page(
    request: Request[Any, Any, Any], slug: FromPath[str], db_session: NamedDependency[AsyncSession]
) -> Response[Any]:
    returning = _returning(request)
    if returning is not None:
        expo = await venue.get_expo_by_slug(db_session, slug)
        if await exhibitors.exhibitor_of_user(db_session, returning.id, expo.id) is not None:
            return Redirect(path=f"/e/{slug}/booths", status_code=303)  # already signed up here
    return await _render_signup(request, db_session, slug)


@post("/e/{slug:str}/signup", include_in_schema=False, opt={"rate_limit": "signup"})
async def signup_submit(
    request: Request[Any, Any, Any],
    *,
    slug: FromPath[str],
    data: Annotated[SignupForm, FormBody],
    db_session: NamedDependency[AsyncSession],
    passwords: NamedDependency[Passwords],
    settings: NamedDependency[Settings],
) -> Response[Any]:
    expo = await venue.get_expo_by_slug(db_session, slug)
    assert expo.id is not None
    expo_id = expo.id
    returning = _returning(request)

    async def again(errors: FormErrors, status: int) -> Template:
        return await _render_signup(request, db_session, slug, form=data, errors=errors, status_code=status)

    if returning is not None:

        async def sign_up_again() -> None:
            values: dict[str, Any] = data.model_dump(exclude={"password"})
            for optional in ("pesantren_name", "cluster"):
                values[optional] = values[optional].strip() or None
            await exhibitors.sign_up_again(db_session, expo_id, ExhibitorFields.model_validate(values), returning)

        return await submit(
            db_session,
            sign_up_again,
            rerender=again,
            done=f"/e/{slug}/booths",
            fields=RETURNING_FIELDS,
            choices={"exhibitor_class", "cluster"},
        )

    async def sign_up() -> str:
        values: dict[str, Any] = data.model_dump()
        for optional in ("pesantren_name", "cluster"):
            values[optional] = values[optional].strip() or None
        signup = ExhibitorSignup.model_validate(values)
        links = LinkSettings.of(settings, public_base_url(request))
        _exhibitor, user = await exhibitors.sign_up(
            db_session, passwords, expo_id, signup, links, language=current_locale.get()
        )
        return await start_session(db_session, user, settings.session_days)

    def signed_up(token: str) -> Redirect:
        return Redirect(path=f"/e/{slug}/booths", status_code=303, cookies=[session_cookie(token, settings)])

    return await submit(
        db_session,
        sign_up,
        rerender=again,
        done=signed_up,
        fields=SIGNUP_FIELDS,
        choices={"exhibitor_class", "cluster"},
    )


PAGE_HANDLERS = [signup_page, signup_submit]
