"""Live gate dashboard: check-ins are announced on a Litestar channel after they commit, and each
dashboard's event stream re-reads the numbers from the database when told (or every few seconds).

The channel backend is shared by every worker: Redis pub/sub when ``EXPO_REDIS_URL`` is set, else
PostgreSQL ``LISTEN/NOTIFY``; on SQLite (one machine) it is in memory, so a dashboard hears its own
worker at once and the other workers' scans through the periodic re-read. The numbers themselves
always come from the database, never from a process.

A notice is a hint, so a backend outage never hurts more than lag: publishing retries, then drops
with a log line (the publisher keeps running), PostgreSQL listening reconnects by itself, and
shutdown ends within a bounded time (``expo.channels``).

A scan does not publish by itself: at 500 scans a second that would be 500 messages (and, with the
PostgreSQL backend, 500 connections) a second. :class:`CheckinNotices` coalesces them into at most
one notice per expo and worker every ``NOTICE_SECONDS``.
"""

import asyncio
import logging
import time
from collections.abc import AsyncIterator, Callable
from datetime import datetime

import anyio
from litestar.channels import ChannelsPlugin
from litestar.channels.backends.base import ChannelsBackend
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from expo.channels import BoundedChannelsPlugin, PgNotifyBackend, SafePublish
from expo.database import database_unreachable
from expo.formatting import utcnow
from expo.settings import Settings
from expo.stopping import stopping, woken_on_stop
from tickets.gate import supervision as checkin_ops

log = logging.getLogger("expo.live")
NOTICE_SECONDS = 0.5  # a dashboard lags a scan by at most this (plus one read)
REREAD_SECONDS = 5.0  # and re-reads anyway this often: other SQLite workers, a lost notice
STREAM_SECONDS = 300.0  # an EventSource reconnects by itself; no connection lives forever


def channel_name(expo_id: int) -> str:
    return f"expo_checkins_{expo_id}"  # a plain identifier: PostgreSQL LISTEN needs one


def channels_backend(settings: Settings) -> ChannelsBackend:
    if settings.redis_url:
        from redis.asyncio import Redis

        from expo.channels import RedisPubSubBackend

        return RedisPubSubBackend(redis=Redis.from_url(settings.redis_url))
    url = make_url(settings.database_url)
    if url.get_backend_name() == "postgresql":
        dsn = url.set(drivername="postgresql").render_as_string(hide_password=False)
        return PgNotifyBackend(dsn, connect_timeout=settings.database_connect_timeout_seconds)
    from litestar.channels.backends.memory import MemoryChannelsBackend

    return MemoryChannelsBackend()


def channels_plugin(settings: Settings) -> ChannelsPlugin:
    backend = SafePublish(channels_backend(settings), timeout=settings.database_connect_timeout_seconds)
    return BoundedChannelsPlugin(backend, arbitrary_channels_allowed=True)


class CheckinNotices:
    """Tells dashboards that an expo's check-ins changed, at most once per ``interval`` per expo."""

    def __init__(self, channels: ChannelsPlugin, interval: float = NOTICE_SECONDS) -> None:
        self._channels = channels
        self._interval = interval
        self._pending: set[int] = set()

    def changed(self, expo_id: int) -> None:
        """Call after the change committed; returns at once."""
        if expo_id in self._pending:
            return
        self._pending.add(expo_id)
        asyncio.get_running_loop().call_later(self._interval, self._publish, expo_id)

    def _publish(self, expo_id: int) -> None:
        self._pending.discard(expo_id)
        try:
            self._channels.publish({"expo_id": expo_id}, channel_name(expo_id))
        except RuntimeError:  # the worker is shutting down and the plugin has stopped: nobody listens
            log.info("live notice for expo %s dropped: channels already stopped", expo_id)


async def stats_events(
    maker: async_sessionmaker[AsyncSession],
    channels: ChannelsPlugin,
    expo_id: int,
    *,
    reread_seconds: float = REREAD_SECONDS,
    stream_seconds: float = STREAM_SECONDS,
    clock: Callable[[], datetime] = utcnow,
) -> AsyncIterator[str]:
    """The expo's numbers as JSON: now, then whenever a notice arrives (or ``reread_seconds`` pass)
    and they differ from what was last sent."""
    notice = asyncio.Event()

    async def heard(_message: bytes) -> None:
        notice.set()

    deadline = time.monotonic() + stream_seconds
    last = ""
    async with channels.start_subscription([channel_name(expo_id)]) as subscriber, subscriber.run_in_background(heard):
        # Until the deadline, or until the server is told to stop (``expo.stopping``): the page then
        # reconnects, to a worker that serves.
        with woken_on_stop(notice.set):
            while time.monotonic() < deadline and not stopping():
                notice.clear()
                try:
                    async with maker() as session:
                        current = (await checkin_ops.stats(session, expo_id, clock())).model_dump_json()
                except Exception as exc:
                    if not database_unreachable(exc):
                        raise
                    # The dashboard keeps what it shows and the stream stays open; the next read
                    # (a notice or the timer) finds the database back by itself.
                    log.info("live dashboard of expo %s: database unreachable, reading again later: %s", expo_id, exc)
                    current = last
                if current != last:
                    last = current
                    yield current
                with anyio.move_on_after(min(reread_seconds, max(0.0, deadline - time.monotonic()))):
                    await notice.wait()
