"""Gate fixtures: a paired gate world (expo, gate, device, signing keys) in the test's database."""

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from expo.settings import Settings
from tests.support.gate import GateWorld, gate_world


@pytest.fixture
async def world(session: AsyncSession, settings: Settings) -> GateWorld:
    return await gate_world(session, settings.signing_key_file)
