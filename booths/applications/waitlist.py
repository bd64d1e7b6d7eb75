"""The waiting list after a committed allocation: a freed booth is offered to the next eligible applicant
until a deadline; an offer that lapses or is declined passes on.

No background job: ``refresh`` runs whenever offers are read or answered. It lapses overdue offers and
offers every free booth to the best-ranked waiting applicant that fits it (never the same booth twice to
the same applicant). Partial unique indexes keep one open offer per booth and per application, so two
refreshes at once cannot offer a booth twice.
"""

from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from booths.allocation import solver as alloc
from booths.allocation.inputs import accepted_applications, applicant_input, load_venue, options_for
from booths.applications.models import ApplicationStatus, BoothApplication, BoothOffer, OfferStatus
from booths.applications.schemas import OfferRead
from booths.applications.service import get_settings
from booths.bookings.models import Booking
from booths.bookings.service import assign_booth
from booths.exhibitors.models import Exhibitor
from booths.notifications import triggers
from booths.venue.models import Booth
from booths.venue.service import get_expo, get_package, price_for
from expo.accounts import CurrentUser
from expo.errors import Conflict, NotFound
from expo.formatting import as_utc, utcnow
from expo.permissions import Area


async def refresh(session: AsyncSession, expo_id: int) -> int:
    """Lapse overdue offers and make new ones; returns how many offers were made."""
    now = utcnow()
    await session.execute(
        sa.update(BoothOffer)
        .where(
            col(BoothOffer.expo_id) == expo_id,
            col(BoothOffer.status) == OfferStatus.OFFERED,
            col(BoothOffer.expires_at) <= now,
        )
        .values(status=OfferStatus.LAPSED, responded_at=now)
    )
    waiting = await accepted_applications(session, expo_id, (ApplicationStatus.WAITLISTED,))
    if not waiting:
        return 0
    waiting.sort(key=lambda pair: (pair[0].waitlist_rank or 10**9, pair[0].id or 0))
    expo = await get_expo(session, expo_id)
    setting = await get_settings(session, expo_id)
    venue = await load_venue(session, expo_id, setting)
    options = options_for(setting, 0, None, None)
    offers = (await session.scalars(sa.select(BoothOffer).where(col(BoothOffer.expo_id) == expo_id))).all()
    open_booths = {o.booth_id for o in offers if o.status == OfferStatus.OFFERED}
    open_apps = {o.application_id for o in offers if o.status == OfferStatus.OFFERED}
    tried = {(o.application_id, o.booth_id) for o in offers}
    used = await _class_counts(session, expo_id)
    caps = {q.exhibitor_class: q.cap for q in options.quotas if q.cap is not None}
    made = 0
    for booth in sorted(venue.booths, key=lambda b: b.code):
        if booth.id in venue.booked_booths or booth.id in open_booths:
            continue
        for application, exhibitor in waiting:
            cls = str(exhibitor.exhibitor_class)
            if (
                application.id in open_apps
                or exhibitor.id in venue.booked_exhibitors
                or (application.id, booth.id) in tried
                or (cls in caps and used.get(cls, 0) >= (caps[cls] or 0))
            ):
                continue
            applicant = applicant_input(application, exhibitor, venue.packages, setting.fairness_by, expo.timezone)
            if alloc.unmet_needs(applicant, booth, options.zone_rules):
                continue
            assert application.id is not None
            deadline = now + timedelta(hours=setting.offer_hours)
            if await _offer(session, expo_id, application.id, exhibitor, booth.id, deadline):
                open_apps.add(application.id)
                used[cls] = used.get(cls, 0) + 1
                made += 1
            break
    return made


async def _offer(
    session: AsyncSession, expo_id: int, application_id: int, exhibitor: Exhibitor, booth_id: int, expires_at: datetime
) -> bool:
    """Offer the booth and tell the applicant (the message goes with the offer, in this transaction)."""
    offer = BoothOffer(
        expo_id=expo_id,
        application_id=application_id,
        booth_id=booth_id,
        status=OfferStatus.OFFERED,
        expires_at=expires_at,
    )
    try:
        async with session.begin_nested():
            session.add(offer)
    except IntegrityError:  # another refresh offered this booth (or to this applicant) at the same moment
        return False
    assert exhibitor.id is not None
    await triggers.waitlist_offer(session, offer, exhibitor.id)
    return True


async def _class_counts(session: AsyncSession, expo_id: int) -> dict[str, int]:
    """Placed applications and open offers per exhibitor class (what the class caps count)."""
    placed = (
        await session.execute(
            sa.select(col(Exhibitor.exhibitor_class), sa.func.count())
            .select_from(BoothApplication)
            .join(Exhibitor, col(Exhibitor.id) == col(BoothApplication.exhibitor_id))
            .where(col(BoothApplication.expo_id) == expo_id, col(BoothApplication.status) == ApplicationStatus.PLACED)
            .group_by(col(Exhibitor.exhibitor_class))
        )
    ).all()
    offered = (
        await session.execute(
            sa.select(col(Exhibitor.exhibitor_class), sa.func.count())
            .select_from(BoothOffer)
            .join(BoothApplication, col(BoothApplication.id) == col(BoothOffer.application_id))
            .join(Exhibitor, col(Exhibitor.id) == col(BoothApplication.exhibitor_id))
            .where(col(BoothOffer.expo_id) == expo_id, col(BoothOffer.status) == OfferStatus.OFFERED)
            .group_by(col(Exhibitor.exhibitor_class))
        )
    ).all()
    counts: dict[str, int] = {}
    for cls, n in [*placed, *offered]:
        counts[str(cls)] = counts.get(str(cls), 0) + int(n)
    return counts


# --- reading --------------------------------------------------------------------------------------
def _effective(offer: BoothOffer) -> OfferStatus:
    if offer.status == OfferStatus.OFFERED and as_utc(offer.expires_at) <= utcnow():
        return OfferStatus.LAPSED
    return OfferStatus(offer.status)


async def list_offers(
    session: AsyncSession,
    expo_id: int,
    *,
    exhibitor_id: int | None = None,
    status: OfferStatus | None = None,
) -> list[OfferRead]:
    stmt = (
        sa.select(BoothOffer, col(Booth.code), col(Exhibitor.id), col(Exhibitor.name))
        .join(Booth, col(Booth.id) == col(BoothOffer.booth_id))
        .join(BoothApplication, col(BoothApplication.id) == col(BoothOffer.application_id))
        .join(Exhibitor, col(Exhibitor.id) == col(BoothApplication.exhibitor_id))
        .where(col(BoothOffer.expo_id) == expo_id)
        .order_by(col(BoothOffer.offered_at).desc(), col(BoothOffer.id).desc())
    )
    if exhibitor_id is not None:
        stmt = stmt.where(col(Exhibitor.id) == exhibitor_id)
    out = []
    for offer, booth_code, ex_id, ex_name in (await session.execute(stmt)).all():
        effective = _effective(offer)
        if status is not None and effective != status:
            continue
        assert offer.id is not None
        out.append(
            OfferRead(
                id=offer.id,
                application_id=offer.application_id,
                exhibitor_id=ex_id,
                exhibitor_name=ex_name,
                booth_id=offer.booth_id,
                booth_code=booth_code,
                status=effective,
                offered_at=offer.offered_at,
                expires_at=offer.expires_at,
                responded_at=offer.responded_at,
                booking_id=offer.booking_id,
            )
        )
    return out


# --- answering ------------------------------------------------------------------------------------
async def _claim(session: AsyncSession, offer_id: int, to: OfferStatus, user: CurrentUser) -> BoothOffer:
    """Move an open, unexpired offer to ``to``: the first statement is the conditional write."""
    now = utcnow()
    claimed = await session.execute(
        sa.update(BoothOffer)
        .where(
            col(BoothOffer.id) == offer_id,
            col(BoothOffer.status) == OfferStatus.OFFERED,
            col(BoothOffer.expires_at) > now,
        )
        .values(status=to, responded_at=now)
    )
    offer = await session.get(BoothOffer, offer_id, populate_existing=True)
    if offer is None:
        raise NotFound("No such offer.", code="offer_not_found")
    if not user.may(offer.expo_id, Area.EXHIBITORS):
        owner = await session.scalar(
            sa.select(col(Exhibitor.user_id))
            .join(BoothApplication, col(BoothApplication.exhibitor_id) == col(Exhibitor.id))
            .where(col(BoothApplication.id) == offer.application_id)
        )
        if owner != user.id:
            raise NotFound("No such offer.", code="offer_not_found")
    if getattr(claimed, "rowcount", 0) != 1:
        status = _effective(offer)
        if status == OfferStatus.LAPSED:
            raise Conflict("The offer ran out; the booth has passed to the next applicant.", code="offer_lapsed")
        raise Conflict("This offer was %(status)s already.", code="offer_not_open", params={"status": status})
    return offer


async def accept_offer(session: AsyncSession, offer_id: int, user: CurrentUser) -> Booking:
    """The applicant takes the offered booth: a booking through the usual rules (free stands confirm at
    once, paid ones are held until the payment deadline)."""
    offer = await _claim(session, offer_id, OfferStatus.ACCEPTED, user)
    application = await session.get(BoothApplication, offer.application_id)
    assert application is not None
    exhibitor = await session.get(Exhibitor, application.exhibitor_id)
    booth = await session.get(Booth, offer.booth_id)
    assert exhibitor is not None
    assert exhibitor.id is not None
    assert booth is not None
    price = price_for(await get_package(session, booth.package_id), exhibitor.exhibitor_class)
    setting = await get_settings(session, offer.expo_id)
    booking = await assign_booth(
        session,
        offer.expo_id,
        booth.id or 0,
        exhibitor.id,
        user,
        confirm=price == 0,
        note=f"waitlist offer {offer.id}",
        hold_days=setting.payment_days,
    )
    offer.booking_id = booking.id
    application.status, application.waitlist_rank, application.updated_at = ApplicationStatus.PLACED, None, utcnow()
    await session.flush()
    return booking


async def decline_offer(session: AsyncSession, offer_id: int, user: CurrentUser) -> BoothOffer:
    """The applicant does not want this booth; it stays on the waiting list for others."""
    offer = await _claim(session, offer_id, OfferStatus.DECLINED, user)
    await session.flush()
    return offer
