"""The demo's past edition: the same fair a year earlier, finished, with its exhibitors, confirmed and
paid booths, the sales they reported each day and the scans at its gates, so that the report page of
that expo shows real-looking figures on ``make run`` (the current demo expo has not opened yet).

Seeded after the current demo (``expo demo``), deterministic (a seeded ``random.Random``; only the
dates follow the seeding day, as the current demo's do) and fictional throughout. The expo is made
through the venue service; the rest is written as bulk rows, on purpose: an expo that is over refuses
bookings, sales and scans through the services, as it should, and thousands of scans one by one would
make ``make run`` slow. The rows are the ones the services leave behind: a confirmed booking has its
paid bill, bill line and ledger payment with a receipt number; a scan has its gate, device and pass.
"""

import random
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from booths.billing.models import Bill, BillLine, BillStatus, LineKind, Payment, PaymentMethod, PaymentSource
from booths.bookings.models import Booking, BookingStatus
from booths.bookings.models import PaymentMethod as BookingPaymentMethod
from booths.demo.context import actor
from booths.demo.exhibitors import FIRST_NAMES, LAST_NAMES
from booths.demo.published import DEMO_TIMEZONE, ORGANISER_EMAIL, demo_dates
from booths.exhibitors.models import Approval, Exhibitor
from booths.sales.models import DailySale
from booths.venue import service as venue
from booths.venue.models import Booth, BoothPackage, Hall, ProductCluster
from booths.venue.schemas import ExpoCreate
from expo.formatting import utcnow
from expo.jobs.models import Job
from expo.models import User
from tickets.gate.models import Gate, GateDevice, Scan
from tickets.passes.kinds import ensure_kinds
from tickets.passes.models import ExpoPass

PAST_SLUG = "opop-santri-jombang-edisi-lalu"
SEED = 2025
EXHIBITORS = 48
VISITORS = 2400
BOOTH_PRICE = 750_000
CLUSTERS = (
    ("kuliner", "Kuliner", "#e65100"),
    ("fesyen", "Fesyen Muslim", "#6a1b9a"),
    ("kriya", "Kriya & Kerajinan", "#2e7d32"),
    ("herbal", "Herbal & Kesehatan", "#00838f"),
)
CLASSES = ("pesantren", "umkm", "umkm", "koperasi")
REGENCIES = ("Jombang", "Jombang", "Jombang", "Kediri", "Mojokerto", "Nganjuk", "Lamongan", "Surabaya")
CATEGORIES = ("umum", "umum", "santri", "santri", "pelajar", "mahasiswa")
BUSINESS_HEAD = ("UD", "CV", "Dapur", "Rumah", "Griya", "Omah", "Kedai", "Sanggar")
PESANTREN = ("Al-Hikmah", "Darul Ulum", "Nurul Huda", "Miftahul Jannah", "Bahrul Ulum", "Al-Falah")
BUSINESS_TAIL = ("Barokah", "Sumber Rezeki", "Amanah", "Mekar Sari", "Rasa Nusantara", "Cahaya Santri", "Al-Hikmah")
GATES = ("Gerbang Utama", "Gerbang Timur")
# Of the visitors entering in an hour of the day (09-20 local), the share: a quiet morning, the
# busiest after the afternoon prayer and in the evening.
HOURLY = (3, 5, 6, 7, 6, 8, 10, 12, 11, 13, 11, 8)


def past_dates(today: date) -> tuple[date, date]:
    """A year (52 weeks: the same weekdays) before the current demo's run."""
    starts, ends = demo_dates(today)
    return starts - timedelta(weeks=52), ends - timedelta(weeks=52)


async def seed_past_edition(session: AsyncSession, today: date) -> dict[str, int]:
    """Seed the finished previous edition and commit; returns what was made, by kind."""
    rng = random.Random(SEED)  # noqa: S311  (a reproducible demo, not a secret)
    starts, ends = past_dates(today)
    zone = ZoneInfo(DEMO_TIMEZONE)
    organiser = await session.scalar(sa.select(User).where(col(User.email) == ORGANISER_EMAIL))
    assert organiser is not None, "seed the current demo first"
    expo = await venue.create_expo(
        session,
        ExpoCreate(
            slug=PAST_SLUG,
            name=f"Expo UMKM & OPOP Santri Jombang {starts.year}",
            city="Jombang",
            venue="Gedung Serbaguna Kabupaten Jombang",
            starts_on=starts,
            ends_on=ends,
            opens_at=time(9, 0),
            closes_at=time(21, 0),
            timezone=DEMO_TIMEZONE,
            contact_email="panitia@expo.test",
        ),
        created_by=actor(organiser),
    )
    assert expo.id is not None
    expo_id = expo.id
    # The reminders planned for its days (the evening sales reminder, the day before) belong to a
    # running expo; for one long over they would all fall due at once on the first start.
    await session.execute(sa.delete(Job).where(col(Job.expo_id) == expo_id))
    now = utcnow()
    opened = datetime.combine(starts - timedelta(days=40), time(10), zone).astimezone(UTC)  # bookings came in then

    hall = Hall(expo_id=expo_id, code="A", name="Hall A – Gedung Utama", width_m=48, depth_m=30)
    package = BoothPackage(expo_id=expo_id, code="standar", name="Stan Standar 3x3 m", price=BOOTH_PRICE)
    session.add_all(
        [hall, package, *(ProductCluster(expo_id=expo_id, code=c, name=n, color=k) for c, n, k in CLUSTERS)]
    )
    await session.flush()
    await session.execute(
        sa.insert(Booth),
        [
            {"expo_id": expo_id, "hall_id": hall.id, "package_id": package.id, "code": f"A-{n + 1:02d}",
             "cluster": CLUSTERS[n // 12][0], "x_m": 2.0 + 3.5 * (n % 12), "y_m": 3.0 + 7.0 * (n // 12),
             "width_m": 3.0, "depth_m": 3.0, "blocked": False, "created_at": now, "updated_at": now}
            for n in range(EXHIBITORS)
        ],
    )  # fmt: skip
    booths = list(
        await session.scalars(sa.select(Booth).where(col(Booth.expo_id) == expo_id).order_by(col(Booth.code)))
    )
    rows = []
    for n, booth in enumerate(booths):
        cls = rng.choice(CLASSES)
        rows.append(
            {"expo_id": expo_id, "name": f"{rng.choice(BUSINESS_HEAD)} {rng.choice(BUSINESS_TAIL)} {n + 1}",
             "exhibitor_class": cls, "nib": f"{8120000000000 + n}", "regency": rng.choice(REGENCIES),
             "pesantren_name": f"Pondok Pesantren {rng.choice(PESANTREN)}" if cls == "pesantren" else None,
             "contact_name": f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}", "whatsapp": f"62812300{n:05d}",
             "email": f"edisi-lalu-{n + 1}@expo.test", "cluster": booth.cluster, "description": "",
             "approval": Approval.APPROVED.value, "lock_version": 0, "created_at": opened}
        )  # fmt: skip
    await session.execute(sa.insert(Exhibitor), rows)
    exhibitors = list(
        await session.scalars(sa.select(Exhibitor).where(col(Exhibitor.expo_id) == expo_id).order_by(col(Exhibitor.id)))
    )
    await _bookings_and_bills(session, expo_id, booths, exhibitors, opened)
    days = [starts + timedelta(days=n) for n in range((ends - starts).days + 1)]
    sales = _sales(rng, expo_id, exhibitors, days, zone)
    await session.execute(sa.insert(DailySale), sales)
    scans = await _gates_and_scans(session, rng, expo_id, days, zone)
    await session.commit()
    return {"past_expo_exhibitors": len(exhibitors), "past_expo_sales": len(sales), "past_expo_scans": scans}


async def _bookings_and_bills(
    session: AsyncSession, expo_id: int, booths: list[Booth], exhibitors: list[Exhibitor], opened: datetime
) -> None:
    """One confirmed booth each, billed and paid by transfer (bill, line, ledger payment, receipt)."""
    for n, (booth, exhibitor) in enumerate(zip(booths, exhibitors, strict=True)):
        paid_at = opened + timedelta(days=n % 20, hours=2)
        booking = Booking(
            expo_id=expo_id,
            booth_id=booth.id or 0,
            exhibitor_id=exhibitor.id or 0,
            status=BookingStatus.CONFIRMED,
            price=BOOTH_PRICE,
            held_at=paid_at - timedelta(hours=3),
            confirmed_at=paid_at,
            payment_amount=BOOTH_PRICE,
            payment_method=BookingPaymentMethod.TRANSFER,
            payment_reference=f"TRF/{20250900 + n}",
            updated_at=paid_at,
        )
        session.add(booking)
        await session.flush()
        bill = Bill(
            expo_id=expo_id,
            exhibitor_id=exhibitor.id or 0,
            booking_id=booking.id,
            number=f"INV/LALU/{n + 1:04d}",
            status=BillStatus.PAID,
            total=BOOTH_PRICE,
            paid=BOOTH_PRICE,
            issued_at=booking.held_at,
            updated_at=paid_at,
        )
        session.add(bill)
        await session.flush()
        session.add_all(
            [
                BillLine(
                    bill_id=bill.id or 0,
                    kind=LineKind.BOOTH,
                    description=f"Stan {booth.code}",
                    unit_price=BOOTH_PRICE,
                    amount=BOOTH_PRICE,
                    created_at=booking.held_at,
                ),
                Payment(
                    expo_id=expo_id,
                    bill_id=bill.id or 0,
                    amount=BOOTH_PRICE,
                    method=PaymentMethod.TRANSFER,
                    source=PaymentSource.DESK,
                    paid_on=paid_at.date(),
                    reference=f"TRF/{20250900 + n}",
                    receipt_number=f"KWT/LALU/{n + 1:04d}",
                    recorded_at=paid_at,
                ),
            ]
        )
    await session.flush()


def _sales(
    rng: random.Random, expo_id: int, exhibitors: list[Exhibitor], days: list[date], zone: ZoneInfo
) -> list[dict[str, object]]:
    """Each exhibitor's evening report, most days (a few forgot one); the weekend sells more."""
    rows: list[dict[str, object]] = []
    for exhibitor in exhibitors:
        scale = rng.uniform(0.5, 2.5)
        for day in days:
            if rng.random() < 0.08:
                continue
            weekend = 1.6 if day.weekday() >= 5 else 1.0
            cash = int(rng.randint(300, 1800) * scale * weekend) * 1000
            at = datetime.combine(day, time(21, 15), zone).astimezone(UTC)
            rows.append(
                {"expo_id": expo_id, "exhibitor_id": exhibitor.id, "day": day, "cash": cash,
                 "transfer": int(cash * rng.uniform(0.2, 0.8)) // 1000 * 1000,
                 "transactions": rng.randint(12, 90), "orders": rng.choice((0, 0, 0, 150_000, 400_000)),
                 "deals": [], "deals_value": 0,
                 "flagged": False, "source": "exhibitor", "version": 1, "created_at": at, "updated_at": at}
            )  # fmt: skip
    return rows


async def _gates_and_scans(
    session: AsyncSession, rng: random.Random, expo_id: int, days: list[date], zone: ZoneInfo
) -> int:
    """Two gates, a phone at each, visitor passes and their scans: each visitor comes on one or two
    days, enters at an hour of the day's curve, and most leave through a gate a few hours later."""
    gates = [Gate(expo_id=expo_id, name=name) for name in GATES]
    session.add_all(gates)
    await session.flush()
    devices = [GateDevice(expo_id=expo_id, gate_id=g.id or 0, name=f"HP {g.name}") for g in gates]
    session.add_all(devices)
    await session.flush()
    kind_id = next(k.id for k in await ensure_kinds(session, expo_id) if k.code == "visitor")
    issued = datetime.combine(days[0] - timedelta(days=7), time(12), zone).astimezone(UTC)
    await session.execute(
        sa.insert(ExpoPass),
        [
            {"expo_id": expo_id, "kind_id": kind_id, "serial": 9_000_000_000 + SEED * 10_000 + n,
             "code": f"LL{n:06d}", "holder_name": f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}",
             "regency": rng.choice(REGENCIES), "visitor_category": rng.choice(CATEGORIES), "days": [],
             "status": "active", "issued_at": issued, "updated_at": issued}
            for n in range(VISITORS)
        ],
    )  # fmt: skip
    pass_ids: list[int] = list(
        await session.scalars(
            sa.select(col(ExpoPass.id)).where(col(ExpoPass.expo_id) == expo_id).order_by(col(ExpoPass.id))
        )
    )
    hours = list(range(9, 21))
    rows: list[dict[str, object]] = []
    for pass_id in pass_ids:
        for day in rng.sample(days, rng.choice((1, 1, 1, 2))):
            at = datetime.combine(day, time(rng.choices(hours, HOURLY)[0], rng.randrange(60)), zone)
            device = rng.choice(devices)
            rows.append(_scan(expo_id, device, pass_id, "entry", at, len(rows)))
            if rng.random() < 0.02:  # shown again at the entry a minute later: refused, already inside
                again = _scan(expo_id, device, pass_id, "entry", at + timedelta(minutes=1), len(rows))
                rows.append(again | {"status": "refused", "reason": "already_inside"})
            if rng.random() < 0.75:
                out = min(at + timedelta(minutes=rng.randint(40, 240)), datetime.combine(day, time(20, 59), zone))
                rows.append(_scan(expo_id, rng.choice(devices), pass_id, "exit", out, len(rows)))
    await session.execute(sa.insert(Scan), rows)
    return len(rows)


def _scan(expo_id: int, device: GateDevice, pass_id: int, direction: str, at: datetime, n: int) -> dict[str, object]:
    at_utc = at.astimezone(UTC)
    return {"expo_id": expo_id, "gate_id": device.gate_id, "device_id": device.id, "client_scan_id": f"lalu-{n}",
            "pass_id": pass_id, "kind_code": "visitor", "direction": direction, "status": "ok", "reason": "ok",
            "offline": False, "conflict": False, "clock_skewed": False, "scanned_at": at_utc,
            "received_at": at_utc}  # fmt: skip
