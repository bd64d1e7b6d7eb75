"""The job runner on both engines: the outbox in the caller's transaction, idempotent keys, retries
with backoff, permanent failures, time limits, the dead letter, leases that run out, two workers,
the clean-up, and the worker embedded in the app."""

import asyncio
from contextvars import ContextVar
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

import expo.jobs.worker as worker_module
from expo.formatting import as_utc, utcnow
from expo.jobs import Job, JobState, cancel_job, enqueue, retry_job
from expo.jobs.worker import CLEANUP_KIND, NO_HANDLER, TIMED_OUT, WORKER_LOST, Worker, backoff_seconds
from expo.settings import Settings
from tests.expo.jobs import kinds
from tests.support.client import ClientWith
from tests.support.jobs import run_jobs

pytestmark = pytest.mark.anyio


def fast(settings: Settings, **more: Any) -> Settings:
    """Settings whose retries come at once (no backoff) unless a test asks otherwise."""
    values: dict[str, Any] = {"job_backoff_base_seconds": 0.0, "job_poll_seconds": 0.05, "job_modules": kinds.__name__}
    return settings.model_copy(update=values | more)


async def job_of(session: AsyncSession, job_id: int | None) -> Job:
    assert job_id is not None
    session.expire_all()
    job = await session.get(Job, job_id)
    assert job is not None
    return job


async def count_jobs(session: AsyncSession) -> int:
    return int((await session.scalar(sa.select(sa.func.count()).select_from(Job))) or 0)


async def test_a_job_enqueued_in_a_rolled_back_transaction_does_not_exist(session: AsyncSession) -> None:
    assert await enqueue(session, "test.record", {"value": 1}) is not None
    await session.rollback()
    assert await count_jobs(session) == 0
    job_id = await enqueue(session, "test.record", {"value": 2}, expo_id=None)
    await session.commit()
    job = await job_of(session, job_id)
    assert (job.status, job.attempts, job.payload) == (JobState.QUEUED, 0, {"value": 2})


async def test_a_key_used_before_makes_enqueue_a_no_op(session: AsyncSession) -> None:
    first = await enqueue(session, "test.record", {"value": 1}, key="booking-7-confirmed")
    second = await enqueue(session, "test.record", {"value": 2}, key="booking-7-confirmed")
    await session.commit()
    third = await enqueue(session, "test.record", {"value": 3}, key="booking-7-confirmed")
    await session.commit()
    assert first is not None
    assert second is None
    assert third is None
    assert await count_jobs(session) == 1
    assert (await job_of(session, first)).payload == {"value": 1}


async def test_only_failed_jobs_are_retried_and_only_waiting_ones_cancelled(session: AsyncSession) -> None:
    from expo.errors import Conflict, NotFound

    job_id = await enqueue(session, "test.record", {})
    await session.commit()
    assert job_id is not None
    with pytest.raises(Conflict):
        await retry_job(session, job_id)
    cancelled = await cancel_job(session, job_id)
    assert cancelled.status == JobState.CANCELLED
    with pytest.raises(Conflict):
        await cancel_job(session, job_id)
    again = await retry_job(session, job_id)
    assert (again.status, again.attempts) == (JobState.QUEUED, 0)
    with pytest.raises(NotFound):
        await retry_job(session, job_id, expo_id=999_999)
    await session.commit()


def test_backoff_doubles_with_jitter_up_to_the_cap() -> None:
    for attempt in range(1, 12):
        plain = min(600.0, 10.0 * 2 ** (attempt - 1))
        for _ in range(50):
            wait = backoff_seconds(attempt, 10.0, 600.0)
            assert 0.5 * plain <= wait <= min(600.0, 1.5 * plain)


@pytest.mark.real_commits
async def test_a_failing_job_is_retried_until_it_succeeds(session: AsyncSession, settings: Settings) -> None:
    job_id = await enqueue(session, "test.flaky", {"fail_times": 2})
    await session.commit()
    assert await run_jobs(fast(settings)) == 3
    job = await job_of(session, job_id)
    assert (job.status, job.attempts, job.result) == (JobState.DONE, 3, {"attempt": 3})
    assert job.last_error == "RuntimeError: flaky attempt 2"


@pytest.mark.real_commits
async def test_a_job_queued_again_during_a_claim_is_not_missed(
    session: AsyncSession, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A worker claims while a job runs (half its slots are free), and a claim's read reaches the
    database after the claim read its clock. When the running job fails in between and is queued again,
    due at once, that read cannot see it: running to idle must go round again, not stop with the job
    left queued (a CI failure of ``test_silent_server_times_out``)."""
    real_utcnow = worker_module.utcnow
    claim_clock: ContextVar[datetime | None] = ContextVar("claim_clock", default=None)
    monkeypatch.setattr(worker_module, "utcnow", lambda: claim_clock.get() or real_utcnow())
    original_claim = Worker.claim

    async def late_claim(self: Worker, limit: int) -> list[Any]:
        token = claim_clock.set(real_utcnow())  # the claim's clock is read now...
        try:
            await asyncio.sleep(0.3)  # ...and its read reaches the database later
            return await original_claim(self, limit)
        finally:
            claim_clock.reset(token)

    monkeypatch.setattr(Worker, "claim", late_claim)
    job_id = await enqueue(session, "test.flaky", {"fail_times": 1, "pause": 0.1})
    await session.commit()
    assert await run_jobs(fast(settings)) == 2
    job = await job_of(session, job_id)
    assert (job.status, job.attempts) == (JobState.DONE, 2)


@pytest.mark.real_commits
async def test_a_failed_attempt_waits_its_backoff(session: AsyncSession, settings: Settings) -> None:
    job_id = await enqueue(session, "test.flaky", {"fail_times": 5})
    await session.commit()
    before = utcnow()
    assert await run_jobs(fast(settings, job_backoff_base_seconds=100.0)) == 1
    job = await job_of(session, job_id)
    assert (job.status, job.attempts, job.last_error) == (JobState.QUEUED, 1, "RuntimeError: flaky attempt 1")
    assert before + timedelta(seconds=50) <= as_utc(job.run_after) <= utcnow() + timedelta(seconds=150)
    assert await run_jobs(fast(settings)) == 0  # not due yet


@pytest.mark.real_commits
async def test_out_of_attempts_is_the_dead_letter_and_retry_runs_it_again(
    session: AsyncSession, settings: Settings
) -> None:
    kinds.SWITCH["broken"] = True
    job_id = await enqueue(session, "test.switch", {}, max_attempts=3)
    await session.commit()
    assert await run_jobs(fast(settings)) == 3
    job = await job_of(session, job_id)
    assert (job.status, job.attempts, job.last_error) == (JobState.FAILED, 3, "RuntimeError: the service is down")
    assert job.finished_at is not None
    kinds.SWITCH["broken"] = False
    try:
        await retry_job(session, job.id or 0)
        await session.commit()
        assert await run_jobs(fast(settings)) == 1
    finally:
        kinds.SWITCH["broken"] = True
    job = await job_of(session, job_id)
    assert (job.status, job.attempts, job.result) == (JobState.DONE, 1, {"ok": True})


@pytest.mark.real_commits
async def test_a_permanent_failure_is_dead_at_once_and_its_file_deleted(
    session: AsyncSession, settings: Settings, tmp_path: Path
) -> None:
    output = tmp_path / "half.pdf"
    job_id = await enqueue(session, "test.permanent", {"output": str(output)})
    await session.commit()
    assert await run_jobs(fast(settings)) == 1
    job = await job_of(session, job_id)
    assert (job.status, job.attempts, job.last_error) == (JobState.FAILED, 1, "The address does not exist.")
    assert not output.exists()
    assert job.outputs == []


@pytest.mark.real_commits
async def test_a_job_over_its_time_limit_is_a_failed_attempt(session: AsyncSession, settings: Settings) -> None:
    job_id = await enqueue(session, "test.sleep", {"seconds": 60}, timeout_s=0.2, max_attempts=2)
    await session.commit()
    assert await run_jobs(fast(settings)) == 2
    job = await job_of(session, job_id)
    assert (job.status, job.attempts, job.last_error) == (JobState.FAILED, 2, TIMED_OUT)


@pytest.mark.real_commits
async def test_an_unknown_kind_is_dead_with_a_reason(session: AsyncSession, settings: Settings) -> None:
    job_id = await enqueue(session, "test.nobody-handles-this", {})
    await session.commit()
    assert await run_jobs(fast(settings)) == 1
    job = await job_of(session, job_id)
    assert (job.status, job.last_error) == (JobState.FAILED, NO_HANDLER)


async def _lapse(session: AsyncSession, job_id: int) -> None:
    """The lease runs out (as it does when its worker is gone): moved into the past, not waited for."""
    await session.execute(
        sa.update(Job).where(col(Job.id) == job_id).values(lease_until=utcnow() - timedelta(seconds=1))
    )
    await session.commit()


@pytest.mark.real_commits
async def test_a_job_whose_lease_ran_out_is_claimed_again_and_the_old_worker_cannot_finish_it(
    session: AsyncSession, settings: Settings
) -> None:
    job_id = await enqueue(session, "test.record", {"value": "x"})
    await session.commit()
    assert job_id is not None
    lost = Worker(fast(settings), worker_id="lost")
    taker = Worker(fast(settings), worker_id="taker")
    try:
        (claimed,) = await lost.claim(5)
        assert (claimed.id, claimed.attempt) == (job_id, 1)
        assert await taker.claim(5) == []  # its lease holds
        await _lapse(session, job_id)
        assert await taker.run_until_idle() == 1
        await lost.execute(claimed)  # the first worker comes back late: its outcome is refused
    finally:
        await lost.close()
        await taker.close()
    job = await job_of(session, job_id)
    assert (job.status, job.attempts, job.worker_id) == (JobState.DONE, 2, "taker")


@pytest.mark.real_commits
async def test_a_job_whose_worker_died_on_its_last_attempt_is_dead_and_its_file_deleted(
    session: AsyncSession, settings: Settings, tmp_path: Path
) -> None:
    output = tmp_path / "partial.pdf"
    output.write_text("partial")
    job_id = await enqueue(session, "test.record", {}, max_attempts=1)
    await session.commit()
    assert job_id is not None
    lost = Worker(fast(settings), worker_id="lost")
    try:
        (claimed,) = await lost.claim(1)
        await lost._add_output(claimed.id, str(output))
    finally:
        await lost.close()
    await _lapse(session, job_id)
    await run_jobs(fast(settings), worker_id="next")  # nothing to claim: it has no attempt left
    maintainer = Worker(fast(settings))
    try:
        await maintainer.maintain()
    finally:
        await maintainer.close()
    job = await job_of(session, job_id)
    assert (job.status, job.last_error) == (JobState.FAILED, WORKER_LOST)
    assert not output.exists()


@pytest.mark.real_commits
async def test_two_workers_never_run_the_same_job(session: AsyncSession, settings: Settings) -> None:
    ids = [await enqueue(session, "test.record", {"value": i}) for i in range(120)]
    await session.commit()
    kinds.CALLS.clear()
    workers = [Worker(fast(settings), concurrency=4, worker_id=f"w{i}") for i in range(2)]
    try:
        await asyncio.gather(*(w.run_until_idle() for w in workers))
    finally:
        for w in workers:
            await w.close()
    ran = [job_id for job_id, _attempt in kinds.CALLS]
    assert sorted(ran) == sorted(i for i in ids if i is not None)  # each once
    done = await session.scalar(sa.select(sa.func.count()).where(col(Job.status) == JobState.DONE))
    assert done == 120


@pytest.mark.real_commits
async def test_the_clean_up_deletes_old_finished_jobs_and_their_files(
    session: AsyncSession, settings: Settings, tmp_path: Path
) -> None:
    old_file, new_file = tmp_path / "old.pdf", tmp_path / "new.pdf"
    old_file.write_text("old")
    new_file.write_text("new")
    long_ago = utcnow() - timedelta(days=settings.job_keep_days + 1)
    old = Job(kind="test.record", status=JobState.DONE, finished_at=long_ago, outputs=[str(old_file)])
    new = Job(kind="test.record", status=JobState.DONE, finished_at=utcnow(), outputs=[str(new_file)])
    session.add_all([old, new])
    await session.commit()
    old_id, new_id = old.id, new.id
    await enqueue(session, CLEANUP_KIND, {})
    await session.commit()
    assert await run_jobs(fast(settings)) == 1
    session.expire_all()
    assert await session.get(Job, old_id) is None
    assert await session.get(Job, new_id) is not None
    assert not old_file.exists()
    assert new_file.exists()


@pytest.mark.real_commits
async def test_the_app_runs_an_embedded_worker(session: AsyncSession, client_with: ClientWith) -> None:
    async with client_with(embedded_worker=True, job_poll_seconds=0.05, job_modules=kinds.__name__):
        job_id = await enqueue(session, "test.record", {"value": "embedded"})
        await session.commit()
        for _ in range(400):
            job = await job_of(session, job_id)
            if job.status == JobState.DONE:
                break
            await asyncio.sleep(0.025)
    assert (job.status, job.result) == (JobState.DONE, {"echo": "embedded"})


async def _until(session: AsyncSession, job_id: int, check: Any) -> Job:
    """Poll the job until ``check(job)`` holds (bounded: a hang fails, no time is measured)."""
    for _ in range(400):
        job = await job_of(session, job_id)
        if check(job):
            return job
        await asyncio.sleep(0.025)
    pytest.fail(f"job {job_id} never reached the expected state")


@pytest.mark.real_commits
async def test_a_running_worker_renews_the_lease_of_its_jobs(session: AsyncSession, settings: Settings) -> None:
    job_id = await enqueue(session, "test.sleep", {"seconds": 60})
    await session.commit()
    assert job_id is not None
    quick = fast(settings, job_lease_seconds=0.6)
    worker, other = Worker(quick, worker_id="alive"), Worker(quick, worker_id="other")
    running = asyncio.create_task(worker.run())
    try:
        await _until(session, job_id, lambda j: j.status == JobState.RUNNING)
        await _lapse(session, job_id)  # as if the lease were about to be taken ...
        renewed = await _until(session, job_id, lambda j: j.lease_until and as_utc(j.lease_until) > utcnow())
        assert renewed.worker_id == "alive"  # ... the worker's heartbeat took it back first
        assert await other.claim(1) == []
    finally:
        worker.stop()
        await running
        await worker.close()
        await other.close()


@pytest.mark.real_commits
async def test_a_stopped_worker_hands_its_running_jobs_back(session: AsyncSession, settings: Settings) -> None:
    job_id = await enqueue(session, "test.sleep", {"seconds": 60})
    await session.commit()
    assert job_id is not None
    worker = Worker(fast(settings))
    running = asyncio.create_task(worker.run())
    try:
        await _until(session, job_id, lambda j: j.status == JobState.RUNNING)
    finally:
        worker.stop()
        await running
        await worker.close()
    job = await job_of(session, job_id)
    assert (job.status, job.attempts, job.worker_id) == (JobState.QUEUED, 0, None)
