"""Booth signs as PDF pages (pure): plain data in, PDF bytes out.

A sign hangs on the stand for visitors: the booth code very large (read from across the aisle), the
business's name (any script: ``expo.fonts`` picks Noto Sans Arabic for Arabic letters), its pesantren
and regency, its logo when it has one, the members of a shared stand, and a large QR code (vectors,
crisp at any printer) that opens the business's catalogue profile with a short call to action. A4 or
A3, portrait or landscape: every measure is drawn on A4 and scaled by the paper, so A3 is the same
sign, larger.
"""

import io
from collections.abc import Sequence
from dataclasses import dataclass

from reportlab.lib import colors
from reportlab.lib.pagesizes import A3, A4
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen.canvas import Canvas

from expo.fonts import draw_text, register_fonts
from expo.i18n import N_, translate
from expo.pdf_text import LEADING, fit, fit_line, wrap
from expo.qr_draw import draw_qr

SIZES = {"a4": A4, "a3": A3}
ORIENTATIONS = ("portrait", "landscape")
GREEN = colors.HexColor("#1b7f4c")
GREY = colors.HexColor("#444444")
CALL_TO_ACTION = N_("Scan to see our products")


@dataclass(frozen=True)
class SignText:
    """What one sign shows. ``logo`` is the picture's bytes (a JPEG) or None."""

    booth_code: str
    name: str
    details: str  # pesantren and regency, one line
    members: tuple[str, ...]  # the other businesses of a shared stand
    url: str  # what the QR code holds: the profile's absolute address
    expo_name: str
    logo: bytes | None
    locale: str


def page_size(size: str, orientation: str) -> tuple[float, float]:
    """The page in points; ``ValueError`` for a paper or orientation not offered."""
    if size not in SIZES or orientation not in ORIENTATIONS:
        raise ValueError(f"no sign paper {size!r} {orientation!r}")
    width, height = SIZES[size]
    return (max(width, height), min(width, height)) if orientation == "landscape" else (width, height)


def _logo(data: bytes | None) -> ImageReader | None:
    """The logo as reportlab reads it, or None when there is none or it cannot be read (a sign
    without its logo is better than no sign)."""
    if not data:
        return None
    try:
        reader = ImageReader(io.BytesIO(data))
        reader.getSize()
    except Exception:  # any undecodable picture: draw the sign without it
        return None
    return reader


def _draw_logo(c: Canvas, reader: ImageReader, x: float, y: float, box: float) -> None:
    """The logo inside a ``box`` square with its bottom-left at (x, y), its proportions kept."""
    w, h = reader.getSize()
    scale = box / max(w, h, 1)
    dw, dh = w * scale, h * scale
    c.drawImage(reader, x + (box - dw) / 2, y + (box - dh) / 2, dw, dh, mask="auto")


def _draw_lines(c: Canvas, lines: Sequence[str], font: str, size: float, x: float, top: float, align: str) -> float:
    """Lines from ``top`` down (baseline of the first at top - size); the y below the last line."""
    y = top - size
    for line in lines:
        draw_text(c, x, y, line, font, size, align)
        y -= size * LEADING
    return y + size * LEADING - size * 0.3


def _identity(c: Canvas, sign: SignText, x: float, top: float, width: float, bottom: float, s: float) -> None:
    """The booth code, the logo beside the name, the details and the shared stand's members, in a
    column ``width`` wide from ``top`` down to no lower than ``bottom``, centred on it."""
    fonts = register_fonts()
    centre = x + width / 2
    code_size, code = fit_line(sign.booth_code, fonts.bold, max_size=190 * s, min_size=60 * s, box_w=width)
    c.setFillColor(colors.black)
    y = top - code_size * 0.78
    draw_text(c, centre, y, code, fonts.bold, code_size, "c")
    y -= 24 * s

    logo = _logo(sign.logo)
    box = 96 * s if logo is not None else 0.0
    gap = 14 * s if logo is not None else 0.0
    name_w = width - box - gap
    room = max(y - bottom - 70 * s, 40 * s)
    name = fit(
        sign.name, fonts.bold, max_size=44 * s, min_size=18 * s, box_w=name_w, box_h=min(room, 200 * s), max_lines=4
    )
    name_h = name.height if name else 0.0
    block_h = max(box, name_h)
    if logo is not None:
        _draw_logo(c, logo, x, y - block_h + (block_h - box) / 2, box)
    if name is not None:
        name_x = x + box + gap + name_w / 2
        _draw_lines(c, name.lines, fonts.bold, name.size, name_x, y - (block_h - name_h) / 2, "c")
    y -= block_h + 12 * s

    c.setFillColor(GREY)
    if sign.details:
        size, line = fit_line(sign.details, fonts.regular, max_size=18 * s, min_size=10 * s, box_w=width)
        y = _draw_lines(c, [line], fonts.regular, size, centre, y, "c") - 8 * s
    if sign.members:
        text = translate(N_("Shared stand with %(names)s"), {"names": ", ".join(sign.members)}, locale=sign.locale)
        size = 14 * s
        lines = wrap(text, fonts.regular, size, width)
        fits = max(1, int((y - bottom) // (size * LEADING)))
        if len(lines) > fits:
            rest = " ".join(lines[fits - 1 :])
            lines = [*lines[: fits - 1], fit_line(rest, fonts.regular, max_size=size, min_size=size, box_w=width)[1]]
        _draw_lines(c, lines, fonts.regular, size, centre, y, "c")
    c.setFillColor(colors.black)


def _qr_block(c: Canvas, sign: SignText, x: float, y: float, size: float, text_w: float, s: float) -> None:
    """The QR code ``size`` square at (x, y) with the call to action under it and the address,
    small, under that (for a phone that cannot scan), both at most ``text_w`` wide."""
    fonts = register_fonts()
    draw_qr(c, sign.url, x, y, size)
    c.setFillColor(GREEN)
    cta = translate(CALL_TO_ACTION, locale=sign.locale)
    cta_size, cta = fit_line(cta, fonts.bold, max_size=26 * s, min_size=12 * s, box_w=text_w)
    draw_text(c, x + size / 2, y - cta_size * 0.9, cta, fonts.bold, cta_size, "c")
    c.setFillColor(GREY)
    url_size, url = fit_line(sign.url, fonts.regular, max_size=9 * s, min_size=6 * s, box_w=text_w)
    draw_text(c, x + size / 2, y - cta_size * 0.9 - url_size * 2, url, fonts.regular, url_size, "c")
    c.setFillColor(colors.black)


def _header(c: Canvas, sign: SignText, w: float, h: float, s: float) -> float:
    """The expo's name on a green band at the top; the y under the band."""
    fonts = register_fonts()
    band = 40 * s
    c.setFillColor(GREEN)
    c.rect(0, h - band, w, band, stroke=0, fill=1)
    c.setFillColor(colors.white)
    size, line = fit_line(sign.expo_name, fonts.bold, max_size=18 * s, min_size=9 * s, box_w=w - 56 * s)
    draw_text(c, w / 2, h - band / 2 - size * 0.35, line, fonts.bold, size, "c")
    c.setFillColor(colors.black)
    return h - band


def _draw_sign(c: Canvas, sign: SignText, w: float, h: float) -> None:
    s = min(w, h) / A4[0]  # 1 on A4, about 1.41 on A3
    margin = 32 * s
    top = _header(c, sign, w, h, s) - 20 * s
    footer = 30 * s  # the call to action and the address under the QR code
    if h >= w:  # portrait: identity on top, the QR code under it
        qr = min(w * 0.6, h * 0.42)
        qr_y = margin + footer + 12 * s
        _identity(c, sign, margin, top, w - 2 * margin, qr_y + qr + 16 * s, s)
        _qr_block(c, sign, (w - qr) / 2, qr_y, qr, w - 2 * margin, s)
    else:  # landscape: identity on the left, the QR code on the right
        qr = min(w * 0.42, top - margin - footer - 12 * s)
        column = w - 3 * margin - qr
        _identity(c, sign, margin, top, column, margin, s)
        qr_y = margin + footer + (top - margin - footer - qr) / 2
        _qr_block(c, sign, w - margin - qr, qr_y, qr, qr + margin, s)


def render_signs(
    signs: Sequence[SignText], size: str = "a4", orientation: str = "portrait", *, title: str = ""
) -> bytes:
    """One page per sign, on the chosen paper; ``ValueError`` for a paper not offered or no sign."""
    if not signs:
        raise ValueError("no sign to draw")
    w, h = page_size(size, orientation)
    register_fonts()
    out = io.BytesIO()
    c = Canvas(out, pagesize=(w, h), invariant=True)
    c.setTitle(title or signs[0].expo_name)
    for sign in signs:
        _draw_sign(c, sign, w, h)
        c.showPage()
    c.save()
    return out.getvalue()
