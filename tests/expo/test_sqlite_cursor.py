"""SQLite statements in one turn of aiosqlite's thread (``expo.sqlite_cursor``): the same answers as
SQLAlchemy's own cursor (rows, counts, new ids, errors), one thread call per statement."""

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiosqlite
import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from expo import sqlite_cursor

pytestmark = pytest.mark.anyio
_things = sa.Table(
    "thing", sa.MetaData(), sa.Column("id", sa.Integer, primary_key=True), sa.Column("name", sa.String, unique=True)
)


@pytest.fixture
async def engine(tmp_path: Path) -> AsyncIterator[AsyncEngine]:
    assert sqlite_cursor.install()
    engine = create_async_engine(f"sqlite+aiosqlite:///{tmp_path / 'one-turn.db'}")
    async with engine.begin() as conn:
        await conn.run_sync(_things.metadata.create_all)
    yield engine
    await engine.dispose()


async def test_rows_counts_and_new_ids_as_sqlalchemy_reads_them(engine: AsyncEngine) -> None:
    async with engine.begin() as conn:
        assert type(conn.sync_connection.connection.dbapi_connection.cursor()) is sqlite_cursor.OneTurnCursor  # type: ignore[union-attr]
        first = await conn.execute(_things.insert().values(name="a"))
        assert first.inserted_primary_key == (1,)  # from lastrowid
        many = await conn.execute(_things.insert(), [{"name": "b"}, {"name": "c"}])
        assert many.rowcount == 2
        returned = await conn.execute(_things.insert().values(name="d").returning(_things.c.id))
        assert returned.scalar_one() == 4
        updated = await conn.execute(_things.update().where(_things.c.id > 2).values(name=_things.c.name + "!"))
        assert updated.rowcount == 2
        rows = (await conn.execute(sa.select(_things).order_by(_things.c.id))).all()
        assert [tuple(r) for r in rows] == [(1, "a"), (2, "b"), (3, "c!"), (4, "d!")]
        assert list((await conn.execute(sa.select(_things.c.name).where(_things.c.id == 9))).scalars()) == []
        streamed = await conn.stream(sa.select(_things.c.id).order_by(_things.c.id))  # a server-side cursor
        assert [i async for i in streamed.scalars()] == [1, 2, 3, 4]


async def test_errors_are_sqlalchemys_and_the_transaction_rolls_back(engine: AsyncEngine) -> None:
    async def twice() -> None:
        async with engine.begin() as conn:
            await conn.execute(_things.insert().values(name="x"))
            await conn.execute(_things.insert().values(name="x"))

    with pytest.raises(sa.exc.IntegrityError):
        await twice()
    with pytest.raises(sa.exc.OperationalError, match="no such table"):
        async with engine.connect() as conn:
            await conn.execute(sa.text("SELECT * FROM missing_table"))
    async with engine.connect() as conn:
        assert (await conn.execute(sa.select(sa.func.count()).select_from(_things))).scalar_one() == 0


async def test_one_thread_call_per_statement(engine: AsyncEngine, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[str] = []
    execute = aiosqlite.Connection._execute

    async def counted(self: aiosqlite.Connection, fn: Any, *args: Any, **kwargs: Any) -> Any:
        calls.append(getattr(fn, "__name__", repr(fn)))
        return await execute(self, fn, *args, **kwargs)

    async with engine.connect() as conn:
        await conn.execute(sa.select(_things))  # the connection's own first turns (begin) out of the count
        monkeypatch.setattr(aiosqlite.Connection, "_execute", counted)
        await conn.execute(_things.insert().values(name="y").returning(_things.c.id))
        await conn.execute(sa.select(_things))
        assert calls == ["_on_thread", "_on_thread"]  # SQLAlchemy's cursor: cursor, execute, fetchall, close for each
