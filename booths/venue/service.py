"""Rules for the expo, its days, halls, clusters, packages and booths.

Over 400 lines on purpose: the venue is one aggregate whose rules check each other (a booth against its
hall's size, its neighbours and its package; a hall against the booths on it; a package and a cluster
against their expo), and every caller (API, pages, CSV import, maps, the demo, the test factories) uses
it as the one ``venue`` module. Sections below: expo, halls and clusters, packages, booths. Whether a
booking holds a booth is ``booths.bookings.holds``.
"""

from collections.abc import Sequence
from datetime import date, datetime, time, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from booths.bookings.holds import active_booking_clause, booth_is_booked
from booths.bookings.models import Booking, BookingStatus
from booths.committee.service import add_member
from booths.exhibitors.models import Exhibitor
from booths.notifications.triggers import schedule_expo_tomorrow
from booths.sales.reminders import schedule_sales_reminders
from booths.venue import geometry
from booths.venue.lifecycle import check_not_over, expo_state, is_over
from booths.venue.models import Booth, BoothPackage, BoothType, Expo, ExpoDay, Hall, HallKind, ProductCluster
from booths.venue.schemas import (
    LAST_BEFORE_FIRST,
    MAX_DAYS,
    TOO_LONG,
    BlockRequest,
    BoothCreate,
    BoothRead,
    BoothStatus,
    BoothUpdate,
    ClusterCreate,
    ClusterRead,
    ExpoCreate,
    ExpoDayRead,
    ExpoDayUpdate,
    ExpoRead,
    ExpoSettings,
    ExpoSwitch,
    ExpoUpdate,
    HallCreate,
    HallRead,
    HallUpdate,
    PackageCreate,
    PackageRead,
    PackageUpdate,
)
from expo.accounts import CurrentUser
from expo.audit import changed, record, snapshot
from expo.errors import Conflict, FieldProblem, InvalidInput, NotFound
from expo.formatting import utcnow
from expo.i18n import N_
from expo.models import CommitteeRole


# --- expo -------------------------------------------------------------------------------------
async def get_expo(session: AsyncSession, expo_id: int) -> Expo:
    expo = await session.get(Expo, expo_id)
    if expo is None:
        raise NotFound("No such expo.", code="expo_not_found")
    return expo


async def get_expo_by_slug(session: AsyncSession, slug: str) -> Expo:
    expo = await session.scalar(sa.select(Expo).where(col(Expo.slug) == slug))
    if expo is None:
        raise NotFound("No such expo.", code="expo_not_found")
    return expo


async def default_expo(session: AsyncSession) -> Expo | None:
    """The expo the home page shows: the next one to end, else the latest."""
    today = utcnow().date()
    expo = await session.scalar(sa.select(Expo).where(col(Expo.ends_on) >= today).order_by(col(Expo.ends_on)).limit(1))
    return expo or await session.scalar(sa.select(Expo).order_by(col(Expo.ends_on).desc()).limit(1))


async def list_expos(session: AsyncSession, *, public: bool = False) -> list[ExpoRead]:
    """Every expo (for the committee pages, which keep each member's own), or the published ones."""
    stmt = sa.select(Expo).order_by(col(Expo.starts_on))
    if public:
        stmt = stmt.where(col(Expo.published).is_(True))
    expos = (await session.scalars(stmt)).all()
    return [await expo_read(session, e) for e in expos]


async def expo_days(session: AsyncSession, expo_id: int) -> list[ExpoDay]:
    return list(
        (
            await session.scalars(sa.select(ExpoDay).where(col(ExpoDay.expo_id) == expo_id).order_by(col(ExpoDay.day)))
        ).all()
    )


async def expo_read(session: AsyncSession, expo: Expo) -> ExpoRead:
    assert expo.id is not None
    days = [
        ExpoDayRead(day=d.day, opens_at=d.opens_at, closes_at=d.closes_at) for d in await expo_days(session, expo.id)
    ]
    return ExpoRead(**expo.model_dump(exclude={"created_at"}), state=expo_state(expo), days=days)


_SLUG_TAKEN = N_("This short address is taken; choose another one.")
_EXPO_FIELDS = (
    "slug",
    "name",
    "city",
    "venue",
    "starts_on",
    "ends_on",
    "timezone",
    "languages",
    "contact_whatsapp",
    "contact_email",
    "hold_minutes",
    "booth_limit",
    "free_self_confirm",
    "published",
    "booking_open",
)


async def check_slug_free(session: AsyncSession, slug: str, expo_id: int | None = None) -> None:
    stmt = sa.select(col(Expo.id)).where(col(Expo.slug) == slug)
    if expo_id is not None:
        stmt = stmt.where(col(Expo.id) != expo_id)
    if await session.scalar(stmt) is not None:
        raise Conflict(_SLUG_TAKEN, code="slug_taken", fields=[FieldProblem("slug", _SLUG_TAKEN)])


def _dates(starts_on: date, ends_on: date) -> list[date]:
    return [starts_on + timedelta(days=n) for n in range((ends_on - starts_on).days + 1)]


async def create_expo(session: AsyncSession, data: ExpoCreate, created_by: CurrentUser | None = None) -> Expo:
    """A new expo with its days; ``created_by`` becomes its first organiser."""
    await check_slug_free(session, data.slug)
    expo = Expo(**data.model_dump(exclude={"opens_at", "closes_at"}))
    session.add(expo)
    await session.flush()
    assert expo.id is not None
    for day in _dates(data.starts_on, data.ends_on):
        session.add(ExpoDay(expo_id=expo.id, day=day, opens_at=data.opens_at, closes_at=data.closes_at))
    await session.flush()
    if created_by is not None:
        await add_creator(session, expo, created_by)
        await record(session, created_by, expo.id, "expo.created", expo.name, after=snapshot(expo, _EXPO_FIELDS))
    await schedule_expo_tomorrow(session, expo)
    await schedule_sales_reminders(session, expo)
    return expo


async def add_creator(session: AsyncSession, expo: Expo, by: CurrentUser) -> None:
    """Whoever makes an expo (new or copied) becomes its first organiser (the system needs no seat)."""
    assert expo.id is not None
    if not by.everything:
        await add_member(session, expo.id, by.id, CommitteeRole.ORGANISER)


async def update_expo(session: AsyncSession, expo_id: int, data: ExpoUpdate, by: CurrentUser | None = None) -> Expo:
    expo = await get_expo(session, expo_id)
    changes = data.model_dump(exclude_unset=True, exclude_none=True)
    before = snapshot(expo, changes)
    for key, value in changes.items():
        setattr(expo, key, value)
    await session.flush()
    if by is not None:
        old, new = changed(before, snapshot(expo, changes))
        if new:
            await record(session, by, expo_id, "expo.updated", expo.name, before=old, after=new)
    return expo


async def update_expo_day(session: AsyncSession, expo_id: int, day: Any, data: ExpoDayUpdate) -> ExpoDay:
    row = await session.scalar(sa.select(ExpoDay).where(col(ExpoDay.expo_id) == expo_id, col(ExpoDay.day) == day))
    if row is None:
        raise NotFound("This day is not a day of the expo.", code="day_not_found")
    row.opens_at, row.closes_at = data.opens_at, data.closes_at
    await session.flush()
    return row


async def update_settings(session: AsyncSession, expo_id: int, data: ExpoSettings, by: CurrentUser) -> Expo:
    """The settings page: the expo's facts, its dates and each day's hours, all or nothing. Days
    leaving the dates are removed, new days take the hours given for them, else the first day's;
    extra days outside the dates (a gate rehearsal) stay."""
    expo = await get_expo(session, expo_id)
    await check_slug_free(session, data.slug, expo_id)
    if data.ends_on < data.starts_on:
        raise InvalidInput(fields=[FieldProblem("ends_on", LAST_BEFORE_FIRST)])
    if (data.ends_on - data.starts_on).days > MAX_DAYS:
        raise InvalidInput(fields=[FieldProblem("ends_on", TOO_LONG)])
    fields = (
        *("slug", "name", "city", "venue", "starts_on", "ends_on", "timezone", "languages"),
        *("contact_whatsapp", "contact_email"),
    )
    days = await expo_days(session, expo_id)
    before = snapshot(expo, fields) | {"hours": _hours_of(days)}
    before_range = (expo.starts_on, expo.ends_on)
    for key in fields:
        setattr(expo, key, getattr(data, key))
    given = {h.day: (h.opens_at, h.closes_at) for h in data.hours}
    kept = {d.day: d for d in days}
    first = kept.get(data.starts_on) or kept.get(before_range[0])
    default = given.get(data.starts_on) or ((first.opens_at, first.closes_at) if first else (time(9), time(21)))
    wanted = set(_dates(data.starts_on, data.ends_on))
    for row in days:
        if before_range[0] <= row.day <= before_range[1] and row.day not in wanted:
            await session.delete(row)  # a day the expo no longer has (extra days, e.g. a rehearsal, stay)
        elif row.day in given:
            row.opens_at, row.closes_at = given[row.day]
    for day in sorted(wanted - set(kept)):
        opens_at, closes_at = given.get(day, default)
        session.add(ExpoDay(expo_id=expo_id, day=day, opens_at=opens_at, closes_at=closes_at))
    await session.flush()
    after = snapshot(expo, fields) | {"hours": _hours_of(await expo_days(session, expo_id))}
    old, new = changed(before, after)
    if new:
        await record(session, by, expo_id, "expo.updated", expo.name, before=old, after=new)
    if expo.starts_on != before_range[0]:
        await schedule_expo_tomorrow(session, expo)  # the reminder planned for the old first day sends nothing
    if (expo.starts_on, expo.ends_on) != before_range:
        await schedule_sales_reminders(session, expo)  # new days get theirs; removed days' jobs send nothing
    return expo


def _hours_of(days: Sequence[ExpoDay]) -> dict[str, str]:
    return {d.day.isoformat(): f"{d.opens_at:%H:%M}-{d.closes_at:%H:%M}" for d in days}


_SWITCHES: dict[str, tuple[str, bool]] = {
    "publish": ("published", True),
    "unpublish": ("published", False),
    "open_booking": ("booking_open", True),
    "close_booking": ("booking_open", False),
}


async def switch_state(session: AsyncSession, expo_id: int, switch: ExpoSwitch, by: CurrentUser) -> Expo:
    """Publish or hide the expo, open or close booking (opening booking publishes a draft too)."""
    expo = await get_expo(session, expo_id)
    if switch in {"publish", "open_booking"}:
        check_not_over(expo)
    attribute, value = _SWITCHES[switch]
    before = snapshot(expo, ("published", "booking_open"))
    setattr(expo, attribute, value)
    if switch == "open_booking":
        expo.published = True
    await session.flush()
    old, new = changed(before, snapshot(expo, ("published", "booking_open")))
    if new:
        await record(session, by, expo_id, f"expo.{switch}", expo.name, before=old, after=new)
    return expo


async def public_expos(session: AsyncSession, now: datetime | None = None) -> list[Expo]:
    """Published expos not over yet, soonest first (the home page)."""
    rows = await session.scalars(
        sa.select(Expo).where(col(Expo.published).is_(True)).order_by(col(Expo.starts_on), col(Expo.id))
    )
    return [e for e in rows if not is_over(e, now)]


async def next_expo(session: AsyncSession, expo: Expo) -> Expo | None:
    """The next public expo by date after ``expo`` (its next edition, or another one)."""
    upcoming = [e for e in await public_expos(session) if e.id != expo.id and e.starts_on > expo.ends_on]
    return upcoming[0] if upcoming else None


async def visible_expo(session: AsyncSession, slug: str, user: CurrentUser | None) -> Expo:
    """An expo for its public pages: a draft is only for its committee (others: not found)."""
    expo = await get_expo_by_slug(session, slug)
    assert expo.id is not None
    if not expo.published and (user is None or not user.serves(expo.id)):
        raise NotFound("No such expo.", code="expo_not_found")
    return expo


# --- halls and clusters -----------------------------------------------------------------------
async def get_hall(session: AsyncSession, hall_id: int, expo_id: int | None = None) -> Hall:
    hall = await session.get(Hall, hall_id)
    if hall is None or (expo_id is not None and hall.expo_id != expo_id):
        raise NotFound("No such hall.", code="hall_not_found")
    return hall


async def list_halls(session: AsyncSession, expo_id: int) -> list[Hall]:
    return list(
        (await session.scalars(sa.select(Hall).where(col(Hall.expo_id) == expo_id).order_by(col(Hall.code)))).all()
    )


def hall_read(hall: Hall) -> HallRead:
    return HallRead.model_validate(hall, from_attributes=True)


HALL_FIELDS = ("code", "name", "kind", "width_m", "depth_m")
BOOTH_FIELDS = ("code", "hall_id", "x_m", "y_m", "width_m", "depth_m", "package_id", "cluster", "booth_type")


async def create_hall(session: AsyncSession, expo_id: int, data: HallCreate, by: CurrentUser | None = None) -> Hall:
    await get_expo(session, expo_id)
    code = data.code.upper()
    if (
        await session.scalar(sa.select(col(Hall.id)).where(col(Hall.expo_id) == expo_id, col(Hall.code) == code))
        is not None
    ):
        raise Conflict(
            "A hall with this code exists.",
            code="hall_code_taken",
            fields=[FieldProblem("code", "A hall with this code exists.")],
        )
    hall = Hall(expo_id=expo_id, **(data.model_dump() | {"code": code}))
    session.add(hall)
    await session.flush()
    if by is not None:
        await record(session, by, expo_id, "hall.created", hall.code, after=snapshot(hall, HALL_FIELDS))
    return hall


async def update_hall(session: AsyncSession, hall_id: int, data: HallUpdate, by: CurrentUser | None = None) -> Hall:
    hall = await get_hall(session, hall_id)
    before = snapshot(hall, HALL_FIELDS)
    changes = data.model_dump(exclude_unset=True, exclude_none=True)
    width, depth = changes.get("width_m", hall.width_m), changes.get("depth_m", hall.depth_m)
    outside = [b.code for b in await _hall_booths(session, hall_id) if not geometry.inside(_rect(b), width, depth)]
    if outside:
        raise Conflict(
            "These booths would fall outside the hall: %(codes)s.",
            code="booth_outside_hall",
            params={"codes": ", ".join(outside[:20])},
        )
    for key, value in changes.items():
        setattr(hall, key, value)
    await session.flush()
    old, new = changed(before, snapshot(hall, HALL_FIELDS))
    if by is not None and new:
        await record(session, by, hall.expo_id, "hall.updated", hall.code, before=old, after=new)
    return hall


async def delete_hall(session: AsyncSession, hall_id: int, by: CurrentUser | None = None) -> None:
    hall = await get_hall(session, hall_id)
    if await session.scalar(sa.select(sa.func.count()).where(col(Booth.hall_id) == hall_id)):
        raise Conflict("Delete or move this hall's booths first.", code="hall_not_empty")
    if by is not None:
        await record(session, by, hall.expo_id, "hall.deleted", hall.code, before=snapshot(hall, HALL_FIELDS))
    await session.delete(hall)
    await session.flush()


async def list_clusters(session: AsyncSession, expo_id: int) -> list[ClusterRead]:
    rows = await session.scalars(
        sa.select(ProductCluster).where(col(ProductCluster.expo_id) == expo_id).order_by(col(ProductCluster.name))
    )
    return [ClusterRead(code=c.code, name=c.name, color=c.color) for c in rows]


async def create_cluster(session: AsyncSession, expo_id: int, data: ClusterCreate) -> ProductCluster:
    await get_expo(session, expo_id)
    if (
        await session.scalar(
            sa.select(col(ProductCluster.id)).where(
                col(ProductCluster.expo_id) == expo_id, col(ProductCluster.code) == data.code
            )
        )
        is not None
    ):
        raise Conflict("A cluster with this code exists.", code="cluster_code_taken")
    cluster = ProductCluster(expo_id=expo_id, **data.model_dump())
    session.add(cluster)
    await session.flush()
    return cluster


async def check_cluster(session: AsyncSession, expo_id: int, code: str | None, field: str = "cluster") -> None:
    if code is None:
        return
    found = await session.scalar(
        sa.select(col(ProductCluster.id)).where(
            col(ProductCluster.expo_id) == expo_id, col(ProductCluster.code) == code
        )
    )
    if found is None:
        raise InvalidInput(fields=[FieldProblem(field, "Unknown product cluster %(code)s.", {"code": code})])


# --- packages ---------------------------------------------------------------------------------
async def get_package(session: AsyncSession, package_id: int, expo_id: int | None = None) -> BoothPackage:
    package = await session.get(BoothPackage, package_id)
    if package is None or (expo_id is not None and package.expo_id != expo_id):
        raise NotFound("No such booth package.", code="package_not_found")
    return package


async def list_packages(session: AsyncSession, expo_id: int) -> list[BoothPackage]:
    stmt = sa.select(BoothPackage).where(col(BoothPackage.expo_id) == expo_id).order_by(col(BoothPackage.code))
    return list((await session.scalars(stmt)).all())


def package_read(package: BoothPackage) -> PackageRead:
    return PackageRead.model_validate(package, from_attributes=True)


async def create_package(session: AsyncSession, expo_id: int, data: PackageCreate) -> BoothPackage:
    await get_expo(session, expo_id)
    if (
        await session.scalar(
            sa.select(col(BoothPackage.id)).where(
                col(BoothPackage.expo_id) == expo_id, col(BoothPackage.code) == data.code
            )
        )
        is not None
    ):
        raise Conflict("A package with this code exists.", code="package_code_taken")
    values = data.model_dump()
    values["class_prices"] = {str(k): v for k, v in data.class_prices.items()}
    values |= power_fields(data.power_watts, data.power_amps)
    package = BoothPackage(expo_id=expo_id, **values)
    session.add(package)
    await session.flush()
    return package


async def update_package(session: AsyncSession, package_id: int, data: PackageUpdate) -> BoothPackage:
    package = await get_package(session, package_id)
    changes = data.model_dump(exclude_unset=True, exclude_none=True)
    if "power_watts" in changes or "power_amps" in changes:
        changes |= power_fields(changes.get("power_watts"), changes.get("power_amps", package.power_amps))
    for key, value in changes.items():
        setattr(package, key, {str(k): v for k, v in value.items()} if key == "class_prices" else value)
    await session.flush()
    return package


VOLTS = 220


def power_fields(watts: int | None, amps: int) -> dict[str, int]:
    """Power in watts and in amps (what allocation matches) kept in step at 220 V."""
    if watts is None:
        return {"power_amps": amps, "power_watts": amps * VOLTS}
    return {"power_amps": -(-watts // VOLTS), "power_watts": watts}


def price_for(package: BoothPackage, exhibitor_class: str) -> int:
    """The stand's price for one exhibitor class: its class price, else the package price."""
    return int(package.class_prices.get(str(exhibitor_class), package.price))


# --- booths -----------------------------------------------------------------------------------
def _rect(booth: Booth) -> geometry.Rect:
    return geometry.Rect(booth.x_m, booth.y_m, booth.width_m, booth.depth_m)


async def _hall_booths(session: AsyncSession, hall_id: int) -> Sequence[Booth]:
    return (await session.scalars(sa.select(Booth).where(col(Booth.hall_id) == hall_id))).all()


async def get_booth(session: AsyncSession, booth_id: int, expo_id: int | None = None) -> Booth:
    booth = await session.get(Booth, booth_id)
    if booth is None or (expo_id is not None and booth.expo_id != expo_id):
        raise NotFound("No such booth.", code="booth_not_found")
    return booth


def check_geometry(
    rect: geometry.Rect, hall: Hall, neighbours: Sequence[tuple[str, geometry.Rect]], field_prefix: str = ""
) -> None:
    """Refuse a booth outside its hall or overlapping another one, naming the other booth."""
    if not geometry.inside(rect, hall.width_m, hall.depth_m):
        raise InvalidInput(
            "The booth does not fit inside its hall.",
            code="booth_outside_hall",
            fields=[
                FieldProblem(
                    f"{field_prefix}x_m",
                    "The booth must lie inside hall %(hall)s (%(w)s x %(d)s m).",
                    {"hall": hall.code, "w": hall.width_m, "d": hall.depth_m},
                )
            ],
        )
    for code, other in neighbours:
        if geometry.overlaps(rect, other):
            raise Conflict(
                "The booth overlaps booth %(code)s.",
                code="booth_overlap",
                params={"code": code},
                fields=[FieldProblem(f"{field_prefix}x_m", "The booth overlaps booth %(code)s.", {"code": code})],
            )


async def _check_code_free(session: AsyncSession, expo_id: int, code: str, booth_id: int | None = None) -> None:
    stmt = sa.select(col(Booth.id)).where(col(Booth.expo_id) == expo_id, col(Booth.code) == code)
    if booth_id is not None:
        stmt = stmt.where(col(Booth.id) != booth_id)
    if await session.scalar(stmt) is not None:
        raise Conflict(
            "Booth code %(code)s is taken.",
            code="booth_code_taken",
            params={"code": code},
            fields=[FieldProblem("code", "Booth code %(code)s is taken.", {"code": code})],
        )


async def create_booth(session: AsyncSession, expo_id: int, data: BoothCreate, by: CurrentUser | None = None) -> Booth:
    await get_expo(session, expo_id)
    hall = await get_hall(session, data.hall_id, expo_id)
    await get_package(session, data.package_id, expo_id)
    await check_cluster(session, expo_id, data.cluster)
    await _check_code_free(session, expo_id, data.code)
    rect = geometry.Rect(data.x_m, data.y_m, data.width_m, data.depth_m)
    assert hall.id is not None
    check_geometry(rect, hall, [(b.code, _rect(b)) for b in await _hall_booths(session, hall.id)])
    booth = Booth(expo_id=expo_id, **data.model_dump())
    session.add(booth)
    await session.flush()
    if by is not None:
        await record(session, by, expo_id, "booth.created", booth.code, after=snapshot(booth, BOOTH_FIELDS))
    return booth


async def update_booth(session: AsyncSession, booth_id: int, data: BoothUpdate, by: CurrentUser | None = None) -> Booth:
    booth = await get_booth(session, booth_id)
    before = snapshot(booth, BOOTH_FIELDS)
    changes = data.model_dump(exclude_unset=True, exclude={"derive_type"})
    # null means "leave as is", except for the cluster, where it takes the booth out of its cluster
    changes = {k: v for k, v in changes.items() if v is not None or k == "cluster"}
    moving = any(
        k in changes and changes[k] != getattr(booth, k) for k in ("hall_id", "x_m", "y_m", "width_m", "depth_m")
    )
    if moving:
        if await booth_is_booked(session, booth_id):
            raise Conflict(
                "Booth %(code)s is booked; move the booking first, then change the booth.",
                code="booth_booked",
                params={"code": booth.code},
            )
        hall = await get_hall(session, changes.get("hall_id", booth.hall_id), booth.expo_id)
        rect = geometry.Rect(
            changes.get("x_m", booth.x_m),
            changes.get("y_m", booth.y_m),
            changes.get("width_m", booth.width_m),
            changes.get("depth_m", booth.depth_m),
        )
        assert hall.id is not None
        others = [(b.code, _rect(b)) for b in await _hall_booths(session, hall.id) if b.id != booth.id]
        check_geometry(rect, hall, others)
    if "package_id" in changes:
        await get_package(session, changes["package_id"], booth.expo_id)
    if "cluster" in changes:
        await check_cluster(session, booth.expo_id, changes["cluster"])
    if "code" in changes:
        await _check_code_free(session, booth.expo_id, changes["code"], booth.id)
    for key, value in changes.items():
        setattr(booth, key, value)
    if data.derive_type:
        booth.booth_type = None
    booth.updated_at = utcnow()
    await session.flush()
    old, new = changed(before, snapshot(booth, BOOTH_FIELDS))
    if by is not None and new:
        action = "booth.moved" if set(new) <= {"hall_id", "x_m", "y_m"} else "booth.updated"
        await record(session, by, booth.expo_id, action, booth.code, before=old, after=new)
    return booth


async def delete_booth(session: AsyncSession, booth_id: int, by: CurrentUser | None = None) -> None:
    booth = await get_booth(session, booth_id)
    if await booth_is_booked(session, booth_id):
        raise Conflict(
            "Booth %(code)s is booked and cannot be deleted.", code="booth_booked", params={"code": booth.code}
        )
    if await session.scalar(sa.select(col(Booking.id)).where(col(Booking.booth_id) == booth_id).limit(1)) is not None:
        raise Conflict(
            "Booth %(code)s has booking history; block it instead of deleting it.",
            code="booth_has_history",
            params={"code": booth.code},
        )
    if by is not None:
        await record(session, by, booth.expo_id, "booth.deleted", booth.code, before=snapshot(booth, BOOTH_FIELDS))
    await session.delete(booth)
    await session.flush()


async def set_blocked(
    session: AsyncSession, booth_id: int, blocked: bool, reason: str = "", by: CurrentUser | None = None
) -> Booth:
    booth = await get_booth(session, booth_id)
    before = snapshot(booth, ("blocked", "blocked_reason"))
    if blocked and await booth_is_booked(session, booth_id):
        raise Conflict(
            "Booth %(code)s is booked; cancel or move the booking first.",
            code="booth_booked",
            params={"code": booth.code},
        )
    booth.blocked = blocked
    booth.blocked_reason = (reason or None) if blocked else None
    booth.updated_at = utcnow()
    await session.flush()
    old, new = changed(before, snapshot(booth, ("blocked", "blocked_reason")))
    if by is not None and new:
        action = "booth.blocked" if blocked else "booth.unblocked"
        await record(session, by, booth.expo_id, action, booth.code, before=old, after=new)
    return booth


def _check_block_booth(
    code: str, rect: geometry.Rect, hall: Hall, existing: Sequence[tuple[str, geometry.Rect]]
) -> None:
    """A generated booth inside the hall and clear of the booths already there, named in the refusal."""
    if not geometry.inside(rect, hall.width_m, hall.depth_m):
        raise InvalidInput(
            "Booth %(code)s of the block would lie outside hall %(hall)s (%(w)s x %(d)s m).",
            code="booth_outside_hall",
            params={"code": code, "hall": hall.code, "w": f"{hall.width_m:g}", "d": f"{hall.depth_m:g}"},
        )
    for other_code, other in existing:
        if geometry.overlaps(rect, other):
            raise Conflict(
                "Booth %(code)s of the block would overlap booth %(other)s.",
                code="booth_overlap",
                params={"code": code, "other": other_code},
            )


async def plan_block(session: AsyncSession, hall_id: int, data: BlockRequest) -> list[Booth]:
    """The booths a block would add (not added): every rule of ``generate_block`` checked, for a preview."""
    hall = await get_hall(session, hall_id)
    await get_package(session, data.package_id, hall.expo_id)
    await check_cluster(session, hall.expo_id, data.cluster)
    layout = geometry.block_layout(
        geometry.BlockSpec(
            origin_x=data.origin_x_m,
            origin_y=data.origin_y_m,
            rows=data.rows,
            columns=data.columns,
            booth_width=data.booth_width_m,
            booth_depth=data.booth_depth_m,
            aisle_m=data.aisle_m,
            prefix=data.prefix.upper(),
            start_number=data.start_number,
            back_to_back=data.back_to_back,
            number_width=data.number_width,
        )
    )
    assert hall.id is not None
    existing = [(b.code, _rect(b)) for b in await _hall_booths(session, hall.id)]
    codes = [code for code, _ in layout]
    taken = (
        await session.scalars(
            sa.select(col(Booth.code)).where(col(Booth.expo_id) == hall.expo_id, col(Booth.code).in_(codes))
        )
    ).all()
    if taken:
        raise Conflict(
            "Booth codes already in use: %(codes)s.",
            code="booth_code_taken",
            params={"codes": ", ".join(sorted(taken)[:20])},
        )
    booths = []
    for code, rect in layout:
        _check_block_booth(code, rect, hall, existing)
        booths.append(
            Booth(
                expo_id=hall.expo_id,
                hall_id=hall.id,
                package_id=data.package_id,
                code=code,
                x_m=rect.x,
                y_m=rect.y,
                width_m=rect.w,
                depth_m=rect.d,
                cluster=data.cluster,
            )
        )
    return booths


async def generate_block(
    session: AsyncSession, hall_id: int, data: BlockRequest, by: CurrentUser | None = None
) -> list[Booth]:
    """Lay out rows x columns of equal booths; all or nothing."""
    booths = await plan_block(session, hall_id, data)
    session.add_all(booths)
    await session.flush()
    if by is not None and booths:
        first, last = booths[0], booths[-1]
        await record(
            session,
            by,
            first.expo_id,
            "booths.generated",
            f"{first.code} … {last.code}",
            after={"count": len(booths), "hall_id": hall_id, **data.model_dump()},
        )
    return booths


async def list_booths(
    session: AsyncSession,
    expo_id: int,
    *,
    hall_id: int | None = None,
    status: BoothStatus | None = None,
    cluster: str | None = None,
    exhibitor_class: str | None = None,
    organiser: bool = False,
) -> list[BoothRead]:
    """Booths with their status now, derived type and price (for ``exhibitor_class`` when given).

    One query; expired holds count as available, exhibitor names show only once confirmed.
    """
    active = (
        sa.select(col(Booking.id), col(Booking.booth_id), col(Booking.status), col(Booking.exhibitor_id))
        .where(active_booking_clause(), col(Booking.expo_id) == expo_id)
        .subquery()
    )
    stmt = (
        sa.select(Booth, Hall, BoothPackage, active.c.id, active.c.status, col(Exhibitor.name))
        .join(Hall, col(Hall.id) == col(Booth.hall_id))
        .join(BoothPackage, col(BoothPackage.id) == col(Booth.package_id))
        .outerjoin(active, active.c.booth_id == col(Booth.id))
        .outerjoin(Exhibitor, col(Exhibitor.id) == active.c.exhibitor_id)
        .where(col(Booth.expo_id) == expo_id)
        .order_by(col(Hall.code), col(Booth.code))
    )
    if hall_id is not None:
        stmt = stmt.where(col(Booth.hall_id) == hall_id)
    rows = (await session.execute(stmt)).all()
    by_hall: dict[int, list[int]] = {}
    for i, row in enumerate(rows):
        by_hall.setdefault(row.Hall.id, []).append(i)
    derived: dict[int, BoothType] = {}
    for indices in by_hall.values():
        hall = rows[indices[0]].Hall
        rects = [_rect(rows[i].Booth) for i in indices]
        for i, booth_type in zip(
            indices,
            geometry.derive_types(rects, hall.width_m, hall.depth_m, hall.kind == HallKind.OUTDOOR),
            strict=True,
        ):
            derived[i] = booth_type
    out: list[BoothRead] = []
    for i, row in enumerate(rows):
        booth, hall, package = row.Booth, row.Hall, row.BoothPackage
        booking_status = row[4]
        state: BoothStatus
        if booking_status == BookingStatus.CONFIRMED:
            state = "confirmed"
        elif booking_status == BookingStatus.HELD:
            state = "held"
        elif booth.blocked:
            state = "blocked"
        else:
            state = "available"
        if status is not None and state != status:
            continue
        if cluster is not None and booth.cluster != cluster:
            continue
        out.append(
            BoothRead(
                id=booth.id,
                hall_id=hall.id,
                hall_code=hall.code,
                code=booth.code,
                x_m=booth.x_m,
                y_m=booth.y_m,
                width_m=booth.width_m,
                depth_m=booth.depth_m,
                booth_type=booth.booth_type or derived[i],
                type_is_derived=booth.booth_type is None,
                cluster=booth.cluster,
                package_id=package.id,
                package_code=package.code,
                price=price_for(package, exhibitor_class) if exhibitor_class else package.price,
                status=state,
                blocked_reason=booth.blocked_reason if organiser else None,
                exhibitor_name=row[5] if (state == "confirmed" or (organiser and row[5])) else None,
                booking_id=row[3] if organiser else None,
            )
        )
    return out
