"""A bank statement in an expo: its credits kept once each, matched to open bills, approved into the ledger.

Import: the file is read by the pure ``booths.billing.statement`` in a worker thread (a month of a
busy account is thousands of lines); each credit is stored as a ``StatementLine`` keyed by
``(expo, credit_key)``, inserted with ``ON CONFLICT DO NOTHING``: a statement imported twice, or two
overlapping ones, give each line once, and a line already approved stays approved.

Review: the lines not yet approved are matched (``booths.billing.statement_match``) against the
expo's open bills as they are now, so a bill paid meanwhile at the desk is no longer proposed.

Approve: each chosen line is claimed (``approved_at`` set only where it is still empty, so of two
treasurers approving at once one claims it and the other skips it), then recorded through
``booths.billing.ledger.record_payment`` with the line as its idempotency key; the ledger writes the
audit entry, confirms the booking and sends the receipt.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from functools import partial

import anyio.to_thread
import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from booths.billing.ledger import attempt_key, record_payment
from booths.billing.models import Bill, BillStatus, Payment, PaymentMethod
from booths.billing.statement import Credit, LineProblem, parse_statement
from booths.billing.statement_match import MatchKind, OpenBill, Reason, match_credits
from booths.billing.statement_models import StatementLine
from booths.billing.states import outstanding
from booths.exhibitors.models import Exhibitor
from expo.accounts import CurrentUser
from expo.errors import DomainError, Forbidden, InvalidInput, NotFound
from expo.formatting import format_rupiah, utcnow
from expo.i18n import N_, translate
from expo.metadata import table_of
from expo.permissions import Area

SHOWN = 500  # rows per table of the page; more waiting lines are matched all the same
MAX_APPROVE = 2000

_line = table_of(StatementLine)


@dataclass(frozen=True)
class ImportOutcome:
    credits: int  # credits read from the file
    added: int  # lines new to this expo
    skipped: int  # debits and lines of no money, left out on purpose
    problems: tuple[LineProblem, ...]  # lines that could not be read, with their line numbers


def check_payments(by: CurrentUser, expo_id: int) -> None:
    """The routes are guarded; the rule says it again so no other caller can skip it."""
    if not by.may(expo_id, Area.PAYMENTS):
        raise Forbidden(code="payments_forbidden")


async def import_statement(
    session: AsyncSession, expo_id: int, data: bytes, filename: str, *, by: CurrentUser, today: date
) -> ImportOutcome:
    """Read ``data`` and keep its credits; ``today`` gives the year of dates written without one."""
    check_payments(by, expo_id)
    parsed = await anyio.to_thread.run_sync(partial(parse_statement, data, filename, year=today.year))
    name = filename.replace("\\", "/").rsplit("/", 1)[-1][:200]
    now = utcnow()
    rows = [
        {
            "expo_id": expo_id,
            "line_key": credit.key,
            "booked_on": credit.on,
            "description": credit.description[:500],
            "amount": credit.amount,
            "balance": credit.balance,
            "source_line": credit.line,
            "file_name": name,
            "imported_at": now,
            "imported_by": by.id if not by.everything else None,
        }
        for credit in parsed.credits
    ]
    added = 0
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    for start in range(0, len(rows), 500):  # well under either engine's limit of bound parameters
        statement = (
            insert(_line)
            .values(rows[start : start + 500])
            .on_conflict_do_nothing(index_elements=["expo_id", "line_key"])
            .returning(_line.c.id)
        )
        added += len((await session.execute(statement)).all())
    return ImportOutcome(len(parsed.credits), added, parsed.skipped, parsed.problems)


@dataclass(frozen=True)
class ProposalRow:
    line_id: int
    booked_on: date
    description: str
    amount: int
    kind: MatchKind
    bill: OpenBill | None
    candidates: tuple[OpenBill, ...]
    reasons: tuple[Reason, ...]


@dataclass(frozen=True)
class UnmatchedRow:
    line_id: int
    booked_on: date
    description: str
    amount: int
    file_name: str
    source_line: int
    taken: bool  # its amount fits a bill proposed for a stronger transfer


@dataclass(frozen=True)
class ApprovedRow:
    line_id: int
    booked_on: date
    description: str
    amount: int
    bill_id: int
    bill_number: str
    receipt_number: str | None
    approved_at: datetime


@dataclass(frozen=True)
class Review:
    proposals: list[ProposalRow]
    unmatched: list[UnmatchedRow]
    approved: list[ApprovedRow]
    waiting: int  # lines not yet approved, all of them (the tables show the first ``SHOWN``)


async def open_bills(session: AsyncSession, expo_id: int) -> list[OpenBill]:
    """The expo's bills that still want money, as the matcher needs them."""
    stmt = (
        sa.select(Bill, col(Exhibitor.name))
        .join(Exhibitor, col(Exhibitor.id) == col(Bill.exhibitor_id))
        .where(col(Bill.expo_id) == expo_id, col(Bill.status).in_([BillStatus.UNPAID, BillStatus.PARTLY_PAID]))
    )
    bills = []
    for bill, name in (await session.execute(stmt)).all():
        assert bill.id is not None
        owed = outstanding(bill)
        if owed <= 0:
            continue
        # A down payment is due only while nothing is paid; after it, the rest is the outstanding amount.
        down = bill.down_payment if bill.paid == 0 and 0 < bill.down_payment < owed else None
        bills.append(OpenBill(bill.id, bill.number, name, owed, down))
    return bills


async def review(session: AsyncSession, expo_id: int, *, by: CurrentUser) -> Review:
    check_payments(by, expo_id)
    waiting = list(
        (
            await session.scalars(
                sa.select(StatementLine)
                .where(col(StatementLine.expo_id) == expo_id, col(StatementLine.payment_id).is_(None))
                .order_by(col(StatementLine.booked_on), col(StatementLine.id))
            )
        ).all()
    )
    credits = [
        Credit(line.source_line, line.booked_on, line.description, line.amount, line.balance, line.line_key)
        for line in waiting
    ]
    proposals: list[ProposalRow] = []
    unmatched: list[UnmatchedRow] = []
    for line, proposal in zip(waiting, match_credits(credits, await open_bills(session, expo_id)), strict=True):
        assert line.id is not None
        if proposal.kind == MatchKind.UNMATCHED:
            unmatched.append(
                UnmatchedRow(
                    line.id,
                    line.booked_on,
                    line.description,
                    line.amount,
                    line.file_name,
                    line.source_line,
                    Reason.TAKEN in proposal.reasons,
                )
            )
        else:
            proposals.append(
                ProposalRow(
                    line.id,
                    line.booked_on,
                    line.description,
                    line.amount,
                    proposal.kind,
                    proposal.bill,
                    proposal.candidates,
                    proposal.reasons,
                )
            )
    # Strongest first, so that what can be approved at a glance is on top.
    order = {MatchKind.EXACT: 0, MatchKind.REFERENCE: 1, MatchKind.AMBIGUOUS: 2}
    proposals.sort(key=lambda p: (order[p.kind], p.booked_on, p.line_id))
    return Review(proposals[:SHOWN], unmatched[:SHOWN], await _approved(session, expo_id), len(waiting))


async def _approved(session: AsyncSession, expo_id: int, limit: int = 50) -> list[ApprovedRow]:
    stmt = (
        sa.select(StatementLine, col(Bill.id), col(Bill.number), col(Payment.receipt_number))
        .join(Payment, col(Payment.id) == col(StatementLine.payment_id))
        .join(Bill, col(Bill.id) == col(Payment.bill_id))
        .where(col(StatementLine.expo_id) == expo_id)
        .order_by(col(StatementLine.approved_at).desc(), col(StatementLine.id).desc())
        .limit(limit)
    )
    rows = []
    for line, bill_id, number, receipt in (await session.execute(stmt)).all():
        assert bill_id is not None
        assert line.id is not None
        assert line.approved_at is not None
        rows.append(
            ApprovedRow(
                line.id, line.booked_on, line.description, line.amount, bill_id, number, receipt, line.approved_at
            )
        )
    return rows


async def approve_lines(session: AsyncSession, expo_id: int, choices: Mapping[int, int], *, by: CurrentUser) -> int:
    """Record each chosen line (line id -> bill id) as a payment on its bill; returns how many were
    recorded now. A line approved before (on this page, by another treasurer, or in an earlier
    import of the same statement) is skipped: it has paid once already."""
    check_payments(by, expo_id)
    if not choices:
        raise InvalidInput(N_("Tick at least one transfer and choose its bill."), code="statement_nothing_chosen")
    if len(choices) > MAX_APPROVE:
        raise InvalidInput(
            N_("At most %(max)s transfers can be approved at once."),
            code="statement_too_many_chosen",
            params={"max": MAX_APPROVE},
        )
    lines = {
        line.id: line
        for line in (
            await session.scalars(
                sa.select(StatementLine).where(
                    col(StatementLine.id).in_(list(choices)), col(StatementLine.expo_id) == expo_id
                )
            )
        ).all()
    }
    bill_expos = dict(
        (
            await session.execute(
                sa.select(col(Bill.id), col(Bill.expo_id)).where(col(Bill.id).in_(set(choices.values())))
            )
        ).all()
    )
    if len(lines) != len(choices) or any(bill_expos.get(bill_id) != expo_id for bill_id in choices.values()):
        raise NotFound(
            N_("A chosen transfer or bill is not in this expo; reload the page."), code="statement_line_not_found"
        )
    recorded = 0
    for line_id in sorted(choices):
        line = lines[line_id]
        claimed = await session.execute(
            sa.update(StatementLine)
            .where(col(StatementLine.id) == line_id, col(StatementLine.approved_at).is_(None))
            .values(approved_at=utcnow())
        )
        if claimed.rowcount != 1:  # type: ignore[attr-defined]
            continue  # approved already: it paid once
        try:
            payment = await record_payment(
                session,
                choices[line_id],
                amount=line.amount,
                method=PaymentMethod.TRANSFER,
                paid_on=line.booked_on,
                reference=line.description,
                actor=by,
                source="statement",
                idempotency_key=await attempt_key(session, f"stmt:{expo_id}:{line.line_key}"),
                note=f"{line.file_name} #{line.source_line}",
            )
        except DomainError as error:
            # Which transfer was refused, and why: the whole approval is rolled back and shown again.
            raise type(error)(
                N_("The transfer of %(amount)s on %(date)s was not recorded: %(reason)s"),
                code=error.code,
                params={
                    "amount": format_rupiah(line.amount),
                    "date": line.booked_on.strftime("%d/%m/%Y"),
                    "reason": translate(error.message, error.params),
                },
            ) from error
        await session.execute(
            sa.update(StatementLine).where(col(StatementLine.id) == line_id).values(payment_id=payment.id)
        )
        recorded += 1
    return recorded
