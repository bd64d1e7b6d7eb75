"""Laying text out in PDF boxes, for every PDF (passes and booth maps): measure, wrap, shrink to fit,
abbreviate, cut.

Pure: strings and numbers in, lines and a size out; it draws nothing. Widths are measured as
``expo.fonts.draw_text`` draws (shaped, each character in the font that has it), so Arabic names fit
as drawn. Lines come back in logical order: draw each with ``draw_text``.

Shrinking tries sizes from the largest down and keeps the first at which the text fits; a word is
broken between letters only at the smallest size (shrinking first keeps names whole). Below the
smallest size the text is abbreviated (``shorten``) and its last line cut with an ellipsis, so text
never runs out of its box.
"""

import math
import re
from dataclasses import dataclass

from expo.fonts import text_width

ELLIPSIS = "…"
LEADING = 1.15
# Longest first: a shorter rule must not eat part of a longer one.
_ABBREVIATIONS = (
    (re.compile(r"\bKoperasi Pondok Pesantren\b", re.IGNORECASE), "Kopontren"),
    (re.compile(r"\bPondok Pesantren\b", re.IGNORECASE), "PP"),
    (re.compile(r"\bPesantren\b", re.IGNORECASE), "Ps."),
    (re.compile(r"\bKoperasi\b", re.IGNORECASE), "Kop."),
    (re.compile(r"\bKabupaten\b", re.IGNORECASE), "Kab."),
    (re.compile(r"\bLayanan\b", re.IGNORECASE), "Lay."),
    (re.compile(r"\bDinas\b", re.IGNORECASE), "Din."),
    (re.compile(r"\bdan\b", re.IGNORECASE), "&"),
    (re.compile(r"\s*\((Contoh|Example)\)", re.IGNORECASE), ""),
)


def width(text: str, font: str, size: float) -> float:
    return text_width(text, font, size)


def abbreviate(text: str) -> str:
    """Common long words of Indonesian business names in their usual short forms."""
    for pattern, short in _ABBREVIATIONS:
        text = pattern.sub(short, text)
    return " ".join(text.split())


def _break_word(word: str, font: str, size: float, max_width: float) -> list[str]:
    parts, current = [], ""
    for char in word:
        if current and width(current + char, font, size) > max_width:
            parts.append(current)
            current = char
        else:
            current += char
    return [*parts, current] if current else parts


def wrap(text: str, font: str, size: float, max_width: float) -> list[str]:
    """Greedy word wrap (logical order); a word wider than the box is broken between letters."""
    lines: list[str] = []
    current = ""
    for word in text.split():
        candidate = f"{current} {word}" if current else word
        if width(candidate, font, size) <= max_width:
            current = candidate
            continue
        if current:
            lines.append(current)
        if width(word, font, size) <= max_width:
            current = word
        else:
            *whole, current = _break_word(word, font, size, max_width) or [""]
            lines.extend(whole)
    if current:
        lines.append(current)
    return lines


def cut(text: str, font: str, size: float, max_width: float) -> str:
    """``text`` shortened with an ellipsis until it fits (possibly just the ellipsis)."""
    if width(text, font, size) <= max_width:
        return text
    lo, hi = 0, len(text)
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if width(text[:mid].rstrip() + ELLIPSIS, font, size) <= max_width:
            lo = mid
        else:
            hi = mid - 1
    return text[:lo].rstrip() + ELLIPSIS if lo else ELLIPSIS


@dataclass(frozen=True)
class Fitted:
    lines: tuple[str, ...]  # logical order; draw with expo.fonts.draw_text
    size: float
    shortened: bool

    @property
    def height(self) -> float:
        return len(self.lines) * self.size * LEADING


def _sizes(text: str, font: str, max_size: float, min_size: float, box_w: float, box_h: float | None) -> list[float]:
    """The sizes to try, largest first.

    In a box with a height (a booth on a map) the area gives a first guess, and at most ten even
    steps lead from it down to the smallest size: a map has hundreds of boxes. Without a height (a
    line on a pass) whole points down from the largest size: a pass has a few lines of a few words.
    """
    if box_h is None:
        return [max_size - step for step in range(int(max_size - min_size) + 1)]
    one_pt = max(width(text, font, 1.0), 1e-6)
    start = min(max_size, max(math.sqrt(box_w * box_h / (one_pt * LEADING)) * 1.1, min_size))
    if start <= min_size:
        return [min_size]
    count = max(1, min(10, math.ceil((start - min_size) / 0.5)))
    return [start - (start - min_size) * i / count for i in range(count + 1)]


def fit(
    text: str,
    font: str,
    *,
    max_size: float,
    min_size: float,
    box_w: float,
    box_h: float | None = None,
    max_lines: int = 4,
    shorten: bool = True,
) -> Fitted | None:
    """The largest size at which ``text`` fits the box (``box_w`` wide, ``box_h`` high if given, at
    most ``max_lines`` lines), wrapped; at the smallest size abbreviated (if ``shorten``) and then cut
    with an ellipsis. None when there is no text or not even one line fits."""
    text = " ".join(text.split())
    if not text or box_w <= 0 or (box_h is not None and box_h < min_size * LEADING):
        return None
    if width(text, font, max_size) <= box_w and (box_h is None or max_size * LEADING <= box_h):
        return Fitted((text,), max_size, shortened=False)  # most text: one line at the largest size
    longest_word = max(width(word, font, 1.0) for word in text.split())
    for size in _sizes(text, font, max_size, min_size, box_w, box_h):
        if longest_word * size > box_w and size > min_size:
            continue  # shrink rather than break a word
        lines = wrap(text, font, size, box_w)
        if len(lines) <= max_lines and (box_h is None or len(lines) * size * LEADING <= box_h):
            return Fitted(tuple(lines), size, shortened=False)
    short = abbreviate(text) if shorten else text
    lines = wrap(short, font, min_size, box_w)
    room = max_lines if box_h is None else min(max_lines, int(box_h // (min_size * LEADING)))
    if len(lines) > room:
        last = " ".join(lines[room - 1 :])
        lines = [*lines[: room - 1], cut(last, font, min_size, box_w)]
    return Fitted(tuple(lines), min_size, shortened=True)


def fit_line(text: str, font: str, *, max_size: float, min_size: float, box_w: float) -> tuple[float, str]:
    """``text`` on one line: the largest size at which it fits, else cut at the smallest size."""
    fitted = fit(text, font, max_size=max_size, min_size=min_size, box_w=box_w, max_lines=1, shorten=False)
    return (fitted.size, fitted.lines[0]) if fitted else (max_size, "")
