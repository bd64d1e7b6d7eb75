"""Leads for the demo expo: a few visitors (fictional, with made-up numbers) scanned at a confirmed
stand, some who agreed to share their contact and some who did not, one with a note; through the
leads service, so the stand's daily lead counter moves as it would at the expo."""

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from booths.bookings.models import Booking, BookingStatus
from booths.exhibitors.models import Exhibitor
from booths.venue.service import expo_days, get_expo
from tickets.leads.service import keep_lead, set_note
from tickets.passes.kinds import allowed_days, ensure_kinds
from tickets.passes.schemas import VisitorRegistration
from tickets.passes.visitor import register_visitor

# name, regency, category, WhatsApp (fictional), shares contact, note
DEMO_LEADS = (
    ("Laila Nur Hasanah", "Jombang", "umum", "0812 0000 1101", True, "Minta daftar harga grosir keripik."),
    ("Bagus Prasetyo", "Kediri", "mahasiswa", "0812 0000 1102", True, ""),
    ("Siti Maimunah", "Mojokerto", "umum", "0812 0000 1103", False, "Tertarik jadi reseller; kontak tidak dibagikan."),
    ("Farhan Maulana", "Kota Surabaya", "santri", "0812 0000 1104", True, ""),
    ("Dewi Anggraini", "Malang", "umum", "0812 0000 1105", False, ""),
)


async def seed_leads(session: AsyncSession, expo_id: int) -> dict[str, int]:
    """Register the demo's lead visitors and keep them as leads of the first confirmed stand."""
    exhibitor_id = await session.scalar(
        sa.select(col(Booking.exhibitor_id))
        .join(Exhibitor, col(Exhibitor.id) == col(Booking.exhibitor_id))
        .where(col(Booking.expo_id) == expo_id, col(Booking.status) == BookingStatus.CONFIRMED)
        .order_by(col(Booking.id))
        .limit(1)
    )
    if exhibitor_id is None:
        return {"leads": 0}
    expo = await get_expo(session, expo_id)
    kind = next(k for k in await ensure_kinds(session, expo_id) if k.self_register)
    days = [d for d in allowed_days(kind, await expo_days(session, expo_id)) if expo.starts_on <= d <= expo.ends_on]
    for i, (name, regency, category, phone, shares, note) in enumerate(DEMO_LEADS):
        first, last = name.split()[0].lower(), name.split()[-1].lower()
        registration = VisitorRegistration(
            holder_name=name,
            regency=regency,
            category=category,
            days=[days[i % len(days)]],
            phone=phone,
            email=f"{first}.{last}@contoh.id",
            shares_contact=shares,
        )
        pass_, _secret = await register_visitor(session, expo_id, registration)
        await session.flush()
        saved = await keep_lead(session, exhibitor_id, pass_, None)
        if note:
            await set_note(session, exhibitor_id, saved.lead.id, note)
    await session.flush()
    return {"leads": len(DEMO_LEADS)}
