"""A bank statement ("mutasi rekening") read into its credits, from the CSV or XLSX file a bank exports.

Pure (no database, no web): bytes in, a ``ParsedStatement`` out. Real exports put lines of account
details before the table and totals after it, name their columns in Indonesian or English, write
numbers as ``1.500.042,00`` or ``1,500,042.00``, and mark credits in separate columns or with CR/DB.
The table is found by its header row; every row under it is a credit, a debit (left out: money going
out pays no bill), a total or blank line, or a problem reported with its line number. Nothing is
dropped silently: the treasurer sees what could not be read.
"""

import csv
import hashlib
import io
import re
import zipfile
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from booths.billing.statement_cells import (
    CREDIT_MARKS,
    DEBIT_MARKS,
    Column,
    cell_date,
    header_role,
    read_date,
    signed_amount,
)
from expo.errors import InvalidInput, TooLarge
from expo.i18n import N_

MAX_BYTES = 5 * 1024 * 1024  # a month of a busy account is well under 1 MB as CSV
MAX_ROWS = 20_000
MAX_XLSX_UNPACKED = 50 * 1024 * 1024  # a zip bomb dressed as a workbook stops here, before any XML is read
HEADER_SEARCH_ROWS = 40  # account details and period lines before the table
DELIMITERS = (",", ";", "\t", "|")
_SUMMARY = re.compile(
    r"^\s*(saldo\s+(awal|akhir)|mutasi\s+(kredit|debet|debit)|total|opening\s+balance|closing\s+balance|"
    r"jumlah\s+(kredit|debet|debit)|ending\s+balance|beginning\s+balance)\b",
    re.IGNORECASE,
)
_PENDING = re.compile(r"^\s*'?\s*pend", re.IGNORECASE)
_FULL_DATE = re.compile(r"\b\d{1,2}[/.-]\d{1,2}[/.-]\d{4}\b|\b\d{4}-\d{2}-\d{2}\b")

# Why a line was not taken as a credit: English message ids, translated on the page.
PROBLEM_DATE = N_("The date cannot be read.")
PROBLEM_AMOUNT = N_("The amount cannot be read.")
PROBLEM_CENTS = N_("The amount has cents; bills are in whole rupiah.")
PROBLEM_SIDE = N_("It is not clear whether this is a credit or a debit.")
PROBLEM_PENDING = N_("The bank marks this transaction as pending (no date yet).")
PROBLEM_COLUMNS = N_("The line has fewer columns than the table header.")


@dataclass(frozen=True)
class Credit:
    """Money that came into the account: one line of the statement."""

    line: int  # the line of a CSV file, or the row of a workbook, where the treasurer finds it
    on: date
    description: str
    amount: int  # whole rupiah, > 0
    balance: int | None
    key: str  # stable across imports of the same line (see ``credit_key``)


@dataclass(frozen=True)
class LineProblem:
    line: int
    reason: str  # an English message id (one of the PROBLEM_ constants)
    text: str  # the line as the bank wrote it, cut to a readable length


@dataclass(frozen=True)
class ParsedStatement:
    credits: tuple[Credit, ...]
    problems: tuple[LineProblem, ...]
    skipped: int  # lines of money going out (or of no money), left out on purpose
    period: tuple[date, date] | None  # the period the header lines name, if any


def parse_statement(data: bytes, filename_hint: str, *, year: int | None = None) -> ParsedStatement:
    """Read a statement. ``filename_hint`` only says which reader to try first: the content decides.

    ``year`` completes dates written without one (BCA writes ``20/10``) when the header lines name no
    period. A file that is not a statement raises ``InvalidInput`` with a stable code.
    """
    if len(data) > MAX_BYTES:
        raise TooLarge(params={"max": MAX_BYTES}, code="statement_too_large")
    if not data.strip():
        raise InvalidInput(N_("The file is empty."), code="statement_empty")
    if data[:4] == b"PK\x03\x04":
        rows = _xlsx_rows(data)
    elif filename_hint.lower().endswith((".xlsx", ".xls")) or (b"\x00" in data[:4096] and not _utf16(data)):
        raise InvalidInput(
            N_("This file is not a CSV or XLSX bank statement. Export the statement (mutasi) as CSV or XLSX."),
            code="statement_unreadable",
        )
    else:
        rows = _csv_rows(_decode(data))
    return _read_table(rows, year=year)


def _utf16(data: bytes) -> bool:
    return data[:2] in (b"\xff\xfe", b"\xfe\xff")


def _decode(data: bytes) -> str:
    """UTF-8 (with or without the BOM Excel writes), UTF-16 with a BOM, else Windows-1252 (older bank exports)."""
    if _utf16(data):
        return data.decode("utf-16")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def _csv_rows(text: str) -> list[tuple[int, list[object]]]:
    """Rows with the number of the line each starts on; the delimiter is the one that finds a header."""
    head = "\n".join(text.splitlines()[:HEADER_SEARCH_ROWS])
    best = max(DELIMITERS, key=lambda d: _header_score([list(r) for r in csv.reader(io.StringIO(head), delimiter=d)]))
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=best)
    rows: list[tuple[int, list[object]]] = []
    start = 1
    try:
        for row in reader:
            if len(rows) >= MAX_ROWS:
                raise _too_many_rows()
            rows.append((start, list(row)))
            start = reader.line_num + 1
    except csv.Error as error:
        raise InvalidInput(
            N_("The file cannot be read as CSV near line %(line)s."),
            code="statement_unreadable",
            params={"line": start},
        ) from error
    return rows


def _too_many_rows() -> InvalidInput:
    return InvalidInput(
        N_("The statement has more than %(max)s lines; export a shorter period."),
        code="statement_too_many_rows",
        params={"max": MAX_ROWS},
    )


def _xlsx_rows(data: bytes) -> list[tuple[int, list[object]]]:
    """The first sheet that has a statement table, row by row (openpyxl, streaming, values not formulas)."""
    import openpyxl  # deferred: only a workbook upload needs it

    unreadable = InvalidInput(
        N_("This file is not a CSV or XLSX bank statement. Export the statement (mutasi) as CSV or XLSX."),
        code="statement_unreadable",
    )
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except zipfile.BadZipFile as error:
        raise unreadable from error
    if unpacked > MAX_XLSX_UNPACKED:
        raise TooLarge(params={"max": MAX_XLSX_UNPACKED}, code="statement_too_large")
    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises KeyError, ValueError, its own errors... for a zip that is no workbook
        raise unreadable from error
    try:
        for sheet in book.worksheets:
            rows: list[tuple[int, list[object]]] = []
            for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
                if number > MAX_ROWS:
                    raise _too_many_rows()
                rows.append((number, list(values)))
            if _find_header(rows) is not None:
                return rows
    except InvalidInput:
        raise
    except Exception as error:  # a damaged sheet part fails while it streams
        raise unreadable from error
    finally:
        book.close()
    return []


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _header_score(rows: Sequence[Sequence[object]]) -> int:
    found = _find_header([(i, list(r)) for i, r in enumerate(rows, start=1)])
    return len(found[1]) if found else 0


def _find_header(rows: Sequence[tuple[int, list[object]]]) -> tuple[int, dict[Column, int]] | None:
    """The index of the header row and its columns: the first row naming a date and an amount or credit."""
    for index, (_, cells) in enumerate(rows[:HEADER_SEARCH_ROWS]):
        roles: dict[Column, int] = {}
        for position, cell in enumerate(cells):
            role = header_role(_text(cell))
            if role is not None and role not in roles:  # the first "date" column is the transaction date
                roles[role] = position
        if Column.DATE in roles and (Column.AMOUNT in roles or Column.CREDIT in roles):
            return index, roles
    return None


def _read_table(rows: list[tuple[int, list[object]]], *, year: int | None) -> ParsedStatement:
    found = _find_header(rows)
    if found is None:
        raise InvalidInput(
            N_(
                "This file does not look like a bank statement: no line names the columns "
                "(date, description, and amount or credit). Export the statement (mutasi) from the bank as CSV or XLSX."
            ),
            code="statement_no_table",
        )
    header_index, roles = found
    period = _period(cells for _, cells in rows[:header_index])
    if Column.AMOUNT in roles and Column.MARK not in roles and Column.CREDIT not in roles:
        # BCA leaves the CR/DB column after the amount without a header: take it if it holds markers.
        after = roles[Column.AMOUNT] + 1
        if any(_mark(_text(_at(cells, after))) for _, cells in rows[header_index + 1 : header_index + 50]):
            roles[Column.MARK] = after
    credits: list[Credit] = []
    problems: list[LineProblem] = []
    skipped = 0
    seen: Counter[str] = Counter()
    width = max(roles.values()) + 1
    for line, cells in rows[header_index + 1 :]:
        texts = [_text(c) for c in cells]
        if not any(texts) or _SUMMARY.match(texts[0] if texts else "") or _SUMMARY.match(" ".join(texts)):
            continue  # blank lines and the totals banks print under the table
        outcome = _read_row(cells, texts, roles, width, year=year, period=period)
        if isinstance(outcome, str):
            problems.append(LineProblem(line, outcome, _cut(texts)))
        elif outcome is None:
            skipped += 1
        else:
            on, description, amount, balance = outcome
            base = credit_key(on, amount, description, balance)
            seen[base] += 1
            # The same transfer twice on one day with no balance column: the second is its own line.
            key = base if seen[base] == 1 else credit_key(on, amount, description, balance, repeat=seen[base])
            credits.append(Credit(line, on, description, amount, balance, key))
    return ParsedStatement(tuple(credits), tuple(problems), skipped, period)


def _at(cells: Sequence[object], position: int | None) -> object:
    return cells[position] if position is not None and position < len(cells) else None


def _mark(text: str) -> str | None:
    upper = text.strip().upper()
    return "credit" if upper in CREDIT_MARKS else "debit" if upper in DEBIT_MARKS else None


def _read_row(  # noqa: PLR0911  (one answer per kind of problem)
    cells: list[object],
    texts: list[str],
    roles: dict[Column, int],
    width: int,
    *,
    year: int | None,
    period: tuple[date, date] | None,
) -> tuple[date, str, int, int | None] | str | None:
    """(date, description, amount, balance) of a credit, ``None`` for a line left out, or a problem's reason."""
    if len(cells) < width:
        return PROBLEM_COLUMNS
    raw_date = _at(cells, roles[Column.DATE])
    if _PENDING.match(_text(raw_date)):
        return PROBLEM_PENDING
    side, amount = _side_and_amount(cells, roles)
    if isinstance(amount, str):
        return amount
    if side == "debit" or amount == 0:
        return None
    if side is None or amount is None:
        return PROBLEM_SIDE
    on = _date_in_period(raw_date, year=year, period=period)
    if on is None:
        return PROBLEM_DATE
    if amount != amount.to_integral_value():
        return PROBLEM_CENTS
    balance_value, _ = signed_amount(_text(_at(cells, roles.get(Column.BALANCE))))
    balance = int(balance_value) if balance_value is not None and balance_value == balance_value.to_integral() else None
    description = " ".join(_text(_at(cells, roles.get(Column.DESCRIPTION))).split())
    return on, description, int(amount), balance


def _side_and_amount(cells: list[object], roles: dict[Column, int]) -> tuple[str | None, Decimal | str | None]:
    """Which side the line is on and its amount (a problem's reason when a figure cannot be read)."""
    return _two_columns(cells, roles) if Column.CREDIT in roles else _one_column(cells, roles)


def _two_columns(cells: list[object], roles: dict[Column, int]) -> tuple[str | None, Decimal | str | None]:
    """Credit and debit in their own columns (BRI, Mandiri): the non-zero one says the side."""
    credit = _cell_amount(_at(cells, roles[Column.CREDIT]))
    debit = _cell_amount(_at(cells, roles.get(Column.DEBIT))) if Column.DEBIT in roles else Decimal(0)
    if isinstance(credit, str) or (credit is not None and credit > 0):
        return "credit", credit
    if isinstance(debit, str):
        return None, debit
    if debit is not None and debit > 0:
        return "debit", debit
    if credit == 0 or debit == 0:
        return "debit", Decimal(0)  # a line of no money (a fee waived, a zero balance line)
    return None, PROBLEM_AMOUNT


def _one_column(cells: list[object], roles: dict[Column, int]) -> tuple[str | None, Decimal | str | None]:
    """One amount column: the side from a CR/DB (K/D) column or suffix, else from the sign."""
    raw = _at(cells, roles[Column.AMOUNT])
    value: Decimal | None
    if isinstance(raw, (int, float)) and not isinstance(raw, bool):
        value, marker = Decimal(str(raw)), None
    else:
        value, marker = signed_amount(_text(raw))
    if value is None:
        return None, PROBLEM_AMOUNT
    side = _mark(_text(_at(cells, roles.get(Column.MARK)))) if Column.MARK in roles else None
    side = side or (_mark(marker) if marker else None)
    if side is None:
        if Column.MARK in roles and value > 0:
            return None, None  # a marker column left empty: neither side can be assumed
        side = "debit" if value < 0 else "credit"
    return side, abs(value)


def _cell_amount(raw: object) -> Decimal | str | None:
    """A credit or debit column's value: ``None`` for an empty cell, a reason for an unreadable one."""
    if raw is None or (isinstance(raw, str) and raw.strip() in ("", "-")):
        return None
    if isinstance(raw, (int, float)) and not isinstance(raw, bool):
        return abs(Decimal(str(raw)))
    value, _ = signed_amount(_text(raw))
    return PROBLEM_AMOUNT if value is None else abs(value)


def _date_in_period(raw: object, *, year: int | None, period: tuple[date, date] | None) -> date | None:
    """A date; one written without a year takes the period's year that puts it inside the period."""
    if period is None:
        return cell_date(raw, year=year)
    start, end = period
    for candidate_year in dict.fromkeys((start.year, end.year)):
        on = cell_date(raw, year=candidate_year)
        if on is None:
            return None
        if start <= on <= end or start.year == end.year:
            return on
    return cell_date(raw, year=end.year)


def _period(lines: Iterable[list[object]]) -> tuple[date, date] | None:
    """The statement's period from the lines before the table ("Periode : 01/10/2026 - 31/10/2026")."""
    for cells in lines:
        text = " ".join(_text(c) for c in cells)
        dates = [d for d in (read_date(m, year=None) for m in _FULL_DATE.findall(text)) if d is not None]
        if len(dates) >= 2 and dates[0] <= dates[1]:
            return dates[0], dates[1]
    return None


def _cut(texts: list[str]) -> str:
    line = " | ".join(t for t in texts if t)
    return line if len(line) <= 160 else line[:159] + "…"


def credit_key(on: date, amount: int, description: str, balance: int | None, *, repeat: int = 1) -> str:
    """What makes a line the same line when a statement (or an overlapping one) is imported again."""
    text = f"{on.isoformat()}|{amount}|{' '.join(description.upper().split())}|{'' if balance is None else balance}"
    if repeat > 1:
        text += f"|#{repeat}"
    return hashlib.sha256(text.encode()).hexdigest()[:40]
