"""Litestar channels that live through a database or Redis outage and always let a worker stop.

Litestar's ``ChannelsPlugin`` publishes from one background task that calls the backend's
``publish``; one failed publish (PostgreSQL restarting under load, say) ends that task, later
notices pile up in its queue, and shutdown waits for that queue forever. Its PostgreSQL backend
also listens on one connection that is never replaced, so after a restart nobody hears anything.

Here:
- :class:`SafePublish` wraps any backend: a publish is retried a few times with backoff, each try
  bounded by a timeout, then dropped with a log line; it never raises, so the publisher task lives
  on. While the backend is known to be down, notices are dropped at once (a quiet period) instead of
  piling up behind retries.
- :class:`PgNotifyBackend` is ``LISTEN/NOTIFY`` whose listening connection comes back by itself
  after the server does, re-listening to every channel subscribers still want.
- :class:`BoundedChannelsPlugin` stops within ``shutdown_seconds`` whatever the backend does.
- :meth:`SafePublish.ping` asks the backend's server whether it answers (``/health``).

What travels on these channels are hints ("re-read the numbers"); whoever listens also re-reads on
a timer, so a dropped notice costs a few seconds of lag, never data.
"""

import asyncio
import contextlib
import logging
import time
from collections.abc import AsyncGenerator, Iterable
from types import TracebackType
from typing import Any

import anyio
import asyncpg
from litestar.channels import ChannelsPlugin
from litestar.channels.backends.base import ChannelsBackend
from litestar.channels.backends.redis import RedisChannelsPubSubBackend

log = logging.getLogger("expo.channels")

# What a backend raises when its server is away; anything else is a bug and is logged as one.
_BACKEND_ERRORS: tuple[type[Exception], ...] = (OSError, asyncpg.PostgresError, asyncpg.InterfaceError)
_PUBLISH_ERRORS: tuple[type[Exception], ...] = (TimeoutError, *_BACKEND_ERRORS)


class SafePublish(ChannelsBackend):
    """Wraps a backend so that ``publish`` retries, then drops, and never raises."""

    def __init__(
        self,
        inner: ChannelsBackend,
        *,
        attempts: int = 3,
        timeout: float = 3.0,
        backoff: float = 0.2,
        quiet_seconds: float = 2.0,
    ) -> None:
        self.inner = inner
        self._attempts = attempts
        self._timeout = timeout
        self._backoff = backoff
        self._quiet_seconds = quiet_seconds
        self._quiet_until = 0.0  # while the backend is known to be down, drop at once until then
        self._dropped = 0
        self._closing = False

    @property
    def dropped(self) -> int:
        """Notices dropped since the backend last worked (0 while it works)."""
        return self._dropped

    def closing(self) -> None:
        """Shutdown has begun: what is still queued gets one short try, no retries."""
        self._closing = True

    async def on_startup(self) -> None:
        self._closing = False
        await self.inner.on_startup()

    async def on_shutdown(self) -> None:
        with anyio.move_on_after(self._timeout) as scope:
            await self.inner.on_shutdown()
        if scope.cancelled_caught:
            log.warning("channels backend did not shut down within %.1f s; left behind", self._timeout)

    async def publish(self, data: bytes, channels: Iterable[str]) -> None:
        targets = list(channels)
        down = self._dropped > 0
        if down and time.monotonic() < self._quiet_until:
            self._dropped += 1
            return
        attempts = 1 if (down or self._closing) else self._attempts
        for attempt in range(attempts):
            try:
                with anyio.fail_after(self._timeout):
                    await self.inner.publish(data, targets)
            except _PUBLISH_ERRORS as exc:
                error: BaseException = exc
            except Exception as exc:  # a bug in a backend must not end the publisher task either
                log.exception("channels publish failed unexpectedly")
                error = exc
            else:
                if down:
                    log.info("live notices are back; %d were dropped while the backend was away", self._dropped)
                self._dropped = 0
                return
            if attempt + 1 < attempts:
                await asyncio.sleep(self._backoff * 2**attempt)
        if not down:
            log.warning("live notice to %s dropped after %d tries: %s", ",".join(targets), attempts, error)
        self._dropped += 1
        self._quiet_until = time.monotonic() + self._quiet_seconds

    async def subscribe(self, channels: Iterable[str]) -> None:
        await self.inner.subscribe(channels)

    async def unsubscribe(self, channels: Iterable[str]) -> None:
        await self.inner.unsubscribe(channels)

    async def ping(self) -> None:
        """Raise unless the backend's server answers. An in-memory backend has no server to lose."""
        if isinstance(self.inner, PgNotifyBackend | RedisPubSubBackend):
            await self.inner.ping()

    def stream_events(self) -> AsyncGenerator[tuple[str, bytes], None]:
        return self.inner.stream_events()

    async def get_history(self, channel: str, limit: int | None = None) -> list[bytes]:
        return await self.inner.get_history(channel, limit)


class PgNotifyBackend(ChannelsBackend):
    """PostgreSQL ``LISTEN/NOTIFY`` with a listening connection that reconnects by itself.

    Subscribing while the server is away does not fail: the channel is remembered and listened to
    as soon as the connection is back (subscribers meanwhile rely on their periodic re-read)."""

    def __init__(self, dsn: str, *, connect_timeout: float = 5.0, max_retry_seconds: float = 2.0) -> None:
        self._dsn = dsn
        self._connect_timeout = connect_timeout
        self._max_retry_seconds = max_retry_seconds
        self._wanted: set[str] = set()
        self._listening: set[str] = set()
        self._conn: asyncpg.Connection | None = None
        self._queue: asyncio.Queue[tuple[str, bytes]] = asyncio.Queue()
        self._lock = asyncio.Lock()
        self._reconnect_task: asyncio.Task[None] | None = None
        self._stopped = False

    async def _connect(self) -> asyncpg.Connection:
        return await asyncpg.connect(self._dsn, timeout=self._connect_timeout)

    async def on_startup(self) -> None:
        self._stopped = False
        self._queue = asyncio.Queue()
        self._lock = asyncio.Lock()
        try:
            await self._ensure_listening()
        except _BACKEND_ERRORS as exc:  # the app still starts; listening comes back with the server
            log.warning("cannot listen for live notices yet: %s", exc)
            self._reconnect_soon()

    async def on_shutdown(self) -> None:
        self._stopped = True
        if self._reconnect_task is not None:
            self._reconnect_task.cancel()
            self._reconnect_task = None
        conn, self._conn = self._conn, None
        self._listening.clear()
        self._wanted.clear()
        if conn is not None and not conn.is_closed():
            try:
                await conn.close(timeout=self._connect_timeout)
            except Exception:  # a half-dead connection: just drop the socket
                conn.terminate()

    async def publish(self, data: bytes, channels: Iterable[str]) -> None:
        text = data.decode("utf-8")
        conn = await self._connect()
        try:
            for channel in channels:
                await conn.execute("SELECT pg_notify($1, $2)", channel, text)
        finally:
            try:
                await conn.close(timeout=self._connect_timeout)
            except Exception:
                conn.terminate()

    async def subscribe(self, channels: Iterable[str]) -> None:
        self._wanted |= set(channels)
        try:
            await self._ensure_listening()
        except _BACKEND_ERRORS as exc:
            log.info("live notices: listening resumes when the database is back (%s)", exc)
            self._reconnect_soon()

    async def unsubscribe(self, channels: Iterable[str]) -> None:
        gone = set(channels)
        self._wanted -= gone
        async with self._lock:
            conn = self._conn
            for channel in gone & self._listening:
                self._listening.discard(channel)
                if conn is not None and not conn.is_closed():
                    with contextlib.suppress(*_BACKEND_ERRORS):  # a lost connection took its LISTEN along
                        await conn.remove_listener(channel, self._heard)

    async def stream_events(self) -> AsyncGenerator[tuple[str, bytes], None]:
        while True:
            channel, message = await self._queue.get()
            if channel in self._wanted:  # an UNLISTEN may have crossed this message
                yield channel, message

    async def get_history(self, channel: str, limit: int | None = None) -> list[bytes]:
        raise NotImplementedError("PostgreSQL NOTIFY keeps no history")

    async def ping(self) -> None:
        """A round trip on the listening connection itself (reconnecting it first if it was lost):
        that connection, not any other, is what brings the other servers' notices to dashboards."""
        await self._ensure_listening()
        async with self._lock:
            conn = self._conn
            if conn is None or conn.is_closed():
                raise ConnectionError("live notices: not listening")
            await conn.fetchval("SELECT 1")

    async def _ensure_listening(self) -> None:
        async with self._lock:
            if self._stopped:
                return
            if self._conn is None or self._conn.is_closed():
                self._listening.clear()
                self._conn = await self._connect()
                self._conn.add_termination_listener(self._lost)
            for channel in sorted(self._wanted - self._listening):
                await self._conn.add_listener(channel, self._heard)
                self._listening.add(channel)

    def _heard(self, _connection: Any, _pid: int, channel: str, payload: object) -> None:
        if isinstance(payload, str):
            self._queue.put_nowait((channel, payload.encode("utf-8")))

    def _lost(self, _connection: Any) -> None:
        if not self._stopped:
            log.warning("live notices: lost the database connection; reconnecting")
            self._reconnect_soon()

    def _reconnect_soon(self) -> None:
        if self._stopped or (self._reconnect_task is not None and not self._reconnect_task.done()):
            return
        self._reconnect_task = asyncio.get_running_loop().create_task(self._reconnect())

    async def _reconnect(self) -> None:
        delay = 0.1
        while not self._stopped:
            await asyncio.sleep(delay)
            try:
                await self._ensure_listening()
            except _BACKEND_ERRORS:
                delay = min(delay * 2, self._max_retry_seconds)
                continue
            if self._conn is not None and not self._conn.is_closed():
                log.info("live notices: listening again")
                return


class RedisPubSubBackend(RedisChannelsPubSubBackend):
    """Litestar's Redis pub/sub backend, with the ping ``/health`` asks for."""

    async def ping(self) -> None:
        await self._redis.ping()


class BoundedChannelsPlugin(ChannelsPlugin):
    """A ``ChannelsPlugin`` whose shutdown ends within ``shutdown_seconds`` in every case."""

    def __init__(self, backend: SafePublish, *, shutdown_seconds: float = 5.0, **kwargs: Any) -> None:
        super().__init__(backend=backend, **kwargs)
        self._safe = backend
        self._shutdown_seconds = shutdown_seconds

    @property
    def publisher(self) -> SafePublish:
        return self._safe

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc_val: BaseException | None,
        exc_tb: TracebackType | None,
    ) -> None:
        self._safe.closing()
        with anyio.move_on_after(self._shutdown_seconds) as scope:
            await super().__aexit__(exc_type, exc_val, exc_tb)
        if scope.cancelled_caught:
            # Litestar's shutdown waits on its publish queue first; give up on what is left.
            log.warning("channels did not stop within %.1f s; pending live notices dropped", self._shutdown_seconds)
            for task in (self._pub_task, self._sub_task):
                if task is not None:
                    task.cancel()
            self._pub_task = self._sub_task = None
            self._pub_queue = None
            await self._safe.on_shutdown()
