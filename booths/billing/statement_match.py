"""Matching a statement's credits to open bills: the proposals a treasurer approves, never payments by themselves.

Pure. Each bill's outstanding amount carries its unique 3-digit code, so an amount names a bill: a
credit equal to exactly one open bill's outstanding amount (or its down payment) is an "exact"
proposal; equal to several, "ambiguous" (the candidates are listed, none is picked). A bill number
in the description (banks keep the transfer's message) proposes that bill even for another amount,
and a number or the exhibitor's name found beside an amount match raises its confidence and settles
an ambiguity. One credit pays at most one bill and one bill takes at most one credit per run: the
strongest pairs are taken first, ties in the order of the statement's lines, so the same input
always gives the same proposals. Index look-ups only (amount -> bills, number -> bill), no loop of
credits over bills: 5,000 lines against 2,000 bills take milliseconds.
"""

import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from enum import IntEnum, StrEnum

from booths.billing.statement import Credit


@dataclass(frozen=True)
class OpenBill:
    """What the matcher needs of a bill that still wants money."""

    bill_id: int
    number: str  # INV/EXPO26/0042
    exhibitor: str  # the exhibitor's (business) name
    outstanding: int  # whole rupiah still to pay, unique code included
    dp_amount: int | None = None  # the down payment still due, if one may be paid now


class MatchKind(StrEnum):
    EXACT = "exact"  # the amount names one bill (or the description settles which)
    REFERENCE = "reference"  # the description names the bill, the amount is another (a part payment)
    AMBIGUOUS = "ambiguous"  # the amount fits several bills and nothing tells them apart
    UNMATCHED = "unmatched"


class Confidence(IntEnum):
    """How sure a proposal is; stronger pairs are taken first."""

    NONE = 0
    LOW = 1  # bill number in the description, amount differs
    AMOUNT = 2  # amount only
    NAME = 3  # amount and the exhibitor's name
    NUMBER = 4  # amount and the bill number


class Reason(StrEnum):
    FULL_AMOUNT = "full_amount"
    DP_AMOUNT = "dp_amount"
    NUMBER = "number"
    NAME = "name"
    TAKEN = "taken"  # the only candidates were proposed for stronger credits


@dataclass(frozen=True)
class Proposal:
    credit: Credit
    kind: MatchKind
    bill: OpenBill | None  # the proposed bill (exact, reference); None otherwise
    candidates: tuple[OpenBill, ...]  # bills the amount fits, for the treasurer to choose among
    confidence: Confidence
    reasons: tuple[Reason, ...]


_NOT_ALNUM = re.compile(r"[^0-9A-Z]+")
# Words that say nothing about who paid: legal forms, titles, and what banks add to a transfer line.
_NAME_NOISE = frozenset(
    {"PT", "CV", "UD", "TB", "PD", "KOPERASI", "KOP", "YAYASAN", "TOKO", "IBU", "BU", "BPK", "BAPAK", "PAK"}
    | {"HJ", "HAJI", "SDR", "SDRI", "DAN", "THE", "OF", "TRSF", "TRANSFER", "E", "BANKING", "CR", "DB", "KE", "DARI"}
)


def _compact(text: str) -> str:
    return _NOT_ALNUM.sub("", text.upper())


def _name_words(name: str) -> frozenset[str]:
    return frozenset(w for w in _NOT_ALNUM.sub(" ", name.upper()).split() if len(w) >= 3 and w not in _NAME_NOISE)


class _NumberFinder:
    """Bill numbers in a description, however the bank kept them (``INV/EXPO26/0042``, ``INV EXPO26 0042``)."""

    def __init__(self, bills: list[OpenBill]) -> None:
        self.by_number: dict[str, OpenBill] = {}
        for bill in bills:
            compact = _compact(bill.number)
            if len(compact) >= 4:
                self.by_number.setdefault(compact, bill)
        self.starts = {number[:3] for number in self.by_number}
        self.lengths = sorted({len(number) for number in self.by_number})

    def find(self, description: str) -> list[OpenBill]:
        text = _compact(description)
        found: dict[int, OpenBill] = {}
        for at in range(len(text) - 2):
            if text[at : at + 3] not in self.starts:
                continue
            for length in self.lengths:
                bill = self.by_number.get(text[at : at + length])
                # "INVEXPO260042" must not be read inside "INVEXPO2600421"
                if bill is not None and not text[at + length : at + length + 1].isdigit():
                    found[bill.bill_id] = bill
        return list(found.values())


_Pair = tuple[Confidence, int, int, tuple[Reason, ...]]  # (confidence, credit index, bill id, reasons)


def match_credits(credits: Sequence[Credit], open_bills: Sequence[OpenBill]) -> list[Proposal]:
    """One proposal per credit, in the credits' order."""
    bills = sorted(open_bills, key=lambda b: b.bill_id)  # the order bills come in changes nothing
    by_amount: dict[int, dict[int, tuple[OpenBill, Reason]]] = defaultdict(dict)
    for bill in bills:
        if bill.outstanding > 0:
            by_amount[bill.outstanding][bill.bill_id] = (bill, Reason.FULL_AMOUNT)
        if bill.dp_amount and bill.dp_amount > 0 and bill.dp_amount != bill.outstanding:
            by_amount[bill.dp_amount].setdefault(bill.bill_id, (bill, Reason.DP_AMOUNT))
    numbers = _NumberFinder(bills)
    pairs: list[_Pair] = []
    fits: list[list[OpenBill]] = []  # per credit: the bills its amount fits
    for index, credit in enumerate(credits):
        amount_bills = by_amount.get(credit.amount, {})
        fits.append([bill for bill, _ in amount_bills.values()])
        pairs.extend(_pairs(index, credit, amount_bills, numbers.find(credit.description)))
    chosen = _strongest_first(pairs)
    taken = {bill_id for bill_id, _, _ in chosen.values()}
    by_id = {bill.bill_id: bill for bill in bills}
    proposals: list[Proposal] = []
    for index, credit in enumerate(credits):
        free = tuple(bill for bill in fits[index] if bill.bill_id not in taken)
        if index in chosen:
            bill_id, confidence, reasons = chosen[index]
            kind = MatchKind.REFERENCE if confidence == Confidence.LOW else MatchKind.EXACT
            proposals.append(Proposal(credit, kind, by_id[bill_id], (), confidence, reasons))
        elif free:
            proposals.append(Proposal(credit, MatchKind.AMBIGUOUS, None, free, Confidence.NONE, ()))
        else:
            reasons = (Reason.TAKEN,) if fits[index] else ()
            proposals.append(Proposal(credit, MatchKind.UNMATCHED, None, (), Confidence.NONE, reasons))
    return proposals


def _pairs(
    index: int, credit: Credit, amount_bills: dict[int, tuple[OpenBill, Reason]], named: list[OpenBill]
) -> list[_Pair]:
    """The bills worth proposing for one credit, with how sure each is."""
    named_ids = {bill.bill_id for bill in named}
    words = frozenset(_NOT_ALNUM.sub(" ", credit.description.upper()).split())
    strong: list[_Pair] = []
    for bill, reason in amount_bills.values():
        if bill.bill_id in named_ids:
            strong.append((Confidence.NUMBER, index, bill.bill_id, (reason, Reason.NUMBER)))
        elif (name := _name_words(bill.exhibitor)) and name <= words:
            strong.append((Confidence.NAME, index, bill.bill_id, (reason, Reason.NAME)))
    if strong:
        # Evidence beyond the amount: the best-supported bill, if one alone is best.
        top = max(pair[0] for pair in strong)
        best = [pair for pair in strong if pair[0] == top]
        return best if len(best) == 1 else []
    if len(amount_bills) == 1:
        ((bill, reason),) = amount_bills.values()
        return [(Confidence.AMOUNT, index, bill.bill_id, (reason,))]
    if amount_bills:
        return []  # ambiguous: listed, never picked
    # No bill wants this amount: a part payment quoting its bill's number (never more than it wants).
    return [
        (Confidence.LOW, index, bill.bill_id, (Reason.NUMBER,)) for bill in named if credit.amount <= bill.outstanding
    ]


def _strongest_first(pairs: list[_Pair]) -> dict[int, tuple[int, Confidence, tuple[Reason, ...]]]:
    """Credit index -> (bill id, confidence, reasons): strongest pairs first, then the statement's order,
    then the bill's id; a credit or bill already used is skipped."""
    chosen: dict[int, tuple[int, Confidence, tuple[Reason, ...]]] = {}
    taken: set[int] = set()
    for confidence, index, bill_id, reasons in sorted(pairs, key=lambda p: (-p[0], p[1], p[2])):
        if index in chosen or bill_id in taken:
            continue
        chosen[index] = (bill_id, confidence, reasons)
        taken.add(bill_id)
    return chosen
