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


def test_user_create_can_join_an_existing_expo_as_its_organiser(env: dict[str, str]) -> None:
    runner = CliRunner()
    assert runner.invoke(main, ["setup"], env=env).exit_code == 0
    args = ["user", "create", "--role", "organiser", "--email", "ketua2@panitia.id", "--name", "Ketua Baru"]
    unknown = runner.invoke(
        main, [*args, "--organiser-of", "tidak-ada"], env=env | {"EXPO_NEW_USER_PASSWORD": "rahasia-panitia"}
    )
    assert unknown.exit_code != 0
    assert "No such expo" in unknown.output
    joined = runner.invoke(
        main,
        [*args, "--organiser-of", "opop-hari-santri-2026"],
        env=env | {"EXPO_NEW_USER_PASSWORD": "rahasia-panitia"},
    )
    assert joined.exit_code == 0, joined.output
