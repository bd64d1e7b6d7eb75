"""Pass PDFs: pass data in, PDF bytes out (reportlab). No database, no web.

One pass is an A6 card (lanyard size), drawn here; ``tickets.printing.sheets`` puts four to a sheet.
What every card of a kind shares (header, band) and each hall's plan are drawn once per document as
form XObjects; the QR code is one path of merged module runs written straight into the page stream.
"""

import io
import threading
from dataclasses import dataclass, field
from typing import Any, Literal

from reportlab import rl_config
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from expo import qr
from expo.fonts import FontNames, draw_text, register_fonts
from expo.pdf_text import fit, fit_line

Paper = Literal["a4", "f4"]
CARD_W, CARD_H = 105 * mm, 148 * mm  # A6 portrait
PAPERS: dict[str, tuple[float, float]] = {"a4": (210 * mm, 297 * mm), "f4": (215 * mm, 330 * mm)}
MARGIN = 5 * mm  # white border inside the card: printers cannot print to the edge
QR_SYMBOL_STAFF = 34 * mm  # the symbol without its quiet zone; at least 30 mm
QR_SYMBOL_OTHER = 40 * mm
INK = (0.13, 0.13, 0.13)
GREY = (0.42, 0.42, 0.42)
LIGHT = (0.86, 0.86, 0.86)


@dataclass(frozen=True)
class HallPlan:
    """A hall to draw small on a staff pass: its size and every booth, in metres from its top-left corner."""

    key: str
    name: str
    width_m: float
    depth_m: float
    booths: tuple[tuple[float, float, float, float], ...]


@dataclass(frozen=True)
class DayChip:
    top: str  # "Sel"
    bottom: str  # "20"
    valid: bool


@dataclass(frozen=True)
class Labels:
    """The few words printed on every pass, in the pass's language."""

    booth: str = "STAN"
    valid: str = "BERLAKU"
    footer: str = "Tunjukkan kode QR ini di gerbang. Tidak dapat dipindahtangankan."


@dataclass(frozen=True)
class PassCard:
    """Everything printed on one pass, already formatted for people."""

    token: str
    code: str
    holder_name: str
    kind_key: str  # cards with the same key share their header and band
    band_label: str
    color: str  # "#1565c0"
    expo_name: str
    expo_line: str  # "20–25 Oktober 2026 · Gedung ..."
    days: tuple[DayChip, ...]
    hours: str
    organisation: str | None = None
    booth_code: str | None = None
    hall: HallPlan | None = None
    booth_rect: tuple[float, float, float, float] | None = None
    labels: Labels = field(default_factory=Labels)


def _rgb(color: str) -> tuple[float, float, float]:
    value = color.lstrip("#")
    try:
        return int(value[0:2], 16) / 255, int(value[2:4], 16) / 255, int(value[4:6], 16) / 255
    except (ValueError, IndexError):
        return 0.3, 0.3, 0.3


def _on(color: tuple[float, float, float]) -> tuple[float, float, float]:
    """Black or white text, whichever reads better on ``color``."""
    r, g, b = color
    return (0.0, 0.0, 0.0) if 0.2126 * r + 0.7152 * g + 0.0722 * b > 0.6 else (1.0, 1.0, 1.0)


def _fit(
    text: str, font: str, width: float, max_size: float, min_size: float, max_lines: int
) -> tuple[float, list[str]]:
    """``text`` in at most ``max_lines`` lines of ``width`` (see ``expo.pdf_text.fit``); no text, no lines.
    A name is not abbreviated: it is cut."""
    fitted = fit(text, font, max_size=max_size, min_size=min_size, box_w=width, max_lines=max_lines, shorten=False)
    return (fitted.size, list(fitted.lines)) if fitted else (max_size, [])


# --- drawing -----------------------------------------------------------------------------------
class Doc:
    """A canvas plus the forms already defined in it."""

    def __init__(self, canvas: Canvas, fonts: FontNames) -> None:
        self.c = canvas
        self.fonts = fonts
        self.forms: set[str] = set()

    def text(
        self, x: float, y: float, text: str, font: str, size: float, color: tuple[float, float, float], align: str = "l"
    ) -> None:
        self.c.setFillColorRGB(*color)
        draw_text(self.c, x, y, text, font, size, align)

    def form(self, name: str, draw: Any) -> None:
        """Draw form ``name`` at the current origin, defining it with ``draw(doc)`` the first time."""
        if name not in self.forms:
            self.c.beginForm(name, lowerx=0, lowery=0, upperx=CARD_W, uppery=CARD_H)
            draw(self)
            self.c.endForm()
            self.forms.add(name)
        self.c.doForm(name)


def _header(doc: Doc, card: PassCard) -> None:
    """The part every card of a kind shares: expo name, dates and venue, the coloured band."""
    f = doc.fonts
    width = CARD_W - 2 * MARGIN - 2 * mm
    size, lines = _fit(card.expo_name, f.bold, width, 10.5, 7, 2)
    sub_size, sub = fit_line(card.expo_line, f.regular, max_size=7.5, min_size=5.5, box_w=width)
    # The header sits between the card's top margin and the band (17 mm from the top).
    y = CARD_H - MARGIN - 1.2 * mm - size
    for line in lines:
        doc.text(MARGIN + 1 * mm, y, line, f.bold, size, INK)
        y -= size * 1.1
    doc.text(MARGIN + 1 * mm, CARD_H - 17 * mm + 1.8 * mm, sub, f.regular, sub_size, GREY)
    band = _rgb(card.color)
    c = doc.c
    c.setFillColorRGB(*band)
    c.rect(MARGIN, CARD_H - 31 * mm, CARD_W - 2 * MARGIN, 14 * mm, stroke=0, fill=1)
    label_size, label = fit_line(card.band_label, f.bold, max_size=21, min_size=9, box_w=CARD_W - 2 * MARGIN - 6 * mm)
    doc.text(CARD_W / 2, CARD_H - 31 * mm + 7 * mm - label_size * 0.36, label, f.bold, label_size, _on(band), "c")
    c.setStrokeColorRGB(*LIGHT)
    c.setLineWidth(0.5)
    c.roundRect(MARGIN * 0.5, MARGIN * 0.5, CARD_W - MARGIN, CARD_H - MARGIN, 3 * mm, stroke=1, fill=0)


def _qr(doc: Doc, token: str, x: float, y: float, symbol: float) -> float:
    """The QR symbol with its quiet zone, bottom-left at (x, y); returns the box's side."""
    n = qr.size()
    module = symbol / n
    box = symbol + 2 * qr.QUIET_ZONE * module
    c = doc.c
    c.setFillColorRGB(1, 1, 1)
    c.rect(x, y, box, box, stroke=0, fill=1)
    # One path: each run of dark modules is a rectangle, in module units (row 0 at the top).
    ops = " ".join(f"{col} {n - 1 - row} {length} 1 re" for row, col, length in qr.dark_runs(qr.matrix_bits(token)))
    ox, oy = x + qr.QUIET_ZONE * module, y + qr.QUIET_ZONE * module
    c.addLiteral(f"q 0 g {module:.5f} 0 0 {module:.5f} {ox:.3f} {oy:.3f} cm {ops} f Q")
    return box


def _plan_form(hall: HallPlan, w: float, h: float) -> Any:
    def draw(doc: Doc) -> None:
        c = doc.c
        scale = min(w / hall.width_m, h / hall.depth_m)
        pw, ph = hall.width_m * scale, hall.depth_m * scale
        c.setFillColorRGB(0.96, 0.96, 0.96)
        c.setStrokeColorRGB(*GREY)
        c.setLineWidth(0.6)
        c.rect(0, h - ph, pw, ph, stroke=1, fill=1)
        c.setFillColorRGB(*LIGHT)
        c.setStrokeColorRGB(0.7, 0.7, 0.7)
        c.setLineWidth(0.25)
        path = c.beginPath()
        for bx, by, bw, bd in hall.booths:
            path.rect(bx * scale, h - (by + bd) * scale, bw * scale, bd * scale)
        c.drawPath(path, stroke=1, fill=1)

    return draw


def _staff_block(doc: Doc, card: PassCard, top: float) -> None:
    f = doc.fonts
    x = MARGIN + 1 * mm
    doc.text(x, top - 3.5 * mm, card.labels.booth, f.bold, 7, GREY)
    size, code = fit_line(card.booth_code or "", f.bold, max_size=22, min_size=10, box_w=46 * mm)
    doc.text(x, top - 11.5 * mm, code, f.bold, size, INK)
    hall = card.hall
    if hall is None:
        return
    hall_size, hall_name = fit_line(hall.name, f.regular, max_size=7, min_size=5.5, box_w=46 * mm)
    doc.text(x, top - 15.5 * mm, hall_name, f.regular, hall_size, GREY)
    w, h = 47 * mm, 24 * mm
    px, py = x, top - 17.5 * mm - h
    c = doc.c
    c.saveState()
    c.translate(px, py)
    doc.form(f"plan-{hall.key}", _plan_form(hall, w, h))
    if card.booth_rect is not None:
        scale = min(w / hall.width_m, h / hall.depth_m)
        bx, by, bw, bd = card.booth_rect
        c.setFillColorRGB(*_rgb(card.color))
        c.setStrokeColorRGB(0, 0, 0)
        c.setLineWidth(0.8)
        c.rect(
            bx * scale, h - (by + bd) * scale, max(bw * scale, 1.2 * mm), max(bd * scale, 1.2 * mm), stroke=1, fill=1
        )
    c.restoreState()


def _days(doc: Doc, card: PassCard, top: float) -> None:
    """The valid days as chips (valid ones filled) and the hours: one form per kind and set of days."""
    pattern = "".join("1" if chip.valid else "0" for chip in card.days)
    doc.c.saveState()
    doc.c.translate(0, top - CARD_H)
    doc.form(f"days-{card.kind_key}-{pattern}", lambda d: _draw_days(d, card, CARD_H))
    doc.c.restoreState()


def _draw_days(doc: Doc, card: PassCard, top: float) -> None:
    f = doc.fonts
    c = doc.c
    doc.text(CARD_W / 2, top - 3 * mm, card.labels.valid, f.bold, 6.5, GREY, "c")
    chips = card.days
    if chips:
        gap = 1.5 * mm
        avail = CARD_W - 2 * MARGIN - 4 * mm
        chip_w = min(14 * mm, (avail - gap * (len(chips) - 1)) / len(chips))
        total = chip_w * len(chips) + gap * (len(chips) - 1)
        x = (CARD_W - total) / 2
        y = top - 16 * mm
        color = _rgb(card.color)
        small = min(6.5, chip_w / mm * 0.55)
        big = min(11.0, chip_w / mm * 0.9)
        for chip in chips:
            if chip.valid:
                c.setFillColorRGB(*color)
                c.roundRect(x, y, chip_w, 11 * mm, 1.5 * mm, stroke=0, fill=1)
                ink = _on(color)
            else:
                c.setStrokeColorRGB(*LIGHT)
                c.setLineWidth(0.6)
                c.roundRect(x, y, chip_w, 11 * mm, 1.5 * mm, stroke=1, fill=0)
                ink = LIGHT
            doc.text(x + chip_w / 2, y + 7.3 * mm, chip.top, f.regular, small, ink, "c")
            doc.text(x + chip_w / 2, y + 2.2 * mm, chip.bottom, f.bold, big, ink, "c")
            x += chip_w + gap
    doc.text(CARD_W / 2, top - 20.5 * mm, card.hours, f.regular, 7.5, INK, "c")


def draw_card(doc: Doc, card: PassCard) -> None:
    """One pass with its bottom-left corner at the current origin."""
    f = doc.fonts
    doc.form(f"head-{card.kind_key}", lambda d: _header(d, card))
    inner = CARD_W - 2 * MARGIN - 4 * mm
    size, lines = _fit(card.holder_name, f.bold, inner, 22, 10, 2)
    if size <= 12:
        size, lines = _fit(card.holder_name, f.bold, inner, 12, 9, 3)
    leading = size * 1.15
    name_mid = CARD_H - 43.5 * mm
    y = name_mid + (len(lines) - 1) * leading / 2 - size * 0.35
    for line in lines:
        doc.text(CARD_W / 2, y, line, f.bold, size, INK, "c")
        y -= leading
    if card.organisation:
        org_size, org = fit_line(card.organisation, f.regular, max_size=9.5, min_size=6.5, box_w=inner)
        doc.text(CARD_W / 2, CARD_H - 58.5 * mm, org, f.regular, org_size, GREY, "c")
    top = CARD_H - 62 * mm
    staff = card.booth_code is not None
    symbol = QR_SYMBOL_STAFF if staff else QR_SYMBOL_OTHER
    box = symbol + 2 * qr.QUIET_ZONE * symbol / qr.size()
    qx = CARD_W - MARGIN - box if staff else (CARD_W - box) / 2
    qy = top - box
    _qr(doc, card.token, qx, qy, symbol)
    code_size = 12.5
    doc.text(qx + box / 2, qy - 3.2 * mm, card.code, f.bold, code_size, INK, "c")
    if staff:
        _staff_block(doc, card, top)
    _days(doc, card, qy - 5.5 * mm)
    foot_size, foot = fit_line(
        card.labels.footer, f.regular, max_size=6, min_size=4.5, box_w=CARD_W - 2 * MARGIN - 4 * mm
    )
    doc.text(CARD_W / 2, MARGIN + 2.2 * mm, foot, f.regular, foot_size, GREY, "c")


_save_lock = threading.Lock()


def save(canvas: Canvas) -> None:
    """Save with binary (not ASCII85) streams: a quarter smaller and faster to write."""
    with _save_lock:
        before = rl_config.useA85
        rl_config.useA85 = 0
        try:
            canvas.save()
        finally:
            rl_config.useA85 = before


def new_canvas(buffer: io.BytesIO, pagesize: tuple[float, float], title: str) -> Canvas:
    canvas = Canvas(buffer, pagesize=pagesize, pageCompression=1, invariant=1)
    canvas.setTitle(title)
    canvas.setCreator("expo")
    return canvas


def single_pdf(card: PassCard) -> bytes:
    """One A6 pass."""
    buffer = io.BytesIO()
    doc = Doc(new_canvas(buffer, (CARD_W, CARD_H), card.holder_name), register_fonts())
    draw_card(doc, card)
    doc.c.showPage()
    save(doc.c)
    return buffer.getvalue()
