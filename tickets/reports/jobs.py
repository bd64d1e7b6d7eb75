"""The report job: gather the figures, draw the PDF and write the XLSX (in a worker thread: both are
CPU work), and keep both files as the job's outputs, which the report page offers for download.

Safe to repeat: a new attempt writes new files (the runner deleted the earlier attempt's outputs)."""

import secrets
from datetime import date
from pathlib import Path
from typing import Any

import anyio

from expo.i18n import N_
from expo.jobs import JobContext, PermanentFailure, job_handler
from expo.settings import Settings
from tickets.reports.draw import render_report
from tickets.reports.gather import gather
from tickets.reports.workbook import render_workbook

REPORT_JOB = "reports.build"
FILES = ("pdf", "xlsx")


def reports_dir(settings: Settings) -> Path:
    """Where report files go: beside the pass batches, in storage every worker and server shares."""
    return Path(settings.pass_jobs_dir) / "reports"


@job_handler(REPORT_JOB, label=N_("Making the expo report"))
async def build_report(ctx: JobContext, payload: dict[str, Any]) -> dict[str, Any]:
    try:
        expo_id = int(payload["expo_id"])
        start, end = date.fromisoformat(str(payload["start"])), date.fromisoformat(str(payload["end"]))
        locale = str(payload.get("locale") or "id")
    except (KeyError, ValueError) as exc:
        raise PermanentFailure(f"bad report request: {exc!r}") from exc
    async with ctx.sessionmaker() as session:
        data = await gather(session, expo_id, start, end, locale)
    directory = reports_dir(ctx.settings)
    stem = f"report-{expo_id}-{start.isoformat()}-{end.isoformat()}-{secrets.token_urlsafe(6)}"
    names = {kind: f"{stem}.{kind}" for kind in FILES}
    for name in names.values():
        await ctx.add_output(directory / name)
    await anyio.to_thread.run_sync(lambda: directory.mkdir(parents=True, exist_ok=True))
    pdf = await anyio.to_thread.run_sync(render_report, data)
    await ctx.heartbeat()
    xlsx = await anyio.to_thread.run_sync(render_workbook, data)
    await anyio.to_thread.run_sync((directory / names["pdf"]).write_bytes, pdf)
    await anyio.to_thread.run_sync((directory / names["xlsx"]).write_bytes, xlsx)
    return {
        "files": names,
        "start": start.isoformat(),
        "end": end.isoformat(),
        "locale": locale,
        "empty": data.empty,
        "pages_bytes": len(pdf),
    }
