"""A server process told to stop: its open event streams end at once instead of holding the stop up.

Told to stop (SIGTERM, SIGINT), uvicorn takes no new connection and waits for the open ones to finish,
up to ``expo.serving.GRACEFUL_SHUTDOWN_SECONDS``, before the app's own shutdown (the job worker's
drain, the pool's close). A dashboard's event stream never finishes by itself, so a worker with one
open waited the whole 10 s: after the gate day's kill and restart the server was back after 16-17 s
where it took 7 when no stream was open (docs/benchmarks.md). Now every stream is woken when the stop
is heard and ends; the page's ``EventSource`` reconnects by itself, to a worker that serves.

The stop is heard by chaining onto the process's signal handlers (uvicorn's) at the served app's
start-up (``expo.serving.create_served_app``), so it works however uvicorn runs the app (``expo
serve`` with one worker or several, ``uvicorn --workers``, ``--reload``).
"""

import asyncio
import contextlib
import signal
import threading
from collections.abc import Callable, Iterator
from types import FrameType
from typing import Any

_STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT)
_state = {"stopping": False}  # one per process: the process is what stops
_wakes: set[Callable[[], None]] = set()


def stopping() -> bool:
    """Whether this process has been told to stop."""
    return _state["stopping"]


@contextlib.contextmanager
def woken_on_stop(wake: Callable[[], None]) -> Iterator[None]:
    """While inside, ``wake`` is called (on the event loop) when the process is told to stop; at once
    if it already was (a stream that opened during the stop)."""
    _wakes.add(wake)
    try:
        if stopping():
            wake()
        yield
    finally:
        _wakes.discard(wake)


def announce_stop() -> None:
    """The process is stopping: wake every stream. Call it on the event loop."""
    _state["stopping"] = True
    for wake in list(_wakes):
        wake()


def hear_stop_signals() -> None:
    """A start-up hook of the served app: SIGTERM and SIGINT also announce the stop, then go on to the
    handler that was there (uvicorn's, which starts its graceful shutdown). A signal with no handler
    of Python's (the default, or ignored) is left alone, as is a process whose app starts outside the
    main thread (only it may set handlers: a test client's thread)."""
    if threading.current_thread() is not threading.main_thread():
        return
    loop = asyncio.get_running_loop()
    for signum in _STOP_SIGNALS:
        previous = signal.getsignal(signum)
        if callable(previous):
            signal.signal(signum, _chained(loop, previous))


def _chained(loop: asyncio.AbstractEventLoop, previous: Callable[[int, FrameType | None], Any]) -> Any:
    def handler(signum: int, frame: FrameType | None) -> None:
        # A signal handler runs between two bytecodes of whatever the loop was doing: the wake-ups
        # are handed to the loop (thread-safe, and so safe from a handler), not run here; a loop
        # already closed has no streams left to wake.
        with contextlib.suppress(RuntimeError):
            loop.call_soon_threadsafe(announce_stop)
        previous(signum, frame)

    return handler
