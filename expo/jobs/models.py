"""The ``job`` table of the durable job runner: one row per unit of background work."""

from datetime import datetime
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from expo.formatting import utcnow
from expo.metadata import TIMESTAMP
from expo.metadata import metadata as _metadata  # noqa: F401  (naming convention first)


class JobState(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"  # the dead letter: out of attempts, a permanent failure, or its worker lost too often
    CANCELLED = "cancelled"


class Job(SQLModel, table=True):
    """A job: its kind (the handler's name) and payload, where it stands, and its lease.

    A worker owns a running job while ``lease_until`` is in the future (it renews the lease as it
    works); a running job whose lease has run out lost its worker and is claimed again. ``key`` makes
    enqueueing idempotent; ``outputs`` lists the files the job made, deleted by the clean-up."""

    __tablename__ = "job"
    __table_args__ = (sa.Index("ix_job_status_run_after", "status", "run_after"),)

    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(sa_type=sa.String(64), index=True)
    payload: dict[str, Any] = Field(default_factory=dict, sa_type=sa.JSON)
    status: JobState = Field(default=JobState.QUEUED, sa_type=sa.String(16))
    attempts: int = 0
    max_attempts: int = 8
    timeout_s: float = 300.0
    run_after: datetime = Field(default_factory=utcnow, sa_type=TIMESTAMP)
    lease_until: datetime | None = Field(default=None, sa_type=TIMESTAMP)
    heartbeat_at: datetime | None = Field(default=None, sa_type=TIMESTAMP)
    worker_id: str | None = Field(default=None, sa_type=sa.String(80))
    last_error: str | None = Field(default=None, sa_type=sa.Text)
    key: str | None = Field(default=None, sa_type=sa.String(200), unique=True)
    expo_id: int | None = Field(default=None, foreign_key="expo.id", ondelete="CASCADE", index=True)
    result: dict[str, Any] | None = Field(default=None, sa_type=sa.JSON)
    outputs: list[str] = Field(default_factory=list, sa_type=sa.JSON)
    created_at: datetime = Field(default_factory=utcnow, sa_type=TIMESTAMP)
    started_at: datetime | None = Field(default=None, sa_type=TIMESTAMP)
    finished_at: datetime | None = Field(default=None, sa_type=TIMESTAMP)
