"""A served app freezes its start-up objects (``expo.heap``); ``create_app`` alone, as the tests build
it hundreds of times, does not."""

import gc

import pytest
from litestar.testing import AsyncTestClient

from expo.app import create_app
from expo.serving import APP, create_served_app
from expo.settings import Settings

pytestmark = pytest.mark.anyio


async def test_a_served_app_freezes_its_start_up_objects_once_started(settings: Settings) -> None:
    assert gc.get_freeze_count() == 0
    app = create_served_app(settings)
    assert gc.get_freeze_count() == 0, "frozen before the start-up ran"
    try:
        async with AsyncTestClient(app) as client:
            frozen = gc.get_freeze_count()
            assert frozen > 10_000  # the routes, mappers, catalogs and templates of the app
            assert (await client.get("/health")).status_code == 200
            # what a request makes is not frozen (frozen objects may still be freed by their count)
            assert gc.get_freeze_count() <= frozen
    finally:
        gc.unfreeze()


async def test_the_app_built_alone_freezes_nothing(settings: Settings) -> None:
    async with AsyncTestClient(create_app(settings)) as client:
        assert (await client.get("/health")).status_code == 200
        assert gc.get_freeze_count() == 0


def test_every_server_process_runs_the_served_factory() -> None:
    module, name = APP.split(":")
    assert (module, name) == ("expo.serving", create_served_app.__name__)
