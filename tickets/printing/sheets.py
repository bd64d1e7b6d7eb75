"""Sheets of passes: four A6 cards to a sheet, on A4 (edge to edge, cut along the marks) or on
F4/folio (centred, with crop marks in the margin). No database, no web."""

import io
from collections.abc import Iterable

from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from expo.fonts import register_fonts
from tickets.printing.pdf import CARD_H, CARD_W, PAPERS, Doc, Paper, PassCard, draw_card, new_canvas, save

PER_SHEET = 4


def sheet_origins(paper: Paper) -> list[tuple[float, float]]:
    """Bottom-left corners of the four cards on a sheet, in reading order."""
    page_w, page_h = PAPERS[paper]
    left = (page_w - 2 * CARD_W) / 2
    bottom = (page_h - 2 * CARD_H) / 2
    return [
        (left, bottom + CARD_H),
        (left + CARD_W, bottom + CARD_H),
        (left, bottom),
        (left + CARD_W, bottom),
    ]


def cut_marks(paper: Paper) -> list[tuple[float, float, float, float]]:
    """The cut and crop mark segments of a sheet, ``(x1, y1, x2, y2)`` in points."""
    page_w, page_h = PAPERS[paper]
    left = (page_w - 2 * CARD_W) / 2
    bottom = (page_h - 2 * CARD_H) / 2
    xs = [left, left + CARD_W, left + 2 * CARD_W]
    ys = [bottom, bottom + CARD_H, bottom + 2 * CARD_H]
    tick = 4 * mm
    marks: list[tuple[float, float, float, float]] = []
    for x in xs:
        if 0 < x < page_w:
            marks.append((x, 0, x, min(tick, bottom) if bottom > 1 * mm else tick))
            marks.append((x, page_h - (min(tick, bottom) if bottom > 1 * mm else tick), x, page_h))
    for y in ys:
        if 0 < y < page_h:
            marks.append((0, y, min(tick, left) if left > 1 * mm else tick, y))
            marks.append((page_w - (min(tick, left) if left > 1 * mm else tick), y, page_w, y))
    mid_x, mid_y = xs[1], ys[1]
    marks.append((mid_x - 3 * mm, mid_y, mid_x + 3 * mm, mid_y))
    marks.append((mid_x, mid_y - 3 * mm, mid_x, mid_y + 3 * mm))
    return marks


def _draw_marks(c: Canvas, paper: Paper) -> None:
    page_w, page_h = PAPERS[paper]
    left = (page_w - 2 * CARD_W) / 2
    bottom = (page_h - 2 * CARD_H) / 2
    c.saveState()
    c.setStrokeColorRGB(0.75, 0.75, 0.75)
    c.setLineWidth(0.3)
    c.setDash(2, 2)  # a light guide along every cut
    c.line(left + CARD_W, bottom, left + CARD_W, bottom + 2 * CARD_H)
    c.line(left, bottom + CARD_H, left + 2 * CARD_W, bottom + CARD_H)
    c.setDash()
    c.setStrokeColorRGB(0, 0, 0)
    c.setLineWidth(0.5)
    for x1, y1, x2, y2 in cut_marks(paper):
        c.line(x1, y1, x2, y2)
    c.restoreState()


def sheets_pdf(cards: Iterable[PassCard], paper: Paper, title: str = "Passes") -> bytes:
    """Cards four to a sheet, in order; the last sheet may be part full."""
    buffer = io.BytesIO()
    doc = Doc(new_canvas(buffer, PAPERS[paper], title), register_fonts())
    origins = sheet_origins(paper)
    placed = 0
    for card in cards:
        slot = placed % PER_SHEET
        if slot == 0 and placed:
            _draw_marks(doc.c, paper)
            doc.c.showPage()
        x, y = origins[slot]
        doc.c.saveState()
        doc.c.translate(x, y)
        draw_card(doc, card)
        doc.c.restoreState()
        placed += 1
    if placed:
        _draw_marks(doc.c, paper)
        doc.c.showPage()
    save(doc.c)
    return buffer.getvalue()
