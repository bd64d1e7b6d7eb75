"""The rules of online payment: when an exhibitor may pay a bill through the gateway, starting a
checkout, and what a verified notice does.

A settlement enters the ledger through ``booths.billing.ledger.record_payment`` (method ``online``,
keyed ``gw:<provider>:<order>`` so it is paid once however often it is told); a replayed notice is
recognised by its stored key and changes nothing; a settlement for another amount than the checkout
asked, or one the bill can no longer take (void after a lapsed hold, paid meanwhile at the desk), is
refused, flagged on the checkout and written in the audit log for the treasurer to refund.
"""

import json
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from booths.billing.bills import payment_setup
from booths.billing.gateway.midtrans import Midtrans
from booths.billing.gateway.models import CheckoutStatus, GatewayCheckout, GatewayNotice, NoticeOutcome
from booths.billing.gateway.provider import CheckoutRequest, Notice, NoticeStatus, Provider
from booths.billing.ledger import record_payment
from booths.billing.models import Bill, BillStatus, PaymentMethod
from booths.billing.states import outstanding
from booths.exhibitors.models import Exhibitor
from booths.venue.models import Expo
from expo import audit
from expo.accounts import CurrentUser, system_user
from expo.errors import Conflict, DomainError, InvalidInput, NotFound
from expo.formatting import as_utc, format_rupiah, utcnow
from expo.i18n import N_
from expo.settings import Settings

# A checkout with no hold deadline (the rest of a partly paid bill) stays open this long at the gateway.
OPEN_FOR = timedelta(hours=24)
# Statuses a later notice may still change; a paid or flagged checkout keeps its status.
_LIVE = (CheckoutStatus.OPEN, CheckoutStatus.PENDING)


def gateway_of(settings: Settings) -> Provider | None:
    """The configured gateway, or None: online payment is off unless a provider and its key are set."""
    if settings.payment_gateway == "midtrans" and settings.midtrans_server_key:
        return Midtrans(
            settings.midtrans_server_key, settings.midtrans_base_url, settings.payment_gateway_timeout_seconds
        )
    return None


@dataclass(frozen=True)
class OnlineOffer:
    """The "pay online" button of one bill: what it pays."""

    bill_id: int
    amount: int


def _payable(bill: Bill, now: datetime) -> bool:
    """Open and owing; an unpaid bill past its deadline has lost (or is losing) its booth."""
    if bill.status not in (BillStatus.UNPAID, BillStatus.PARTLY_PAID) or outstanding(bill) <= 0:
        return False
    return not (bill.status == BillStatus.UNPAID and bill.due_at is not None and as_utc(bill.due_at) <= now)


async def online_offers(session: AsyncSession, provider: Provider | None, bills: list[Bill]) -> dict[int, OnlineOffer]:
    """The bills (by id) the exhibitor may pay online now: the gateway is configured, the expo turned
    online payment on, and the bill is open and still owing."""
    if provider is None:
        return {}
    now = utcnow()
    offers: dict[int, OnlineOffer] = {}
    enabled: dict[int, bool] = {}
    for bill in bills:
        if bill.id is None or not _payable(bill, now):
            continue
        if bill.expo_id not in enabled:
            enabled[bill.expo_id] = (await payment_setup(session, bill.expo_id)).online_enabled
        if enabled[bill.expo_id]:
            offers[bill.id] = OnlineOffer(bill_id=bill.id, amount=outstanding(bill))
    return offers


async def bills_of_bookings(session: AsyncSession, booking_ids: list[int]) -> dict[int, Bill]:
    """The live bill of each booking (by booking id), for the "my booking" page."""
    if not booking_ids:
        return {}
    stmt = (
        sa.select(Bill)
        .where(col(Bill.booking_id).in_(booking_ids), col(Bill.status) != BillStatus.VOID)
        .order_by(col(Bill.id))
    )
    return {bill.booking_id: bill for bill in (await session.scalars(stmt)).all() if bill.booking_id is not None}


async def offers_for_bookings(
    session: AsyncSession, settings: Settings, booking_ids: list[int]
) -> dict[int, OnlineOffer]:
    """The "pay online" button of each booking (by booking id) that has one: the "my booking" page's
    one call."""
    provider = gateway_of(settings)
    if provider is None:
        return {}
    bills = await bills_of_bookings(session, booking_ids)
    offers = await online_offers(session, provider, list(bills.values()))
    return {booking_id: offers[bill.id] for booking_id, bill in bills.items() if bill.id in offers}


def _not_offered() -> NotFound:
    return NotFound(N_("Online payment is not offered for this bill."), code="online_payment_unavailable")


async def _own_bill(session: AsyncSession, bill_id: int, user: CurrentUser) -> tuple[Bill, Exhibitor]:
    """The user's own bill; another exhibitor's bill reads as no bill at all."""
    bill = await session.get(Bill, bill_id)
    exhibitor = await session.get(Exhibitor, bill.exhibitor_id) if bill is not None else None
    if bill is None or exhibitor is None or exhibitor.user_id is None or exhibitor.user_id != user.id:
        raise NotFound("No such bill.", code="bill_not_found")
    return bill, exhibitor


def new_order_id(bill: Bill) -> str:
    """``INV-EXPO26-0042-3f9a1c``: the bill's number as the gateway allows it (letters, digits, dashes),
    and a random tail so that each checkout of the same bill is its own order."""
    return f"{re.sub(r'[^A-Za-z0-9]+', '-', bill.number).strip('-')[:40]}-{secrets.token_hex(3)}"


async def start_checkout(
    session: AsyncSession, provider: Provider | None, bill_id: int, user: CurrentUser, return_url: str
) -> GatewayCheckout:
    """A hosted checkout for what is still owed on the user's bill; an open one for the same amount
    that has not expired is used again rather than asking the gateway for another."""
    bill, exhibitor = await _own_bill(session, bill_id, user)
    offers = await online_offers(session, provider, [bill])
    if provider is None or bill_id not in offers:
        raise _not_offered()
    amount = offers[bill_id].amount
    now = utcnow()
    reusable = await session.scalar(
        sa.select(GatewayCheckout)
        .where(
            col(GatewayCheckout.bill_id) == bill_id,
            col(GatewayCheckout.provider) == provider.name,
            col(GatewayCheckout.status) == CheckoutStatus.OPEN,
            col(GatewayCheckout.amount) == amount,
            col(GatewayCheckout.expires_at) > now,
        )
        .order_by(col(GatewayCheckout.id).desc())
        .limit(1)
    )
    if reusable is not None:
        return reusable
    expires_at = as_utc(bill.due_at) if bill.status == BillStatus.UNPAID and bill.due_at else now + OPEN_FOR
    order_id = new_order_id(bill)
    checkout = await provider.create_checkout(
        CheckoutRequest(
            order_id=order_id,
            amount=amount,
            description=bill.number,
            customer_name=exhibitor.name,
            customer_email=exhibitor.email,
            return_url=return_url,
            expires_at=expires_at,
        )
    )
    row = GatewayCheckout(
        expo_id=bill.expo_id,
        bill_id=bill_id,
        provider=provider.name,
        order_id=order_id,
        amount=amount,
        redirect_url=checkout.redirect_url[:500],
        created_by=user.id,
        expires_at=expires_at,
    )
    session.add(row)
    await session.flush()
    await audit.record(
        session, user, bill.expo_id, "gateway.checkout", f"{bill.number} · {order_id}", after={"amount": amount}
    )
    return row


async def own_checkout(
    session: AsyncSession, bill_id: int, checkout_id: int, user: CurrentUser
) -> tuple[GatewayCheckout, Bill, Expo]:
    """One of the user's checkouts, with its bill and expo (for the page that leads to the gateway)."""
    bill, _exhibitor = await _own_bill(session, bill_id, user)
    checkout = await session.get(GatewayCheckout, checkout_id)
    expo = await session.get(Expo, bill.expo_id)
    if checkout is None or checkout.bill_id != bill_id or expo is None:
        raise NotFound("No such checkout.", code="checkout_not_found")
    return checkout, bill, expo


@dataclass(frozen=True)
class NoticeResult:
    """What a notice did: its outcome (``replay`` when it was heard before), and for a refused
    settlement the refusal the webhook answers with (after the flag is committed)."""

    outcome: NoticeOutcome | None  # None: a replay, nothing changed
    refusal: DomainError | None = None

    @property
    def replay(self) -> bool:
        return self.outcome is None


async def receive_notice(session: AsyncSession, provider_name: str, notice: Notice) -> NoticeResult:
    """Act on a verified notice once. The notice's row is written first under its unique key: a
    second delivery of the same event (a retry, a replay, two at once) stops there."""
    checkout = await session.scalar(
        sa.select(GatewayCheckout).where(
            col(GatewayCheckout.order_id) == notice.order_id, col(GatewayCheckout.provider) == provider_name
        )
    )
    if checkout is None or checkout.id is None:
        raise NotFound("No such checkout.", code="checkout_not_found")
    heard = await session.scalar(
        sa.select(col(GatewayNotice.id)).where(
            col(GatewayNotice.provider) == provider_name, col(GatewayNotice.event_key) == notice.event_id
        )
    )
    if heard is not None:
        return NoticeResult(None)
    row = GatewayNotice(
        provider=provider_name,
        event_key=notice.event_id,
        checkout_id=checkout.id,
        order_id=notice.order_id,
        status=notice.provider_status or notice.status.value,
        amount=notice.amount,
        outcome=NoticeOutcome.IGNORED,
        raw=json.dumps(notice.raw, ensure_ascii=False, default=str)[:20_000],
    )
    session.add(row)
    try:
        async with session.begin_nested():
            await session.flush()
    except IntegrityError:  # the same event, delivered twice at once: the other one acts
        return NoticeResult(None)
    result = await _act(session, provider_name, checkout, notice, row)
    row.outcome = result.outcome or NoticeOutcome.IGNORED
    checkout.updated_at = utcnow()
    await session.flush()
    return result


async def _act(
    session: AsyncSession, provider_name: str, checkout: GatewayCheckout, notice: Notice, row: GatewayNotice
) -> NoticeResult:
    if notice.status == NoticeStatus.OTHER:
        return NoticeResult(NoticeOutcome.IGNORED)
    if notice.status != NoticeStatus.PAID:
        if checkout.status in _LIVE:
            checkout.status = {
                NoticeStatus.PENDING: CheckoutStatus.PENDING,
                NoticeStatus.FAILED: CheckoutStatus.FAILED,
                NoticeStatus.EXPIRED: CheckoutStatus.EXPIRED,
            }[notice.status]
        return NoticeResult(NoticeOutcome.STATUS)
    gateway = system_user(f"gateway:{provider_name}")
    bill = await session.get(Bill, checkout.bill_id)
    assert bill is not None
    if notice.amount != checkout.amount:
        checkout.status = CheckoutStatus.FLAGGED
        await audit.record(
            session,
            gateway,
            checkout.expo_id,
            "gateway.amount_mismatch",
            f"{bill.number} · {checkout.order_id}",
            after={"expected": checkout.amount, "received": notice.amount, "status": notice.provider_status},
        )
        message = N_("The amount paid (%(received)s) is not the checkout's (%(expected)s); it was not recorded.")
        params: dict[str, object] = {
            "received": format_rupiah(notice.amount),
            "expected": format_rupiah(checkout.amount),
        }
        return NoticeResult(
            NoticeOutcome.MISMATCH, InvalidInput(message, code="gateway_amount_mismatch", params=params)
        )
    expo = await session.get(Expo, checkout.expo_id)
    paid_on = datetime.now(ZoneInfo(expo.timezone if expo else "Asia/Jakarta")).date()
    try:
        payment = await record_payment(
            session,
            checkout.bill_id,
            amount=checkout.amount,
            method=PaymentMethod.ONLINE,
            paid_on=paid_on,
            reference=checkout.order_id,
            actor=gateway,
            source="online",
            idempotency_key=f"gw:{provider_name}:{checkout.order_id}",
            note=f"{provider_name} {notice.provider_status}",
        )
    except DomainError as refused:
        checkout.status = CheckoutStatus.FLAGGED
        await audit.record(
            session,
            gateway,
            checkout.expo_id,
            "gateway.payment_refused",
            f"{bill.number} · {checkout.order_id}",
            after={"amount": notice.amount, "code": refused.code},
        )
        message = N_("The payment was received but bill %(number)s cannot take it; the committee will refund it.")
        return NoticeResult(
            NoticeOutcome.REFUSED, Conflict(message, code="gateway_payment_refused", params={"number": bill.number})
        )
    checkout.status = CheckoutStatus.PAID
    row.payment_id = payment.id
    return NoticeResult(NoticeOutcome.PAID)


@dataclass(frozen=True)
class FlaggedSettlement:
    """Money the gateway says was paid that did not enter the ledger: the treasurer settles it by hand
    (records the payment at the desk, or refunds it through the gateway's dashboard)."""

    bill_id: int
    bill_number: str
    order_id: str
    expected: int
    received: int
    outcome: NoticeOutcome
    received_at: datetime


async def flagged_settlements(
    session: AsyncSession, expo_id: int, bill_id: int | None = None, limit: int = 50
) -> list[FlaggedSettlement]:
    """Settlements refused for another amount or for a bill that could not take them, newest first."""
    query = (
        sa.select(
            col(Bill.id),
            col(Bill.number),
            col(GatewayCheckout.order_id),
            col(GatewayCheckout.amount),
            col(GatewayNotice.amount),
            col(GatewayNotice.outcome),
            col(GatewayNotice.received_at),
        )
        .join(GatewayCheckout, col(GatewayCheckout.id) == col(GatewayNotice.checkout_id))
        .join(Bill, col(Bill.id) == col(GatewayCheckout.bill_id))
        .where(
            col(GatewayCheckout.expo_id) == expo_id,
            col(GatewayNotice.outcome).in_([NoticeOutcome.MISMATCH, NoticeOutcome.REFUSED]),
        )
        .order_by(col(GatewayNotice.received_at).desc(), col(GatewayNotice.id).desc())
        .limit(limit)
    )
    if bill_id is not None:
        query = query.where(col(Bill.id) == bill_id)
    return [
        FlaggedSettlement(bill, number, order, expected, received, NoticeOutcome(outcome), at)
        for bill, number, order, expected, received, outcome, at in (await session.execute(query)).all()
        if bill is not None  # a joined bill always has its id; this tells the type checker so
    ]
