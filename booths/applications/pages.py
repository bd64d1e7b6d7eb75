"""Exhibitor application pages: the form, its status and explanation, and waiting-list offers."""

from typing import Annotated, Any

from litestar import Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, Parameter
from litestar.response import Template
from pydantic import BaseModel, field_validator
from sqlalchemy.ext.asyncio import AsyncSession

from booths.allocation import inputs as allocation_inputs
from booths.allocation import service as allocation_runs
from booths.allocation.models import RunStatus
from booths.allocation.views import explanation_of, explanation_read
from booths.applications import service as applications
from booths.applications import waitlist
from booths.applications.models import OfferStatus
from booths.applications.schemas import ApplicationCreate, ApplicationRead
from booths.exhibitors import service as exhibitors
from booths.labels import application_status_label
from booths.venue import service as venue
from booths.venue.models import BoothType
from expo.accounts import CurrentUser
from expo.auth import current_user, requires_exhibitor
from expo.errors import Forbidden
from expo.forms import FormBody, FormErrors, Rerender, submit
from expo.i18n import gettext
from expo.models import Role
from expo.web import page

APPLICATION_FIELDS = {
    "cluster",
    "booth_types",
    "packages",
    "min_area_m2",
    "power_amps",
    "preferences",
    "share_with",
    "near",
    "avoid",
    "note",
}


def notice(code: str) -> str | None:
    notices = {
        "saved": gettext("Your application is saved."),
        "withdrawn": gettext("Your application is withdrawn."),
        "declined_offer": gettext("You let the booth pass to the next applicant."),
    }
    return notices.get(code)


class ApplicationForm(BaseModel):
    """The form as posted: strings and repeated keys; checked by ``ApplicationCreate`` afterwards."""

    cluster: str = ""
    booth_types: list[str] = []
    packages: list[str] = []
    min_area_m2: str = ""
    power_amps: str = ""
    accessible: str = ""
    preferences: list[str] = []
    share: str = ""
    share_with: list[str] = []
    near: list[str] = []
    avoid: list[str] = []
    note: str = ""

    @field_validator("booth_types", "packages", "preferences", "share_with", "near", "avoid", mode="before")
    @classmethod
    def _many(cls, value: object) -> object:
        return [value] if isinstance(value, str) else value

    def checked(self) -> ApplicationCreate:
        return ApplicationCreate.model_validate(
            {
                "cluster": self.cluster.strip() or None,
                "booth_types": [t for t in self.booth_types if t],
                "packages": [p for p in self.packages if p],
                "min_area_m2": self.min_area_m2.strip().replace(",", ".") or 0,
                "power_amps": self.power_amps.strip() or 0,
                "accessible": bool(self.accessible),
                "preferences": [p.strip() for p in self.preferences if p.strip()],
                "share": bool(self.share),
                "share_with": [e for e in self.share_with if e],
                "near": [e for e in self.near if e],
                "avoid": [e for e in self.avoid if e],
                "note": self.note,
            }
        )

    @classmethod
    def of(cls, application: ApplicationRead) -> "ApplicationForm":
        return cls(
            cluster=application.cluster or "",
            booth_types=application.booth_types,
            packages=application.packages,
            min_area_m2=f"{application.min_area_m2:g}" if application.min_area_m2 else "",
            power_amps=str(application.power_amps or ""),
            accessible="1" if application.accessible else "",
            preferences=application.preferences,
            share="1" if application.share else "",
            share_with=[str(e) for e in application.share_with],
            near=[str(e) for e in application.near],
            avoid=[str(e) for e in application.avoid],
            note=application.note,
        )


# --- the exhibitor's page ------------------------------------------------------------------------
async def _render_apply(
    request: Request[Any, Any, Any],
    db_session: AsyncSession,
    slug: str,
    *,
    form: ApplicationForm | None = None,
    errors: FormErrors | None = None,
    message: str | None = None,
    error: str | None = None,
    status_code: int = 200,
) -> Template:
    """The page, read afresh (after a rollback the request's rows are stale)."""
    expo = await venue.get_expo_by_slug(db_session, slug)
    assert expo.id is not None
    user = current_user(request)
    exhibitor = None
    if user is not None and user.role is Role.EXHIBITOR:
        exhibitor = await exhibitors.exhibitor_of_user(db_session, user.id, expo.id)
    setting = await applications.get_settings(db_session, expo.id)
    application = explanation = None
    offers = []
    if exhibitor is not None and exhibitor.id is not None:
        found = await applications.application_of(db_session, expo.id, exhibitor.id)
        if found is not None:
            application = applications.application_read(found, exhibitor)
            run = await allocation_runs.latest_run(db_session, expo.id, RunStatus.COMMITTED)
            raw = explanation_of(run, application.id) if run else None
            if raw is not None:
                explanation = explanation_read(raw, await allocation_inputs.exhibitor_names(db_session, expo.id))
        offers = await waitlist.list_offers(db_session, expo.id, exhibitor_id=exhibitor.id)
    others = [
        e
        for e in await exhibitors.list_exhibitors(db_session, expo.id, limit=5000)
        if exhibitor is None or e.id != exhibitor.id
    ]
    editable = application is None or application.status in {s.value for s in applications.EDITABLE}
    if form is None:
        form = (
            ApplicationForm.of(application)
            if application
            else ApplicationForm(cluster=(exhibitor.cluster or "") if exhibitor else "")
        )
    return page(
        request,
        "applications/apply.html",
        status_code=status_code,
        expo=expo,
        exhibitor=exhibitor,
        setting=setting,
        window_open=applications.window_open(setting),
        application=application,
        explanation=explanation,
        offers=offers,
        open_offers=[o for o in offers if o.status == OfferStatus.OFFERED],
        editable=editable,
        form=form,
        errors=errors or FormErrors(),
        clusters=await venue.list_clusters(db_session, expo.id),
        packages=await venue.list_packages(db_session, expo.id),
        booths=await venue.list_booths(db_session, expo.id),
        halls=await venue.list_halls(db_session, expo.id),
        booth_types=[t.value for t in BoothType],
        others=others,
        status_label=application_status_label,
        notice=message,
        error=error,
    )


@get("/e/{slug:str}/apply", include_in_schema=False)
async def apply_page(
    request: Request[Any, Any, Any],
    *,
    slug: FromPath[str],
    db_session: NamedDependency[AsyncSession],
    msg: FromQuery[Annotated[str, Parameter(max_length=32)]] = "",
) -> Template:
    expo = await venue.get_expo_by_slug(db_session, slug)
    assert expo.id is not None
    await waitlist.refresh(db_session, expo.id)  # lapses overdue offers and passes freed booths on
    await db_session.commit()
    return await _render_apply(request, db_session, slug, message=notice(msg))


@post("/e/{slug:str}/apply", include_in_schema=False, guards=[requires_exhibitor])
async def apply_submit(
    request: Request[Any, Any, Any],
    *,
    slug: FromPath[str],
    data: Annotated[ApplicationForm, FormBody],
    user: NamedDependency[CurrentUser],
    db_session: NamedDependency[AsyncSession],
) -> Response[Any]:
    expo = await venue.get_expo_by_slug(db_session, slug)
    assert expo.id is not None
    expo_id = expo.id

    async def save() -> None:
        checked = data.checked()
        exhibitor = await exhibitors.exhibitor_of_user(db_session, user.id, expo_id)
        if exhibitor is None or exhibitor.id is None:
            raise Forbidden("Register as an exhibitor of this expo first.", code="not_an_exhibitor")
        existing = await applications.application_of(db_session, expo_id, exhibitor.id)
        if existing is not None and existing.id is not None and existing.status in applications.EDITABLE:
            await applications.update_application(db_session, existing.id, checked, user)
        else:
            await applications.submit_application(db_session, expo_id, checked, user)

    async def again(errors: FormErrors, status: int) -> Template:
        return await _render_apply(request, db_session, slug, form=data, errors=errors, status_code=status)

    return await submit(
        db_session,
        save,
        rerender=again,
        done=f"/e/{slug}/apply?msg=saved",
        fields=APPLICATION_FIELDS,
        choices=APPLICATION_FIELDS,  # every listed field is picked from options
    )


@post("/e/{slug:str}/apply/withdraw", include_in_schema=False, guards=[requires_exhibitor])
async def apply_withdraw(
    request: Request[Any, Any, Any],
    *,
    slug: FromPath[str],
    user: NamedDependency[CurrentUser],
    db_session: NamedDependency[AsyncSession],
) -> Response[Any]:
    expo = await venue.get_expo_by_slug(db_session, slug)
    assert expo.id is not None
    expo_id = expo.id

    async def withdraw() -> None:
        exhibitor = await exhibitors.exhibitor_of_user(db_session, user.id, expo_id)
        found = (
            await applications.application_of(db_session, expo_id, exhibitor.id) if exhibitor and exhibitor.id else None
        )
        if found is None or found.id is None:
            raise Forbidden("There is no application to withdraw.", code="application_not_found")
        await applications.withdraw_application(db_session, found.id, user)

    return await submit(
        db_session, withdraw, rerender=_apply_again(request, db_session, slug), done=f"/e/{slug}/apply?msg=withdrawn"
    )


@post("/e/{slug:str}/offers/{offer_id:int}/{answer:str}", include_in_schema=False, guards=[requires_exhibitor])
async def offer_answer(
    request: Request[Any, Any, Any],
    *,
    slug: FromPath[str],
    offer_id: FromPath[int],
    answer: FromPath[str],
    user: NamedDependency[CurrentUser],
    db_session: NamedDependency[AsyncSession],
) -> Response[Any]:
    expo = await venue.get_expo_by_slug(db_session, slug)
    assert expo.id is not None
    expo_id = expo.id

    async def reply() -> str:
        if answer == "accept":
            booking = await waitlist.accept_offer(db_session, offer_id, user)
            return "/my-booking?msg=" + ("confirmed_free" if booking.status == "confirmed" else "held")
        await waitlist.decline_offer(db_session, offer_id, user)
        await waitlist.refresh(db_session, expo_id)
        return f"/e/{slug}/apply?msg=declined_offer"

    return await submit(db_session, reply, rerender=_apply_again(request, db_session, slug), done=lambda to: to)


def _apply_again(request: Request[Any, Any, Any], db_session: AsyncSession, slug: str) -> Rerender:
    """Shows the application page again with why a button was refused."""

    async def again(errors: FormErrors, status: int) -> Template:
        return await _render_apply(request, db_session, slug, error=errors.text(), status_code=status)

    return again


PAGE_HANDLERS = [apply_page, apply_submit, apply_withdraw, offer_answer]
