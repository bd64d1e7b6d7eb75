"""Every receipt of an expo in one PDF, printed by the job runner (kind ``billing.receipts``).

The treasurer asks (``start``); the job reads the expo's payments a page at a time, draws their
receipts in a worker thread and splices them onto one file in ``EXPO_PASS_JOBS_DIR`` (the folder
every worker shares for batch prints), so memory stays flat however many there are. The job's row
is the batch: its status, and its result (the file's name, how many receipts). The runner's clean-up
deletes the file with the job after ``EXPO_JOB_KEEP_DAYS``.
"""

import contextlib
import re
import secrets
from pathlib import Path
from typing import Any

import anyio.to_thread
from sqlalchemy.ext.asyncio import AsyncSession

from booths.billing.documents import Signing, receipt_document, receipt_payments
from booths.billing.draw import DocumentBatch, ReceiptDocument, check_size
from booths.billing.images import image_loader
from booths.billing.models import Bill
from booths.billing.verification import derive_key
from booths.venue.service import get_expo
from expo.accounts import CurrentUser
from expo.errors import Forbidden, InvalidInput, NotFound
from expo.i18n import N_, translate
from expo.jobs import Job, JobContext, JobState, PermanentFailure, enqueue, job_handler
from expo.permissions import Area
from expo.settings import Settings
from expo.storage import storage_from_settings

RECEIPTS_KIND = "billing.receipts"
PAGE = 200  # payments read from the database at a time
TIMEOUT_S = 1800.0
_FILE_NAME = re.compile(r"^receipts-\d+-[A-Za-z0-9_-]+\.pdf$")


async def start(
    session: AsyncSession, expo_id: int, user: CurrentUser, *, size: str, locale: str, base_url: str
) -> int:
    """Queue the printing of every receipt of the expo (in the caller's transaction); the job's id."""
    if not user.may(expo_id, Area.PAYMENTS):
        raise Forbidden("Your role in this expo may not do this.", code="wrong_role")
    await get_expo(session, expo_id)
    paper = check_size(size)
    if not await receipt_payments(session, expo_id, 0, 1):
        raise InvalidInput(N_("There are no receipts to print yet."), code="no_receipts")
    job_id = await enqueue(
        session,
        RECEIPTS_KIND,
        {"expo_id": expo_id, "size": paper, "locale": locale, "base_url": base_url, "by": user.id},
        expo_id=expo_id,
        max_attempts=3,
        timeout_s=TIMEOUT_S,
    )
    assert job_id is not None  # no key: never a duplicate
    return job_id


async def get_batch(session: AsyncSession, expo_id: int, job_id: int) -> Job:
    job = await session.get(Job, job_id)
    if job is None or job.kind != RECEIPTS_KIND or job.expo_id != expo_id:
        raise NotFound("No such print job.", code="job_not_found")
    return job


def batch_file(job: Job, settings: Settings) -> Path:
    """The finished batch's file."""
    name = str((job.result or {}).get("file") or "")
    if job.status != JobState.DONE or not _FILE_NAME.match(name):
        raise NotFound("The file is not ready.", code="job_not_ready")
    path = Path(settings.pass_jobs_dir) / name
    if not path.is_file():
        raise NotFound("The file is gone; print again.", code="job_file_missing")
    return path


@job_handler(RECEIPTS_KIND, label=N_("Printing receipts"))
async def print_receipts(ctx: JobContext, payload: dict[str, Any]) -> dict[str, Any]:
    expo_id, paper, locale = int(payload["expo_id"]), str(payload["size"]), str(payload.get("locale") or "id")
    signing = Signing(key=derive_key(ctx.settings.resolved_secret_key()), base_url=str(payload["base_url"]))
    load = image_loader(storage_from_settings(ctx.settings))
    directory = Path(ctx.settings.pass_jobs_dir)
    name = f"receipts-{ctx.job_id}-{secrets.token_urlsafe(9)}.pdf"
    partial = directory / (name + ".part")
    await ctx.add_output(partial)
    await ctx.add_output(directory / name)
    await anyio.to_thread.run_sync(lambda: directory.mkdir(parents=True, exist_ok=True))
    try:
        with partial.open("wb") as out:
            batch = DocumentBatch(out, paper, title=translate(N_("Receipts"), None, locale))
            last = 0
            while True:
                async with ctx.sessionmaker() as session:
                    payments = await receipt_payments(session, expo_id, last, PAGE)
                    docs: list[ReceiptDocument] = []
                    for payment in payments:
                        bill = await session.get(Bill, payment.bill_id)
                        if bill is not None:
                            docs.append(await receipt_document(session, payment, bill, signing, locale, load))
                if not payments:
                    break
                last = int(payments[-1].id or 0)
                await anyio.to_thread.run_sync(batch.add, docs)
                await ctx.heartbeat()
            if not batch.documents:  # every receipt reversed away since the treasurer asked
                raise PermanentFailure("There are no receipts to print.")
            result = batch.close()
        await anyio.to_thread.run_sync(partial.replace, directory / name)
    except BaseException:
        with contextlib.suppress(OSError):
            partial.unlink(missing_ok=True)
        raise
    return {"file": name, "receipts": result.documents, "pages": result.pages, "size": result.size}
