"""The periodic clean-up job: finished jobs older than ``EXPO_JOB_KEEP_DAYS`` go, with their files.

(Files of a failed job are deleted when it fails; those of an attempt whose worker died, when the
job is claimed again.)"""

from datetime import timedelta
from typing import Any

import anyio.to_thread
import sqlalchemy as sa
from sqlmodel import col

from expo.formatting import utcnow
from expo.i18n import N_
from expo.jobs.handlers import JobContext, job_handler
from expo.jobs.models import Job, JobState
from expo.jobs.worker import CLEANUP_KIND, remove_files

BATCH = 500


@job_handler(CLEANUP_KIND, label=N_("Deleting old jobs and their files"))
async def clean_up(ctx: JobContext, _payload: dict[str, Any]) -> dict[str, Any]:
    before = utcnow() - timedelta(days=ctx.settings.job_keep_days)
    files = rows = 0
    while True:
        async with ctx.sessionmaker() as session:
            old = (
                await session.scalars(
                    sa.select(Job)
                    .where(col(Job.status).in_([JobState.DONE, JobState.FAILED, JobState.CANCELLED]))
                    .where(col(Job.finished_at) < before, col(Job.id) != ctx.job_id)
                    .order_by(col(Job.id))
                    .limit(BATCH)
                )
            ).all()
            for job in old:
                files += len(job.outputs)
                await anyio.to_thread.run_sync(remove_files, list(job.outputs))
                await session.delete(job)
            await session.commit()
        rows += len(old)
        await ctx.heartbeat()
        if len(old) < BATCH:
            return {"files_deleted": files, "jobs_deleted": rows}
