"""The organisers' page of an expo's background jobs: failed work with its reason, try again, cancel."""

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from expo.jobs import Job, JobState, enqueue
from expo.models import Role
from expo.settings import Settings
from tests.expo.jobs import kinds
from tests.support.factories import make_user_token, make_venue
from tests.support.jobs import run_jobs
from tests.support.pages import shown
from tests.support.passes import Client, log_in_as, post_form

pytestmark = pytest.mark.anyio


async def _status(session: AsyncSession, job_id: int) -> JobState:
    session.expire_all()
    job = await session.get(Job, job_id)
    assert job is not None
    return JobState(job.status)


@pytest.mark.real_commits  # the jobs run in a worker with its own engine
async def test_an_organiser_sees_a_failed_job_with_its_reason_and_tries_it_again(
    client: Client, session: AsyncSession, settings: Settings
) -> None:
    venue, other = await make_venue(session), await make_venue(session)
    kinds.SWITCH["broken"] = True
    failing = await enqueue(session, "test.switch", {}, expo_id=venue.expo_id, max_attempts=1)
    recorded = await enqueue(session, "test.record", {}, expo_id=venue.expo_id)
    elsewhere = await enqueue(session, "test.switch", {}, expo_id=other.expo_id, max_attempts=1)
    await session.commit()
    assert failing is not None
    assert recorded is not None
    assert elsewhere is not None
    fast = settings.model_copy(update={"job_modules": kinds.__name__, "job_backoff_base_seconds": 0.0})
    assert await run_jobs(fast) == 3

    log_in_as(client, await make_user_token(session, Role.EXHIBITOR))
    assert (await client.get(f"/admin/e/{venue.expo.slug}/jobs")).status_code == 403
    log_in_as(client, await make_user_token(session, Role.ORGANISER))
    page = f"/admin/e/{venue.expo.slug}/jobs"
    listing = await client.get(page)
    assert listing.status_code == 200
    assert f'id="job-{failing}"' in listing.text
    assert f'id="job-{elsewhere}"' not in listing.text  # another expo's
    assert "RuntimeError: the service is down" in listing.text
    assert shown("Failed") in listing.text
    assert "Test switch" in listing.text
    assert f'href="{page}"' in listing.text  # the organisers' menu links here

    only_failed = await client.get(f"{page}?status=failed")
    assert f'id="job-{failing}"' in only_failed.text
    assert f'id="job-{recorded}"' not in only_failed.text
    assert (await client.get(f"{page}?status=bogus")).status_code == 200

    retried = await post_form(client, f"{page}/{failing}/retry", {"back": "status=failed"}, from_page=page)
    assert retried.status_code == 303, retried.text
    assert retried.headers["location"] == f"{page}?status=failed&msg=retried"
    assert await _status(session, failing) == JobState.QUEUED

    refused = await post_form(client, f"{page}/{failing}/retry", {"back": ""}, from_page=page)
    assert refused.status_code == 409
    assert shown("Only a failed or cancelled job can be tried again.") in refused.text

    not_ours = await post_form(client, f"{page}/{elsewhere}/retry", {"back": ""}, from_page=page)
    assert not_ours.status_code == 404
    assert await _status(session, elsewhere) == JobState.FAILED

    cancelled = await post_form(client, f"{page}/{failing}/cancel", {"back": ""}, from_page=page)
    assert cancelled.status_code == 303
    assert await _status(session, failing) == JobState.CANCELLED
    again = await post_form(client, f"{page}/{failing}/retry", {"back": ""}, from_page=page)
    assert again.status_code == 303

    kinds.SWITCH["broken"] = False
    try:
        assert await run_jobs(fast) == 1
    finally:
        kinds.SWITCH["broken"] = True
    assert await _status(session, failing) == JobState.DONE
    done = await client.get(f"{page}?status=done")
    assert f'id="job-{failing}"' in done.text
