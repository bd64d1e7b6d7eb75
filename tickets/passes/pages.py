"""Pages for visitors (register, my pass) and exhibitors (name, download, reissue staff passes)."""

from typing import Annotated, Any
from urllib.parse import quote

from litestar import Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, Parameter
from litestar.response import Redirect, Template
from pydantic import BaseModel
from sqlalchemy.ext.asyncio import AsyncSession

from booths.exhibitors.service import exhibitor_of_user
from booths.venue.lifecycle import expo_today, is_over
from booths.venue.service import default_expo, expo_days, get_expo_by_slug, visible_expo
from expo.accounts import CurrentUser
from expo.auth import current_user, requires_exhibitor
from expo.errors import NotFound
from expo.forms import FormBody, FormErrors, Rerender, submit
from expo.i18n import current_locale, gettext
from expo.settings import Settings
from expo.web import page, redirect
from tickets.passes import issuing, jobs, rendering, visitor
from tickets.passes import service as passes
from tickets.passes.cards import VISITOR_CATEGORY_LABELS
from tickets.passes.kinds import allowed_days, ensure_kinds
from tickets.passes.schemas import VISITOR_CATEGORIES, BatchRequest, PassUpdate, StaffPassCreate, VisitorRegistration
from tickets.printing.pdf import Paper
from tickets.signing.keys import load_keys

Msg = Annotated[str, Parameter(max_length=32)]


def notice(code: str) -> str | None:
    return {
        "added": gettext("The staff pass is issued."),
        "renamed": gettext("The name is changed; the printed QR code stays valid."),
        "revoked": gettext("The pass is revoked; its QR code no longer opens the gate."),
        "reissued": gettext("A new QR code is issued; the old one no longer opens the gate."),
        "queued": gettext("Printing runs in the background; the file appears below when ready."),
    }.get(code)


# --- visitors ----------------------------------------------------------------------------------
class VisitForm(BaseModel):
    holder_name: str = ""
    phone: str = ""
    email: str = ""
    regency: str = ""
    category: str = ""
    days: list[str] = []
    shares_contact: bool = False


VISIT_FIELDS = {"holder_name", "phone", "email", "regency", "category", "days"}


async def _render_visit(
    request: Request[Any, Any, Any],
    db_session: AsyncSession,
    slug: str,
    form: VisitForm | None = None,
    errors: FormErrors | None = None,
    status_code: int = 200,
) -> Template:
    expo = await visible_expo(db_session, slug, current_user(request))
    assert expo.id is not None
    kind = next((k for k in await ensure_kinds(db_session, expo.id) if k.self_register), None)
    await db_session.commit()
    today = expo_today(expo)
    days = [d for d in allowed_days(kind, await expo_days(db_session, expo.id)) if d >= today] if kind else []
    return page(
        request,
        "tickets/visit.html",
        status_code=status_code,
        expo=expo,
        days=days,
        categories=[(c, gettext(VISITOR_CATEGORY_LABELS[c])) for c in VISITOR_CATEGORIES],
        form=form or VisitForm(days=[today.isoformat()] if today in days else []),
        errors=errors or FormErrors(),
        open=kind is not None and bool(days),
        over=is_over(expo),
    )


@get("/e/{slug:str}/visit", include_in_schema=False)
async def visit_page(
    request: Request[Any, Any, Any], slug: FromPath[str], db_session: NamedDependency[AsyncSession]
) -> Template:
    return await _render_visit(request, db_session, slug)


@get("/visit", include_in_schema=False)
async def visit_default(db_session: NamedDependency[AsyncSession]) -> Redirect:
    expo = await default_expo(db_session)
    if expo is None:
        raise NotFound("No such expo.", code="expo_not_found")
    return redirect(f"/e/{expo.slug}/visit")


@post("/e/{slug:str}/visit", include_in_schema=False, status_code=200, opt={"rate_limit": "visitor"})
async def visit_submit(
    request: Request[Any, Any, Any],
    slug: FromPath[str],
    db_session: NamedDependency[AsyncSession],
) -> Response[Any]:
    raw = await request.form()
    form = VisitForm(
        holder_name=str(raw.get("holder_name", ""))[:500],
        phone=str(raw.get("phone", ""))[:64],
        email=str(raw.get("email", ""))[:300],
        regency=str(raw.get("regency", ""))[:200],
        category=str(raw.get("category", ""))[:32],
        days=[str(d)[:10] for d in raw.getall("days", [])][:130] if hasattr(raw, "getall") else [],
        # an unticked checkbox sends nothing: consent only when the visitor ticked it
        shares_contact=raw.get("shares_contact") == "1",
    )
    expo = await get_expo_by_slug(db_session, slug)
    assert expo.id is not None
    expo_id = expo.id

    async def register() -> str:
        data = VisitorRegistration.model_validate(
            form.model_dump() | {"phone": form.phone or None, "email": form.email or None}
        )
        _pass, secret = await visitor.register_visitor(db_session, expo_id, data)
        return secret

    async def again(errors: FormErrors, status: int) -> Template:
        return await _render_visit(request, db_session, slug, form, errors, status_code=status)

    return await submit(
        db_session,
        register,
        rerender=again,
        done=lambda secret: f"/p/{secret}?new=1",
        fields=VISIT_FIELDS,
        choices={"category"},
    )


@get("/p/{secret:str}", include_in_schema=False)
async def my_pass(
    request: Request[Any, Any, Any],
    secret: FromPath[str],
    db_session: NamedDependency[AsyncSession],
    settings: NamedDependency[Settings],
    new: FromQuery[Annotated[str, Parameter(max_length=4)]] = "",
    consent: FromQuery[Annotated[str, Parameter(max_length=12)]] = "",
) -> Template:
    pass_ = await visitor.pass_by_access(db_session, secret)
    assert pass_.id is not None
    read = await passes.read_pass(db_session, pass_.id, load_keys(settings.signing_key_file))
    kind = next(k for k in await ensure_kinds(db_session, pass_.expo_id) if k.code == read.kind)
    from booths.venue.service import get_expo

    expo = await get_expo(db_session, pass_.expo_id)
    link = str(request.url.with_replacements(query=""))
    share = "https://wa.me/?text=" + quote(f"{gettext('My pass for %(expo)s') % {'expo': expo.name}}: {link}")
    return page(
        request,
        "tickets/my_pass.html",
        expo=expo,
        p=read,
        kind=kind,
        secret=secret,
        link=link,
        share=share,
        new=bool(new),
        consent=consent_notice(consent),
        category=gettext(VISITOR_CATEGORY_LABELS.get(read.visitor_category or "", "")) if read.visitor_category else "",
    )


def consent_notice(code: str) -> str | None:
    return {
        "given": gettext("Thank you: exhibitors who scan your pass now see your WhatsApp number and e-mail."),
        "withdrawn": gettext(
            "Done: exhibitors no longer see your WhatsApp number and e-mail, also those who scanned your pass before."
        ),
    }.get(code)


@post("/p/{secret:str}/consent", include_in_schema=False, status_code=200, opt={"rate_limit": "visitor"})
async def my_pass_consent(
    request: Request[Any, Any, Any],
    secret: FromPath[str],
    db_session: NamedDependency[AsyncSession],
) -> Response[Any]:
    """The visitor gives or withdraws the consent to share the pass's contact with exhibitors."""
    raw = await request.form()
    shares = raw.get("shares_contact") == "1"
    pass_ = await visitor.pass_by_access(db_session, secret)
    visitor.set_contact_consent(pass_, shares=shares)
    await db_session.commit()
    return redirect(f"/p/{secret}?consent={'given' if shares else 'withdrawn'}#consent")


# --- exhibitors --------------------------------------------------------------------------------
class StaffForm(BaseModel):
    holder_name: str = ""
    phone: str = ""


async def _render_staff(
    request: Request[Any, Any, Any],
    db_session: AsyncSession,
    user: CurrentUser,
    *,
    notice: str | None = None,
    errors: FormErrors | None = None,
    form: StaffForm | None = None,
    status_code: int = 200,
) -> Template:
    exhibitor = await exhibitor_of_user(db_session, user.id)
    context: dict[str, Any] = {"exhibitor": exhibitor, "notice": notice, "errors": errors or FormErrors()}
    if exhibitor is not None and exhibitor.id is not None:
        from booths.venue.service import get_expo

        context |= {
            "expo": await get_expo(db_session, exhibitor.expo_id),
            "quotas": await issuing.staff_quotas(db_session, exhibitor.id),
            "passes": await passes.list_passes(db_session, exhibitor.expo_id, exhibitor_id=exhibitor.id),
            "jobs": [jobs.job_read(j) for j in await jobs.list_jobs(db_session, exhibitor.expo_id, user, 5)],
        }
    return page(request, "tickets/my_passes.html", status_code=status_code, form=form or StaffForm(), **context)


@get("/my-passes", include_in_schema=False, guards=[requires_exhibitor])
async def my_passes(
    request: Request[Any, Any, Any],
    user: NamedDependency[CurrentUser],
    db_session: NamedDependency[AsyncSession],
    msg: FromQuery[Msg] = "",
) -> Template:
    return await _render_staff(request, db_session, user, notice=notice(msg))


async def _own_exhibitor_id(db_session: AsyncSession, user: CurrentUser) -> int:
    exhibitor = await exhibitor_of_user(db_session, user.id)
    if exhibitor is None or exhibitor.id is None:
        raise NotFound("No exhibitor record for this account.", code="exhibitor_not_found")
    return exhibitor.id


@post("/my-passes/add", include_in_schema=False, status_code=200, guards=[requires_exhibitor])
async def my_passes_add(
    request: Request[Any, Any, Any],
    data: Annotated[StaffForm, FormBody],
    user: NamedDependency[CurrentUser],
    db_session: NamedDependency[AsyncSession],
) -> Response[Any]:
    exhibitor_id = await _own_exhibitor_id(db_session, user)

    async def add() -> None:
        staff = StaffPassCreate.model_validate({"holder_name": data.holder_name, "phone": data.phone or None})
        await issuing.create_staff_pass(db_session, exhibitor_id, staff, user)

    async def again(errors: FormErrors, status: int) -> Template:
        return await _render_staff(request, db_session, user, errors=errors, form=data, status_code=status)

    return await submit(db_session, add, rerender=again, done="/my-passes?msg=added", fields={"holder_name", "phone"})


class RenameForm(BaseModel):
    holder_name: str = ""


def _staff_again(request: Request[Any, Any, Any], db_session: AsyncSession, user: CurrentUser) -> Rerender:
    """Shows the staff passes page again with why a button was refused."""

    async def again(errors: FormErrors, status: int) -> Template:
        return await _render_staff(request, db_session, user, errors=errors, status_code=status)

    return again


@post("/my-passes/{pass_id:int}/rename", include_in_schema=False, status_code=200, guards=[requires_exhibitor])
async def my_passes_rename(
    request: Request[Any, Any, Any],
    pass_id: FromPath[int],
    data: Annotated[RenameForm, FormBody],
    user: NamedDependency[CurrentUser],
    db_session: NamedDependency[AsyncSession],
) -> Response[Any]:
    async def act() -> None:
        await passes.update_pass(db_session, pass_id, PassUpdate(holder_name=data.holder_name), user)

    return await submit(
        db_session, act, rerender=_staff_again(request, db_session, user), done="/my-passes?msg=renamed"
    )


@post("/my-passes/{pass_id:int}/revoke", include_in_schema=False, status_code=200, guards=[requires_exhibitor])
async def my_passes_revoke(
    request: Request[Any, Any, Any],
    pass_id: FromPath[int],
    user: NamedDependency[CurrentUser],
    db_session: NamedDependency[AsyncSession],
) -> Response[Any]:
    async def act() -> None:
        await passes.revoke_pass(db_session, pass_id, user, "by exhibitor")

    return await submit(
        db_session, act, rerender=_staff_again(request, db_session, user), done="/my-passes?msg=revoked"
    )


@post("/my-passes/{pass_id:int}/reissue", include_in_schema=False, status_code=200, guards=[requires_exhibitor])
async def my_passes_reissue(
    request: Request[Any, Any, Any],
    pass_id: FromPath[int],
    user: NamedDependency[CurrentUser],
    db_session: NamedDependency[AsyncSession],
) -> Response[Any]:
    async def act() -> None:
        await passes.reissue_pass(db_session, pass_id, user)

    return await submit(
        db_session, act, rerender=_staff_again(request, db_session, user), done="/my-passes?msg=reissued"
    )


@get("/my-passes/{pass_id:int}/pass.pdf", include_in_schema=False, guards=[requires_exhibitor])
async def my_pass_pdf(
    pass_id: FromPath[int],
    user: NamedDependency[CurrentUser],
    db_session: NamedDependency[AsyncSession],
    settings: NamedDependency[Settings],
) -> Response[bytes]:
    pass_ = await passes.get_pass(db_session, pass_id, user)
    data = await rendering.pass_pdf(db_session, pass_, load_keys(settings.signing_key_file), current_locale.get())
    return Response(
        content=data,
        media_type="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="pass-{pass_.code}.pdf"'},
    )


class PrintForm(BaseModel):
    paper: str = "a4"


@post("/my-passes/print", include_in_schema=False, status_code=200, guards=[requires_exhibitor])
async def my_passes_print(
    request: Request[Any, Any, Any],
    data: Annotated[PrintForm, FormBody],
    user: NamedDependency[CurrentUser],
    db_session: NamedDependency[AsyncSession],
    settings: NamedDependency[Settings],
) -> Response[Any]:
    exhibitor_id = await _own_exhibitor_id(db_session, user)
    exhibitor = await exhibitor_of_user(db_session, user.id)
    assert exhibitor is not None
    paper: Paper = "f4" if data.paper == "f4" else "a4"
    expo_id = exhibitor.expo_id

    async def print_passes() -> bytes:
        ids = await jobs.select_pass_ids(
            db_session, expo_id, BatchRequest(exhibitor_id=exhibitor_id, paper=paper), user
        )
        return await jobs.render_now(db_session, settings, expo_id, ids, paper, current_locale.get())

    def printed(body: bytes) -> Response[bytes]:
        return Response(
            content=body,
            media_type="application/pdf",
            headers={"Content-Disposition": f'attachment; filename="staff-passes-{paper}.pdf"'},
        )

    return await submit(db_session, print_passes, rerender=_staff_again(request, db_session, user), done=printed)


PAGE_HANDLERS = [
    visit_page,
    visit_default,
    visit_submit,
    my_pass,
    my_pass_consent,
    my_passes,
    my_passes_add,
    my_passes_rename,
    my_passes_revoke,
    my_passes_reissue,
    my_pass_pdf,
    my_passes_print,
]
