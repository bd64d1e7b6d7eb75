"""Small factories: a venue through the services, users with tokens, exhibitors through the API."""

import itertools
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from booths.venue import service as venue
from booths.venue.models import BoothPackage, Expo, Hall
from booths.venue.schemas import BlockRequest, ClusterCreate, ExpoCreate, HallCreate, PackageCreate
from expo.accounts import create_user, start_session
from expo.formatting import utcnow
from expo.models import CommitteeMember, CommitteeRole, Role, User
from expo.security import Passwords

PASSWORDS = Passwords(time_cost=1, memory_kib=64)
# The test expo opens four weeks after today in Jombang, so it is never over whenever the suite runs
# (booking and pass issue refuse an expo or days that are over).
EXPO_START = datetime.now(ZoneInfo("Asia/Jakarta")).date() + timedelta(days=28)


def expo_day(n: int) -> date:
    """The test expo's day ``n`` (0: its first day; negative or past 5: outside it)."""
    return EXPO_START + timedelta(days=n)


_counter = itertools.count(1)


@dataclass
class Venue:
    expo: Expo
    hall: Hall
    paid: BoothPackage
    free: BoothPackage
    booth_ids: list[int]

    @property
    def expo_id(self) -> int:
        assert self.expo.id is not None
        return self.expo.id


async def make_venue(
    session: AsyncSession,
    *,
    booths: int = 6,
    hold_minutes: int = 30,
    booth_limit: int = 1,
    slug: str | None = None,
    starts_on: date | None = None,
) -> Venue:
    """An expo of six days (from ``starts_on``, else four weeks ahead) with a hall, two packages (one
    paid, cheaper for a pesantren; one free) and a row of paid booths."""
    first = starts_on or EXPO_START
    expo = await venue.create_expo(
        session,
        ExpoCreate(
            slug=slug or f"expo-{next(_counter)}",
            name="Expo Uji",
            city="Jombang",
            venue="Gedung Uji",
            starts_on=first,
            ends_on=first + timedelta(days=5),
            hold_minutes=hold_minutes,
            booth_limit=booth_limit,
        ),
    )
    assert expo.id is not None
    await venue.create_cluster(session, expo.id, ClusterCreate(code="kuliner", name="Kuliner", color="#e65100"))
    hall = await venue.create_hall(session, expo.id, HallCreate(code="A", name="Hall A", width_m=60, depth_m=40))
    paid = await venue.create_package(
        session,
        expo.id,
        PackageCreate(
            code="standar",
            name="Standar 3x3",
            price=1_500_000,
            class_prices={"pesantren": 500_000},  # type: ignore[dict-item]
        ),
    )
    free = await venue.create_package(session, expo.id, PackageCreate(code="gratis", name="Gratis UMKM", price=0))
    assert hall.id is not None
    assert paid.id is not None
    created = await venue.generate_block(
        session,
        hall.id,
        BlockRequest(
            package_id=paid.id,
            origin_x_m=3,
            origin_y_m=3,
            rows=1,
            columns=booths,
            booth_width_m=3,
            booth_depth_m=3,
            aisle_m=3,
            prefix="A",
        ),
    )
    await serve_every_expo(session)
    await session.commit()
    return Venue(expo=expo, hall=hall, paid=paid, free=free, booth_ids=[b.id for b in created if b.id is not None])


_EVERY_EXPO = "organiser%@expo.test"  # the accounts make_user_token(Role.ORGANISER) makes


async def serve_every_expo(session: AsyncSession) -> None:
    """Tests written before roles per expo: every organiser account of the test serves every expo of
    the test as organiser, as migration 0009 did for existing data. Tests of roles make their
    members with ``make_member_token`` instead, whose e-mails are not caught here."""
    await session.execute(
        sa.insert(CommitteeMember).from_select(
            ["expo_id", "user_id", "role", "created_at"],
            sa.select(col(Expo.id), col(User.id), sa.literal(CommitteeRole.ORGANISER.value), sa.literal(utcnow()))
            .select_from(Expo)
            .join(User, sa.true())  # every expo with every such account
            .where(
                col(User.role) == Role.ORGANISER,
                col(User.email).like(_EVERY_EXPO),
                ~sa.exists().where(
                    col(CommitteeMember.expo_id) == col(Expo.id), col(CommitteeMember.user_id) == col(User.id)
                ),
            ),
        )
    )


async def make_user_token(session: AsyncSession, role: Role, email: str | None = None) -> str:
    user = await create_user(
        session,
        PASSWORDS,
        email=email or f"{role}{next(_counter)}@expo.test",
        name=f"{role} uji",
        password="rahasia-123",
        role=role,
    )
    token = await start_session(session, user, 1)
    if role is Role.ORGANISER:
        await serve_every_expo(session)
    await session.commit()
    return token


async def make_member_token(
    session: AsyncSession, expo_id: int, role: CommitteeRole, *, kind: Role = Role.ORGANISER
) -> str:
    """A log-in of a new account serving one expo in ``role`` (and no other expo)."""
    user = await create_user(
        session,
        PASSWORDS,
        email=f"{role.value.replace('_', '-')}{next(_counter)}@member.test",
        name=f"{role} uji",
        password="rahasia-123",
        role=kind,
    )
    assert user.id is not None
    session.add(CommitteeMember(expo_id=expo_id, user_id=user.id, role=role))
    token = await start_session(session, user, 1)
    await session.commit()
    return token


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def exhibitor_payload(**overrides: Any) -> dict[str, Any]:
    n = next(_counter)
    data: dict[str, Any] = {
        "name": f"Koperasi Pesantren Uji {n}",
        "exhibitor_class": "pesantren",
        "nib": f"{9120000000000 + n}",
        "pesantren_name": f"Pondok Pesantren Uji {n}",
        "regency": "Jombang",
        "contact_name": "Ahmad Fiktif",
        "whatsapp": "0812 3456 7890",
        "email": f"pameran{n}@contoh.id",
        "cluster": "kuliner",
        "description": "Keripik dan sambal",
        "password": "rahasia-123",
    }
    return data | overrides


async def signup_exhibitor(
    client: AsyncTestClient[Litestar], expo_id: int, **overrides: Any
) -> tuple[dict[str, Any], str]:
    response = await client.post(f"/api/expos/{expo_id}/exhibitors/signup", json=exhibitor_payload(**overrides))
    assert response.status_code == 201, response.text
    body = response.json()
    client.cookies.clear()
    return body["exhibitor"], body["token"]
