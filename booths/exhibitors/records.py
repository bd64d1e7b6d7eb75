"""Exhibitor records for the committee: the list of an expo's exhibitors (search, filters, sort, pages),
one exhibitor's record with its history, the registration desk's edits (with an audit entry), and the
rows the exports write.

Booths knows nothing of passes (imports go tickets -> booths), yet the list shows each exhibitor's
staff passes. The passes side registers how to count and list them (``provide_passes``) when it is
imported (``tickets/__init__``), as it registers its booking listeners.
"""

import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from booths.applications.stands import ExhibitorStand, stand_of_exhibitor
from booths.bookings.holds import active_booking_clause, effective_status, live_hold_clause
from booths.bookings.models import Booking, BookingEvent, BookingStatus
from booths.exhibitors.models import Approval, Exhibitor, ExhibitorClass
from booths.exhibitors.schemas import ExhibitorUpdate
from booths.exhibitors.service import audit_subject, update_exhibitor
from booths.venue.models import Booth, BoothPackage, Expo, Hall
from booths.venue.service import get_expo
from expo.accounts import CurrentUser
from expo.audit import changed, record, snapshot
from expo.database import contains_pattern
from expo.errors import NotFound
from expo.formatting import utcnow
from expo.models import AuditEntry, User

PER_PAGE = 50
EXPORT_LIMIT = 20_000  # far more than any expo has; a bound so one export cannot eat the server
EDITABLE = (
    "name",
    "exhibitor_class",
    "nib",
    "pesantren_name",
    "regency",
    "contact_name",
    "whatsapp",
    "email",
    "cluster",
    "description",
)


class BookingState(StrEnum):
    """An exhibitor's bookings in one word: a live hold wins over a confirmation (it needs action)."""

    NONE = "none"  # never booked
    HELD = "held"
    CONFIRMED = "confirmed"
    ENDED = "ended"  # only cancelled or expired bookings


class PaymentState(StrEnum):
    NONE = "none"  # no booth held or confirmed
    DUE = "due"  # a paid stand is held: its payment is awaited
    PAID = "paid"  # its paid stands are confirmed (a confirmation of a paid stand records the payment)
    FREE = "free"  # only free stands


class ApprovalFilter(StrEnum):
    WAITING = "waiting"  # pending, and the class gets some stand cheaper: the committee must decide
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"


SORTS = (
    "action",
    "name",
    "owner",
    "nib",
    "class",
    "regency",
    "pesantren",
    "whatsapp",
    "email",
    "booth",
    "booking",
    "payment",
    "passes",
    "approval",
    "created",
)


# --- staff passes, told by the passes side -----------------------------------------------------------
@dataclass(frozen=True)
class PassLine:
    """One pass of an exhibitor as its record shows it."""

    code: str
    holder_name: str
    kind_name: str
    active: bool
    issued_at: datetime


StaffPassCount = Callable[[Any], sa.ColumnElement[int]]
"""Given the exhibitor id column, a correlated count of the exhibitor's active staff passes."""
PassLister = Callable[[AsyncSession, int], Awaitable[list[PassLine]]]
"""Every pass of one exhibitor, newest first."""


@dataclass
class _PassProvider:
    count: StaffPassCount | None = None
    lister: PassLister | None = None


_passes = _PassProvider()


def provide_passes(count: StaffPassCount, lister: PassLister) -> None:
    """The passes side tells how many staff passes an exhibitor has and which (registering again: replaced)."""
    _passes.count, _passes.lister = count, lister


# --- the list ---------------------------------------------------------------------------------------
@dataclass(frozen=True)
class RecordQuery:
    """What the list shows: a search, filters, and the order. Unknown values read as "no filter"."""

    q: str = ""
    booking: str = ""
    approval: str = ""
    exhibitor_class: str = ""
    regency: str = ""
    sort: str = "action"
    descending: bool = False

    @classmethod
    def of(cls, **values: str) -> "RecordQuery":
        def pick(value: str, allowed: tuple[str, ...] | list[str]) -> str:
            return value if value in allowed else ""

        text = "".join(c for c in values.get("q", "")[:100] if c.isprintable()).strip()
        sort = values.get("sort", "")
        return cls(
            q=text,
            booking=pick(values.get("booking", ""), [s.value for s in BookingState]),
            approval=pick(values.get("approval", ""), [s.value for s in ApprovalFilter]),
            exhibitor_class=pick(values.get("exhibitor_class", ""), [c.value for c in ExhibitorClass]),
            regency="".join(c for c in values.get("regency", "")[:80] if c.isprintable()),
            sort=sort if sort in SORTS else "action",
            descending=values.get("dir", "") == "desc",
        )

    def params(self, **override: Any) -> dict[str, str]:
        """The query as URL parameters (only what is set), with ``override`` applied."""
        values: dict[str, Any] = {
            "q": self.q,
            "booking": self.booking,
            "approval": self.approval,
            "exhibitor_class": self.exhibitor_class,
            "regency": self.regency,
            "sort": "" if self.sort == "action" else self.sort,
            "dir": "desc" if self.descending else "",
        } | override
        return {k: str(v) for k, v in values.items() if v not in ("", None)}


@dataclass
class RecordRow:
    exhibitor: Exhibitor
    booking: BookingState
    payment: PaymentState
    paid_amount: int
    staff_passes: int | None  # None: passes are not part of this app
    awaiting_approval: bool
    live_holds: int
    booths: list[str] = field(default_factory=list)

    @property
    def needs_action(self) -> bool:
        return self.awaiting_approval or self.live_holds > 0


@dataclass
class RecordPage:
    rows: list[RecordRow]
    total: int  # matching the query
    page: int
    pages: int
    per_page: int
    everyone: int  # the expo's exhibitors, whatever the query

    @property
    def first(self) -> int:
        return (self.page - 1) * self.per_page + 1 if self.rows else 0

    @property
    def last(self) -> int:
        return self.first + len(self.rows) - 1 if self.rows else 0


def _bookings_count(*where: sa.ColumnElement[bool]) -> sa.ScalarSelect[int]:
    return (
        sa.select(sa.func.count())
        .select_from(Booking)
        .where(col(Booking.exhibitor_id) == col(Exhibitor.id), *where)
        .correlate(Exhibitor)
        .scalar_subquery()
    )


async def _reduced_classes(session: AsyncSession, expo_id: int) -> list[str]:
    """The classes that get some stand of the expo below its regular price (their approval matters)."""
    packages = (await session.scalars(sa.select(BoothPackage).where(col(BoothPackage.expo_id) == expo_id))).all()
    return sorted({str(cls) for p in packages for cls, price in p.class_prices.items() if int(price) < p.price})


def _search(q: str) -> sa.ColumnElement[bool]:
    like = contains_pattern(q.lower())
    conditions: list[sa.ColumnElement[bool]] = [
        sa.func.lower(col(Exhibitor.name)).like(like, escape="\\"),
        sa.func.lower(col(Exhibitor.contact_name)).like(like, escape="\\"),
        sa.func.lower(sa.func.coalesce(col(Exhibitor.pesantren_name), "")).like(like, escape="\\"),
        sa.func.lower(col(Exhibitor.email)).like(like, escape="\\"),
        col(Exhibitor.nib).like(contains_pattern(q.replace(" ", "")), escape="\\"),
    ]
    digits = re.sub(r"\D", "", q)
    if len(digits) >= 4 and re.fullmatch(r"[\d\s+().-]+", q):
        # WhatsApp numbers are stored as +62812...; people type 0812-..., 62812... or 812...
        national = digits[1:] if digits.startswith("0") else digits.removeprefix("62")
        conditions.append(col(Exhibitor.whatsapp).like(contains_pattern(national), escape="\\"))
    return sa.or_(*conditions)


async def _columns(session: AsyncSession, expo_id: int) -> dict[str, Any]:
    now = utcnow()
    held = _bookings_count(live_hold_clause(now))
    confirmed = _bookings_count(col(Booking.status) == BookingStatus.CONFIRMED)
    ever = _bookings_count()
    due = _bookings_count(live_hold_clause(now), col(Booking.price) > 0)
    paid = _bookings_count(col(Booking.status) == BookingStatus.CONFIRMED, col(Booking.price) > 0)
    paid_amount = (
        sa.select(sa.func.coalesce(sa.func.sum(col(Booking.payment_amount)), 0))
        .where(col(Booking.exhibitor_id) == col(Exhibitor.id), col(Booking.status) == BookingStatus.CONFIRMED)
        .correlate(Exhibitor)
        .scalar_subquery()
    )
    first_booth = (
        sa.select(sa.func.min(col(Booth.code)))
        .join(Booking, col(Booking.booth_id) == col(Booth.id))
        .where(col(Booking.exhibitor_id) == col(Exhibitor.id), active_booking_clause(now))
        .correlate(Exhibitor)
        .scalar_subquery()
    )
    reduced = await _reduced_classes(session, expo_id)
    awaiting: sa.ColumnElement[bool] = (
        sa.and_(col(Exhibitor.approval) == Approval.PENDING, col(Exhibitor.exhibitor_class).in_(reduced))
        if reduced
        else sa.false()
    )
    passes: sa.ColumnElement[int] = (
        _passes.count(col(Exhibitor.id)) if _passes.count is not None else sa.literal(0, sa.Integer)
    )
    booking = sa.case(
        (held > 0, BookingState.HELD.value),
        (confirmed > 0, BookingState.CONFIRMED.value),
        (ever > 0, BookingState.ENDED.value),
        else_=BookingState.NONE.value,
    )
    payment = sa.case(
        (due > 0, PaymentState.DUE.value),
        (paid > 0, PaymentState.PAID.value),
        (held + confirmed > 0, PaymentState.FREE.value),
        else_=PaymentState.NONE.value,
    )
    return {
        "held": held,
        "booking": booking,
        "payment": payment,
        "paid_amount": paid_amount,
        "first_booth": first_booth,
        "awaiting": sa.case((awaiting, 1), else_=0),
        "passes": passes,
        "action": sa.case((sa.or_(awaiting, held > 0), 0), else_=1),
    }


def _order(sort: str, descending: bool, columns: dict[str, Any]) -> list[Any]:
    keys: dict[str, Any] = {
        "name": sa.func.lower(col(Exhibitor.name)),
        "owner": sa.func.lower(col(Exhibitor.contact_name)),
        "nib": col(Exhibitor.nib),
        "class": col(Exhibitor.exhibitor_class),
        "regency": sa.func.lower(col(Exhibitor.regency)),
        "pesantren": sa.func.lower(sa.func.coalesce(col(Exhibitor.pesantren_name), "")),
        "whatsapp": col(Exhibitor.whatsapp),
        "email": sa.func.lower(col(Exhibitor.email)),
        "booth": sa.func.coalesce(columns["first_booth"], ""),
        "booking": columns["booking"],
        "payment": columns["payment"],
        "passes": columns["passes"],
        "approval": col(Exhibitor.approval),
        "created": col(Exhibitor.created_at),
        "action": columns["action"],
    }
    key = keys[sort]
    first = key.desc() if descending else key.asc()
    return [first, sa.func.lower(col(Exhibitor.name)), col(Exhibitor.id)]


def _where(expo_id: int, query: RecordQuery, columns: dict[str, Any]) -> list[sa.ColumnElement[bool]]:
    where: list[sa.ColumnElement[bool]] = [col(Exhibitor.expo_id) == expo_id]
    if query.q:
        where.append(_search(query.q))
    if query.booking:
        where.append(columns["booking"] == query.booking)
    if query.approval == ApprovalFilter.WAITING:
        where.append(columns["awaiting"] == 1)
    elif query.approval:
        where.append(col(Exhibitor.approval) == query.approval)
    if query.exhibitor_class:
        where.append(col(Exhibitor.exhibitor_class) == query.exhibitor_class)
    if query.regency:
        where.append(sa.func.lower(col(Exhibitor.regency)) == query.regency.lower())
    return where


async def _rows(
    session: AsyncSession, expo_id: int, query: RecordQuery, *, offset: int, limit: int
) -> tuple[list[RecordRow], int]:
    columns = await _columns(session, expo_id)
    where = _where(expo_id, query, columns)
    total = await session.scalar(sa.select(sa.func.count()).select_from(Exhibitor).where(*where)) or 0
    stmt = (
        sa.select(
            Exhibitor,
            columns["booking"],
            columns["payment"],
            columns["paid_amount"],
            columns["passes"],
            columns["awaiting"],
            columns["held"],
        )
        .where(*where)
        .order_by(*_order(query.sort, query.descending, columns))
        .offset(offset)
        .limit(limit)
    )
    rows = [
        RecordRow(
            exhibitor=exhibitor,
            booking=BookingState(booking),
            payment=PaymentState(payment),
            paid_amount=int(paid_amount or 0),
            staff_passes=int(passes or 0) if _passes.count is not None else None,
            awaiting_approval=bool(awaiting),
            live_holds=int(held or 0),
        )
        for exhibitor, booking, payment, paid_amount, passes, awaiting, held in (await session.execute(stmt)).all()
    ]
    await _add_booths(session, rows)
    return rows, total


async def _add_booths(session: AsyncSession, rows: list[RecordRow]) -> None:
    """Each row's booths held or confirmed now, in code order."""
    by_id = {row.exhibitor.id: row for row in rows}
    if not by_id:
        return
    stmt = (
        sa.select(col(Booking.exhibitor_id), col(Booth.code))
        .join(Booth, col(Booth.id) == col(Booking.booth_id))
        .where(col(Booking.exhibitor_id).in_(sorted(i for i in by_id if i is not None)), active_booking_clause())
        .order_by(col(Booth.code))
    )
    for exhibitor_id, code in (await session.execute(stmt)).all():
        by_id[exhibitor_id].booths.append(code)


async def list_records(session: AsyncSession, expo_id: int, query: RecordQuery, page: int = 1) -> RecordPage:
    """One page of the expo's exhibitors matching ``query`` (a page past the end shows the last)."""
    await get_expo(session, expo_id)
    everyone = (
        await session.scalar(sa.select(sa.func.count()).select_from(Exhibitor).where(col(Exhibitor.expo_id) == expo_id))
        or 0
    )
    page = max(page, 1)
    rows, total = await _rows(session, expo_id, query, offset=(page - 1) * PER_PAGE, limit=PER_PAGE)
    pages = max((total + PER_PAGE - 1) // PER_PAGE, 1)
    if page > pages:
        page = pages
        rows, total = await _rows(session, expo_id, query, offset=(page - 1) * PER_PAGE, limit=PER_PAGE)
    return RecordPage(rows=rows, total=total, page=page, pages=pages, per_page=PER_PAGE, everyone=everyone)


async def export_records(session: AsyncSession, expo_id: int, query: RecordQuery) -> list[RecordRow]:
    """Every exhibitor matching ``query``, in its order (what the exports write)."""
    await get_expo(session, expo_id)
    rows, _total = await _rows(session, expo_id, query, offset=0, limit=EXPORT_LIMIT)
    return rows


async def regencies(session: AsyncSession, expo_id: int) -> list[str]:
    """The regencies and cities the expo's exhibitors come from (the filter's choices)."""
    stmt = sa.select(col(Exhibitor.regency)).where(col(Exhibitor.expo_id) == expo_id).distinct()
    found = {str(r).strip() for r in (await session.scalars(stmt)).all()}
    return sorted({r for r in found if r}, key=str.lower)


# --- one exhibitor ----------------------------------------------------------------------------------
@dataclass
class BookingLine:
    at: datetime
    action: str
    actor: str | None
    from_status: str | None
    to_status: str | None
    from_booth: str | None
    to_booth: str | None
    note: str | None


@dataclass
class BookingHistory:
    booking: Booking
    status: BookingStatus  # as a reader sees it (a lapsed hold is expired)
    booth_code: str
    hall_code: str
    events: list[BookingLine]


@dataclass
class OtherExpo:
    expo_name: str
    expo_slug: str
    exhibitor_id: int


@dataclass
class ExhibitorRecord:
    exhibitor: Exhibitor
    expo: Expo
    account_email: str | None
    decided_by: str | None
    awaiting_approval: bool
    bookings: list[BookingHistory]
    passes: list[PassLine] | None  # None: passes are not part of this app
    audit: list[AuditEntry]
    other_expos: list[OtherExpo]
    stand: ExhibitorStand | None = None  # the active stand it is on, shared or not, as main or co-exhibitor


async def exhibitor_of_expo(session: AsyncSession, expo_id: int, exhibitor_id: int) -> Exhibitor:
    exhibitor = await session.get(Exhibitor, exhibitor_id)
    if exhibitor is None or exhibitor.expo_id != expo_id:
        raise NotFound("No such exhibitor.", code="exhibitor_not_found")
    return exhibitor


async def _user_names(session: AsyncSession, ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    rows = await session.execute(
        sa.select(col(User.id), col(User.name), col(User.email)).where(col(User.id).in_(sorted(ids)))
    )
    return {user_id: name or email for user_id, name, email in rows.all() if user_id is not None}


async def _booking_histories(session: AsyncSession, exhibitor_id: int) -> list[BookingHistory]:
    rows = (
        await session.execute(
            sa.select(Booking, col(Booth.code), col(Hall.code))
            .join(Booth, col(Booth.id) == col(Booking.booth_id))
            .join(Hall, col(Hall.id) == col(Booth.hall_id))
            .where(col(Booking.exhibitor_id) == exhibitor_id)
            .order_by(col(Booking.held_at).desc(), col(Booking.id).desc())
        )
    ).all()
    ids = [booking.id for booking, _code, _hall in rows]
    events = (
        (
            await session.scalars(
                sa.select(BookingEvent)
                .where(col(BookingEvent.booking_id).in_(ids))
                .order_by(col(BookingEvent.at), col(BookingEvent.id))
            )
        ).all()
        if ids
        else []
    )
    booth_ids = {b for e in events for b in (e.from_booth_id, e.to_booth_id) if b is not None}
    codes = (
        dict(
            (await session.execute(sa.select(col(Booth.id), col(Booth.code)).where(col(Booth.id).in_(booth_ids)))).all()
        )
        if booth_ids
        else {}
    )
    names = await _user_names(session, {e.actor_user_id for e in events if e.actor_user_id is not None})
    histories = [
        BookingHistory(booking=b, status=effective_status(b), booth_code=code, hall_code=hall, events=[])
        for b, code, hall in rows
    ]
    by_id = {h.booking.id: h for h in histories}
    for event in events:
        by_id[event.booking_id].events.append(
            BookingLine(
                at=event.at,
                action=str(event.action),
                actor=names.get(event.actor_user_id) if event.actor_user_id is not None else None,
                from_status=event.from_status,
                to_status=event.to_status,
                from_booth=codes.get(event.from_booth_id) if event.from_booth_id is not None else None,
                to_booth=codes.get(event.to_booth_id) if event.to_booth_id is not None else None,
                note=event.note,
            )
        )
    return histories


async def exhibitor_record(session: AsyncSession, expo_id: int, exhibitor_id: int) -> ExhibitorRecord:
    """Everything about one exhibitor of the expo: the record, bookings with their history, passes,
    the approval decision, the audit entries about it, and its records in other expos (same account)."""
    expo = await get_expo(session, expo_id)
    exhibitor = await exhibitor_of_expo(session, expo_id, exhibitor_id)
    decider = exhibitor.approval_decided_by
    names = await _user_names(session, {decider} if decider else set())
    account_email = (
        await session.scalar(sa.select(col(User.email)).where(col(User.id) == exhibitor.user_id))
        if exhibitor.user_id is not None
        else None
    )
    audit = (
        await session.scalars(
            sa.select(AuditEntry)
            .where(
                col(AuditEntry.expo_id) == expo_id,
                col(AuditEntry.action).startswith("exhibitor."),
                col(AuditEntry.subject).startswith(f"#{exhibitor.id} ", autoescape=True),
            )
            .order_by(col(AuditEntry.at).desc(), col(AuditEntry.id).desc())
            .limit(200)
        )
    ).all()
    others: list[OtherExpo] = []
    if exhibitor.user_id is not None:
        rows = await session.execute(
            sa.select(col(Expo.name), col(Expo.slug), col(Exhibitor.id))
            .join(Expo, col(Expo.id) == col(Exhibitor.expo_id))
            .where(col(Exhibitor.user_id) == exhibitor.user_id, col(Exhibitor.id) != exhibitor.id)
            .order_by(col(Exhibitor.created_at).desc())
        )
        others = [OtherExpo(name, slug, other_id) for name, slug, other_id in rows.all() if other_id is not None]
    reduced = await _reduced_classes(session, expo_id)
    return ExhibitorRecord(
        exhibitor=exhibitor,
        expo=expo,
        account_email=account_email,
        decided_by=names.get(decider) if decider else None,
        awaiting_approval=exhibitor.approval == Approval.PENDING and str(exhibitor.exhibitor_class) in reduced,
        bookings=await _booking_histories(session, exhibitor_id),
        passes=await _passes.lister(session, exhibitor_id) if _passes.lister is not None else None,
        audit=list(audit),
        other_expos=others,
        stand=await stand_of_exhibitor(session, exhibitor_id),
    )


async def edit_record(
    session: AsyncSession, expo_id: int, exhibitor_id: int, data: ExhibitorUpdate, user: CurrentUser
) -> Exhibitor:
    """The registration desk corrects an exhibitor's record (the rules of ``update_exhibitor``), and
    the change is written to the audit log in the same transaction."""
    exhibitor = await exhibitor_of_expo(session, expo_id, exhibitor_id)
    before = snapshot(exhibitor, EDITABLE)
    exhibitor = await update_exhibitor(session, exhibitor_id, data, user)
    old, new = changed(before, snapshot(exhibitor, EDITABLE))
    if new:
        await record(session, user, expo_id, "exhibitor.updated", audit_subject(exhibitor), before=old, after=new)
    return exhibitor
