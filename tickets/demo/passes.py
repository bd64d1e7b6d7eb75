"""Passes for the demo expo: staff of confirmed bookings, committee, volunteers, press, VIPs and
visitors, issued through the services (so quotas and days hold). Fictional people; seeded, repeatable.

Passes valid on every day of the expo are valid on its rehearsal day (the day the demo was seeded)
too, and a few visitors registered for that day alone, so the gate has passes to scan today."""

import random

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from booths.applications.models import BookingCoExhibitor
from booths.bookings.models import Booking, BookingStatus
from booths.demo.exhibitors import FIRST_NAMES, LAST_NAMES
from booths.demo.published import DEMO_SLUG, GATE_EMAIL, ORGANISER_EMAIL
from booths.venue.service import expo_days, get_expo, get_expo_by_slug
from expo.accounts import CurrentUser
from expo.models import CommitteeRole, Role, User
from tickets.demo.leads import seed_leads
from tickets.gate import devices
from tickets.gate import staff as gate_staff
from tickets.gate.models import GateDirections
from tickets.gate.schemas import GateCreate
from tickets.passes import issuing
from tickets.passes import service as passes
from tickets.passes.kinds import allowed_days, ensure_kinds
from tickets.passes.models import ExpoPass, PassStatus
from tickets.passes.schemas import StaffPassCreate
from tickets.passes.visitor import register_visitor

SEED = 2026
_ARABIC = ("محمد الفاتح", "عبد الرحمن", "فاطمة الزهراء", "أحمد هداية الله")
_REGENCIES = ("Jombang", "Kediri", "Mojokerto", "Nganjuk", "Lamongan", "Kota Surabaya", "Malang", "Sidoarjo")
_CATEGORIES = ("umum", "santri", "santri", "pelajar", "mahasiswa")
_PRESS = ("Radar Jombang (Contoh)", "Warta Santri Online (Contoh)", "TV Lokal Jatim (Contoh)")
_VIPS = (
    ("Dr. H. Ahmad Fauzi, M.Pd.I.", "Dinas Koperasi dan UKM Provinsi Jawa Timur (Contoh)"),
    ("KH. Abdul Ghofur", "Pengasuh Pondok Pesantren (Contoh)"),
    ("Hj. Siti Rahmawati, S.E.", "Bank Syariah Amanah Contoh"),
    ("محمد عبد الله", "معهد النور الإسلامي"),
)


def _name(rng: random.Random) -> str:
    return f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"


async def _shared_stand_passes(session: AsyncSession, expo_id: int, rng: random.Random, actor: CurrentUser) -> None:
    """A shared stand: the organiser adds the co-exhibitors' shares to its quota, so its main exhibitor
    keeps two passes like everyone else, and each co-exhibitor names its own."""
    shared = (
        await session.execute(
            sa.select(col(BookingCoExhibitor.booking_id), col(BookingCoExhibitor.exhibitor_id))
            .join(Booking, col(Booking.id) == col(BookingCoExhibitor.booking_id))
            .where(col(Booking.expo_id) == expo_id, col(Booking.status) == BookingStatus.CONFIRMED)
            .order_by(col(BookingCoExhibitor.id))
        )
    ).all()
    for booking_id in dict.fromkeys(b for b, _e in shared):
        await issuing.set_staff_quota(session, booking_id, 2 + sum(1 for b, _e in shared if b == booking_id), actor)
    for _booking_id, exhibitor_id in shared:
        await issuing.create_staff_pass(session, exhibitor_id, StaffPassCreate(holder_name=_name(rng)), actor)


async def seed_passes(session: AsyncSession, expo_id: int) -> dict[str, int]:
    """Issue the demo's passes (flushed, not committed) and count them by kind and status."""
    rng = random.Random(SEED)  # noqa: S311  (a reproducible demo, not a secret)
    organiser = await session.scalar(sa.select(User).where(col(User.email) == ORGANISER_EMAIL))
    if organiser is None or organiser.id is None:
        organiser = await session.scalar(sa.select(User).where(col(User.role) == Role.ORGANISER))
    assert organiser is not None
    assert organiser.id is not None
    actor = CurrentUser(
        id=organiser.id,
        email=organiser.email,
        name=organiser.name,
        role=Role.ORGANISER,
        committee={expo_id: CommitteeRole.ORGANISER},
    )
    kinds = {k.code: k for k in await ensure_kinds(session, expo_id)}
    days = await expo_days(session, expo_id)
    expo = await get_expo(session, expo_id)
    rehearsal = [d.day for d in days if not expo.starts_on <= d.day <= expo.ends_on]
    exhibitor_ids = (
        await session.scalars(
            sa.select(col(Booking.exhibitor_id))
            .where(col(Booking.expo_id) == expo_id, col(Booking.status) == BookingStatus.CONFIRMED)
            .order_by(col(Booking.id))
        )
    ).all()
    await _shared_stand_passes(session, expo_id, rng, actor)
    staff: list[ExpoPass] = []
    for exhibitor_id in dict.fromkeys(exhibitor_ids):
        for _ in range(2):
            staff.append(
                await issuing.create_staff_pass(session, exhibitor_id, StaffPassCreate(holder_name=_name(rng)), actor)
            )
    for code, count, organisation in (("committee", 12, "Panitia Pelaksana"), ("volunteer", 20, "Relawan Santri")):
        for i in range(count):
            await passes.issue(
                session,
                expo_id,
                kinds[code],
                holder_name=_ARABIC[i] if code == "committee" and i < 2 else _name(rng),
                days=allowed_days(kinds[code], days),
                actor=actor,
                organisation=organisation,
            )
    for outlet in _PRESS:
        for _ in range(2):
            await passes.issue(
                session,
                expo_id,
                kinds["press"],
                holder_name=_name(rng),
                days=allowed_days(kinds["press"], days),
                actor=actor,
                organisation=outlet,
            )
    for name, organisation in _VIPS:
        await passes.issue(
            session,
            expo_id,
            kinds["vip"],
            holder_name=name,
            days=allowed_days(kinds["vip"], days),
            actor=actor,
            organisation=organisation,
        )
    from tickets.passes.schemas import VisitorRegistration

    visitor_days = [d for d in allowed_days(kinds["visitor"], days) if d not in rehearsal]
    for i in range(40):
        chosen = sorted(rng.sample(visitor_days, k=min(len(visitor_days), rng.choice((1, 1, 1, 2, 3)))))
        await register_visitor(
            session,
            expo_id,
            VisitorRegistration(
                holder_name=_ARABIC[i % 4] if i % 13 == 5 else _name(rng),
                regency=rng.choice(_REGENCIES),
                category=rng.choice(_CATEGORIES),
                days=chosen,
                phone=None,
            ),
        )
    # A lost pass reissued and one revoked, so the history and the revocation list are not empty.
    if len(staff) >= 2:
        assert staff[0].id is not None
        assert staff[1].id is not None
        await passes.reissue_pass(session, staff[0].id, actor)
        await passes.revoke_pass(session, staff[1].id, actor, "Penjaga stan diganti.")
        await issuing.create_staff_pass(
            session, staff[1].exhibitor_id or 0, StaffPassCreate(holder_name=_name(rng)), actor
        )
    for i in range(6 if rehearsal else 0):  # visitors of the rehearsal day, one in Arabic script
        await register_visitor(
            session,
            expo_id,
            VisitorRegistration(
                holder_name=_ARABIC[1] if i == 3 else _name(rng),
                regency=_REGENCIES[i % len(_REGENCIES)],
                category=_CATEGORIES[i % len(_CATEGORIES)],
                days=rehearsal,
                phone=None,
            ),
        )
    await session.flush()
    return await _counts(session, expo_id)


# The demo's gates: the main entrance for everyone and a service door for exhibitors' staff.
DEMO_GATES = (
    GateCreate(name="Gerbang Utama", directions=GateDirections.BOTH),
    GateCreate(name="Pintu Samping Peserta", directions=GateDirections.BOTH, kind_codes=["exhibitor", "committee"]),
)


async def seed_gates(session: AsyncSession, expo_id: int) -> None:
    """The demo's gates, with the demo gate-staff account on the main one (it pairs its own phone)."""
    for i, data in enumerate(DEMO_GATES):
        gate = await devices.create_gate(session, expo_id, data)
        if i == 0:
            assert gate.id is not None
            await gate_staff.assign(session, gate.id, GATE_EMAIL)
    await session.flush()


async def seed_demo_passes(session: AsyncSession) -> dict[str, int]:
    """Seed the passes and gates of the demo expo (after ``booths.demo.expo.seed_demo``) and commit."""
    expo = await get_expo_by_slug(session, DEMO_SLUG)
    assert expo.id is not None
    counts = await seed_passes(session, expo.id)
    await seed_gates(session, expo.id)
    counts |= await seed_leads(session, expo.id)  # after the passes: its visitors are scanned at a stand
    await session.commit()
    return counts


async def _counts(session: AsyncSession, expo_id: int) -> dict[str, int]:
    rows = (
        await session.execute(
            sa.select(col(ExpoPass.kind_id), col(ExpoPass.status), sa.func.count())
            .where(col(ExpoPass.expo_id) == expo_id)
            .group_by(col(ExpoPass.kind_id), col(ExpoPass.status))
        )
    ).all()
    codes = {k.id: k.code for k in await ensure_kinds(session, expo_id)}
    out: dict[str, int] = {}
    for kind_id, status, count in rows:
        key = f"passes_{codes[kind_id]}" + ("" if status == PassStatus.ACTIVE else "_revoked")
        out[key] = out.get(key, 0) + int(count)
    return out
