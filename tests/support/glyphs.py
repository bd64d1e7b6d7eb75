"""Checks that text in a PDF was drawn with real glyphs, not the missing-glyph box (.notdef).

Two independent looks: ``shown_glyphs`` reads every text-showing operator of every page (and of the
forms it draws), maps each character code through the embedded TrueType subset's own cmap with
fontTools and gives back the glyph ids; ``notdef_boxes`` looks at pixels and finds hollow rectangles
of the kind DejaVu's .notdef glyph draws.
"""

import io
from collections.abc import Iterator
from typing import Any

import pypdf
from fontTools.ttLib import TTFont
from PIL import Image
from pypdf.generic import ContentStream


def _code_bytes(value: Any) -> bytes:
    if isinstance(value, bytes):
        return value
    original = getattr(value, "get_original_bytes", None)
    return bytes(original()) if original else str(value).encode("latin-1")


def _subset_glyphs(font: Any, cache: dict[int, dict[int, int] | None]) -> dict[int, int] | None:
    """Character code -> glyph id of an embedded TrueType font, None for fonts with no embedded file."""
    key = id(font)
    if key not in cache:
        descriptor = font.get("/FontDescriptor")
        if descriptor is None or "/FontFile2" not in descriptor:
            cache[key] = None
        else:
            tt = TTFont(io.BytesIO(descriptor["/FontFile2"].get_object().get_data()))
            table = tt["cmap"].tables[0]
            cache[key] = {code: tt.getGlyphID(name) for code, name in table.cmap.items()}
    return cache[key]


def _walk(
    reader: pypdf.PdfReader, content: Any, resources: Any, cache: dict[int, dict[int, int] | None]
) -> Iterator[tuple[str, int, int]]:
    fonts = resources.get("/Font", {}) if resources else {}
    xobjects = resources.get("/XObject", {}) if resources else {}
    font: Any = None
    for operands, operator in ContentStream(content, reader).operations:
        if operator == b"Tf":
            font = fonts[operands[0]].get_object()
        elif operator in {b"Tj", b"'", b'"', b"TJ"}:
            strings = operands[0] if operator == b"TJ" else operands[-1:]
            table = _subset_glyphs(font, cache)
            if table is None:
                continue
            for item in strings:
                if isinstance(item, (int, float)):
                    continue
                for code in _code_bytes(item):
                    yield str(font["/BaseFont"]), code, table.get(code, 0)
        elif operator == b"Do":
            xobject = xobjects[operands[0]].get_object()
            if xobject.get("/Subtype") == "/Form":
                yield from _walk(reader, xobject, xobject.get("/Resources", resources), cache)


def shown_glyphs(pdf: bytes) -> list[tuple[str, int, int]]:
    """(font, character code, glyph id) of every character drawn with an embedded TrueType font."""
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    cache: dict[int, dict[int, int] | None] = {}
    found: list[tuple[str, int, int]] = []
    for page in reader.pages:
        found.extend(_walk(reader, page.get_contents(), page.get("/Resources"), cache))
    return found


def notdef_boxes(image: Image.Image, *, min_px: int = 6, max_px: int = 400) -> list[tuple[int, int, int, int]]:
    """Bounding boxes of hollow rectangles drawn in ink (dark pixels) in ``image``.

    A component of dark pixels counts when each of its four bounding edges is at least 85 % ink, its
    corners are ink, and its
    inside (away from the edges) is empty: the outline box that a font's .notdef glyph draws.
    """
    gray = image.convert("L")
    w, h = gray.size
    px = gray.load()
    assert px is not None
    dark = [[px[x, y] < 140 for x in range(w)] for y in range(h)]  # type: ignore[operator]
    seen = [[False] * w for _ in range(h)]
    boxes = []
    for sy in range(h):
        for sx in range(w):
            if not dark[sy][sx] or seen[sy][sx]:
                continue
            stack, cells = [(sx, sy)], []
            seen[sy][sx] = True
            while stack:
                x, y = stack.pop()
                cells.append((x, y))
                for nx, ny in ((x + 1, y), (x - 1, y), (x, y + 1), (x, y - 1)):
                    if 0 <= nx < w and 0 <= ny < h and dark[ny][nx] and not seen[ny][nx]:
                        seen[ny][nx] = True
                        stack.append((nx, ny))
            xs, ys = [c[0] for c in cells], [c[1] for c in cells]
            x0, x1, y0, y1 = min(xs), max(xs), min(ys), max(ys)
            bw, bh = x1 - x0 + 1, y1 - y0 + 1
            if not (min_px <= bw <= max_px and min_px <= bh <= max_px):
                continue
            mine = set(cells)
            band = max(1, min(bw, bh) // 25)  # straight edges: ink on the bounding box itself, corners too

            def edge(points: list[tuple[int, int]], mine: set[tuple[int, int]] = mine, band: int = band) -> float:
                near = [(dx, dy) for dx in range(-band, band + 1) for dy in range(-band, band + 1)]
                hits = sum(any((x + dx, y + dy) in mine for dx, dy in near) for x, y in points)
                return hits / len(points)

            top = [(x, y0) for x in range(x0, x1 + 1)]
            bottom = [(x, y1) for x in range(x0, x1 + 1)]
            left = [(x0, y) for y in range(y0, y1 + 1)]
            right = [(x1, y) for y in range(y0, y1 + 1)]
            inset = max(2, min(bw, bh) // 4)
            inside = [(x, y) for (x, y) in cells if x0 + inset <= x <= x1 - inset and y0 + inset <= y <= y1 - inset]
            corners = [(x0, y0), (x1, y0), (x0, y1), (x1, y1)]
            if min(edge(top), edge(bottom), edge(left), edge(right), edge(corners)) >= 0.85 and not inside:
                boxes.append((x0, y0, x1, y1))
    return boxes
