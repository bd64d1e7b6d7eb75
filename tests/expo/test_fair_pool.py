"""The connection pool serves waiting requests first come, first served (``expo/fair_pool.py``)."""

import asyncio

import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine
from sqlalchemy.pool import AsyncAdaptedQueuePool

from expo.database import create_engine
from expo.fair_pool import FairAsyncQueuePool, HandoffQueue
from expo.settings import Settings

pytestmark = pytest.mark.anyio


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


async def test_a_returned_item_goes_to_the_longest_waiting_get_not_to_a_newcomer() -> None:
    queue: HandoffQueue[str] = HandoffQueue()
    first = asyncio.create_task(queue.get())
    second = asyncio.create_task(queue.get())
    await asyncio.sleep(0)  # both wait, in this order
    queue.put_nowait("a")
    newcomer = asyncio.create_task(queue.get())  # arrives before the woken one runs
    await asyncio.sleep(0)
    queue.put_nowait("b")
    queue.put_nowait("c")
    assert await first == "a"
    assert await second == "b"
    assert await newcomer == "c"
    assert queue.empty()


async def test_an_item_is_taken_at_once_when_nobody_waits() -> None:
    queue: HandoffQueue[int] = HandoffQueue(maxsize=2)
    await queue.put(1)
    assert await queue.get() == 1


async def test_a_get_cancelled_after_being_handed_an_item_passes_it_on() -> None:
    queue: HandoffQueue[str] = HandoffQueue()
    leaving = asyncio.create_task(queue.get())
    staying = asyncio.create_task(queue.get())
    await asyncio.sleep(0)
    queue.put_nowait("x")  # handed to ``leaving``, which has not run yet
    leaving.cancel()
    with pytest.raises(asyncio.CancelledError):
        await leaving
    assert await staying == "x"


async def test_a_timed_out_get_leaves_no_one_waiting_behind() -> None:
    queue: HandoffQueue[str] = HandoffQueue()
    with pytest.raises(TimeoutError):
        await asyncio.wait_for(queue.get(), 0.01)
    queue.put_nowait("y")  # not handed to the gone waiter
    assert queue.get_nowait() == "y"


async def _order_of_service(engine: AsyncEngine, waiting: int) -> list[int]:
    """Hold the pool's only connection while ``waiting`` requests queue for it, give it back and ask
    for one again at once (a newcomer arriving as a connection comes back): the order of service,
    the newcomer as -1."""
    served: list[int] = []
    holder = await engine.connect()
    await holder.execute(sa.text("SELECT 1"))

    async def request(n: int) -> None:
        async with engine.connect() as connection:
            await connection.execute(sa.text("SELECT 1"))
            served.append(n)

    queued = []
    for n in range(waiting):
        queued.append(asyncio.create_task(request(n)))
        await asyncio.sleep(0.01)  # each one waits in the pool's queue, in this order
    await holder.close()
    async with engine.connect() as again:
        await again.execute(sa.text("SELECT 1"))
        served.append(-1)
    await asyncio.gather(*queued)
    return served


async def test_the_engines_pool_serves_queued_requests_before_newcomers(tmp_path: object) -> None:
    settings = Settings(database_url=f"sqlite+aiosqlite:///{tmp_path}/fair.db", pool_size=1, pool_timeout_seconds=5)
    engine = create_engine(settings)
    assert isinstance(engine.pool, FairAsyncQueuePool)
    try:
        served = await _order_of_service(engine, 5)
    finally:
        await engine.dispose()
    assert served == [0, 1, 2, 3, 4, -1]  # everyone who queued, in order, before the newcomer


async def test_sqlalchemys_own_pool_let_a_newcomer_overtake(tmp_path: object) -> None:
    """Why the fair pool exists: with SQLAlchemy's pool the newcomer takes the connection first."""
    engine = create_async_engine(
        f"sqlite+aiosqlite:///{tmp_path}/unfair.db", poolclass=AsyncAdaptedQueuePool, pool_size=1, max_overflow=0
    )
    try:
        served = await _order_of_service(engine, 5)
    finally:
        await engine.dispose()
    assert served[0] == -1
