"""Real ``expo worker`` processes. The crash test: one is killed (SIGKILL) in the middle of 1,000
jobs; a second one finishes them. Every job ends done and its effect happened exactly once (the
effect is recorded with a unique key; attempts that found it done already are counted apart).
And on PostgreSQL an idle worker wakes on NOTIFY when another process queues a job."""

import asyncio
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from expo.jobs import Job, JobState, enqueue
from expo.settings import Settings
from tests.expo.jobs.kinds import EFFECT_TABLES

pytestmark = pytest.mark.anyio
ROOT = Path(__file__).resolve().parents[3]
JOBS = 1000
SLOW_ONE_RUNNING = (
    "SELECT count(*) FROM job WHERE status = 'running' AND kind = 'test.effect' AND \"key\" LIKE 'effect-%50'"
)


def _worker(settings: Settings, log: Path, poll_seconds: float = 0.05) -> subprocess.Popen[bytes]:
    env = os.environ | {
        "EXPO_DATABASE_URL": settings.database_url,
        "EXPO_JOB_MODULES": "tests.expo.jobs.kinds",
        "EXPO_JOB_CONCURRENCY": "4",
        "EXPO_JOB_POLL_SECONDS": str(poll_seconds),
        "EXPO_JOB_LEASE_SECONDS": "2",
        "EXPO_JOB_BACKOFF_BASE_SECONDS": "0",
        "EXPO_SECRET_KEY": "crash-test",
        "PYTHONPATH": str(ROOT),
    }
    out = log.open("ab")
    return subprocess.Popen([sys.executable, "-m", "expo.cli", "worker"], cwd=ROOT, env=env, stdout=out, stderr=out)


def _read(log: Path) -> str:
    return log.read_text(errors="replace")


async def _count(session: AsyncSession, sql: str, **params: object) -> int:
    session.expire_all()
    await session.rollback()  # a fresh snapshot
    return int((await session.execute(sa.text(sql), params)).scalar_one())


async def _wait_for(
    session: AsyncSession,
    sql: str,
    at_least: int,
    worker: subprocess.Popen[bytes],
    log: Path,
    tries: int = 2400,
    **params: object,
) -> None:
    for _ in range(tries):  # a bound against a hang (two minutes by default), not a measure of speed
        if await _count(session, sql, **params) >= at_least:
            return
        assert worker.poll() is None, _read(log)
        await asyncio.sleep(0.05)
    pytest.fail(f"{sql} did not reach {at_least}\n{_read(log)}")


@pytest.mark.real_commits
async def test_a_killed_worker_loses_no_job_and_repeats_no_effect(
    session: AsyncSession, settings: Settings, tmp_path: Path
) -> None:
    for ddl in EFFECT_TABLES:
        await session.execute(sa.text(ddl))
    await session.commit()
    log = tmp_path / "workers.log"
    try:
        for i in range(JOBS):
            # A few slow ones (keys ending in 50): the kill below waits until one of them runs, so it
            # surely catches a job between its effect and "done" (with only quick ones the kill once
            # fell between two claims, and nothing was left to run again).
            pause = 1.0 if i % 100 == 50 else 0.01
            await enqueue(session, "test.effect", {"key": f"job-{i}", "pause": pause}, key=f"effect-{i}")
        await session.commit()

        first = _worker(settings, log)
        try:
            await _wait_for(session, "SELECT count(*) FROM test_job_effect", JOBS // 3, first, log)
            await _wait_for(session, SLOW_ONE_RUNNING, 1, first, log)
        finally:
            first.send_signal(signal.SIGKILL)
            first.wait()
        assert await _count(session, "SELECT count(*) FROM test_job_effect") < JOBS  # it died mid-way
        stranded = await _count(session, "SELECT count(*) FROM job WHERE status = 'running' AND kind = 'test.effect'")

        second = _worker(settings, log)
        try:
            # only this test's kind: a worker also runs the platform's own recurring jobs
            done = "SELECT count(*) FROM job WHERE status = 'done' AND kind = 'test.effect'"
            await _wait_for(session, done, JOBS, second, log)
        finally:
            second.send_signal(signal.SIGTERM)
            assert second.wait(timeout=30) == 0, _read(log)

        effects = await _count(session, "SELECT count(DISTINCT job_key) FROM test_job_effect")
        repeated = await _count(session, "SELECT count(*) FROM test_job_duplicate")
        rows = (
            await session.execute(sa.select(col(Job.status), col(Job.attempts)).where(col(Job.kind) == "test.effect"))
        ).all()
        assert effects == JOBS  # every job's effect, once (the table's key allows no second)
        assert all(status == JobState.DONE for status, _ in rows)
        assert len(rows) == JOBS
        again = sum(1 for _, attempts in rows if attempts > 1)
        assert stranded >= 1  # the kill caught jobs mid-run, and they ran again (and on a loaded
        assert again >= stranded  # machine a lease may lapse before its renewal: that job runs again too)
        assert repeated <= again  # a repeat found the effect done and recorded nothing twice
    finally:
        await session.rollback()
        await session.execute(sa.text("DROP TABLE IF EXISTS test_job_effect"))
        await session.execute(sa.text("DROP TABLE IF EXISTS test_job_duplicate"))
        await session.commit()


@pytest.mark.real_commits
async def test_an_idle_worker_wakes_when_another_process_queues_a_job(
    engine_name: str, session: AsyncSession, settings: Settings, tmp_path: Path
) -> None:
    if engine_name != "postgres":
        pytest.skip("LISTEN/NOTIFY is PostgreSQL's (SQLite workers poll)")
    log = tmp_path / "worker.log"
    first = await enqueue(session, "test.record", {"value": 1})
    await session.commit()
    worker = _worker(settings, log, poll_seconds=60)  # it polls at the start, then once a minute
    done = "SELECT count(*) FROM job WHERE id = :id AND status = 'done'"
    try:
        await _wait_for(session, done, 1, worker, log, id=first)
        second = await enqueue(session, "test.record", {"value": 2})
        await session.commit()
        await _wait_for(session, done, 1, worker, log, tries=400, id=second)  # well within the minute
    finally:
        worker.send_signal(signal.SIGTERM)
        assert worker.wait(timeout=30) == 0, _read(log)
