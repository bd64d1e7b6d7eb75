"""The demo's booth applications: an open window, OPOP and UMKM quotas, and applications (most accepted)
from exhibitors still without a booth, so the organisers' allocation page has something to run.

The demo stays in booking mode (exhibitors may still hold booths); organisers can switch it to
applications only on the allocation page. Seeded through the services, like the rest of the demo.
"""

import random
from datetime import timedelta

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from booths.allocation.models import FairnessBy
from booths.applications import service as applications
from booths.applications.models import BookingCoExhibitor, BoothApplication
from booths.applications.schemas import AllocationSettingsIn, ApplicationCreate, QuotaIn, ZoneRuleIn
from booths.bookings.holds import active_booking_clause
from booths.bookings.models import Booking
from booths.exhibitors.models import Exhibitor, ExhibitorClass
from booths.venue.service import list_booths
from expo.accounts import CurrentUser
from expo.formatting import utcnow

SEED = 2610


async def seed_demo_applications(session: AsyncSession, expo_id: int, organiser: CurrentUser) -> dict[str, int]:
    rng = random.Random(SEED)  # noqa: S311  (a reproducible demo, not a secret)
    now = utcnow()
    await applications.update_settings(
        session,
        expo_id,
        AllocationSettingsIn(
            opens_at=now - timedelta(days=14),
            closes_at=now + timedelta(days=14),
            quotas=[
                QuotaIn(exhibitor_class=ExhibitorClass.PESANTREN, reserved=8),
                QuotaIn(exhibitor_class=ExhibitorClass.UMKM, reserved=2),
            ],
            zone_rules=[
                ZoneRuleIn(zone="package:gratis-umkm", classes=[ExhibitorClass.UMKM]),
                ZoneRuleIn(zone="hall:T", clusters=["kuliner"]),
            ],
            fairness_by=FairnessBy.PAYMENT,
            time_limit_s=3.0,
        ),
    )
    booked = set(
        (
            await session.scalars(
                sa.select(col(Booking.exhibitor_id)).where(col(Booking.expo_id) == expo_id, active_booking_clause())
            )
        ).all()
    )
    # Co-exhibitors of a shared stand have their place already: they do not apply.
    booked |= set(
        (
            await session.scalars(
                sa.select(col(BookingCoExhibitor.exhibitor_id))
                .join(Booking, col(Booking.id) == col(BookingCoExhibitor.booking_id))
                .where(col(Booking.expo_id) == expo_id, active_booking_clause())
            )
        ).all()
    )
    people = (
        await session.scalars(sa.select(Exhibitor).where(col(Exhibitor.expo_id) == expo_id).order_by(col(Exhibitor.id)))
    ).all()
    waiting = [e for e in people if e.id not in booked and e.exhibitor_class != ExhibitorClass.SPONSOR]
    keeping = [e for e in people if e.id in booked and e.exhibitor_class == ExhibitorClass.PESANTREN][:2]
    free = [b for b in await list_booths(session, expo_id) if b.status == "available"]
    by_cluster: dict[str | None, list[str]] = {}
    for b in sorted(free, key=lambda b: b.code):
        by_cluster.setdefault(b.cluster, []).append(b.code)
    same_cluster: dict[str | None, list[Exhibitor]] = {}
    for e in waiting:
        same_cluster.setdefault(e.cluster, []).append(e)

    # Two pesantren with the same product ask to share a stand with each other.
    pesantren = [e for e in waiting if e.exhibitor_class == ExhibitorClass.PESANTREN]
    pair: list[Exhibitor] = next(
        ([a, b] for k, a in enumerate(pesantren) for b in pesantren[k + 1 :] if a.cluster == b.cluster), []
    )
    made: list[tuple[int, Exhibitor]] = []
    for i, exhibitor in enumerate([*waiting, *keeping]):
        assert exhibitor.id is not None
        mates = [m for m in same_cluster.get(exhibitor.cluster, []) if m.id != exhibitor.id]
        wanted = by_cluster.get(exhibitor.cluster) or by_cluster.get("kuliner") or []
        preferences = rng.sample(wanted[:8], k=min(len(wanted[:8]), rng.choice((1, 2, 3))))
        if i % 5 == 1 and exhibitor.cluster:
            preferences.append(f"zone:{exhibitor.cluster}")
        partner_ids = [p.id for p in pair if p.id is not None and p is not exhibitor] if exhibitor in pair else []
        rival = mates[0].id if mates and i % 3 == 0 and mates[0].id not in partner_ids else None
        friend = mates[-1].id if mates and i % 7 == 2 and mates[-1].id != rival else None
        data = ApplicationCreate(
            exhibitor_id=exhibitor.id,
            cluster=exhibitor.cluster,
            preferences=preferences,
            share=exhibitor in pair,
            share_with=partner_ids,
            avoid=[rival] if rival is not None else [],
            near=[friend] if friend is not None else [],
            power_amps=16 if i == 7 else (4 if exhibitor.cluster == "kuliner" and i % 6 == 5 else 0),
            packages=["gratis-umkm"] if exhibitor.exhibitor_class == ExhibitorClass.UMKM and i % 2 else [],
            note="Mohon dekat pintu masuk." if i % 9 == 4 else "",
        )
        application = await applications.submit_application(session, expo_id, data, organiser)
        application.submitted_at = now - timedelta(days=13 - (i % 12), hours=i)
        assert application.id is not None
        made.append((application.id, exhibitor))
    await session.flush()
    accepted = declined = 0
    for k, (application_id, _exhibitor) in enumerate(made):
        if k % 8 == 6:
            continue  # left submitted, for the organisers to review
        accept = k % 11 != 9
        await applications.decide_application(
            session, application_id, accept, organiser, "" if accept else "Produk belum memenuhi kurasi OPOP."
        )
        accepted, declined = accepted + accept, declined + (not accept)
    count = await session.scalar(
        sa.select(sa.func.count()).select_from(BoothApplication).where(col(BoothApplication.expo_id) == expo_id)
    )
    return {"applications": int(count or 0), "applications_accepted": accepted, "applications_declined": declined}
