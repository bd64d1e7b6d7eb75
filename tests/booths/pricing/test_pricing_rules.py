"""The rules under the pricing pages, without HTTP: the booking window, power in step, class settings,
what each class pays, and who may change them."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from booths.exhibitors.models import ExhibitorClass
from booths.pricing import service as pricing
from booths.pricing.schemas import BookingRules, ClassesUpdate, PriceMatrix
from booths.venue.lifecycle import booking_window_refusal, check_booking_window
from booths.venue.models import Expo
from booths.venue.service import power_fields
from expo.accounts import CurrentUser, create_user, system_user
from expo.errors import Conflict, Forbidden, NotFound
from expo.models import CommitteeRole, Role
from tests.support.factories import PASSWORDS, make_venue

pytestmark = pytest.mark.anyio

NOON = datetime(2026, 9, 1, 5, 0, tzinfo=UTC)  # 12:00 WIB


def _expo(opens: datetime | None, closes: datetime | None) -> Expo:
    return Expo(
        slug="uji", name="Uji", city="Jombang", venue="Gedung", starts_on=NOON.date(), ends_on=NOON.date(),
        booking_opens_at=opens, booking_closes_at=closes,
    )  # fmt: skip


def test_the_booking_window_refuses_before_it_opens_and_from_the_moment_it_closes() -> None:
    expo = _expo(NOON, NOON + timedelta(days=1))
    with pytest.raises(Conflict) as early:
        check_booking_window(expo, NOON - timedelta(seconds=1))
    assert early.value.code == "booking_not_open"
    assert early.value.params == {"at": "2026-09-01 12:00"}  # the expo's time, WIB
    check_booking_window(expo, NOON)
    check_booking_window(expo, NOON + timedelta(days=1) - timedelta(seconds=1))
    with pytest.raises(Conflict) as late:
        check_booking_window(expo, NOON + timedelta(days=1))
    assert late.value.code == "booking_closed"
    assert booking_window_refusal(_expo(None, None), NOON) is None
    assert booking_window_refusal(_expo(None, NOON), NOON - timedelta(days=300)) is None
    naive = _expo(NOON.replace(tzinfo=None), None)  # as SQLite reads it back
    assert booking_window_refusal(naive, NOON - timedelta(minutes=1)) is not None


def test_power_in_watts_and_amps_stay_in_step() -> None:
    assert power_fields(None, 2) == {"power_amps": 2, "power_watts": 440}
    assert power_fields(900, 99) == {"power_amps": 5, "power_watts": 900}  # rounded up: 900 W needs 5 A
    assert power_fields(0, 2) == {"power_amps": 0, "power_watts": 0}


def test_a_window_that_closes_before_it_opens_is_refused() -> None:
    with pytest.raises(ValueError, match=r"Booking must close after it opens\."):
        BookingRules(booth_limit=1, hold_minutes=30, booking_opens_at=NOON, booking_closes_at=NOON - timedelta(hours=1))
    with pytest.raises(ValueError, match="greater than or equal to 1"):
        BookingRules(booth_limit=1, hold_minutes=0)
    with pytest.raises(ValueError, match=r"A price cannot be below zero\."):
        PriceMatrix.model_validate({"packages": {"1": {"price": "-1"}}})


async def test_a_class_without_approval_pays_its_price_without_the_note(session: AsyncSession) -> None:
    place = await make_venue(session)
    rows = {r.package_id: r for r in await pricing.price_table(session, place.expo_id)}
    pesantren = next(c for c in rows[place.paid.id or 0].cells if c.code == ExhibitorClass.PESANTREN)
    assert (pesantren.price, pesantren.own, pesantren.after_approval) == (500_000, True, True)
    assert await pricing.needs_approval(session, place.expo_id, "pesantren")

    update = {"classes": {"pesantren": {"name": "Pesantren / OPOP", "needs_approval": False}}}
    await pricing.save_classes(session, place.expo_id, ClassesUpdate.model_validate(update), system_user())
    assert not await pricing.needs_approval(session, place.expo_id, "pesantren")
    assert await pricing.classes_without_approval(session, place.expo_id) == {"pesantren"}
    rows = {r.package_id: r for r in await pricing.price_table(session, place.expo_id)}
    pesantren = next(c for c in rows[place.paid.id or 0].cells if c.code == ExhibitorClass.PESANTREN)
    assert pesantren.after_approval is False
    views = {v.code: v for v in await pricing.class_settings(session, place.expo_id)}
    assert views[ExhibitorClass.PESANTREN].name == "Pesantren / OPOP"
    assert views[ExhibitorClass.UMKM].needs_approval  # untouched classes keep the standard rule


async def _member(session: AsyncSession, expo_id: int, role: CommitteeRole) -> CurrentUser:
    email = f"{role.value.replace('_', '-')}@pricing.test"
    user = await create_user(session, PASSWORDS, email=email, name="Uji", password="rahasia-123", role=Role.ORGANISER)
    assert user.id is not None
    return CurrentUser(id=user.id, email=email, name="Uji", role=Role.ORGANISER, committee={expo_id: role})


async def test_only_the_expos_own_committee_may_change_its_prices(session: AsyncSession) -> None:
    mine, theirs = await make_venue(session), await make_venue(session)
    member = await _member(session, mine.expo_id, CommitteeRole.ORGANISER)
    treasurer = await _member(session, mine.expo_id, CommitteeRole.TREASURER)
    rules = BookingRules(booth_limit=3, hold_minutes=10)
    with pytest.raises(Forbidden):
        await pricing.save_rules(session, theirs.expo_id, rules, member)
    with pytest.raises(Forbidden):
        await pricing.save_rules(session, mine.expo_id, rules, treasurer)
    matrix = PriceMatrix.model_validate({"packages": {str(theirs.paid.id): {"price": 1}}})
    with pytest.raises(NotFound):  # another expo's package named under my expo
        await pricing.save_prices(session, mine.expo_id, matrix, member)
    expo = await pricing.save_rules(session, mine.expo_id, rules, member)
    assert (expo.booth_limit, expo.hold_minutes) == (3, 10)
