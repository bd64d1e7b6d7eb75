"""The committee's payment set-up: how exhibitors pay (bank accounts, cash desk), down payments, the
unique code, and who signs the documents. Every change is in the change log."""

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from booths.billing.bills import payment_setup
from booths.billing.models import BankAccount, PaymentSetup
from booths.billing.schemas import AccountIn, SetupIn
from expo import audit
from expo.accounts import CurrentUser
from expo.errors import Forbidden, NotFound
from expo.formatting import utcnow
from expo.permissions import Area

_FIELDS = tuple(SetupIn.model_fields)


def _check_may(actor: CurrentUser, expo_id: int) -> None:
    if not actor.may(expo_id, Area.PAYMENTS):
        raise Forbidden("Only the treasurer or an organiser may change how the expo is paid.", code="not_treasurer")


async def save_setup(session: AsyncSession, expo_id: int, data: SetupIn, actor: CurrentUser) -> PaymentSetup:
    _check_may(actor, expo_id)
    setup = await session.get(PaymentSetup, expo_id)
    if setup is None:
        setup = PaymentSetup(expo_id=expo_id)
        session.add(setup)
    before = audit.snapshot(setup, _FIELDS)
    for name in _FIELDS:
        setattr(setup, name, getattr(data, name))
    setup.invoice_prefix = data.invoice_prefix.upper()
    setup.updated_at = utcnow()
    await session.flush()
    old, new = audit.changed(before, audit.snapshot(setup, _FIELDS))
    if new:
        await audit.record(session, actor, expo_id, "payments.setup", "", before=old, after=new)
    return setup


async def add_account(session: AsyncSession, expo_id: int, data: AccountIn, actor: CurrentUser) -> BankAccount:
    _check_may(actor, expo_id)
    last = await session.scalar(sa.select(sa.func.max(BankAccount.position)).where(col(BankAccount.expo_id) == expo_id))
    account = BankAccount(
        expo_id=expo_id,
        bank=data.bank.strip(),
        number=data.number.strip(),
        holder=data.holder.strip(),
        position=int(last or 0) + 1,
    )
    session.add(account)
    await session.flush()
    await audit.record(
        session, actor, expo_id, "payments.account_added", f"{account.bank} {account.number}", after=data.model_dump()
    )
    return account


async def remove_account(session: AsyncSession, expo_id: int, account_id: int, actor: CurrentUser) -> None:
    """An account is taken out of the instructions, not deleted: old invoices still name it."""
    _check_may(actor, expo_id)
    account = await session.get(BankAccount, account_id)
    if account is None or account.expo_id != expo_id or not account.active:
        raise NotFound("No such bank account.", code="account_not_found")
    account.active = False
    await session.flush()
    await audit.record(session, actor, expo_id, "payments.account_removed", f"{account.bank} {account.number}")


__all__ = ["add_account", "payment_setup", "remove_account", "save_setup"]
