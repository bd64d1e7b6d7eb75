"""Organiser pages for passes: list with search and filters, issue, import, revoke, reissue, print."""

from typing import Annotated, Any

from litestar import Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, Parameter
from litestar.response import Template
from pydantic import BaseModel
from sqlalchemy.ext.asyncio import AsyncSession

from booths.exhibitors.service import list_exhibitors
from booths.venue.service import expo_days, get_expo_by_slug
from expo.accounts import CurrentUser
from expo.auth import requires
from expo.errors import InvalidInput
from expo.forms import FormBody, FormErrors, Rerender, back_filters, back_to, submit
from expo.i18n import current_locale, gettext
from expo.paging import LIST_KEYS, PageQuery, SortQuery, window
from expo.permissions import Area
from expo.request_limits import UPLOAD_BODY_LIMIT
from expo.settings import Settings
from expo.web import page, read_upload
from tickets.passes import issuing, jobs
from tickets.passes import service as passes
from tickets.passes.kinds import allowed_days, ensure_kinds
from tickets.passes.models import JobStatus, PassStatus
from tickets.passes.pages import notice
from tickets.passes.pass_csv import import_passes
from tickets.passes.schemas import BatchRequest, PassCreate
from tickets.printing.pdf import Paper

FILTERS = ("q", "kind", "status", *LIST_KEYS)
Short = Annotated[str, Parameter(max_length=100)]


def _list(slug: str, back: str, msg: str) -> Response[Any]:
    return back_to(f"/admin/e/{slug}/passes", back, FILTERS, msg)


async def _render(
    request: Request[Any, Any, Any],
    db_session: AsyncSession,
    slug: str,
    filters: dict[str, str],
    *,
    message: str | None = None,
    errors: FormErrors | None = None,
    issue_form: dict[str, Any] | None = None,
    status_code: int = 200,
) -> Template:
    expo = await get_expo_by_slug(db_session, slug)  # loaded here: after a rollback older objects are stale
    assert expo.id is not None
    kinds = await ensure_kinds(db_session, expo.id)
    await db_session.commit()
    kind = next((k.code for k in kinds if k.code == filters.get("kind")), None)
    status = next((s for s in PassStatus if s.value == filters.get("status")), None)
    q = filters.get("q") or None
    matching = await passes.count_passes(db_session, expo.id, kind=kind, status=status, q=q)
    chosen = window(
        total=sum(matching.values()),
        page=filters.get("page", ""),
        sort=filters.get("sort", ""),
        orders=passes.PASS_ORDERS,
        default="name",
    )
    rows = await passes.list_passes(
        db_session,
        expo.id,
        kind=kind,
        status=status,
        q=q,
        limit=chosen.size,
        offset=chosen.offset,
        order=chosen.sort,
        descending=chosen.descending,
    )
    current = {"q": filters.get("q", ""), "kind": kind or "", "status": status.value if status else ""}
    listing = chosen.listing(rows, sum(matching.values()), current)
    # "Print all" prints the active passes the filters match (whatever the status filter says).
    printable = await passes.count_passes(db_session, expo.id, kind=kind, status=PassStatus.ACTIVE, q=q)
    job_rows = [jobs.job_read(j) for j in await jobs.list_jobs(db_session, expo.id, _organiser(request), 8)]
    days = await expo_days(db_session, expo.id)
    return page(
        request,
        "tickets/admin_passes.html",
        status_code=status_code,
        expo=expo,
        kinds=kinds,
        kind_days={k.code: [d.isoformat() for d in allowed_days(k, days)] for k in kinds},
        days=[d.day for d in days],
        rows=rows,
        listing=listing,
        printable=printable,
        filters=current,
        back=listing.back,
        statuses=[s.value for s in PassStatus],
        exhibitors=await list_exhibitors(db_session, expo.id, limit=2000),
        jobs=job_rows,
        running=any(j.status in {JobStatus.QUEUED, JobStatus.RUNNING} for j in job_rows),
        notice=message,
        errors=errors or FormErrors(),
        issue=issue_form or {},
    )


def _organiser(request: Request[Any, Any, Any]) -> CurrentUser:
    user = request.scope.get("user")
    assert isinstance(user, CurrentUser)
    return user


@get("/admin/e/{slug:str}/passes", include_in_schema=False, guards=[requires(Area.PASSES)])
async def admin_passes(
    request: Request[Any, Any, Any],
    slug: FromPath[str],
    db_session: NamedDependency[AsyncSession],
    q: FromQuery[Short] = "",
    kind: FromQuery[Annotated[str, Parameter(max_length=24)]] = "",
    status: FromQuery[Annotated[str, Parameter(max_length=16)]] = "",
    page_number: PageQuery = "",
    sort: SortQuery = "",
    msg: FromQuery[Annotated[str, Parameter(max_length=32)]] = "",
) -> Template:
    q = "".join(ch for ch in q if ch.isprintable())  # PostgreSQL refuses NUL in text
    asked = {"q": q, "kind": kind, "status": status, "page": page_number, "sort": sort}
    filters = {k: v for k, v in asked.items() if v}
    return await _render(request, db_session, slug, filters, message=notice(msg) or _admin_notice(msg))


def _admin_notice(code: str) -> str | None:
    return {
        "issued": gettext("The pass is issued."),
        "imported": gettext("The passes are imported."),
    }.get(code)


def _list_again(
    request: Request[Any, Any, Any],
    db_session: AsyncSession,
    slug: str,
    back: str,
    issue_form: dict[str, Any] | None = None,
) -> Rerender:
    """Shows the list again, with its filters, why the action was refused and the issue form as typed."""

    async def again(errors: FormErrors, status: int) -> Template:
        filters = back_filters(back, FILTERS)
        return await _render(
            request, db_session, slug, filters, errors=errors, issue_form=issue_form, status_code=status
        )

    return again


class IssueForm(BaseModel):
    kind: str = ""
    holder_name: str = ""
    phone: str = ""
    email: str = ""
    organisation: str = ""
    exhibitor_id: str = ""
    back: str = ""


ISSUE_FIELDS = {"kind", "holder_name", "phone", "email", "organisation", "exhibitor_id", "days"}


@post("/admin/e/{slug:str}/passes/issue", include_in_schema=False, status_code=200, guards=[requires(Area.PASSES)])
async def admin_issue(
    request: Request[Any, Any, Any],
    slug: FromPath[str],
    db_session: NamedDependency[AsyncSession],
) -> Response[Any]:
    expo = await get_expo_by_slug(db_session, slug)
    assert expo.id is not None
    raw = await request.form()
    form = IssueForm.model_validate({k: str(raw.get(k, ""))[:500] for k in IssueForm.model_fields})
    chosen = [str(d)[:10] for d in raw.getall("days", [])][:130] if hasattr(raw, "getall") else []
    expo_id = expo.id

    async def issue() -> None:
        data = PassCreate.model_validate(
            {
                "kind": form.kind,
                "holder_name": form.holder_name,
                "phone": form.phone or None,
                "email": form.email or None,
                "organisation": form.organisation or None,
                "exhibitor_id": form.exhibitor_id or None,
                "days": chosen or None,
            }
        )
        await issuing.create_pass(db_session, expo_id, data, _organiser(request))

    again = _list_again(request, db_session, slug, form.back, form.model_dump() | {"days": chosen})
    return await submit(
        db_session, issue, rerender=again, done=_list(slug, form.back, "issued"), fields=ISSUE_FIELDS, choices={"kind"}
    )


@post(
    "/admin/e/{slug:str}/passes/import",
    include_in_schema=False,
    status_code=200,
    guards=[requires(Area.PASSES)],
    request_max_body_size=UPLOAD_BODY_LIMIT,
)
async def admin_import(
    request: Request[Any, Any, Any],
    slug: FromPath[str],
    db_session: NamedDependency[AsyncSession],
    settings: NamedDependency[Settings],
) -> Response[Any]:
    expo = await get_expo_by_slug(db_session, slug)
    assert expo.id is not None
    form = await request.form()
    kind = str(form.get("kind", ""))[:24]

    async def act() -> None:
        raw = await read_upload(request, settings.max_csv_bytes)
        await import_passes(db_session, expo.id or 0, kind, raw, _organiser(request))

    return await submit(
        db_session, act, rerender=_list_again(request, db_session, slug, ""), done=_list(slug, "", "imported")
    )


class ActionForm(BaseModel):
    reason: str = ""
    back: str = ""


@post(
    "/admin/e/{slug:str}/passes/{pass_id:int}/revoke",
    include_in_schema=False,
    status_code=200,
    guards=[requires(Area.PASSES)],
)
async def admin_revoke(
    request: Request[Any, Any, Any],
    slug: FromPath[str],
    pass_id: FromPath[int],
    data: Annotated[ActionForm, FormBody],
    db_session: NamedDependency[AsyncSession],
) -> Response[Any]:
    async def act() -> None:
        await passes.revoke_pass(db_session, pass_id, _organiser(request), data.reason[:200])

    again = _list_again(request, db_session, slug, data.back)
    return await submit(db_session, act, rerender=again, done=_list(slug, data.back, "revoked"))


@post(
    "/admin/e/{slug:str}/passes/{pass_id:int}/reissue",
    include_in_schema=False,
    status_code=200,
    guards=[requires(Area.PASSES)],
)
async def admin_reissue(
    request: Request[Any, Any, Any],
    slug: FromPath[str],
    pass_id: FromPath[int],
    data: Annotated[ActionForm, FormBody],
    db_session: NamedDependency[AsyncSession],
) -> Response[Any]:
    async def act() -> None:
        await passes.reissue_pass(db_session, pass_id, _organiser(request))

    again = _list_again(request, db_session, slug, data.back)
    return await submit(db_session, act, rerender=again, done=_list(slug, data.back, "reissued"))


@post("/admin/e/{slug:str}/passes/print", include_in_schema=False, status_code=200, guards=[requires(Area.PASSES)])
async def admin_print(
    request: Request[Any, Any, Any],
    slug: FromPath[str],
    db_session: NamedDependency[AsyncSession],
    settings: NamedDependency[Settings],
) -> Response[Any]:
    """Print the ticked passes, or every active pass the filters show; large batches become a job."""
    expo = await get_expo_by_slug(db_session, slug)
    assert expo.id is not None
    expo_id, expo_slug = expo.id, expo.slug
    form = await request.form()
    back = str(form.get("back", ""))
    filters = back_filters(back, FILTERS)
    paper: Paper = "f4" if form.get("paper") == "f4" else "a4"
    ticked = [int(v) for v in (form.getall("pass_ids", []) if hasattr(form, "getall") else []) if str(v).isdigit()][
        :20_000
    ]
    what = str(form.get("what", ""))  # "ticked", "all", or (older forms) ticked if any, else all
    user = _organiser(request)

    async def print_passes() -> bytes | int:
        """The PDF of a small batch, or the id of the job that prints a large one."""
        if what == "ticked" and not ticked:
            raise InvalidInput("Tick the passes to print first, or print all of them.", code="nothing_ticked")
        if ticked and what != "all":
            ids = await jobs.select_pass_ids(db_session, expo_id, BatchRequest(pass_ids=ticked, paper=paper), user)
        else:
            request_ = BatchRequest(kind=filters.get("kind") or None, paper=paper)
            ids = await jobs.select_pass_ids(db_session, expo_id, request_, user)
            if filters.get("q"):
                shown = {p.id for p in await passes.list_passes(db_session, expo_id, q=filters["q"], limit=20_000)}
                ids = [i for i in ids if i in shown]
        if not ids:
            raise InvalidInput("No active passes match; nothing to print.", code="nothing_to_print")
        if len(ids) <= settings.pass_batch_sync_limit:
            return await jobs.render_now(db_session, settings, expo_id, ids, paper, current_locale.get())
        job = await jobs.create_job(db_session, expo_id, ids, paper, user, current_locale.get())
        assert job.id is not None
        return job.id

    def printed(outcome: bytes | int) -> Response[Any]:
        if isinstance(outcome, bytes):
            return Response(
                content=outcome,
                media_type="application/pdf",
                headers={"Content-Disposition": f'attachment; filename="passes-{expo_slug}-{paper}.pdf"'},
            )
        return _list(slug, back, "queued")

    again = _list_again(request, db_session, slug, back)
    return await submit(db_session, print_passes, rerender=again, done=printed)


PAGE_HANDLERS = [admin_passes, admin_issue, admin_import, admin_revoke, admin_reissue, admin_print]
