"""Running the job runner's queue inside a test: a real worker on the test's database."""

from typing import Any

from expo.app import load_job_handlers
from expo.jobs.worker import Worker
from expo.settings import Settings


async def run_jobs(settings: Settings, **worker_args: Any) -> int:
    """Run every due job to its end with a worker of its own engine (commits for real: the test is
    marked ``real_commits``); the number of attempts finished."""
    load_job_handlers(settings)
    worker = Worker(settings, **worker_args)
    try:
        return await worker.run_until_idle()
    finally:
        await worker.close()
