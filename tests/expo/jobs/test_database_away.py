"""A worker whose database is away (a restart, a network cut) says so once, not with a traceback on
every poll, and says when it answers again."""

import logging

import pytest

from expo.jobs.worker import Worker
from expo.settings import Settings
from tests.support.smtp import refused_port

pytestmark = pytest.mark.anyio


async def test_an_unreachable_database_is_one_warning_per_outage(
    settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    with refused_port() as port:
        away = settings.model_copy(update={"database_url": f"postgresql+asyncpg://expo@127.0.0.1:{port}/gone"})
        worker = Worker(away, concurrency=2)
        try:
            with caplog.at_level(logging.WARNING, logger="expo.jobs"):
                for poll in range(5):
                    assert await worker._step(float(poll)) == 0
        finally:
            await worker.close()
    records = [r for r in caplog.records if r.name == "expo.jobs"]
    assert [r.levelno for r in records] == [logging.WARNING]  # one line, although both steps failed 5 times
    assert "cannot be reached" in records[0].getMessage()
    assert records[0].exc_info is None


async def test_a_fault_that_is_not_an_outage_keeps_its_traceback(
    settings: Settings, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    worker = Worker(settings, concurrency=2)

    async def broken(_free: int) -> list[object]:
        raise RuntimeError("a bug")

    monkeypatch.setattr(worker, "claim", broken)
    try:
        with caplog.at_level(logging.WARNING, logger="expo.jobs"):
            await worker._step(0.0)
            await worker._step(1.0)
    finally:
        await worker.close()
    claims = [r for r in caplog.records if r.getMessage() == "claiming jobs failed"]
    assert len(claims) == 2
    assert all(r.exc_info is not None for r in claims)
