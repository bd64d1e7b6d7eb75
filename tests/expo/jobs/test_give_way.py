"""The embedded job worker gives way to the requests of its server: it starts no job while the server
is answering a burst, for at most ``job_give_way_seconds`` in a row, and the app counts a request from
its arrival until its answer starts."""

import asyncio
from typing import Any

import pytest
from litestar import Litestar, get
from litestar.testing import AsyncTestClient
from litestar.types import Message, Receive, Scope, Send
from sqlalchemy.ext.asyncio import AsyncSession

from expo.jobs import JobState, enqueue
from expo.jobs.worker import Worker
from expo.requests_in_flight import RequestsInFlightMiddleware, in_flight
from expo.settings import Settings
from tests.expo.jobs.test_runner import _until, fast, job_of

pytestmark = pytest.mark.anyio


async def _started_soon(session: AsyncSession, job_id: int, seconds: float) -> bool:
    """Whether the job left the queue within ``seconds`` (a bounded look, not a measured time)."""
    for _ in range(int(seconds / 0.05)):
        if (await job_of(session, job_id)).status != JobState.QUEUED:
            return True
        await asyncio.sleep(0.05)
    return False


@pytest.mark.real_commits
async def test_no_job_starts_while_the_server_is_busy_and_each_starts_once_it_is_not(
    session: AsyncSession, settings: Settings
) -> None:
    busy = [10]
    worker = Worker(fast(settings, job_give_way_seconds=600), busy=lambda: busy[0])
    running = asyncio.create_task(worker.run())
    try:
        job_id = await enqueue(session, "test.record", {"value": 1})
        await session.commit()
        assert job_id is not None
        assert not await _started_soon(session, job_id, 0.5)  # the burst is answered first
        busy[0] = 1  # fewer requests than job_give_way_requests (4): the worker goes on
        done = await _until(session, job_id, lambda j: j.status == JobState.DONE)
        assert done.result == {"echo": 1}
    finally:
        worker.stop()
        await running
        await worker.close()


@pytest.mark.real_commits
async def test_under_steady_load_jobs_still_run_once_the_give_way_time_has_passed(
    session: AsyncSession, settings: Settings
) -> None:
    worker = Worker(fast(settings, job_give_way_seconds=0.2), busy=lambda: 100)
    running = asyncio.create_task(worker.run())
    try:
        first = await enqueue(session, "test.record", {"value": 1})
        await session.commit()
        await _until(session, first, lambda j: j.status == JobState.DONE)
        # still busy: the clock does not start again, the next job runs without a new wait
        second = await enqueue(session, "test.record", {"value": 2})
        await session.commit()
        await _until(session, second, lambda j: j.status == JobState.DONE)
    finally:
        worker.stop()
        await running
        await worker.close()


@pytest.mark.real_commits
async def test_a_worker_without_a_server_never_waits(session: AsyncSession, settings: Settings) -> None:
    worker = Worker(fast(settings, job_give_way_seconds=600))  # ``expo worker``: no requests to give way to
    running = asyncio.create_task(worker.run())
    try:
        job_id = await enqueue(session, "test.record", {"value": 3})
        await session.commit()
        await _until(session, job_id, lambda j: j.status == JobState.DONE)
    finally:
        worker.stop()
        await running
        await worker.close()


async def test_a_request_counts_until_its_answer_starts() -> None:
    seen: list[int] = []

    @get("/work", sync_to_thread=False)
    def work() -> str:
        seen.append(in_flight())
        return "done"

    before = in_flight()
    async with AsyncTestClient(Litestar([work], middleware=[RequestsInFlightMiddleware])) as client:
        assert (await client.get("/work")).text == "done"
    assert seen == [before + 1]
    assert in_flight() == before


async def test_a_live_stream_counts_only_until_it_opens() -> None:
    during: list[int] = []

    async def streaming_app(scope: Scope, receive: Receive, send: Send) -> None:
        during.append(in_flight())
        await send({"type": "http.response.start", "status": 200, "headers": []})
        during.append(in_flight())  # open: the stream may last the whole day
        await send({"type": "http.response.body", "body": b"tick", "more_body": False})

    async def sent(_message: Message) -> None:
        return None

    async def nothing() -> Message:
        return {"type": "http.disconnect"}

    before = in_flight()
    scope: Any = {"type": "http", "method": "GET", "path": "/live", "headers": []}
    await RequestsInFlightMiddleware(streaming_app)(scope, nothing, sent)
    assert during == [before + 1, before]
    assert in_flight() == before

    # an app that fails before answering gives its count back too
    async def failing_app(scope: Scope, receive: Receive, send: Send) -> None:
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        await RequestsInFlightMiddleware(failing_app)(scope, nothing, sent)
    assert in_flight() == before
