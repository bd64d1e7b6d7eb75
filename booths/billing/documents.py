"""Invoices and receipts from the books: who may have which, the documents' data read from a bill or a
payment (``booths.billing.draw`` draws them), and what a verification link proves.

An exhibitor gets the documents of its own bills only; the committee roles that handle payments get
any of their expo's. Someone else's bill is "not found", never "forbidden", so a bill number cannot
be probed. Images (the treasurer's signature, the QRIS code) are read through ``load_image`` when the
caller gives one (the app's file storage); without it the documents print without them.
"""

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from booths.billing.bills import payment_setup
from booths.billing.draw import (
    BankAccount,
    BillDocument,
    DocumentMismatch,
    Letterhead,
    Line,
    Party,
    PaymentInstructions,
    ReceiptDocument,
    Signatory,
)
from booths.billing.draw.documents import BillState, Method
from booths.billing.models import BankAccount as BankAccountRow
from booths.billing.models import Bill, BillLine, LineKind, Payment, PaymentSetup
from booths.billing.verification import Claim, read, verify_url
from booths.bookings.models import Booking
from booths.exhibitors.models import Exhibitor
from booths.venue.models import Booth, Expo
from expo.accounts import CurrentUser
from expo.errors import Conflict, NotFound
from expo.formatting import as_utc
from expo.i18n import N_, translate
from expo.permissions import Area

_STATES: dict[str, BillState] = {"unpaid": "unpaid", "partly_paid": "partly_paid", "paid": "paid", "void": "void"}
_METHODS: dict[str, Method] = {m: m for m in ("transfer", "qris", "cash", "online", "waived")}
ImageLoader = Callable[[str], Awaitable[bytes | None]]
# Lines of a bill that the invoice's table lists; a discount and the unique code are rows of its sums.
TABLE_KINDS = frozenset({LineKind.BOOTH, LineKind.ADDON, LineKind.MOVE, LineKind.CANCELLED})


@dataclass(frozen=True)
class Signing:
    """What a document's verification link needs: the derived key and the site's public address."""

    key: bytes
    base_url: str


# --- who may have which document ----------------------------------------------------------------
async def _may_read(session: AsyncSession, bill: Bill, user: CurrentUser, own_only: bool) -> bool:
    """The committee's payment roles read every bill of their expo; an exhibitor its own. ``own_only``:
    only the owner (the exhibitor's own download, whatever other role the account has)."""
    if not own_only and user.may(bill.expo_id, Area.PAYMENTS):
        return True
    exhibitor = await session.get(Exhibitor, bill.exhibitor_id)
    return exhibitor is not None and exhibitor.user_id == user.id


async def readable_bill(
    session: AsyncSession, bill_id: int, user: CurrentUser, *, expo_id: int | None = None, own_only: bool = False
) -> Bill:
    """The bill, if ``user`` may have its invoice (and it belongs to ``expo_id`` when given)."""
    bill = await session.get(Bill, bill_id)
    if bill is None or (expo_id is not None and bill.expo_id != expo_id):
        raise NotFound("No such bill.", code="bill_not_found")
    if not await _may_read(session, bill, user, own_only):
        raise NotFound("No such bill.", code="bill_not_found")
    return bill


async def readable_payment(
    session: AsyncSession, payment_id: int, user: CurrentUser, *, expo_id: int | None = None, own_only: bool = False
) -> tuple[Payment, Bill]:
    """A payment with a receipt and its bill, if ``user`` may have the receipt."""
    payment = await session.get(Payment, payment_id)
    missing = NotFound("No such receipt.", code="receipt_not_found")
    if payment is None or payment.receipt_number is None or payment.amount <= 0:
        raise missing  # a reversal has no receipt of its own
    if expo_id is not None and payment.expo_id != expo_id:
        raise missing
    bill = await session.get(Bill, payment.bill_id)
    if bill is None or not await _may_read(session, bill, user, own_only):
        raise missing
    return payment, bill


# --- the documents' data ------------------------------------------------------------------------
def _local_day(moment: datetime, expo: Expo) -> date:
    return as_utc(moment).astimezone(ZoneInfo(expo.timezone)).date()


async def _image(load: ImageLoader | None, key: str | None) -> bytes | None:
    return await load(key) if load is not None and key else None


def _letterhead(expo: Expo, setup: PaymentSetup, locale: str) -> Letterhead:
    contact = " · ".join(c for c in (expo.contact_whatsapp, expo.contact_email) if c)
    return Letterhead(
        organiser_name=setup.issuer_name or translate(N_("Committee of %(expo)s"), {"expo": expo.name}, locale),
        organiser_address=setup.issuer_address,
        expo_name=expo.name,
        expo_start=expo.starts_on,
        expo_end=expo.ends_on,
        venue=", ".join(part for part in (expo.venue, expo.city) if part),
        contact=contact,
    )


def _party(exhibitor: Exhibitor) -> Party:
    return Party(
        name=exhibitor.contact_name,
        business=exhibitor.name,
        nib=exhibitor.nib,
        address=", ".join(part for part in (exhibitor.pesantren_name, exhibitor.regency) if part),
        whatsapp=exhibitor.whatsapp,
    )


async def _signatory(setup: PaymentSetup, expo: Expo, load: ImageLoader | None) -> Signatory:
    return Signatory(
        name=setup.treasurer_name or "",
        place=expo.city,
        signature=await _image(load, setup.signature_image_key),
    )


def _line_text(line: BillLine, locale: str) -> str:
    """What the invoice says of a line: the stored description, named for what it is."""
    if line.kind == LineKind.BOOTH:
        return translate(N_("Booth rental %(booth)s"), {"booth": line.description}, locale)
    if line.kind == LineKind.MOVE:
        return translate(N_("Difference for the move %(move)s"), {"move": line.description}, locale)
    return line.description


async def _context(session: AsyncSession, bill: Bill) -> tuple[Expo, PaymentSetup, Exhibitor]:
    expo = await session.get(Expo, bill.expo_id)
    exhibitor = await session.get(Exhibitor, bill.exhibitor_id)
    if expo is None or exhibitor is None:
        raise NotFound("No such bill.", code="bill_not_found")
    return expo, await payment_setup(session, bill.expo_id), exhibitor


def _mismatch(number: str) -> Conflict:
    return Conflict(
        "The figures of %(number)s do not add up; the treasurer must check the bill before it is printed.",
        code="document_mismatch",
        params={"number": number},
    )


async def invoice_document(
    session: AsyncSession, bill: Bill, signing: Signing, locale: str, load_image: ImageLoader | None = None
) -> BillDocument:
    """The invoice of ``bill`` as it stands now."""
    assert bill.id is not None
    expo, setup, exhibitor = await _context(session, bill)
    rows = (
        await session.scalars(sa.select(BillLine).where(col(BillLine.bill_id) == bill.id).order_by(col(BillLine.id)))
    ).all()
    lines = tuple(
        Line(_line_text(r, locale), r.quantity, r.unit_price, r.amount) for r in rows if r.kind in TABLE_KINDS
    )
    discount = -sum(r.amount for r in rows if r.kind == LineKind.DISCOUNT)
    unique_code = sum(r.amount for r in rows if r.kind == LineKind.UNIQUE_CODE)
    accounts = (
        await session.scalars(
            sa.select(BankAccountRow)
            .where(col(BankAccountRow.expo_id) == bill.expo_id, col(BankAccountRow.active))
            .order_by(col(BankAccountRow.position), col(BankAccountRow.id))
        )
    ).all()
    cash = ""
    if setup.cash_enabled and setup.cash_place:
        cash = f"{setup.cash_place} ({setup.cash_hours})" if setup.cash_hours else setup.cash_place
    due = bill.rest_due_on if bill.paid > 0 and bill.rest_due_on else None
    if due is None and bill.due_at is not None and bill.paid <= 0:
        due = _local_day(bill.due_at, expo)
    claim = Claim(kind="invoice", expo_id=bill.expo_id, number=bill.number, amount=bill.total)
    try:
        return BillDocument(
            letterhead=_letterhead(expo, setup, locale),
            number=bill.number,
            issued_on=_local_day(bill.issued_at, expo),
            due_on=due,
            exhibitor=_party(exhibitor),
            lines=lines,
            subtotal=sum(line.amount for line in lines),
            discount=discount,
            unique_code=unique_code,
            total=bill.total,
            paid=bill.paid,
            outstanding=bill.total - bill.paid,
            down_payment=bill.down_payment,
            payment=PaymentInstructions(
                bank_accounts=tuple(BankAccount(a.bank, a.number, a.holder) for a in accounts),
                qris=await _image(load_image, setup.qris_image_key),
                cash_place=cash,
            ),
            treasurer=await _signatory(setup, expo, load_image),
            verify_url=verify_url(signing.base_url, signing.key, claim),
            state=_STATES[str(bill.status)],
            locale=locale,
        )
    except DocumentMismatch as exc:
        raise _mismatch(bill.number) from exc


async def _booth_code(session: AsyncSession, bill: Bill) -> str:
    booking = await session.get(Booking, bill.booking_id) if bill.booking_id else None
    booth = await session.get(Booth, booking.booth_id) if booking is not None else None
    return booth.code if booth is not None else ""


def _purpose(paid_before: int, outstanding_after: int, booth: str, bill: Bill, expo: Expo, locale: str) -> str:
    """What a payment was for, as a kwitansi words it: in full, the settlement of the rest, or a part."""
    if outstanding_after <= 0:
        message = (
            N_("Payment in full of booth %(booth)s, %(expo)s")
            if paid_before <= 0
            else N_("Settlement of booth %(booth)s, %(expo)s")
        )
    else:
        message = N_("Part payment of booth %(booth)s, %(expo)s")
    return translate(message, {"booth": booth or bill.number, "expo": expo.name}, locale)


async def receipt_document(
    session: AsyncSession,
    payment: Payment,
    bill: Bill,
    signing: Signing,
    locale: str,
    load_image: ImageLoader | None = None,
) -> ReceiptDocument:
    """The receipt of one payment: what the bill still lacked right after it."""
    assert payment.receipt_number is not None
    expo, setup, exhibitor = await _context(session, bill)
    paid_before = await session.scalar(
        sa.select(sa.func.coalesce(sa.func.sum(col(Payment.amount)), 0)).where(
            col(Payment.bill_id) == bill.id, col(Payment.id) < payment.id
        )
    )
    after = bill.total - int(paid_before or 0) - payment.amount
    booth = await _booth_code(session, bill)
    claim = Claim(kind="receipt", expo_id=payment.expo_id, number=payment.receipt_number, amount=payment.amount)
    try:
        return ReceiptDocument(
            letterhead=_letterhead(expo, setup, locale),
            number=payment.receipt_number,
            issued_on=_local_day(payment.recorded_at, expo),
            received_from=_party(exhibitor),
            amount=payment.amount,
            method=_METHODS[str(payment.method)],
            paid_on=payment.paid_on,
            purpose=_purpose(int(paid_before or 0), after, booth, bill, expo, locale),
            treasurer=await _signatory(setup, expo, load_image),
            verify_url=verify_url(signing.base_url, signing.key, claim),
            bill_number=bill.number,
            reference=payment.reference,
            outstanding_after=max(after, 0),
            locale=locale,
        )
    except DocumentMismatch as exc:
        raise _mismatch(payment.receipt_number) from exc


async def receipt_payments(session: AsyncSession, expo_id: int, after_id: int, limit: int) -> Sequence[Payment]:
    """The next ``limit`` payments of the expo that have a receipt, in the order they were recorded."""
    stmt = (
        sa.select(Payment)
        .where(
            col(Payment.expo_id) == expo_id,
            col(Payment.receipt_number).is_not(None),
            col(Payment.amount) > 0,
            col(Payment.id) > after_id,
        )
        .order_by(col(Payment.id))
        .limit(limit)
    )
    return (await session.scalars(stmt)).all()


# --- verification ------------------------------------------------------------------------------
@dataclass(frozen=True)
class Verdict:
    """What the public verification page says. Only business facts: no person, no contact."""

    genuine: bool
    kind: str = ""
    number: str = ""
    expo_name: str = ""
    business: str = ""
    amount: int = 0
    day: date | None = None
    note: str = ""  # a message id: void, reversed, changed since


async def verify_token(session: AsyncSession, key: bytes, token: str) -> Verdict:
    """Whether ``token`` was signed by this site for a document that exists, with its facts."""
    claim = read(key, token)
    if claim is None:
        return Verdict(genuine=False)
    expo = await session.get(Expo, claim.expo_id)
    if expo is None:
        return Verdict(genuine=False)
    if claim.kind == "invoice":
        bill = await session.scalar(
            sa.select(Bill).where(col(Bill.expo_id) == expo.id, col(Bill.number) == claim.number)
        )
        if bill is None:
            return Verdict(genuine=False)
        note = ""
        if str(bill.status) == "void":
            note = N_("This bill was cancelled.")
        elif bill.total != claim.amount:
            note = N_("This bill has changed since this copy was printed; ask for a new one.")
        day = _local_day(bill.issued_at, expo)
    else:
        payment = await session.scalar(
            sa.select(Payment).where(col(Payment.expo_id) == expo.id, col(Payment.receipt_number) == claim.number)
        )
        if payment is None or payment.amount != claim.amount:
            return Verdict(genuine=False)
        bill = await session.get(Bill, payment.bill_id)
        if bill is None:
            return Verdict(genuine=False)
        reversed_ = await session.scalar(sa.select(col(Payment.id)).where(col(Payment.reverses_id) == payment.id))
        note = N_("This payment was later reversed by the treasurer.") if reversed_ is not None else ""
        day = payment.paid_on
    exhibitor = await session.get(Exhibitor, bill.exhibitor_id)
    return Verdict(
        genuine=True,
        kind=claim.kind,
        number=claim.number,
        expo_name=expo.name,
        business=exhibitor.name if exhibitor is not None else "",
        amount=claim.amount,
        day=day,
        note=note,
    )
