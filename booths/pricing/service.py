"""Rules for packages, exhibitor classes, the price matrix and the expo's booking rules, as the
committee sets them in pages. Every change writes an entry to the audit log in the same transaction.

The packages themselves are ``booths.venue``'s (this module adds the committee's checks and the log);
what one exhibitor pays is ``booths.exhibitors.approval.stand_price``.
"""

from datetime import datetime
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from booths.exhibitors.models import ExhibitorClass
from booths.pricing.models import ClassSetting
from booths.pricing.schemas import BookingRules, ClassesUpdate, ClassView, PriceCell, PriceMatrix, PriceRow
from booths.venue import service as venue
from booths.venue.models import BoothPackage, Expo
from booths.venue.schemas import PackageCreate, PackageUpdate
from expo.accounts import CurrentUser
from expo.audit import changed, record, snapshot
from expo.errors import Forbidden, NotFound
from expo.formatting import as_utc
from expo.permissions import Area

PACKAGE_FIELDS = (
    "name",
    "description",
    "shell",
    "tables",
    "chairs",
    "power_watts",
    "fascia",
    "staff_quota",
    "price",
    "class_prices",
)
RULE_FIELDS = ("booth_limit", "hold_minutes", "booking_opens_at", "booking_closes_at")


def _check_may(actor: CurrentUser, expo_id: int) -> None:
    if not actor.may(expo_id, Area.SETUP):
        raise Forbidden("You may not change this expo's set-up.", code="not_committee")


# --- classes ----------------------------------------------------------------------------------
async def _class_rows(session: AsyncSession, expo_id: int) -> dict[str, ClassSetting]:
    rows = await session.scalars(sa.select(ClassSetting).where(col(ClassSetting.expo_id) == expo_id))
    return {row.code: row for row in rows}


async def class_settings(session: AsyncSession, expo_id: int) -> list[ClassView]:
    """Every exhibitor class with the committee's name for it (empty: the standard name) and whether
    its reduced prices wait for the organisers' approval."""
    rows = await _class_rows(session, expo_id)
    return [
        ClassView(
            code=code,
            name=rows[code].name if code in rows else "",
            needs_approval=approval_needed(rows[code].needs_approval if code in rows else None),
        )
        for code in ExhibitorClass
    ]


def approval_needed(setting: bool | None) -> bool:
    """A class's stored setting, read as the rule: a class the organisers never set needs approval."""
    return True if setting is None else bool(setting)


async def needs_approval(session: AsyncSession, expo_id: int, code: str) -> bool:
    found = await session.scalar(
        sa.select(col(ClassSetting.needs_approval)).where(
            col(ClassSetting.expo_id) == expo_id, col(ClassSetting.code) == str(code)
        )
    )
    return approval_needed(found)


async def classes_without_approval(session: AsyncSession, expo_id: int) -> set[str]:
    rows = await session.scalars(
        sa.select(col(ClassSetting.code)).where(
            col(ClassSetting.expo_id) == expo_id, col(ClassSetting.needs_approval).is_(False)
        )
    )
    return set(rows)


async def save_classes(session: AsyncSession, expo_id: int, data: ClassesUpdate, actor: CurrentUser) -> None:
    _check_may(actor, expo_id)
    await venue.get_expo(session, expo_id)
    rows = await _class_rows(session, expo_id)
    for code, wanted in data.classes.items():
        row = rows.get(code)
        if row is None:
            row = ClassSetting(expo_id=expo_id, code=code)
            session.add(row)
        before = {"name": row.name, "needs_approval": row.needs_approval}
        row.name, row.needs_approval = wanted.name, wanted.needs_approval
        old, new = changed(before, {"name": row.name, "needs_approval": row.needs_approval})
        if new:
            await record(session, actor, expo_id, "class.updated", str(code), before=old, after=new)
    await session.flush()


# --- packages ---------------------------------------------------------------------------------
async def add_package(session: AsyncSession, expo_id: int, data: PackageCreate, actor: CurrentUser) -> BoothPackage:
    _check_may(actor, expo_id)
    package = await venue.create_package(session, expo_id, data)
    await record(
        session, actor, expo_id, "package.created", package.name, after=snapshot(package, ("code", *PACKAGE_FIELDS))
    )
    return package


async def edit_package(
    session: AsyncSession, expo_id: int, package_id: int, data: PackageUpdate, actor: CurrentUser
) -> BoothPackage:
    _check_may(actor, expo_id)
    package = await venue.get_package(session, package_id, expo_id)
    before = snapshot(package, PACKAGE_FIELDS)
    await venue.update_package(session, package_id, data)
    old, new = changed(before, snapshot(package, PACKAGE_FIELDS))
    if new:
        await record(session, actor, expo_id, "package.updated", package.name, before=old, after=new)
    return package


async def save_prices(session: AsyncSession, expo_id: int, data: PriceMatrix, actor: CurrentUser) -> None:
    """Every package's base price and its class prices at once (a class without a price pays the base)."""
    _check_may(actor, expo_id)
    packages = {p.id: p for p in await venue.list_packages(session, expo_id)}
    for package_id, row in data.packages.items():
        package = packages.get(package_id)
        if package is None:
            raise NotFound("No such booth package.", code="package_not_found")
        before = snapshot(package, ("price", "class_prices"))
        package.price = row.price
        package.class_prices = {str(c): p for c, p in sorted(row.class_prices.items()) if p is not None}
        old, new = changed(before, snapshot(package, ("price", "class_prices")))
        if new:
            await record(session, actor, expo_id, "package.prices", package.name, before=old, after=new)
    await session.flush()


async def price_table(session: AsyncSession, expo_id: int) -> list[PriceRow]:
    """What an exhibitor of each class pays for each package, and where that waits for approval."""
    approval = {c.code: c.needs_approval for c in await class_settings(session, expo_id)}
    rows = []
    for package in await venue.list_packages(session, expo_id):
        assert package.id is not None
        cells = []
        for code in ExhibitorClass:
            price = venue.price_for(package, code)
            own = str(code) in package.class_prices
            cells.append(
                PriceCell(code=code, price=price, own=own, after_approval=price < package.price and approval[code])
            )
        rows.append(PriceRow(package_id=package.id, package_name=package.name, price=package.price, cells=cells))
    return rows


# --- booking rules ----------------------------------------------------------------------------
def local_time(expo: Expo, value: datetime | None) -> datetime | None:
    """A stored instant as the expo's wall clock (no time zone), for a form."""
    if value is None:
        return None
    return as_utc(value).astimezone(ZoneInfo(expo.timezone)).replace(tzinfo=None)


def _stored(expo: Expo, value: datetime | None) -> datetime | None:
    if value is None:
        return None
    local = value.replace(tzinfo=ZoneInfo(expo.timezone)) if value.tzinfo is None else value
    return as_utc(local)


def _rules(expo: Expo) -> dict[str, object]:
    values = snapshot(expo, RULE_FIELDS)
    for key in ("booking_opens_at", "booking_closes_at"):
        at = getattr(expo, key)
        values[key] = as_utc(at).isoformat() if at is not None else None
    return values


async def save_rules(session: AsyncSession, expo_id: int, data: BookingRules, actor: CurrentUser) -> Expo:
    _check_may(actor, expo_id)
    expo = await venue.get_expo(session, expo_id)
    before = _rules(expo)
    expo.booth_limit, expo.hold_minutes = data.booth_limit, data.hold_minutes
    expo.booking_opens_at = _stored(expo, data.booking_opens_at)
    expo.booking_closes_at = _stored(expo, data.booking_closes_at)
    await session.flush()
    old, new = changed(before, _rules(expo))
    if new:
        await record(session, actor, expo_id, "expo.booking_rules", expo.name, before=old, after=new)
    return expo
