"""QR codes of any text drawn as vector shapes on a reportlab canvas (crisp at any size and printer):
the booth map's link to the live map, the verification link of bills and receipts.

The symbol comes from ``expo.qr`` (level M: 15 % of it may be damaged, so a folded or stamped paper
still scans; the smallest version that holds the text), and is written as one path of dark module
runs straight into the page stream, as passes are: a batch of a thousand receipts draws a thousand.

Pure: no database, no web.
"""

from typing import Any

from expo import qr

QUIET_ZONE = qr.QUIET_ZONE  # modules of white the standard requires around the symbol


def qr_matrix(text: str) -> list[list[bool]]:
    """The symbol of ``text`` (no quiet zone) as rows of booleans, True dark."""
    bits, n = qr.byte_matrix_bits(text)
    return [[bits[r * n + c] == "1" for c in range(n)] for r in range(n)]


def draw_qr(canvas: Any, text: str, x: float, y: float, size: float) -> None:
    """The QR code of ``text`` on a white square ``size`` wide (quiet zone included) with its
    bottom-left corner at (x, y)."""
    bits, n = qr.byte_matrix_bits(text)
    module = size / (n + 2 * QUIET_ZONE)
    canvas.setFillColorRGB(1, 1, 1)
    canvas.rect(x, y, size, size, stroke=0, fill=1)
    # In module units, row 0 at the top: each run of dark modules is one rectangle of one path.
    ops = " ".join(f"{col} {n - 1 - row} {length} 1 re" for row, col, length in qr.dark_runs(bits, n))
    ox, oy = x + QUIET_ZONE * module, y + QUIET_ZONE * module
    canvas.addLiteral(f"q 0 g {module:.5f} 0 0 {module:.5f} {ox:.3f} {oy:.3f} cm {ops} f Q")
