"""A hold refused because the booth is visibly taken writes nothing: under the opening-hour rush most
attempts are such refusals, and on SQLite a write (even the exhibitor's row lock) takes the lock of
the whole database (docs/benchmarks.md, "Booking contention")."""

from typing import Any

import anyio
import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from booths.bookings.service import hold_booth
from expo.accounts import system_user
from expo.database import session_scope
from tests.support.factories import bearer, make_venue, signup_exhibitor

pytestmark = pytest.mark.anyio


async def test_a_refused_hold_of_a_taken_booth_writes_and_locks_nothing(
    client: AsyncTestClient[Litestar], session: AsyncSession
) -> None:
    venue = await make_venue(session)
    _, first = await signup_exhibitor(client, venue.expo_id)
    _, second = await signup_exhibitor(client, venue.expo_id)
    held = await client.post(f"/api/booths/{venue.booth_ids[0]}/hold", headers=bearer(first))
    assert held.status_code == 201, held.text
    statements: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        statements.append(" ".join(statement.split()).upper())

    event.listen(Engine, "before_cursor_execute", record)
    try:
        refused = await client.post(f"/api/booths/{venue.booth_ids[0]}/hold", headers=bearer(second))
    finally:
        event.remove(Engine, "before_cursor_execute", record)
    assert refused.status_code == 409
    assert refused.json()["code"] == "booth_taken"
    assert statements  # the refusal did read
    writes = [s for s in statements if s.startswith(("INSERT", "UPDATE", "DELETE")) or "FOR UPDATE" in s]
    assert writes == []


async def test_a_hold_of_a_booth_someone_is_booking_is_refused_at_once(
    client: AsyncTestClient[Litestar], engine: AsyncEngine
) -> None:
    """While one exhibitor's hold of a booth is in flight, another's is answered at once (it used to
    wait for the first one's commit: on PostgreSQL on the unique index, holding a pooled connection;
    on SQLite for the write lock, which the first hold keeps); once the first hold is gone the booth
    can be held again."""
    async with session_scope(engine) as setup:
        venue = await make_venue(setup)
        await setup.commit()
    first_exhibitor, _ = await signup_exhibitor(client, venue.expo_id)
    _, second = await signup_exhibitor(client, venue.expo_id)
    booth_id = venue.booth_ids[0]
    async with session_scope(engine) as first:
        await hold_booth(first, venue.expo_id, booth_id, first_exhibitor["id"], system_user())
        with anyio.fail_after(5):
            refused = await client.post(f"/api/booths/{booth_id}/hold", headers=bearer(second))
        assert refused.status_code == 409, refused.text
        assert refused.json()["code"] == "booth_being_booked"
        assert "sedang dipesan peserta lain" in refused.json()["detail"]
        await first.rollback()
    held = await client.post(f"/api/booths/{booth_id}/hold", headers=bearer(second))
    assert held.status_code == 201, held.text


async def test_the_log_in_is_read_outside_any_transaction_on_postgresql(
    client: AsyncTestClient[Litestar], engine: AsyncEngine, engine_name: str
) -> None:
    """On PostgreSQL the log-in behind a bearer token is read without a transaction (AUTOCOMMIT: one
    round trip instead of BEGIN, the read and ROLLBACK); the hold's facts are read in the hold's own
    transaction (read apart, a winner gave its connection back and queued for one again behind the
    rush: measured slower, docs/benchmarks.md). SQLite has no round trips to save."""
    if engine_name != "postgres":
        pytest.skip("PostgreSQL only: SQLite's reads cost no round trips")
    async with session_scope(engine) as setup:
        venue = await make_venue(setup)
        await setup.commit()
    _, first = await signup_exhibitor(client, venue.expo_id)
    _, second = await signup_exhibitor(client, venue.expo_id)
    held = await client.post(f"/api/booths/{venue.booth_ids[0]}/hold", headers=bearer(first))
    assert held.status_code == 201, held.text
    modes: list[str | None] = []

    def record(conn: Any, *_args: Any) -> None:
        modes.append(conn.get_execution_options().get("isolation_level"))

    event.listen(Engine, "before_cursor_execute", record)
    try:
        refused = await client.post(f"/api/booths/{venue.booth_ids[0]}/hold", headers=bearer(second))
    finally:
        event.remove(Engine, "before_cursor_execute", record)
    assert refused.status_code == 409
    assert refused.json()["code"] == "booth_taken"
    assert modes == ["AUTOCOMMIT", None]  # the log-in, then the hold's facts
