"""The exhibitor records as a spreadsheet (XLSX, with typed columns) and as CSV, in the reader's language.

XLSX through ``xlsxwriter``: every text cell is written with ``write_string`` (a name such as
``=HYPERLINK(...)`` stays text, never a formula), the NIB too (its leading zeros survive), numbers as
numbers and the sign-up day as a date; the header row is frozen and has filters. CSV goes through
``expo.csv_export``, which neutralises formula-like cells.
"""

import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any
from zoneinfo import ZoneInfo

import xlsxwriter

from booths.exhibitors.records import BookingState, PaymentState, RecordRow
from booths.labels import class_label
from expo.csv_export import Cell, csv_text
from expo.formatting import as_utc
from expo.i18n import gettext
from expo.phones import wa_me_link


def booking_state_label(state: str) -> str:
    labels = {
        BookingState.NONE.value: gettext("No booking"),
        BookingState.HELD.value: gettext("Held"),
        BookingState.CONFIRMED.value: gettext("Confirmed"),
        BookingState.ENDED.value: gettext("Ended"),
    }
    return labels.get(state, state)  # StrEnum members are their strings as keys


def payment_state_label(state: str) -> str:
    labels = {
        PaymentState.NONE.value: "–",
        PaymentState.DUE.value: gettext("Awaiting payment"),
        PaymentState.PAID.value: gettext("Paid"),
        PaymentState.FREE.value: gettext("Free stand"),
    }
    return labels.get(state, state)


def approval_label(approval: str) -> str:
    labels = {
        "pending": gettext("Waiting for approval"),
        "approved": gettext("Approved"),
        "rejected": gettext("Rejected"),
    }
    return labels.get(str(approval), str(approval))


def whatsapp_link(number: str) -> str:
    """``+62812...`` -> ``https://wa.me/62812...`` (click to chat)."""
    return wa_me_link(number)


@dataclass(frozen=True)
class Column:
    title: str
    kind: str  # "text", "number", "date"
    value: Callable[[RecordRow], Any]
    width: int  # at least, in characters


def _columns(timezone: str) -> list[Column]:
    zone = ZoneInfo(timezone)

    def signed_up(row: RecordRow) -> date:
        return as_utc(row.exhibitor.created_at).astimezone(zone).date()

    return [
        Column(gettext("Business name"), "text", lambda r: r.exhibitor.name, 24),
        Column(gettext("Owner / contact"), "text", lambda r: r.exhibitor.contact_name, 18),
        Column(gettext("NIB"), "text", lambda r: r.exhibitor.nib, 15),
        Column(gettext("Class"), "text", lambda r: class_label(r.exhibitor.exhibitor_class), 14),
        Column(gettext("Regency / city"), "text", lambda r: r.exhibitor.regency, 14),
        Column(gettext("Pesantren"), "text", lambda r: r.exhibitor.pesantren_name or "", 18),
        Column(gettext("WhatsApp"), "text", lambda r: r.exhibitor.whatsapp, 16),
        Column(gettext("WhatsApp link"), "text", lambda r: whatsapp_link(r.exhibitor.whatsapp), 26),
        Column(gettext("E-mail"), "text", lambda r: r.exhibitor.email, 24),
        Column(gettext("Booths"), "text", lambda r: ", ".join(r.booths), 10),
        Column(gettext("Booking"), "text", lambda r: booking_state_label(r.booking), 12),
        Column(gettext("Payment"), "text", lambda r: payment_state_label(r.payment), 14),
        Column(gettext("Amount paid (Rp)"), "number", lambda r: r.paid_amount, 14),
        Column(gettext("Staff passes"), "number", lambda r: r.staff_passes or 0, 10),
        Column(gettext("Approval"), "text", lambda r: approval_label(r.exhibitor.approval), 16),
        Column(gettext("Signed up on"), "date", signed_up, 12),
    ]


def _cell(column: Column, row: RecordRow) -> Cell:
    value = column.value(row)
    if column.kind == "date":
        return value.isoformat() if isinstance(value, date) else None
    return value if isinstance(value, int | str) else str(value)


def records_csv(rows: Sequence[RecordRow], timezone: str) -> str:
    columns = _columns(timezone)
    return csv_text([c.title for c in columns], ([_cell(c, row) for c in columns] for row in rows))


def records_xlsx(rows: Sequence[RecordRow], timezone: str, sheet_name: str) -> bytes:
    columns = _columns(timezone)
    buffer = io.BytesIO()
    # No conversion of any string: text is text (strings_to_* off), and write_string is used anyway.
    workbook = xlsxwriter.Workbook(
        buffer,
        {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False},
    )
    sheet = workbook.add_worksheet(_sheet_name(sheet_name))
    header = workbook.add_format({"bold": True, "bg_color": "#E8F5EE", "border": 1})
    text = workbook.add_format({"num_format": "@"})
    whole = workbook.add_format({"num_format": "#,##0"})
    day = workbook.add_format({"num_format": "yyyy-mm-dd"})
    widths = [max(c.width, len(c.title) + 2) for c in columns]
    for x, column in enumerate(columns):
        sheet.write_string(0, x, column.title, header)
    for y, row in enumerate(rows, start=1):
        for x, column in enumerate(columns):
            value = column.value(row)
            if column.kind == "number":
                sheet.write_number(y, x, int(value or 0), whole)
            elif column.kind == "date":
                sheet.write_datetime(y, x, value, day)
            else:
                value = str(value)
                sheet.write_string(y, x, value, text)
                widths[x] = max(widths[x], min(len(value) + 2, 50))
    for x, width in enumerate(widths):
        sheet.set_column(x, x, width)
    sheet.freeze_panes(1, 0)
    sheet.autofilter(0, 0, max(len(rows), 1), len(columns) - 1)
    workbook.close()
    return buffer.getvalue()


def _sheet_name(name: str) -> str:
    """A worksheet name Excel accepts: at most 31 characters, none of ``[]:*?/\\``."""
    cleaned = "".join(c for c in name if c not in "[]:*?/\\'").strip()
    return cleaned[:31] or "Exhibitors"


def booking_action_label(action: str) -> str:
    labels = {
        "hold": gettext("Held"),
        "hold_confirm_free": gettext("Free stand confirmed on booking"),
        "assign": gettext("Assigned by the committee"),
        "confirm": gettext("Confirmed"),
        "cancel": gettext("Cancelled"),
        "move": gettext("Moved"),
        "expire": gettext("Hold ran out"),
        "reprice": gettext("Repriced (class not approved)"),
        "approve_confirm_free": gettext("Confirmed after approval"),
    }
    return labels.get(action, action)


def audit_action_label(action: str) -> str:
    labels = {
        "exhibitor.updated": gettext("Record changed"),
        "exhibitor.approved": gettext("Class approved"),
        "exhibitor.rejected": gettext("Class rejected"),
        "exhibitor.approved_by_documents": gettext("Class approved: its documents are verified"),
    }
    return labels.get(action, action)


def field_label(name: str) -> str:
    labels = {
        "name": gettext("Business name"),
        "exhibitor_class": gettext("Class"),
        "nib": gettext("NIB"),
        "pesantren_name": gettext("Pesantren"),
        "regency": gettext("Regency / city"),
        "contact_name": gettext("Owner / contact"),
        "whatsapp": gettext("WhatsApp"),
        "email": gettext("E-mail"),
        "cluster": gettext("Product cluster"),
        "description": gettext("Products"),
        "approval": gettext("Approval"),
        "approval_note": gettext("Note"),
    }
    return labels.get(name, name)
