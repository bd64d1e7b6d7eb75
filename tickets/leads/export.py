"""An exhibitor's leads as CSV and XLSX (pure: rows in, text or bytes out).

Names and notes are typed by people, so no cell may become a formula: CSV goes through
``expo.csv_export`` (which neutralises formula-like cells), XLSX through ``xlsxwriter`` with every
string conversion off and text written by ``write_string``. The contact columns are empty for a
visitor who does not consent (the rows already carry no contact then); the "Contact" column says so.
"""

import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

import xlsxwriter

from expo.csv_export import Cell, csv_text
from expo.formatting import as_utc
from expo.i18n import gettext
from tickets.leads.service import LeadRow

XLSX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass(frozen=True)
class _Column:
    title: str
    value: Callable[[LeadRow], str | datetime]
    width: int = 14


def _columns(zone: ZoneInfo) -> list[_Column]:
    return [
        _Column(gettext("Saved at"), lambda r: as_utc(r.created_at).astimezone(zone).replace(tzinfo=None), 17),
        _Column(gettext("Name"), lambda r: r.name, 24),
        _Column(gettext("Organisation"), lambda r: r.organisation or "", 20),
        _Column(gettext("Pass"), lambda r: r.kind_name, 12),
        _Column(gettext("Pass code"), lambda r: r.pass_code, 11),
        _Column(
            gettext("Contact"),
            lambda r: gettext("shared") if r.shares_contact else gettext("saved without contact"),
            18,
        ),
        _Column(gettext("WhatsApp"), lambda r: r.phone or "", 16),
        _Column(gettext("E-mail"), lambda r: r.email or "", 24),
        _Column(gettext("Note"), lambda r: r.note, 40),
    ]


def _csv_cell(value: str | datetime) -> Cell:
    return value.strftime("%Y-%m-%d %H:%M") if isinstance(value, datetime) else value


def leads_csv(rows: Sequence[LeadRow], timezone: str) -> str:
    columns = _columns(ZoneInfo(timezone))
    return csv_text([c.title for c in columns], ([_csv_cell(c.value(r)) for c in columns] for r in rows))


def leads_xlsx(rows: Sequence[LeadRow], timezone: str) -> bytes:
    columns = _columns(ZoneInfo(timezone))
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(
        buffer,
        {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False},
    )
    sheet = book.add_worksheet(gettext("Leads")[:31])
    header = book.add_format({"bold": True, "bg_color": "#E8F5EE", "border": 1})
    text = book.add_format({"num_format": "@", "text_wrap": False})
    moment = book.add_format({"num_format": "yyyy-mm-dd hh:mm"})
    widths = [max(c.width, len(c.title) + 2) for c in columns]
    for x, column in enumerate(columns):
        sheet.write_string(0, x, column.title, header)
    for y, row in enumerate(rows, start=1):
        for x, column in enumerate(columns):
            value = column.value(row)
            if isinstance(value, datetime):
                sheet.write_datetime(y, x, value, moment)
            else:
                sheet.write_string(y, x, value, text)
                widths[x] = max(widths[x], min(len(value) + 2, 50))
    for x, width in enumerate(widths):
        sheet.set_column(x, x, width)
    sheet.freeze_panes(1, 0)
    sheet.autofilter(0, 0, max(len(rows), 1), len(columns) - 1)
    book.close()
    return buffer.getvalue()
