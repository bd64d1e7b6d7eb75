"""Tables of the money an expo takes: payment set-up, bills and their lines, the payment ledger, proofs
of transfer, add-ons and refunds.

Money is never edited in place. A bill's lines and the ledger's payments are only ever added; a
mistake is put right by another row (a reversal points at the payment it undoes, a discount line
lowers a total). What a bill is worth and what was paid are sums of those rows; ``Bill.total`` and
``Bill.paid`` keep those sums at hand for lists, and ``booths.billing.ledger`` is the one writer that
keeps them true.
"""

from datetime import date, datetime
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from expo.formatting import utcnow
from expo.metadata import TIMESTAMP
from expo.metadata import metadata as _metadata  # noqa: F401  (naming convention first)


class DownPayment(StrEnum):
    """Whether an exhibitor may secure a booth with a first part of the price (uang muka)."""

    NONE = "none"
    PERCENT = "percent"
    AMOUNT = "amount"


class PaymentSetup(SQLModel, table=True):
    """How an expo is paid: one row per expo (none yet: the defaults below apply)."""

    __tablename__ = "payment_setup"

    expo_id: int = Field(foreign_key="expo.id", ondelete="CASCADE", primary_key=True)
    qris_image_key: str | None = Field(default=None, sa_type=sa.String(200))
    cash_enabled: bool = False
    cash_place: str = Field(default="", sa_type=sa.String(300))  # address of the secretariat
    cash_hours: str = Field(default="", sa_type=sa.String(120))
    down_payment: DownPayment = Field(default=DownPayment.NONE, sa_type=sa.String(16))
    down_payment_value: int = 0  # a percentage (1..99) or an amount in rupiah
    rest_due_on: date | None = None  # when a down payment was made: the rest is due by this day
    unique_code: bool = True  # add 1..999 rupiah to each bill so transfers can be told apart
    invoice_prefix: str = Field(default="", sa_type=sa.String(20))  # INV/<prefix>/0042; empty: from the slug
    issuer_name: str = Field(default="", sa_type=sa.String(160))  # the letterhead: who issues the documents
    issuer_address: str = Field(default="", sa_type=sa.String(300))
    treasurer_name: str = Field(default="", sa_type=sa.String(120))
    signature_image_key: str | None = Field(default=None, sa_type=sa.String(200))
    # The refund rule: [{"days_before": 30, "percent": 100}, {"days_before": 7, "percent": 50}] — cancelling at
    # least ``days_before`` days before the first expo day refunds ``percent`` of what was paid; later: 0.
    refund_rules: list[dict[str, Any]] = Field(default_factory=list, sa_type=sa.JSON)
    online_enabled: bool = False
    updated_at: datetime = Field(default_factory=utcnow, sa_type=TIMESTAMP)


class BankAccount(SQLModel, table=True):
    """An account exhibitors may transfer to, shown in the payment instructions in ``position`` order."""

    __tablename__ = "bank_account"

    id: int | None = Field(default=None, primary_key=True)
    expo_id: int = Field(foreign_key="expo.id", ondelete="CASCADE", index=True)
    bank: str = Field(sa_type=sa.String(60))
    number: str = Field(sa_type=sa.String(40))
    holder: str = Field(sa_type=sa.String(120))
    position: int = 0
    active: bool = True


class BillStatus(StrEnum):
    """What a bill's stored state is. "Overdue" is not stored: it is an unpaid or partly paid bill past
    its date (``booths.billing.states``), read the same way everywhere."""

    UNPAID = "unpaid"
    PARTLY_PAID = "partly_paid"
    PAID = "paid"
    VOID = "void"


class Bill(SQLModel, table=True):
    """What an exhibitor owes for a booking (and its add-ons), numbered per expo."""

    __table_args__ = (
        sa.UniqueConstraint("expo_id", "number"),
        sa.Index("ix_bill_expo_status", "expo_id", "status"),
    )

    id: int | None = Field(default=None, primary_key=True)
    expo_id: int = Field(foreign_key="expo.id", ondelete="CASCADE")
    exhibitor_id: int = Field(foreign_key="exhibitor.id", ondelete="RESTRICT", index=True)
    booking_id: int | None = Field(default=None, foreign_key="booking.id", ondelete="SET NULL", index=True)
    number: str = Field(sa_type=sa.String(40))
    status: BillStatus = Field(default=BillStatus.UNPAID, sa_type=sa.String(16))
    total: int = 0  # the sum of the lines (the unique code is a line too)
    paid: int = 0  # the sum of the ledger's payments on this bill (reversals subtract)
    unique_code: int = 0
    down_payment: int = 0  # the least first payment that secures the booth (0: the whole total)
    due_at: datetime | None = Field(default=None, sa_type=TIMESTAMP)  # pay (or pay the DP) by then
    rest_due_on: date | None = None  # after a down payment: the rest by this day
    issued_at: datetime = Field(default_factory=utcnow, sa_type=TIMESTAMP)
    voided_at: datetime | None = Field(default=None, sa_type=TIMESTAMP)
    void_reason: str | None = Field(default=None, sa_type=sa.String(300))
    updated_at: datetime = Field(default_factory=utcnow, sa_type=TIMESTAMP)


class LineKind(StrEnum):
    BOOTH = "booth"
    ADDON = "addon"
    DISCOUNT = "discount"
    UNIQUE_CODE = "unique_code"
    MOVE = "move"  # the difference to a dearer booth (or a credit to a cheaper one)
    CANCELLED = "cancelled"  # takes back an earlier line (an add-on cancelled before payment)


class BillLine(SQLModel, table=True):
    """One line of a bill; lines are only added (a correction is another line)."""

    __tablename__ = "bill_line"

    id: int | None = Field(default=None, primary_key=True)
    bill_id: int = Field(foreign_key="bill.id", ondelete="CASCADE", index=True)
    kind: LineKind = Field(sa_type=sa.String(16))
    description: str = Field(sa_type=sa.String(200))
    quantity: int = 1
    unit_price: int = 0
    amount: int = 0  # quantity x unit price; negative for a discount or a credit
    addon_order_id: int | None = Field(default=None, foreign_key="addon_order.id", ondelete="SET NULL")
    created_at: datetime = Field(default_factory=utcnow, sa_type=TIMESTAMP)


class PaymentMethod(StrEnum):
    TRANSFER = "transfer"
    QRIS = "qris"
    CASH = "cash"
    ONLINE = "online"  # through the payment gateway
    WAIVED = "waived"  # the committee lets the exhibitor off the rest


class PaymentSource(StrEnum):
    """Who or what put a payment in the ledger."""

    DESK = "desk"  # recorded by the treasurer (cash at the secretariat, or a transfer seen on the bank)
    PROOF = "proof"  # an exhibitor's proof of transfer, accepted
    STATEMENT = "statement"  # a line of the bank statement, matched and approved
    ONLINE = "online"  # the payment gateway's signed notice
    REVERSAL = "reversal"  # undoes another payment


class Payment(SQLModel, table=True):
    """One line of the money ledger. Never updated or deleted: ``reverses_id`` undoes another line (at
    most once: unique), with the opposite amount. Every accepted payment has a receipt number."""

    __table_args__ = (sa.UniqueConstraint("expo_id", "receipt_number"),)

    id: int | None = Field(default=None, primary_key=True)
    expo_id: int = Field(foreign_key="expo.id", ondelete="CASCADE", index=True)
    bill_id: int = Field(foreign_key="bill.id", ondelete="RESTRICT", index=True)
    amount: int  # rupiah; negative for a reversal
    method: PaymentMethod = Field(sa_type=sa.String(16))
    source: PaymentSource = Field(sa_type=sa.String(16))
    paid_on: date
    reference: str = Field(default="", sa_type=sa.String(120))
    note: str = Field(default="", sa_type=sa.String(300))
    receipt_number: str | None = Field(default=None, sa_type=sa.String(40))
    proof_id: int | None = Field(default=None, foreign_key="payment_proof.id", ondelete="RESTRICT")
    reverses_id: int | None = Field(default=None, foreign_key="payment.id", ondelete="RESTRICT", unique=True)
    # What makes a payment happen once: a proof, a statement line, a gateway notice ("stmt:<hash>").
    idempotency_key: str | None = Field(default=None, sa_type=sa.String(120), unique=True)
    recorded_by: int | None = Field(default=None, foreign_key="user.id", ondelete="SET NULL")
    recorded_at: datetime = Field(default_factory=utcnow, sa_type=TIMESTAMP)


class ProofStatus(StrEnum):
    PENDING = "pending"
    ACCEPTED = "accepted"
    REJECTED = "rejected"
    RESUBMIT = "resubmit"  # the treasurer asks for a new (clearer, complete) proof


class PaymentProof(SQLModel, table=True):
    """A photo or PDF of a transfer, uploaded by the exhibitor for a bill, waiting for the treasurer."""

    __tablename__ = "payment_proof"
    __table_args__ = (sa.Index("ix_payment_proof_expo_status", "expo_id", "status", "submitted_at"),)

    id: int | None = Field(default=None, primary_key=True)
    expo_id: int = Field(foreign_key="expo.id", ondelete="CASCADE")
    bill_id: int = Field(foreign_key="bill.id", ondelete="CASCADE", index=True)
    file_key: str = Field(sa_type=sa.String(200))
    content_type: str = Field(sa_type=sa.String(60))
    size: int = 0
    amount: int
    paid_on: date
    sender_bank: str = Field(default="", sa_type=sa.String(60))
    sender_name: str = Field(default="", sa_type=sa.String(120))
    status: ProofStatus = Field(default=ProofStatus.PENDING, sa_type=sa.String(16))
    reason: str | None = Field(default=None, sa_type=sa.String(300))  # shown to the exhibitor
    submitted_by: int | None = Field(default=None, foreign_key="user.id", ondelete="SET NULL")
    submitted_at: datetime = Field(default_factory=utcnow, sa_type=TIMESTAMP)
    reviewed_by: int | None = Field(default=None, foreign_key="user.id", ondelete="SET NULL")
    reviewed_at: datetime | None = Field(default=None, sa_type=TIMESTAMP)


class AddOnKind(StrEnum):
    POWER = "power"  # extra electricity, priced per unit of VA
    TABLE = "table"
    CHAIR = "chair"
    STAFF_PASS = "staff_pass"  # noqa: S105  (a kind of add-on, not a password)
    FASCIA = "fascia"  # the name board over the stand, with its text
    OTHER = "other"


class AddOn(SQLModel, table=True):
    """Something extra an exhibitor may order with a booth, priced per expo."""

    __tablename__ = "addon"
    __table_args__ = (sa.UniqueConstraint("expo_id", "code"),)

    id: int | None = Field(default=None, primary_key=True)
    expo_id: int = Field(foreign_key="expo.id", ondelete="CASCADE", index=True)
    code: str = Field(sa_type=sa.String(32))
    kind: AddOnKind = Field(sa_type=sa.String(16))
    name: str = Field(sa_type=sa.String(80))
    unit: str = Field(default="", sa_type=sa.String(20))  # "VA", "buah", ...
    unit_size: int = 1  # e.g. 450 (VA) for power sold in blocks
    price: int = 0  # per unit
    max_quantity: int = 10
    active: bool = True


class AddOnOrder(SQLModel, table=True):
    """An exhibitor's order of an add-on for a booking; its price is kept as it was when ordered."""

    __tablename__ = "addon_order"

    id: int | None = Field(default=None, primary_key=True)
    expo_id: int = Field(foreign_key="expo.id", ondelete="CASCADE", index=True)
    booking_id: int = Field(foreign_key="booking.id", ondelete="CASCADE", index=True)
    addon_id: int = Field(foreign_key="addon.id", ondelete="RESTRICT")
    quantity: int = 1
    unit_price: int = 0
    text: str = Field(default="", sa_type=sa.String(80))  # the fascia's wording
    ordered_at: datetime = Field(default_factory=utcnow, sa_type=TIMESTAMP)
    cancelled_at: datetime | None = Field(default=None, sa_type=TIMESTAMP)


class RefundStatus(StrEnum):
    TO_PAY = "to_pay"
    PAID = "paid"


class Refund(SQLModel, table=True):
    """Money the committee owes back after a paid booking was cancelled, by the expo's refund rule."""

    id: int | None = Field(default=None, primary_key=True)
    expo_id: int = Field(foreign_key="expo.id", ondelete="CASCADE", index=True)
    bill_id: int = Field(foreign_key="bill.id", ondelete="RESTRICT", unique=True)
    amount: int
    percent: int
    reason: str = Field(default="", sa_type=sa.String(300))
    status: RefundStatus = Field(default=RefundStatus.TO_PAY, sa_type=sa.String(16))
    created_at: datetime = Field(default_factory=utcnow, sa_type=TIMESTAMP)
    paid_at: datetime | None = Field(default=None, sa_type=TIMESTAMP)
    paid_by: int | None = Field(default=None, foreign_key="user.id", ondelete="SET NULL")
    reference: str = Field(default="", sa_type=sa.String(120))


class DocumentCounter(SQLModel, table=True):
    """The next number of each kind of document per expo (invoices, receipts): taken under a row lock."""

    __tablename__ = "document_counter"

    expo_id: int = Field(foreign_key="expo.id", ondelete="CASCADE", primary_key=True)
    kind: str = Field(sa_type=sa.String(16), primary_key=True)
    last: int = 0
