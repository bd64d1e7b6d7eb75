"""What catalogue tests share: listed exhibitors written as rows (a confirmed booking on a booth, a
profile, products), a co-exhibitor on a shared stand, and a verified document."""

import itertools
from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession

from booths.applications.models import BookingCoExhibitor
from booths.bookings.models import Booking, BookingStatus
from booths.catalogue.models import ExhibitorProfile, Product
from booths.documents.models import DocumentKind, DocumentStatus, ExhibitorDocument
from booths.exhibitors.models import Approval, Exhibitor, ExhibitorClass
from expo.formatting import utcnow

_nib = itertools.count(3_100_000_000_001)


async def add_exhibitor(
    session: AsyncSession,
    expo_id: int,
    name: str,
    *,
    regency: str = "Jombang",
    cluster: str | None = None,
    pesantren: str | None = None,
    exhibitor_class: ExhibitorClass = ExhibitorClass.UMKM,
    description: str = "",
) -> Exhibitor:
    exhibitor = Exhibitor(
        expo_id=expo_id,
        name=name,
        exhibitor_class=exhibitor_class,
        nib=str(next(_nib)),
        pesantren_name=pesantren,
        regency=regency,
        contact_name="Siti Aminah",
        whatsapp="+6281234567890",
        email=f"ex{next(_nib)}@example.test",
        cluster=cluster,
        description=description,
        approval=Approval.APPROVED,
    )
    session.add(exhibitor)
    await session.flush()
    return exhibitor


async def book(
    session: AsyncSession,
    expo_id: int,
    booth_id: int,
    exhibitor_id: int,
    status: BookingStatus = BookingStatus.CONFIRMED,
) -> Booking:
    booking = Booking(
        expo_id=expo_id,
        booth_id=booth_id,
        exhibitor_id=exhibitor_id,
        status=status,
        price=0,
        confirmed_at=utcnow() if status == BookingStatus.CONFIRMED else None,
        hold_expires_at=None if status == BookingStatus.CONFIRMED else utcnow().replace(year=utcnow().year + 1),
    )
    session.add(booking)
    await session.flush()
    return booking


async def share(session: AsyncSession, booking_id: int, exhibitor_id: int) -> None:
    session.add(BookingCoExhibitor(booking_id=booking_id, exhibitor_id=exhibitor_id))
    await session.flush()


async def profile(session: AsyncSession, exhibitor: Exhibitor, **fields: object) -> ExhibitorProfile:
    assert exhibitor.id is not None
    row = ExhibitorProfile(exhibitor_id=exhibitor.id, expo_id=exhibitor.expo_id, **fields)  # type: ignore[arg-type]
    session.add(row)
    await session.flush()
    return row


async def product(session: AsyncSession, exhibitor: Exhibitor, name: str, **fields: object) -> Product:
    assert exhibitor.id is not None
    row = Product(expo_id=exhibitor.expo_id, exhibitor_id=exhibitor.id, name=name, **fields)  # type: ignore[arg-type]
    session.add(row)
    await session.flush()
    return row


async def verified(
    session: AsyncSession, exhibitor: Exhibitor, kind: DocumentKind, expires_on: date | None = None
) -> None:
    assert exhibitor.id is not None
    session.add(
        ExhibitorDocument(
            expo_id=exhibitor.expo_id,
            exhibitor_id=exhibitor.id,
            kind=kind,
            number="ID35110000012345",
            expires_on=expires_on,
            file_key="documents/x.pdf",
            file_name="sertifikat.pdf",
            content_type="application/pdf",
            size=1000,
            status=DocumentStatus.APPROVED,
        )
    )
    await session.flush()
