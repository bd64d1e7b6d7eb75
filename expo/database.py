"""Engine and session wiring for SQLite (embedded default) and PostgreSQL (production)."""

import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine.interfaces import DBAPIConnection
from sqlalchemy.exc import DBAPIError, DisconnectionError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine
from sqlalchemy.pool import ConnectionPoolEntry

from expo import sqlite_cursor
from expo.fair_pool import FairAsyncQueuePool
from expo.metadata import metadata
from expo.settings import Settings

__all__ = [
    "DatabaseUnavailable",
    "contains_pattern",
    "create_engine",
    "create_sessionmaker",
    "database_unreachable",
    "metadata",
    "session_scope",
]


class DatabaseUnavailable(Exception):
    """The database server cannot be reached (refused, reset, timed out): answered as 503, not 500.

    The asyncpg driver lets socket errors of a new connection escape as plain ``OSError``; they are
    turned into this here, where they are known to be about the database (an ``OSError`` elsewhere,
    a missing font file say, is not an outage)."""


# SQLSTATEs of a server that is away: class 08 (connection exception), shutting down or starting up
# (57P01-57P03), out of connection slots (53300).
_UNAVAILABLE_SQLSTATES = ("08", "57P01", "57P02", "57P03", "53300")


def database_unreachable(exc: BaseException) -> bool:
    """Is this error, or one it wraps, the database server being away rather than a bad query?

    Covers what asyncpg and SQLAlchemy raise for it: our :class:`DatabaseUnavailable` (socket errors
    of a new connection), a connection SQLAlchemy found broken (``connection_invalidated``), driver
    errors with a connection-class SQLSTATE (``ConnectionDoesNotExistError``,
    ``CannotConnectNowError``...), and socket errors inside a wrapped driver error."""
    seen: set[int] = set()
    current: BaseException | None = exc
    inside_driver = False
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, DatabaseUnavailable):
            return True
        if isinstance(current, DBAPIError):
            if current.connection_invalidated:
                return True
            inside_driver = True
        state = getattr(current, "sqlstate", None) or getattr(current, "pgcode", None)
        if isinstance(state, str) and state.startswith(_UNAVAILABLE_SQLSTATES):
            return True
        if inside_driver and isinstance(current, OSError):
            return True
        following = current.orig if isinstance(current, DBAPIError) else None
        current = following or current.__cause__ or current.__context__
    return False


def create_engine(settings: Settings) -> AsyncEngine:
    """Build the async engine; SQLite gets WAL, a busy timeout and foreign keys on every connection.

    PostgreSQL: a short connect timeout (a request during an outage is answered in seconds, not after
    asyncpg's 60 s), a check of each pooled connection before use (``_check_on_checkout``: broken ones
    are replaced by themselves, so the app recovers from a restart without one) and a bounded wait for
    a free pooled connection."""
    url = settings.database_url
    kwargs: dict[str, Any]
    if url.startswith("sqlite"):
        path = url.split("///", 1)[-1]
        if path and path != ":memory:":
            from pathlib import Path

            Path(path).parent.mkdir(parents=True, exist_ok=True)
        kwargs = {
            "connect_args": {"timeout": settings.sqlite_busy_timeout_ms / 1000},
            # As on PostgreSQL, every connection is kept once opened: SQLAlchemy's default (5, and 10
            # more closed as soon as they came back) made a rush open SQLite connections, each with
            # its own thread and PRAGMAs, over and over, and queued reads behind writers waiting for
            # their turn with the few kept ones.
            "pool_size": settings.pool_size,
            "max_overflow": 0,
            "pool_timeout": settings.pool_timeout_seconds,
        }
    else:
        kwargs = {
            # Every connection is kept once opened: the pool's "overflow" ones were closed as soon as
            # they came back, so at 32 scanners a worker kept connecting again (a TLS attempt, a
            # log-in, every statement prepared afresh), a tenth of its time (docs/benchmarks.md).
            "pool_size": settings.pool_size,
            "max_overflow": 0,
            "pool_timeout": settings.pool_timeout_seconds,
            "connect_args": {"timeout": settings.database_connect_timeout_seconds},
        }
    # First come, first served: SQLAlchemy's own pool lets newcomers overtake requests waiting for
    # a connection, which gave the rush its slowest answers (expo/fair_pool.py).
    engine = create_async_engine(url, poolclass=FairAsyncQueuePool, **kwargs)
    if url.startswith("sqlite"):
        sqlite_cursor.install()
        _configure_sqlite(engine, settings.sqlite_busy_timeout_ms)
    else:
        _mark_unreachable(engine)
        _check_on_checkout(engine, settings.pool_ping_idle_seconds)
    return engine


def _check_on_checkout(engine: AsyncEngine, ping_after_idle_s: float) -> None:
    """Hand out only live connections, cheaply.

    SQLAlchemy's ``pool_pre_ping`` costs three round trips (BEGIN, a ping, ROLLBACK) on every
    checkout: at the gate's 600 scans/s that was an eighth of a worker's time, spent on
    connections used a few milliseconds before. Here a connection the driver already knows is
    closed (a restarted server closes its sockets) is replaced for free, and one that sat idle
    longer than ``ping_after_idle_s`` is pinged first, so whatever happened while it was unused
    is found before a request meets it. A connection that broke while in use fails that one
    statement (answered 503, as the outage it is) and SQLAlchemy then recycles every connection
    older than the failure, so the next requests get fresh ones."""

    @event.listens_for(engine.sync_engine, "checkin")
    def _checked_in(_dbapi_connection: DBAPIConnection | None, record: ConnectionPoolEntry) -> None:
        record.info["idle_since"] = time.monotonic()

    @event.listens_for(engine.sync_engine, "checkout")
    def _checked_out(dbapi_connection: DBAPIConnection, record: ConnectionPoolEntry, _proxy: Any) -> None:
        driver = getattr(dbapi_connection, "_connection", None)  # asyncpg's own, behind the adapter
        if driver is not None and driver.is_closed():
            raise DisconnectionError("the server closed this connection")
        idle_since = record.info.pop("idle_since", None)
        if idle_since is None or time.monotonic() - idle_since <= ping_after_idle_s:
            return  # new, or used a moment ago
        try:
            engine.dialect.do_ping(dbapi_connection)
        except Exception as exc:  # any failure of the ping: the pool connects afresh instead
            raise DisconnectionError(str(exc) or type(exc).__name__) from exc


def _mark_unreachable(engine: AsyncEngine) -> None:
    @event.listens_for(engine.sync_engine, "do_connect")
    def _connect(dialect: Any, _record: ConnectionPoolEntry, cargs: Any, cparams: Any) -> DBAPIConnection:
        try:
            connection: DBAPIConnection = dialect.connect(*cargs, **cparams)
        except OSError as exc:  # refused, reset, no route, timed out (TimeoutError is an OSError)
            raise DatabaseUnavailable(str(exc) or type(exc).__name__) from exc
        return connection


def _configure_sqlite(engine: AsyncEngine, busy_timeout_ms: int) -> None:
    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_connection: DBAPIConnection, _record: ConnectionPoolEntry) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()


def create_sessionmaker(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False, class_=AsyncSession)


async def read_outside_transaction(session: AsyncSession) -> bool:
    """PostgreSQL: let the session's next statements run without a transaction (AUTOCOMMIT), so that
    a read costs one round trip instead of three (BEGIN, the read, ROLLBACK); True when it did. Only a
    session of its own, not yet in a transaction, can (the tests' sessions are bound to a connection
    in an outer transaction). ``session.commit()`` ends that use of the connection; statements after
    it run in a transaction as usual. SQLite: no round trips to save (and switching its connection's
    mode costs a call on aiosqlite's thread), so False."""
    allowed = (
        isinstance(session.bind, AsyncEngine)
        and session.bind.dialect.name == "postgresql"
        and not session.in_transaction()
    )
    if allowed:
        await session.connection(execution_options={"isolation_level": "AUTOCOMMIT"})
    return allowed


@asynccontextmanager
async def session_scope(engine: AsyncEngine) -> AsyncIterator[AsyncSession]:
    """A session for work outside a request (CLI, seeding, benchmarks)."""
    async with create_sessionmaker(engine)() as session:
        yield session


def contains_pattern(text: str) -> str:
    """A LIKE pattern matching ``text`` literally (use with ``escape="\\"``): a typed ``%`` or ``_``
    is not a wildcard."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"
