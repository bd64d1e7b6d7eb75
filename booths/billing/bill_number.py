"""A new bill's number and unique code, given last in its transaction.

The number comes from the expo's invoice counter, whose row lock (PostgreSQL) is held from the bump
until the commit, so every statement after it keeps the other bills of the moment waiting: when
booking opens, 50 winners pass that lock one at a time. So the bill, its booth line and its deadline
are written first under a provisional number, and the number and the code come last:

- **PostgreSQL**: the counter's row is locked (``FOR UPDATE``), then one statement bumps it, picks a
  code no other open bill of the same amount uses, numbers the bill, adds the code to its total and
  down payment and writes the code's line; then the commit. Three round trips under the lock, where
  there were six. The statement starts after the lock is granted, so it reads the codes of every bill
  numbered before (each committed before the lock was given on): two bills never share a code.
- **Other engines** (SQLite): the same steps as separate statements; SQLite's write lock already
  lets one writer through at a time.
"""

import secrets
import uuid
from collections.abc import Callable
from functools import lru_cache
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.attributes import set_committed_value
from sqlmodel import col

from booths.billing.models import Bill, BillLine, BillStatus, DocumentCounter, LineKind, PaymentSetup
from booths.billing.numbering import INVOICE, document_number, next_number, number_head
from booths.billing.states import down_payment_for
from expo.formatting import utcnow
from expo.metadata import table_of

_OPEN = (BillStatus.UNPAID, BillStatus.PARTLY_PAID)


def provisional_number() -> str:
    """A bill's number until ``number_bill`` gives the real one, in the same transaction (unique, so
    the (expo, number) constraint holds; never seen outside the transaction)."""
    return f"~{uuid.uuid4().hex}"


def _codes_in_use(expo_id: Any, base: Any) -> sa.Select[Any]:
    """The unique codes of the expo's open bills for a booth of the same amount."""
    return (
        sa.select(col(Bill.unique_code))
        .join(BillLine, col(BillLine.bill_id) == col(Bill.id))
        .where(
            col(Bill.expo_id) == expo_id,
            col(Bill.status).in_(_OPEN),
            col(BillLine.kind) == LineKind.BOOTH,
            col(BillLine.amount) == base,
        )
    )


async def _unique_code(session: AsyncSession, expo_id: int, base: int) -> int:
    """1..999 rupiah that no other open bill of the same base amount in this expo uses, so that each
    transfer on the bank statement points at one bill."""
    used = set((await session.scalars(_codes_in_use(expo_id, base))).all())
    free = [code for code in range(1, 1000) if code not in used]
    return secrets.choice(free) if free else 0


def free_code_order(code: sa.ColumnElement[int]) -> sa.ColumnElement[Any]:
    """Which free code PostgreSQL takes: any, at random (a test takes the lowest, to show that a
    stale read would give two bills the same one)."""
    return sa.func.random()


@lru_cache(maxsize=4)
def _number_and_code_statement(order: Callable[[sa.ColumnElement[int]], sa.ColumnElement[Any]]) -> sa.Select[Any]:
    """Built once (bind parameters ``the_expo_id``, ``the_kind``, ``the_bill_id``, ``the_base``,
    ``the_with_code``, ``the_head``, ``the_now``; named apart from every column, which an UPDATE
    would take for values to set): bump the counter, pick the code, number the bill, write the code's
    line."""
    counter, bills, lines = table_of(DocumentCounter), table_of(Bill), table_of(BillLine)
    bumped = (
        sa.update(counter)
        .where(counter.c.expo_id == sa.bindparam("the_expo_id"), counter.c.kind == sa.bindparam("the_kind"))
        .values(last=counter.c.last + 1)
        .returning(counter.c.expo_id, counter.c.last)
        .cte("bumped")
    )
    candidates = sa.func.generate_series(1, 999).table_valued("code").render_derived(name="candidates")
    free = (
        sa.select(candidates.c.code)
        .where(candidates.c.code.not_in(_codes_in_use(sa.bindparam("the_expo_id"), sa.bindparam("the_base"))))
        .order_by(order(candidates.c.code))
        .limit(1)
        .scalar_subquery()
    )
    picked = sa.select(
        bumped.c.expo_id,
        bumped.c.last,
        sa.case((sa.bindparam("the_with_code", type_=sa.Boolean), sa.func.coalesce(free, 0)), else_=0).label("code"),
    ).cte("picked")
    serial = sa.cast(picked.c.last, sa.Text)
    numbered = (
        sa.update(bills)
        .where(bills.c.id == sa.bindparam("the_bill_id"), bills.c.expo_id == picked.c.expo_id)
        .values(
            number=sa.bindparam("the_head", type_=sa.Text)
            + sa.case((picked.c.last < 10000, sa.func.lpad(serial, 4, "0")), else_=serial),
            unique_code=picked.c.code,
            total=bills.c.total + picked.c.code,
            down_payment=sa.case((bills.c.down_payment > 0, bills.c.down_payment + picked.c.code), else_=0),
        )
        .returning(bills.c.number, bills.c.unique_code, bills.c.total, bills.c.down_payment)
        .cte("numbered")
    )
    code_line = (
        sa.insert(lines)
        .from_select(
            ["bill_id", "kind", "description", "quantity", "unit_price", "amount", "created_at"],
            sa.select(
                sa.bindparam("the_bill_id", type_=sa.Integer),
                sa.literal(LineKind.UNIQUE_CODE.value),
                sa.literal(""),
                sa.literal(1),
                numbered.c.unique_code,
                numbered.c.unique_code,
                sa.bindparam("the_now", type_=lines.c.created_at.type),
            ).where(numbered.c.unique_code > 0),
        )
        .cte("code_line")
    )
    return sa.select(numbered.c.number, numbered.c.unique_code, numbered.c.total, numbered.c.down_payment).add_cte(
        code_line
    )


async def _lock_counter(session: AsyncSession, expo_id: int, kind: str) -> None:
    """Wait for the counter's row lock (its row made on the expo's first document)."""
    locked = (
        sa.select(col(DocumentCounter.last))
        .where(col(DocumentCounter.expo_id) == expo_id, col(DocumentCounter.kind) == kind)
        .with_for_update()
    )
    if await session.scalar(locked) is None:
        await session.execute(
            pg_insert(DocumentCounter).values(expo_id=expo_id, kind=kind, last=0).on_conflict_do_nothing()
        )
        await session.scalar(locked)


async def number_bill(session: AsyncSession, bill: Bill, setup: PaymentSetup, prefix: str, base: int) -> None:
    """Give a bill written with a provisional number (total ``base``, down payment without a code)
    its number and, when the expo uses them, its unique code and the code's line. Call it last in
    the transaction: the counter stays locked until the commit."""
    assert bill.id is not None
    if session.get_bind().dialect.name == "postgresql":
        statement = _number_and_code_statement(free_code_order)  # built before the lock is waited for
        await _lock_counter(session, bill.expo_id, INVOICE)
        row = (
            await session.execute(
                statement,
                {
                    "the_expo_id": bill.expo_id,
                    "the_kind": INVOICE,
                    "the_bill_id": bill.id,
                    "the_base": base,
                    "the_with_code": setup.unique_code,
                    "the_head": number_head(INVOICE, prefix),
                    "the_now": utcnow(),
                },
            )
        ).one()
        for name in ("number", "unique_code", "total", "down_payment"):
            set_committed_value(bill, name, getattr(row, name))
        return
    serial = await next_number(session, bill.expo_id, INVOICE)
    code = await _unique_code(session, bill.expo_id, base) if setup.unique_code else 0
    bill.number = document_number(INVOICE, prefix, serial)
    bill.unique_code, bill.total = code, base + code
    bill.down_payment = down_payment_for(setup, base, code)
    if code:
        session.add(BillLine(bill_id=bill.id, kind=LineKind.UNIQUE_CODE, description="", unit_price=code, amount=code))
    await session.flush()
