"""Proofs of transfer: an exhibitor sends a photo or PDF of a transfer for its bill; the treasurer
accepts it (a payment in the ledger, ``source="proof"``), refuses it with a reason, or asks for a new one.

Who sees what: a proof belongs to its bill's exhibitor; only that exhibitor's account and the expo's
committee members who work in payments (treasurer, organiser) may see it or its file. Anyone else gets
"not found", as if it did not exist.

A review happens once: the proof's status moves from ``pending`` by one compare-and-set UPDATE, so of
two treasurers pressing "accept" at the same moment one records the payment and the other is told the
proof was already reviewed (on PostgreSQL the second UPDATE waits for the first to commit and then finds
nothing pending; SQLite lets one writer in at a time). The ledger's idempotency key (``proof:<id>``)
guards the same once more.
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from booths.billing.bills import REVIEW_HOLD, schedule_deadline
from booths.billing.ledger import record_payment
from booths.billing.models import Bill, BillStatus, Payment, PaymentMethod, PaymentProof, ProofStatus
from booths.billing.notices import proof_refused
from booths.billing.states import outstanding
from booths.bookings.models import Booking, BookingStatus
from booths.exhibitors.models import Exhibitor
from booths.venue import lifecycle
from booths.venue.models import Expo
from expo import audit
from expo.accounts import CurrentUser
from expo.errors import Conflict, FieldProblem, InvalidInput, NotFound
from expo.formatting import as_utc, format_rupiah, utcnow
from expo.i18n import N_
from expo.permissions import Area
from expo.storage import Storage, new_key
from expo.uploads import CheckedFile

# Proofs waiting at once for one bill: enough for a down payment and the rest sent apart, not a flood.
MAX_PENDING_PER_BILL = 3
# A transfer made this long before the bill is someone's old receipt, not a payment of this bill.
OLDEST_TRANSFER = timedelta(days=60)
# After a refused proof the booth stays held this long (or to the bill's own deadline, if later), so
# the exhibitor can send a new proof or pay; the review's longer hold ends with the review.
REFUSAL_GRACE = timedelta(hours=24)
# Methods a treasurer may record for an accepted proof (a proof shows a transfer or a QRIS payment).
PROOF_METHODS = (PaymentMethod.TRANSFER, PaymentMethod.QRIS)


def _bill_not_found() -> NotFound:
    return NotFound("No such bill.", code="bill_not_found")


def _proof_not_found() -> NotFound:
    return NotFound(N_("No such proof of transfer."), code="proof_not_found")


def _field(code: str, field: str, message: str, **params: object) -> InvalidInput:
    return InvalidInput(message, code=code, params=params, fields=[FieldProblem(field, message, params)])


async def expo_today(session: AsyncSession, expo_id: int) -> date:
    expo = await session.get(Expo, expo_id)
    assert expo is not None
    return lifecycle.expo_today(expo)


async def _owner_user_id(session: AsyncSession, exhibitor_id: int) -> int | None:
    return await session.scalar(sa.select(col(Exhibitor.user_id)).where(col(Exhibitor.id) == exhibitor_id))


async def bill_for_exhibitor(session: AsyncSession, bill_id: int, user: CurrentUser) -> Bill:
    """The bill, if it is the asking exhibitor's own (anyone else's is "not found")."""
    bill = await session.get(Bill, bill_id)
    if bill is None or await _owner_user_id(session, bill.exhibitor_id) != user.id:
        raise _bill_not_found()
    return bill


async def check_transfer(
    session: AsyncSession, bill: Bill, *, amount: int, paid_on: date, field_amount: str = "amount"
) -> None:
    """The amount and date of a transfer must fit the bill: more than zero, no more than is still owed,
    not in the future (the expo's day), not long before the bill."""
    owed = outstanding(bill)
    if amount <= 0:
        raise _field("proof_amount", field_amount, N_("The amount must be more than zero."))
    if amount > owed:
        raise _field(
            "proof_amount",
            field_amount,
            N_("Only %(owed)s is still owed on this bill; %(amount)s is more."),
            owed=format_rupiah(owed),
            amount=format_rupiah(amount),
        )
    today = await expo_today(session, bill.expo_id)
    if paid_on > today:
        raise _field("proof_date", "paid_on", N_("The transfer date cannot be in the future."))
    if paid_on < bill.issued_at.date() - OLDEST_TRANSFER:
        raise _field("proof_date", "paid_on", N_("This date is long before the bill; check the transfer date."))


async def submit_proof(
    session: AsyncSession,
    storage: Storage,
    bill_id: int,
    *,
    user: CurrentUser,
    file: CheckedFile,
    amount: int,
    paid_on: date,
    sender_bank: str,
    sender_name: str = "",
) -> PaymentProof:
    """An exhibitor's proof for its own open bill. The file is stored last, after every rule passed,
    so a refused proof leaves no file behind. A held booth stays held while the proof waits (at most
    ``REVIEW_HOLD`` from now)."""
    bill = await bill_for_exhibitor(session, bill_id, user)
    if bill.status == BillStatus.VOID:
        raise Conflict(N_("This bill is void; its booking has ended."), code="bill_void")
    if bill.status == BillStatus.PAID or outstanding(bill) <= 0:
        raise Conflict(N_("This bill is already paid."), code="bill_paid")
    waiting = await session.scalar(
        sa.select(sa.func.count())
        .select_from(PaymentProof)
        .where(col(PaymentProof.bill_id) == bill_id, col(PaymentProof.status) == ProofStatus.PENDING)
    )
    if (waiting or 0) >= MAX_PENDING_PER_BILL:
        raise Conflict(
            N_("%(count)s proofs of this bill are already waiting for the treasurer; please wait for their review."),
            code="proofs_waiting",
            params={"count": MAX_PENDING_PER_BILL},
        )
    await check_transfer(session, bill, amount=amount, paid_on=paid_on)
    if not sender_bank.strip():
        raise _field("sender_bank_required", "sender_bank", N_("Name the bank the transfer came from."))
    key = new_key(f"proofs/{bill.expo_id}", file.content_type)
    proof = PaymentProof(
        expo_id=bill.expo_id,
        bill_id=bill_id,
        file_key=key,
        content_type=file.content_type,
        size=len(file.data),
        amount=amount,
        paid_on=paid_on,
        sender_bank=sender_bank.strip()[:60],
        sender_name=sender_name.strip()[:120],
        submitted_by=user.id,
    )
    session.add(proof)
    await session.flush()
    await _keep_hold_for_review(session, bill, user)
    await storage.put(key, file.data, file.content_type)
    return proof


async def _keep_hold_for_review(session: AsyncSession, bill: Bill, user: CurrentUser) -> None:
    """A proof under review keeps the booth: the hold runs until the review could reasonably be done."""
    if bill.booking_id is None:
        return
    booking = await session.get(Booking, bill.booking_id)
    if booking is None or booking.status != BookingStatus.HELD:
        return
    from booths.bookings.service import extend_hold

    await extend_hold(session, bill.booking_id, utcnow() + REVIEW_HOLD, user)
    await schedule_deadline(session, bill)


async def proofs_of_bill(session: AsyncSession, bill_id: int) -> list[PaymentProof]:
    stmt = sa.select(PaymentProof).where(col(PaymentProof.bill_id) == bill_id).order_by(col(PaymentProof.id).desc())
    return list((await session.scalars(stmt)).all())


async def proof_for_viewer(session: AsyncSession, proof_id: int, user: CurrentUser) -> PaymentProof:
    """A proof the asker may see: its bill's exhibitor, or the expo's treasurer or organiser."""
    proof = await session.get(PaymentProof, proof_id)
    if proof is None:
        raise _proof_not_found()
    if user.may(proof.expo_id, Area.PAYMENTS):
        return proof
    bill = await session.get(Bill, proof.bill_id)
    if bill is None or await _owner_user_id(session, bill.exhibitor_id) != user.id:
        raise _proof_not_found()
    return proof


@dataclass(frozen=True)
class QueueItem:
    """One proof waiting for review, with what the treasurer compares it against."""

    proof: PaymentProof
    bill: Bill
    exhibitor: Exhibitor
    booth_code: str
    hold_expires_at: datetime | None


async def review_queue(session: AsyncSession, expo_id: int, user: CurrentUser) -> list[QueueItem]:
    """The proofs waiting in an expo, the oldest first (first sent, first reviewed)."""
    if not user.may(expo_id, Area.PAYMENTS):
        raise NotFound()
    from booths.venue.models import Booth

    stmt = (
        sa.select(PaymentProof, Bill, Exhibitor, Booking, Booth)
        .join(Bill, col(Bill.id) == col(PaymentProof.bill_id))
        .join(Exhibitor, col(Exhibitor.id) == col(Bill.exhibitor_id))
        .outerjoin(Booking, col(Booking.id) == col(Bill.booking_id))
        .outerjoin(Booth, col(Booth.id) == col(Booking.booth_id))
        .where(col(PaymentProof.expo_id) == expo_id, col(PaymentProof.status) == ProofStatus.PENDING)
        .order_by(col(PaymentProof.submitted_at), col(PaymentProof.id))
    )
    rows = (await session.execute(stmt)).all()
    return [
        QueueItem(
            proof=proof,
            bill=bill,
            exhibitor=exhibitor,
            booth_code=booth.code if booth is not None else "",
            hold_expires_at=booking.hold_expires_at
            if booking is not None and booking.status == BookingStatus.HELD
            else None,
        )
        for proof, bill, exhibitor, booking, booth in rows
    ]


async def _review(
    session: AsyncSession, proof_id: int, expo_id: int, actor: CurrentUser, status: ProofStatus, reason: str | None
) -> PaymentProof:
    """Move a pending proof of this expo to ``status``, once: a proof already reviewed (by someone
    else a moment ago) is a conflict, never a second payment. The UPDATE comes first, so it is also
    the lock: a second reviewer waits here for the first to finish, then finds nothing pending."""
    if not actor.may(expo_id, Area.PAYMENTS):
        raise _proof_not_found()
    result = await session.execute(
        sa.update(PaymentProof)
        .where(
            col(PaymentProof.id) == proof_id,
            col(PaymentProof.expo_id) == expo_id,
            col(PaymentProof.status) == ProofStatus.PENDING,
        )
        .values(
            status=status,
            reason=reason,
            reviewed_by=None if actor.everything else actor.id,
            reviewed_at=utcnow(),
        )
        .execution_options(synchronize_session=False)
    )
    proof = await session.get(PaymentProof, proof_id, populate_existing=True)
    if proof is None or proof.expo_id != expo_id:
        raise _proof_not_found()
    if result.rowcount != 1:  # type: ignore[attr-defined]
        raise Conflict(
            N_("This proof was already reviewed by someone else; reload the list."), code="proof_already_reviewed"
        )
    return proof


async def accept_proof(
    session: AsyncSession,
    proof_id: int,
    expo_id: int,
    *,
    actor: CurrentUser,
    amount: int,
    paid_on: date,
    method: PaymentMethod = PaymentMethod.TRANSFER,
) -> Payment:
    """The treasurer saw the money arrive: the proof is accepted and the amount (as the bank shows it,
    which may differ from what the exhibitor typed) enters the ledger, which confirms the booking once
    the payment secures it."""
    if method not in PROOF_METHODS:
        raise _field("proof_method", "method", N_("Choose one of the options."))
    proof = await _review(session, proof_id, expo_id, actor, ProofStatus.ACCEPTED, None)
    bill = await session.get(Bill, proof.bill_id)
    assert bill is not None
    await check_transfer(session, bill, amount=amount, paid_on=paid_on)
    sender = " ".join(part for part in (proof.sender_bank, proof.sender_name) if part)
    return await record_payment(
        session,
        proof.bill_id,
        amount=amount,
        method=method,
        paid_on=paid_on,
        reference=sender,
        actor=actor,
        source="proof",
        proof_id=proof.id,
        idempotency_key=f"proof:{proof.id}",
    )


async def refuse_proof(
    session: AsyncSession, proof_id: int, expo_id: int, *, actor: CurrentUser, reason: str, resubmit: bool
) -> PaymentProof:
    """Reject a proof (the money is not there) or ask for a new one (unreadable, incomplete); either way
    with a reason the exhibitor reads on its page and in the message."""
    reason = reason.strip()
    if len(reason) < 3:
        raise _field("reason_required", "reason", N_("Say why, so the exhibitor knows what to do."))
    status = ProofStatus.RESUBMIT if resubmit else ProofStatus.REJECTED
    proof = await _review(session, proof_id, expo_id, actor, status, reason[:300])
    bill = await session.get(Bill, proof.bill_id)
    assert bill is not None
    await audit.record(
        session,
        actor,
        expo_id,
        "proof.resubmit" if resubmit else "proof.rejected",
        f"{bill.number} · {format_rupiah(proof.amount)}",
        after={"status": status, "reason": proof.reason},
    )
    await _end_review_hold(session, bill, actor)
    await proof_refused(session, bill, proof, resubmit=resubmit)
    return proof


async def _end_review_hold(session: AsyncSession, bill: Bill, actor: CurrentUser) -> None:
    """The hold kept for a review ends with it when no other proof of the bill still waits: a refused
    proof must not keep a booth for weeks (nor a stream of refused ones forever)."""
    if bill.booking_id is None:
        return
    waiting = await session.scalar(
        sa.select(sa.func.count())
        .select_from(PaymentProof)
        .where(col(PaymentProof.bill_id) == bill.id, col(PaymentProof.status) == ProofStatus.PENDING)
    )
    booking = await session.get(Booking, bill.booking_id)
    if waiting or booking is None or booking.status != BookingStatus.HELD:
        return
    from booths.bookings.service import shorten_hold

    until = utcnow() + REFUSAL_GRACE
    if bill.due_at is not None and as_utc(bill.due_at) > until:
        until = as_utc(bill.due_at)
    await shorten_hold(session, bill.booking_id, until, actor)
    await schedule_deadline(session, bill)
