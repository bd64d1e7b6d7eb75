"""Leads: an exhibitor's staff scan a pass (its QR token, or its printed code typed in) and keep it.

A lead points at the pass and never copies its contact: ``lead_rows`` reads the phone and e-mail from
the pass only while its holder consents (``expo_pass.shares_contact``), so a withdrawn consent takes
the contact out of every exhibitor's list and export at once. Every function takes the exhibitor
whose leads it touches, and reads or changes only that exhibitor's rows: another exhibitor's lead is
"not found", never shown.
"""

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from booths.applications.models import BookingCoExhibitor
from booths.bookings.models import Booking
from booths.catalogue.models import StatKind
from booths.catalogue.stats import count
from booths.exhibitors.models import Exhibitor
from booths.venue.lifecycle import expo_today
from booths.venue.service import get_expo
from expo.accounts import CurrentUser
from expo.errors import Conflict, InvalidInput, NotFound
from expo.formatting import utcnow
from tickets.leads.models import Lead
from tickets.passes.models import ExpoPass, PassKind
from tickets.passes.service import CODE_LENGTH, find_by_serial, format_code, normalise_code
from tickets.passes.validity import ADMITTING_BOOKING_STATUSES, is_valid
from tickets.signing import tokens
from tickets.signing.keys import KeyRing

NOTE_MAX = 1000
_TOKEN_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")


@dataclass(frozen=True)
class LeadRow:
    """One lead as its exhibitor sees it; ``phone`` and ``email`` are None unless the holder consents."""

    id: int
    name: str
    organisation: str | None
    kind_name: str
    pass_code: str
    shares_contact: bool
    phone: str | None
    email: str | None
    note: str
    created_at: datetime


@dataclass(frozen=True)
class Saved:
    """The answer to a scan: the lead, and whether this scan made it (False: saved before)."""

    lead: LeadRow
    new: bool


# --- who may keep leads -----------------------------------------------------------------------
async def _exhibitor(session: AsyncSession, exhibitor_id: int) -> Exhibitor:
    exhibitor = await session.get(Exhibitor, exhibitor_id)
    if exhibitor is None or exhibitor.id is None:
        raise NotFound("There is no exhibitor registration for this account.", code="exhibitor_not_found")
    return exhibitor


async def has_stand(session: AsyncSession, exhibitor_id: int) -> bool:
    """Whether the exhibitor is at the expo: a confirmed booking of its own, or a place as co-exhibitor
    on a confirmed shared stand. Only then do its staff meet visitors whose passes they may scan."""
    confirmed = col(Booking.status).in_(ADMITTING_BOOKING_STATUSES)
    own = sa.select(col(Booking.id)).where(col(Booking.exhibitor_id) == exhibitor_id, confirmed)
    shared = (
        sa.select(col(Booking.id))
        .join(BookingCoExhibitor, col(BookingCoExhibitor.booking_id) == col(Booking.id))
        .where(col(BookingCoExhibitor.exhibitor_id) == exhibitor_id, confirmed)
    )
    return await session.scalar(sa.select(sa.exists(own.union_all(shared).subquery().select()))) or False


# --- reading the scanned text -----------------------------------------------------------------
async def _pass_of_text(session: AsyncSession, expo_id: int, text: str, keys: KeyRing) -> ExpoPass:
    """The pass a scanned QR token or a typed printed code names: genuine, of this expo, its token not
    replaced by a re-issue (whether the pass itself is still valid is :func:`keep_lead`'s check)."""
    text = text.strip()
    if not text or len(text) > 1024:
        raise InvalidInput("Scan a pass's QR code or type the code printed under it.", code="lead_text_empty")
    if len(text) > 3 * CODE_LENGTH and _TOKEN_CHARS.issuperset(text):
        try:
            claims = tokens.verify(text, keys.public_keys(), expo_id)
        except tokens.TokenError as exc:
            if exc.code == "wrong_expo":
                raise Conflict(
                    "This pass is for another expo; only passes of this expo can be saved.", code="wrong_expo"
                ) from None
            raise InvalidInput("This is not a genuine pass of this expo.", code="invalid_pass") from None
        pass_, revoked = await find_by_serial(session, expo_id, claims.serial)
        if pass_ is None:
            raise NotFound("No pass of this expo has this QR code.", code="pass_not_found")
        if revoked:
            raise Conflict("This pass is no longer valid; ask the visitor for their current pass.", code="pass_revoked")
    else:
        code = normalise_code(text)
        if len(code) != CODE_LENGTH or len(text) > 2 * CODE_LENGTH:
            raise InvalidInput(
                "This is not a pass code; it has 8 letters and digits, like ABCD-1234.", code="invalid_pass"
            )
        pass_ = await session.scalar(
            sa.select(ExpoPass).where(col(ExpoPass.expo_id) == expo_id, col(ExpoPass.code) == code)
        )
        if pass_ is None:
            raise NotFound("No pass of this expo has this code.", code="pass_not_found")
    return pass_


# --- the rules --------------------------------------------------------------------------------
async def save_lead(
    session: AsyncSession, exhibitor_id: int, text: str, keys: KeyRing, user: CurrentUser | None
) -> Saved:
    """Keep the pass ``text`` names (a scanned QR token or a typed printed code) as a lead of the
    exhibitor; see :func:`keep_lead`."""
    exhibitor = await _exhibitor(session, exhibitor_id)
    if not await has_stand(session, exhibitor_id):  # before reading the text: no probing of pass codes
        raise Conflict("Leads can be saved once your booth is confirmed.", code="no_confirmed_booth")
    pass_ = await _pass_of_text(session, exhibitor.expo_id, text, keys)
    return await keep_lead(session, exhibitor_id, pass_, user)


async def keep_lead(session: AsyncSession, exhibitor_id: int, pass_: ExpoPass, user: CurrentUser | None) -> Saved:
    """Keep ``pass_`` as a lead of the exhibitor. A second scan of the same pass is the same lead
    (INSERT ... ON CONFLICT DO NOTHING on exhibitor and pass, so two staff scanning at once still make
    one); a new lead counts once in the exhibitor's daily statistics.

    Any valid pass of the expo may be a lead (visitors, and the staff of other stands, who are buyers
    too), except the exhibitor's own staff passes; the exhibitor needs a confirmed stand."""
    exhibitor = await _exhibitor(session, exhibitor_id)
    assert exhibitor.id is not None
    if not await has_stand(session, exhibitor.id):
        raise Conflict("Leads can be saved once your booth is confirmed.", code="no_confirmed_booth")
    expo = await get_expo(session, exhibitor.expo_id)
    assert expo.id is not None
    if pass_.expo_id != expo.id:
        raise Conflict("This pass is for another expo; only passes of this expo can be saved.", code="wrong_expo")
    if not await is_valid(session, pass_):
        raise Conflict("This pass is no longer valid; ask the visitor for their current pass.", code="pass_revoked")
    assert pass_.id is not None
    if pass_.exhibitor_id == exhibitor.id:
        raise Conflict("This is a staff pass of your own stand, not a lead.", code="own_pass")
    now = utcnow()
    table = Lead.__table__  # type: ignore[attr-defined]
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    statement = (
        insert(table)
        .values(
            expo_id=expo.id,
            exhibitor_id=exhibitor.id,
            pass_id=pass_.id,
            note="",
            saved_by=user.id if user is not None else None,
            created_at=now,
            updated_at=now,
        )
        .on_conflict_do_nothing(index_elements=["exhibitor_id", "pass_id"])
        .returning(table.c.id)
    )
    made = (await session.execute(statement)).scalar_one_or_none()
    if made is not None:
        await count(session, expo.id, exhibitor.id, StatKind.LEAD, expo_today(expo))
    lead_id = made if made is not None else await _lead_id(session, exhibitor.id, pass_.id)
    return Saved(lead=await lead_row(session, exhibitor.id, lead_id), new=made is not None)


async def _lead_id(session: AsyncSession, exhibitor_id: int, pass_id: int) -> int:
    found = await session.scalar(
        sa.select(col(Lead.id)).where(col(Lead.exhibitor_id) == exhibitor_id, col(Lead.pass_id) == pass_id)
    )
    assert found is not None  # the insert above lost to an existing row, which is therefore there
    return found


async def _own(session: AsyncSession, exhibitor_id: int, lead_id: int) -> Lead:
    lead = await session.get(Lead, lead_id, populate_existing=True)
    if lead is None or lead.exhibitor_id != exhibitor_id:  # another exhibitor's lead: as if it did not exist
        raise NotFound("No such lead.", code="lead_not_found")
    return lead


def clean_note(note: str) -> str:
    """The note as kept: control characters but newlines and tabs dropped, trimmed, at most NOTE_MAX."""
    kept = "".join(ch for ch in note if ch in "\n\t" or ch.isprintable()).replace("\r", "").strip()
    if len(kept) > NOTE_MAX:
        raise InvalidInput(
            "A note is at most %(max)s characters.",
            code="note_too_long",
            params={"max": NOTE_MAX},
        )
    return kept


async def set_note(session: AsyncSession, exhibitor_id: int, lead_id: int, note: str) -> Lead:
    lead = await _own(session, exhibitor_id, lead_id)
    lead.note = clean_note(note)
    lead.updated_at = utcnow()
    session.add(lead)
    return lead


async def delete_lead(session: AsyncSession, exhibitor_id: int, lead_id: int) -> None:
    """Forget a lead (the day's count stays: it counts scans that made a lead, as they happened)."""
    lead = await _own(session, exhibitor_id, lead_id)
    await session.delete(lead)


def _select_rows() -> sa.Select[Lead, ExpoPass, str]:
    return (
        sa.select(Lead, ExpoPass, col(PassKind.name))
        .join(ExpoPass, col(ExpoPass.id) == col(Lead.pass_id))
        .join(PassKind, col(PassKind.id) == col(ExpoPass.kind_id))
    )


def _row(lead: Lead, pass_: ExpoPass, kind_name: str) -> LeadRow:
    assert lead.id is not None
    consents = bool(pass_.shares_contact)
    return LeadRow(
        id=lead.id,
        name=pass_.holder_name,
        organisation=pass_.organisation,
        kind_name=kind_name,
        pass_code=format_code(pass_.code),
        shares_contact=consents,
        # read from the pass, and only while its holder consents: nothing of it is kept on the lead
        phone=pass_.phone if consents else None,
        email=pass_.email if consents else None,
        note=lead.note,
        created_at=lead.created_at,
    )


async def lead_row(session: AsyncSession, exhibitor_id: int, lead_id: int) -> LeadRow:
    found = (
        await session.execute(
            _select_rows()
            .where(col(Lead.id) == lead_id, col(Lead.exhibitor_id) == exhibitor_id)
            .execution_options(populate_existing=True)
        )
    ).first()
    if found is None:
        raise NotFound("No such lead.", code="lead_not_found")
    return _row(*found)


async def lead_rows(session: AsyncSession, exhibitor_id: int) -> list[LeadRow]:
    """The exhibitor's leads, newest first."""
    result = await session.execute(
        _select_rows()
        .where(col(Lead.exhibitor_id) == exhibitor_id)
        .order_by(col(Lead.created_at).desc(), col(Lead.id).desc())
        .execution_options(populate_existing=True)
    )
    return [_row(*found) for found in result.all()]
