"""Which booths get a sign and what each says.

A booth has a sign while a confirmed booking holds it: a held booth may still lapse, so printing it
would waste paper on a stand that may go to someone else. The sign names the booking's exhibitor
(its catalogue profile is where the QR code leads) and, for a shared stand, the co-exhibitors.
"""

import contextlib
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from booths.applications.stands import stand_members
from booths.bookings.models import Booking, BookingStatus
from booths.catalogue.images import variant_key
from booths.catalogue.models import ExhibitorProfile
from booths.exhibitors.models import Exhibitor
from booths.signs.draw import ORIENTATIONS, SIZES, SignText
from booths.venue.models import Booth, Expo
from expo.errors import Conflict, InvalidInput, NotFound
from expo.i18n import N_
from expo.storage import Storage, StorageKeyError

LOGO_SIZE = 1024  # the logo variant a sign prints (sharp on A3)


@dataclass(frozen=True)
class Paper:
    size: str  # a4, a3
    orientation: str  # portrait, landscape


@dataclass(frozen=True)
class SignRow:
    """One booth's sign, as read from the database (the logo still a storage key)."""

    booth_id: int
    booth_code: str
    exhibitor_id: int
    name: str
    pesantren: str
    regency: str
    logo_key: str | None
    members: tuple[str, ...]


def check_paper(size: str, orientation: str) -> Paper:
    """The paper asked for (case and spaces ignored), or 422 at the field that is not offered."""
    size, orientation = size.strip().lower(), orientation.strip().lower()
    if size not in SIZES or orientation not in ORIENTATIONS:
        # One sentence and no field: the paper comes from a link or a hidden field, never typed.
        raise InvalidInput(N_("Choose A4 or A3, portrait or landscape."), code="bad_sign_paper")
    return Paper(size, orientation)


def sign_url(base_url: str, slug: str, exhibitor_id: int) -> str:
    """What the QR code holds: the exhibitor's catalogue profile, marked as reached from the sign
    (the profile page counts a sign scan for ``via=sign``)."""
    return f"{base_url.rstrip('/')}/e/{slug}/catalogue/{exhibitor_id}?via=sign"


async def sign_rows(
    session: AsyncSession, expo_id: int, *, booth_id: int | None = None, exhibitor_id: int | None = None
) -> list[SignRow]:
    """The expo's signs in booth order: every booth held by a confirmed booking, or one booth's, or
    one exhibitor's."""
    query = (
        sa.select(
            col(Booking.id),
            col(Booth.id),
            col(Booth.code),
            col(Exhibitor.id),
            col(Exhibitor.name),
            col(Exhibitor.pesantren_name),
            col(Exhibitor.regency),
            col(ExhibitorProfile.logo_key),
        )
        .join(Booth, col(Booth.id) == col(Booking.booth_id))
        .join(Exhibitor, col(Exhibitor.id) == col(Booking.exhibitor_id))
        .outerjoin(ExhibitorProfile, col(ExhibitorProfile.exhibitor_id) == col(Exhibitor.id))
        .where(col(Booking.expo_id) == expo_id, col(Booking.status) == BookingStatus.CONFIRMED.value)
        .order_by(col(Booth.code), col(Booth.id))
    )
    if booth_id is not None:
        query = query.where(col(Booth.id) == booth_id)
    if exhibitor_id is not None:
        query = query.where(col(Booking.exhibitor_id) == exhibitor_id)
    rows = (await session.execute(query)).all()
    stands = await stand_members(session, [row[0] for row in rows if row[0] is not None])
    # the sign names the main exhibitor itself; its partners follow in the order they joined
    members = {booking: [m.name for m in listed if not m.main] for booking, listed in stands.items()}
    signs = []
    for booking, booth, code, exhibitor, name, pesantren, regency, logo in rows:
        # primary keys of inner-joined rows: never NULL
        assert booking is not None
        assert booth is not None
        assert exhibitor is not None
        signs.append(
            SignRow(
                booth_id=booth,
                booth_code=code,
                exhibitor_id=exhibitor,
                name=name,
                pesantren=pesantren or "",
                regency=regency,
                logo_key=logo,
                members=tuple(members.get(booking, ())),
            )
        )
    return signs


async def booth_sign(session: AsyncSession, expo_id: int, booth_id: int) -> SignRow:
    """One booth's sign; 404 for a booth of another expo, 409 for a booth with no confirmed booking."""
    booth = await session.get(Booth, booth_id)
    if booth is None or booth.expo_id != expo_id:
        raise NotFound("No such booth.", code="booth_not_found")
    rows = await sign_rows(session, expo_id, booth_id=booth_id)
    if not rows:
        raise Conflict(N_("This booth has no confirmed booking, so it has no sign yet."), code="no_sign")
    return rows[0]


async def exhibitor_signs(session: AsyncSession, exhibitor: Exhibitor) -> list[SignRow]:
    """The signs of an exhibitor's own confirmed booths; 409 when it has none yet."""
    assert exhibitor.id is not None
    rows = await sign_rows(session, exhibitor.expo_id, exhibitor_id=exhibitor.id)
    if not rows:
        raise Conflict(N_("Your booth gets its sign once the booking is confirmed."), code="no_confirmed_booth")
    return rows


async def load_logo(storage: Storage, key: str | None) -> bytes | None:
    """The logo's print variant, or None when there is none or its file is gone (the sign is
    printed without it rather than not at all)."""
    if not key:
        return None
    with contextlib.suppress(NotFound, StorageKeyError, ValueError):
        return await storage.get(variant_key(key, LOGO_SIZE, "jpg"))
    return None


def sign_text(row: SignRow, expo: Expo, base_url: str, logo: bytes | None, locale: str) -> SignText:
    """The drawing's plain data for one sign."""
    return SignText(
        booth_code=row.booth_code,
        name=row.name,
        details=" · ".join(part for part in (row.pesantren, row.regency) if part),
        members=row.members,
        url=sign_url(base_url, expo.slug, row.exhibitor_id),
        expo_name=expo.name,
        logo=logo,
        locale=locale,
    )


async def sign_texts(
    session: AsyncSession, storage: Storage, expo_id: int, rows: list[SignRow], base_url: str, locale: str
) -> list[SignText]:
    expo = await session.get(Expo, expo_id)
    if expo is None:
        raise NotFound("No such expo.", code="expo_not_found")
    return [sign_text(row, expo, base_url, await load_logo(storage, row.logo_key), locale) for row in rows]
