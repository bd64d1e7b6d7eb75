"""The organiser's approval of an exhibitor's class, which is what makes a stand free or cheaper.

Anyone can sign up as "pesantren" or "koperasi"; the class sets the stand's price (``class_prices``).
So a stand below the package's regular price is only granted on an organiser's word:

- pending (a new self sign-up): the exhibitor may hold at the class price, but the hold stays a
  hold (it expires like any other) even where free stands confirm themselves;
- approved: a free stand confirms at once (``Expo.free_self_confirm``), and approving confirms the
  exhibitor's free holds that are still live;
- rejected: the class price is not given; stands cost the regular price (live holds are repriced).

The committee may say that a class needs no approval (``booths.pricing``): its pending exhibitors then
get the class price as if approved; a rejection still takes it away.

Exhibitors the organiser typed in are approved when created; those registered before this rule were
marked approved by migration 0007.
"""

from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from booths.bookings.holds import live_hold_clause
from booths.bookings.models import Booking, BookingAction, BookingEvent, BookingStatus
from booths.exhibitors.models import Approval, Exhibitor
from booths.exhibitors.service import audit_subject, lock_exhibitor
from booths.pricing.service import classes_without_approval
from booths.venue.models import Booth, BoothPackage, Expo
from booths.venue.service import get_expo, price_for
from expo.accounts import CurrentUser
from expo.audit import changed, record, snapshot
from expo.formatting import utcnow


class Decision(StrEnum):
    APPROVED = "approved"
    REJECTED = "rejected"


def regular_price(package: BoothPackage) -> int:
    return int(package.price)


def stand_price(package: BoothPackage, exhibitor: Exhibitor) -> int:
    """What this exhibitor pays for a stand of ``package``: the class price unless it was rejected."""
    if exhibitor.approval == Approval.REJECTED:
        return regular_price(package)
    return price_for(package, exhibitor.exhibitor_class)


def priced_class(exhibitor: Exhibitor | None) -> str | None:
    """The class whose prices this exhibitor sees (the booth picker): none once its class was rejected."""
    if exhibitor is None or exhibitor.approval == Approval.REJECTED:
        return None
    return str(exhibitor.exhibitor_class)


def confirms_itself(package: BoothPackage, exhibitor: Exhibitor, expo: Expo, needs_approval: bool = True) -> bool:
    """Whether a hold of this stand confirms at once: free, the expo allows it, and a free-by-class
    stand only for an approved exhibitor (or one whose class needs no approval)."""
    price = stand_price(package, exhibitor)
    if price != 0 or not expo.free_self_confirm:
        return False
    return price == regular_price(package) or exhibitor.approval == Approval.APPROVED or not needs_approval


def awaits_approval(package: BoothPackage, exhibitor: Exhibitor, needs_approval: bool = True) -> bool:
    """Whether a stand of ``package`` is cheaper for this exhibitor only on its word, not yet approved."""
    return (
        needs_approval
        and exhibitor.approval == Approval.PENDING
        and stand_price(package, exhibitor) < regular_price(package)
    )


async def decide(
    session: AsyncSession,
    exhibitor_id: int,
    decision: Decision,
    actor: CurrentUser,
    note: str = "",
    *,
    audit_action: str | None = None,
) -> Exhibitor:
    """Approve or reject an exhibitor's class (again, if the organiser changes their mind).
    ``audit_action`` names the change log's entry when the decision is not an organiser's own (the
    desk's approval of the class's documents: ``exhibitor.approved_by_documents``)."""
    exhibitor = await lock_exhibitor(session, exhibitor_id)  # serialised with its booking changes
    now = utcnow()
    before = snapshot(exhibitor, ("approval", "approval_note"))
    exhibitor.approval = Approval(decision.value)
    exhibitor.approval_decided_at, exhibitor.approval_decided_by = now, actor.id
    exhibitor.approval_note = note.strip()[:300] or None
    expo = await get_expo(session, exhibitor.expo_id)
    rows = (
        await session.execute(
            sa.select(Booking, BoothPackage)
            .join(Booth, col(Booth.id) == col(Booking.booth_id))
            .join(BoothPackage, col(BoothPackage.id) == col(Booth.package_id))
            .where(
                col(Booking.exhibitor_id) == exhibitor_id,
                live_hold_clause(now),
            )
        )
    ).all()
    for booking, package in rows:
        assert booking.id is not None
        if decision == Decision.REJECTED and booking.price != stand_price(package, exhibitor):
            booking.price, booking.updated_at = stand_price(package, exhibitor), now
            note_text = f"class rejected: {booking.price}"
            session.add(
                BookingEvent(
                    booking_id=booking.id, actor_user_id=actor.id, action=BookingAction.REPRICE, note=note_text
                )
            )
        elif decision == Decision.APPROVED and confirms_itself(package, exhibitor, expo):
            booking.status, booking.confirmed_at, booking.hold_expires_at = BookingStatus.CONFIRMED, now, None
            booking.updated_at = now
            session.add(
                BookingEvent(
                    booking_id=booking.id,
                    actor_user_id=actor.id,
                    action=BookingAction.APPROVE_CONFIRM_FREE,
                    from_status=BookingStatus.HELD,
                    to_status=BookingStatus.CONFIRMED,
                    to_booth_id=booking.booth_id,
                )
            )
    old, new = changed(before, snapshot(exhibitor, ("approval", "approval_note")))
    await record(
        session,
        actor,
        exhibitor.expo_id,
        audit_action or f"exhibitor.{decision.value}",
        audit_subject(exhibitor),
        before=old,
        after=new,
    )
    return exhibitor


async def awaiting_approval(session: AsyncSession, expo_id: int) -> list[Exhibitor]:
    """Pending exhibitors whose class gets some stand of the expo below its regular price."""
    await get_expo(session, expo_id)
    packages = (await session.scalars(sa.select(BoothPackage).where(col(BoothPackage.expo_id) == expo_id))).all()
    trusted = await classes_without_approval(session, expo_id)
    reduced = {str(cls) for p in packages for cls, price in p.class_prices.items() if int(price) < p.price} - trusted
    if not reduced:
        return []
    stmt = (
        sa.select(Exhibitor)
        .where(
            col(Exhibitor.expo_id) == expo_id,
            col(Exhibitor.approval) == Approval.PENDING,
            col(Exhibitor.exhibitor_class).in_(sorted(reduced)),
        )
        .order_by(col(Exhibitor.created_at), col(Exhibitor.id))
    )
    return list((await session.scalars(stmt)).all())
