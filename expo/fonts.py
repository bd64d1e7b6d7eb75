"""Fonts for PDFs: DejaVu Sans Condensed (Latin and Arabic script), registered once with reportlab.

reportlab's built-in Helvetica has no Arabic glyphs, and pesantren names are often written in
Arabic script. The vendored TTFs (``templates/static/fonts``, Bitstream Vera licence) cover both.
reportlab draws glyphs in the order given and does not join Arabic letters, so text goes through
``shape_text`` first: letters take their joined forms and right-to-left runs are put in visual order.
"""

import re
import threading
from dataclasses import dataclass
from functools import cache
from pathlib import Path

FONTS_DIR = Path(__file__).resolve().parent.parent / "templates" / "static" / "fonts"
REGULAR_FILE = FONTS_DIR / "DejaVuSansCondensed.ttf"
BOLD_FILE = FONTS_DIR / "DejaVuSansCondensed-Bold.ttf"

_RTL = re.compile(r"[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufefc]")
_lock = threading.Lock()


@dataclass(frozen=True)
class FontNames:
    """reportlab font names to pass to ``setFont`` / ``stringWidth``."""

    regular: str
    bold: str


def register_fonts() -> FontNames:
    """Register the PDF fonts with reportlab (once per process; safe from worker threads)."""
    with _lock:
        return _register()


@cache
def _register() -> FontNames:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    names = FontNames(regular="DejaVuSansCondensed", bold="DejaVuSansCondensed-Bold")
    pdfmetrics.registerFont(TTFont(names.regular, str(REGULAR_FILE)))
    pdfmetrics.registerFont(TTFont(names.bold, str(BOLD_FILE)))
    return names


def has_rtl(text: str) -> bool:
    return bool(_RTL.search(text))


def shape_text(text: str) -> str:
    """Text ready to draw glyph by glyph: Arabic letters joined and right-to-left runs reordered.

    Latin-only text comes back unchanged (and fast). Shape each *line* after wrapping, not a whole
    paragraph, or the visual reordering mixes the lines up.
    """
    if not has_rtl(text):
        return text
    import arabic_reshaper
    from bidi import get_display

    return str(get_display(arabic_reshaper.reshape(text)))
