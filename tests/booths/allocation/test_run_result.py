"""The stored result of an allocation run is typed: the solver's outcome keeps its JSON shape, rows
stored before read back, and the run's status is an enum the OpenAPI lists."""

import dataclasses
import json
from datetime import date
from typing import Any

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient
from pydantic import ValidationError
from sqlalchemy.ext.asyncio import AsyncSession

from booths.allocation.models import AllocationRun, RunResult, RunStatus
from booths.allocation.solver import ApplicantIn, BoothIn, Options, Problem, solve
from expo.models import Role
from tests.support.factories import bearer, make_user_token, make_venue

Client = AsyncTestClient[Litestar]


def _shared_stand_outcome() -> Any:
    booth = BoothIn(1, "A-01", "A", 0, 0, 3, 3, zone="kuliner", capacity=3, staff_quota=4)
    applicants = tuple(
        ApplicantIn(
            id=i,
            exhibitor_id=100 + i,
            name=f"Peserta {i}",
            exhibitor_class="pesantren",
            applied_on=date(2026, 8, i),
            cluster="kuliner",
            share=i < 3,
        )
        for i in (1, 2, 3)
    )
    return solve(Problem((booth,), applicants, options=Options(seed=7, time_limit_s=2.0)))


def test_the_typed_result_stores_the_outcome_in_its_old_shape() -> None:
    outcome = _shared_stand_outcome()
    as_before = json.loads(json.dumps(dataclasses.asdict(outcome)))
    run = AllocationRun(expo_id=1, seed=7)
    run.outcome = RunResult.model_validate(dataclasses.asdict(outcome))
    assert run.result == as_before
    assert run.outcome.stands[0].application_ids == [1, 2]
    assert run.outcome.explanations[2].reason.code == "outranked"


def test_a_result_of_the_wrong_shape_is_refused() -> None:
    with pytest.raises(ValidationError):
        RunResult.model_validate({"stands": [{"booth_id": "A-01"}]})
    run = AllocationRun(expo_id=1, seed=7, result={"explanations": [{"application_id": 1}]})
    with pytest.raises(ValidationError):
        _ = run.outcome


@pytest.mark.anyio
async def test_a_run_stored_without_the_newer_fields_reads_back(client: Client, session: AsyncSession) -> None:
    venue = await make_venue(session)
    organiser = await make_user_token(session, Role.ORGANISER)
    legacy = {
        "stands": [
            {
                "booth_id": venue.booth_ids[0],
                "booth_code": "A-01",
                "application_ids": [],
                "exhibitor_ids": [],
                "staff_quota_shares": [],
            }
        ],
        "explanations": [],
    }
    run = AllocationRun(expo_id=venue.expo_id, seed=3, result=legacy)
    session.add(run)
    await session.commit()
    response = await client.get(f"/api/allocation/runs/{run.id}", headers=bearer(organiser))
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["status"] == "draft"
    assert body["method"] == ""
    assert body["fairness"] == []
    assert [s["booth_code"] for s in body["stands"]] == ["A-01"]
    assert body["stands"][0]["pinned"] is False


@pytest.mark.anyio
async def test_the_openapi_lists_the_run_statuses(client: Client) -> None:
    root = (await client.get("/schema/openapi.json")).json()
    schemas = root["components"]["schemas"]
    status = schemas["RunSummary"]["properties"]["status"]
    if "$ref" in status:
        status = schemas[status["$ref"].rsplit("/", 1)[1]]
    assert sorted(status["enum"]) == sorted(s.value for s in RunStatus)
