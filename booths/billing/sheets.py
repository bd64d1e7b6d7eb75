"""The add-on logistics list and the revenue as spreadsheets (XLSX with typed columns) and CSV.

XLSX through ``xlsxwriter`` with every conversion of strings off and text written by
``write_string``, so a name or fascia text such as ``=HYPERLINK(...)`` stays text; amounts are
numbers, dates are dates. CSV goes through ``expo.csv_export``, which neutralises formula-like cells.
"""

import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, Generic, TypeVar
from zoneinfo import ZoneInfo

import xlsxwriter
from xlsxwriter.worksheet import Worksheet

from booths.billing.addons import LogisticsRow
from booths.billing.revenue import Figures, OpenBill, Totals
from booths.labels import class_label, status_label
from expo.csv_export import Cell, csv_text
from expo.formatting import as_utc
from expo.i18n import gettext

T = TypeVar("T")


@dataclass(frozen=True)
class Column(Generic[T]):
    title: str
    kind: str  # "text", "number", "date"
    value: Callable[[T], Any]
    width: int = 12


def _logistics_columns() -> list[Column[LogisticsRow]]:
    return [
        Column(gettext("Booth"), "text", lambda r: r.booth_code, 8),
        Column(gettext("Exhibitor"), "text", lambda r: r.exhibitor, 24),
        Column(gettext("WhatsApp"), "text", lambda r: r.whatsapp, 16),
        Column(gettext("Booking"), "text", lambda r: status_label(r.status), 12),
        Column(gettext("Extra power (VA)"), "number", lambda r: r.power_va),
        Column(gettext("Extra tables"), "number", lambda r: r.tables),
        Column(gettext("Extra chairs"), "number", lambda r: r.chairs),
        Column(gettext("Extra staff passes"), "number", lambda r: r.staff_passes),
        Column(gettext("Fascia text"), "text", lambda r: r.fascia, 24),
        Column(gettext("Other"), "text", lambda r: r.other, 20),
    ]


def _cell(column: Column[T], row: T) -> Cell:
    value = column.value(row)
    if isinstance(value, date):
        return value.isoformat()
    return value if isinstance(value, int | str) or value is None else str(value)


def logistics_csv(rows: Sequence[LogisticsRow]) -> str:
    columns = _logistics_columns()
    return csv_text([c.title for c in columns], ([_cell(c, r) for c in columns] for r in rows))


class _Book:
    """One in-memory workbook with the formats every sheet uses."""

    def __init__(self) -> None:
        self.buffer = io.BytesIO()
        self.book = xlsxwriter.Workbook(
            self.buffer,
            {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False},
        )
        self.header = self.book.add_format({"bold": True, "bg_color": "#E8F5EE", "border": 1})
        self.text = self.book.add_format({"num_format": "@"})
        self.whole = self.book.add_format({"num_format": "#,##0"})
        self.day = self.book.add_format({"num_format": "yyyy-mm-dd"})

    def sheet(self, name: str, columns: Sequence[Column[T]], rows: Sequence[T]) -> Worksheet:
        sheet = self.book.add_worksheet(_sheet_name(name))
        widths = [max(c.width, len(c.title) + 2) for c in columns]
        for x, column in enumerate(columns):
            sheet.write_string(0, x, column.title, self.header)
        for y, row in enumerate(rows, start=1):
            for x, column in enumerate(columns):
                value = column.value(row)
                if column.kind == "number":
                    sheet.write_number(y, x, int(value or 0), self.whole)
                elif column.kind == "date":
                    if isinstance(value, date):
                        sheet.write_datetime(y, x, value, self.day)
                    else:
                        sheet.write_blank(y, x, None)
                else:
                    text = "" if value is None else str(value)
                    sheet.write_string(y, x, text, self.text)
                    widths[x] = max(widths[x], min(len(text) + 2, 50))
        for x, width in enumerate(widths):
            sheet.set_column(x, x, width)
        sheet.freeze_panes(1, 0)
        sheet.autofilter(0, 0, max(len(rows), 1), len(columns) - 1)
        return sheet

    def close(self) -> bytes:
        self.book.close()
        return self.buffer.getvalue()


def _sheet_name(name: str) -> str:
    cleaned = "".join(c for c in name if c not in "[]:*?/\\'").strip()
    return cleaned[:31] or "Sheet"


def logistics_xlsx(rows: Sequence[LogisticsRow]) -> bytes:
    book = _Book()
    book.sheet(gettext("Add-ons"), _logistics_columns(), rows)
    return book.close()


def _figure_columns(title: str, key: Callable[[Figures], str]) -> list[Column[Figures]]:
    return [
        Column(title, "text", key, 20),
        Column(gettext("Bills"), "number", lambda f: f.bills),
        Column(gettext("Billed (Rp)"), "number", lambda f: f.billed, 14),
        Column(gettext("Received (Rp)"), "number", lambda f: f.paid, 14),
        Column(gettext("Outstanding (Rp)"), "number", lambda f: f.outstanding, 14),
        Column(gettext("Overdue (Rp)"), "number", lambda f: f.overdue, 14),
    ]


def revenue_xlsx(
    totals: Totals,
    by_class: Sequence[Figures],
    by_package: Sequence[Figures],
    by_regency: Sequence[Figures],
    bills: Sequence[OpenBill],
    timezone: str,
    state_label: Callable[[str], str],
) -> bytes:
    zone = ZoneInfo(timezone)
    book = _Book()
    summary: list[tuple[str, int]] = [
        (gettext("Billed"), totals.billed),
        (gettext("Received"), totals.paid),
        (gettext("Outstanding"), totals.outstanding),
        (gettext("Overdue"), totals.overdue),
        (gettext("Kept from cancellations"), totals.kept),
        (gettext("Refunds to pay"), totals.refunds_to_pay),
        (gettext("Refunds paid"), totals.refunds_paid),
    ]
    book.sheet(
        gettext("Summary"),
        [
            Column(gettext("Figure"), "text", lambda r: r[0], 24),
            Column(gettext("Rupiah"), "number", lambda r: r[1], 16),
        ],
        summary,
    )
    book.sheet(gettext("By class"), _figure_columns(gettext("Class"), lambda f: class_label(f.key)), by_class)
    book.sheet(gettext("By package"), _figure_columns(gettext("Package"), lambda f: f.key or "–"), by_package)
    book.sheet(gettext("By regency"), _figure_columns(gettext("Regency / city"), lambda f: f.key or "–"), by_regency)

    def due(item: OpenBill) -> date | None:
        if item.bill.rest_due_on is not None and item.bill.paid > 0:
            return item.bill.rest_due_on
        return as_utc(item.bill.due_at).astimezone(zone).date() if item.bill.due_at else None

    book.sheet(
        gettext("Open bills"),
        [
            Column(gettext("Bill"), "text", lambda b: b.bill.number, 18),
            Column(gettext("Exhibitor"), "text", lambda b: b.exhibitor, 24),
            Column(gettext("Booth"), "text", lambda b: b.booth_code, 8),
            Column(gettext("WhatsApp"), "text", lambda b: b.whatsapp, 16),
            Column(gettext("State"), "text", lambda b: state_label(b.state), 12),
            Column(gettext("Total (Rp)"), "number", lambda b: b.bill.total, 14),
            Column(gettext("Received (Rp)"), "number", lambda b: b.bill.paid, 14),
            Column(gettext("Outstanding (Rp)"), "number", lambda b: b.owed, 14),
            Column(gettext("Due"), "date", due, 12),
        ],
        bills,
    )
    return book.close()
