"""Putting jobs in (in the caller's transaction: a transactional outbox), retrying, cancelling, listing."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session
from sqlmodel import col

from expo.errors import Conflict, NotFound
from expo.formatting import utcnow
from expo.jobs.handlers import JobSetupError
from expo.jobs.models import Job, JobState
from expo.metadata import table_of

_job = table_of(Job)


def _job_insert(dialect: str, *, keyed: bool) -> Any:
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    stmt = insert(_job)
    if keyed:
        stmt = stmt.on_conflict_do_nothing(index_elements=["key"])
    return stmt.returning(_job.c.id)


# Built once, the values passed as parameters: a statement built per job (``.values(...)``) cost SQLAlchemy
# a cache key over every value each time, more than running it (a winning booth hold enqueues four).
_JOB_INSERTS = {
    (dialect, keyed): _job_insert(dialect, keyed=keyed)
    for dialect in ("postgresql", "sqlite")
    for keyed in (False, True)
}

NOTIFY_CHANNEL = "expo_jobs"
# Workers of this process wake when a transaction that enqueued commits (others poll).
_wakers: list[Callable[[], None]] = []


def add_waker(wake: Callable[[], None]) -> None:
    _wakers.append(wake)


def remove_waker(wake: Callable[[], None]) -> None:
    if wake in _wakers:
        _wakers.remove(wake)


async def _wake_after_commit(session: AsyncSession) -> None:
    """Wake the workers once this transaction commits: those of this process directly, the others
    on PostgreSQL by ``NOTIFY`` (which the server delivers at the commit, and never on a rollback)."""
    sync: Session = session.sync_session
    if sync.info.get("jobs_wake"):
        return
    sync.info["jobs_wake"] = True
    if session.get_bind().dialect.name == "postgresql":
        await session.execute(sa.select(sa.func.pg_notify(NOTIFY_CHANNEL, "")))

    def committed(s: Session) -> None:
        s.info.pop("jobs_wake", None)
        for wake in list(_wakers):
            wake()

    def rolled_back(s: Session) -> None:
        s.info.pop("jobs_wake", None)

    event.listen(sync, "after_commit", committed, once=True)
    event.listen(sync, "after_rollback", rolled_back, once=True)


async def enqueue(
    session: AsyncSession,
    kind: str,
    payload: dict[str, Any],
    *,
    key: str | None = None,
    expo_id: int | None = None,
    run_after: datetime | None = None,
    max_attempts: int = 8,
    timeout_s: float = 300,
) -> int | None:
    """Add a job in the caller's transaction (never commits): it exists exactly when the change that
    caused it is committed. A ``key`` already used makes this a no-op returning None."""
    if not kind or len(kind) > 64:
        raise JobSetupError("a job kind is 1 to 64 characters")
    if max_attempts < 1 or timeout_s <= 0:
        raise JobSetupError("max_attempts must be at least 1 and timeout_s positive")
    if key is not None and not 0 < len(key) <= 200:
        raise JobSetupError("a job key is 1 to 200 characters")
    now = utcnow()
    values = {
        "kind": kind,
        "payload": payload,
        "status": JobState.QUEUED.value,
        "attempts": 0,
        "max_attempts": max_attempts,
        "timeout_s": float(timeout_s),
        "run_after": run_after or now,
        "key": key,
        "expo_id": expo_id,
        "outputs": [],
        "created_at": now,
    }
    dialect = "postgresql" if session.get_bind().dialect.name == "postgresql" else "sqlite"
    row = (await session.execute(_JOB_INSERTS[dialect, key is not None], values)).first()
    if row is None:
        return None
    await _wake_after_commit(session)
    return int(row[0])


async def get_job(session: AsyncSession, job_id: int, *, expo_id: int | None = None) -> Job:
    job = await session.get(Job, job_id)
    if job is None or (expo_id is not None and job.expo_id != expo_id):
        raise NotFound("No such job.", code="job_not_found")
    return job


async def retry_job(session: AsyncSession, job_id: int, *, expo_id: int | None = None) -> Job:
    """Queue a failed (dead-letter) or cancelled job again, with its attempts counted afresh."""
    job = await get_job(session, job_id, expo_id=expo_id)
    if job.status not in (JobState.FAILED, JobState.CANCELLED):
        raise Conflict("Only a failed or cancelled job can be tried again.", code="job_not_retryable")
    job.status, job.attempts, job.run_after = JobState.QUEUED, 0, utcnow()
    job.lease_until = job.worker_id = job.finished_at = None
    await session.flush()
    await _wake_after_commit(session)
    return job


async def cancel_job(session: AsyncSession, job_id: int, *, expo_id: int | None = None) -> Job:
    """Cancel a job that has not started (a running one finishes or fails on its own)."""
    job = await get_job(session, job_id, expo_id=expo_id)
    if job.status != JobState.QUEUED:
        raise Conflict("Only a waiting job can be cancelled.", code="job_not_cancellable")
    updated = await session.execute(
        sa.update(Job)
        .where(col(Job.id) == job_id, col(Job.status) == JobState.QUEUED)
        .values(status=JobState.CANCELLED, finished_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    if getattr(updated, "rowcount", 0) != 1:  # a worker took it meanwhile
        raise Conflict("Only a waiting job can be cancelled.", code="job_not_cancellable")
    await session.refresh(job)
    return job


async def list_jobs(
    session: AsyncSession,
    *,
    expo_id: int | None = None,
    status: JobState | None = None,
    kind: str | None = None,
    limit: int = 100,
) -> list[Job]:
    """Newest first; ``expo_id`` None lists every expo's and the platform's jobs."""
    stmt = sa.select(Job)
    if expo_id is not None:
        stmt = stmt.where(col(Job.expo_id) == expo_id)
    if status is not None:
        stmt = stmt.where(col(Job.status) == status)
    if kind:
        stmt = stmt.where(col(Job.kind) == kind)
    return list((await session.scalars(stmt.order_by(col(Job.id).desc()).limit(limit))).all())


async def job_counts(session: AsyncSession, *, expo_id: int | None = None) -> dict[JobState, int]:
    stmt = sa.select(col(Job.status), sa.func.count()).group_by(col(Job.status))
    if expo_id is not None:
        stmt = stmt.where(col(Job.expo_id) == expo_id)
    found = {str(s): int(n) for s, n in (await session.execute(stmt)).all()}
    return {state: found.get(state.value, 0) for state in JobState}


LIVE_STATES = (JobState.QUEUED, JobState.RUNNING, JobState.FAILED)


@dataclass(frozen=True)
class QueueState:
    """The runner's queue as monitoring sees it: jobs per live state, how many queued ones are due,
    and how long the oldest due one has waited (0 when none)."""

    counts: dict[JobState, int]
    due: int
    oldest_due_seconds: float


async def queue_state(session: AsyncSession, now: datetime | None = None) -> QueueState:
    """One grouped query on the (status, run_after) index. Done and cancelled jobs are left out:
    they are history, and counting weeks of them at every scrape is work no alarm needs."""
    now = now or utcnow()
    due = col(Job.run_after) <= now
    stmt = (
        sa.select(
            col(Job.status),
            sa.func.count(),
            sa.func.sum(sa.case((due, 1), else_=0)),
            sa.func.min(sa.case((due, col(Job.run_after)), else_=None)),
        )
        .where(col(Job.status).in_([s.value for s in LIVE_STATES]))
        .group_by(col(Job.status))
    )
    counts = dict.fromkeys(LIVE_STATES, 0)
    queued_due, oldest = 0, None
    for status, count, due_count, first_due in (await session.execute(stmt)).all():
        counts[JobState(status)] = int(count)
        if status == JobState.QUEUED.value:
            queued_due, oldest = int(due_count or 0), first_due
    if isinstance(oldest, str):  # SQLite hands an aggregate of a timestamp back as its text
        oldest = datetime.fromisoformat(oldest)
    if oldest is not None and oldest.tzinfo is None:  # and without the column's zone: stored in UTC
        oldest = oldest.replace(tzinfo=UTC)
    waited = (now - oldest).total_seconds() if oldest is not None else 0.0
    return QueueState(counts=counts, due=queued_due, oldest_due_seconds=max(0.0, waited))
