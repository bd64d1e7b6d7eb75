"""The invoice (tagihan): letterhead, number and dates, the exhibitor, the table of what is sold, the
sums, the amount in words, how to pay, the verification QR and the treasurer's signature.

A long table runs on to further pages (each with the letterhead and the table's header again); the
blocks after it move to a new page whole rather than split.
"""

from collections.abc import Callable

from booths.billing.draw.documents import BillDocument, Line
from booths.billing.draw.sheet import (
    ACCENT,
    GREY,
    INK,
    PAID,
    RULE,
    SHADE,
    VOID,
    Color,
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

STATE_MARKS: dict[str, tuple[str, Color]] = {"paid": (N_("PAID"), PAID), "void": (N_("VOID"), VOID)}


class _Flow:
    """A cursor down the pages of one document: ``need`` starts a new page when a block does not fit."""

    def __init__(self, sheet: Sheet, doc: BillDocument, pages_form: str, on_new_page: Callable[[], None]) -> None:
        self.sheet, self.doc, self.pages_form = sheet, doc, pages_form
        self.on_new_page = on_new_page
        self.page = 1
        self.bottom = sheet.margin + 1 * mm * sheet.unit  # the footer sits in the margin
        self.y = letterhead(sheet, doc.letterhead)

    def need(self, height: float) -> None:
        if self.y - height >= self.bottom:
            return
        self.finish_page()
        self.sheet.canvas.showPage()
        self.page += 1
        self.y = letterhead(self.sheet, self.doc.letterhead)
        sheet = self.sheet
        sheet.text(sheet.left, self.y - sheet.pt(9), self.continued(), 9, bold=True, color=GREY)
        self.y -= sheet.leading(9) + 3 * mm * sheet.unit
        self.on_new_page()

    def continued(self) -> str:
        return self.sheet.t(N_("Invoice %(number)s (continued)"), number=self.doc.number)

    def finish_page(self) -> None:
        sheet = self.sheet
        footer(sheet, f"{sheet.t(N_('Invoice'))} {self.doc.number}", self.page, self.pages_form)


def _title(sheet: Sheet, doc: BillDocument, top: float) -> float:
    u = sheet.unit
    sheet.text(sheet.left, top - sheet.pt(20), sheet.t(N_("INVOICE")), 20, bold=True, color=ACCENT)
    rows = [
        (sheet.t(N_("Number")), doc.number),
        (sheet.t(N_("Date")), sheet.day(doc.issued_on)),
    ]
    if doc.due_on:
        rows.append((sheet.t(N_("Pay by")), sheet.day(doc.due_on)))
    value_x = sheet.right - 50 * mm * u
    # The labels sit left of the values, as wide as the longest one ("Bayar paling lambat") needs.
    label_x = value_x - max(sheet.width(label, 9) for label, _ in rows) - 3 * mm * u
    y = top - sheet.pt(9)
    for label, value in rows:
        sheet.text(label_x, y, label, 9, color=GREY)
        sheet.text(value_x, y, value, 9, bold=True, max_w=50 * mm * u)
        y -= sheet.leading(9) + 0.6 * mm * u
    mark = STATE_MARKS.get(doc.state)
    if mark:
        _stamp(sheet, sheet.t(mark[0]), mark[1], sheet.left + 78 * mm * u, top - 9 * mm * u)
    return min(y, top - sheet.pt(20) - 3 * mm * u) - 3 * mm * u


def _stamp(sheet: Sheet, word: str, color: Color, cx: float, cy: float) -> None:
    """A rubber-stamp mark ("LUNAS", "BATAL"), slightly turned, in a framed box."""
    c, u = sheet.canvas, sheet.unit
    w = sheet.width(word, 16, bold=True) + 8 * mm * u
    h = sheet.pt(16) + 5 * mm * u
    c.saveState()
    c.translate(cx, cy)
    c.rotate(8)
    c.setStrokeColorRGB(*color)
    c.setLineWidth(1.6 * u)
    c.roundRect(-w / 2, -h / 2, w, h, 2 * mm * u, stroke=1, fill=0)
    sheet.text(0, -sheet.pt(16) * 0.36, word, 16, bold=True, color=color, align="c")
    c.restoreState()


def _party(sheet: Sheet, doc: BillDocument, top: float) -> float:
    u, party = sheet.unit, doc.exhibitor
    w = sheet.inner_w * 0.6
    y = top - sheet.pt(8)
    sheet.text(sheet.left, y, sheet.t(N_("Billed to")).upper(), 8, bold=True, color=GREY)
    y -= sheet.leading(11)
    sheet.text(sheet.left, y, party.business, 11, bold=True, max_w=w)
    y -= sheet.leading(9.5)
    details = [party.name]
    if party.nib:
        details.append(sheet.t(N_("NIB %(nib)s"), nib=party.nib))
    if party.whatsapp:
        details.append(sheet.t(N_("WhatsApp %(number)s"), number=party.whatsapp))
    sheet.text(sheet.left, y, " · ".join(details), 9, max_w=sheet.inner_w)
    y -= sheet.leading(9)
    if party.address:
        y = sheet.paragraph(sheet.left, y, party.address, 9, w, color=GREY)
    return y - 3 * mm * u


def _columns(sheet: Sheet) -> tuple[float, float, float, float, float]:
    """x of: number, description, quantity (right edge), unit price (right edge), amount (right edge)."""
    u = sheet.unit
    return (
        sheet.left + 2 * mm * u,
        sheet.left + 10 * mm * u,
        sheet.right - 64 * mm * u,
        sheet.right - 34 * mm * u,
        sheet.right - 2 * mm * u,
    )


def _table_head(sheet: Sheet, flow: _Flow) -> None:
    u = sheet.unit
    h = sheet.pt(8.5) + 4 * mm * u
    flow.need(h + 10 * mm * u)
    x_no, x_desc, x_qty, x_price, x_amount = _columns(sheet)
    sheet.box(sheet.left, flow.y - h, sheet.inner_w, h, fill=ACCENT, stroke=None)
    base = flow.y - h / 2 - sheet.pt(8.5) * 0.36
    white = (1.0, 1.0, 1.0)
    sheet.text(x_no, base, sheet.t(N_("No.")), 8.5, bold=True, color=white)
    sheet.text(x_desc, base, sheet.t(N_("Description")), 8.5, bold=True, color=white)
    sheet.text(x_qty, base, sheet.t(N_("Qty")), 8.5, bold=True, color=white, align="r")
    sheet.text(x_price, base, sheet.t(N_("Unit price")), 8.5, bold=True, color=white, align="r")
    sheet.text(x_amount, base, sheet.t(N_("Amount")), 8.5, bold=True, color=white, align="r")
    flow.y -= h


def _row(sheet: Sheet, flow: _Flow, index: int, line: Line) -> None:
    u = sheet.unit
    x_no, x_desc, x_qty, x_price, x_amount = _columns(sheet)
    desc_w = x_qty - 14 * mm * u - x_desc
    texts = sheet.lines(line.description, 9, desc_w)
    h = len(texts) * sheet.leading(9) + 3 * mm * u
    flow.need(h)
    if index % 2 == 0:
        sheet.box(sheet.left, flow.y - h, sheet.inner_w, h, fill=SHADE, stroke=None)
    y = flow.y - 1.5 * mm * u - sheet.pt(9)
    sheet.text(x_no, y, str(index), 9, color=GREY)
    for text in texts:
        sheet.text(x_desc, y, text, 9)
        y -= sheet.leading(9)
    y = flow.y - 1.5 * mm * u - sheet.pt(9)
    sheet.text(x_qty, y, f"{line.quantity:,}".replace(",", "."), 9, align="r")
    sheet.text(x_price, y, format_rupiah(line.unit_price), 9, align="r")
    sheet.text(x_amount, y, format_rupiah(line.amount), 9, align="r")
    flow.y -= h


def _sums(sheet: Sheet, doc: BillDocument, flow: _Flow) -> None:
    u = sheet.unit
    rows: list[tuple[str, int, bool]] = [(sheet.t(N_("Subtotal")), doc.subtotal, False)]
    if doc.discount:
        rows.append((sheet.t(N_("Discount")), -doc.discount, False))
    if doc.unique_code:
        rows.append((sheet.t(N_("Unique code (part of the transfer)")), doc.unique_code, False))
    rows.append((sheet.t(N_("Total")), doc.total, True))
    if doc.paid:
        rows.append((sheet.t(N_("Paid so far")), doc.paid, False))
        rows.append((sheet.t(N_("Outstanding")), doc.outstanding, True))
    elif doc.down_payment and doc.down_payment < doc.total:
        rows.append((sheet.t(N_("Down payment that secures the booth")), doc.down_payment, False))
    step = sheet.leading(9.5) + 0.8 * mm * u
    flow.need(len(rows) * step + 4 * mm * u)
    sheet.rule(flow.y, color=RULE)
    y = flow.y - 2 * mm * u - sheet.pt(9.5)
    label_x = sheet.right - 34 * mm * u - 4 * mm * u
    for label, amount, strong in rows:
        if strong:
            sheet.box(sheet.right - 92 * mm * u, y - 1.6 * mm * u, 92 * mm * u, step, fill=SHADE, stroke=None)
        sheet.text(label_x, y, label, 9.5, bold=strong, color=INK if strong else GREY, align="r", max_w=75 * mm * u)
        sheet.text(sheet.right - 2 * mm * u, y, format_rupiah(amount), 9.5, bold=strong, align="r")
        y -= step
    flow.y = y - 1 * mm * u


def _in_words(sheet: Sheet, doc: BillDocument, flow: _Flow) -> None:
    """The amount to pay in words, in a box, as Indonesian invoices state it."""
    u = sheet.unit
    amount = doc.outstanding if doc.paid else doc.total
    label = sheet.t(N_("In words"))
    words = rupiah_words(max(amount, 0))
    label_w = sheet.width(label, 9, bold=True) + 4 * mm * u
    texts = sheet.lines(words, 9.5, sheet.inner_w - label_w - 6 * mm * u)
    h = len(texts) * sheet.leading(9.5) + 4 * mm * u
    flow.need(h + 3 * mm * u)
    sheet.box(sheet.left, flow.y - h, sheet.inner_w, h, fill=SHADE)
    y = flow.y - 2 * mm * u - sheet.pt(9.5)
    sheet.text(sheet.left + 3 * mm * u, y, label, 9, bold=True, color=GREY)
    for text in texts:
        sheet.text(sheet.left + 3 * mm * u + label_w, y, text, 9.5, bold=True)
        y -= sheet.leading(9.5)
    flow.y -= h + 5 * mm * u


def _how_to_pay(sheet: Sheet, doc: BillDocument, flow: _Flow) -> None:
    u, pay = sheet.unit, doc.payment
    if doc.state in {"paid", "void"} or not (pay.bank_accounts or pay.qris or pay.cash_place):
        return
    qr_side = 30 * mm * u if pay.qris else 0.0
    text_w = sheet.inner_w - qr_side - 10 * mm * u
    lines: list[tuple[str, float, bool, Color]] = []
    accounts: list[tuple[str, str, bool]] = []  # bank and number, holder, on one line
    for account in pay.bank_accounts:
        bank = f"{account.bank} {account.number}"
        holder = sheet.t(N_("in the name of %(holder)s"), holder=account.holder)
        one_line = sheet.width(f"{bank}  ", 9.5, bold=True) + sheet.width(holder, 8.5) <= text_w
        accounts.append((bank, holder, one_line))
        lines.append((bank, 9.5, True, INK))
        if not one_line:
            lines.append((holder, 8.5, False, GREY))
    hint = N_("Transfer exactly %(amount)s and write %(number)s in the transfer's message.")
    if pay.bank_accounts or pay.qris:
        amount = format_rupiah(doc.outstanding)
        lines.extend(
            (t, 8.5, False, INK) for t in sheet.lines(sheet.t(hint, amount=amount, number=doc.number), 8.5, text_w)
        )
    if pay.cash_place:
        cash = sheet.t(N_("Cash: at %(place)s"), place=pay.cash_place)
        lines.extend((t, 8.5, False, INK) for t in sheet.lines(cash, 8.5, text_w))
    body = sum(sheet.leading(size) for _, size, _, _ in lines)
    h = max(body + sheet.leading(9) + 6 * mm * u, qr_side + 8 * mm * u)
    flow.need(h + 3 * mm * u)
    top = flow.y
    sheet.box(sheet.left, top - h, sheet.inner_w, h)
    y = top - 3 * mm * u - sheet.pt(9)
    sheet.text(sheet.left + 4 * mm * u, y, sheet.t(N_("How to pay")).upper(), 9, bold=True, color=ACCENT)
    y -= sheet.leading(9) + 1 * mm * u
    holders = {bank: holder for bank, holder, one_line in accounts if one_line}
    for text, size, bold, color in lines:
        sheet.text(sheet.left + 4 * mm * u, y, text, size, bold=bold, color=color, max_w=text_w)
        if bold and text in holders:
            after = sheet.left + 4 * mm * u + sheet.width(f"{text}  ", 9.5, bold=True)
            sheet.text(after, y, holders[text], 8.5, color=GREY)
        y -= sheet.leading(size)
    if pay.qris:
        qx = sheet.right - 4 * mm * u - qr_side
        sheet.image(pay.qris, qx, top - 4 * mm * u - qr_side, qr_side, qr_side)
        sheet.text(qx + qr_side / 2, top - h + 1.5 * mm * u, "QRIS", 7, color=GREY, align="c")
    flow.y = top - h - 4 * mm * u


def _closing(sheet: Sheet, doc: BillDocument, flow: _Flow) -> None:
    """The verification QR on the left, the treasurer's signature on the right."""
    u = sheet.unit
    side = 26 * mm * u
    h = max(side + 3 * sheet.leading(7), signature_height(sheet)) + 2 * mm * u
    flow.need(h)
    verification(sheet, doc.verify_url, sheet.left, flow.y - side, side, doc.number)
    signature(sheet, doc.treasurer, doc.issued_on, sheet.right, flow.y)
    flow.y -= h


def draw_invoice(sheet: Sheet, doc: BillDocument, pages_form: str) -> int:
    """The invoice's pages on ``sheet`` (the last one not yet shown); returns how many."""
    flow = _Flow(sheet, doc, pages_form, on_new_page=lambda: None)
    flow.y = _title(sheet, doc, flow.y)
    flow.y = _party(sheet, doc, flow.y)
    flow.on_new_page = lambda: _table_head(sheet, flow)
    _table_head(sheet, flow)
    for i, line in enumerate(doc.lines, start=1):
        _row(sheet, flow, i, line)
    flow.on_new_page = lambda: None
    _sums(sheet, doc, flow)
    _in_words(sheet, doc, flow)
    _how_to_pay(sheet, doc, flow)
    _closing(sheet, doc, flow)
    flow.finish_page()
    return flow.page
