"""The ``expo`` command: database migrations, users, the demo expo and the server."""

import asyncio
import getpass
import sys

import click

from expo.settings import Settings


@click.group()
def main() -> None:
    """Run and administer an expo (settings come from EXPO_* environment variables)."""


@main.group()
def db() -> None:
    """Database schema (Alembic migrations)."""


@db.command("upgrade")
@click.option("--revision", default="heads", show_default=True)
def db_upgrade(revision: str) -> None:
    """Apply migrations up to REVISION."""
    from expo.migrate import upgrade

    upgrade(Settings().database_url, revision)
    click.echo(f"database at {revision}")


@db.command("downgrade")
@click.argument("revision")
def db_downgrade(revision: str) -> None:
    """Undo migrations down to REVISION (e.g. base)."""
    from expo.migrate import downgrade

    downgrade(Settings().database_url, revision)


@db.command("current")
def db_current() -> None:
    """Show the revision the database is at."""
    from expo.migrate import current

    current(Settings().database_url)


@main.group()
def user() -> None:
    """User accounts."""


@user.command("create")
@click.option("--role", type=click.Choice(["organiser", "exhibitor", "gate"]), required=True)
@click.option("--email", required=True)
@click.option("--name", required=True)
@click.option("--password", envvar="EXPO_NEW_USER_PASSWORD", help="Read from EXPO_NEW_USER_PASSWORD or asked for.")
def user_create(role: str, email: str, name: str, password: str | None) -> None:
    """Create a user, e.g. ``expo user create --role organiser --email a@b.id --name Panitia``."""
    from expo.accounts import create_user
    from expo.database import create_engine, session_scope
    from expo.errors import DomainError
    from expo.i18n import translate
    from expo.models import Role
    from expo.security import Passwords

    if not password:
        if not sys.stdin.isatty():
            raise click.UsageError("give --password or EXPO_NEW_USER_PASSWORD when not at a terminal")
        password = getpass.getpass("Password: ")
    settings = Settings()

    async def _run() -> int:
        engine = create_engine(settings)
        try:
            async with session_scope(engine) as session:
                created = await create_user(
                    session,
                    Passwords(settings.argon2_time_cost, settings.argon2_memory_kib),
                    email=email,
                    name=name,
                    password=password,
                    role=Role(role),
                )
                await session.commit()
                return created.id or 0
        finally:
            await engine.dispose()

    try:
        user_id = asyncio.run(_run())
    except DomainError as exc:
        details = "; ".join(f"{f.field}: {translate(f.message, f.params, 'en')}" for f in exc.fields)
        raise click.ClickException(
            translate(exc.message, exc.params, "en") + (f" ({details})" if details else "")
        ) from exc
    click.echo(f"created {role} {email} (id {user_id})")


async def _seed_demo_if_empty(settings: Settings, *, reset: bool = False) -> str:
    # The CLI, like expo.app, is a composition root: it may reach into the domains.
    from booths.demo import is_empty, reset_demo, seed_demo
    from expo.database import create_engine, session_scope
    from expo.security import Passwords

    engine = create_engine(settings)
    passwords = Passwords(settings.argon2_time_cost, settings.argon2_memory_kib)
    try:
        async with session_scope(engine) as session:
            if reset:
                counts = await reset_demo(session, passwords)
            elif await is_empty(session):
                counts = await seed_demo(session, passwords)
            else:
                return "database already has data; demo not seeded (use `expo demo --reset` to start over)"
        return "demo expo seeded: " + ", ".join(f"{k} {v}" for k, v in counts.items())
    finally:
        await engine.dispose()


@main.command()
@click.option("--reset", is_flag=True, help="Delete everything and seed the demo expo again.")
def demo(reset: bool) -> None:
    """Seed the demo expo (only into an empty database unless --reset)."""
    message = asyncio.run(_seed_demo_if_empty(Settings(), reset=reset))
    click.echo(message)


@main.command()
def setup() -> None:
    """Migrate the database and seed the demo expo if it is empty (what ``make run`` does)."""
    from expo.migrate import upgrade

    settings = Settings()
    upgrade(settings.database_url)
    click.echo(asyncio.run(_seed_demo_if_empty(settings)))


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option("--workers", default=1, show_default=True, type=int)
@click.option("--reload", is_flag=True)
def serve(host: str, port: int, workers: int, reload: bool) -> None:
    """Serve the app with uvicorn."""
    import uvicorn

    click.echo(f"serving on http://{host}:{port}")
    uvicorn.run(
        "expo.app:create_app", factory=True, host=host, port=port, workers=workers, reload=reload, proxy_headers=True
    )


if __name__ == "__main__":
    main()
