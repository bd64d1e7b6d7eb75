"""The ``expo`` command: migrations, creating users, seeding the demo."""

from pathlib import Path

import pytest
from click.testing import CliRunner

from expo.cli import main


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    return {
        "EXPO_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'cli.db'}",
        "EXPO_ARGON2_TIME_COST": "1",
        "EXPO_ARGON2_MEMORY_KIB": "64",
        "EXPO_SECRET_KEY": "cli-test",
    }


def test_setup_creates_the_schema_and_seeds_the_demo_once(env: dict[str, str]) -> None:
    runner = CliRunner()
    first = runner.invoke(main, ["setup"], env=env)
    assert first.exit_code == 0, first.output
    assert "demo expo seeded" in first.output
    second = runner.invoke(main, ["setup"], env=env)
    assert second.exit_code == 0, second.output
    assert "already has data" in second.output


def test_user_create_organiser_and_refuse_duplicates(env: dict[str, str]) -> None:
    runner = CliRunner()
    assert runner.invoke(main, ["db", "upgrade"], env=env).exit_code == 0
    args = ["user", "create", "--role", "organiser", "--email", "Ketua@Panitia.ID", "--name", "Ketua Panitia"]
    created = runner.invoke(main, args, env=env | {"EXPO_NEW_USER_PASSWORD": "rahasia-panitia"})
    assert created.exit_code == 0, created.output
    assert "created organiser ketua@panitia.id" in created.output.lower()
    again = runner.invoke(main, args, env=env | {"EXPO_NEW_USER_PASSWORD": "rahasia-panitia"})
    assert again.exit_code != 0
    assert "already exists" in again.output
    weak = runner.invoke(
        main, [*args[:-3], "other@panitia.id", "--name", "X"], env=env | {"EXPO_NEW_USER_PASSWORD": "short"}
    )
    assert weak.exit_code != 0
    assert "at least 8" in weak.output


def test_worker_until_idle_runs_what_is_due_and_stops(env: dict[str, str]) -> None:
    import asyncio

    import sqlalchemy as sa

    from expo.database import create_engine, session_scope
    from expo.jobs import enqueue
    from expo.settings import Settings

    runner = CliRunner()
    assert runner.invoke(main, ["db", "upgrade"], env=env).exit_code == 0
    settings = Settings(database_url=env["EXPO_DATABASE_URL"], secret_key="cli-test")

    async def queue_and_read(queue: bool) -> list[tuple[str, str]]:
        engine = create_engine(settings)
        try:
            async with session_scope(engine) as session:
                if queue:
                    await enqueue(session, "test.record", {"value": "cli"})
                    await session.commit()
                rows = await session.execute(sa.text("SELECT kind, status FROM job ORDER BY id"))
                return [(str(kind), str(status)) for kind, status in rows.all()]
        finally:
            await engine.dispose()

    assert asyncio.run(queue_and_read(True)) == [("test.record", "queued")]
    ran = runner.invoke(main, ["worker", "--until-idle"], env=env | {"EXPO_JOB_MODULES": "tests.expo.jobs.kinds"})
    assert ran.exit_code == 0, ran.output
    assert "worker stopped after 2 jobs" in ran.output  # the job, and the clean-up it queues on starting
    assert asyncio.run(queue_and_read(False)) == [("test.record", "done"), ("jobs.cleanup", "done")]
