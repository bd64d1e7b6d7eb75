"""The worker: claims due jobs atomically under a lease, runs their handlers with a time limit,
retries with exponential backoff and jitter, and puts what cannot succeed in the dead letter.

Claiming is one ``UPDATE ... WHERE id IN (SELECT ... FOR UPDATE SKIP LOCKED) RETURNING``: on
PostgreSQL several workers skip each other's rows; SQLite has one writer at a time, so the statement
is atomic there as it is (it ignores ``FOR UPDATE``). A claimed job is the worker's while its lease
runs; the worker renews the leases of its running jobs every third of the lease. A worker that dies
stops renewing, and once the lease has run out any worker claims the job again (a new attempt), so
handlers must be idempotent; a job that has used up its attempts that way goes to the dead letter.
Every finishing write names the worker and the attempt, so a worker that lost its job changes nothing.
"""

import asyncio
import contextlib
import functools
import json
import logging
import os
import random
import secrets
import socket
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import anyio.to_thread
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from expo.database import create_engine, create_sessionmaker, database_unreachable
from expo.formatting import utcnow
from expo.i18n import N_
from expo.jobs.handlers import JobContext, PermanentFailure, handler_for
from expo.jobs.models import Job, JobState
from expo.jobs.service import NOTIFY_CHANNEL, add_waker, enqueue, remove_waker
from expo.metadata import table_of
from expo.settings import Settings

log = logging.getLogger("expo.jobs")
_job = table_of(Job)
ERROR_LIMIT = 2000
CLEANUP_KIND = "jobs.cleanup"
# The runner's own reasons, stored in English and translated where an organiser reads them.
WORKER_LOST = N_("The worker running it stopped responding, on every attempt.")
TIMED_OUT = N_("It took longer than its time limit.")
NO_HANDLER = N_("No worker here knows this kind of job.")


@dataclass(frozen=True)
class Claimed:
    id: int
    kind: str
    payload: dict[str, Any]
    attempt: int
    max_attempts: int
    timeout_s: float
    expo_id: int | None
    outputs: list[str]


def backoff_seconds(attempt: int, base: float, cap: float) -> float:
    """The wait before the next attempt after ``attempt`` failed: doubling from ``base`` up to ``cap``,
    spread by a random half either way so that many failed jobs do not return all at once."""
    delay: float = min(cap, base * 2 ** max(0, attempt - 1))
    return min(cap, delay * (0.5 + random.random()))  # noqa: S311  (jitter, not a secret)


def _reason(exc: BaseException) -> str:
    text = str(exc).strip()
    return (f"{type(exc).__name__}: {text}" if text else type(exc).__name__)[:ERROR_LIMIT]


def remove_files(paths: list[str]) -> None:
    for path in paths:
        with contextlib.suppress(OSError):
            Path(path).unlink(missing_ok=True)


class Worker:
    """Runs jobs until stopped. ``run()`` forever (the ``expo worker`` command, the embedded worker
    of ``expo serve``); ``run_until_idle()`` until no job is due or running (tests, ``--until-idle``)."""

    def __init__(
        self,
        settings: Settings,
        engine: AsyncEngine | None = None,
        *,
        concurrency: int | None = None,
        worker_id: str | None = None,
        busy: Callable[[], int] | None = None,
    ) -> None:
        """``busy``: how many requests the process serving this worker answers now (the embedded
        worker of ``expo serve``); the worker then gives way to them (``_give_way``)."""
        self.settings = settings
        self._busy = busy
        self._giving_way_since: float | None = None
        self._own_engine = engine is None
        self.engine = engine or create_engine(settings)
        self.sessionmaker = create_sessionmaker(self.engine)
        self.concurrency = concurrency or settings.job_concurrency
        self.id = worker_id or f"{socket.gethostname()[:40]}:{os.getpid()}:{secrets.token_hex(4)}"
        self._tasks: dict[int, asyncio.Task[None]] = {}
        self._stopping = False
        self._wake: asyncio.Event | None = None
        self._next_maintenance = 0.0
        self._more_due = False
        self._database_away = False
        self.finished = 0

    # --- the loop -----------------------------------------------------------------------------
    async def run(self) -> None:
        loop = asyncio.get_running_loop()
        self._wake = asyncio.Event()
        wake = self._wake

        def waker() -> None:
            loop.call_soon_threadsafe(wake.set)

        add_waker(waker)
        listener = await self._listen(waker)
        beats = asyncio.create_task(self._heartbeats())
        try:
            while not self._stopping:
                await self._give_way()
                await self._step(loop.time())
                await self._wait(self.settings.job_poll_seconds)
        finally:
            remove_waker(waker)
            if listener is not None:  # discarded, not pooled again with its listener
                with contextlib.suppress(Exception):
                    await listener.invalidate()
                    await listener.close()
            beats.cancel()
            await self._drain()
            with contextlib.suppress(asyncio.CancelledError):
                await beats

    async def run_until_idle(self, *, maintenance: bool = False) -> int:
        """Claim and run due jobs until none is due and none runs; the number finished."""
        loop = asyncio.get_running_loop()
        self._wake = asyncio.Event()
        if not maintenance:
            self._next_maintenance = float("inf")
        beats = asyncio.create_task(self._heartbeats())
        before = self.finished
        try:
            while True:
                finished = self.finished
                claimed = await self._step(loop.time())
                # Idle only if no job ended during the claim: the claim reads what is due at the time it
                # started, and a job that failed meanwhile may have been queued again, due at once.
                if not claimed and not self._tasks and self.finished == finished:
                    return self.finished - before
                await self._wait(0.05 if not self._tasks else self.settings.job_poll_seconds)
        finally:
            beats.cancel()
            await self._drain()
            with contextlib.suppress(asyncio.CancelledError):
                await beats

    async def _listen(self, wake: Callable[[], None]) -> AsyncConnection | None:
        """PostgreSQL: a connection of its own that LISTENs for jobs queued by other processes (the
        poll stays as the fallback; a lost listener only makes the worker slower to wake)."""
        if self.engine.dialect.name != "postgresql":
            return None
        connection: AsyncConnection | None = None
        try:
            connection = await self.engine.connect()
            driver = (await connection.get_raw_connection()).driver_connection
            assert driver is not None
            await driver.add_listener(NOTIFY_CHANNEL, lambda *_args: wake())
        except Exception:
            log.warning("cannot LISTEN for new jobs; polling every %ss", self.settings.job_poll_seconds, exc_info=True)
            if connection is not None:
                with contextlib.suppress(Exception):
                    await connection.invalidate()
                    await connection.close()
            return None
        return connection

    def stop(self) -> None:
        self._stopping = True
        if self._wake is not None:
            self._wake.set()

    async def close(self) -> None:
        if self._own_engine:
            await self.engine.dispose()

    async def _step(self, now: float) -> int:
        if now >= self._next_maintenance:
            self._next_maintenance = now + self.settings.job_maintenance_seconds
            try:
                await self.maintain()
            except Exception as exc:
                self._failed("job maintenance failed", exc)
        free = self.concurrency - len(self._tasks)
        if free <= 0 or self._stopping or (self._tasks and free < (self.concurrency + 1) // 2):
            return 0  # claim in batches: when half the slots are free, or none is busy
        try:
            claimed = await self.claim(free)
        except Exception as exc:
            self._failed("claiming jobs failed", exc)
            return 0
        if self._database_away:
            self._database_away = False
            log.warning("the database answers again; jobs run")
        for job in claimed:
            task = asyncio.create_task(self.execute(job), name=f"job-{job.id}")
            self._tasks[job.id] = task
            task.add_done_callback(functools.partial(self._done, job.id))
        return len(claimed)

    async def _give_way(self) -> None:
        """Start no job while the server process answers ``job_give_way_requests`` requests or more,
        for at most ``job_give_way_seconds`` in a row: the burst of a rush (booking opening, the gate
        after Friday prayers) is answered first and its jobs run right after, while under steady load
        jobs run as always once that time has passed (the clock restarts only when the server was
        seen less busy)."""
        if self._busy is None or self.settings.job_give_way_seconds <= 0:
            return
        loop = asyncio.get_running_loop()
        limit = self.settings.job_give_way_requests
        if self._busy() < limit:
            self._giving_way_since = None
            return
        if self._giving_way_since is None:
            self._giving_way_since = loop.time()
        until = self._giving_way_since + self.settings.job_give_way_seconds
        while not self._stopping and loop.time() < until:
            await asyncio.sleep(0.02)
            if self._busy() < limit:
                self._giving_way_since = None
                return

    def _failed(self, what: str, exc: Exception) -> None:
        """A traceback for a fault; one line per outage for a database that is away (a restart, a
        network cut): every poll would otherwise log the same traceback until it is back."""
        if not database_unreachable(exc):
            log.exception(what)
        elif not self._database_away:
            self._database_away = True
            log.warning("%s: the database cannot be reached (%s); jobs wait until it answers", what, exc)

    def _done(self, job_id: int, _task: "asyncio.Task[None]") -> None:
        self._tasks.pop(job_id, None)
        self.finished += 1
        if self._wake is not None:
            self._wake.set()

    async def _wait(self, seconds: float) -> None:
        assert self._wake is not None
        if self.concurrency - len(self._tasks) <= 0 or not self._wake.is_set():
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), seconds)
        self._wake.clear()

    async def _drain(self) -> None:
        """Stopping: running jobs are cancelled and handed back to the queue (not counted as attempts)."""
        tasks = list(self._tasks.values())
        for task in tasks:
            task.cancel()
        if tasks:
            await asyncio.gather(*tasks, return_exceptions=True)

    # --- the database side ---------------------------------------------------------------------
    def _lease(self) -> timedelta:
        return timedelta(seconds=self.settings.job_lease_seconds)

    async def claim(self, limit: int) -> list[Claimed]:
        now = utcnow()
        is_due = sa.or_(
            sa.and_(_job.c.status == JobState.QUEUED.value, _job.c.run_after <= now),
            sa.and_(
                _job.c.status == JobState.RUNNING.value,
                _job.c.lease_until < now,
                _job.c.attempts < _job.c.max_attempts,
            ),
        )
        if not self._more_due:  # a read first: an idle poll takes no write lock (SQLite)
            async with self.sessionmaker() as session:
                if (await session.execute(sa.select(_job.c.id).where(is_due).limit(1))).first() is None:
                    return []
        due = (
            sa.select(_job.c.id)
            .where(is_due)
            .order_by(_job.c.run_after, _job.c.id)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
        stmt = (
            sa.update(_job)
            .where(_job.c.id.in_(due))
            .values(
                status=JobState.RUNNING.value,
                attempts=_job.c.attempts + 1,
                worker_id=self.id,
                lease_until=now + self._lease(),
                heartbeat_at=now,
                started_at=now,
            )
            .returning(
                _job.c.id,
                _job.c.kind,
                _job.c.payload,
                _job.c.attempts,
                _job.c.max_attempts,
                _job.c.timeout_s,
                _job.c.expo_id,
                _job.c.outputs,
            )
        )
        async with self.sessionmaker() as session:
            rows = (await session.execute(stmt)).all()
            await session.commit()
        self._more_due = len(rows) == limit  # a full batch: probably more due, skip the read next time
        return [
            Claimed(
                id=r.id,
                kind=r.kind,
                payload=dict(r.payload or {}),
                attempt=r.attempts,
                max_attempts=r.max_attempts,
                timeout_s=float(r.timeout_s),
                expo_id=r.expo_id,
                outputs=list(r.outputs or []),
            )
            for r in sorted(rows, key=lambda r: int(r.id))
        ]

    async def maintain(self) -> None:
        """Jobs whose worker was lost once too often go to the dead letter; the clean-up is queued."""
        now = utcnow()
        async with self.sessionmaker() as session:
            lost = await session.execute(
                sa.update(_job)
                .where(
                    _job.c.status == JobState.RUNNING.value,
                    _job.c.lease_until < now,
                    _job.c.attempts >= _job.c.max_attempts,
                )
                .values(
                    status=JobState.FAILED.value,
                    finished_at=now,
                    lease_until=None,
                    last_error=WORKER_LOST,
                )
                .returning(_job.c.outputs)
            )
            for (outputs,) in lost.all():
                await anyio.to_thread.run_sync(remove_files, list(outputs or []))
            every = max(60, int(self.settings.job_cleanup_every_seconds))
            bucket = int(now.timestamp()) // every
            await enqueue(session, CLEANUP_KIND, {}, key=f"{CLEANUP_KIND}:{bucket}", max_attempts=3)
            await session.commit()

    def _mine(self, job_id: int, attempt: int) -> Any:
        return sa.and_(
            _job.c.id == job_id,
            _job.c.worker_id == self.id,
            _job.c.attempts == attempt,
            _job.c.status == JobState.RUNNING.value,
        )

    async def _heartbeats(self) -> None:
        while True:
            await asyncio.sleep(max(0.2, self.settings.job_lease_seconds / 3))
            ids = list(self._tasks)
            if not ids:
                continue
            try:
                now = utcnow()
                async with self.sessionmaker() as session:
                    await session.execute(
                        sa.update(_job)
                        .where(
                            _job.c.id.in_(ids),
                            _job.c.worker_id == self.id,
                            _job.c.status == JobState.RUNNING.value,
                        )
                        .values(lease_until=now + self._lease(), heartbeat_at=now)
                    )
                    await session.commit()
            except Exception:
                log.exception("renewing job leases failed")

    async def _heartbeat_one(self, job_id: int) -> bool:
        now = utcnow()
        async with self.sessionmaker() as session:
            updated = await session.execute(
                sa.update(_job)
                .where(_job.c.id == job_id, _job.c.worker_id == self.id, _job.c.status == JobState.RUNNING.value)
                .values(lease_until=now + self._lease(), heartbeat_at=now)
            )
            await session.commit()
        return getattr(updated, "rowcount", 0) == 1

    async def _add_output(self, job_id: int, path: str) -> None:
        async with self.sessionmaker() as session:
            job = await session.get(Job, job_id)
            if job is not None and path not in job.outputs:
                job.outputs = [*job.outputs, path]
                await session.commit()

    async def _finish(self, job: Claimed, **values: Any) -> bool:
        async with self.sessionmaker() as session:
            updated = await session.execute(
                sa.update(_job).where(self._mine(job.id, job.attempt)).values(lease_until=None, **values)
            )
            await session.commit()
        if getattr(updated, "rowcount", 0) != 1:
            log.warning("job %s attempt %s is no longer this worker's (lease ran out, or ended)", job.id, job.attempt)
            return False
        return True

    async def _fail(self, job: Claimed, reason: str, *, permanent: bool) -> None:
        now = utcnow()
        if permanent or job.attempt >= job.max_attempts:
            log.warning("job %s (%s) failed for good: %s", job.id, job.kind, reason)
            async with self.sessionmaker() as session:
                outputs = (await session.execute(sa.select(_job.c.outputs).where(_job.c.id == job.id))).scalar()
            if await self._finish(job, status=JobState.FAILED.value, last_error=reason, finished_at=now, outputs=[]):
                await anyio.to_thread.run_sync(remove_files, list(outputs or []))
            return
        wait = backoff_seconds(
            job.attempt, self.settings.job_backoff_base_seconds, self.settings.job_backoff_max_seconds
        )
        log.info("job %s (%s) attempt %s failed, again in %.1fs: %s", job.id, job.kind, job.attempt, wait, reason)
        await self._finish(
            job,
            status=JobState.QUEUED.value,
            last_error=reason,
            run_after=now + timedelta(seconds=wait),
            worker_id=None,
        )

    async def execute(self, job: Claimed) -> None:
        """Run one claimed job to its recorded outcome (a stale worker's outcome is refused)."""
        try:
            await self._attempt(job)
        except asyncio.CancelledError:
            # The worker is stopping: the job goes back to the queue, and this attempt does not count.
            with contextlib.suppress(Exception):
                await asyncio.shield(
                    self._finish(job, status=JobState.QUEUED.value, attempts=job.attempt - 1, worker_id=None)
                )
            raise
        except Exception:  # the database failed while recording: the lease runs out and it runs again
            log.exception("job %s: recording its outcome failed", job.id)

    async def _attempt(self, job: Claimed) -> None:
        handler = handler_for(job.kind)
        if handler is None:
            log.error("job %s: no handler for the kind %r (is its module in EXPO_JOB_MODULES?)", job.id, job.kind)
            await self._fail(job, NO_HANDLER, permanent=True)
            return
        if job.outputs:  # a lapsed attempt's files
            await anyio.to_thread.run_sync(remove_files, job.outputs)
            async with self.sessionmaker() as session:
                await session.execute(sa.update(_job).where(self._mine(job.id, job.attempt)).values(outputs=[]))
                await session.commit()
        ctx = JobContext(
            settings=self.settings,
            engine=self.engine,
            sessionmaker=self.sessionmaker,
            job_id=job.id,
            attempt=job.attempt,
            max_attempts=job.max_attempts,
            expo_id=job.expo_id,
            _heartbeat=self._heartbeat_one,
            _add_output=self._add_output,
        )
        limit = asyncio.timeout(job.timeout_s)
        try:
            async with limit:
                result = await handler(ctx, job.payload)
        except PermanentFailure as exc:
            await self._fail(job, (str(exc) or type(exc).__name__)[:ERROR_LIMIT], permanent=True)
        except TimeoutError as exc:
            timed_out = TIMED_OUT if limit.expired() else _reason(exc)
            await self._fail(job, timed_out, permanent=False)
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            await self._fail(job, _reason(exc), permanent=False)
        else:
            stored = result if isinstance(result, dict) else None
            try:
                json.dumps(stored)
            except (TypeError, ValueError) as exc:
                await self._fail(job, f"Its result cannot be stored: {exc}"[:ERROR_LIMIT], permanent=True)
                return
            await self._finish(job, status=JobState.DONE.value, result=stored, finished_at=utcnow())
