"""A server process told to stop wakes its open event streams (``expo.stopping``): through the signal
handlers it chains onto at the served app's start-up, and at once for a stream opened after the stop."""

import asyncio
import signal
from collections.abc import Iterator
from types import FrameType
from typing import Any

import pytest

from expo import stopping

pytestmark = pytest.mark.anyio


@pytest.fixture(autouse=True)
def not_stopping(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test starts in a process not told to stop (the flag is put back afterwards)."""
    monkeypatch.setitem(stopping._state, "stopping", False)


@pytest.fixture
def handlers_kept() -> Iterator[None]:
    """The process's own SIGTERM and SIGINT handlers, put back after the test."""
    kept = {signum: signal.getsignal(signum) for signum in (signal.SIGTERM, signal.SIGINT)}
    yield
    for signum, handler in kept.items():
        signal.signal(signum, handler)


async def test_the_stop_wakes_every_open_stream_and_a_later_one_at_once() -> None:
    woken: list[str] = []
    with stopping.woken_on_stop(lambda: woken.append("first")), stopping.woken_on_stop(lambda: woken.append("second")):
        assert not stopping.stopping()
        stopping.announce_stop()
        assert stopping.stopping()
        assert sorted(woken) == ["first", "second"]
    with stopping.woken_on_stop(lambda: woken.append("late")):  # opened while the server stops
        assert woken[-1] == "late"
    stopping.announce_stop()
    assert woken.count("first") == 1  # a stream that ended is not woken again


async def test_a_stop_signal_is_heard_and_still_reaches_the_handler_before_it(handlers_kept: None) -> None:
    told: list[int] = []

    def uvicorns(signum: int, _frame: FrameType | None) -> None:  # stands for uvicorn's handle_exit
        told.append(signum)

    signal.signal(signal.SIGTERM, uvicorns)
    stopping.hear_stop_signals()
    woken = asyncio.Event()
    with stopping.woken_on_stop(woken.set):
        signal.raise_signal(signal.SIGTERM)
        await asyncio.wait_for(woken.wait(), timeout=5)
    assert told == [signal.SIGTERM]
    assert stopping.stopping()


async def test_a_signal_without_a_python_handler_is_left_alone(handlers_kept: None) -> None:
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    before: Any = signal.getsignal(signal.SIGINT)
    stopping.hear_stop_signals()
    assert signal.getsignal(signal.SIGTERM) is signal.SIG_DFL
    assert signal.getsignal(signal.SIGINT) is not before  # pytest's handler is chained onto


def test_a_signal_after_the_loop_closed_still_reaches_the_handler_before_it(handlers_kept: None) -> None:
    told: list[int] = []
    loop = asyncio.new_event_loop()
    loop.run_until_complete(asyncio.sleep(0))
    signal.signal(signal.SIGTERM, lambda signum, _frame: told.append(signum))
    loop.run_until_complete(_hear())
    loop.close()
    signal.raise_signal(signal.SIGTERM)  # uvicorn's handler still runs; the closed loop is not an error
    assert told == [signal.SIGTERM]


async def _hear() -> None:
    stopping.hear_stop_signals()
