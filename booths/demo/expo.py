"""The demo expo (a UMKM & OPOP fair of pesantren in Jombang), seeded through the services so it obeys every rule.

This module runs the steps in order and counts what they made; each step is a module of this
package: ``published`` (slug, log-ins, dates), ``venue`` (users, halls, booths, the rehearsal day),
``payments`` (how the expo is paid, the treasurer),
``exhibitors``, ``bookings``, ``map`` (venue features, published map) and ``applications``; the
passes and gates are ``tickets.demo``. No service knows of the demo. Two steps write around the
services, each saying why: the rehearsal day (``venue``) and lapsed holds (``bookings.lapse``).

Everything here is fictional: pesantren, businesses, people, NIBs, phone numbers and e-mail addresses.
A seeded ``random.Random`` makes every run the same, apart from the dates: they follow the day the
demo is seeded (in the expo's time zone), so the demo makes sense whenever it is run. The expo opens
four weeks later for six days, and the seeding day itself is a gate rehearsal day (*gladi resik*),
open all day, so passes scan at the gate on the day of ``make run``.
"""

import random
from datetime import date

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import SQLModel, col

from booths.bookings.holds import effective_status
from booths.bookings.models import Booking, BookingStatus
from booths.demo import bookings
from booths.demo.applications import seed_demo_applications
from booths.demo.catalogue import seed_demo_catalogue
from booths.demo.context import Demo
from booths.demo.documents import seed_demo_documents
from booths.demo.exhibitors import seed_exhibitors
from booths.demo.map import seed_demo_map
from booths.demo.payments import seed_payments
from booths.demo.published import demo_today
from booths.demo.stands import seed_shared_stand
from booths.demo.venue import seed_users, seed_venue
from booths.exhibitors.models import Exhibitor, ExhibitorClass
from booths.venue.models import Booth, Expo, Hall
from expo.errors import Conflict
from expo.models import User
from expo.security import Passwords
from expo.storage import Storage

SEED = 2026


async def counts(demo: Demo) -> dict[str, int]:
    """What the demo holds, by kind (a lapsed hold counts as expired, as every page shows it)."""

    async def count(model: type[SQLModel], *where: sa.ColumnElement[bool]) -> int:
        return int(await demo.session.scalar(sa.select(sa.func.count()).select_from(model).where(*where)) or 0)

    out = {
        "expos": await count(Expo),
        "halls": await count(Hall),
        "booths": await count(Booth),
        "booths_blocked": await count(Booth, col(Booth.blocked).is_(True)),
        "exhibitors": await count(Exhibitor),
        "exhibitors_with_account": await count(Exhibitor, col(Exhibitor.user_id).is_not(None)),
        "users": await count(User),
    }
    for cls in ExhibitorClass:
        out[f"exhibitors_{cls.value}"] = await count(Exhibitor, col(Exhibitor.exhibitor_class) == cls)
    rows = (await demo.session.scalars(sa.select(Booking))).all()
    out["bookings"] = len(rows)
    for status in BookingStatus:
        out[f"bookings_{status.value}"] = 0
    for booking in rows:
        status = effective_status(booking)
        out[f"bookings_{status.value}"] += 1
    return out


async def is_empty(session: AsyncSession) -> bool:
    """True when no expo exists yet (the demo may be seeded)."""
    return await session.scalar(sa.select(col(Expo.id)).limit(1)) is None


async def seed_demo(
    session: AsyncSession, passwords: Passwords, today: date | None = None, storage: Storage | None = None
) -> dict[str, int]:
    """Seed the demo expo into an empty database and commit; returns what was created, by kind.

    ``today`` (default: the date in Jombang now) is the rehearsal day; the expo opens four weeks later.
    With a ``storage`` the self-signed exhibitors' documents (files) and the catalogue's pictures are
    seeded too (without one, the catalogue's profiles and products have no pictures)."""
    if not await is_empty(session):
        raise Conflict("The database already holds an expo; reset it to seed the demo.", code="demo_not_empty")
    rng = random.Random(SEED)  # noqa: S311  (a reproducible demo, not a secret)
    demo = Demo(session, passwords, rng, today or demo_today())
    await seed_users(demo)
    await seed_venue(demo)
    await seed_payments(demo)
    exhibitors = await seed_exhibitors(demo)
    await bookings.pesantren_bookings(demo, exhibitors["pesantren"])
    await bookings.koperasi_bookings(demo, exhibitors["koperasi"])
    await bookings.umkm_bookings(demo, exhibitors["umkm"])
    await bookings.other_bookings(demo, exhibitors["others"])
    shared = await seed_shared_stand(demo)
    seeded = await counts(demo) | shared | await seed_demo_map(session, demo.expo_id)
    if storage is not None:
        signed_up = [(e, owner) for rows in exhibitors.values() for e, owner in rows if owner is not None]
        seeded |= await seed_demo_documents(demo, signed_up, storage)
    seeded |= await seed_demo_applications(session, demo.expo_id, demo.org)
    seeded |= await seed_demo_catalogue(demo, storage)
    await session.commit()
    return seeded


async def reset_demo(
    session: AsyncSession, passwords: Passwords, today: date | None = None, storage: Storage | None = None
) -> dict[str, int]:
    """Delete every row of every table (children first), then seed the demo, in one transaction."""
    for table in reversed(SQLModel.metadata.sorted_tables):
        await session.execute(table.delete())
    session.expunge_all()
    return await seed_demo(session, passwords, today, storage)
