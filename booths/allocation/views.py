"""Stored allocation runs as the API and the pages show them: names filled in, explanations translated."""

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from booths.allocation.inputs import exhibitor_names
from booths.allocation.models import AllocationRun
from booths.allocation.text import explain
from booths.applications.schemas import (
    ExplanationRead,
    GroupFairnessRead,
    PriorityRead,
    ReasonRead,
    RunRead,
    RunSummary,
    StandRead,
)
from expo.formatting import as_utc


def reason_read(reason: dict[str, Any]) -> ReasonRead:
    params = dict(reason.get("params") or {})
    return ReasonRead(code=reason["code"], params=params, text=explain(reason["code"], params))


def explanation_read(e: dict[str, Any], names: dict[int, str]) -> ExplanationRead:
    return ExplanationRead(
        application_id=e["application_id"],
        exhibitor_id=e["exhibitor_id"],
        exhibitor_name=names.get(e["exhibitor_id"], "?"),
        rank=e["rank"],
        placed=e["placed"],
        booth_id=e["booth_id"],
        booth_code=e["booth_code"],
        reason=reason_read(e["reason"]),
        notes=[reason_read(n) for n in e.get("notes") or []],
        shared_with=list(e.get("shared_with") or []),
        main=e.get("main", True),
        position_score=e.get("position_score"),
    )


def run_summary(run: AllocationRun) -> RunSummary:
    assert run.id is not None
    result = run.result or {}
    return RunSummary(
        id=run.id,
        expo_id=run.expo_id,
        status=run.status,
        seed=run.seed,
        created_at=as_utc(run.created_at),
        committed_at=run.committed_at and as_utc(run.committed_at),
        objective=run.objective,
        bound=run.bound,
        gap_pct=float(result.get("gap_pct", 0.0)),
        placed=run.placed,
        unplaced=run.unplaced,
        fairness_gap=float(result.get("fairness_gap", 0.0)),
        method=str(result.get("method", "")),
    )


async def run_read(session: AsyncSession, run: AllocationRun) -> RunRead:
    names = await exhibitor_names(session, run.expo_id)
    result = run.result or {}
    return RunRead(
        **run_summary(run).model_dump(),
        terms=dict(result.get("terms") or {}),
        optimal=bool(result.get("optimal")),
        timed_out=bool(result.get("timed_out")),
        solve_s=float(result.get("solve_s", 0.0)),
        competitor_pairs_adjacent=int(result.get("competitor_pairs_adjacent", 0)),
        fairness=[GroupFairnessRead(**g) for g in result.get("fairness") or []],
        pins={int(k): int(v) for k, v in (run.pins or {}).items()},
        settings=dict(run.settings or {}),
        stands=[
            StandRead(
                booth_id=s["booth_id"],
                booth_code=s["booth_code"],
                application_ids=list(s["application_ids"]),
                exhibitor_ids=list(s["exhibitor_ids"]),
                exhibitor_names=[names.get(e, "?") for e in s["exhibitor_ids"]],
                staff_quota_shares=list(s["staff_quota_shares"]),
                pinned=bool(s.get("pinned")),
            )
            for s in result.get("stands") or []
        ],
        explanations=[explanation_read(e, names) for e in result.get("explanations") or []],
        priority=[PriorityRead(**p) for p in result.get("priority") or []],
    )


def explanation_of(run: AllocationRun, application_id: int) -> dict[str, Any] | None:
    return next(
        (e for e in (run.result or {}).get("explanations") or [] if e["application_id"] == application_id), None
    )
