"""The receipt (kwitansi) for one payment, laid out as Indonesian kwitansi are: "Telah terima dari",
"Uang sejumlah" (the amount in words, in a box), "Untuk pembayaran", then the amount in figures in a
framed box on the left and the dated signature block on the right, with the meterai box where the
amount requires stamp duty. Always one page: long texts are wrapped to a few lines and cut.
"""

from booths.billing.draw.documents import ReceiptDocument
from booths.billing.draw.meterai import METERAI, meterai_due
from booths.billing.draw.sheet import (
    ACCENT,
    GREY,
    INK,
    SHADE,
    Sheet,
    footer,
    letterhead,
    mm,
    signature,
    signature_height,
    verification,
)
from expo.formatting import format_rupiah
from expo.i18n import N_
from expo.terbilang import rupiah_words

METHOD_LABELS = {
    "transfer": N_("Bank transfer"),
    "qris": N_("QRIS"),
    "cash": N_("Cash"),
    "online": N_("Online payment"),
    "waived": N_("Waived by the committee"),
}


def _field(sheet: Sheet, y: float, label: str, value: str, *, bold: bool = False, max_lines: int = 2) -> float:
    """One "label : value" row; returns the y under it."""
    u = sheet.unit
    label_w = 44 * mm * u
    x = sheet.left + label_w
    sheet.text(sheet.left, y, label, 9.5, color=GREY, max_w=label_w - 4 * mm * u)
    sheet.text(x - 3 * mm * u, y, ":", 9.5, color=GREY)
    lines = sheet.lines(value, 10, sheet.right - x)
    if len(lines) > max_lines:
        lines = [*lines[: max_lines - 1], " ".join(lines[max_lines - 1 :])]
    for line in lines:
        sheet.text(x, y, line, 10, bold=bold, max_w=sheet.right - x)
        y -= sheet.leading(10)
    return y - 2.2 * mm * u


def _words(sheet: Sheet, y: float, label: str, words: str) -> float:
    """The amount in words in a shaded box (a kwitansi's "uang sejumlah")."""
    u = sheet.unit
    label_w = 44 * mm * u
    x = sheet.left + label_w
    lines = sheet.lines(words, 10.5, sheet.right - x - 6 * mm * u, bold=True)[:3]
    h = len(lines) * sheet.leading(10.5) + 4 * mm * u
    top = y + sheet.pt(10.5) + 2 * mm * u
    sheet.text(sheet.left, y, label, 9.5, color=GREY, max_w=label_w - 4 * mm * u)
    sheet.text(x - 3 * mm * u, y, ":", 9.5, color=GREY)
    sheet.box(x, top - h, sheet.right - x, h, fill=SHADE)
    for line in lines:
        sheet.text(x + 3 * mm * u, y, line, 10.5, bold=True)
        y -= sheet.leading(10.5)
    return top - h - sheet.pt(10) - 3 * mm * u


def _figures(sheet: Sheet, amount: int, x: float, top: float) -> float:
    """The amount in figures in a framed box; returns the y under it."""
    u = sheet.unit
    text = format_rupiah(amount)
    h = sheet.pt(16) + 6 * mm * u
    w = max(sheet.width(text, 16, bold=True) + 12 * mm * u, 58 * mm * u)
    c = sheet.canvas
    c.setFillColorRGB(*SHADE)
    c.setStrokeColorRGB(*ACCENT)
    c.setLineWidth(1.4 * u)
    c.rect(x, top - h, w, h, stroke=1, fill=1)
    sheet.text(x + 5 * mm * u, top - h / 2 - sheet.pt(16) * 0.36, text, 16, bold=True)
    return top - h


def draw_receipt(sheet: Sheet, doc: ReceiptDocument, pages_form: str) -> int:
    """The receipt's page on ``sheet`` (not yet shown); returns 1."""
    u = sheet.unit
    y = letterhead(sheet, doc.letterhead)
    centre = sheet.page_w / 2
    title = sheet.t(N_("RECEIPT"))
    y -= sheet.pt(20)
    sheet.text(centre, y, title, 20, bold=True, color=ACCENT, align="c")
    title_w = sheet.width(title, 20, bold=True)
    c = sheet.canvas
    c.setStrokeColorRGB(*ACCENT)
    c.setLineWidth(0.8 * u)
    c.line(centre - title_w / 2, y - 1.6 * mm * u, centre + title_w / 2, y - 1.6 * mm * u)
    y -= sheet.leading(10) + 2 * mm * u
    sheet.text(centre, y, sheet.t(N_("No. %(number)s"), number=doc.number), 10, align="c")
    y -= sheet.leading(10) + 6 * mm * u

    party = doc.received_from
    who = f"{party.business} ({party.name})" if party.name and party.name != party.business else party.business
    y = _field(sheet, y, sheet.t(N_("Received from")), who, bold=True)
    y = _words(sheet, y, sheet.t(N_("The sum of")), rupiah_words(doc.amount))
    y = _field(sheet, y, sheet.t(N_("In payment of")), doc.purpose, max_lines=3)
    paid = f"{sheet.t(METHOD_LABELS[doc.method])}, {sheet.day(doc.paid_on)}"
    if doc.reference:
        paid += f" · {doc.reference}"
    y = _field(sheet, y, sheet.t(N_("Paid by")), paid)
    if doc.bill_number:
        y = _field(sheet, y, sheet.t(N_("Invoice")), doc.bill_number)
    if doc.outstanding_after is not None:
        rest = (
            sheet.t(N_("%(amount)s (paid in full)"), amount=format_rupiah(0))
            if doc.outstanding_after <= 0
            else format_rupiah(doc.outstanding_after)
        )
        y = _field(sheet, y, sheet.t(N_("Left to pay")), rest)

    top = y - 4 * mm * u
    due = meterai_due(doc.amount)
    box = sheet.t(METERAI.box, duty=format_rupiah(METERAI.duty)) if due else None
    signature(sheet, doc.treasurer, doc.issued_on, sheet.right, top, meterai=box)
    under = _figures(sheet, doc.amount, sheet.left, top - 2 * mm * u)
    side = 24 * mm * u
    verification(sheet, doc.verify_url, sheet.left, under - 5 * mm * u - side, side, doc.number)
    bottom = min(top - signature_height(sheet), under - 5 * mm * u - side - 3 * sheet.leading(7))
    if due:
        note = sheet.t(METERAI.note, duty=format_rupiah(METERAI.duty), threshold=format_rupiah(METERAI.threshold))
        sheet.paragraph(sheet.left, bottom - 4 * mm * u, note, 7.5, sheet.inner_w, color=GREY)
    footer(sheet, f"{sheet.t(N_('Receipt'))} {doc.number}", 1, pages_form)
    sheet.canvas.setFillColorRGB(*INK)
    return 1
