"""The expo as the allocator sees it: booths with their facts (derived or overridden), locked bookings,
accepted applications and the settings, read from the database into the plain inputs of
``booths.allocation.solver``."""

import dataclasses
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from booths.allocation import solver as alloc
from booths.allocation.models import AllocationSetting, BoothAllocation, FairnessBy
from booths.applications.models import ApplicationStatus, BookingCoExhibitor, BoothApplication
from booths.applications.schemas import WeightsIn
from booths.bookings.holds import active_booking_clause
from booths.bookings.models import Booking
from booths.exhibitors.models import Exhibitor
from booths.maps.models import FeatureKind, VenueFeature
from booths.venue.models import BoothPackage, Hall, HallKind
from booths.venue.service import list_booths, list_halls, list_packages, price_for
from expo.formatting import as_utc


@dataclasses.dataclass
class Venue:
    """The expo as the allocator sees it, with what the service needs to turn results into bookings."""

    booths: list[alloc.BoothIn]
    locked: list[alloc.LockedIn]
    packages: dict[str, BoothPackage]
    booked_booths: set[int]
    booked_exhibitors: set[int]


def _halls(halls: list[Hall], features: list[VenueFeature]) -> list[alloc.HallIn]:
    """Entrances and marked aisles from the map's venue features (else the allocator's defaults)."""
    out = []
    for hall in halls:
        mine = [f for f in features if f.hall_id == hall.id]
        entrances = tuple(
            (f.x_m + f.width_m / 2, f.y_m + f.depth_m / 2) for f in mine if f.kind == FeatureKind.ENTRANCE
        )
        aisles = tuple(
            (f.x_m, f.y_m + f.depth_m / 2, f.x_m + f.width_m, f.y_m + f.depth_m / 2)
            if f.width_m >= f.depth_m
            else (f.x_m + f.width_m / 2, f.y_m, f.x_m + f.width_m / 2, f.y_m + f.depth_m)
            for f in mine
            if f.kind == FeatureKind.AISLE
        )
        out.append(alloc.HallIn(hall.code, hall.width_m, hall.depth_m, entrances, aisles))
    return out


async def load_venue(session: AsyncSession, expo_id: int, setting: AllocationSetting) -> Venue:
    booths = await list_booths(session, expo_id, organiser=True)
    halls = await list_halls(session, expo_id)
    outdoor = {h.code for h in halls if h.kind == HallKind.OUTDOOR}
    packages = {p.id or 0: p for p in await list_packages(session, expo_id)}
    features = list((await session.scalars(sa.select(VenueFeature).where(col(VenueFeature.expo_id) == expo_id))).all())
    overrides = {
        o.booth_id: o
        for o in (
            await session.scalars(
                sa.select(BoothAllocation).where(col(BoothAllocation.booth_id).in_([b.id for b in booths]))
            )
        ).all()
    }
    plain = []
    for b in booths:
        if b.status == "blocked":
            continue
        package = packages[b.package_id]
        override = overrides.get(b.id)
        accessible = override.accessible if override and override.accessible is not None else b.hall_code not in outdoor
        capacity = override.capacity if override and override.capacity else None
        plain.append(
            alloc.BoothIn(
                id=b.id,
                code=b.code,
                hall=b.hall_code,
                x=b.x_m,
                y=b.y_m,
                width=b.width_m,
                depth=b.depth_m,
                booth_type=str(b.booth_type),
                package=package.code,
                zone=b.cluster,
                power_amps=package.power_amps,
                accessible=accessible,
                capacity=capacity or alloc.stand_capacity(b.width_m, b.depth_m, setting.max_per_stand),
                staff_quota=package.staff_quota,
            )
        )
    scores = alloc.position_scores(plain, _halls(halls, features))
    fixed = {booth_id: o.position_score for booth_id, o in overrides.items() if o.position_score is not None}
    plain = [dataclasses.replace(b, position_score=fixed.get(b.id, scores[b.id])) for b in plain]
    active = (
        await session.execute(
            sa.select(col(Booking.id), col(Booking.booth_id), col(Booking.exhibitor_id), col(Exhibitor.cluster))
            .join(Exhibitor, col(Exhibitor.id) == col(Booking.exhibitor_id))
            .where(col(Booking.expo_id) == expo_id, active_booking_clause())
        )
    ).all()
    co: dict[int, list[int]] = {}
    for booking_id, exhibitor_id in (
        await session.execute(
            sa.select(col(BookingCoExhibitor.booking_id), col(BookingCoExhibitor.exhibitor_id)).where(
                col(BookingCoExhibitor.booking_id).in_([row[0] for row in active])
            )
        )
    ).all():
        co.setdefault(booking_id, []).append(exhibitor_id)
    locked = [alloc.LockedIn(row[1], (row[2], *sorted(co.get(row[0] or 0, []))), row[3]) for row in active]
    return Venue(
        booths=plain,
        locked=locked,
        packages={p.code: p for p in packages.values()},
        booked_booths={lock.booth_id for lock in locked},
        booked_exhibitors={e for lock in locked for e in lock.exhibitor_ids},
    )


async def accepted_applications(
    session: AsyncSession, expo_id: int, statuses: tuple[ApplicationStatus, ...] = (ApplicationStatus.ACCEPTED,)
) -> list[tuple[BoothApplication, Exhibitor]]:
    rows = (
        await session.execute(
            sa.select(BoothApplication, Exhibitor)
            .join(Exhibitor, col(Exhibitor.id) == col(BoothApplication.exhibitor_id))
            .where(col(BoothApplication.expo_id) == expo_id, col(BoothApplication.status).in_(statuses))
            .order_by(col(BoothApplication.id))
        )
    ).all()
    return [(row[0], row[1]) for row in rows]


def applicant_input(
    application: BoothApplication,
    exhibitor: Exhibitor,
    packages: dict[str, BoothPackage],
    fairness_by: str,
    timezone: str,
) -> alloc.ApplicantIn:
    assert application.id is not None
    assert exhibitor.id is not None
    wanted = [packages[c] for c in application.packages if c in packages] or list(packages.values())
    free = all(price_for(p, exhibitor.exhibitor_class) == 0 for p in wanted)
    group = ("free" if free else "paid") if fairness_by == FairnessBy.PAYMENT else str(exhibitor.exhibitor_class)
    return alloc.ApplicantIn(
        id=application.id,
        exhibitor_id=exhibitor.id,
        name=exhibitor.name,
        exhibitor_class=str(exhibitor.exhibitor_class),
        applied_on=as_utc(application.submitted_at).astimezone(ZoneInfo(timezone)).date(),
        cluster=application.cluster,
        group=group,
        booth_types=frozenset(str(t) for t in application.booth_types),
        packages=frozenset(str(p) for p in application.packages),
        min_area_m2=application.min_area_m2,
        power_amps=application.power_amps,
        accessible=application.accessible,
        preferences=tuple(str(p) for p in application.preferences),
        share=application.share,
        share_with=frozenset(int(e) for e in application.share_with),
        near=frozenset(int(e) for e in application.near),
        avoid=frozenset(int(e) for e in application.avoid),
    )


def options_for(
    setting: AllocationSetting, seed: int, weights: WeightsIn | None, time_limit_s: float | None
) -> alloc.Options:
    w = weights.model_dump() if weights is not None else WeightsIn.model_validate(setting.weights or {}).model_dump()
    return alloc.Options(
        seed=seed,
        weights=alloc.Weights(**w),
        quotas=tuple(
            alloc.ClassQuota(q["exhibitor_class"], int(q.get("reserved") or 0), q.get("cap"))
            for q in setting.quotas or []
        ),
        zone_rules=tuple(
            alloc.ZoneRule(
                r["zone"],
                frozenset(r["clusters"]) if r.get("clusters") is not None else None,
                frozenset(r["classes"]) if r.get("classes") is not None else None,
            )
            for r in setting.zone_rules or []
        ),
        fairness_max_gap=setting.fairness_max_gap,
        max_per_stand=setting.max_per_stand,
        time_limit_s=time_limit_s or setting.time_limit_s,
    )


async def exhibitor_names(session: AsyncSession, expo_id: int) -> dict[int, str]:
    rows = await session.execute(
        sa.select(col(Exhibitor.id), col(Exhibitor.name)).where(col(Exhibitor.expo_id) == expo_id)
    )
    return {int(i or 0): str(n) for i, n in rows.all()}
