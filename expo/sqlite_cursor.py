"""SQLite statements in one turn of aiosqlite's thread instead of four.

aiosqlite runs every call on the connection's own thread and hands each result back to the event
loop: a queue, a thread wake-up and a loop wake-up per call. SQLAlchemy's adapter makes four such
calls per statement (open a cursor, execute, fetch the rows, close the cursor), so a gate scan's
three statements and its commit took thirteen turns, a fifth of a worker's CPU at 32 scanners
(``docs/benchmarks.md``). ``OneTurnCursor`` does the four in one function on that thread and keeps
what SQLAlchemy reads afterwards (the rows, ``description``, ``rowcount``, ``lastrowid``).

It uses aiosqlite's ``Connection._execute(fn)``, the call every public aiosqlite method is built on
(SQLAlchemy's own adapter reaches into the same queue to set the isolation level). Without it (a
future aiosqlite), :func:`install` leaves SQLAlchemy's cursor in place. Server-side cursors
(``stream_results``) keep SQLAlchemy's cursor: they fetch in chunks on purpose.
"""

import collections
import sqlite3
from typing import Any

from sqlalchemy.dialects.sqlite.aiosqlite import AsyncAdapt_aiosqlite_connection, AsyncAdapt_aiosqlite_cursor

Outcome = tuple[Any, int, int | None, list[Any]]


def _on_thread(connection: sqlite3.Connection, operation: str, parameters: Any, many: bool) -> Outcome:
    """On aiosqlite's thread: the statement, its rows, and what its cursor says of it."""
    cursor = connection.cursor()
    try:
        if many:
            cursor.executemany(operation, parameters)
        else:
            cursor.execute(operation, parameters)
        rows = cursor.fetchall() if cursor.description else []
        return cursor.description, cursor.rowcount, cursor.lastrowid, rows
    finally:
        cursor.close()


class OneTurnCursor(AsyncAdapt_aiosqlite_cursor):
    """SQLAlchemy's aiosqlite cursor, each statement one call on the connection's thread."""

    __slots__ = ("_description", "_lastrowid", "_rowcount")
    _awaitable_cursor_close = False  # nothing left open to close

    def __init__(self, adapt_connection: Any) -> None:
        super().__init__(adapt_connection)
        self._description: Any = None
        self._rowcount = -1
        self._lastrowid: int | None = None

    def _make_new_cursor(self, connection: Any) -> Any:
        return None  # opened on the thread, with the statement

    def _aenter_cursor(self, cursor: Any) -> Any:
        return None

    @property
    def description(self) -> Any:
        return self._description

    @property
    def rowcount(self) -> int:
        return self._rowcount

    @property
    def lastrowid(self) -> int:
        return self._lastrowid  # type: ignore[return-value]  # None before any insert, as sqlite3's

    @property
    def arraysize(self) -> int:
        return 1

    @arraysize.setter
    def arraysize(self, value: int) -> None:
        pass

    async def _async_soft_close(self) -> None:
        return None

    def close(self) -> None:
        self._rows.clear()

    async def _one_turn(self, operation: Any, parameters: Any, many: bool) -> Any:
        async with self._adapt_connection._execute_mutex:
            driver = self._connection
            outcome: Outcome = await driver._execute(_on_thread, driver._conn, operation, parameters, many)
        self._description, self._rowcount, self._lastrowid, rows = outcome
        self._rows = collections.deque(rows)
        return self

    async def _execute_async(self, operation: Any, parameters: Any) -> Any:
        return await self._one_turn(operation, () if parameters is None else parameters, False)

    async def _executemany_async(self, operation: Any, seq_of_parameters: Any) -> Any:
        return await self._one_turn(operation, seq_of_parameters, True)


def install() -> bool:
    """Use :class:`OneTurnCursor` for every aiosqlite connection of this process; whether it could."""
    import aiosqlite

    if not callable(getattr(aiosqlite.Connection, "_execute", None)):
        return False
    AsyncAdapt_aiosqlite_connection._cursor_cls = OneTurnCursor
    return True
