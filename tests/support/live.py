"""A live expo on a served app's database, for the dashboard's HTTP and browser tests."""

from dataclasses import dataclass
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import httpx
import sqlalchemy as sa
from sqlmodel import col

from booths.bookings.models import PaymentMethod
from booths.bookings.schemas import PaymentIn
from booths.bookings.service import assign_booth
from booths.exhibitors.schemas import ExhibitorSignup
from booths.exhibitors.service import sign_up
from booths.venue.models import ExpoDay
from expo.account_links import LinkSettings
from expo.accounts import system_user
from expo.database import create_engine, create_sessionmaker
from expo.models import CommitteeRole
from expo.settings import Settings
from tests.support.factories import PASSWORDS, exhibitor_payload, make_member_token, make_venue
from tests.support.gate import organiser_user, paired_device
from tickets.passes import issuing
from tickets.passes.models import PassKind
from tickets.passes.schemas import PassCreate
from tickets.passes.service import token_for
from tickets.signing.keys import load_keys


def today() -> date:
    return datetime.now(ZoneInfo("Asia/Jakarta")).date()


@dataclass(frozen=True)
class LiveExpo:
    slug: str
    exhibitor_id: int
    treasurer: str  # a log-in (session cookie) of a treasurer of this expo
    device_token: str  # a paired gate phone's token
    pass_token: str  # a visitor's pass valid today


async def seed_live_expo(settings: Settings, base_url: str) -> LiveExpo:
    """On the served app's database: an expo of today open all day, an exhibitor on a paid booth, a
    paired gate phone, a visitor's pass, and a treasurer's log-in."""
    engine = create_engine(settings)
    try:
        async with create_sessionmaker(engine)() as session:
            place = await make_venue(session, slug="expo-langsung", starts_on=today())
            day = await session.scalar(
                sa.select(ExpoDay).where(col(ExpoDay.expo_id) == place.expo_id, col(ExpoDay.day) == today())
            )
            assert day is not None
            day.opens_at, day.closes_at = time(0, 0), time(23, 59)  # a scan is on time whenever the test runs
            signup = ExhibitorSignup.model_validate(exhibitor_payload(email="ayu@contoh.id", name="Keripik Ayu"))
            exhibitor, _ = await sign_up(session, PASSWORDS, place.expo_id, signup, LinkSettings(base_url))
            assert exhibitor.id is not None
            payment = PaymentIn(amount=1_500_000, method=PaymentMethod.CASH)
            await assign_booth(session, place.expo_id, place.booth_ids[0], exhibitor.id, system_user(), payment=payment)
            await session.commit()
            treasurer = await make_member_token(session, place.expo_id, CommitteeRole.TREASURER)
            organiser = await organiser_user(session)
            _, device_token = await paired_device(session, place.expo_id, organiser, "Gerbang Utama")
            visitor = PassCreate(kind="visitor", holder_name="Tamu Fiktif", organisation="", days=[today()])  # type: ignore[arg-type]
            pass_ = await issuing.create_pass(session, place.expo_id, visitor, organiser)
            await session.commit()
            kind = await session.get(PassKind, pass_.kind_id)
            assert kind is not None
            token = token_for(pass_, kind, load_keys(settings.signing_key_file))
            return LiveExpo(place.expo.slug, exhibitor.id, treasurer, device_token, token)
    finally:
        await engine.dispose()


async def enter_sale_at_desk(desk: httpx.AsyncClient, slug: str, exhibitor_id: int, cash: int) -> None:
    """Today's sales of an exhibitor entered through the committee's desk form (``desk`` logged in)."""
    form = await desk.get(f"/admin/e/{slug}/sales/{exhibitor_id}?day={today()}")
    assert form.status_code == 200
    saved = await desk.post(
        f"/admin/e/{slug}/sales/{exhibitor_id}",
        data={"day": today().isoformat(), "cash": str(cash), "_csrf_token": desk.cookies["csrftoken"]},
    )
    assert saved.status_code in {200, 303}, saved.text
