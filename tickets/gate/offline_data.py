"""What a scanner keeps for deciding alone: its gate, the expo's days and hours, the pass kinds, and
the pass list fetched incrementally by change cursor (docs/gate.md, "Offline data")."""

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from booths.bookings.models import Booking
from booths.venue.service import expo_days, get_expo
from expo.errors import FieldProblem, InvalidInput
from expo.formatting import as_utc, utcnow
from tickets.gate.devices import gate_read, get_gate
from tickets.gate.models import GateDevice, KindEntryRule, Reentry
from tickets.gate.scan_facts import default_reentry  # the server's own default, so both sides agree
from tickets.gate.schemas import GateContext, OfflineDay, OfflineKind, OfflinePass, OfflinePassList
from tickets.passes.kinds import ensure_kinds
from tickets.passes.models import ExpoPass, PassKind
from tickets.passes.validity import pass_is_valid

PAGE = 5000
# A change cursor resumes this far behind the clock. ``updated_at`` is set (by the app's clock) before
# its transaction commits, so a change can become visible after a later-stamped one was already read.
# The overlap must exceed the longest pass-changing transaction plus the clock skew between app
# machines plus the length of one paging round; pass changes commit within a second or two.
OVERLAP = timedelta(minutes=2)
MAX_ID = 2**31 - 1
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND = timedelta(microseconds=1)
_CURSOR = re.compile(r"^([0-9]{1,17})-([0-9]{1,10})$")


@dataclass(frozen=True, order=True)
class Cursor:
    """A position in (``updated_at``, ``id``) order: the passes after it are the ones to send."""

    at: datetime
    id: int

    def encode(self) -> str:
        return f"{(self.at - _EPOCH) // _MICROSECOND}-{self.id}"


def decode_cursor(text: str) -> Cursor:
    """A cursor this module gave out (``<microseconds since 1970 UTC>-<pass id>``); anything else is 422
    ``bad_cursor``: the scanner should start again without one."""
    match = _CURSOR.match(text)
    if match is not None and int(match[2]) <= MAX_ID:
        try:
            return Cursor(_EPOCH + int(match[1]) * _MICROSECOND, int(match[2]))
        except OverflowError:
            pass
    raise InvalidInput(code="bad_cursor", fields=[FieldProblem("cursor", "This value has the wrong format.")])


async def _kind_rules(session: AsyncSession, expo_id: int) -> dict[str, OfflineKind]:
    kinds = await ensure_kinds(session, expo_id)
    rules = {
        kind_id: Reentry(reentry)
        for kind_id, reentry in (
            await session.execute(
                sa.select(col(KindEntryRule.kind_id), col(KindEntryRule.reentry)).where(
                    col(KindEntryRule.kind_id).in_([k.id for k in kinds])
                )
            )
        ).all()
    }
    return {
        k.code: OfflineKind(
            number=k.number,
            code=k.code,
            name=k.name,
            staff=k.staff,
            opens_at=k.opens_at,
            closes_at=k.closes_at,
            reentry=rules.get(k.id or 0) or default_reentry(k.code, k.staff),
        )
        for k in kinds
    }


async def gate_context(session: AsyncSession, device: GateDevice) -> GateContext:
    assert device.id is not None
    expo = await get_expo(session, device.expo_id)
    gate = await get_gate(session, device.gate_id)
    kind_rules = await _kind_rules(session, device.expo_id)
    days = await expo_days(session, device.expo_id)
    return GateContext(
        device_id=device.id,
        device_name=device.name,
        gate=gate_read(gate),
        expo_id=device.expo_id,
        timezone=expo.timezone,
        kinds={k.number: k.code for k in kind_rules.values()},
        kind_rules=kind_rules,
        days=[OfflineDay(day=d.day, opens_at=d.opens_at, closes_at=d.closes_at) for d in days],
    )


def _offline_pass(p: ExpoPass, kind: str, booking_status: str | None) -> OfflinePass:
    return OfflinePass(
        id=p.id or 0,
        serial=p.serial,
        code=p.code,
        holder_name=p.holder_name,
        kind=kind,
        days=list(p.days),
        active=pass_is_valid(p.status, booking_status),
        updated_at=as_utc(p.updated_at),
    )


def _pass_rows() -> sa.Select[ExpoPass, str, str | None]:
    return (
        sa.select(ExpoPass, col(PassKind.code), col(Booking.status))
        .join(PassKind, col(PassKind.id) == col(ExpoPass.kind_id))
        .outerjoin(Booking, col(Booking.id) == col(ExpoPass.booking_id))
    )


async def passes_changed(
    session: AsyncSession, expo_id: int, cursor: str | None = None, limit: int = PAGE
) -> OfflinePassList:
    """Passes changed after ``cursor`` (every pass without one), in (``updated_at``, ``id``) order.

    Pages follow each other exactly (``next_cursor`` is the last pass sent), so paging ends. The last
    page's ``next_cursor`` steps back to ``OVERLAP`` before the clock when the last pass sent is more
    recent than that: a change stamped earlier but committed after this read is sent next round. Passes
    in that window come again, which costs a few repeats and nothing else (scanners key them by id).
    """
    after = decode_cursor(cursor) if cursor is not None else None
    now = utcnow()  # before the read: what is not visible yet was stamped after now - OVERLAP
    stmt = _pass_rows().where(col(ExpoPass.expo_id) == expo_id)
    if after is not None:
        stmt = stmt.where(
            sa.or_(
                col(ExpoPass.updated_at) > after.at,
                sa.and_(col(ExpoPass.updated_at) == after.at, col(ExpoPass.id) > after.id),
            )
        )
    rows = (await session.execute(stmt.order_by(col(ExpoPass.updated_at), col(ExpoPass.id)).limit(limit + 1))).all()
    page = rows[:limit]
    complete = len(rows) <= limit
    last = Cursor(as_utc(page[-1][0].updated_at), page[-1][0].id or 0) if page else after
    if complete:
        floor = Cursor(now - OVERLAP, 0)
        last = floor if last is None else min(last, floor)
    assert last is not None  # a page that is not complete has passes
    return OfflinePassList(
        cursor=cursor,
        next_cursor=last.encode(),
        complete=complete,
        passes=[_offline_pass(p, kind, booking_status) for p, kind, booking_status in page],
    )
