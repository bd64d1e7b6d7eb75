"""Batch printing on the job runner: queued with the batch (one transaction), a batch that cannot be
written fails after its attempts with the reason on both its own status and the runner's, and an
organiser's retry prints it."""

from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from expo.jobs import Job, JobState, retry_job
from expo.models import Role
from expo.settings import Settings
from tests.support.factories import bearer, make_user_token, make_venue
from tests.support.jobs import run_jobs
from tests.support.passes import Client
from tickets.passes.jobs import BATCH_KIND

pytestmark = pytest.mark.anyio


async def _batch_job(session: AsyncSession) -> Job:
    session.expire_all()
    return (await session.scalars(sa.select(Job).where(col(Job.kind) == BATCH_KIND))).one()


@pytest.mark.real_commits  # the job runs in a worker with its own engine
async def test_a_batch_that_cannot_be_written_fails_with_its_reason_and_prints_when_retried(
    client: Client, session: AsyncSession, settings: Settings, tmp_path: Path
) -> None:
    expo_id = (await make_venue(session)).expo_id
    org = bearer(await make_user_token(session, Role.ORGANISER))
    for i in range(3):
        issued = await client.post(
            f"/api/expos/{expo_id}/passes", json={"kind": "volunteer", "holder_name": f"Relawan {i}"}, headers=org
        )
        assert issued.status_code == 201, issued.text
    started = await client.post(f"/api/expos/{expo_id}/pass-batches", json={"background": True}, headers=org)
    assert started.status_code == 202, started.text
    job_url = started.headers["location"]
    job = await _batch_job(session)
    assert (job.status, job.expo_id, job.max_attempts) == (JobState.QUEUED, expo_id, 3)

    blocker = tmp_path / "not-a-directory"
    blocker.write_text("a file where the jobs directory should be")
    broken: dict[str, Any] = {"pass_jobs_dir": blocker / "jobs", "job_backoff_base_seconds": 0.0}
    assert await run_jobs(settings.model_copy(update=broken)) == 3
    job = await _batch_job(session)
    assert (job.status, job.attempts) == (JobState.FAILED, 3)
    assert job.last_error is not None
    assert job.last_error.startswith(("FileExistsError", "NotADirectoryError"))
    batch = (await client.get(job_url, headers=org)).json()
    assert batch["status"] == "failed"
    assert batch["error"].split(":")[0] == job.last_error.split(":")[0]

    await retry_job(session, job.id or 0)
    await session.commit()
    assert await run_jobs(settings) == 1
    batch = (await client.get(job_url, headers=org)).json()
    assert (batch["status"], batch["done"], batch["error"]) == ("done", 3, None)
    download = await client.get(batch["download_url"], headers=org)
    assert download.content.startswith(b"%PDF")
    job = await _batch_job(session)
    assert job.status == JobState.DONE
    assert Path(job.outputs[-1]).name == (job.result or {}).get("file")


@pytest.mark.real_commits
async def test_a_batch_rolled_back_with_its_request_queues_no_job(
    client: Client, session: AsyncSession, settings: Settings
) -> None:
    venue = await make_venue(session)
    org = bearer(await make_user_token(session, Role.ORGANISER))
    refused = await client.post(f"/api/expos/{venue.expo_id}/pass-batches", json={"background": True}, headers=org)
    assert refused.status_code == 422  # no passes yet: nothing to print, nothing queued
    batches = sa.select(sa.func.count()).select_from(Job).where(col(Job.kind) == BATCH_KIND)
    assert (await session.scalar(batches)) == 0  # (the expo's day-before reminder is queued, not a batch)


@pytest.mark.real_commits
async def test_a_batch_whose_job_was_cancelled_reads_as_failed(
    client: Client, session: AsyncSession, settings: Settings
) -> None:
    from expo.jobs import cancel_job

    expo_id = (await make_venue(session)).expo_id
    org = bearer(await make_user_token(session, Role.ORGANISER))
    issued = await client.post(
        f"/api/expos/{expo_id}/passes", json={"kind": "volunteer", "holder_name": "Relawan"}, headers=org
    )
    assert issued.status_code == 201, issued.text
    started = await client.post(f"/api/expos/{expo_id}/pass-batches", json={"background": True}, headers=org)
    job = await _batch_job(session)
    await cancel_job(session, job.id or 0)
    await session.commit()
    batch = (await client.get(started.headers["location"], headers=org)).json()
    assert (batch["status"], batch["error"]) == ("failed", "Cancelled on the background work page.")
    listed = (await client.get(f"/api/expos/{expo_id}/pass-batches", headers=org)).json()
    assert [b["status"] for b in listed] == ["failed"]
    assert await run_jobs(settings) == 0  # nothing left to run
