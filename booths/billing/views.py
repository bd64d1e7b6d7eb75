"""Reading bills for the pages: the committee's list (filters, counts per state, pages) and one bill
with its lines and ledger; an exhibitor reads only its own bills (another's is "not found")."""

from dataclasses import dataclass, field
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from booths.billing.models import Bill, BillLine, BillStatus, Payment, PaymentProof
from booths.billing.states import BillState, bill_state, outstanding
from booths.bookings.models import Booking
from booths.exhibitors.models import Exhibitor
from booths.venue.models import Booth
from expo.accounts import CurrentUser
from expo.database import contains_pattern
from expo.errors import NotFound
from expo.formatting import utcnow
from expo.permissions import Area


@dataclass
class BillRow:
    bill: Bill
    state: BillState
    exhibitor: str
    whatsapp: str
    booth: str
    outstanding: int


@dataclass
class BillDetail(BillRow):
    lines: list[BillLine] = field(default_factory=list)
    payments: list[Payment] = field(default_factory=list)
    proofs: list[PaymentProof] = field(default_factory=list)
    reversed_ids: set[int] = field(default_factory=set)


def _state_clause(state: BillState, now: datetime) -> sa.ColumnElement[bool]:
    """``bill_state(b) == state`` as SQL (overdue is read, not stored)."""
    today = now.date()
    overdue = sa.or_(
        sa.and_(col(Bill.status) == BillStatus.UNPAID, col(Bill.due_at) <= now),
        sa.and_(col(Bill.status) == BillStatus.PARTLY_PAID, col(Bill.rest_due_on) < today),
    )
    if state == BillState.OVERDUE:
        return overdue
    return sa.and_(col(Bill.status) == state.value, sa.not_(overdue))


def _rows_query() -> sa.Select[Bill, str, str | None, str | None]:
    return (
        sa.select(Bill, col(Exhibitor.name), col(Exhibitor.whatsapp), col(Booth.code))
        .join(Exhibitor, col(Exhibitor.id) == col(Bill.exhibitor_id))
        .outerjoin(Booking, col(Booking.id) == col(Bill.booking_id))
        .outerjoin(Booth, col(Booth.id) == col(Booking.booth_id))
    )


def _row(bill: Bill, name: str, whatsapp: str | None, booth: str | None, now: datetime) -> BillRow:
    return BillRow(bill, bill_state(bill, now), name, whatsapp or "", booth or "", outstanding(bill))


def _filtered(
    expo_id: int, state: BillState | None, q: str, now: datetime
) -> sa.Select[Bill, str, str | None, str | None]:
    where = [col(Bill.expo_id) == expo_id]
    if state is not None:
        where.append(_state_clause(state, now))
    if q.strip():
        pattern = contains_pattern(q.strip())
        where.append(
            sa.or_(
                col(Bill.number).ilike(pattern, escape="\\"),
                col(Exhibitor.name).ilike(pattern, escape="\\"),
                col(Booth.code).ilike(pattern, escape="\\"),
            )
        )
    return _rows_query().where(*where)


async def count_bills(session: AsyncSession, expo_id: int, *, state: BillState | None = None, q: str = "") -> int:
    query = _filtered(expo_id, state, q, utcnow())
    return int(await session.scalar(sa.select(sa.func.count()).select_from(query.subquery())) or 0)


async def list_bills(
    session: AsyncSession,
    expo_id: int,
    *,
    state: BillState | None = None,
    q: str = "",
    offset: int = 0,
    limit: int = 50,
) -> list[BillRow]:
    """A page of the expo's bills, newest first."""
    now = utcnow()
    query = _filtered(expo_id, state, q, now).order_by(col(Bill.id).desc()).offset(offset).limit(limit)
    return [_row(b, n, w, c, now) for b, n, w, c in (await session.execute(query)).all()]


async def state_counts(session: AsyncSession, expo_id: int) -> dict[BillState, int]:
    """How many of the expo's bills read as each state: one query, a count per state."""
    now = utcnow()
    columns = [sa.func.count().filter(_state_clause(state, now)) for state in BillState]
    row = (await session.execute(sa.select(*columns).where(col(Bill.expo_id) == expo_id))).one()
    return {state: int(n or 0) for state, n in zip(BillState, row, strict=True)}


async def _detail(session: AsyncSession, bill_id: int) -> BillDetail | None:
    found = (await session.execute(_rows_query().where(col(Bill.id) == bill_id))).first()
    if found is None:
        return None
    bill, name, whatsapp, booth = found
    row = _row(bill, name, whatsapp, booth, utcnow())
    lines = await session.scalars(
        sa.select(BillLine).where(col(BillLine.bill_id) == bill_id).order_by(col(BillLine.id))
    )
    payments = list(
        (
            await session.scalars(sa.select(Payment).where(col(Payment.bill_id) == bill_id).order_by(col(Payment.id)))
        ).all()
    )
    proofs = await session.scalars(
        sa.select(PaymentProof).where(col(PaymentProof.bill_id) == bill_id).order_by(col(PaymentProof.id).desc())
    )
    return BillDetail(
        **row.__dict__,
        lines=list(lines.all()),
        payments=payments,
        proofs=list(proofs.all()),
        reversed_ids={p.reverses_id for p in payments if p.reverses_id is not None},
    )


async def bill_for_committee(session: AsyncSession, expo_id: int, bill_id: int, user: CurrentUser) -> BillDetail:
    detail = await _detail(session, bill_id)
    if detail is None or detail.bill.expo_id != expo_id or not user.may(expo_id, Area.PAYMENTS):
        raise NotFound("No such bill.", code="bill_not_found")
    return detail


async def bill_for_exhibitor(session: AsyncSession, bill_id: int, user: CurrentUser) -> BillDetail:
    """One of the user's own bills (an exhibitor's account: its exhibitor rows in any expo)."""
    detail = await _detail(session, bill_id)
    if detail is None:
        raise NotFound("No such bill.", code="bill_not_found")
    owner = await session.scalar(sa.select(col(Exhibitor.user_id)).where(col(Exhibitor.id) == detail.bill.exhibitor_id))
    if owner != user.id:
        raise NotFound("No such bill.", code="bill_not_found")
    return detail


async def bills_of_user(session: AsyncSession, user: CurrentUser) -> list[BillRow]:
    now = utcnow()
    stmt = _rows_query().where(col(Exhibitor.user_id) == user.id).order_by(col(Bill.id).desc()).limit(100)
    return [_row(b, n, w, c, now) for b, n, w, c in (await session.execute(stmt)).all()]


async def live_bills_of_bookings(session: AsyncSession, booking_ids: list[int]) -> dict[int, BillRow]:
    """The live (not void) bill of each booking, for the exhibitor's booking page."""
    if not booking_ids:
        return {}
    now = utcnow()
    stmt = _rows_query().where(col(Bill.booking_id).in_(booking_ids), col(Bill.status) != BillStatus.VOID)
    out: dict[int, BillRow] = {}
    for b, n, w, c in (await session.execute(stmt.order_by(col(Bill.id)))).all():
        assert b.booking_id is not None
        out[b.booking_id] = _row(b, n, w, c, now)
    return out
