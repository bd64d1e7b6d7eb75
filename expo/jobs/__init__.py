"""One durable job runner for every background task: messages, pass batches, reports.

``enqueue`` writes a job in the caller's transaction (a transactional outbox); a worker (``expo
worker``, or the one ``expo serve`` embeds) claims it under a lease, runs the handler registered with
``job_handler`` under a time limit, retries with backoff, and puts what cannot succeed in the dead
letter (status ``failed``) for an organiser to see and retry."""

from expo.jobs.handlers import JobContext, PermanentFailure, job_handler, kind_label, registered_kinds
from expo.jobs.models import Job, JobState
from expo.jobs.service import cancel_job, enqueue, get_job, job_counts, list_jobs, retry_job

__all__ = [
    "Job",
    "JobContext",
    "JobState",
    "PermanentFailure",
    "cancel_job",
    "enqueue",
    "get_job",
    "job_counts",
    "job_handler",
    "kind_label",
    "list_jobs",
    "registered_kinds",
    "retry_job",
]
