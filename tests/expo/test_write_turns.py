"""Claims and write turns last exactly as long as the session's transaction, on every way it ends, and
a claim on SQLite holds against the other worker processes too."""

import asyncio
import subprocess
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine

from expo.database import session_scope
from expo.write_turns import try_claim, write_turn_until_end, writer_lock

pytestmark = pytest.mark.anyio

KEY = 0x74657374  # "test"


def _other_process_claims(database: str, number: int) -> bool:
    """Whether another process gets the byte-range lock of the claim (key KEY, ``number``) now."""
    script = (
        "import fcntl, os, sys\n"
        f"fd = os.open({database + '-claims.lock'!r}, os.O_RDWR | os.O_CREAT, 0o600)\n"
        "try:\n"
        f"    fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB, 1, ({KEY} << 32) + {number})\n"
        "except OSError:\n"
        "    sys.exit(1)\n"
    )
    return subprocess.run([sys.executable, "-c", script], check=False).returncode == 0


@pytest.mark.real_commits
async def test_a_claim_is_exclusive_until_the_transaction_ends(engine: AsyncEngine, engine_name: str) -> None:
    for end in ("commit", "rollback", "close"):
        async with session_scope(engine) as first, session_scope(engine) as second:
            assert await try_claim(first, KEY, 7)
            assert not await try_claim(second, KEY, 7)  # the same name: refused at once
            assert await try_claim(second, KEY, 8)  # another name: free
            if engine_name == "sqlite":
                assert not _other_process_claims(str(engine.url.database), 7)
            await getattr(first, end)()
            assert await try_claim(second, KEY, 7), end  # given back however the transaction ended
            await second.rollback()
        if engine_name == "sqlite":
            assert _other_process_claims(str(engine.url.database), 7)


@pytest.mark.real_commits
async def test_a_claim_survives_a_savepoint(engine: AsyncEngine) -> None:
    async with session_scope(engine) as first, session_scope(engine) as second:
        assert await try_claim(first, KEY, 9)
        async with first.begin_nested():
            await first.execute(sa.text("SELECT 1"))
        assert not await try_claim(second, KEY, 9)
        await first.rollback()
        assert await try_claim(second, KEY, 9)
        await second.rollback()


@pytest.mark.real_commits
async def test_the_write_turn_is_kept_until_the_transaction_ends(engine: AsyncEngine, engine_name: str) -> None:
    if engine_name != "sqlite":
        pytest.skip("the write turn is SQLite's")
    turn = writer_lock(asyncio.get_running_loop())
    async with session_scope(engine) as session:
        await write_turn_until_end(session)
        assert turn.locked()
        await write_turn_until_end(session)  # taken once per transaction: no wait for itself
        await session.execute(sa.text("SELECT 1"))
        assert turn.locked()
        await session.commit()
        assert not turn.locked()
        # a transaction that already writes holds SQLite's lock itself: it never queues behind others
        await session.execute(sa.text("CREATE TABLE IF NOT EXISTS turn_probe (x INTEGER)"))
        await session.execute(sa.text("INSERT INTO turn_probe VALUES (1)"))
        async with turn:
            await asyncio.wait_for(write_turn_until_end(session), 2)
        await session.rollback()
    assert not turn.locked()


async def test_an_in_memory_database_claims_in_this_process(tmp_path: Path) -> None:
    from sqlalchemy.ext.asyncio import create_async_engine

    engine = create_async_engine("sqlite+aiosqlite:///:memory:")
    try:
        async with session_scope(engine) as first, session_scope(engine) as second:
            assert await try_claim(first, KEY, 1)
            assert not await try_claim(second, KEY, 1)
            await first.commit()
            assert await try_claim(second, KEY, 1)
    finally:
        await engine.dispose()
