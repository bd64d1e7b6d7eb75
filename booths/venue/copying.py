"""Next year's edition: a copy of an expo's set-up into new dates and a new short address.

The halls, booths, venue features, packages (with their class prices), product clusters, map
thresholds, allocation settings and booth overrides come along here; pass kinds and gates come along
through ``booths.venue.events`` (tickets listens). Exhibitors, bookings, applications, passes and
scans stay with the source. One transaction: the caller commits, or nothing is saved.
"""

from datetime import timedelta
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import SQLModel, col

from booths.allocation.models import AllocationSetting, BoothAllocation
from booths.maps.models import VenueFeature, VenueMap
from booths.notifications.models import MessageSetting
from booths.notifications.triggers import schedule_expo_tomorrow
from booths.pricing.models import ClassSetting
from booths.sales.reminders import schedule_sales_reminders
from booths.venue.events import ExpoCopied, expo_copied
from booths.venue.models import Booth, BoothPackage, Expo, ExpoDay, Hall, ProductCluster
from booths.venue.schemas import ExpoCopy
from booths.venue.service import add_creator, check_slug_free, expo_days, get_expo
from expo.accounts import CurrentUser
from expo.audit import record
from expo.errors import FieldProblem, InvalidInput
from expo.i18n import N_
from expo.metadata import table_of

T = TypeVar("T", bound=SQLModel)

OVERLAP = N_("The new dates overlap the expo being copied (%(first)s to %(last)s); choose later dates.")


def _clone(row: SQLModel, **changes: Any) -> dict[str, Any]:
    """The row's column values (plain attributes, not a pydantic dump: stored codes stay as read)
    without its id and time stamps, with ``changes``."""
    columns = table_of(type(row)).columns
    values = {c.key: getattr(row, c.key) for c in columns if c.key not in {"id", "created_at", "updated_at"}}
    return values | changes


async def _rows(session: AsyncSession, model: type[T], expo_id: int) -> list[T]:
    table = table_of(model)
    stmt = sa.select(model).where(table.c.expo_id == expo_id).order_by(*table.primary_key.columns)
    return list((await session.scalars(stmt)).all())


async def _copy_rules(
    session: AsyncSession, source_id: int, new_id: int, halls: dict[int, int], shift: timedelta
) -> None:
    """What rules the source's trade: class settings, message settings and texts, venue features, map
    thresholds, allocation."""
    for message_setting in await _rows(session, MessageSetting, source_id):
        session.add(MessageSetting(**_clone(message_setting, expo_id=new_id)))
    for class_setting in await _rows(session, ClassSetting, source_id):
        session.add(ClassSetting(**_clone(class_setting, expo_id=new_id)))
    for feature in await _rows(session, VenueFeature, source_id):
        session.add(VenueFeature(**_clone(feature, expo_id=new_id, hall_id=halls[feature.hall_id])))
    for settings in await _rows(session, VenueMap, source_id):
        session.add(VenueMap(**_clone(settings, expo_id=new_id, published_at=None)))
    for rules in await _rows(session, AllocationSetting, source_id):
        session.add(
            AllocationSetting(
                **_clone(
                    rules,
                    expo_id=new_id,
                    opens_at=rules.opens_at + shift if rules.opens_at else None,
                    closes_at=rules.closes_at + shift if rules.closes_at else None,
                )
            )
        )


async def copy_expo(session: AsyncSession, source_id: int, data: ExpoCopy, by: CurrentUser) -> Expo:
    """A new draft expo like ``source_id`` from ``data.starts_on``, as many days long, each day with
    the hours of the same day of the source. Refuses dates overlapping the source's."""
    source = await get_expo(session, source_id)
    await check_slug_free(session, data.slug)
    length = source.ends_on - source.starts_on
    starts_on, ends_on = data.starts_on, data.starts_on + length
    if starts_on <= source.ends_on and ends_on >= source.starts_on:
        params: dict[str, object] = {"first": source.starts_on.isoformat(), "last": source.ends_on.isoformat()}
        problem = FieldProblem("starts_on", OVERLAP, params)
        raise InvalidInput(OVERLAP, code="dates_overlap", params=params, fields=[problem])
    shift = starts_on - source.starts_on
    expo = Expo(
        **_clone(source, slug=data.slug, name=data.name, starts_on=starts_on, ends_on=ends_on),
    )
    expo.published, expo.booking_open = False, False  # a new edition starts as a draft
    if source.booking_opens_at is not None:  # the booking window moves with the dates
        expo.booking_opens_at = source.booking_opens_at + shift
    if source.booking_closes_at is not None:
        expo.booking_closes_at = source.booking_closes_at + shift
    session.add(expo)
    await session.flush()
    assert expo.id is not None
    new_id = expo.id
    for day in await expo_days(session, source_id):
        session.add(ExpoDay(expo_id=new_id, day=day.day + shift, opens_at=day.opens_at, closes_at=day.closes_at))
    for cluster in await _rows(session, ProductCluster, source_id):
        session.add(ProductCluster(**_clone(cluster, expo_id=new_id)))
    halls: dict[int, int] = {}
    for hall in await _rows(session, Hall, source_id):
        new_hall = Hall(**_clone(hall, expo_id=new_id))
        session.add(new_hall)
        await session.flush()
        assert hall.id is not None
        assert new_hall.id is not None
        halls[hall.id] = new_hall.id
    packages: dict[int, int] = {}
    for package in await _rows(session, BoothPackage, source_id):
        new_package = BoothPackage(**_clone(package, expo_id=new_id))
        session.add(new_package)
        await session.flush()
        assert package.id is not None
        assert new_package.id is not None
        packages[package.id] = new_package.id
    old_booths = await _rows(session, Booth, source_id)
    new_booths = [
        Booth(**_clone(b, expo_id=new_id, hall_id=halls[b.hall_id], package_id=packages[b.package_id]))
        for b in old_booths
    ]
    session.add_all(new_booths)
    await session.flush()
    booths = {old.id: new.id for old, new in zip(old_booths, new_booths, strict=True) if old.id and new.id}
    await _copy_rules(session, source_id, new_id, halls, shift)
    overrides = await session.scalars(sa.select(BoothAllocation).where(col(BoothAllocation.booth_id).in_(list(booths))))
    for override in overrides:
        session.add(BoothAllocation(**_clone(override, booth_id=booths[override.booth_id])))
    await session.flush()
    await expo_copied(session, ExpoCopied(source_id, new_id, halls, booths, timedelta(days=shift.days)))
    await add_creator(session, expo, by)
    await record(
        session,
        by,
        new_id,
        "expo.copied",
        expo.name,
        after={"from": source.slug, "slug": expo.slug, "starts_on": starts_on, "ends_on": ends_on},
    )
    await schedule_expo_tomorrow(session, expo)
    await schedule_sales_reminders(session, expo)
    return expo
