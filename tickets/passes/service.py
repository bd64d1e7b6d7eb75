"""Pass rules: issue, rename, revoke, reissue, read; the revocation list.

Revoking and reissuing put the old serial on the expo's revocation list under the next number of
``pass_counter``; the counter row's lock makes revocations commit in number order. Who may get
which pass (staff quotas, the organiser's passes) is ``tickets.passes.issuing``.
"""

import secrets
from collections.abc import Sequence
from datetime import date
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from booths.bookings.models import Booking
from booths.exhibitors.models import Exhibitor
from booths.venue.models import Booth
from booths.venue.service import get_expo
from expo.accounts import CurrentUser
from expo.errors import Conflict, NotFound
from expo.formatting import utcnow
from expo.permissions import Area
from tickets.passes.kinds import ensure_kinds
from tickets.passes.models import ExpoPass, PassAction, PassCounter, PassEvent, PassKind, PassRevocation, PassStatus
from tickets.passes.schemas import (
    PassEventRead,
    PassRead,
    PassUpdate,
    PassWithToken,
    RevocationList,
    RevokedSerial,
)
from tickets.passes.validity import is_valid, pass_is_valid, valid_pass_clause
from tickets.signing import tokens
from tickets.signing.keys import KeyRing

# Short codes for typing at a gate: of each look-alike group only one member is used
# (0/O/Q/D: D; 1/I/L: none; 2/Z: none; 5/S: none; 8/B: 8; 6/G: 6), and typed look-alikes map to it.
CODE_ALPHABET = "346789ACDEFHJKMNPRTUVWXY"
_LOOK_ALIKES = str.maketrans({"B": "8", "G": "6", "O": "D", "Q": "D", "0": "D"})
CODE_LENGTH = 8


# --- small helpers ----------------------------------------------------------------------------
def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def format_code(code: str) -> str:
    return f"{code[:4]}-{code[4:]}"


def normalise_code(text: str) -> str:
    """What a person typed at the gate -> the stored code (dashes, spaces and case ignored)."""
    return "".join(ch for ch in text.upper() if ch.isalnum()).translate(_LOOK_ALIKES)


def new_serial() -> int:
    return secrets.randbelow(tokens.MAX_SERIAL) + 1


async def unused_code(session: AsyncSession, expo_id: int, taken: set[str] | None = None) -> str:
    for _ in range(20):
        code = new_code()
        if taken is not None:
            if code not in taken:
                taken.add(code)
                return code
            continue
        exists = await session.scalar(
            sa.select(col(ExpoPass.id)).where(col(ExpoPass.expo_id) == expo_id, col(ExpoPass.code) == code)
        )
        if exists is None:
            return code
    raise Conflict("Could not draw a free pass code; try again.", code="code_exhausted")


def _event(pass_: ExpoPass, actor: CurrentUser | None, action: PassAction, note: str | None = None) -> PassEvent:
    assert pass_.id is not None
    return PassEvent(
        pass_id=pass_.id, actor_user_id=actor.id if actor else None, action=action, serial=pass_.serial, note=note
    )


def token_for(pass_: ExpoPass, kind: PassKind, keys: KeyRing) -> str:
    claims = tokens.Claims(
        key_id=keys.signing_key_id,
        expo_id=pass_.expo_id,
        serial=pass_.serial,
        kind=kind.number,
        days=tuple(date.fromisoformat(d) for d in pass_.days),
    )
    return tokens.sign(claims, keys.signer)


# --- issuing ----------------------------------------------------------------------------------
async def issue(
    session: AsyncSession,
    expo_id: int,
    kind: PassKind,
    *,
    holder_name: str,
    days: Sequence[date],
    actor: CurrentUser | None,
    phone: str | None = None,
    email: str | None = None,
    organisation: str | None = None,
    regency: str | None = None,
    visitor_category: str | None = None,
    exhibitor_id: int | None = None,
    booking_id: int | None = None,
    slot: int | None = None,
    access_hash: str | None = None,
    taken_codes: set[str] | None = None,
    note: str | None = None,
) -> ExpoPass:
    """Add one pass (checked by the caller) with a fresh serial and code, and its first history line."""
    assert kind.id is not None
    now = utcnow()
    pass_ = ExpoPass(
        expo_id=expo_id,
        kind_id=kind.id,
        serial=new_serial(),
        code=await unused_code(session, expo_id, taken_codes),
        holder_name=holder_name,
        phone=phone,
        email=email,
        organisation=organisation,
        regency=regency,
        visitor_category=visitor_category,
        exhibitor_id=exhibitor_id,
        booking_id=booking_id,
        slot=slot,
        days=[d.isoformat() for d in sorted(set(days))],
        status=PassStatus.ACTIVE,
        access_hash=access_hash,
        issued_by_user_id=actor.id if actor else None,
        issued_at=now,
        updated_at=now,
    )
    session.add(pass_)
    await session.flush()
    session.add(_event(pass_, actor, PassAction.ISSUE, note))
    return pass_


# --- access -----------------------------------------------------------------------------------
async def pass_owner_user(session: AsyncSession, pass_: ExpoPass) -> int | None:
    if pass_.exhibitor_id is None:
        return None
    return await session.scalar(sa.select(col(Exhibitor.user_id)).where(col(Exhibitor.id) == pass_.exhibitor_id))


async def get_pass(session: AsyncSession, pass_id: int, user: CurrentUser, *, lock: bool = False) -> ExpoPass:
    """Organisers see every pass; an exhibitor only its staff's (others are simply not found)."""
    if lock:  # a write first: the row lock (PostgreSQL) or the write lock (SQLite) before reading
        await session.execute(sa.update(ExpoPass).where(col(ExpoPass.id) == pass_id).values(updated_at=utcnow()))
    pass_ = await session.get(ExpoPass, pass_id, populate_existing=lock)
    if pass_ is None or (not user.may(pass_.expo_id, Area.PASSES) and await pass_owner_user(session, pass_) != user.id):
        raise NotFound("No such pass.", code="pass_not_found")
    return pass_


async def update_pass(session: AsyncSession, pass_id: int, data: PassUpdate, user: CurrentUser) -> ExpoPass:
    """Rename a pass or change its contact details. The token holds no name, so it stays valid."""
    pass_ = await get_pass(session, pass_id, user, lock=True)
    if not await is_valid(session, pass_):
        raise Conflict("This pass is revoked.", code="pass_revoked")
    changes = data.model_dump(exclude_unset=True)
    if not user.may(pass_.expo_id, Area.PASSES):
        changes.pop("organisation", None)
    before = pass_.holder_name
    for key, value in changes.items():
        if key == "holder_name" and value is None:
            continue
        setattr(pass_, key, value)
    pass_.updated_at = utcnow()
    if pass_.holder_name != before:
        session.add(_event(pass_, user, PassAction.RENAME, f"{before} -> {pass_.holder_name}"[:300]))
    await session.flush()
    return pass_


async def _next_revocation_seq(session: AsyncSession, expo_id: int) -> int:
    stmt = (
        sa.update(PassCounter)
        .where(col(PassCounter.expo_id) == expo_id)
        .values(revocation_seq=col(PassCounter.revocation_seq) + 1)
        .returning(col(PassCounter.revocation_seq))
    )
    seq = (await session.execute(stmt)).scalar_one_or_none()
    if seq is None:
        await ensure_kinds(session, expo_id)
        seq = (await session.execute(stmt)).scalar_one()
    return int(seq)


async def _revoke_serial(session: AsyncSession, pass_: ExpoPass, reason: str) -> None:
    assert pass_.id is not None
    seq = await _next_revocation_seq(session, pass_.expo_id)
    session.add(
        PassRevocation(expo_id=pass_.expo_id, seq=seq, serial=pass_.serial, pass_id=pass_.id, reason=reason[:24])
    )


async def revoke_pass(session: AsyncSession, pass_id: int, user: CurrentUser, reason: str = "") -> ExpoPass:
    pass_ = await get_pass(session, pass_id, user, lock=True)
    if pass_.status != PassStatus.ACTIVE:
        raise Conflict("This pass is already revoked.", code="already_revoked")
    await revoke_as(session, pass_, user, "revoked", reason)
    await session.flush()
    return pass_


async def revoke_as(session: AsyncSession, pass_: ExpoPass, user: CurrentUser | None, why: str, note: str = "") -> None:
    await _revoke_serial(session, pass_, why)
    now = utcnow()
    pass_.status, pass_.revoked_at, pass_.updated_at = PassStatus.REVOKED, now, now
    pass_.revoke_reason = note[:200] or None
    session.add(_event(pass_, user, PassAction.REVOKE, note or why))


async def reissue_pass(session: AsyncSession, pass_id: int, user: CurrentUser) -> ExpoPass:
    """A new token (new serial and code) for a lost or shared pass; the old one is revoked, always."""
    pass_ = await get_pass(session, pass_id, user, lock=True)
    if not await is_valid(session, pass_):
        raise Conflict("A revoked pass cannot be reissued; issue a new pass instead.", code="pass_revoked")
    await _revoke_serial(session, pass_, "reissued")
    pass_.serial = new_serial()
    pass_.code = await unused_code(session, pass_.expo_id)
    pass_.updated_at = utcnow()
    await session.flush()
    session.add(_event(pass_, user, PassAction.REISSUE))
    await session.flush()
    return pass_


# --- reading ----------------------------------------------------------------------------------
def _read_stmt() -> sa.Select[ExpoPass, PassKind, str | None, str | None, str | None]:
    return (
        sa.select(ExpoPass, PassKind, col(Exhibitor.name), col(Booth.code), col(Booking.status))
        .join(PassKind, col(PassKind.id) == col(ExpoPass.kind_id))
        .outerjoin(Exhibitor, col(Exhibitor.id) == col(ExpoPass.exhibitor_id))
        .outerjoin(Booking, col(Booking.id) == col(ExpoPass.booking_id))
        .outerjoin(Booth, col(Booth.id) == col(Booking.booth_id))
    )


def pass_read(
    pass_: ExpoPass, kind: PassKind, exhibitor_name: str | None, booth_code: str | None, booking_status: str | None
) -> PassRead:
    """A pass as pages and the API show it; ``status`` is what the gate will say (``tickets.passes.validity``):
    an active staff pass whose booking no longer admits reads as revoked."""
    assert pass_.id is not None
    valid = pass_is_valid(pass_.status, booking_status)
    return PassRead(
        id=pass_.id,
        expo_id=pass_.expo_id,
        kind=kind.code,
        kind_name=kind.name,
        code=format_code(pass_.code),
        holder_name=pass_.holder_name,
        phone=pass_.phone,
        email=pass_.email,
        organisation=pass_.organisation,
        regency=pass_.regency,
        visitor_category=pass_.visitor_category,
        exhibitor_id=pass_.exhibitor_id,
        exhibitor_name=exhibitor_name,
        booking_id=pass_.booking_id,
        booth_code=booth_code,
        days=[date.fromisoformat(d) for d in pass_.days],
        status=PassStatus.ACTIVE.value if valid else PassStatus.REVOKED.value,
        issued_at=pass_.issued_at,
        revoked_at=pass_.revoked_at,
        revoke_reason=pass_.revoke_reason,
        shares_contact=bool(pass_.shares_contact),
    )


async def read_pass(session: AsyncSession, pass_id: int, keys: KeyRing | None = None) -> PassWithToken:
    row = (await session.execute(_read_stmt().where(col(ExpoPass.id) == pass_id))).first()
    if row is None:
        raise NotFound("No such pass.", code="pass_not_found")
    pass_, kind = row[0], row[1]
    read = pass_read(pass_, kind, row[2], row[3], row[4])
    token = token_for(pass_, kind, keys) if keys and read.status == PassStatus.ACTIVE else None
    return PassWithToken(**read.model_dump(), token=token)


def _contains(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


# The orders the organisers' passes list offers: name -> columns (the holder's name breaks ties).
PASS_ORDERS: dict[str, tuple[Any, ...]] = {
    "name": (sa.func.lower(col(ExpoPass.holder_name)),),
    "kind": (col(PassKind.sort_order), col(PassKind.code)),
    "code": (col(ExpoPass.code),),
    "organisation": (sa.func.lower(sa.func.coalesce(col(Exhibitor.name), col(ExpoPass.organisation), "")),),
    "status": (col(ExpoPass.status),),
}


_Stmt = TypeVar("_Stmt", bound="sa.Select[*tuple[Any, ...]]")


def _filtered(
    stmt: _Stmt,
    expo_id: int,
    *,
    kind: str | None,
    status: PassStatus | None,
    q: str | None,
    exhibitor_id: int | None,
) -> _Stmt:
    stmt = stmt.where(col(ExpoPass.expo_id) == expo_id)
    if kind:
        stmt = stmt.where(col(PassKind.code) == kind)
    if status:
        valid = valid_pass_clause()
        stmt = stmt.where(valid if status == PassStatus.ACTIVE else sa.not_(valid))
    if exhibitor_id is not None:
        stmt = stmt.where(col(ExpoPass.exhibitor_id) == exhibitor_id)
    if q:
        like = _contains(q.lower())
        code = normalise_code(q)
        conditions = [
            sa.func.lower(col(ExpoPass.holder_name)).like(like, escape="\\"),
            sa.func.lower(sa.func.coalesce(col(ExpoPass.organisation), "")).like(like, escape="\\"),
            sa.func.coalesce(col(ExpoPass.phone), "").like(_contains(q.strip()), escape="\\"),
        ]
        if code:
            conditions.append(col(ExpoPass.code).like(_contains(code), escape="\\"))
        stmt = stmt.where(sa.or_(*conditions))
    return stmt


async def list_passes(
    session: AsyncSession,
    expo_id: int,
    *,
    kind: str | None = None,
    status: PassStatus | None = None,
    q: str | None = None,
    exhibitor_id: int | None = None,
    limit: int = 500,
    offset: int = 0,
    order: str = "name",
    descending: bool = False,
) -> list[PassRead]:
    """Passes of the expo, filtered, in one of ``PASS_ORDERS`` (by name unless told)."""
    await get_expo(session, expo_id)
    await ensure_kinds(session, expo_id)
    stmt = _filtered(_read_stmt(), expo_id, kind=kind, status=status, q=q, exhibitor_id=exhibitor_id)
    columns = [c.desc() if descending else c for c in PASS_ORDERS.get(order, PASS_ORDERS["name"])]
    stmt = stmt.order_by(*columns, col(ExpoPass.holder_name), col(ExpoPass.id)).limit(limit).offset(offset)
    rows = (await session.execute(stmt)).all()
    return [pass_read(r[0], r[1], r[2], r[3], r[4]) for r in rows]


async def count_passes(
    session: AsyncSession,
    expo_id: int,
    *,
    kind: str | None = None,
    status: PassStatus | None = None,
    q: str | None = None,
    exhibitor_id: int | None = None,
) -> dict[str, int]:
    """How many passes match, per kind name (the kinds in their order; kinds with none left out)."""
    stmt = _filtered(
        sa.select(col(PassKind.name), sa.func.count(col(ExpoPass.id)))
        .select_from(ExpoPass)
        .join(PassKind, col(PassKind.id) == col(ExpoPass.kind_id)),
        expo_id,
        kind=kind,
        status=status,
        q=q,
        exhibitor_id=exhibitor_id,
    ).group_by(col(PassKind.id), col(PassKind.name), col(PassKind.sort_order))
    rows = (await session.execute(stmt.order_by(col(PassKind.sort_order)))).all()
    return {str(name): int(n) for name, n in rows}


async def pass_history(session: AsyncSession, pass_id: int, user: CurrentUser) -> list[PassEventRead]:
    await get_pass(session, pass_id, user)
    events = await session.scalars(
        sa.select(PassEvent).where(col(PassEvent.pass_id) == pass_id).order_by(col(PassEvent.at), col(PassEvent.id))
    )
    return [
        PassEventRead(at=e.at, action=e.action, actor_user_id=e.actor_user_id, serial=e.serial, note=e.note)
        for e in events
    ]


async def revocations_since(session: AsyncSession, expo_id: int, since: int, limit: int = 5000) -> RevocationList:
    """Revoked serials numbered above ``since``, in order; a gate keeps ``next`` for its next call."""
    await get_expo(session, expo_id)
    rows = (
        await session.scalars(
            sa.select(PassRevocation)
            .where(col(PassRevocation.expo_id) == expo_id, col(PassRevocation.seq) > since)
            .order_by(col(PassRevocation.seq))
            .limit(limit + 1)
        )
    ).all()
    page = rows[:limit]
    return RevocationList(
        expo_id=expo_id,
        since=since,
        next=page[-1].seq if page else since,
        complete=len(rows) <= limit,
        revoked=[RevokedSerial(seq=r.seq, serial=r.serial, revoked_at=r.revoked_at) for r in page],
    )


async def find_by_serial(session: AsyncSession, expo_id: int, serial: int) -> tuple[ExpoPass | None, bool]:
    """The pass a serial belongs to, and whether the serial is revoked."""
    revoked = await session.scalar(
        sa.select(col(PassRevocation.pass_id)).where(
            col(PassRevocation.expo_id) == expo_id, col(PassRevocation.serial) == serial
        )
    )
    if revoked is not None:
        return await session.get(ExpoPass, revoked), True
    pass_ = await session.scalar(
        sa.select(ExpoPass).where(col(ExpoPass.expo_id) == expo_id, col(ExpoPass.serial) == serial)
    )
    return pass_, False
