"""The suite's own promise: no test sees another's data, on either engine, whether the test ran in the
rolled-back transaction (PostgreSQL's default) or committed for real (``real_commits``).

Each test is run twice (``turn``): the second turn finds the tables as empty as the first did, so
whatever the first turn wrote and committed did not survive into it."""

import pytest
import sqlalchemy as sa
from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy.ext.asyncio import AsyncSession

from booths.venue.models import Expo
from expo.database import create_engine, session_scope
from expo.settings import Settings
from tests.support.database import tables_with_rows
from tests.support.factories import make_venue

pytestmark = pytest.mark.anyio


@pytest.mark.parametrize("turn", [1, 2])
async def test_a_test_starts_from_empty_tables_and_its_commits_do_not_outlive_it(
    turn: int, session: AsyncSession, client: AsyncTestClient[Litestar]
) -> None:
    assert await tables_with_rows(await session.connection()) == [], f"turn {turn}"
    venue = await make_venue(session, slug=f"giliran-{turn}")
    await session.commit()
    # The app, on its own session, sees what the test committed (the same transaction on PostgreSQL).
    response = await client.get(f"/api/expos/{venue.expo_id}")
    assert response.status_code == 200, response.text


@pytest.mark.real_commits
@pytest.mark.parametrize("turn", [1, 2])
async def test_a_real_commits_test_starts_from_empty_tables_too(turn: int, settings: Settings) -> None:
    engine = create_engine(settings)
    try:
        async with session_scope(engine) as session:
            assert await tables_with_rows(await session.connection()) == [], f"turn {turn}"
            await make_venue(session, slug=f"nyata-{turn}")
            await session.commit()
        async with session_scope(engine) as other:  # another connection: committed for real
            assert await other.scalar(sa.select(sa.func.count()).select_from(Expo)) == 1
    finally:
        await engine.dispose()
