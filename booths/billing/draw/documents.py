"""What an invoice and a receipt print, as plain frozen data: the caller (``booths.billing``) reads the
bill, the ledger and the expo's payment set-up and fills these in; the drawing modules only draw.

Amounts are whole rupiah (ints), dates are ``date``s, images are PNG or JPEG bytes (None: not
printed). Words the committee typed (names, line descriptions, the purpose of a payment) are printed
as given; the document's own words come from the catalogs in ``locale``.
"""

from dataclasses import dataclass, field
from datetime import date
from typing import Literal

Size = Literal["A4", "A5"]
SIZES: tuple[Size, ...] = ("A4", "A5")
# The payment methods of the ledger (booths.billing.models.PaymentMethod), as their stored values.
Method = Literal["transfer", "qris", "cash", "online", "waived"]
# The bill's stored state; a paid or void invoice says so across it.
BillState = Literal["unpaid", "partly_paid", "paid", "void"]


@dataclass(frozen=True)
class Letterhead:
    """Who issues the document, for which expo: the top of every page."""

    organiser_name: str
    organiser_address: str
    expo_name: str
    expo_start: date
    expo_end: date
    venue: str = ""
    contact: str = ""  # "0812-3456-7890 · panitia@example.org"
    logo: bytes | None = None


@dataclass(frozen=True)
class Party:
    """The exhibitor a document is made out to."""

    name: str  # the contact person
    business: str
    nib: str = ""  # Nomor Induk Berusaha
    address: str = ""
    whatsapp: str = ""


@dataclass(frozen=True)
class Line:
    """One row of an invoice's table: what is sold (a booth, an add-on, a difference or a credit)."""

    description: str
    quantity: int
    unit_price: int
    amount: int  # quantity x unit price; negative for a credit


@dataclass(frozen=True)
class BankAccount:
    bank: str
    number: str
    holder: str


@dataclass(frozen=True)
class PaymentInstructions:
    """Where to pay: the expo's accounts (in the order shown), its QRIS image, the cash desk."""

    bank_accounts: tuple[BankAccount, ...] = ()
    qris: bytes | None = None
    cash_place: str = ""  # "Sekretariat panitia, Jl. ... (Senin–Jumat 08.00–15.00)"; empty: no cash


@dataclass(frozen=True)
class Signatory:
    """Who signs for the committee (the treasurer), and where the document is signed."""

    name: str
    place: str  # the city of "Jombang, 20 Oktober 2026"
    title: str = ""  # empty: "Bendahara" / "Treasurer" in the document's language
    signature: bytes | None = None
    stamp: bytes | None = None  # the committee's stamp, printed over the signature


class DocumentMismatch(ValueError):
    """The figures of a document do not add up: a document must never print a wrong sum."""


@dataclass(frozen=True)
class BillDocument:
    """An invoice (tagihan). ``lines`` are what is sold; the discount and the unique code are rows of the
    summary below the table, not lines. The sums are checked: subtotal = sum of the lines, total =
    subtotal - discount + unique code, outstanding = total - paid."""

    letterhead: Letterhead
    number: str  # INV/EXPO26/0042
    issued_on: date
    exhibitor: Party
    lines: tuple[Line, ...]
    subtotal: int
    total: int
    paid: int
    outstanding: int
    treasurer: Signatory
    verify_url: str
    due_on: date | None = None
    discount: int = 0  # a positive amount taken off the subtotal
    unique_code: int = 0  # 1..999 rupiah that tell this bill's transfer apart
    down_payment: int = 0  # the least first payment that secures the booth (0: none asked)
    payment: PaymentInstructions = field(default_factory=PaymentInstructions)
    state: BillState = "unpaid"
    locale: str = "id"

    def __post_init__(self) -> None:
        if sum(line.amount for line in self.lines) != self.subtotal:
            raise DocumentMismatch(f"{self.number}: the lines do not add up to the subtotal")
        if self.subtotal - self.discount + self.unique_code != self.total:
            raise DocumentMismatch(f"{self.number}: subtotal - discount + unique code is not the total")
        if self.total - self.paid != self.outstanding:
            raise DocumentMismatch(f"{self.number}: total - paid is not the outstanding amount")


@dataclass(frozen=True)
class ReceiptDocument:
    """A receipt (kwitansi) for one payment of the ledger."""

    letterhead: Letterhead
    number: str  # KW/EXPO26/0007
    issued_on: date
    received_from: Party
    amount: int
    method: Method
    paid_on: date
    purpose: str  # "Pelunasan sewa stan A-12 (INV/EXPO26/0042)"
    treasurer: Signatory
    verify_url: str
    bill_number: str = ""
    reference: str = ""  # the bank's reference or the transfer's sender, as recorded
    outstanding_after: int | None = None  # what is left of the bill after this payment; None: not shown
    locale: str = "id"

    def __post_init__(self) -> None:
        if self.amount <= 0:
            raise DocumentMismatch(f"{self.number}: a receipt is for money received (a positive amount)")


Document = BillDocument | ReceiptDocument
