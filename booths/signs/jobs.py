"""Every booth sign of an expo in one PDF, printed by the job runner (kind ``signs.batch``).

The organiser asks (``start``); the job reads the expo's signs, draws them a few at a time in a
worker thread (logos make each page heavy) and splices each part onto one file in
``EXPO_PASS_JOBS_DIR``/signs, the folder every worker and server shares for batch prints. The job's
row is the batch: its status and its result (the file's name, how many signs, the paper). Safe to
repeat: a new attempt writes a new file (the runner deleted the earlier attempt's outputs), and the
runner's clean-up deletes the file with the job after ``EXPO_JOB_KEEP_DAYS``.
"""

import contextlib
import re
import secrets
from pathlib import Path
from typing import Any

import anyio.to_thread
from sqlalchemy.ext.asyncio import AsyncSession

from booths.signs.draw import SignText, render_signs
from booths.signs.service import Paper, sign_rows, sign_texts
from booths.venue.service import get_expo
from expo.accounts import CurrentUser
from expo.errors import Forbidden, InvalidInput, NotFound
from expo.i18n import N_, translate
from expo.jobs import Job, JobContext, JobState, PermanentFailure, enqueue, job_handler, list_jobs
from expo.pdf_splice import PdfSplicer
from expo.permissions import Area
from expo.settings import Settings
from expo.storage import storage_from_settings

SIGNS_KIND = "signs.batch"
CHUNK = 20  # signs drawn per part: each may carry a 1024-pixel logo
TIMEOUT_S = 1800.0
_FILE_NAME = re.compile(r"^signs-\d+-\d+-[A-Za-z0-9_-]+\.pdf$")


def signs_dir(settings: Settings) -> Path:
    return Path(settings.pass_jobs_dir) / "signs"


async def start(
    session: AsyncSession, expo_id: int, user: CurrentUser, paper: Paper, *, locale: str, base_url: str
) -> int:
    """Queue the printing of every sign of the expo (in the caller's transaction); the job's id."""
    if not user.may(expo_id, Area.SETUP):
        raise Forbidden("Your role in this expo may not do this.", code="wrong_role")
    await get_expo(session, expo_id)
    if not await sign_rows(session, expo_id):
        raise InvalidInput(N_("No booth has a confirmed booking yet, so there is no sign to print."), code="no_signs")
    job_id = await enqueue(
        session,
        SIGNS_KIND,
        {
            "expo_id": expo_id,
            "size": paper.size,
            "orientation": paper.orientation,
            "locale": locale,
            "base_url": base_url,
            "by": user.id,
        },
        expo_id=expo_id,
        max_attempts=3,
        timeout_s=TIMEOUT_S,
    )
    assert job_id is not None  # no key: never a duplicate
    return job_id


async def batches(session: AsyncSession, expo_id: int, limit: int = 10) -> list[Job]:
    """The expo's sign batches, newest first."""
    return await list_jobs(session, expo_id=expo_id, kind=SIGNS_KIND, limit=limit)


async def batch_file(session: AsyncSession, settings: Settings, expo_id: int, job_id: int) -> Path:
    """The finished batch's file; 404 for another expo's job, another kind, or one not done."""
    job = await session.get(Job, job_id)
    if job is None or job.kind != SIGNS_KIND or job.expo_id != expo_id:
        raise NotFound("No such print job.", code="job_not_found")
    name = str((job.result or {}).get("file") or "")
    if job.status != JobState.DONE or not _FILE_NAME.match(name):
        raise NotFound(N_("The file is not ready."), code="job_not_ready")
    path = signs_dir(settings) / name
    if not path.is_file():
        raise NotFound(N_("The file is gone; print again."), code="job_file_missing")
    return path


@job_handler(SIGNS_KIND, label=N_("Printing booth signs"))
async def print_signs(ctx: JobContext, payload: dict[str, Any]) -> dict[str, Any]:
    try:
        expo_id = int(payload["expo_id"])
        size, orientation = str(payload["size"]), str(payload["orientation"])
        locale, base_url = str(payload.get("locale") or "id"), str(payload["base_url"])
    except (KeyError, ValueError) as exc:
        raise PermanentFailure(f"bad sign batch request: {exc!r}") from exc
    storage = storage_from_settings(ctx.settings)
    directory = signs_dir(ctx.settings)
    name = f"signs-{expo_id}-{ctx.job_id}-{secrets.token_urlsafe(9)}.pdf"
    partial = directory / (name + ".part")
    await ctx.add_output(partial)
    await ctx.add_output(directory / name)
    await anyio.to_thread.run_sync(lambda: directory.mkdir(parents=True, exist_ok=True))
    title = translate(N_("Booth signs"), locale=locale)

    def draw_part(texts: list[SignText]) -> bytes:
        return render_signs(texts, size, orientation, title=title)

    try:
        async with ctx.sessionmaker() as session:
            rows = await sign_rows(session, expo_id)
        if not rows:  # every booking ended since the organiser asked
            raise PermanentFailure("There are no signs to print.")
        with partial.open("wb") as out:
            splicer = PdfSplicer(out, title)
            for first in range(0, len(rows), CHUNK):
                async with ctx.sessionmaker() as session:
                    texts = await sign_texts(session, storage, expo_id, rows[first : first + CHUNK], base_url, locale)
                pdf = await anyio.to_thread.run_sync(draw_part, texts)
                splicer.add(pdf)
                await ctx.heartbeat()
            file_size = splicer.close()
        await anyio.to_thread.run_sync(partial.replace, directory / name)
    except BaseException:
        with contextlib.suppress(OSError):
            partial.unlink(missing_ok=True)
        raise
    return {"file": name, "signs": len(rows), "size": size, "orientation": orientation, "bytes": file_size}
