"""The drawing surface the invoice and the receipt share: page sizes, the document's words, text in
the PDF fonts, images, the letterhead, the verification QR and the signature block.

One layout serves A4 and A5 portrait: lengths are in millimetres of an A4 page times ``unit`` (A5 is
the same shape, 0.707 of the size); type shrinks less than the page (``type_scale``), so A5 text
stays readable, and every line is measured and cut or wrapped to its box rather than trusted to fit.
"""

import io
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from reportlab.lib.utils import ImageReader
from reportlab.pdfgen.canvas import Canvas

from booths.billing.draw.documents import Letterhead, Signatory, Size
from expo.fonts import FontNames, draw_text, register_fonts
from expo.formatting import format_date, format_date_range
from expo.i18n import N_, translate
from expo.pdf_text import cut, fit, width, wrap
from expo.qr_draw import draw_qr

mm: float = 72 / 25.4  # points in a millimetre (reportlab's own constant is untyped)
PAGE_MM: dict[Size, tuple[float, float]] = {"A4": (210, 297), "A5": (148, 210)}
TYPE_SCALE: dict[Size, float] = {"A4": 1.0, "A5": 0.84}
SIGN_ROOM_MM = 20  # between the title and the name: room to sign and stamp
MARGIN_MM = 16  # on A4; printers cannot print to the edge and a ring binder takes 10 mm

INK = (0.13, 0.13, 0.13)
GREY = (0.40, 0.40, 0.40)
RULE = (0.75, 0.75, 0.75)
SHADE = (0.94, 0.95, 0.96)
ACCENT = (0.08, 0.27, 0.45)  # headings and the title: a dark blue that photocopies as black
PAID = (0.12, 0.48, 0.22)
VOID = (0.72, 0.11, 0.11)

Color = tuple[float, float, float]


@dataclass
class Sheet:
    """A canvas and what every page of a document needs to draw on it."""

    canvas: Canvas
    size: Size
    locale: str
    fonts: FontNames = field(default_factory=register_fonts)
    images: dict[bytes, ImageReader] = field(default_factory=dict)
    forms: set[str] = field(default_factory=set)
    heights: dict[str, float] = field(default_factory=dict)  # of the letterhead forms drawn so far

    @property
    def page_w(self) -> float:
        return PAGE_MM[self.size][0] * mm

    @property
    def page_h(self) -> float:
        return PAGE_MM[self.size][1] * mm

    @property
    def unit(self) -> float:
        """This page's size as a fraction of A4 (A5: 0.705): lengths are A4 millimetres times this."""
        return PAGE_MM[self.size][0] / 210

    @property
    def margin(self) -> float:
        return MARGIN_MM * mm * self.unit

    @property
    def left(self) -> float:
        return self.margin

    @property
    def right(self) -> float:
        return self.page_w - self.margin

    @property
    def inner_w(self) -> float:
        return self.right - self.left

    def pt(self, size: float) -> float:
        """A type size given for A4, on this page."""
        return size * TYPE_SCALE[self.size]

    def t(self, message: str, **params: object) -> str:
        return translate(message, params or None, self.locale)

    def day(self, value: date) -> str:
        return format_date(value, self.locale)

    def font(self, bold: bool) -> str:
        return self.fonts.bold if bold else self.fonts.regular

    def text(
        self,
        x: float,
        y: float,
        text: str,
        size: float,
        *,
        bold: bool = False,
        color: Color = INK,
        align: str = "l",
        max_w: float | None = None,
    ) -> None:
        """One line at A4 type ``size``, cut with an ellipsis to ``max_w`` if given."""
        font, points = self.font(bold), self.pt(size)
        if max_w is not None:
            text = cut(text, font, points, max_w)
        self.canvas.setFillColorRGB(*color)
        draw_text(self.canvas, x, y, text, font, points, align)

    def width(self, text: str, size: float, *, bold: bool = False) -> float:
        return width(text, self.font(bold), self.pt(size))

    def lines(self, text: str, size: float, max_w: float, *, bold: bool = False) -> list[str]:
        """``text`` wrapped to ``max_w`` (its own line breaks kept)."""
        out: list[str] = []
        for paragraph in text.splitlines() or [""]:
            out.extend(wrap(paragraph, self.font(bold), self.pt(size), max_w) or [""])
        return out

    def leading(self, size: float) -> float:
        return self.pt(size) * 1.3

    def paragraph(
        self, x: float, y: float, text: str, size: float, max_w: float, *, bold: bool = False, color: Color = INK
    ) -> float:
        """Wrapped text from the baseline ``y`` down; returns the baseline after the last line."""
        for line in self.lines(text, size, max_w, bold=bold):
            self.text(x, y, line, size, bold=bold, color=color)
            y -= self.leading(size)
        return y

    def image(self, data: bytes, x: float, y: float, w: float, h: float, anchor: str = "c") -> bool:
        """An image fitted into the box (aspect kept); False if the bytes are not an image reportlab reads,
        so a broken upload leaves an empty place rather than no document."""
        reader = self.images.get(data)
        if reader is None:
            try:
                reader = ImageReader(io.BytesIO(data))
                reader.getSize()
            except Exception:
                return False
            self.images[data] = reader
        # Each image is drawn once per file as a form, then placed: reportlab would otherwise hash the
        # image's bytes again on every page of a batch (a third of a receipt's drawing time).
        key = f"img{hash((data, round(w, 2), round(h, 2), anchor)) & 0xFFFFFFFF:x}"
        c = self.canvas
        if key not in self.forms:
            c.beginForm(key, lowerx=0, lowery=0, upperx=w, uppery=h)
            c.drawImage(reader, 0, 0, w, h, preserveAspectRatio=True, anchor=anchor, mask="auto")
            c.endForm()
            self.forms.add(key)
        c.saveState()
        c.translate(x, y)
        c.doForm(key)
        c.restoreState()
        return True

    def rule(self, y: float, *, color: Color = RULE, weight: float = 0.5, x0: float | None = None) -> None:
        c = self.canvas
        c.setStrokeColorRGB(*color)
        c.setLineWidth(weight * self.unit)
        c.line(self.left if x0 is None else x0, y, self.right, y)

    def box(
        self, x: float, y: float, w: float, h: float, *, fill: Color | None = None, stroke: Color | None = RULE
    ) -> None:
        c = self.canvas
        if fill:
            c.setFillColorRGB(*fill)
        if stroke:
            c.setStrokeColorRGB(*stroke)
            c.setLineWidth(0.6 * self.unit)
        c.roundRect(x, y, w, h, 1.5 * mm * self.unit, stroke=1 if stroke else 0, fill=1 if fill else 0)


def _letterhead_form(sheet: Sheet, head: Letterhead) -> float:
    """Draw the letterhead (kop surat): logo, organiser, address and contact on the left, the expo on the
    right, a double rule under them. Returns its height."""
    u, top = sheet.unit, sheet.page_h - sheet.margin
    x = sheet.left
    logo_side = 20 * mm * u
    if head.logo and sheet.image(head.logo, x, top - logo_side, logo_side, logo_side, anchor="nw"):
        x += logo_side + 4 * mm * u
    right_w = sheet.inner_w * 0.36
    left_w = sheet.right - right_w - 4 * mm * u - x
    name = fit(
        head.organiser_name, sheet.fonts.bold, max_size=sheet.pt(13), min_size=sheet.pt(10), box_w=left_w, max_lines=2
    )
    y = top - sheet.pt(13)
    for line in name.lines if name else ():
        sheet.canvas.setFillColorRGB(*ACCENT)
        draw_text(sheet.canvas, x, y, line, sheet.fonts.bold, name.size if name else 0)
        y -= (name.size if name else 0) * 1.2
    y -= 1 * mm * u
    for line in sheet.lines(head.organiser_address, 8.5, left_w)[:3]:
        sheet.text(x, y, line, 8.5, color=GREY)
        y -= sheet.leading(8.5)
    if head.contact:
        sheet.text(x, y, head.contact, 8.5, color=GREY, max_w=left_w)
        y -= sheet.leading(8.5)
    ry = top - sheet.pt(10.5)
    for line in sheet.lines(head.expo_name, 10.5, right_w, bold=True)[:2]:
        sheet.text(sheet.right, ry, line, 10.5, bold=True, align="r")
        ry -= sheet.leading(10.5)
    when = format_date_range(head.expo_start, head.expo_end, sheet.locale)
    sheet.text(sheet.right, ry, when, 8.5, color=GREY, align="r", max_w=right_w)
    ry -= sheet.leading(8.5)
    for line in sheet.lines(head.venue, 8.5, right_w)[:2] if head.venue else []:
        sheet.text(sheet.right, ry, line, 8.5, color=GREY, align="r")
        ry -= sheet.leading(8.5)
    bottom = min(y, ry, top - logo_side if head.logo else top) - 1 * mm * u
    sheet.rule(bottom, color=ACCENT, weight=1.4)
    sheet.rule(bottom - 1.1 * mm * u, color=ACCENT, weight=0.4)
    return top - bottom + 1.1 * mm * u


def letterhead(sheet: Sheet, head: Letterhead) -> float:
    """The letterhead at the top of the page; returns the y below it. Drawn once per file as a form
    (a batch of receipts of one expo shares one), with its height kept beside it."""
    key = f"head{hash((head, sheet.size, sheet.locale)) & 0xFFFFFFFF:x}"
    if key not in sheet.forms:
        c = sheet.canvas
        c.beginForm(key, lowerx=0, lowery=0, upperx=sheet.page_w, uppery=sheet.page_h)
        sheet.heights[key] = _letterhead_form(sheet, head)
        c.endForm()
        sheet.forms.add(key)
    sheet.canvas.doForm(key)
    return sheet.page_h - sheet.margin - sheet.heights[key] - 6 * mm * sheet.unit


def verification(sheet: Sheet, url: str, x: float, y: float, side: float, number: str) -> None:
    """The verification QR with its bottom-left corner at (x, y), captioned under it."""
    draw_qr(sheet.canvas, url, x, y, side)
    caption = sheet.t(N_("Scan to check this document is genuine"))
    lines = sheet.lines(caption, 7, side + 12 * mm * sheet.unit)
    cy = y - sheet.pt(7) + 1 * mm * sheet.unit
    for line in lines[:2]:
        sheet.text(x + side / 2, cy, line, 7, color=GREY, align="c")
        cy -= sheet.leading(7)
    sheet.text(x + side / 2, cy, number, 7, color=GREY, align="c")


def signature(
    sheet: Sheet, who: Signatory, signed_on: date, x_right: float, top: float, *, meterai: str | None = None
) -> float:
    """The signature block, right-aligned at ``x_right`` from ``top`` down: "Jombang, 20 Oktober 2026",
    the title, the signature (and stamp) or room to sign, the name underlined. With ``meterai`` a dashed
    box for the stamp duty stands where the signature goes (the meterai is signed across). Returns the
    y below the block."""
    u = sheet.unit
    w = 62 * mm * u
    cx = x_right - w / 2
    y = top - sheet.pt(9)
    sheet.text(cx, y, f"{who.place}, {sheet.day(signed_on)}", 9, align="c", max_w=w)
    y -= sheet.leading(9)
    sheet.text(cx, y, who.title or sheet.t(N_("Treasurer")), 9, align="c", max_w=w)
    room = SIGN_ROOM_MM * mm * u
    sign_top = y - 2 * mm * u
    if meterai:
        bw, bh = 22 * mm * u, 16 * mm * u
        bx, by = cx - w / 2 + 1 * mm * u, sign_top - bh - 3 * mm * u
        c = sheet.canvas
        c.saveState()
        c.setDash(2 * u, 2 * u)
        c.setStrokeColorRGB(*GREY)
        c.setLineWidth(0.6 * u)
        c.rect(bx, by, bw, bh, stroke=1, fill=0)
        c.restoreState()
        for i, line in enumerate(sheet.lines(meterai, 7, bw - 2 * mm * u)[:2]):
            sheet.text(
                bx + bw / 2, by + bh / 2 + sheet.pt(7) * (0.2 - 1.2 * i) + 1 * mm * u, line, 7, color=GREY, align="c"
            )
    # The signature over the middle, the stamp over its left end; beside a meterai box both move right,
    # leaving the box's words readable (the meterai itself is signed across when it is stuck on).
    shift = 9 * mm * u if meterai else 0.0
    if who.signature:
        sheet.image(who.signature, cx - 20 * mm * u + shift, sign_top - room, 40 * mm * u, room)
    if who.stamp:
        sheet.image(who.stamp, cx - 30 * mm * u + shift * 2.2, sign_top - room, 24 * mm * u, room)
    y = sign_top - room - sheet.pt(9.5)
    sheet.text(cx, y, who.name, 9.5, bold=True, align="c", max_w=w)
    # No name set up: a line of a usual name's length, to write the name by hand.
    name_w = min(sheet.width(who.name, 9.5, bold=True), w) if who.name.strip() else 40 * mm * u
    c = sheet.canvas
    c.setStrokeColorRGB(*INK)
    c.setLineWidth(0.5 * u)
    c.line(cx - name_w / 2, y - 1.2 * mm * u, cx + name_w / 2, y - 1.2 * mm * u)
    return y - 3 * mm * u


def signature_height(sheet: Sheet) -> float:
    """How tall ``signature`` draws its block."""
    return (
        2 * sheet.leading(9)
        + 2 * mm * sheet.unit
        + SIGN_ROOM_MM * mm * sheet.unit
        + sheet.pt(9.5)
        + 3 * mm * sheet.unit
    )


def footer(sheet: Sheet, text: str, page: int, pages_form: str) -> None:
    """The page's foot: what the document is and "page 1 of 2" (the count is a form filled in at the end)."""
    u = sheet.unit
    y = sheet.margin * 0.6
    sheet.rule(y + sheet.pt(7) + 1.5 * mm * u)
    sheet.text(sheet.left, y, text, 7, color=GREY, max_w=sheet.inner_w * 0.75)
    label = sheet.t(N_("Page %(page)s of"), page=page)
    count_w = sheet.width("99", 7)
    sheet.text(sheet.right - count_w - 1 * mm * u, y, label, 7, color=GREY, align="r")
    c = sheet.canvas
    c.saveState()
    c.translate(sheet.right - count_w, y)
    c.doForm(pages_form)
    c.restoreState()


def page_count(sheet: Sheet, pages_form: str, pages: int) -> None:
    """Define the form every footer of a document showed: its number of pages."""
    c = sheet.canvas
    c.beginForm(pages_form, lowerx=0, lowery=-3, upperx=30, uppery=12)
    sheet.text(0, 0, str(pages), 7, color=GREY)
    c.endForm()


def new_canvas(out: Any, size: Size, title: str) -> Canvas:
    canvas = Canvas(out, pagesize=(PAGE_MM[size][0] * mm, PAGE_MM[size][1] * mm), pageCompression=1, invariant=1)
    canvas.setTitle(title)
    canvas.setCreator("expo")
    return canvas
