"""A connection pool that serves waiting requests in the order they came.

SQLAlchemy's asyncio pool keeps its free connections in an ``asyncio.Queue``. When a connection comes
back, that queue wakes the longest-waiting request, but a request arriving in the meantime takes the
connection first (SQLAlchemy tries ``get_nowait`` before waiting); the woken one finds the queue
empty and queues again, at the end. Under a rush (200 exhibitors when booking opens, 32 scanners)
most requests pass quickly while a few are overtaken again and again: in the booking rush the median
refusal took 52 ms and the slowest hundredth 700 ms (docs/benchmarks.md). Here a returned connection
is handed straight to the request that has waited longest, and newcomers wait behind it.
"""

import asyncio
import contextlib
from collections import deque
from typing import Any, TypeVar

from sqlalchemy.pool import AsyncAdaptedQueuePool
from sqlalchemy.util import memoized_property
from sqlalchemy.util.queue import AsyncAdaptedQueue

T = TypeVar("T")


class HandoffQueue(asyncio.Queue[T]):
    """An ``asyncio.Queue`` whose ``put`` gives the item to the longest-waiting ``get``: while anyone
    waits the queue stays empty, so nobody overtakes them. Only ``put``/``get`` and their ``_nowait``
    forms are used by the pool (``join``/``task_done`` are not counted for handed-over items)."""

    def _waiting(self) -> deque[asyncio.Future[Any]]:
        getters: deque[asyncio.Future[Any]] = self._getters  # type: ignore[attr-defined]
        return getters

    def put_nowait(self, item: T) -> None:
        waiting = self._waiting()
        while waiting:
            getter = waiting.popleft()
            if not getter.done():
                getter.set_result(item)
                return
        super().put_nowait(item)

    async def get(self) -> T:
        if not self.empty():  # nobody waits (they would have been handed the items)
            return self.get_nowait()
        getter: asyncio.Future[T] = asyncio.get_running_loop().create_future()
        self._waiting().append(getter)
        try:
            return await getter
        except BaseException:
            if getter.done() and not getter.cancelled():
                self.put_nowait(getter.result())  # handed over just as we gave up: to the next one
            else:
                getter.cancel()
                with contextlib.suppress(ValueError):
                    self._waiting().remove(getter)
            raise


class FairAsyncAdaptedQueue(AsyncAdaptedQueue[T]):
    @memoized_property
    def _queue(self) -> asyncio.Queue[T]:  # created on first use, in the running loop, as SQLAlchemy's
        return HandoffQueue(maxsize=self.maxsize)


class FairAsyncQueuePool(AsyncAdaptedQueuePool):
    """SQLAlchemy's asyncio queue pool, first come first served."""

    _queue_class = FairAsyncAdaptedQueue  # type: ignore[assignment]
