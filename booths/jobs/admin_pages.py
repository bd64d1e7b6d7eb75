"""The job-runner status page of an expo: what waits, runs, failed (with the reason) and is done;
a failed or cancelled job can be tried again, a waiting one cancelled."""

from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Any

from litestar import Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, Parameter
from litestar.response import Template
from pydantic import BaseModel
from sqlalchemy.ext.asyncio import AsyncSession

from booths.venue.service import get_expo_by_slug
from expo.auth import requires
from expo.forms import FormBody, FormErrors, Rerender, back_filters, back_to, submit
from expo.i18n import N_, gettext
from expo.jobs import Job, JobState, cancel_job, job_counts, kind_label, list_jobs, retry_job
from expo.permissions import Area
from expo.web import page

FILTERS = ("status",)
OTHER_WORK = N_("Other work")  # a kind whose handler gave no name
LIMIT = 200


def state_label(state: str) -> str:
    return {
        JobState.QUEUED: gettext("Waiting"),
        JobState.RUNNING: gettext("Running"),
        JobState.DONE: gettext("Done"),
        JobState.FAILED: gettext("Failed"),
        JobState.CANCELLED: gettext("Cancelled"),
    }.get(JobState(state), state)


@dataclass(frozen=True)
class JobRow:
    id: int
    what: str
    status: str
    status_label: str
    attempts: int
    max_attempts: int
    created_at: datetime
    finished_at: datetime | None
    next_try: datetime | None
    reason: str | None
    can_retry: bool
    can_cancel: bool


def _row(job: Job) -> JobRow:
    assert job.id is not None
    label = kind_label(job.kind)
    status = JobState(job.status)
    waiting_again = status == JobState.QUEUED and job.attempts > 0
    return JobRow(
        id=job.id,
        what=gettext(label or OTHER_WORK),
        status=status.value,
        status_label=state_label(status),
        attempts=job.attempts,
        max_attempts=job.max_attempts,
        created_at=job.created_at,
        finished_at=job.finished_at,
        next_try=job.run_after if waiting_again else None,
        reason=gettext(job.last_error) if job.last_error else None,
        can_retry=status in (JobState.FAILED, JobState.CANCELLED),
        can_cancel=status == JobState.QUEUED,
    )


def _notice(code: str) -> str | None:
    return {
        "retried": gettext("The job is queued again."),
        "cancelled": gettext("The job is cancelled."),
    }.get(code)


async def _render(
    request: Request[Any, Any, Any],
    db_session: AsyncSession,
    slug: str,
    status: str,
    *,
    notice: str | None = None,
    errors: FormErrors | None = None,
    failed: int | None = None,
    status_code: int = 200,
) -> Template:
    expo = await get_expo_by_slug(db_session, slug)
    assert expo.id is not None
    state = next((s for s in JobState if s.value == status), None)
    counts = await job_counts(db_session, expo_id=expo.id)
    rows = [_row(j) for j in await list_jobs(db_session, expo_id=expo.id, status=state, limit=LIMIT)]
    return page(
        request,
        "admin/jobs.html",
        status_code=status_code,
        expo=expo,
        rows=rows,
        counts=[(s.value, state_label(s), counts[s]) for s in JobState],
        status=state.value if state else "",
        back=f"status={state.value}" if state else "",
        limit=LIMIT,
        notice=notice,
        error=errors.text() if errors else None,
        failed=failed,
    )


@get("/admin/e/{slug:str}/jobs", include_in_schema=False, guards=[requires(Area.JOBS)])
async def admin_jobs(
    request: Request[Any, Any, Any],
    slug: FromPath[str],
    db_session: NamedDependency[AsyncSession],
    status: FromQuery[Annotated[str, Parameter(max_length=16)]] = "",
    msg: FromQuery[Annotated[str, Parameter(max_length=32)]] = "",
) -> Template:
    return await _render(request, db_session, slug, status, notice=_notice(msg))


class ActionForm(BaseModel):
    back: str = ""


def _again(request: Request[Any, Any, Any], db_session: AsyncSession, slug: str, back: str, job_id: int) -> Rerender:
    async def again(errors: FormErrors, status_code: int) -> Template:
        status = back_filters(back, FILTERS).get("status", "")
        return await _render(request, db_session, slug, status, errors=errors, failed=job_id, status_code=status_code)

    return again


async def _act(
    request: Request[Any, Any, Any], db_session: AsyncSession, slug: str, job_id: int, back: str, retry: bool
) -> Response[Any]:
    async def act() -> None:
        expo = await get_expo_by_slug(db_session, slug)
        assert expo.id is not None
        if retry:
            await retry_job(db_session, job_id, expo_id=expo.id)
        else:
            await cancel_job(db_session, job_id, expo_id=expo.id)

    done = back_to(f"/admin/e/{slug}/jobs", back, FILTERS, "retried" if retry else "cancelled")
    return await submit(db_session, act, rerender=_again(request, db_session, slug, back, job_id), done=done)


@post("/admin/e/{slug:str}/jobs/{job_id:int}/retry", include_in_schema=False, guards=[requires(Area.JOBS)])
async def admin_retry_job(
    request: Request[Any, Any, Any],
    slug: FromPath[str],
    job_id: FromPath[int],
    data: Annotated[ActionForm, FormBody],
    db_session: NamedDependency[AsyncSession],
) -> Response[Any]:
    return await _act(request, db_session, slug, job_id, data.back, retry=True)


@post("/admin/e/{slug:str}/jobs/{job_id:int}/cancel", include_in_schema=False, guards=[requires(Area.JOBS)])
async def admin_cancel_job(
    request: Request[Any, Any, Any],
    slug: FromPath[str],
    job_id: FromPath[int],
    data: Annotated[ActionForm, FormBody],
    db_session: NamedDependency[AsyncSession],
) -> Response[Any]:
    return await _act(request, db_session, slug, job_id, data.back, retry=False)


PAGE_HANDLERS = [admin_jobs, admin_retry_job, admin_cancel_job]
