"""The catalogue tests' expo: listed and unlisted exhibitors, a shared stand, verified and expired
badges, and a second hall (for the map's "see on the map")."""

from dataclasses import dataclass
from datetime import timedelta

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from booths.bookings.models import BookingStatus
from booths.documents.models import DocumentKind
from booths.exhibitors.models import Exhibitor, ExhibitorClass
from booths.venue import service as venue_service
from booths.venue.models import Booth
from booths.venue.schemas import BoothCreate, ClusterCreate, HallCreate
from tests.support.catalogue import add_exhibitor, book, product, profile, share, verified
from tests.support.factories import EXPO_START, Venue, make_venue


@dataclass
class Scene:
    venue: Venue
    kopi: Exhibitor  # booth 0, kuliner, verified halal, a product with a halal number
    batik: Exhibitor  # booth 1 (its stand shared with kitab), fashion, Kediri
    kitab: Exhibitor  # co-exhibitor on batik's stand, a pesantren's
    warung: Exhibitor  # booth 2, kuliner, its halal certificate expired
    held: Exhibitor  # a live hold only: not listed
    cancelled: Exhibitor  # a cancelled booking: not listed
    stranger: Exhibitor  # confirmed in another expo
    hall_b_booth: str  # the code of a booth in hall B, confirmed for ``warung``'s second stand

    @property
    def slug(self) -> str:
        return self.venue.expo.slug


async def booth_code(session: AsyncSession, booth_id: int) -> str:
    return str(await session.scalar(sa.select(col(Booth.code)).where(col(Booth.id) == booth_id)))


async def make_scene(session: AsyncSession) -> Scene:
    venue = await make_venue(session, booths=6)
    expo_id, ids = venue.expo_id, venue.booth_ids
    await venue_service.create_cluster(session, expo_id, ClusterCreate(code="fashion", name="Busana", color="#1e88e5"))
    kopi = await add_exhibitor(session, expo_id, "Kopi Tebuireng", cluster="kuliner", regency="Jombang")
    batik = await add_exhibitor(session, expo_id, "Batik Sarung Barokah", cluster="fashion", regency="Kediri")
    kitab = await add_exhibitor(
        session,
        expo_id,
        "Toko Pustaka Santri",
        cluster="fashion",
        regency="Jombang",
        pesantren="Pondok Pesantren Darul Ulum",
        exhibitor_class=ExhibitorClass.PESANTREN,
        description="Kitab kuning dan buku pelajaran",
    )
    warung = await add_exhibitor(session, expo_id, "Warung Kopi Lama", cluster="kuliner", regency="Mojokerto")
    held = await add_exhibitor(session, expo_id, "Keripik Ayu", cluster="kuliner")
    cancelled = await add_exhibitor(session, expo_id, "Teh Wangi Kopi", cluster="kuliner")
    assert kopi.id
    assert batik.id
    assert kitab.id
    assert warung.id
    assert held.id
    assert cancelled.id
    await book(session, expo_id, ids[0], kopi.id)
    shared = await book(session, expo_id, ids[1], batik.id)
    assert shared.id is not None
    await share(session, shared.id, kitab.id)
    await book(session, expo_id, ids[2], warung.id)
    await book(session, expo_id, ids[3], held.id, BookingStatus.HELD)
    await book(session, expo_id, ids[4], cancelled.id, BookingStatus.CANCELLED)

    hall_b = await venue_service.create_hall(
        session, expo_id, HallCreate(code="B", name="Hall B", width_m=20, depth_m=20)
    )
    assert hall_b.id is not None
    assert venue.paid.id is not None
    b1 = await venue_service.create_booth(
        session,
        expo_id,
        BoothCreate(hall_id=hall_b.id, code="B-07", package_id=venue.paid.id, x_m=2, y_m=2, width_m=3, depth_m=3),
    )
    assert b1.id is not None
    await book(session, expo_id, b1.id, warung.id)

    await profile(
        session,
        kopi,
        story="Kopi robusta dari lereng Wonosalam.\nDisangrai sendiri.",
        logo_key="catalogue/1/2026/12/abc-1024.jpg",
        promotion="Diskon 10% selama pameran",
        shopee_url="https://shopee.co.id/kopitebuireng",
        instagram_url="javascript:alert(1)",
        order_whatsapp="6285700000001",
    )
    await product(
        session,
        kopi,
        "Kopi robusta bubuk",
        description="Bubuk halus 250 gram",
        price_min=35_000,
        unit="bungkus",
        halal_number="ID35110000099999",
        pirt_number="2063517010123-28",
        stock_note="Stok terbatas",
        photo_key="catalogue/1/2026/12/def-1024.jpg",
    )
    await product(session, kopi, "Gula aren cair", price_min=20_000, price_max=30_000, unit="botol", position=1)
    await product(session, batik, "Sarung tenun ikat", price_min=150_000, unit="lembar")
    await product(session, warung, "Es kopi susu", halal_number="ID35110000011111")
    await verified(session, kopi, DocumentKind.HALAL, expires_on=EXPO_START + timedelta(days=365))
    await verified(session, warung, DocumentKind.HALAL, expires_on=EXPO_START - timedelta(days=400))
    await verified(session, batik, DocumentKind.NIB)

    other = await make_venue(session, booths=1)
    stranger = await add_exhibitor(session, other.expo_id, "Kopi Seberang", cluster="kuliner")
    assert stranger.id is not None
    await book(session, other.expo_id, other.booth_ids[0], stranger.id)
    await session.commit()
    return Scene(venue, kopi, batik, kitab, warung, held, cancelled, stranger, "B-07")
