"""The ``expo`` command: database migrations, users, the demo expo and the server."""

import asyncio
import contextlib
import getpass
import sys
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, TypeVar

import click

from expo.settings import Settings
from tickets.cli import passes as passes_group

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession

T = TypeVar("T")


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
@click.option(
    "--organiser-of",
    "organiser_of",
    multiple=True,
    metavar="SLUG",
    help="Also make the account an organiser of this existing expo (repeatable).",
)
def user_create(role: str, email: str, name: str, password: str | None, organiser_of: tuple[str, ...]) -> None:
    """Create a user, e.g. ``expo user create --role organiser --email a@b.id --name Panitia``.

    An organiser account may create expos in the browser and becomes the organiser of each one it
    creates; everyone after it is invited from the committee page. ``--organiser-of`` puts the
    account on an existing expo's committee (for the first organiser of an expo made otherwise)."""
    from booths.committee.service import add_member
    from booths.venue.service import get_expo_by_slug
    from expo.accounts import create_user
    from expo.database import create_engine, session_scope
    from expo.errors import DomainError
    from expo.i18n import translate
    from expo.models import CommitteeRole, Role
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
                assert created.id is not None
                for slug in organiser_of:
                    expo = await get_expo_by_slug(session, slug)
                    assert expo.id is not None
                    await add_member(session, expo.id, created.id, CommitteeRole.ORGANISER)
                await session.commit()
                return created.id
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
    from booths.demo.expo import is_empty, reset_demo, seed_demo
    from booths.demo.published import demo_dates, demo_today
    from expo.database import create_engine, session_scope
    from expo.security import Passwords
    from expo.storage import storage_from_settings
    from tickets.demo.passes import seed_demo_passes  # also registers the passes tables, which a reset empties
    from tickets.demo.past import past_dates, seed_past_edition

    engine = create_engine(settings)
    passwords = Passwords(settings.argon2_time_cost, settings.argon2_memory_kib)
    try:
        async with session_scope(engine) as session:
            today = demo_today()
            if reset:
                counts = await reset_demo(session, passwords, today, storage_from_settings(settings))
            elif await is_empty(session):
                counts = await seed_demo(session, passwords, today, storage_from_settings(settings))
            else:
                return "database already has data; demo not seeded (use `expo demo --reset` to start over)"
            counts |= await seed_demo_passes(session)
            counts |= await seed_past_edition(session, today)
        starts, ends = demo_dates(today)
        past_starts, past_ends = past_dates(today)
        return (
            f"demo expo seeded: open {starts.isoformat()} to {ends.isoformat()}, gate rehearsal day today"
            f" ({today.isoformat()}, open all day); its past edition ran {past_starts.isoformat()} to"
            f" {past_ends.isoformat()}; " + ", ".join(f"{k} {v}" for k, v in counts.items())
        )
    finally:
        await engine.dispose()


@main.command()
@click.option("--reset", is_flag=True, help="Delete everything and seed the demo expo again.")
def demo(reset: bool) -> None:
    """Seed the demo expo (only into an empty database unless --reset)."""
    message = asyncio.run(_seed_demo_if_empty(Settings(), reset=reset))
    click.echo(message)


@main.group("map")
def map_group() -> None:
    """Booth maps: print PDF floor plans, check the layout."""


@map_group.command("print")
@click.option("--expo", "slug", default=None, help="The expo's short name (default: the current expo).")
@click.option("--hall", default=None, help="One hall's code (default: every hall).")
@click.option("--paper", default="a4", show_default=True, help="a4, f4, a3, a2, a1 or a0.")
@click.option("--orientation", default="auto", show_default=True, help="auto, portrait or landscape.")
@click.option("--scale", default="fit", show_default=True, help="fit, 1:100, 1:200 or 1:250.")
@click.option("--view", default="public", show_default=True, help="public, organiser or handbook.")
@click.option("--lang", default="id", show_default=True, type=click.Choice(["id", "en"]))
@click.option(
    "--base-url",
    envvar="EXPO_PUBLIC_URL",
    default="http://127.0.0.1:8000",
    show_default=True,
    help="Where the live map is served (for the QR code); or EXPO_PUBLIC_URL.",
)
@click.option("--out", required=True, type=click.Path(dir_okay=False, writable=True))
def map_print(
    slug: str | None,
    hall: str | None,
    paper: str,
    orientation: str,
    scale: str,
    view: str,
    lang: str,
    base_url: str,
    out: str,
) -> None:
    """Print the booth map, e.g. ``expo map print --hall A --paper a1 --view public --out denah.pdf``."""
    from booths.maps.draw.document import PrintOptions
    from booths.maps.service import print_map

    options = PrintOptions(paper=paper, orientation=orientation, scale=scale, view=view, locale=lang)

    async def _run(session: "AsyncSession", expo_id: int) -> bytes:
        from expo.models import Role

        return await print_map(session, expo_id, options, hall=hall, base_url=base_url, role=Role.ORGANISER)

    pdf = _with_expo(slug, lang, _run)
    with open(out, "wb") as fh:
        fh.write(pdf)
    click.echo(f"wrote {out} ({len(pdf) // 1024} KiB)")
    from expo.public_url import is_loopback

    if is_loopback(base_url):
        click.echo(
            f"warning: the QR code leads to {base_url}, which only this computer can open;"
            " pass --base-url or set EXPO_PUBLIC_URL to the public address",
            err=True,
        )


@map_group.command("check")
@click.option("--expo", "slug", default=None, help="The expo's short name (default: the current expo).")
@click.option("--lang", default="id", show_default=True, type=click.Choice(["id", "en"]))
def map_check(slug: str | None, lang: str) -> None:
    """List the layout's errors and warnings (exit status 1 when there are errors)."""
    from booths.maps.service import check_layout

    async def _run(session: "AsyncSession", expo_id: int) -> list[tuple[str, str, str]]:
        from expo.i18n import translate

        report = await check_layout(session, expo_id)
        return [(f.severity, f.hall, translate(f.message, f.params, lang)) for f in report.findings]

    findings = _with_expo(slug, lang, _run)
    for severity, hall, message in findings:
        click.echo(f"{severity:7} hall {hall}: {message}")
    errors = sum(1 for f in findings if f[0] == "error")
    click.echo(f"{errors} errors, {len(findings) - errors} warnings")
    if errors:
        raise SystemExit(1)


def _with_expo(slug: str | None, lang: str, work: "Callable[[AsyncSession, int], Awaitable[T]]") -> "T":
    """Run ``work`` with a session and the expo's id; domain errors become a clear CLI message."""
    from booths.venue.service import default_expo, get_expo_by_slug
    from expo.database import create_engine, session_scope
    from expo.errors import DomainError
    from expo.i18n import current_locale, translate

    settings = Settings()
    current_locale.set(lang)

    async def _run() -> T:
        engine = create_engine(settings)
        try:
            async with session_scope(engine) as session:
                expo = await get_expo_by_slug(session, slug) if slug else await default_expo(session)
                if expo is None or expo.id is None:
                    raise click.ClickException("no expo in the database (run `expo setup`)")
                return await work(session, expo.id)
        finally:
            await engine.dispose()

    try:
        return asyncio.run(_run())
    except DomainError as exc:
        details = "\n".join(f"  - {translate(f.message, f.params, lang)}" for f in exc.fields)
        raise click.ClickException(
            f"{exc.code}: {translate(exc.message, exc.params, lang)}" + (f"\n{details}" if details else "")
        ) from exc


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
@click.option(
    "--shared-socket",
    is_flag=True,
    help="Workers share one listening socket (uvicorn's own --workers) instead of one SO_REUSEPORT socket each.",
)
@click.option("--access-log/--no-access-log", default=True, show_default=True)
@click.option(
    "--forwarded-allow-ips",
    "trusted",
    envvar="EXPO_TRUSTED_PROXIES",
    default="127.0.0.1",
    show_default=True,
    help="Proxies whose X-Forwarded-For/-Proto are believed: addresses or networks, comma-separated, or *.",
)
def serve(
    host: str, port: int, workers: int, reload: bool, shared_socket: bool, access_log: bool, trusted: str
) -> None:
    """Serve the app with uvicorn (several workers: one process and socket each, see docs/deployment.md)."""
    import os

    import uvicorn

    from expo.serving import APP, GRACEFUL_SHUTDOWN_SECONDS

    # The app reads the proxies from its settings (every worker builds its own); uvicorn's own proxy
    # handling stays off so that this is the only list that decides.
    os.environ["EXPO_TRUSTED_PROXIES"] = trusted
    click.echo(f"serving on http://{host}:{port} (trusting forwarded headers from {trusted or 'nobody'})")
    with contextlib.ExitStack() as stack:
        if Settings().metrics_enabled and (workers > 1 or reload):
            # Each worker process counts apart and a scrape reaches any one of them: they must share
            # their counts through files (expo/metrics.py), set up before they start.
            from expo.metrics import multiprocess_dir

            stack.enter_context(multiprocess_dir())
        if workers > 1 and not reload and not shared_socket and sys.platform == "linux":
            from expo.serving import serve_reuse_port

            raise SystemExit(serve_reuse_port(host, port, workers, access_log=access_log))
        uvicorn.run(
            APP,
            factory=True,
            host=host,
            port=port,
            workers=workers,
            reload=reload,
            proxy_headers=False,
            access_log=access_log,
            timeout_graceful_shutdown=GRACEFUL_SHUTDOWN_SECONDS,
        )


@main.command()
@click.option("--concurrency", type=int, default=None, help="Jobs at once (default: EXPO_JOB_CONCURRENCY).")
@click.option("--until-idle", is_flag=True, help="Stop when no job is due and none runs (instead of waiting for more).")
def worker(concurrency: int | None, until_idle: bool) -> None:
    """Run background jobs (pass batches, messages, clean-up) until stopped; several may share one
    PostgreSQL database. Set EXPO_EMBEDDED_WORKER=false for the servers when workers run apart."""
    import signal

    from expo.app import load_job_handlers
    from expo.jobs.worker import Worker

    settings = Settings()
    load_job_handlers(settings)

    async def _run() -> int:
        runner = Worker(settings, concurrency=concurrency)
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, runner.stop)
        try:
            if until_idle:
                return await runner.run_until_idle(maintenance=True)
            click.echo(f"worker {runner.id}: running jobs ({runner.concurrency} at once)")
            await runner.run()
            return runner.finished
        finally:
            await runner.close()

    finished = asyncio.run(_run())
    click.echo(f"worker stopped after {finished} jobs")


main.add_command(passes_group)

if __name__ == "__main__":
    main()
