"""Next year's edition and the states the public sees, as rules on both engines: a copy brings the
set-up (halls, booths, features, packages with class prices, clusters, allocation rules, pass kinds
and gates) into new dates and leaves the trade (exhibitors, bookings, passes, devices, scans)
behind; dates overlapping the source are refused and nothing is saved."""

from datetime import UTC, date, datetime, timedelta
from typing import Any, TypeVar

import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import SQLModel, col

from booths.allocation.models import AllocationSetting
from booths.bookings.models import Booking
from booths.exhibitors.models import Exhibitor
from booths.maps.models import FeatureKind, VenueFeature
from booths.venue.copying import copy_expo
from booths.venue.lifecycle import ExpoState, expo_state
from booths.venue.models import Booth, BoothPackage, Expo, ExpoDay, Hall, ProductCluster
from booths.venue.schemas import ExpoCopy
from expo.errors import Conflict, InvalidInput
from expo.models import AuditEntry, Role
from tests.support.factories import EXPO_START, bearer, make_user_token, make_venue, signup_exhibitor
from tests.support.gate import organiser_user, paired_device
from tests.support.passes import Client
from tickets.gate.models import Gate, GateDevice, KindEntryRule, Reentry
from tickets.passes import issuing
from tickets.passes.kinds import ensure_kinds
from tickets.passes.models import ExpoPass, PassKind
from tickets.passes.schemas import PassCreate

pytestmark = pytest.mark.anyio


async def _count(session: AsyncSession, model: type[SQLModel], expo_id: int) -> int:
    column: Any = model.expo_id  # type: ignore[attr-defined]
    return int(await session.scalar(sa.select(sa.func.count()).select_from(model).where(column == expo_id)) or 0)


T = TypeVar("T", bound=SQLModel)


async def _ordered(session: AsyncSession, model: type[T], expo_id: int, order: Any) -> list[T]:
    column: Any = model.expo_id  # type: ignore[attr-defined]
    return list((await session.scalars(sa.select(model).where(column == expo_id).order_by(order))).all())


async def test_a_copy_brings_the_set_up_and_leaves_the_trade_behind(client: Client, session: AsyncSession) -> None:
    place = await make_venue(session, slug="pameran-2026")
    source_id = place.expo_id
    organiser = await organiser_user(session)
    hall_id = place.hall.id
    assert hall_id is not None
    session.add(
        VenueFeature(
            expo_id=source_id,
            hall_id=hall_id,
            kind=FeatureKind.MUSHOLLA,
            label="Musholla",
            x_m=50,
            y_m=30,
            width_m=5,
            depth_m=5,
        )
    )
    session.add(AllocationSetting(expo_id=source_id, max_per_stand=2, opens_at=datetime(2026, 9, 1, 1, 0, tzinfo=UTC)))
    kinds = await ensure_kinds(session, source_id)
    visitor = next(k for k in kinds if k.code == "visitor")
    visitor.days = [EXPO_START.isoformat()]
    assert visitor.id is not None
    session.add(KindEntryRule(kind_id=visitor.id, reentry=Reentry.ONCE))
    await session.commit()
    device, _ = await paired_device(session, source_id, organiser, "Gerbang Utara")
    gate = await session.get(Gate, device.gate_id)
    assert gate is not None
    gate.hall_id = hall_id
    await issuing.create_pass(
        session,
        source_id,
        PassCreate(kind="visitor", holder_name="Siti Fiktif", days=[EXPO_START]),
        organiser,
    )
    await session.commit()
    exhibitor, _ = await signup_exhibitor(client, source_id, exhibitor_class="umkm")
    booked = await client.post(
        f"/api/expos/{source_id}/bookings",
        json={"booth_id": place.booth_ids[0], "exhibitor_id": exhibitor["id"], "confirm": False},
        headers=bearer(await make_user_token(session, Role.ORGANISER)),
    )
    assert booked.status_code == 201, booked.text

    later = EXPO_START + timedelta(days=364)
    copy = await copy_expo(
        session, source_id, ExpoCopy(slug="pameran-2027", name="Pameran 2027", starts_on=later), organiser
    )
    await session.commit()
    new_id = copy.id
    assert new_id is not None
    assert (copy.starts_on, copy.ends_on) == (later, later + timedelta(days=5))
    assert (copy.published, copy.booking_open, copy.city, copy.hold_minutes) == (False, False, "Jombang", 30)

    days = (
        await session.scalars(sa.select(ExpoDay).where(col(ExpoDay.expo_id) == new_id).order_by(col(ExpoDay.day)))
    ).all()
    assert [d.day for d in days] == [later + timedelta(days=n) for n in range(6)]
    new_hall = await session.scalar(sa.select(Hall).where(col(Hall.expo_id) == new_id))
    assert new_hall is not None
    assert (new_hall.code, new_hall.width_m, new_hall.depth_m) == ("A", 60, 40)
    booths = (
        await session.scalars(sa.select(Booth).where(col(Booth.expo_id) == new_id).order_by(col(Booth.code)))
    ).all()
    assert [b.code for b in booths] == [f"A-0{n}" for n in range(1, 7)]
    assert {b.hall_id for b in booths} == {new_hall.id}
    packages = {
        p.code: p for p in (await session.scalars(sa.select(BoothPackage).where(col(BoothPackage.expo_id) == new_id)))
    }
    assert packages["standar"].class_prices == {"pesantren": 500_000}
    assert {b.package_id for b in booths} == {packages["standar"].id}
    assert await _count(session, ProductCluster, new_id) == 1
    feature = await session.scalar(sa.select(VenueFeature).where(col(VenueFeature.expo_id) == new_id))
    assert feature is not None
    assert (feature.kind, feature.hall_id) == (FeatureKind.MUSHOLLA, new_hall.id)
    rules = await session.scalar(sa.select(AllocationSetting).where(col(AllocationSetting.expo_id) == new_id))
    assert rules is not None
    assert rules.max_per_stand == 2
    assert rules.opens_at is not None
    assert rules.opens_at.replace(tzinfo=UTC) == datetime(2026, 9, 1, 1, 0, tzinfo=UTC) + timedelta(days=364)
    new_kinds = {k.code: k for k in await session.scalars(sa.select(PassKind).where(col(PassKind.expo_id) == new_id))}
    assert len(new_kinds) == len(kinds)
    assert new_kinds["visitor"].days == [later.isoformat()]
    rule = await session.get(KindEntryRule, new_kinds["visitor"].id)
    assert rule is not None
    assert rule.reentry == Reentry.ONCE
    new_gate = await session.scalar(sa.select(Gate).where(col(Gate.expo_id) == new_id))
    assert new_gate is not None
    assert (new_gate.name, new_gate.hall_id) == ("Gerbang Utara", new_hall.id)

    for model in (Exhibitor, Booking, ExpoPass, GateDevice):
        assert await _count(session, model, new_id) == 0, model
        assert await _count(session, model, source_id) == 1, model
    assert await _count(session, Booth, source_id) == 6
    audit = await session.scalar(sa.select(AuditEntry).where(col(AuditEntry.expo_id) == new_id))
    assert audit is not None
    assert audit.action == "expo.copied"
    assert audit.after is not None
    assert audit.after["from"] == "pameran-2026"

    # The copy is made, yet the source's booking is where it was: a second copy is a third expo.
    with pytest.raises(Conflict) as taken:
        await copy_expo(session, source_id, ExpoCopy(slug="pameran-2027", name="Lagi", starts_on=later), organiser)
    assert taken.value.code == "slug_taken"


@pytest.mark.parametrize("offset", [-5, 0, 5, -3])
async def test_a_copy_into_dates_overlapping_the_source_is_refused(session: AsyncSession, offset: int) -> None:
    expo_id = (await make_venue(session, slug="pameran-tumpang")).expo_id
    organiser = await organiser_user(session)
    starts_on = EXPO_START + timedelta(days=offset)
    with pytest.raises(InvalidInput) as refused:
        await copy_expo(session, expo_id, ExpoCopy(slug="pameran-baru", name="Baru", starts_on=starts_on), organiser)
    assert refused.value.code == "dates_overlap"
    assert [f.field for f in refused.value.fields] == ["starts_on"]
    await session.rollback()
    assert await session.scalar(sa.select(sa.func.count()).select_from(Expo)) == 1
    # The day after the last day (or a week before the first) does not overlap.
    after = await copy_expo(
        session,
        expo_id,
        ExpoCopy(slug="pameran-baru", name="Baru", starts_on=(EXPO_START + timedelta(days=5)) + timedelta(days=1)),
        organiser,
    )
    assert after.id is not None


def _expo(starts_on: date, *, published: bool = True, booking_open: bool = True, tz: str = "Asia/Jakarta") -> Expo:
    return Expo(
        slug="x",
        name="X",
        city="Jombang",
        venue="Y",
        starts_on=starts_on,
        ends_on=starts_on + timedelta(days=2),
        timezone=tz,
        published=published,
        booking_open=booking_open,
    )


def test_the_states_follow_the_flags_and_the_expo_dates() -> None:
    first = date(2027, 10, 20)
    before = datetime(2027, 10, 1, 3, 0, tzinfo=UTC)
    assert expo_state(_expo(first, published=False), before) == ExpoState.DRAFT
    assert expo_state(_expo(first), before) == ExpoState.OPEN
    assert expo_state(_expo(first, booking_open=False), before) == ExpoState.CLOSED
    assert expo_state(_expo(first), datetime(2027, 10, 21, 3, 0, tzinfo=UTC)) == ExpoState.RUNNING
    # The last day is 22 October; at 23:30 WIB it still runs, at 00:30 WIB on the 23rd it is over.
    assert expo_state(_expo(first), datetime(2027, 10, 22, 16, 30, tzinfo=UTC)) == ExpoState.RUNNING
    assert expo_state(_expo(first), datetime(2027, 10, 22, 17, 30, tzinfo=UTC)) == ExpoState.OVER
    # The same instant is already the 23rd in Jayapura (WIT).
    assert expo_state(_expo(first, tz="Asia/Jayapura"), datetime(2027, 10, 22, 15, 30, tzinfo=UTC)) == ExpoState.OVER
    # A draft stays a draft whatever the date: the committee publishes it.
    assert expo_state(_expo(first, published=False), datetime(2027, 12, 1, tzinfo=UTC)) == ExpoState.DRAFT
