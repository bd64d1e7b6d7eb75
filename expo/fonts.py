"""Fonts for PDFs: DejaVu Sans Condensed for Latin text, Noto Sans Arabic for Arabic script.

reportlab's built-in Helvetica has no Arabic glyphs, and pesantren names are often written in
Arabic script. The vendored TTFs (``templates/static/fonts``, with their licences; nothing is read
from the system's fonts) are registered once.

reportlab draws glyphs one font at a time, in the order given, and does not join Arabic letters, so
text is made ready in three steps (``pieces``):

1. Characters that no bundled font has are left out (most emoji, skin-tone modifiers, variation
   selectors): printing them would show an empty box. Symbols DejaVu has (★ ♥ ☪ ✓) are kept.
2. Arabic letters take their joined presentation forms (``arabic_reshaper``, including ligatures
   such as ﷲ U+FDF2 in "عبد الله") and right-to-left runs are put in visual order (``python-bidi``).
   Noto Sans Arabic maps every presentation form the reshaper produces (checked by a test).
3. Each character is drawn from the font that has it: Arabic script from Noto Sans Arabic, the rest
   from DejaVu, a space in the font of the character before it. Consecutive characters of one font
   make one piece.

Draw with ``draw_text`` and measure with ``text_width``, never with reportlab's own string functions:
they assume one font. Shape each *line* after wrapping, not a whole paragraph, or the visual
reordering mixes the lines up; both functions take logical (unshaped) text.
"""

import re
import threading
import unicodedata
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

FONTS_DIR = Path(__file__).resolve().parent.parent / "templates" / "static" / "fonts"
REGULAR_FILE = FONTS_DIR / "DejaVuSansCondensed.ttf"
BOLD_FILE = FONTS_DIR / "DejaVuSansCondensed-Bold.ttf"
ARABIC_REGULAR_FILE = FONTS_DIR / "NotoSansArabic-Regular.ttf"
ARABIC_BOLD_FILE = FONTS_DIR / "NotoSansArabic-Bold.ttf"

REGULAR, BOLD = "DejaVuSansCondensed", "DejaVuSansCondensed-Bold"
ARABIC_REGULAR, ARABIC_BOLD = "NotoSansArabic", "NotoSansArabic-Bold"
# The font that draws what the Latin font cannot (Arabic script), per Latin font.
FALLBACK = {REGULAR: ARABIC_REGULAR, BOLD: ARABIC_BOLD}

_RTL = re.compile(r"[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufefc]")
_ARABIC_SCRIPT = re.compile(r"[\u0600-\u06ff\u0750-\u077f\u0870-\u08ff\ufb50-\ufdff\ufe70-\ufefe]")
_JOINERS = frozenset({0x200C, 0x200D})  # ZWNJ/ZWJ steer joining; the reshaper consumes or keeps them
_lock = threading.Lock()

Piece = tuple[str, str, float]  # font name, characters in visual order, width at size 1


@dataclass(frozen=True)
class FontNames:
    """reportlab font names to pass to ``draw_text`` / ``text_width`` (the Latin font of each weight;
    Arabic script falls back to its Noto Sans Arabic counterpart by itself)."""

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

    for name, path in (
        (REGULAR, REGULAR_FILE),
        (BOLD, BOLD_FILE),
        (ARABIC_REGULAR, ARABIC_REGULAR_FILE),
        (ARABIC_BOLD, ARABIC_BOLD_FILE),
    ):
        pdfmetrics.registerFont(TTFont(name, str(path)))
    return FontNames(regular=REGULAR, bold=BOLD)


@cache
def covered(font: str) -> frozenset[int]:
    """The code points ``font`` draws with a visible glyph: mapped to a real glyph (not .notdef), and not
    a format character or variation selector (some fonts map those to empty glyphs)."""
    register_fonts()
    from reportlab.pdfbase import pdfmetrics

    face: Any = pdfmetrics.getFont(font).face
    return frozenset(cp for cp, glyph in face.charToGlyph.items() if glyph and not _invisible(cp))


def _invisible(cp: int) -> bool:
    return 0xFE00 <= cp <= 0xFE0F or 0xE0100 <= cp <= 0xE01EF or unicodedata.category(chr(cp)) in {"Cf", "Cc"}


def has_rtl(text: str) -> bool:
    return bool(_RTL.search(text))


def drawable(text: str, font: str) -> str:
    """``text`` without the characters no bundled font can draw (spaces left around them collapse).

    Zero-width joiners stay in Arabic text, where they steer joining (the reshaper consumes them)."""
    own = covered(font)
    if all(ord(ch) in own for ch in text):
        return text
    other = covered(FALLBACK[font]) if font in FALLBACK else frozenset()
    joiners = _JOINERS if has_rtl(text) else frozenset()
    kept = "".join(ch for ch in text if ord(ch) in own or ord(ch) in other or ord(ch) in joiners)
    return " ".join(kept.split()) if kept != text else kept


def shape_text(text: str) -> str:
    """Text in drawing order: Arabic letters joined and right-to-left runs reordered.

    Latin-only text comes back unchanged (and fast).
    """
    if not has_rtl(text):
        return text
    import arabic_reshaper
    from bidi import get_display

    return str(get_display(arabic_reshaper.reshape(text)))


@lru_cache(maxsize=8192)
def pieces(text: str, font: str) -> tuple[Piece, ...]:
    """``text`` (logical order) as runs of one font each, in drawing order, with their widths at size 1."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    shaped = shape_text(drawable(text, font))
    own = covered(font)
    fallback = FALLBACK.get(font)
    other = covered(fallback) if fallback else frozenset()
    runs: list[tuple[str, list[str]]] = []
    for ch in shaped:
        cp = ord(ch)
        current = runs[-1][0] if runs else None
        if ch.isspace() and current is not None and cp in covered(current):
            chosen = current
        elif fallback and cp in other and (_ARABIC_SCRIPT.match(ch) or cp not in own):
            chosen = fallback
        elif cp in own:
            chosen = font
        else:
            continue  # a joiner the reshaper left in, or a character no font has: nothing to draw
        if chosen == current:
            runs[-1][1].append(ch)
        else:
            runs.append((chosen, [ch]))
    return tuple((name, s, float(stringWidth(s, name, 1.0))) for name, chars in runs for s in ["".join(chars)])


def text_width(text: str, font: str, size: float) -> float:
    """The width of ``text`` as ``draw_text`` draws it."""
    return size * sum(width for _, _, width in pieces(text, font))


def draw_text(canvas: Any, x: float, y: float, text: str, font: str, size: float, align: str = "l") -> None:
    """Draw ``text`` (logical order) on a reportlab canvas, left-aligned at ``x`` or centred ("c") on it
    or right-aligned ("r") to it, each piece in its own font. Leaves the last piece's font set."""
    parts = pieces(text, font)
    if align in {"c", "r"}:
        total = size * sum(width for _, _, width in parts)
        x -= total / 2 if align == "c" else total
    for name, chars, width in parts:
        canvas.setFont(name, size)
        canvas.drawString(x, y, chars)
        x += width * size
