"""Allocation runs: dry-run the allocator on the expo, and commit a run.

A dry run changes no booking; it is stored with its seed, settings, pins, the state it saw (the basis) and
its result. Committing turns a run into bookings in one transaction, through the same booking rules
(``assign_booth`` and the one-active-booking-per-booth index). If anything the run relied on has
changed since, or a booth is taken while committing, nothing is written and the organiser gets 409 with
what changed. Existing bookings are never moved: they are inputs the allocator keeps.
"""

import dataclasses
import secrets
from typing import Any

import anyio.to_thread
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from booths.allocation import solver as alloc
from booths.allocation.inputs import (
    accepted_applications,
    applicant_input,
    exhibitor_names,
    load_venue,
    options_for,
)
from booths.allocation.models import AllocationRun, AllocationSetting, RunResult, RunStatus, StoredStand
from booths.applications.models import ApplicationStatus, BookingCoExhibitor, BoothApplication
from booths.applications.schemas import CommitRead, DryRunIn
from booths.applications.service import get_settings
from booths.bookings.models import Booking
from booths.bookings.service import assign_booth
from booths.exhibitors.models import Exhibitor
from booths.notifications import triggers
from booths.venue.models import BoothPackage
from booths.venue.service import get_expo, list_booths, list_packages, price_for
from expo.accounts import CurrentUser
from expo.errors import Conflict, FieldProblem, NotFound
from expo.formatting import as_utc, utcnow
from expo.i18n import N_, translate

CHANGE_MESSAGES = {
    "booth_now_booked": N_("booth %(booth)s has been booked since"),
    "booth_unavailable": N_("booth %(booth)s is no longer available"),
    "exhibitor_now_booked": N_("%(name)s has a booth since"),
    "application_changed": N_("the application of %(name)s is now %(status)s"),
    "application_edited": N_("%(name)s changed its application"),
    "application_added": N_("the application of %(name)s was accepted since"),
}


@dataclasses.dataclass
class Prepared:
    problem: alloc.Problem
    basis: dict[str, Any]
    settings: dict[str, Any]


async def prepare(session: AsyncSession, expo_id: int, data: DryRunIn) -> Prepared:
    """Read everything the allocator needs (reads only)."""
    expo = await get_expo(session, expo_id)
    setting = await get_settings(session, expo_id)
    venue = await load_venue(session, expo_id, setting)
    pairs = await accepted_applications(session, expo_id)
    applicants = [applicant_input(a, e, venue.packages, setting.fairness_by, expo.timezone) for a, e in pairs]
    names = await exhibitor_names(session, expo_id)
    seed = data.seed if data.seed is not None else secrets.randbelow(2**31)
    options = options_for(setting, seed, data.weights, data.time_limit_s)
    problem = alloc.Problem(
        tuple(venue.booths), tuple(applicants), tuple(venue.locked), dict(data.pins), names, options
    )
    basis = {
        "booths": sorted(b.id for b in venue.booths),
        "booked_booths": sorted(venue.booked_booths),
        "booked_exhibitors": sorted(venue.booked_exhibitors),
        "applications": {str(a.id): as_utc(a.updated_at).isoformat() for a, _ in pairs},
    }
    settings = {
        "weights": dataclasses.asdict(options.weights),
        "quotas": [dataclasses.asdict(q) for q in options.quotas],
        "zone_rules": setting.zone_rules or [],
        "fairness_by": setting.fairness_by,
        "fairness_max_gap": options.fairness_max_gap,
        "max_per_stand": options.max_per_stand,
        "time_limit_s": options.time_limit_s,
    }
    return Prepared(problem, basis, settings)


async def dry_run(session: AsyncSession, expo_id: int, data: DryRunIn, actor: CurrentUser) -> AllocationRun:
    """Run the allocator and store the run; no booking changes.

    The transaction so far (reads only) is committed before the solver starts in a worker thread, so a
    long solve holds no database lock, and the run is stored in a transaction that starts with its write.
    """
    prepared = await prepare(session, expo_id, data)
    await session.commit()
    outcome = await anyio.to_thread.run_sync(alloc.solve, prepared.problem)
    run = AllocationRun(
        expo_id=expo_id,
        seed=prepared.problem.options.seed,
        settings=prepared.settings,
        pins={str(k): v for k, v in prepared.problem.pins.items()},
        basis=prepared.basis,
        result=RunResult.model_validate(dataclasses.asdict(outcome)).model_dump(mode="json"),
        objective=outcome.objective,
        bound=outcome.bound,
        placed=outcome.placed,
        unplaced=outcome.unplaced,
        created_by=actor.id,
    )
    session.add(run)
    await session.flush()
    return run


async def get_run(session: AsyncSession, run_id: int, expo_id: int | None = None) -> AllocationRun:
    run = await session.get(AllocationRun, run_id)
    if run is None or (expo_id is not None and run.expo_id != expo_id):
        raise NotFound("No such allocation run.", code="run_not_found")
    return run


async def list_runs(session: AsyncSession, expo_id: int, limit: int = 50) -> list[AllocationRun]:
    await get_expo(session, expo_id)
    stmt = (
        sa.select(AllocationRun)
        .where(col(AllocationRun.expo_id) == expo_id)
        .order_by(col(AllocationRun.id).desc())
        .limit(limit)
    )
    return list((await session.scalars(stmt)).all())


async def latest_run(session: AsyncSession, expo_id: int, status: RunStatus | None = None) -> AllocationRun | None:
    stmt = sa.select(AllocationRun).where(col(AllocationRun.expo_id) == expo_id)
    if status is not None:
        stmt = stmt.where(col(AllocationRun.status) == status)
    return await session.scalar(stmt.order_by(col(AllocationRun.id).desc()).limit(1))


# --- commit ---------------------------------------------------------------------------------------
async def changes_since(session: AsyncSession, run: AllocationRun) -> list[tuple[str, dict[str, object]]]:
    """What the run relied on that is different now (empty: the run can be committed as it is)."""
    setting = await get_settings(session, run.expo_id)
    venue = await load_venue(session, run.expo_id, setting)
    codes = {b.id: b.code for b in venue.booths}
    names = await exhibitor_names(session, run.expo_id)
    changes: list[tuple[str, dict[str, object]]] = []
    for stand in run.outcome.stands:
        if stand.booth_id in venue.booked_booths:
            changes.append(("booth_now_booked", {"booth": stand.booth_code}))
        elif stand.booth_id not in codes:
            changes.append(("booth_unavailable", {"booth": stand.booth_code}))
        for exhibitor_id in stand.exhibitor_ids:
            if exhibitor_id in venue.booked_exhibitors:
                changes.append(("exhibitor_now_booked", {"name": names.get(exhibitor_id, "?")}))
    seen = {int(k): v for k, v in run.basis.get("applications", {}).items()}
    current = {
        a.id or 0: (a, e) for a, e in await accepted_applications(session, run.expo_id, tuple(ApplicationStatus))
    }
    for app_id, stamp in seen.items():
        found = current.get(app_id)
        if found is None:
            changes.append(("application_changed", {"name": "?", "status": "deleted"}))
            continue
        application, exhibitor = found
        if application.status != ApplicationStatus.ACCEPTED:
            changes.append(("application_changed", {"name": exhibitor.name, "status": str(application.status)}))
        elif as_utc(application.updated_at).isoformat() != stamp:
            changes.append(("application_edited", {"name": exhibitor.name}))
    for app_id, (application, exhibitor) in current.items():
        if application.status == ApplicationStatus.ACCEPTED and app_id not in seen:
            changes.append(("application_added", {"name": exhibitor.name}))
    return changes


async def commit_run(session: AsyncSession, run_id: int, actor: CurrentUser) -> CommitRead:
    """Turn a dry run into bookings, all or nothing (the caller commits, or rolls back on an error)."""
    now = utcnow()
    claimed = await session.execute(  # the first statement is a write: it serialises commits of one expo's runs
        sa.update(AllocationRun)
        .where(col(AllocationRun.id) == run_id, col(AllocationRun.status) == RunStatus.DRAFT)
        .values(status=RunStatus.COMMITTED, committed_at=now, committed_by=actor.id)
    )
    run = await session.get(AllocationRun, run_id, populate_existing=True)
    if run is None:
        raise NotFound("No such allocation run.", code="run_not_found")
    if getattr(claimed, "rowcount", 0) != 1:
        raise Conflict(
            "This run is %(status)s; only a draft can be committed.",
            code="run_not_draft",
            params={"status": run.status},
        )
    changes = await changes_since(session, run)
    if changes:
        raise _stale(changes)
    setting = await get_settings(session, run.expo_id)
    packages = {p.id or 0: p for p in await list_packages(session, run.expo_id)}
    booths = {b.id: b for b in await list_booths(session, run.expo_id, organiser=True)}
    applications = {a.id or 0: (a, e) for a, e in await accepted_applications(session, run.expo_id)}
    bookings = co_count = 0
    result = run.outcome
    placed: list[Booking] = []
    for stand in result.stands:
        booking = await _book_stand(session, run, stand, booths, packages, applications, setting, actor)
        placed.append(booking)
        bookings += 1
        assert booking.id is not None
        for exhibitor_id, share in list(zip(stand.exhibitor_ids, stand.staff_quota_shares, strict=True))[1:]:
            session.add(BookingCoExhibitor(booking_id=booking.id, exhibitor_id=exhibitor_id, staff_quota_share=share))
            co_count += 1
        for app_id in stand.application_ids:
            application = applications[app_id][0]
            application.status, application.updated_at, application.waitlist_rank = ApplicationStatus.PLACED, now, None
    waitlisted: list[int] = []
    for explanation in result.explanations:
        found = applications.get(explanation.application_id)
        if found is not None and not explanation.placed:
            found[0].status, found[0].waitlist_rank = ApplicationStatus.WAITLISTED, explanation.rank
            found[0].updated_at = now
            waitlisted.append(found[1].id or 0)
        elif found is not None and explanation.reason.code == "kept_existing_booking":
            found[0].status, found[0].updated_at = ApplicationStatus.PLACED, now
    await session.execute(
        sa.update(AllocationRun)
        .where(col(AllocationRun.expo_id) == run.expo_id, col(AllocationRun.status) == RunStatus.DRAFT)
        .values(status=RunStatus.SUPERSEDED)
    )
    await session.flush()
    await triggers.allocation_result(session, run_id, run.expo_id, placed, waitlisted)
    return CommitRead(run_id=run_id, bookings=bookings, co_exhibitors=co_count, waitlisted=len(waitlisted))


async def _book_stand(
    session: AsyncSession,
    run: AllocationRun,
    stand: StoredStand,
    booths: dict[int, Any],
    packages: dict[int, BoothPackage],
    applications: dict[int, tuple[BoothApplication, Exhibitor]],
    setting: AllocationSetting,
    actor: CurrentUser,
) -> Booking:
    """One stand's booking for its main exhibitor: confirmed when free for its class, else held until the
    payment deadline. A booth taken meanwhile (the unique index decides) raises 409 with the change."""
    main = applications[stand.application_ids[0]][1]
    assert main.id is not None
    price = price_for(packages[booths[stand.booth_id].package_id], main.exhibitor_class)
    try:
        booking = await assign_booth(
            session,
            run.expo_id,
            stand.booth_id,
            main.id,
            actor,
            confirm=price == 0,
            note=f"allocation run {run.id}",
            hold_days=setting.payment_days,
            tell=False,  # the run's result message tells the exhibitor
        )
    except Conflict as exc:
        if exc.code == "booth_taken":
            raise _stale([("booth_now_booked", {"booth": stand.booth_code})]) from exc
        raise
    return booking


def _stale(changes: list[tuple[str, dict[str, object]]]) -> Conflict:
    texts = [translate(CHANGE_MESSAGES[code], params) for code, params in changes]
    return Conflict(
        "The allocation is out of date (%(changes)s); run it again.",
        code="allocation_stale",
        params={"changes": "; ".join(texts[:10])},
        fields=[
            FieldProblem(f"changes.{i}", CHANGE_MESSAGES[code], params) for i, (code, params) in enumerate(changes)
        ],
    )
