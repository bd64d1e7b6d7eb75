"""Reading one cell of a bank statement: amounts in the formats Indonesian banks export, dates, header names.

Pure: plain strings in, plain values out (``None`` when a cell cannot be read), so the statement parser
can report the line instead of guessing. Money is whole rupiah; a cents part other than zero is refused
by the caller, because bills are whole rupiah and a rounded credit would pay a wrong amount.
"""

import re
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from enum import StrEnum

# Credit/debit markers as banks write them: BCA "CR"/"DB", BNI "K"/"D" (kredit/debet), English "C"/"D".
CREDIT_MARKS = frozenset({"CR", "K", "C", "KR", "CREDIT", "KREDIT"})
DEBIT_MARKS = frozenset({"DB", "D", "DR", "DEBIT", "DEBET"})

_CURRENCY = re.compile(r"^(RP\.?|IDR)\s*|\s*(RP\.?|IDR)$", re.IGNORECASE)
_MARK_AT_END = re.compile(r"\s*\b(CR|DB|DR|KR|K|D|C)$", re.IGNORECASE)
_DIGITS = re.compile(r"^\d+$")
_GROUPED = re.compile(r"^\d{1,3}(\d{3})*$")

MONTHS = {
    # Indonesian and English short and long month names, as statements print them (Okt, Agu/Agt/Ags, Des, Mei)
    "jan": 1, "januari": 1, "january": 1,
    "feb": 2, "februari": 2, "february": 2, "peb": 2, "pebruari": 2,
    "mar": 3, "maret": 3, "march": 3,
    "apr": 4, "april": 4,
    "mei": 5, "may": 5,
    "jun": 6, "juni": 6, "june": 6,
    "jul": 7, "juli": 7, "july": 7,
    "agu": 8, "agt": 8, "ags": 8, "agustus": 8, "aug": 8, "august": 8,
    "sep": 9, "sept": 9, "september": 9,
    "okt": 10, "oktober": 10, "oct": 10, "october": 10,
    "nov": 11, "nopember": 11, "november": 11,
    "des": 12, "desember": 12, "dec": 12, "december": 12,
}  # fmt: skip

_NUMERIC_DATE = re.compile(r"^(\d{1,2})[/.-](\d{1,2})(?:[/.-](\d{2}|\d{4}))?$")
_ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_NAMED_DATE = re.compile(r"^(\d{1,2})[\s/.-]*([A-Za-z]{3,9})[\s/.-]*(\d{2}|\d{4})?$")
_TIME_TAIL = re.compile(r"[\sT]+\d{1,2}[:.]\d{2}([:.]\d{2})?(\s*(WIB|WITA|WIT))?$", re.IGNORECASE)


def signed_amount(text: str) -> tuple[Decimal | None, str | None]:
    """An amount cell as (value, marker): ``1.500.042,00``, ``1,500,042.00 CR``, ``Rp 1.500.042``, ``-250.000``.

    The marker is a trailing CR/DB (K/D) if the bank wrote one into the cell (BCA does). A minus sign or
    parentheses make the value negative. ``(None, None)`` when the cell is not an amount.
    """
    cell = text.strip().strip("'").strip()
    if not cell:
        return None, None
    marker = None
    found = _MARK_AT_END.search(cell)
    if found and any(ch.isdigit() for ch in cell[: found.start()]):
        marker = found.group(1).upper()
        cell = cell[: found.start()]
    negative = False
    cell = _CURRENCY.sub("", cell.strip()).strip()
    if cell.endswith((",-", ".-")):  # "Rp1.500.000,-": whole rupiah, the way receipts and banks write it
        cell = cell[:-2]
    if cell.startswith("(") and cell.endswith(")"):
        negative, cell = True, cell[1:-1].strip()
    if cell.startswith(("-", "+")):
        negative, cell = cell[0] == "-", cell[1:].strip()
    elif cell.endswith("-"):  # some host systems print the sign after the figure
        negative, cell = True, cell[:-1].strip()
    cell = _CURRENCY.sub("", cell).replace(" ", "").replace("\u00a0", "")
    value = plain_number(cell)
    if value is None:
        return None, None
    return (-value if negative else value), marker


def plain_number(cell: str) -> Decimal | None:
    """Digits with thousands and decimal separators in either convention, read without guessing wrongly.

    Both ``.`` and ``,`` present: the last one is the decimal point. One kind only: several of it, or
    one followed by exactly three digits, are thousands (``1.500`` is fifteen hundred rupiah, since a
    statement in rupiah never shows a tenth of a rupiah); otherwise it is the decimal point (``42,5``).
    """
    if not cell or cell.count(".") + cell.count(",") > 8:
        return None
    dot, comma = cell.rfind("."), cell.rfind(",")
    if dot >= 0 and comma >= 0:
        decimal_sep = "." if dot > comma else ","
        thousands = "," if decimal_sep == "." else "."
        whole, _, fraction = cell.rpartition(decimal_sep)
        if decimal_sep in whole or not _grouped(whole, thousands):
            return None
        return _number(whole.replace(thousands, ""), fraction)
    sep = "." if dot >= 0 else "," if comma >= 0 else ""
    if not sep:
        return _number(cell, "")
    parts = cell.split(sep)
    if len(parts) > 2 or len(parts[1]) == 3:
        return _number("".join(parts), "") if _grouped(cell, sep) else None
    return _number(parts[0], parts[1])


def _grouped(whole: str, sep: str) -> bool:
    if sep not in whole:
        return bool(_DIGITS.match(whole))
    groups = whole.split(sep)
    return (
        bool(groups[0])
        and len(groups[0]) <= 3
        and all(len(g) == 3 for g in groups[1:])
        and bool(_GROUPED.match("".join(groups)))
    )


def _number(whole: str, fraction: str) -> Decimal | None:
    if not _DIGITS.match(whole) or (fraction and not _DIGITS.match(fraction)) or len(fraction) > 2:
        return None
    try:
        return Decimal(f"{whole}.{fraction or '0'}")
    except InvalidOperation:  # pragma: no cover - the patterns above admit only digits
        return None


def read_date(text: str, *, year: int | None) -> date | None:
    """A date cell: ``20/10/2026``, ``20/10/26``, ``20/10`` (the year from ``year``), ``2026-10-20``, ``20-Okt-2026``.

    Day first, as Indonesian banks write it; a time after the date (``20/10/2026 13:45:01``) is dropped.
    """
    cell = _TIME_TAIL.sub("", text.strip().strip("'").strip())
    try:
        if found := _ISO_DATE.match(cell):
            return date(int(found[1]), int(found[2]), int(found[3]))
        if found := _NUMERIC_DATE.match(cell):
            day, month, y = int(found[1]), int(found[2]), found[3]
        elif (found := _NAMED_DATE.match(cell)) and found[2].lower() in MONTHS:
            day, month, y = int(found[1]), MONTHS[found[2].lower()], found[3]
        else:
            return None
        full_year = (2000 + int(y) if len(y) == 2 else int(y)) if y else year
        if full_year is None:
            return None
        return date(full_year, month, day)
    except ValueError:  # 31/02, month 13
        return None


def cell_date(value: object, *, year: int | None) -> date | None:
    """A date from a spreadsheet cell, which may already be a date."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return read_date(str(value), year=year) if value is not None else None


class Column(StrEnum):
    """What a statement column holds, recognised from its header in Indonesian or English."""

    DATE = "date"
    DESCRIPTION = "description"
    AMOUNT = "amount"
    CREDIT = "credit"
    DEBIT = "debit"
    BALANCE = "balance"
    MARK = "mark"


# Exact header names first (after lower-casing and dropping punctuation), then words a longer header
# contains: "Tanggal Transaksi", "Tgl. Posting", "Uraian Transaksi", "Mutasi Kredit", "Saldo Akhir".
_EXACT: dict[str, Column] = {
    "cr": Column.CREDIT,
    "db": Column.DEBIT,
    "crdb": Column.MARK,
    "dbcr": Column.MARK,
    "dk": Column.MARK,
    "kd": Column.MARK,
    "drcr": Column.MARK,
    "crdr": Column.MARK,
    "type": Column.MARK,
    "jenis": Column.MARK,
    "jenis transaksi": Column.MARK,
}
_WORDS: tuple[tuple[str, Column], ...] = (
    ("tanggal", Column.DATE),
    ("tgl", Column.DATE),
    ("date", Column.DATE),
    ("keterangan", Column.DESCRIPTION),
    ("uraian", Column.DESCRIPTION),
    ("description", Column.DESCRIPTION),
    ("remark", Column.DESCRIPTION),
    ("berita", Column.DESCRIPTION),
    ("kredit", Column.CREDIT),
    ("credit", Column.CREDIT),
    ("debet", Column.DEBIT),
    ("debit", Column.DEBIT),
    ("saldo", Column.BALANCE),
    ("balance", Column.BALANCE),
    ("mutasi", Column.AMOUNT),
    ("jumlah", Column.AMOUNT),
    ("amount", Column.AMOUNT),
    ("nominal", Column.AMOUNT),
    ("nilai", Column.AMOUNT),
)
_PUNCTUATION = re.compile(r"[^\w\s]+")


def header_role(cell: str) -> Column | None:
    """The column a header cell names, or ``None``. "Mutasi Kredit" is credit, not amount: order matters."""
    name = " ".join(_PUNCTUATION.sub("", cell.lower()).split())
    if not name or len(name) > 40:
        return None
    if name in _EXACT:
        return _EXACT[name]
    compact = name.replace(" ", "")
    if compact in _EXACT:
        return _EXACT[compact]
    words = set(name.split())
    for word, role in _WORDS:
        if word in words or (word in name and len(word) >= 5):
            return role
    return None
