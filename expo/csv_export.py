"""The one CSV writer of the project: every export goes through it, so no cell becomes a formula.

A spreadsheet (Excel, LibreOffice, Google Sheets) runs a cell that begins with ``=``, ``+``, ``-``
or ``@`` as a formula, and also one that begins with a tab or carriage return, which some of them
drop before looking. A visitor's name such as ``=HYPERLINK("http://evil", "klik")`` would then
run on the organiser's computer. Following OWASP's advice, such text cells are written with a
single quote in front (the spreadsheet shows the text, not its result). Nothing is stripped first:
``"\\t=1+2"`` is neutralised as it is, never turned into ``"=1+2"``.

Text that already begins with a quote gets one more, so that :func:`restore` (used by the imports
that read our exports back) is an exact inverse: ``restore(neutralise(s)) == s`` for every ``s``.

Numbers the code writes as numbers (``int``/``float`` cells, e.g. coordinates or a scan id) are
written plainly, even when negative: a number is never a formula, and a quoted ``'-3`` would be
text in the spreadsheet. Only ``str`` cells are neutralised, so a name like ``-3`` typed by a
person (a ``str``) is still quoted.
"""

import csv
import io
from collections.abc import AsyncIterable, AsyncIterator, Iterable, Sequence

from litestar import Response
from litestar.response import Stream

# Litestar adds "; charset=utf-8" to every text/* type itself; naming it here too sent it twice.
CSV_MEDIA_TYPE = "text/csv"
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_QUOTE = "'"

Cell = str | int | float | bool | None


def neutralise(text: str) -> str:
    """``text`` as a cell no spreadsheet will evaluate (see the module's doc)."""
    if text.startswith(_FORMULA_STARTS) or text.startswith(_QUOTE):
        return _QUOTE + text
    return text


def restore(text: str) -> str:
    """The original text of a cell :func:`neutralise` wrote (imports reading our exports back)."""
    return text[1:] if text.startswith(_QUOTE) else text


def number(value: float) -> str:
    """``3``, ``2.5``, ``-1234.567``: as short as possible and exact (``:g`` keeps only 6 digits)."""
    if isinstance(value, bool):
        return str(int(value))
    if isinstance(value, int):
        return str(value)
    return repr(float(value)).removesuffix(".0")


def _cell(value: Cell) -> str:
    if value is None:
        return ""
    if isinstance(value, bool | int | float):
        return number(value)
    return neutralise(value)


class CsvSheet:
    """Rows to CSV text, a row or a batch at a time (for streamed exports)."""

    def __init__(self, header: Sequence[str]) -> None:
        self._buffer = io.StringIO()
        self._writer = csv.writer(self._buffer, lineterminator="\n")
        self.row(header)

    def row(self, cells: Iterable[Cell]) -> None:
        self._writer.writerow([_cell(c) for c in cells])

    def size(self) -> int:
        return self._buffer.tell()

    def take(self) -> str:
        """The text written since the last ``take``."""
        text = self._buffer.getvalue()
        self._buffer.seek(0)
        self._buffer.truncate()
        return text


def csv_text(header: Sequence[str], rows: Iterable[Iterable[Cell]]) -> str:
    sheet = CsvSheet(header)
    for cells in rows:
        sheet.row(cells)
    return sheet.take()


async def csv_chunks(
    header: Sequence[str], rows: AsyncIterable[Iterable[Cell]], chunk_bytes: int = 64_000
) -> AsyncIterator[bytes]:
    """A streamed export: the header, then rows in chunks of about ``chunk_bytes``."""
    sheet = CsvSheet(header)
    async for cells in rows:
        sheet.row(cells)
        if sheet.size() > chunk_bytes:
            yield sheet.take().encode()
    yield sheet.take().encode()


def _disposition(filename: str) -> dict[str, str]:
    return {"Content-Disposition": f'attachment; filename="{filename}"'}


def csv_response(text: str, filename: str) -> Response[str]:
    """A CSV download. The content type is given once, here (not also as a header)."""
    return Response(text, media_type=CSV_MEDIA_TYPE, headers=_disposition(filename))


def csv_stream(chunks: AsyncIterable[bytes], filename: str, *, no_store: bool = False) -> Stream:
    headers = _disposition(filename) | ({"Cache-Control": "no-store"} if no_store else {})
    return Stream(chunks, media_type=CSV_MEDIA_TYPE, headers=headers)
