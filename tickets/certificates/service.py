"""Who gets a certificate of participation and how one is checked.

An exhibitor with a confirmed booth may download its certificate. Its QR code opens
``/c/{exhibitor}/{key id}/{signature}``: an Ed25519 signature (the expo's key ring, as passes use)
over the exhibitor and its expo, so anyone can check that the committee issued it without an account,
and a forged or altered link is refused."""

import base64
import binascii
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from cryptography.exceptions import InvalidSignature
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from booths.billing.models import PaymentSetup
from booths.bookings.models import Booking, BookingStatus
from booths.exhibitors.models import Exhibitor
from booths.venue.models import Booth, Expo
from expo.errors import Conflict, NotFound
from tickets.signing.keys import KeyRing


@dataclass(frozen=True)
class Certificate:
    exhibitor_id: int
    name: str
    pesantren: str
    regency: str
    booths: list[str]
    expo_name: str
    venue: str
    city: str
    starts_on: date
    ends_on: date
    signer: str  # who signs for the committee (the billing letterhead's treasurer or issuer), or ""
    path: str  # the verification link's path


def _message(expo_id: int, exhibitor_id: int) -> bytes:
    return f"expo-certificate:{expo_id}:{exhibitor_id}".encode()


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def verification_path(keys: KeyRing, expo_id: int, exhibitor_id: int) -> str:
    signature = keys.signer.sign(_message(expo_id, exhibitor_id))
    return f"/c/{exhibitor_id}/{keys.signing_key_id}/{_b64(signature)}"


async def certificate(session: AsyncSession, exhibitor_id: int, keys: KeyRing) -> Certificate:
    """The certificate of an exhibitor with a confirmed booth (409 ``no_confirmed_booth`` otherwise)."""
    exhibitor = await session.get(Exhibitor, exhibitor_id)
    if exhibitor is None or exhibitor.id is None:
        raise NotFound("No such exhibitor.", code="exhibitor_not_found")
    expo = await session.get(Expo, exhibitor.expo_id)
    assert expo is not None
    assert expo.id is not None
    codes = list(
        await session.scalars(
            sa.select(col(Booth.code))
            .join(Booking, col(Booking.booth_id) == col(Booth.id))
            .where(col(Booking.exhibitor_id) == exhibitor.id, col(Booking.status) == BookingStatus.CONFIRMED.value)
            .order_by(col(Booth.code))
        )
    )
    if not codes:
        raise Conflict(
            "A certificate of participation needs a confirmed booth at this expo.", code="no_confirmed_booth"
        )
    setup = await session.get(PaymentSetup, expo.id)
    signer = (setup.treasurer_name or setup.issuer_name) if setup is not None else ""
    return Certificate(
        exhibitor_id=exhibitor.id,
        name=exhibitor.name,
        pesantren=exhibitor.pesantren_name or "",
        regency=exhibitor.regency,
        booths=codes,
        expo_name=expo.name,
        venue=expo.venue,
        city=expo.city,
        starts_on=expo.starts_on,
        ends_on=expo.ends_on,
        signer=signer,
        path=verification_path(keys, expo.id, exhibitor.id),
    )


async def verify(
    session: AsyncSession, exhibitor_id: int, key_id: int, signature: str, keys: KeyRing
) -> Certificate | None:
    """The certificate a verification link stands for, or None when the link is not the committee's
    (a wrong signature, an unknown key, an exhibitor that no longer has a confirmed booth)."""
    exhibitor = await session.get(Exhibitor, exhibitor_id)
    public = keys.public_keys().get(key_id)
    if exhibitor is None or public is None or len(signature) > 200:
        return None
    try:
        raw = base64.urlsafe_b64decode(signature + "=" * (-len(signature) % 4))
        public.verify(raw, _message(exhibitor.expo_id, exhibitor_id))
    except (InvalidSignature, binascii.Error, ValueError):
        return None
    try:
        return await certificate(session, exhibitor_id, keys)
    except Conflict:
        return None
