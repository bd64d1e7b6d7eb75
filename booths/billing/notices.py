"""What the money side tells exhibitors: how to pay (in the hold message and on their bill page), a
payment received (with the receipt), a proof refused, and a booth freed when the deadline passed."""

from collections.abc import Callable
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from booths.billing.bills import bill_of_booking, payment_setup
from booths.billing.models import BankAccount, Bill, Payment, PaymentProof, PaymentSetup
from booths.billing.states import outstanding
from booths.bookings.models import Booking
from booths.exhibitors.models import Exhibitor
from booths.notifications.service import link, notify_exhibitor
from booths.notifications.triggers import provide_payment_instructions
from booths.venue.models import Booth, Expo
from expo.formatting import format_date, format_datetime, format_rupiah
from expo.i18n import N_, translate
from expo.message_kinds import MessageKind


def bill_path(bill: Bill) -> str:
    """The exhibitor's page of one bill (how to pay, proofs, documents)."""
    return f"/my-bills/{bill.id}"


@dataclass(frozen=True)
class Instructions:
    """How to pay a bill, for the exhibitor's page and the hold message."""

    amount: int  # what to transfer now: the whole outstanding amount
    down_payment: int  # the least first payment that secures the booth (0: none)
    accounts: list[BankAccount]
    qris: bool
    cash_place: str
    cash_hours: str
    online: bool


async def bank_accounts(session: AsyncSession, expo_id: int, *, active_only: bool = True) -> list[BankAccount]:
    stmt = sa.select(BankAccount).where(col(BankAccount.expo_id) == expo_id)
    if active_only:
        stmt = stmt.where(col(BankAccount.active))
    return list((await session.scalars(stmt.order_by(col(BankAccount.position), col(BankAccount.id)))).all())


async def instructions(session: AsyncSession, bill: Bill, setup: PaymentSetup | None = None) -> Instructions:
    setup = setup or await payment_setup(session, bill.expo_id)
    first = bill.down_payment if bill.paid == 0 else 0
    return Instructions(
        amount=outstanding(bill),
        down_payment=first,
        accounts=await bank_accounts(session, bill.expo_id),
        qris=setup.qris_image_key is not None,
        cash_place=setup.cash_place if setup.cash_enabled else "",
        cash_hours=setup.cash_hours if setup.cash_enabled else "",
        online=setup.online_enabled,
    )


def instructions_text(bill: Bill, how: Instructions, language: str) -> str:
    """The instructions as plain text for an e-mail or a WhatsApp message."""

    def t(message: str, **params: object) -> str:
        return translate(message, params, language)

    lines = [
        t(N_("Bill %(number)s: transfer exactly %(amount)s."), number=bill.number, amount=format_rupiah(how.amount))
    ]
    if bill.unique_code:
        lines.append(
            t(
                N_("The last three digits (%(code)s) tell us the transfer is yours; please do not round the amount."),
                code=f"{bill.unique_code:03d}",
            )
        )
    if how.down_payment:
        lines.append(
            t(N_("A down payment of %(amount)s already secures the booth."), amount=format_rupiah(how.down_payment))
        )
    lines.extend(
        t(N_("%(bank)s %(number)s in the name of %(holder)s"), bank=a.bank, number=a.number, holder=a.holder)
        for a in how.accounts
    )
    if how.qris:
        lines.append(t(N_("Or scan the QRIS code on your bill page.")))
    if how.cash_place:
        lines.append(t(N_("Or pay cash at %(place)s (%(hours)s)."), place=how.cash_place, hours=how.cash_hours))
    lines.append(t(N_("Then upload the proof of transfer on your bill page.")))
    return "\n".join(lines)


@provide_payment_instructions
async def _hold_instructions(session: AsyncSession, booking: Booking) -> Callable[[str], str]:
    assert booking.id is not None
    bill = await bill_of_booking(session, booking.id)
    if bill is None:
        return lambda _language: ""
    how = await instructions(session, bill)
    return lambda language: instructions_text(bill, how, language) + "\n" + link(bill_path(bill))


async def _parties(session: AsyncSession, bill: Bill) -> tuple[Expo, Exhibitor]:
    expo = await session.get(Expo, bill.expo_id)
    exhibitor = await session.get(Exhibitor, bill.exhibitor_id)
    assert expo is not None
    assert exhibitor is not None
    return expo, exhibitor


async def payment_received(session: AsyncSession, bill: Bill, payment: Payment) -> None:
    expo, exhibitor = await _parties(session, bill)
    await notify_exhibitor(
        session,
        kind=MessageKind.PAYMENT_RECEIVED,
        expo=expo,
        exhibitor=exhibitor,
        key=f"payment:{payment.id}:received",
        context={
            "amount": format_rupiah(payment.amount),
            "number": bill.number,
            "receipt": payment.receipt_number or "",
            "outstanding": format_rupiah(outstanding(bill)) if outstanding(bill) else "",
            "link": link(bill_path(bill)),
        },
    )


async def proof_refused(session: AsyncSession, bill: Bill, proof: PaymentProof, *, resubmit: bool) -> None:
    expo, exhibitor = await _parties(session, bill)
    await notify_exhibitor(
        session,
        kind=MessageKind.PROOF_REJECTED,
        expo=expo,
        exhibitor=exhibitor,
        key=f"proof:{proof.id}:refused",
        context={
            "number": bill.number,
            "reason": proof.reason or "",
            "resubmit": resubmit,
            "link": link(bill_path(bill)),
        },
    )


async def hold_lapsed(session: AsyncSession, booking: Booking, bill: Bill) -> None:
    expo, exhibitor = await _parties(session, bill)
    booth = await session.get(Booth, booking.booth_id)
    await notify_exhibitor(
        session,
        kind=MessageKind.HOLD_LAPSED,
        expo=expo,
        exhibitor=exhibitor,
        key=f"bill:{bill.id}:lapsed",
        context={"booth": booth.code if booth else "", "number": bill.number, "link": link(f"/e/{expo.slug}/booths")},
    )


def due_text(bill: Bill, expo: Expo) -> Callable[[str], str]:
    """When a bill is due, in a language (for messages)."""
    if bill.due_at is not None:
        due_at = bill.due_at
        return lambda language: format_datetime(due_at, expo.timezone, locale=language)
    if bill.rest_due_on is not None:
        rest = bill.rest_due_on
        return lambda language: format_date(rest, locale=language)
    return lambda _language: ""
