"""Stored allocation runs as the API and the pages show them: names filled in, explanations translated."""

from sqlalchemy.ext.asyncio import AsyncSession

from booths.allocation.inputs import exhibitor_names
from booths.allocation.models import AllocationRun, StoredExplanation, StoredReason
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


def reason_read(reason: StoredReason) -> ReasonRead:
    params = dict(reason.params)
    return ReasonRead(code=reason.code, params=params, text=explain(reason.code, params))


def explanation_read(e: StoredExplanation, names: dict[int, str]) -> ExplanationRead:
    return ExplanationRead(
        application_id=e.application_id,
        exhibitor_id=e.exhibitor_id,
        exhibitor_name=names.get(e.exhibitor_id, "?"),
        rank=e.rank,
        placed=e.placed,
        booth_id=e.booth_id,
        booth_code=e.booth_code,
        reason=reason_read(e.reason),
        notes=[reason_read(n) for n in e.notes],
        shared_with=list(e.shared_with),
        main=e.main,
        position_score=e.position_score,
    )


def run_summary(run: AllocationRun) -> RunSummary:
    assert run.id is not None
    result = run.outcome
    return RunSummary(
        id=run.id,
        expo_id=run.expo_id,
        status=run.status,
        seed=run.seed,
        created_at=as_utc(run.created_at),
        committed_at=run.committed_at and as_utc(run.committed_at),
        objective=run.objective,
        bound=run.bound,
        gap_pct=result.gap_pct,
        placed=run.placed,
        unplaced=run.unplaced,
        fairness_gap=result.fairness_gap,
        method=result.method,
    )


async def run_read(session: AsyncSession, run: AllocationRun) -> RunRead:
    names = await exhibitor_names(session, run.expo_id)
    result = run.outcome
    return RunRead(
        **run_summary(run).model_dump(),
        terms=dict(result.terms),
        optimal=result.optimal,
        timed_out=result.timed_out,
        solve_s=result.solve_s,
        competitor_pairs_adjacent=result.competitor_pairs_adjacent,
        fairness=[GroupFairnessRead(**g.model_dump()) for g in result.fairness],
        pins={int(k): int(v) for k, v in (run.pins or {}).items()},
        settings=dict(run.settings or {}),
        stands=[
            StandRead(
                booth_id=s.booth_id,
                booth_code=s.booth_code,
                application_ids=list(s.application_ids),
                exhibitor_ids=list(s.exhibitor_ids),
                exhibitor_names=[names.get(e, "?") for e in s.exhibitor_ids],
                staff_quota_shares=list(s.staff_quota_shares),
                pinned=s.pinned,
            )
            for s in result.stands
        ],
        explanations=[explanation_read(e, names) for e in result.explanations],
        priority=[PriorityRead(**p.model_dump()) for p in result.priority],
    )


def explanation_of(run: AllocationRun, application_id: int) -> StoredExplanation | None:
    return next((e for e in run.outcome.explanations if e.application_id == application_id), None)
