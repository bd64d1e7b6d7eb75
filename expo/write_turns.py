"""Turns for writes that many requests make at once: the gate's scans, the booth rush.

SQLite lets one writer at a time into the file, and a writer that finds it taken sleeps in SQLite's
busy handler (1, 2, 5 ... up to 100 ms between retries) even when the lock is free again a moment
later: at 32 scanners, or 200 exhibitors pressing "book" at the opening, the cores idled while the
slowest requests waited seconds. Writers queue here instead, on the event loop (this process) and on
an ``flock`` of a file beside the database (the other workers), both of which wake the next writer
as soon as the lock is released. On other engines the turns are no-ops: PostgreSQL locks rows.

``try_claim`` is a transaction's exclusive claim on a name (a booth being booked): PostgreSQL's
``pg_try_advisory_xact_lock``, and on SQLite the same promise kept by this process (a set) and the
other workers (a byte-range lock of a file beside the database). Both are given back when the
session's transaction ends, whichever way it ends.
"""

import asyncio
import contextlib
import fcntl
import os
import weakref
from collections.abc import AsyncIterator, Callable
from typing import Any

import anyio
import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session, SessionTransaction

_writers: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Lock] = weakref.WeakKeyDictionary()
_files: dict[str, int] = {}
_claims: set[tuple[str, int, int]] = set()  # (database, key, number) claimed by a transaction of this process

_TRY_ADVISORY = sa.select(
    sa.func.pg_try_advisory_xact_lock(sa.bindparam("key", type_=sa.Integer), sa.bindparam("number", type_=sa.Integer))
)


def writer_lock(loop: asyncio.AbstractEventLoop) -> asyncio.Lock:
    """This process's queue of SQLite writers on ``loop`` (shared by every turn)."""
    return _writers.setdefault(loop, asyncio.Lock())


def _lock_file(path: str) -> int:
    """This process's descriptor of a lock file (kept open, one per file: closing any descriptor of a
    file drops the process's byte-range locks on it; a server has one database, the test suite many,
    so the oldest beyond 32 are closed)."""
    fd = _files.get(path)
    if fd is None:
        while len(_files) >= 32:
            os.close(_files.pop(next(iter(_files))))
        fd = _files[path] = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    return fd


def _sqlite_file(session: AsyncSession) -> str | None:
    """The SQLite database file of the session, None for other engines and in-memory databases."""
    bind = session.get_bind()
    if bind.dialect.name != "sqlite":
        return None
    database = bind.engine.url.database
    return None if not database or database == ":memory:" else database


async def _take_writer_turn(database: str) -> Callable[[], None]:
    """Wait for the write turn (this process's queue, then the other workers' ``flock``); the function
    that gives it back."""
    lock = writer_lock(asyncio.get_running_loop())
    await lock.acquire()
    fd = _lock_file(f"{database}-writer.lock")
    held, ours = [False], [True]

    def wait() -> None:
        fcntl.flock(fd, fcntl.LOCK_EX)
        held[0] = True

    def give_back() -> None:
        if held[0]:
            fcntl.flock(fd, fcntl.LOCK_UN)
            held[0] = False
        if ours[0]:  # given back once, whoever calls
            ours[0] = False
            lock.release()

    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            held[0] = True
        except BlockingIOError:
            await anyio.to_thread.run_sync(wait)  # not abandoned on cancel: ``held`` tells the truth
    except BaseException:
        give_back()
        raise
    return give_back


@contextlib.asynccontextmanager
async def sqlite_write_turn(session: AsyncSession) -> AsyncIterator[None]:
    """Wrap a short write transaction that many requests run at once (gate scans): the turn is given
    back when the block ends. Other engines: no-op."""
    database = _sqlite_file(session)
    if database is None:
        yield
        return
    give_back = await _take_writer_turn(database)
    try:
        yield
    finally:
        give_back()


def _at_transaction_end(session: AsyncSession, release: Callable[[], None]) -> None:
    """Call ``release`` when the session's outermost transaction ends (commit, rollback or close)."""
    sync: Session = session.sync_session
    pending: list[Callable[[], None]] = sync.info.setdefault("turns_to_release", [])
    pending.append(release)
    if not sync.info.get("turns_listened"):
        sync.info["turns_listened"] = True
        event.listen(sync, "after_transaction_end", _release_turns)


def _release_turns(sync: Session, transaction: SessionTransaction) -> None:
    if transaction.parent is not None:  # a savepoint or a subtransaction: the turns last longer
        return
    for release in sync.info.pop("turns_to_release", []):
        release()


def _writing(connection: Any) -> bool:
    """Whether this SQLite connection is inside a write transaction already (it holds the lock)."""
    driver = connection.driver_connection  # aiosqlite's Connection
    return bool(getattr(driver, "in_transaction", False))


async def write_turn_until_end(session: AsyncSession) -> None:
    """SQLite: wait for the write turn now and keep it until the session's transaction ends, for a
    write transaction that is not one block of code (a booth hold: the route commits). A session
    that holds the turn or already writes (SQLite's lock is its own) does not wait. Other engines:
    no-op. The connection is taken first: a turn held while waiting for the pool, whose
    connections belong to requests queued for that turn, would stand the worker still."""
    database = _sqlite_file(session)
    if database is None:
        return
    connection = await session.connection()
    sync = session.sync_session
    if sync.info.get("holds_writer_turn") or _writing(await connection.get_raw_connection()):
        return
    give_back = await _take_writer_turn(database)
    sync.info["holds_writer_turn"] = True

    def release() -> None:
        sync.info.pop("holds_writer_turn", None)
        give_back()

    _at_transaction_end(session, release)


async def try_claim(session: AsyncSession, key: int, number: int) -> bool:
    """Claim (``key``, ``number``) for the session's transaction without waiting: False when another
    transaction holds it. PostgreSQL: ``pg_try_advisory_xact_lock``; SQLite: this process's set and
    a byte-range lock of ``<database>-claims.lock`` at the pair's offset."""
    bind = session.get_bind()
    if bind.dialect.name == "postgresql":
        return bool(await session.scalar(_TRY_ADVISORY, {"key": key, "number": number}))
    await session.connection()  # the transaction the claim lasts for has begun
    database = bind.engine.url.database or ":memory:"
    claim = (database, key, number)
    if claim in _claims:
        return False
    fd = None if database == ":memory:" else _lock_file(f"{database}-claims.lock")
    offset = (key << 32) + number
    if fd is not None:
        try:
            fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB, 1, offset)
        except OSError:  # another worker's transaction holds it
            return False
    _claims.add(claim)

    def release() -> None:
        _claims.discard(claim)
        if fd is not None and _files.get(f"{database}-claims.lock") == fd:
            fcntl.lockf(fd, fcntl.LOCK_UN, 1, offset)

    _at_transaction_end(session, release)
    return True
