"""Asking for a report: the range must be days of the expo, in order; the job does the rest. A range
with no scans and no sales is allowed and gives an honest empty report."""

from sqlalchemy.ext.asyncio import AsyncSession

from booths.venue.service import get_expo
from expo.accounts import CurrentUser
from expo.errors import FieldProblem, InvalidInput
from expo.i18n import N_
from expo.jobs import Job, enqueue, list_jobs
from tickets.reports.jobs import REPORT_JOB
from tickets.reports.schemas import ReportRequest


async def request_report(session: AsyncSession, user: CurrentUser, expo_id: int, request: ReportRequest) -> int:
    """Queue the report job (in the caller's transaction); its id."""
    expo = await get_expo(session, expo_id)
    problems = []
    if not expo.starts_on <= request.start <= expo.ends_on:
        problems.append(FieldProblem("start", N_("Choose a day of the expo.")))
    if not expo.starts_on <= request.end <= expo.ends_on:
        problems.append(FieldProblem("end", N_("Choose a day of the expo.")))
    if not problems and request.end < request.start:
        problems.append(FieldProblem("end", N_("The last day cannot be before the first.")))
    if problems:
        raise InvalidInput(N_("Some fields are not valid."), code="bad_report_range", fields=problems)
    job_id = await enqueue(
        session,
        REPORT_JOB,
        {
            "expo_id": expo_id,
            "start": request.start.isoformat(),
            "end": request.end.isoformat(),
            "locale": request.locale,
            "by": None if user.everything else user.id,
        },
        expo_id=expo_id,
        max_attempts=3,
        timeout_s=600,
    )
    assert job_id is not None  # no key: never a no-op
    return job_id


async def report_jobs(session: AsyncSession, expo_id: int, limit: int = 20) -> list[Job]:
    return await list_jobs(session, expo_id=expo_id, kind=REPORT_JOB, limit=limit)
