"""Who gets which pass: staff passes for confirmed bookings within their quota, and the organiser's
passes of any kind.

Staff passes take a numbered slot of their booking's quota; a partial unique index keeps two active
passes off one slot, so the quota holds under any concurrency (the loser of a race gets 409).

A shared stand (``booths.applications.stands``) splits its booking's quota: each co-exhibitor names up to
its ``staff_quota_share`` on the same booking's slots, and the main exhibitor what the shares leave. The
slots still bound the stand's total; each member's share is counted under a lock on the booking row, so
two members (or two phones of one) cannot both take the last pass of a share.
"""

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from booths.applications.models import BookingCoExhibitor
from booths.billing.addons import extra_staff_passes
from booths.bookings.models import Booking, BookingStatus
from booths.exhibitors.service import get_exhibitor
from booths.venue.lifecycle import expo_today
from booths.venue.models import Booth, BoothPackage
from booths.venue.service import expo_days, get_expo
from expo.accounts import CurrentUser
from expo.errors import Conflict, FieldProblem, InvalidInput, NotFound
from expo.formatting import utcnow
from expo.permissions import Area
from tickets.notifications.triggers import passes_ready
from tickets.passes.kinds import allowed_days, check_days, ensure_kinds, kind_by_code
from tickets.passes.models import ExpoPass, PassStatus, StaffQuota
from tickets.passes.schemas import PassCreate, StaffPassCreate, StaffQuotaRead
from tickets.passes.service import issue


async def create_pass(session: AsyncSession, expo_id: int, data: PassCreate, actor: CurrentUser) -> ExpoPass:
    """An organiser issues a pass of any kind; a staff pass goes through the exhibitor's quota."""
    expo = await get_expo(session, expo_id)
    kind = await kind_by_code(session, expo_id, data.kind)
    if kind.staff:
        if data.exhibitor_id is None:
            raise InvalidInput(fields=[FieldProblem("exhibitor_id", "Choose the exhibitor this staff pass is for.")])
        staff = StaffPassCreate(holder_name=data.holder_name, phone=data.phone, booking_id=data.booking_id)
        return await create_staff_pass(session, data.exhibitor_id, staff, actor, expo_id=expo_id)
    allowed = allowed_days(kind, await expo_days(session, expo_id))
    days = check_days(data.days, allowed, expo_today(expo))
    return await issue(
        session,
        expo_id,
        kind,
        holder_name=data.holder_name,
        days=days,
        actor=actor,
        phone=data.phone,
        email=data.email,
        organisation=data.organisation,
    )


async def _confirmed_bookings(session: AsyncSession, exhibitor_id: int) -> list[tuple[Booking, str, int, int | None]]:
    """The exhibitor's confirmed bookings with booth code, package quota (with the staff passes bought
    as add-ons, which booths counts) and any organiser quota (which stays the organiser's last word)."""
    rows = (
        await session.execute(
            sa.select(Booking, col(Booth.code), col(BoothPackage.staff_quota), col(StaffQuota.quota))
            .join(Booth, col(Booth.id) == col(Booking.booth_id))
            .join(BoothPackage, col(BoothPackage.id) == col(Booth.package_id))
            .outerjoin(StaffQuota, col(StaffQuota.booking_id) == col(Booking.id))
            .where(col(Booking.exhibitor_id) == exhibitor_id, col(Booking.status) == BookingStatus.CONFIRMED)
            .order_by(col(Booking.confirmed_at), col(Booking.id))
        )
    ).all()
    extra = await extra_staff_passes(session, [row[0].id for row in rows if row[0].id is not None])
    return [(row[0], row[1], row[2] + extra.get(row[0].id or 0, 0), row[3]) for row in rows]


async def _used_slots(session: AsyncSession, booking_id: int) -> set[int]:
    slots = await session.scalars(
        sa.select(col(ExpoPass.slot)).where(
            col(ExpoPass.booking_id) == booking_id, col(ExpoPass.status) == PassStatus.ACTIVE
        )
    )
    return {s for s in slots if s is not None}


@dataclass(frozen=True)
class _Stand:
    """A confirmed stand the exhibitor may name staff for, as main exhibitor or co-exhibitor."""

    booking: Booking
    booth_code: str
    package_quota: int  # the package's quota with the staff passes bought as add-ons
    quota: int  # the whole stand's: the organiser's quota, else package_quota
    share: int | None  # this exhibitor's part of ``quota`` on a shared stand; None: all of it

    @property
    def booking_id(self) -> int:
        assert self.booking.id is not None
        return self.booking.id

    @property
    def own_quota(self) -> int:
        return self.quota if self.share is None else self.share


async def _stands(session: AsyncSession, exhibitor_id: int) -> list[_Stand]:
    """The exhibitor's own confirmed bookings, then the confirmed shared stands it is a co-exhibitor of."""
    out: list[_Stand] = []
    mains = await _confirmed_bookings(session, exhibitor_id)
    given = await _shares_given(session, [b[0].id for b in mains if b[0].id is not None])
    for booking, code, package_quota, override in mains:
        quota = package_quota if override is None else override
        shares = given.get(booking.id or 0)
        out.append(_Stand(booking, code, package_quota, quota, None if shares is None else max(0, quota - shares)))
    rows = (
        await session.execute(
            sa.select(
                Booking,
                col(Booth.code),
                col(BoothPackage.staff_quota),
                col(StaffQuota.quota),
                col(BookingCoExhibitor.staff_quota_share),
            )
            .join(BookingCoExhibitor, col(BookingCoExhibitor.booking_id) == col(Booking.id))
            .join(Booth, col(Booth.id) == col(Booking.booth_id))
            .join(BoothPackage, col(BoothPackage.id) == col(Booth.package_id))
            .outerjoin(StaffQuota, col(StaffQuota.booking_id) == col(Booking.id))
            .where(col(BookingCoExhibitor.exhibitor_id) == exhibitor_id, col(Booking.status) == BookingStatus.CONFIRMED)
            .order_by(col(Booking.confirmed_at), col(Booking.id))
        )
    ).all()
    extra = await extra_staff_passes(session, [row[0].id for row in rows if row[0].id is not None])
    for booking, code, package, override, share in rows:
        package_quota = package + extra.get(booking.id or 0, 0)
        quota = package_quota if override is None else override
        out.append(_Stand(booking, code, package_quota, quota, min(share, quota)))
    return out


async def _shares_given(session: AsyncSession, booking_ids: list[int]) -> dict[int, int]:
    """The staff passes each booking's main exhibitor gave its co-exhibitors (only shared stands appear)."""
    if not booking_ids:
        return {}
    rows = await session.execute(
        sa.select(col(BookingCoExhibitor.booking_id), sa.func.sum(col(BookingCoExhibitor.staff_quota_share)))
        .where(col(BookingCoExhibitor.booking_id).in_(booking_ids))
        .group_by(col(BookingCoExhibitor.booking_id))
    )
    return {int(b): int(n or 0) for b, n in rows.all()}


async def _own_active(session: AsyncSession, booking_id: int, exhibitor_id: int) -> int:
    count = await session.scalar(
        sa.select(sa.func.count())
        .select_from(ExpoPass)
        .where(
            col(ExpoPass.booking_id) == booking_id,
            col(ExpoPass.exhibitor_id) == exhibitor_id,
            col(ExpoPass.status) == PassStatus.ACTIVE,
        )
    )
    return int(count or 0)


async def staff_quotas(session: AsyncSession, exhibitor_id: int) -> list[StaffQuotaRead]:
    """Per stand: the passes this exhibitor may name (its share on a shared stand) and how many it has."""
    out = []
    for stand in await _stands(session, exhibitor_id):
        used = (
            len(await _used_slots(session, stand.booking_id))
            if stand.share is None
            else await _own_active(session, stand.booking_id, exhibitor_id)
        )
        out.append(
            StaffQuotaRead(
                booking_id=stand.booking_id,
                booth_code=stand.booth_code,
                package_quota=stand.package_quota,
                quota=stand.own_quota,
                used=used,
                stand_quota=None if stand.share is None else stand.quota,
            )
        )
    return out


async def create_staff_pass(
    session: AsyncSession,
    exhibitor_id: int,
    data: StaffPassCreate,
    actor: CurrentUser,
    expo_id: int | None = None,
) -> ExpoPass:
    """A staff pass for a confirmed booking of the exhibitor, in its lowest free slot of the quota."""
    exhibitor = await get_exhibitor(session, exhibitor_id, actor)
    if expo_id is not None and exhibitor.expo_id != expo_id:
        raise NotFound("No such exhibitor.", code="exhibitor_not_found")
    stands = await _stands(session, exhibitor_id)
    if data.booking_id is not None:
        stands = [s for s in stands if s.booking_id == data.booking_id]
    if not stands:
        raise Conflict(
            "Staff passes are issued for a confirmed booking only.",
            code="booking_not_confirmed",
            fields=[FieldProblem("booking_id", "Staff passes are issued for a confirmed booking only.")],
        )
    for stand in stands:
        if stand.share is not None:
            # A shared stand: members count their own passes, so they queue on the booking row first (a
            # write that changes nothing: the row lock on PostgreSQL, the write lock on SQLite).
            await session.execute(
                sa.update(Booking).where(col(Booking.id) == stand.booking_id).values(updated_at=col(Booking.updated_at))
            )
            if await _own_active(session, stand.booking_id, exhibitor_id) >= stand.share:
                continue
        used = await _used_slots(session, stand.booking_id)
        free = next((s for s in range(1, stand.quota + 1) if s not in used), None)
        if free is None:
            continue
        kind = next(k for k in await ensure_kinds(session, exhibitor.expo_id) if k.staff)
        allowed = allowed_days(kind, await expo_days(session, exhibitor.expo_id))
        today = expo_today(await get_expo(session, exhibitor.expo_id))
        pass_ = await issue(
            session,
            exhibitor.expo_id,
            kind,
            holder_name=data.holder_name,
            days=check_days(None, allowed, today),
            actor=actor,
            phone=data.phone,
            organisation=exhibitor.name,
            exhibitor_id=exhibitor_id,
            booking_id=stand.booking_id,
            slot=free,
        )
        if actor.may(exhibitor.expo_id, Area.PASSES):  # an exhibitor making its own passes is looking at them already
            await passes_ready(session, pass_)
        return pass_
    quota_total = sum(s.own_quota for s in stands)
    raise Conflict(
        "All %(quota)s staff passes of this booking are issued; revoke one or ask the organiser for more.",
        code="staff_quota_reached",
        params={"quota": quota_total},
    )


async def set_staff_quota(session: AsyncSession, booking_id: int, quota: int, actor: CurrentUser) -> StaffQuotaRead:
    """The organiser's own quota for a booking; below the passes already active is refused."""
    booking = await session.get(Booking, booking_id)
    if booking is None:
        raise NotFound("No such booking.", code="booking_not_found")
    used = await _used_slots(session, booking_id)
    if used and quota < max(used):
        raise Conflict(
            "%(used)s staff passes are active on this booking; revoke some first.",
            code="quota_below_issued",
            params={"used": len(used)},
        )
    row = await session.get(StaffQuota, booking_id)
    if row is None:
        row = StaffQuota(booking_id=booking_id, quota=quota)
        session.add(row)
    row.quota, row.updated_by_user_id, row.updated_at = quota, actor.id, utcnow()
    await session.flush()
    for item in await staff_quotas(session, booking.exhibitor_id):
        if item.booking_id == booking_id:
            return item
    raise Conflict("Staff quotas apply to confirmed bookings only.", code="booking_not_confirmed")
