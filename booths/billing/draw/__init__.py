"""Invoices and receipts as PDFs, pure: the documents' data in (``documents``), PDF bytes out.

``render_invoice`` and ``render_receipt`` make one document; ``render_many`` prints a batch (all the
receipts of an expo) into one file with memory that does not grow with the batch: documents are
drawn a chunk at a time into a small PDF that is spliced onto the output and dropped
(``expo.pdf_splice``), so only one chunk's pages and the output's object offsets are ever held.
"""

import io
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import islice
from typing import BinaryIO

from booths.billing.draw.documents import (
    SIZES,
    BankAccount,
    BillDocument,
    Document,
    DocumentMismatch,
    Letterhead,
    Line,
    Party,
    PaymentInstructions,
    ReceiptDocument,
    Signatory,
    Size,
)
from booths.billing.draw.invoice import draw_invoice
from booths.billing.draw.meterai import METERAI, meterai_due
from booths.billing.draw.receipt import draw_receipt
from booths.billing.draw.sheet import Sheet, new_canvas, page_count
from expo.errors import InvalidInput
from expo.i18n import N_
from expo.pdf_splice import PdfSplicer

CHUNK = 50  # documents per spliced part: enough to share fonts and the letterhead, small enough to stream

__all__ = [
    "CHUNK",
    "METERAI",
    "SIZES",
    "BankAccount",
    "BatchResult",
    "BillDocument",
    "Document",
    "DocumentBatch",
    "DocumentMismatch",
    "Letterhead",
    "Line",
    "Party",
    "PaymentInstructions",
    "ReceiptDocument",
    "Signatory",
    "Size",
    "check_size",
    "meterai_due",
    "render_invoice",
    "render_many",
    "render_receipt",
]


@dataclass(frozen=True)
class BatchResult:
    documents: int
    pages: int
    size: int  # bytes written


def check_size(size: str) -> Size:
    """The paper size named (A4 or A5, any case), or a domain error."""
    for known in SIZES:
        if size.upper() == known:
            return known
    raise InvalidInput(
        N_("Paper size %(size)s is not offered; choose A4 or A5."), code="unknown_paper", params={"size": size[:8]}
    )


def _draw(sheet: Sheet, doc: Document, index: int) -> int:
    """One document on ``sheet`` with its page count filled in; returns its pages."""
    pages_form = f"pages{index}"
    pages = (
        draw_invoice(sheet, doc, pages_form) if isinstance(doc, BillDocument) else draw_receipt(sheet, doc, pages_form)
    )
    page_count(sheet, pages_form, pages)
    sheet.canvas.showPage()
    return pages


def _render(docs: Iterable[Document], size: Size, title: str, locale: str) -> tuple[bytes, int]:
    buffer = io.BytesIO()
    sheet = Sheet(new_canvas(buffer, size, title), size, locale)
    pages = 0
    for index, doc in enumerate(docs):
        sheet.locale = doc.locale
        pages += _draw(sheet, doc, index)
    sheet.canvas.save()
    return buffer.getvalue(), pages


def render_invoice(doc: BillDocument, size: str = "A4") -> bytes:
    """One invoice (one or more pages) as PDF bytes."""
    return _render([doc], check_size(size), doc.number, doc.locale)[0]


def render_receipt(doc: ReceiptDocument, size: str = "A5") -> bytes:
    """One receipt (one page) as PDF bytes."""
    return _render([doc], check_size(size), doc.number, doc.locale)[0]


def _chunks(docs: Iterable[Document], size: int) -> Iterator[list[Document]]:
    it = iter(docs)
    while chunk := list(islice(it, size)):
        yield chunk


class DocumentBatch:
    """One PDF written to ``out`` from documents handed over a part at a time (``add``), each part
    drawn in chunks of ``chunk`` and spliced on: what a caller reading the database page by page
    uses. Nothing is written before the first document; ``close`` finishes the file."""

    def __init__(self, out: BinaryIO, size: str = "A5", *, title: str = "", chunk: int = CHUNK) -> None:
        self.paper = check_size(size)
        self.out, self.title, self.chunk = out, title, chunk
        self.splicer: PdfSplicer | None = None
        self.documents = self.pages = 0

    def add(self, docs: Iterable[Document]) -> int:
        """Draw and append ``docs``; returns how many pages they took."""
        added = 0
        for part in _chunks(docs, self.chunk):
            pdf, _ = _render(part, self.paper, self.title, part[0].locale)
            if self.splicer is None:
                self.splicer = PdfSplicer(self.out, self.title)
            added += self.splicer.add(pdf)
            self.documents += len(part)
        self.pages += added
        return added

    def close(self) -> BatchResult:
        if self.splicer is None:
            raise InvalidInput(N_("There is nothing to print yet."), code="nothing_to_print")
        return BatchResult(documents=self.documents, pages=self.pages, size=self.splicer.close())


def render_many(
    docs: Iterable[Document], out: BinaryIO, size: str = "A5", *, title: str = "", chunk: int = CHUNK
) -> BatchResult:
    """Every document of ``docs`` (read lazily, in order) into one PDF written to ``out``."""
    batch = DocumentBatch(out, size, title=title, chunk=chunk)
    batch.add(docs)
    return batch.close()
