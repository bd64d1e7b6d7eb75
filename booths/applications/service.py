"""Booth applications: the window, applying, editing, withdrawing, and the organisers' accept or decline.

Writes start with a write (the exhibitor row is touched first), as in ``booths.bookings.service``.
"""

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from booths.allocation.models import AllocationSetting, BoothAllocation
from booths.allocation.solver import parse_preference
from booths.applications.models import ApplicationStatus, BoothApplication
from booths.applications.schemas import (
    AllocationSettingsIn,
    AllocationSettingsRead,
    ApplicationCreate,
    ApplicationIn,
    ApplicationRead,
    BoothAllocationIn,
)
from booths.exhibitors.models import Exhibitor
from booths.exhibitors.service import exhibitor_of_user, lock_exhibitor
from booths.venue.models import Booth, BoothPackage, Hall, ProductCluster
from booths.venue.service import check_cluster, get_booth, get_expo
from expo.accounts import CurrentUser
from expo.errors import Conflict, FieldProblem, Forbidden, InvalidInput, NotFound
from expo.formatting import as_utc, utcnow
from expo.permissions import Area

OPEN_STATUSES = (ApplicationStatus.SUBMITTED, ApplicationStatus.ACCEPTED)
EDITABLE = (ApplicationStatus.SUBMITTED, ApplicationStatus.ACCEPTED, ApplicationStatus.WAITLISTED)


# --- settings and the window ------------------------------------------------------------------
async def get_settings(session: AsyncSession, expo_id: int) -> AllocationSetting:
    """The expo's allocation settings; the defaults (not stored) when the organiser set none."""
    setting = await session.scalar(sa.select(AllocationSetting).where(col(AllocationSetting.expo_id) == expo_id))
    return setting or AllocationSetting(expo_id=expo_id)


def window_open(setting: AllocationSetting, now: datetime | None = None) -> bool:
    """Applications are taken from ``opens_at`` until ``closes_at`` (open-ended when unset); never
    before the organiser opens the window."""
    now = now or utcnow()
    if setting.opens_at is None or as_utc(setting.opens_at) > now:
        return False
    return setting.closes_at is None or now < as_utc(setting.closes_at)


def settings_read(setting: AllocationSetting) -> AllocationSettingsRead:
    return AllocationSettingsRead.model_validate(
        {
            "applications_only": setting.applications_only,
            "opens_at": setting.opens_at and as_utc(setting.opens_at),
            "closes_at": setting.closes_at and as_utc(setting.closes_at),
            "offer_hours": setting.offer_hours,
            "payment_days": setting.payment_days,
            "weights": setting.weights or {},
            "quotas": setting.quotas or [],
            "zone_rules": setting.zone_rules or [],
            "fairness_by": setting.fairness_by,
            "fairness_max_gap": setting.fairness_max_gap,
            "max_per_stand": setting.max_per_stand,
            "time_limit_s": setting.time_limit_s,
            "window_open": window_open(setting),
        }
    )


async def update_settings(session: AsyncSession, expo_id: int, data: AllocationSettingsIn) -> AllocationSetting:
    await get_expo(session, expo_id)
    for i, rule in enumerate(data.zone_rules):
        for j, code in enumerate(rule.clusters or []):
            await check_cluster(session, expo_id, code, f"zone_rules.{i}.clusters.{j}")
    setting = await session.scalar(sa.select(AllocationSetting).where(col(AllocationSetting.expo_id) == expo_id))
    if setting is None:
        setting = AllocationSetting(expo_id=expo_id)
        session.add(setting)
    values = data.model_dump(mode="json")
    for key in ("applications_only", "offer_hours", "payment_days", "fairness_by", "fairness_max_gap"):
        setattr(setting, key, values[key])
    setting.max_per_stand, setting.time_limit_s = data.max_per_stand, data.time_limit_s
    setting.opens_at = as_utc(data.opens_at) if data.opens_at else None  # stored in UTC (SQLite drops offsets)
    setting.closes_at = as_utc(data.closes_at) if data.closes_at else None
    setting.weights, setting.quotas, setting.zone_rules = values["weights"], values["quotas"], values["zone_rules"]
    setting.updated_at = utcnow()
    await session.flush()
    return setting


async def set_booth_allocation(session: AsyncSession, booth_id: int, data: BoothAllocationIn) -> BoothAllocation:
    """The organiser's overrides of one booth's position score, accessibility and shared-stand room."""
    await get_booth(session, booth_id)
    row = await session.scalar(sa.select(BoothAllocation).where(col(BoothAllocation.booth_id) == booth_id))
    if row is None:
        row = BoothAllocation(booth_id=booth_id)
        session.add(row)
    row.position_score, row.accessible, row.capacity = data.position_score, data.accessible, data.capacity
    await session.flush()
    return row


# --- reading ------------------------------------------------------------------------------------
def application_read(application: BoothApplication, exhibitor: Exhibitor) -> ApplicationRead:
    assert application.id is not None
    fields = {name: getattr(application, name) for name in ApplicationRead.model_fields if hasattr(application, name)}
    return ApplicationRead(
        **fields | {"id": application.id},
        exhibitor_name=exhibitor.name,
        exhibitor_class=exhibitor.exhibitor_class,
    )


async def list_applications(
    session: AsyncSession,
    expo_id: int,
    *,
    status: ApplicationStatus | None = None,
    cluster: str | None = None,
    exhibitor_class: str | None = None,
    q: str | None = None,
    exhibitor_id: int | None = None,
) -> list[ApplicationRead]:
    await get_expo(session, expo_id)
    stmt = (
        sa.select(BoothApplication, Exhibitor)
        .join(Exhibitor, col(Exhibitor.id) == col(BoothApplication.exhibitor_id))
        .where(col(BoothApplication.expo_id) == expo_id)
        .order_by(col(BoothApplication.submitted_at), col(BoothApplication.id))
    )
    if status is not None:
        stmt = stmt.where(col(BoothApplication.status) == status)
    if cluster:
        stmt = stmt.where(col(BoothApplication.cluster) == cluster)
    if exhibitor_class:
        stmt = stmt.where(col(Exhibitor.exhibitor_class) == exhibitor_class)
    if exhibitor_id is not None:
        stmt = stmt.where(col(BoothApplication.exhibitor_id) == exhibitor_id)
    if q:
        escaped = q.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        stmt = stmt.where(sa.func.lower(col(Exhibitor.name)).like(f"%{escaped}%", escape="\\"))
    rows = (await session.execute(stmt)).all()
    return [application_read(row[0], row[1]) for row in rows]


async def get_application(session: AsyncSession, application_id: int, user: CurrentUser) -> BoothApplication:
    """Organisers see every application; an exhibitor only its own (others are not found)."""
    application = await session.get(BoothApplication, application_id)
    if application is None:
        raise NotFound("No such application.", code="application_not_found")
    if not user.may(application.expo_id, Area.EXHIBITORS):
        owner = await session.scalar(
            sa.select(col(Exhibitor.user_id)).where(col(Exhibitor.id) == application.exhibitor_id)
        )
        if owner != user.id:
            raise NotFound("No such application.", code="application_not_found")
    return application


async def read_application(session: AsyncSession, application: BoothApplication) -> ApplicationRead:
    exhibitor = await session.get(Exhibitor, application.exhibitor_id)
    assert exhibitor is not None
    return application_read(application, exhibitor)


async def application_of(session: AsyncSession, expo_id: int, exhibitor_id: int) -> BoothApplication | None:
    return await session.scalar(
        sa.select(BoothApplication).where(
            col(BoothApplication.expo_id) == expo_id, col(BoothApplication.exhibitor_id) == exhibitor_id
        )
    )


# --- checking what an exhibitor asks for ---------------------------------------------------------
async def _codes(session: AsyncSession, column: Any, expo_column: Any, expo_id: int) -> set[str]:
    return {str(c) for c in (await session.scalars(sa.select(column).where(expo_column == expo_id))).all()}


async def check_application(session: AsyncSession, expo_id: int, exhibitor_id: int, data: ApplicationIn) -> None:
    """Everything named must exist in this expo; nobody names itself; a partner is not a competitor."""
    problems: list[FieldProblem] = []
    if data.cluster:
        await check_cluster(session, expo_id, data.cluster)
    packages = await _codes(session, col(BoothPackage.code), col(BoothPackage.expo_id), expo_id)
    problems += [
        FieldProblem(f"packages.{i}", "Unknown booth package %(code)s.", {"code": code})
        for i, code in enumerate(data.packages)
        if code not in packages
    ]
    booth_codes = await _codes(session, col(Booth.code), col(Booth.expo_id), expo_id)
    clusters = await _codes(session, col(ProductCluster.code), col(ProductCluster.expo_id), expo_id)
    halls = {c.upper() for c in await _codes(session, col(Hall.code), col(Hall.expo_id), expo_id)}
    seen: set[tuple[str, str]] = set()
    for i, text in enumerate(data.preferences):
        kind, value = parse_preference(text)
        known = {"booth": booth_codes, "zone": clusters, "hall": halls}[kind]
        if (value.upper() if kind == "hall" else value) not in known:
            problems.append(FieldProblem(f"preferences.{i}", "No booth or zone %(code)s in this expo.", {"code": text}))
        elif (kind, value) in seen:
            problems.append(FieldProblem(f"preferences.{i}", "This choice is listed twice."))
        seen.add((kind, value))
    named = set(data.share_with) | set(data.near) | set(data.avoid)
    found = set(
        (
            await session.scalars(
                sa.select(col(Exhibitor.id)).where(col(Exhibitor.expo_id) == expo_id, col(Exhibitor.id).in_(named))
            )
        ).all()
    )
    for field in ("share_with", "near", "avoid"):
        for i, other in enumerate(getattr(data, field)):
            if other == exhibitor_id:
                problems.append(FieldProblem(f"{field}.{i}", "Name another exhibitor, not yourself."))
            elif other not in found:
                problems.append(FieldProblem(f"{field}.{i}", "No such exhibitor in this expo."))
    for i, other in enumerate(data.avoid):
        if other in set(data.share_with) | set(data.near):
            problems.append(FieldProblem(f"avoid.{i}", "A competitor cannot also be a partner or a neighbour."))
    if problems:
        raise InvalidInput(fields=problems)


def _apply(application: BoothApplication, data: ApplicationIn) -> None:
    values = data.model_dump(mode="json", include=set(ApplicationIn.model_fields))
    for key, value in values.items():
        setattr(application, key, sorted(set(value)) if key in {"share_with", "near", "avoid"} else value)
    application.updated_at = utcnow()


async def _acting_exhibitor(session: AsyncSession, expo_id: int, data: ApplicationCreate, user: CurrentUser) -> int:
    if user.may(expo_id, Area.EXHIBITORS):
        if data.exhibitor_id is None:
            raise InvalidInput(fields=[FieldProblem("exhibitor_id", "This field is required.")])
        return data.exhibitor_id
    exhibitor = await exhibitor_of_user(session, user.id, expo_id)
    if exhibitor is None or exhibitor.id is None:
        raise Forbidden("Register as an exhibitor of this expo first.", code="not_an_exhibitor")
    return exhibitor.id


# --- changes --------------------------------------------------------------------------------------
async def submit_application(
    session: AsyncSession, expo_id: int, data: ApplicationCreate, user: CurrentUser
) -> BoothApplication:
    """An exhibitor applies while the window is open (organisers may enter one at any time)."""
    exhibitor_id = await _acting_exhibitor(session, expo_id, data, user)
    exhibitor = await lock_exhibitor(session, exhibitor_id)
    if exhibitor.expo_id != expo_id:
        raise NotFound("No such exhibitor.", code="exhibitor_not_found")
    if not user.may(expo_id, Area.EXHIBITORS) and not window_open(await get_settings(session, expo_id)):
        raise Conflict("Applications are not being taken now.", code="window_closed")
    await check_application(session, expo_id, exhibitor_id, data)
    application = await application_of(session, expo_id, exhibitor_id)
    if application is not None and application.status not in (ApplicationStatus.WITHDRAWN, ApplicationStatus.DECLINED):
        raise Conflict("You have applied already; change your application instead.", code="already_applied")
    now = utcnow()
    if application is None:
        application = BoothApplication(expo_id=expo_id, exhibitor_id=exhibitor_id, status=ApplicationStatus.SUBMITTED)
        session.add(application)
    application.status, application.submitted_at = ApplicationStatus.SUBMITTED, now
    application.decided_at = application.decided_by = application.decision_note = application.waitlist_rank = None
    if data.cluster is None:
        data = data.model_copy(update={"cluster": exhibitor.cluster})
    _apply(application, data)
    await session.flush()
    return application


async def update_application(
    session: AsyncSession, application_id: int, data: ApplicationIn, user: CurrentUser
) -> BoothApplication:
    """Change an application before it is placed (exhibitors only while the window is open)."""
    found = await get_application(session, application_id, user)
    await lock_exhibitor(session, found.exhibitor_id)
    application = await session.get(BoothApplication, application_id, populate_existing=True)
    assert application is not None
    if application.status not in EDITABLE:
        raise Conflict(
            "This application is %(status)s and cannot be changed.",
            code="application_closed",
            params={"status": application.status},
        )
    if not user.may(application.expo_id, Area.EXHIBITORS) and not window_open(
        await get_settings(session, application.expo_id)
    ):
        raise Conflict("Applications are not being taken now.", code="window_closed")
    await check_application(session, application.expo_id, application.exhibitor_id, data)
    _apply(application, data)
    await session.flush()
    return application


async def withdraw_application(session: AsyncSession, application_id: int, user: CurrentUser) -> BoothApplication:
    found = await get_application(session, application_id, user)
    await lock_exhibitor(session, found.exhibitor_id)
    application = await session.get(BoothApplication, application_id, populate_existing=True)
    assert application is not None
    if application.status not in EDITABLE:
        raise Conflict(
            "This application is %(status)s and cannot be withdrawn.",
            code="application_closed",
            params={"status": application.status},
        )
    application.status, application.updated_at = ApplicationStatus.WITHDRAWN, utcnow()
    await session.flush()
    return application


async def decide_application(
    session: AsyncSession, application_id: int, accept: bool, user: CurrentUser, note: str = ""
) -> BoothApplication:
    """Organisers accept (the allocator then considers it) or decline an application."""
    found = await get_application(session, application_id, user)
    await lock_exhibitor(session, found.exhibitor_id)
    application = await session.get(BoothApplication, application_id, populate_existing=True)
    assert application is not None
    allowed = (ApplicationStatus.SUBMITTED, ApplicationStatus.DECLINED, ApplicationStatus.ACCEPTED)
    if application.status not in (*allowed, ApplicationStatus.WAITLISTED) or (
        accept and application.status == ApplicationStatus.WAITLISTED
    ):
        raise Conflict(
            "This application is %(status)s; it cannot be decided now.",
            code="application_closed",
            params={"status": application.status},
        )
    application.status = ApplicationStatus.ACCEPTED if accept else ApplicationStatus.DECLINED
    application.decision_note = note or None
    application.decided_at = application.updated_at = utcnow()
    application.decided_by = user.id
    if not accept:
        application.waitlist_rank = None
    await session.flush()
    return application
