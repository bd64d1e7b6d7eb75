"""Job kinds the runner's tests use (and the crash test's worker process loads through
``EXPO_JOB_MODULES``): each records what happened where the test can see it."""

import asyncio
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from expo.jobs import JobContext, PermanentFailure, job_handler

CALLS: list[tuple[int, int]] = []  # (job id, attempt) of every run of test.record in this process
SWITCH = {"broken": True}


@job_handler("test.record")
async def record(ctx: JobContext, payload: dict[str, Any]) -> dict[str, Any]:
    CALLS.append((ctx.job_id, ctx.attempt))
    await asyncio.sleep(0)  # let other workers' tasks in between
    return {"echo": payload.get("value")}


@job_handler("test.flaky")
async def flaky(ctx: JobContext, payload: dict[str, Any]) -> dict[str, Any]:
    await asyncio.sleep(float(payload.get("pause", 0)))  # an attempt that takes a moment before its outcome
    if ctx.attempt <= int(payload["fail_times"]):
        raise RuntimeError(f"flaky attempt {ctx.attempt}")
    return {"attempt": ctx.attempt}


@job_handler("test.permanent")
async def permanent(ctx: JobContext, payload: dict[str, Any]) -> None:
    path = payload.get("output")
    if path:
        await ctx.add_output(path)
        Path(path).write_text("half a file")  # noqa: ASYNC240  (a test's tiny file)
    raise PermanentFailure("The address does not exist.")


@job_handler("test.sleep")
async def sleep(ctx: JobContext, payload: dict[str, Any]) -> None:
    await asyncio.sleep(float(payload["seconds"]))


@job_handler("test.switch", label="Test switch")
async def switch(ctx: JobContext, payload: dict[str, Any]) -> dict[str, Any]:
    if SWITCH["broken"]:
        raise RuntimeError("the service is down")
    return {"ok": True}


EFFECT_TABLES = (
    "CREATE TABLE test_job_effect (job_key VARCHAR(40) PRIMARY KEY)",
    "CREATE TABLE test_job_duplicate (job_key VARCHAR(40) NOT NULL)",
)


@job_handler("test.effect")
async def effect(ctx: JobContext, payload: dict[str, Any]) -> None:
    """The crash test's effect, recorded idempotently: once in test_job_effect, and every further
    attempt that found it done in test_job_duplicate."""
    key = str(payload["key"])
    async with ctx.sessionmaker() as session:
        inserted = await session.execute(
            sa.text("INSERT INTO test_job_effect (job_key) VALUES (:key) ON CONFLICT DO NOTHING"), {"key": key}
        )
        if getattr(inserted, "rowcount", 0) == 0:
            await session.execute(sa.text("INSERT INTO test_job_duplicate (job_key) VALUES (:key)"), {"key": key})
        await session.commit()
    await asyncio.sleep(float(payload.get("pause", 0)))  # the gap between the effect and "done"
