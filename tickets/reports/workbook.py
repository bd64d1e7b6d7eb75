"""The report as an XLSX workbook (pure: plain data in, bytes out): one sheet per table of the PDF,
typed columns (numbers are numbers, days are dates), and the raw rows of the daily sales.

Every text cell goes through ``write_string`` with xlsxwriter's string conversions off, so a name such
as ``=HYPERLINK(...)`` stays text and never becomes a formula."""

import io
from collections.abc import Callable, Sequence
from typing import Any, Literal

import xlsxwriter

from expo.i18n import translate
from tickets.reports.data import ReportData

Kind = Literal["text", "number", "date", "flag"]


class _Book:
    def __init__(self, locale: str) -> None:
        self.locale = locale
        self.buffer = io.BytesIO()
        self.wb = xlsxwriter.Workbook(
            self.buffer,
            {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False},
        )
        self.header = self.wb.add_format({"bold": True, "bg_color": "#E8F5EE", "border": 1})
        self.text = self.wb.add_format({"num_format": "@"})
        self.whole = self.wb.add_format({"num_format": "#,##0"})
        self.day = self.wb.add_format({"num_format": "yyyy-mm-dd"})
        self.names: set[str] = set()

    def translate(self, message: str) -> str:
        """``message`` in the workbook's language (named so the catalog extractor finds the texts)."""
        return translate(message, None, locale=self.locale)

    def sheet(self, title: str, columns: Sequence[tuple[str, Kind]], rows: Sequence[Sequence[Any]]) -> None:
        name = "".join(c for c in title if c not in "[]:*?/\\'")[:31]
        while name in self.names:
            name = name[:29] + str(len(self.names))
        self.names.add(name)
        ws = self.wb.add_worksheet(name)
        widths = [len(label) + 2 for label, _ in columns]
        for x, (label, _) in enumerate(columns):
            ws.write_string(0, x, label, self.header)
        writers: dict[Kind, Callable[[int, int, Any], None]] = {
            "number": lambda y, x, v: ws.write_number(y, x, int(v), self.whole),
            "date": lambda y, x, v: ws.write_datetime(y, x, v, self.day),
            "flag": lambda y, x, v: ws.write_boolean(y, x, bool(v)),
            "text": lambda y, x, v: ws.write_string(y, x, str(v), self.text),
        }
        for y, row in enumerate(rows, start=1):
            for x, ((_, kind), value) in enumerate(zip(columns, row, strict=True)):
                writers[kind](y, x, value)
                if kind == "text":
                    widths[x] = max(widths[x], min(len(str(value)) + 2, 50))
                elif kind == "date":
                    widths[x] = max(widths[x], 12)
                else:
                    widths[x] = max(widths[x], 14)
        for x, width in enumerate(widths):
            ws.set_column(x, x, width)
        ws.freeze_panes(1, 0)
        ws.autofilter(0, 0, max(len(rows), 1), len(columns) - 1)

    def close(self) -> bytes:
        self.wb.close()
        return self.buffer.getvalue()


def render_workbook(data: ReportData) -> bytes:
    b = _Book(data.locale)
    peak = data.peak
    b.sheet(
        b.translate("Summary"),
        [(b.translate("Figure"), "text"), (b.translate("Value"), "number")],
        [
            (b.translate("Exhibitors with a booth"), data.exhibitors),
            (b.translate("of them pesantren businesses"), data.pesantren),
            (b.translate("Visitors (each person once)"), data.visitors),
            (b.translate("Entries at the gates"), data.entries),
            (b.translate("Most people inside at once"), peak.peak_inside if peak else 0),
            (b.translate("Sales reported by exhibitors"), data.sales),
            (b.translate("Orders for later delivery"), data.orders),
            (b.translate("Deals signed"), data.deals_value),
            (b.translate("Booth fees billed"), sum(r.billed for r in data.revenue)),
            (b.translate("Booth fees paid"), sum(r.paid for r in data.revenue)),
        ],
    )
    b.sheet(
        b.translate("Visitors per day"),
        [
            (b.translate("Day"), "date"),
            (b.translate("Entries"), "number"),
            (b.translate("Visitors"), "number"),
            (b.translate("Most inside"), "number"),
            (b.translate("Refused"), "number"),
        ],
        [(v.day, v.entries, v.visitors, v.peak_inside, v.refused) for v in data.visitor_days],
    )
    b.sheet(
        b.translate("Entries per hour"),
        [(b.translate("Hour"), "number"), (b.translate("Entries"), "number")],
        list(enumerate(data.entries_per_hour)),
    )
    b.sheet(
        b.translate("Gates"),
        [(b.translate("Gate"), "text"), (b.translate("Entries"), "number")],
        [(c.label, c.value) for c in data.entries_per_gate],
    )
    b.sheet(
        b.translate("Visitor categories"),
        [(b.translate("Category"), "text"), (b.translate("Visitors"), "number")],
        [(c.label, c.value) for c in data.visitors_by_category],
    )
    b.sheet(
        b.translate("Visitor regencies"),
        [(b.translate("Regency or city"), "text"), (b.translate("Visitors"), "number")],
        [(c.label, c.value) for c in data.visitors_by_regency],
    )
    b.sheet(
        b.translate("Refusals"),
        [(b.translate("Refused at the gate"), "text"), (b.translate("Scans"), "number")],
        [(c.label, c.value) for c in data.refusals],
    )
    b.sheet(
        b.translate("Exhibitor classes"),
        [(b.translate("Class"), "text"), (b.translate("Exhibitors"), "number")],
        [(c.label, c.value) for c in data.exhibitors_by_class],
    )
    b.sheet(
        b.translate("Exhibitor regencies"),
        [(b.translate("Regency or city"), "text"), (b.translate("Exhibitors"), "number")],
        [(c.label, c.value) for c in data.exhibitors_by_regency],
    )
    b.sheet(
        b.translate("Sales per day"),
        [
            (b.translate("Day"), "date"),
            (b.translate("Reported"), "number"),
            (b.translate("Cash"), "number"),
            (b.translate("Transfer and QRIS"), "number"),
            (b.translate("Sales"), "number"),
            (b.translate("Sales count"), "number"),
            (b.translate("Orders"), "number"),
            (b.translate("Deals"), "number"),
            (b.translate("Deals value"), "number"),
        ],
        [
            (s.day, s.reported, s.cash, s.transfer, s.sales, s.transactions, s.orders, s.deals, s.deals_value)
            for s in data.sales_days
        ],
    )
    b.sheet(
        b.translate("Sales per category"),
        [
            (b.translate("Product category"), "text"),
            (b.translate("Exhibitors"), "number"),
            (b.translate("Sales"), "number"),
        ],
        [(c.label, c.exhibitors, c.sales) for c in data.sales_by_category],
    )
    b.sheet(
        b.translate("Booth fees"),
        [
            (b.translate("Class"), "text"),
            (b.translate("Bills"), "number"),
            (b.translate("Billed"), "number"),
            (b.translate("Paid"), "number"),
        ],
        [(r.label, r.bills, r.billed, r.paid) for r in data.revenue],
    )
    b.sheet(
        b.translate("Sales rows"),
        [
            (b.translate("Exhibitor"), "text"),
            (b.translate("Class"), "text"),
            (b.translate("Regency or city"), "text"),
            (b.translate("Product category"), "text"),
            (b.translate("Day"), "date"),
            (b.translate("Cash"), "number"),
            (b.translate("Transfer and QRIS"), "number"),
            (b.translate("Sales count"), "number"),
            (b.translate("Orders"), "number"),
            (b.translate("Deals value"), "number"),
            (b.translate("To check"), "flag"),
        ],
        [
            (
                r.exhibitor,
                r.exhibitor_class,
                r.regency,
                r.category,
                r.day,
                r.cash,
                r.transfer,
                r.transactions,
                r.orders,
                r.deals_value,
                r.flagged,
            )
            for r in data.sale_rows
        ],
    )
    return b.close()
