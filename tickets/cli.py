"""``expo passes ...``: print passes in bulk, rotate the signing key. Imports stay inside the commands."""

import click

from expo.settings import Settings


@click.group("passes")
def passes() -> None:
    """Passes: bulk printing and signing keys."""


@passes.command("print")
@click.option("--expo", "slug", default=None, help="The expo's short name (default: the current expo).")
@click.option(
    "--kind", default=None, help="Only this kind (exhibitor, visitor, committee, volunteer, press, vip, ...)."
)
@click.option("--exhibitor", "exhibitor_id", type=int, default=None, help="Only this exhibitor's staff passes.")
@click.option("--paper", type=click.Choice(["a4", "f4"]), default="a4", show_default=True)
@click.option("--workers", type=int, default=0, help="Render processes (default: one per core).")
@click.option("--lang", default="id", show_default=True, type=click.Choice(["id", "en"]))
@click.option("--out", required=True, type=click.Path(dir_okay=False, writable=True))
def print_passes(
    slug: str | None, kind: str | None, exhibitor_id: int | None, paper: str, workers: int, lang: str, out: str
) -> None:
    """Print active passes four to a sheet, e.g. ``expo passes print --kind visitor --paper a4 --out passes.pdf``."""
    import asyncio
    from collections.abc import AsyncIterator
    from pathlib import Path

    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    from booths.venue.service import default_expo, get_expo_by_slug
    from expo.accounts import system_user
    from expo.database import create_engine, session_scope
    from expo.errors import DomainError
    from expo.i18n import current_locale, translate
    from tickets.passes.cards import card_context, cards_for
    from tickets.passes.jobs import PAGE, select_pass_ids
    from tickets.passes.schemas import BatchRequest
    from tickets.printing import batch
    from tickets.printing.pdf import PassCard
    from tickets.signing.keys import load_keys

    settings = Settings()
    current_locale.set(lang)
    system = system_user("expo passes print")

    async def run() -> batch.BatchResult:
        engine = create_engine(settings)
        try:
            async with session_scope(engine) as session:
                expo = await get_expo_by_slug(session, slug) if slug else await default_expo(session)
                if expo is None or expo.id is None:
                    raise click.ClickException("no expo in the database (run `expo setup`)")
                expo_id = expo.id
                request = BatchRequest(kind=kind, exhibitor_id=exhibitor_id, paper="f4" if paper == "f4" else "a4")
                ids = await select_pass_ids(session, expo_id, request, system)
                ctx = await card_context(session, expo_id, load_keys(settings.signing_key_file), lang)
                await session.commit()

            async def pages() -> AsyncIterator[list[PassCard]]:
                for start in range(0, len(ids), PAGE):
                    async with session_scope(engine) as session:
                        yield await cards_for(session, ctx, ids[start : start + PAGE])

            columns = (TextColumn("passes"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
            with Progress(*columns, transient=False) as progress:
                task = progress.add_task("print", total=len(ids))
                count = workers or batch.default_workers()
                with Path(out).open("wb") as fh:  # noqa: ASYNC230  (a CLI: its own loop, nothing else waits)
                    if count > 1 and len(ids) > 2 * batch.CHUNK_PASSES:
                        with batch.process_pool(count) as pool:
                            return await batch.write_batch(
                                pages(),
                                request.paper,
                                fh,
                                executor=pool,
                                title=expo.name,
                                progress=lambda n: progress.update(task, completed=n),
                            )
                    return await batch.write_batch(
                        pages(),
                        request.paper,
                        fh,
                        title=expo.name,
                        progress=lambda n: progress.update(task, completed=n),
                    )
        finally:
            await engine.dispose()

    try:
        result = asyncio.run(run())
    except DomainError as exc:
        raise click.ClickException(f"{exc.code}: {translate(exc.message, exc.params, lang)}") from exc
    click.echo(f"wrote {out}: {result.passes} passes on {result.pages} sheets ({result.size // 1024} KiB)")


@passes.command("rotate-key")
def rotate_key() -> None:
    """Sign new tokens with a new key; passes signed before keep verifying (their key stays published)."""
    from tickets.signing.keys import rotate_keys

    ring = rotate_keys(Settings().signing_key_file)
    click.echo(f"signing with key {ring.signing_key_id}; keys {sorted(ring.private_keys)} verify")
