"""Application pages: the exhibitor's form, status, explanation and offers; the organisers' list of applications."""

from typing import Annotated, Any
from urllib.parse import parse_qsl, urlencode

from litestar import Request, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, Parameter
from litestar.response import Redirect, Template
from pydantic import BaseModel, ValidationError, field_validator
from sqlalchemy.ext.asyncio import AsyncSession

from booths.allocation import inputs as allocation_inputs
from booths.allocation import service as allocation_runs
from booths.allocation.models import RunStatus
from booths.allocation.views import explanation_of, explanation_read
from booths.applications import service as applications
from booths.applications import waitlist
from booths.applications.models import ApplicationStatus, OfferStatus
from booths.applications.schemas import ApplicationCreate, ApplicationRead
from booths.bookings.pages import FormBody, FormErrors, domain_errors, view
from booths.exhibitors import service as exhibitors
from booths.exhibitors.models import ExhibitorClass
from booths.venue import service as venue
from booths.venue.models import BoothType
from expo.accounts import CurrentUser
from expo.auth import current_user, requires_exhibitor, requires_organiser
from expo.errors import DomainError, Forbidden
from expo.i18n import gettext, translate
from expo.models import Role
from expo.problems import field_message
from expo.text import MultiLineText
from expo.web import redirect

ShortText = Annotated[str, Parameter(max_length=100)]
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
_FILTERS = ("status", "cluster", "exhibitor_class", "q")


def application_status_label(status: str) -> str:
    labels = {
        "submitted": gettext("Submitted"),
        "accepted": gettext("Accepted"),
        "declined": gettext("Declined"),
        "withdrawn": gettext("Withdrawn"),
        "placed": gettext("Placed"),
        "waitlisted": gettext("On the waiting list"),
    }
    return labels.get(str(status), str(status))


def notice(code: str) -> str | None:
    notices = {
        "saved": gettext("Your application is saved."),
        "withdrawn": gettext("Your application is withdrawn."),
        "declined_offer": gettext("You let the booth pass to the next applicant."),
        "accepted": gettext("The application is accepted."),
        "declined": gettext("The application is declined."),
        "accepted_all": gettext("All submitted applications are accepted."),
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


def _by_field(exc: ValidationError) -> FormErrors:
    """Messages about ``preferences.2`` and the like, shown at their form field."""
    out = FormErrors()
    for item in exc.errors():
        field = str(item["loc"][0]) if item["loc"] else ""
        if item["type"] in {"enum", "literal_error"}:
            message = gettext("Choose one of the options.")
        else:
            message = translate(*field_message(item["msg"]))
        if field in APPLICATION_FIELDS:
            out.fields.setdefault(field, message)
        elif message not in out.general:
            out.general.append(message)
    return out


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
    return view(
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
) -> Template | Redirect:
    expo = await venue.get_expo_by_slug(db_session, slug)
    assert expo.id is not None
    try:
        checked = data.checked()
    except ValidationError as exc:
        errors = _by_field(exc)
        return await _render_apply(request, db_session, slug, form=data, errors=errors, status_code=422)
    try:
        exhibitor = await exhibitors.exhibitor_of_user(db_session, user.id, expo.id)
        if exhibitor is None or exhibitor.id is None:
            raise Forbidden("Register as an exhibitor of this expo first.", code="not_an_exhibitor")
        existing = await applications.application_of(db_session, expo.id, exhibitor.id)
        if existing is not None and existing.id is not None and existing.status in applications.EDITABLE:
            await applications.update_application(db_session, existing.id, checked, user)
        else:
            await applications.submit_application(db_session, expo.id, checked, user)
    except DomainError as exc:
        await db_session.rollback()
        errors = FormErrors()
        for problem in exc.fields:
            field = problem.field.split(".")[0]
            text = translate(problem.message, problem.params)
            if field in APPLICATION_FIELDS:
                errors.fields.setdefault(field, text)
            else:
                errors.general.append(text)
        if not exc.fields:
            errors.general.append(translate(exc.message, exc.params))
        return await _render_apply(request, db_session, slug, form=data, errors=errors, status_code=exc.status)
    await db_session.commit()
    return redirect(f"/e/{slug}/apply?msg=saved")


@post("/e/{slug:str}/apply/withdraw", include_in_schema=False, guards=[requires_exhibitor])
async def apply_withdraw(
    request: Request[Any, Any, Any],
    *,
    slug: FromPath[str],
    user: NamedDependency[CurrentUser],
    db_session: NamedDependency[AsyncSession],
) -> Template | Redirect:
    expo = await venue.get_expo_by_slug(db_session, slug)
    assert expo.id is not None
    try:
        exhibitor = await exhibitors.exhibitor_of_user(db_session, user.id, expo.id)
        found = (
            await applications.application_of(db_session, expo.id, exhibitor.id) if exhibitor and exhibitor.id else None
        )
        if found is None or found.id is None:
            raise Forbidden("There is no application to withdraw.", code="application_not_found")
        await applications.withdraw_application(db_session, found.id, user)
    except DomainError as exc:
        await db_session.rollback()
        return await _render_apply(
            request, db_session, slug, error=translate(exc.message, exc.params), status_code=exc.status
        )
    await db_session.commit()
    return redirect(f"/e/{slug}/apply?msg=withdrawn")


@post("/e/{slug:str}/offers/{offer_id:int}/{answer:str}", include_in_schema=False, guards=[requires_exhibitor])
async def offer_answer(
    request: Request[Any, Any, Any],
    *,
    slug: FromPath[str],
    offer_id: FromPath[int],
    answer: FromPath[str],
    user: NamedDependency[CurrentUser],
    db_session: NamedDependency[AsyncSession],
) -> Template | Redirect:
    expo = await venue.get_expo_by_slug(db_session, slug)
    assert expo.id is not None
    try:
        if answer == "accept":
            booking = await waitlist.accept_offer(db_session, offer_id, user)
            target = "/my-booking?msg=" + ("confirmed_free" if booking.status == "confirmed" else "held")
        else:
            await waitlist.decline_offer(db_session, offer_id, user)
            await waitlist.refresh(db_session, expo.id)
            target = f"/e/{slug}/apply?msg=declined_offer"
    except DomainError as exc:
        await db_session.rollback()
        return await _render_apply(
            request, db_session, slug, error=translate(exc.message, exc.params), status_code=exc.status
        )
    await db_session.commit()
    return redirect(target)


# --- the organisers' list ------------------------------------------------------------------------
class DecisionForm(BaseModel):
    note: MultiLineText = ""
    back: str = ""


def _back(slug: str, back: str, msg: str) -> Redirect:
    query = {k: v[:100] for k, v in parse_qsl(back[:500]) if k in _FILTERS and v} | {"msg": msg}
    return Redirect(path=f"/admin/e/{slug}/applications?{urlencode(query)}", status_code=303)


async def _render_admin_list(
    request: Request[Any, Any, Any],
    db_session: AsyncSession,
    slug: str,
    filters: dict[str, str],
    *,
    message: str | None = None,
    error: str | None = None,
    status_code: int = 200,
) -> Template:
    expo = await venue.get_expo_by_slug(db_session, slug)
    assert expo.id is not None
    status = next((s for s in ApplicationStatus if s.value == filters.get("status")), None)
    classes = [c.value for c in ExhibitorClass]
    clusters = await venue.list_clusters(db_session, expo.id)
    current = {
        "status": status.value if status else "",
        "cluster": next((c.code for c in clusters if c.code == filters.get("cluster")), ""),
        "exhibitor_class": filters.get("exhibitor_class", "") if filters.get("exhibitor_class") in classes else "",
        "q": filters.get("q", "").strip()[:100],
    }
    rows = await applications.list_applications(
        db_session,
        expo.id,
        status=status,
        cluster=current["cluster"] or None,
        exhibitor_class=current["exhibitor_class"] or None,
        q=current["q"] or None,
    )
    everyone = await applications.list_applications(db_session, expo.id)
    counts = {s.value: sum(1 for a in everyone if a.status == s) for s in ApplicationStatus}
    names = await allocation_inputs.exhibitor_names(db_session, expo.id)
    return view(
        request,
        "applications/admin_list.html",
        status_code=status_code,
        expo=expo,
        rows=rows,
        counts=counts,
        names=names,
        statuses=[s.value for s in ApplicationStatus],
        classes=classes,
        clusters=clusters,
        filters=current,
        back=urlencode({k: v for k, v in current.items() if v}),
        status_label=application_status_label,
        setting=await applications.get_settings(db_session, expo.id),
        notice=message,
        error=error,
    )


@get("/admin/e/{slug:str}/applications", include_in_schema=False, guards=[requires_organiser])
async def admin_applications(
    request: Request[Any, Any, Any],
    *,
    slug: FromPath[str],
    db_session: NamedDependency[AsyncSession],
    status: FromQuery[Annotated[str, Parameter(max_length=16)]] = "",
    cluster: FromQuery[Annotated[str, Parameter(max_length=32)]] = "",
    exhibitor_class: FromQuery[Annotated[str, Parameter(max_length=16)]] = "",
    q: FromQuery[ShortText] = "",
    msg: FromQuery[Annotated[str, Parameter(max_length=32)]] = "",
) -> Template:
    filters = {"status": status, "cluster": cluster, "exhibitor_class": exhibitor_class, "q": q}
    return await _render_admin_list(request, db_session, slug, filters, message=notice(msg))


@post(
    "/admin/e/{slug:str}/applications/{application_id:int}/{decision:str}",
    include_in_schema=False,
    guards=[requires_organiser],
)
async def admin_decide(
    request: Request[Any, Any, Any],
    *,
    slug: FromPath[str],
    application_id: FromPath[int],
    decision: FromPath[str],
    data: Annotated[DecisionForm, FormBody],
    user: NamedDependency[CurrentUser],
    db_session: NamedDependency[AsyncSession],
) -> Template | Redirect:
    try:
        expo = await venue.get_expo_by_slug(db_session, slug)
        application = await applications.get_application(db_session, application_id, user)
        if application.expo_id != expo.id:
            raise Forbidden("No such application.", code="application_not_found")
        accept = decision == "accept"
        await applications.decide_application(db_session, application_id, accept, user, data.note.strip()[:300])
    except DomainError as exc:
        await db_session.rollback()
        filters = dict(parse_qsl(data.back[:500]))
        message = " ".join(domain_errors(exc, set()).general)
        return await _render_admin_list(request, db_session, slug, filters, error=message, status_code=exc.status)
    await db_session.commit()
    return _back(slug, data.back, "accepted" if accept else "declined")


@post("/admin/e/{slug:str}/applications-accept-all", include_in_schema=False, guards=[requires_organiser])
async def admin_accept_all(
    *,
    slug: FromPath[str],
    data: Annotated[DecisionForm, FormBody],
    user: NamedDependency[CurrentUser],
    db_session: NamedDependency[AsyncSession],
) -> Redirect:
    expo = await venue.get_expo_by_slug(db_session, slug)
    assert expo.id is not None
    for row in await applications.list_applications(db_session, expo.id, status=ApplicationStatus.SUBMITTED):
        await applications.decide_application(db_session, row.id, True, user)
    await db_session.commit()
    return _back(slug, data.back, "accepted_all")


PAGE_HANDLERS = [
    apply_page,
    apply_submit,
    apply_withdraw,
    offer_answer,
    admin_applications,
    admin_decide,
    admin_accept_all,
]
