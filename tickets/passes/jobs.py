"""Batch printing: which passes, a small batch at once, a large one as a background job.

A batch's state lives in its ``pass_batch_job`` row, so any server can report progress or serve the
file; the file goes to ``EXPO_PASS_JOBS_DIR``, which every worker (and machine) must share.
The printing is a job of the runner (``expo.jobs``, kind ``passes.batch``), queued in the same
transaction as the batch; the worker renders on a process pool, so its event loop keeps renewing
the job's lease. The runner's clean-up deletes the file after ``EXPO_JOB_KEEP_DAYS``.
"""

import asyncio
import contextlib
import logging
import re
import secrets
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

import anyio.to_thread
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession
from sqlmodel import col

from booths.exhibitors.models import Exhibitor
from booths.exhibitors.service import exhibitor_of_user
from booths.venue.service import get_expo
from expo.accounts import CurrentUser
from expo.database import session_scope
from expo.errors import FieldProblem, InvalidInput, NotFound
from expo.formatting import utcnow
from expo.i18n import N_
from expo.jobs import Job, JobContext, JobState, enqueue, job_handler
from expo.settings import Settings
from tickets.passes.cards import card_context, cards_for
from tickets.passes.kinds import kind_by_code
from tickets.passes.models import ExpoPass, JobStatus, PassBatchJob, PassKind
from tickets.passes.schemas import BatchRequest, JobRead
from tickets.passes.validity import valid_pass_clause
from tickets.printing import batch, pdf, sheets
from tickets.signing.keys import load_keys

log = logging.getLogger("expo.passes")
PAGE = 256  # passes read from the database at a time
BATCH_TIMEOUT_S = 3600.0
_FILE_NAME = re.compile(r"^passes-\d+-[A-Za-z0-9_-]+\.pdf$")


async def _scope_exhibitor(session: AsyncSession, expo_id: int, user: CurrentUser) -> int | None:
    """An exhibitor prints only its own staff's passes; organisers print anything."""
    if user.is_organiser:
        return None
    exhibitor = await exhibitor_of_user(session, user.id, expo_id)
    if exhibitor is None or exhibitor.id is None:
        raise NotFound("No such exhibitor.", code="exhibitor_not_found")
    return exhibitor.id


async def select_pass_ids(session: AsyncSession, expo_id: int, req: BatchRequest, user: CurrentUser) -> list[int]:
    """Active passes matching the request, ordered for handing out: by kind, organisation, name."""
    await get_expo(session, expo_id)
    own = await _scope_exhibitor(session, expo_id, user)
    if own is not None and req.exhibitor_id not in (None, own):
        raise NotFound("No such exhibitor.", code="exhibitor_not_found")
    stmt = (
        sa.select(col(ExpoPass.id))
        .join(PassKind, col(PassKind.id) == col(ExpoPass.kind_id))
        .outerjoin(Exhibitor, col(Exhibitor.id) == col(ExpoPass.exhibitor_id))
        .where(col(ExpoPass.expo_id) == expo_id, valid_pass_clause())
    )
    exhibitor_id = own if own is not None else req.exhibitor_id
    if exhibitor_id is not None:
        stmt = stmt.where(col(ExpoPass.exhibitor_id) == exhibitor_id)
    if req.kind:
        kind = await kind_by_code(session, expo_id, req.kind)
        stmt = stmt.where(col(ExpoPass.kind_id) == kind.id)
    if req.pass_ids is not None:
        stmt = stmt.where(col(ExpoPass.id).in_(req.pass_ids))
    stmt = stmt.order_by(
        col(PassKind.sort_order),
        sa.func.coalesce(col(Exhibitor.name), col(ExpoPass.organisation), ""),
        col(ExpoPass.holder_name),
        col(ExpoPass.id),
    )
    ids = [int(i) for i in (await session.scalars(stmt)).all() if i is not None]
    if req.pass_ids is not None:  # a list prints in the order given
        wanted = set(ids)
        ids = [i for i in dict.fromkeys(req.pass_ids) if i in wanted]
    if not ids:
        message = "No active passes match; nothing to print."
        raise InvalidInput(message, code="no_passes", fields=[FieldProblem("pass_ids", message)])
    return ids


async def render_now(
    session: AsyncSession, settings: Settings, expo_id: int, ids: list[int], paper: pdf.Paper, locale: str = "id"
) -> bytes:
    """A small batch as PDF bytes, rendered in a worker thread."""
    ctx = await card_context(session, expo_id, load_keys(settings.signing_key_file), locale)
    cards = await cards_for(session, ctx, ids)
    return await anyio.to_thread.run_sync(sheets.sheets_pdf, cards, paper, f"{ctx.expo.name} – passes")


BATCH_KIND = "passes.batch"


async def create_job(
    session: AsyncSession, expo_id: int, ids: list[int], paper: pdf.Paper, user: CurrentUser, locale: str = "id"
) -> PassBatchJob:
    """A queued batch (flushed) and the runner's job that prints it, in the caller's transaction:
    committing the one commits the other."""
    exhibitor_id = await _scope_exhibitor(session, expo_id, user)
    job = PassBatchJob(
        expo_id=expo_id,
        requested_by_user_id=user.id,
        exhibitor_id=exhibitor_id,
        selection={"pass_ids": ids},
        paper=paper,
        total=len(ids),
    )
    session.add(job)
    await session.flush()
    assert job.id is not None
    await enqueue(
        session,
        BATCH_KIND,
        {"batch_id": job.id, "locale": locale},
        key=f"{BATCH_KIND}:{job.id}",
        expo_id=expo_id,
        max_attempts=3,
        timeout_s=BATCH_TIMEOUT_S,
    )
    return job


async def _start(session: AsyncSession, batch_id: int) -> PassBatchJob | None:
    """The batch, marked running; None if it is done already (a job that ran twice). A failed batch
    starts again: an organiser tried its job again."""
    started = await session.execute(
        sa.update(PassBatchJob)
        .where(col(PassBatchJob.id) == batch_id, col(PassBatchJob.status) != JobStatus.DONE)
        .values(status=JobStatus.RUNNING, started_at=utcnow(), finished_at=None, done=0, error=None)
    )
    await session.commit()
    if getattr(started, "rowcount", 0) != 1:
        return None
    return await session.get(PassBatchJob, batch_id)


@job_handler(BATCH_KIND, label=N_("Printing passes"))
async def print_batch(ctx: JobContext, payload: dict[str, Any]) -> dict[str, Any] | None:
    """Render a batch to its file, recording progress. A failed attempt leaves the batch queued for
    the next; the last one marks it failed with the reason."""
    batch_id, locale = int(payload["batch_id"]), str(payload.get("locale") or "id")
    engine, settings = ctx.engine, ctx.settings
    async with ctx.sessionmaker() as session:
        job = await _start(session, batch_id)
        if job is None:
            return None
        ids = [int(i) for i in job.selection.get("pass_ids", [])]
        expo_id, paper = job.expo_id, job.paper
    name = f"passes-{batch_id}-{secrets.token_urlsafe(9)}.pdf"
    directory = Path(settings.pass_jobs_dir)
    partial = directory / (name + ".part")
    try:
        await ctx.add_output(partial)
        await ctx.add_output(directory / name)
        await anyio.to_thread.run_sync(lambda: directory.mkdir(parents=True, exist_ok=True))
        result = await _render_job(engine, settings, expo_id, ids, paper, partial, batch_id, ctx.heartbeat, locale)
        await anyio.to_thread.run_sync(partial.replace, directory / name)
    except (Exception, asyncio.CancelledError) as exc:  # cancelled: over its time limit, or the worker stops
        with contextlib.suppress(OSError):
            partial.unlink(missing_ok=True)
        log.warning("pass batch %s failed (attempt %s of %s): %r", batch_id, ctx.attempt, ctx.max_attempts, exc)
        last = ctx.last_attempt
        status = JobStatus.FAILED if last else JobStatus.QUEUED
        error = f"{type(exc).__name__}: {exc}"[:300]
        await asyncio.shield(_finish(engine, batch_id, status=status, error=error, finished=last))
        raise
    await _finish(engine, batch_id, status=JobStatus.DONE, done=result.passes, name=name, size=result.size)
    return {"file": name, "passes": result.passes, "size": result.size}


async def _render_job(
    engine: AsyncEngine,
    settings: Settings,
    expo_id: int,
    ids: list[int],
    paper: str,
    path: Path,
    job_id: int,
    heartbeat: Callable[[], Awaitable[bool]],
    locale: str,
) -> batch.BatchResult:
    keys = load_keys(settings.signing_key_file)

    async def pages() -> AsyncIterator[list[pdf.PassCard]]:
        async with session_scope(engine) as session:
            ctx = await card_context(session, expo_id, keys, locale)
        for start in range(0, len(ids), PAGE):
            async with session_scope(engine) as session:
                yield await cards_for(session, ctx, ids[start : start + PAGE])

    last = 0

    async def report(done: int) -> None:
        nonlocal last
        if done - last >= PAGE or done == len(ids):
            await heartbeat()
            last = done
            async with session_scope(engine) as session:
                await session.execute(sa.update(PassBatchJob).where(col(PassBatchJob.id) == job_id).values(done=done))
                await session.commit()

    workers = settings.pass_batch_workers or batch.default_workers()
    use_pool = workers > 1 and len(ids) > 2 * batch.CHUNK_PASSES
    checked: pdf.Paper = "f4" if paper == "f4" else "a4"
    with path.open("wb") as out:
        if not use_pool:
            return await batch.write_batch(pages(), checked, out, title=f"passes {job_id}", progress=report)
        with batch.process_pool(workers) as pool:
            return await batch.write_batch(
                pages(), checked, out, executor=pool, title=f"passes {job_id}", progress=report
            )


async def _finish(
    engine: AsyncEngine,
    job_id: int,
    *,
    status: JobStatus,
    done: int | None = None,
    name: str | None = None,
    size: int | None = None,
    error: str | None = None,
    finished: bool = True,
) -> PassBatchJob | None:
    async with session_scope(engine) as session:
        job = await session.get(PassBatchJob, job_id)
        if job is None:
            return None
        job.status, job.finished_at, job.error = status, utcnow() if finished else None, error
        if done is not None:
            job.done = done
        job.file_name, job.file_size = name, size
        await session.commit()
        return job


# --- reading jobs -----------------------------------------------------------------------------
async def get_job(session: AsyncSession, job_id: int, user: CurrentUser) -> PassBatchJob:
    """Organisers see every job; an exhibitor only those it started."""
    job = await session.get(PassBatchJob, job_id)
    if job is None or (not user.is_organiser and job.requested_by_user_id != user.id):
        raise NotFound("No such print job.", code="job_not_found")
    await _settle(session, [job])
    return job


async def _settle(session: AsyncSession, batches: list[PassBatchJob]) -> None:
    """A batch still waiting or printing whose runner job ended without it (cancelled by an organiser,
    or dead after its worker was lost on every attempt) is failed, with the runner's reason."""
    open_ = {f"{BATCH_KIND}:{b.id}": b for b in batches if b.status in (JobStatus.QUEUED, JobStatus.RUNNING)}
    if not open_:
        return
    ended = await session.execute(
        sa.select(col(Job.key), col(Job.status), col(Job.last_error)).where(
            col(Job.key).in_(list(open_)), col(Job.status).in_([JobState.FAILED, JobState.CANCELLED])
        )
    )
    for key, status, error in ended.all():
        batch_job = open_[str(key)]
        batch_job.status, batch_job.finished_at = JobStatus.FAILED, batch_job.finished_at or utcnow()
        cancelled = status == JobState.CANCELLED or not error
        batch_job.error = "Cancelled on the background work page." if cancelled else str(error)[:300]


def job_read(job: PassBatchJob) -> JobRead:
    assert job.id is not None
    ready = job.status == JobStatus.DONE and job.file_name
    return JobRead(
        id=job.id,
        status=str(job.status),
        paper=job.paper,
        total=job.total,
        done=job.done,
        error=job.error,
        created_at=job.created_at,
        finished_at=job.finished_at,
        download_url=f"/api/pass-batches/{job.id}/download" if ready else None,
    )


def job_file(job: PassBatchJob, settings: Settings) -> Path:
    if job.status != JobStatus.DONE or not job.file_name or not _FILE_NAME.match(job.file_name):
        raise NotFound("The file is not ready.", code="job_not_ready")
    path = Path(settings.pass_jobs_dir) / job.file_name
    if not path.is_file():
        raise NotFound("The file is gone; print again.", code="job_file_missing")
    return path


async def list_jobs(session: AsyncSession, expo_id: int, user: CurrentUser, limit: int = 20) -> list[PassBatchJob]:
    stmt = sa.select(PassBatchJob).where(col(PassBatchJob.expo_id) == expo_id)
    if not user.is_organiser:
        stmt = stmt.where(col(PassBatchJob.requested_by_user_id) == user.id)
    batches = list((await session.scalars(stmt.order_by(col(PassBatchJob.id).desc()).limit(limit))).all())
    await _settle(session, batches)
    return batches
