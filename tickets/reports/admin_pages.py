"""The organisers' report page (area ``reports``): ask for a report of the whole expo or some of its
days, see the jobs making it (the page refreshes itself while one runs), download the PDF and XLSX;
and the dashboard during the expo (today beside yesterday, sales so far, who has not reported)."""

from pathlib import Path
from typing import Annotated, Any

from litestar import Request, Response, get, post
from litestar.channels import ChannelsPlugin
from litestar.datastructures import CacheControlHeader
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, Parameter
from litestar.response import File, ServerSentEvent, Template
from pydantic import BaseModel
from sqlalchemy.ext.asyncio import AsyncSession

from booths.jobs.admin_pages import state_label
from booths.venue import service as venue
from expo.accounts import CurrentUser
from expo.auth import requires
from expo.errors import NotFound
from expo.forms import FormBody, FormErrors, submit
from expo.i18n import current_locale, gettext
from expo.jobs import JobState, get_job
from expo.permissions import Area
from expo.settings import Settings
from expo.web import page
from tickets.reports import live
from tickets.reports.dashboard import dashboard
from tickets.reports.jobs import FILES, REPORT_JOB, reports_dir
from tickets.reports.schemas import ReportRequest
from tickets.reports.service import report_jobs, request_report

# The dashboard's page fetches its figures again this often whatever its event stream says: the
# fallback for a dropped stream, a lost notice, or another worker's change on SQLite.
REFRESH_SECONDS = 30

MEDIA = {
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


class ReportForm(BaseModel):
    start: str = ""
    end: str = ""
    locale: str = "id"


async def _render(
    request: Request[Any, Any, Any],
    db_session: AsyncSession,
    slug: str,
    *,
    form: ReportForm | None = None,
    errors: FormErrors | None = None,
    notice: str | None = None,
    status_code: int = 200,
) -> Template:
    expo = await venue.get_expo_by_slug(db_session, slug)
    assert expo.id is not None
    jobs = await report_jobs(db_session, expo.id)
    rows = [
        {
            "id": j.id,
            "status": j.status,
            "status_label": state_label(j.status),
            "start": (j.result or j.payload).get("start", ""),
            "end": (j.result or j.payload).get("end", ""),
            "locale": j.payload.get("locale", "id"),
            "created_at": j.created_at,
            "ready": j.status == JobState.DONE and bool((j.result or {}).get("files")),
            "empty": bool((j.result or {}).get("empty")),
            "error": j.last_error if j.status == JobState.FAILED else None,
        }
        for j in jobs
    ]
    return page(
        request,
        "admin/report.html",
        status_code=status_code,
        expo=expo,
        section="report",
        form=(
            form
            or ReportForm(start=expo.starts_on.isoformat(), end=expo.ends_on.isoformat(), locale=current_locale.get())
        ).model_dump(),
        errors=errors or FormErrors(),
        notice=notice,
        jobs=rows,
        pending=any(r["status"] in (JobState.QUEUED, JobState.RUNNING) for r in rows),
    )


@get("/admin/e/{slug:str}/report", include_in_schema=False, guards=[requires(Area.REPORTS)])
async def report_page(
    request: Request[Any, Any, Any],
    *,
    slug: FromPath[str],
    db_session: NamedDependency[AsyncSession],
    msg: FromQuery[Annotated[str, Parameter(max_length=16)]] = "",
) -> Template:
    notice = gettext("The report is being made; this page shows when it is ready.") if msg == "queued" else None
    return await _render(request, db_session, slug, notice=notice)


@post("/admin/e/{slug:str}/report", include_in_schema=False, guards=[requires(Area.REPORTS)])
async def report_submit(
    request: Request[Any, Any, Any],
    *,
    slug: FromPath[str],
    data: Annotated[ReportForm, FormBody],
    user: NamedDependency[CurrentUser],
    db_session: NamedDependency[AsyncSession],
) -> Response[Any]:
    expo = await venue.get_expo_by_slug(db_session, slug)
    assert expo.id is not None
    expo_id = expo.id

    async def ask() -> int:
        checked = ReportRequest.model_validate(
            {"start": data.start[:10], "end": data.end[:10], "locale": data.locale[:5]}
        )
        return await request_report(db_session, user, expo_id, checked)

    async def again(errors: FormErrors, status: int) -> Template:
        return await _render(request, db_session, slug, form=data, errors=errors, status_code=status)

    return await submit(
        db_session,
        ask,
        rerender=again,
        done=f"/admin/e/{slug}/report?msg=queued",
        fields={"start", "end", "locale"},
        choices={"locale"},
    )


@get(
    "/admin/e/{slug:str}/report/{job_id:int}/{kind:str}",
    include_in_schema=False,
    guards=[requires(Area.REPORTS)],
)
async def report_file(
    *,
    slug: FromPath[str],
    job_id: FromPath[int],
    kind: FromPath[str],
    db_session: NamedDependency[AsyncSession],
    settings: NamedDependency[Settings],
) -> File:
    job = await get_job(db_session, job_id)
    files = (job.result or {}).get("files") or {}
    if job.kind != REPORT_JOB or kind not in FILES or job.status != JobState.DONE or kind not in files:
        raise NotFound("No such report.", code="report_not_found")
    path = reports_dir(settings) / Path(str(files[kind])).name  # a bare name: never a path from elsewhere
    if not path.is_file():
        raise NotFound("No such report.", code="report_not_found")
    start, end = (job.result or {}).get("start", ""), (job.result or {}).get("end", "")
    return File(
        path=path,
        filename=f"laporan-{slug}-{start}-{end}.{kind}",
        media_type=MEDIA[kind],
        content_disposition_type="attachment",
    )


@get("/admin/e/{slug:str}/dashboard", include_in_schema=False, guards=[requires(Area.REPORTS)])
async def dashboard_page(
    request: Request[Any, Any, Any], *, slug: FromPath[str], db_session: NamedDependency[AsyncSession]
) -> Template:
    expo = await venue.get_expo_by_slug(db_session, slug)
    assert expo.id is not None
    return page(
        request,
        "admin/expo_dashboard.html",
        expo=expo,
        section="dashboard",
        board=await dashboard(db_session, expo.id),
        refresh_seconds=REFRESH_SECONDS,
    )


@get(
    "/admin/e/{slug:str}/dashboard/board",
    include_in_schema=False,
    guards=[requires(Area.REPORTS)],
    cache_control=CacheControlHeader(no_store=True),
)
async def dashboard_board(
    request: Request[Any, Any, Any], *, slug: FromPath[str], db_session: NamedDependency[AsyncSession]
) -> Template:
    """The dashboard's figures alone, which its page fetches again when told something changed."""
    expo = await venue.get_expo_by_slug(db_session, slug)
    assert expo.id is not None
    return page(request, "admin/_expo_dashboard_board.html", expo=expo, board=await dashboard(db_session, expo.id))


@get(
    "/admin/e/{slug:str}/dashboard/stream",
    include_in_schema=False,
    guards=[requires(Area.REPORTS)],
    cache_control=CacheControlHeader(no_store=True),
)
async def dashboard_stream(
    *, slug: FromPath[str], db_session: NamedDependency[AsyncSession], channels: NamedDependency[ChannelsPlugin]
) -> ServerSentEvent:
    """``changed`` events while the dashboard is open (``tickets.reports.live``); ends after 5 minutes."""
    expo = await venue.get_expo_by_slug(db_session, slug)  # 404 before the stream starts
    assert expo.id is not None
    # The request's session goes back to the pool now: a stream holds no database connection.
    await db_session.close()
    return ServerSentEvent(live.dashboard_events(channels, expo.id))


PAGE_HANDLERS = [report_page, report_submit, report_file, dashboard_page, dashboard_board, dashboard_stream]
