"""Join many small PDFs (reportlab's output) into one file, chunk by chunk, without holding them.

Used by every batch print (passes, receipts). A 10,000-pass batch is rendered as small PDFs of a
few sheets each (in worker processes); each is appended here as soon as it is ready: its objects
renumbered after those already written, its pages hung under one page tree. Only object offsets and
page numbers stay in memory, so memory does not grow with the batch. Streams are copied byte for
byte (already compressed).

This reads the plain files reportlab writes (a classic xref table, one object after another); it is
not a general PDF parser.
"""

import hashlib
import re
from typing import BinaryIO

_STARTXREF = re.compile(rb"startxref\s+(\d+)\s+%%EOF\s*$")
_XREF_SECTION = re.compile(rb"(\d+) (\d+)\s*\n")
_REF = re.compile(rb"(\d+) 0 R\b")
_ROOT = re.compile(rb"/Root (\d+) 0 R")
_INFO = re.compile(rb"/Info (\d+) 0 R")
_PAGES = re.compile(rb"/Pages (\d+) 0 R")
_KIDS = re.compile(rb"/Kids \[([^\]]*)\]")
_OBJ_HEAD = re.compile(rb"(\d+) 0 obj\s*")
_STREAM = re.compile(rb">>\s*stream\r?\n")
_PARENT = re.compile(rb"/Parent \d+ 0 R")

CATALOG, PAGES, INFO = 1, 2, 3


class SpliceError(ValueError):
    """A chunk is not a PDF this splicer can read."""


def _pdf_string(text: str) -> bytes:
    escaped = text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
    return b"(" + escaped.encode("latin-1", "replace") + b")"


def _objects(pdf: bytes) -> tuple[dict[int, bytes], int, int]:
    """The body of every object (between ``N 0 obj`` and ``endobj``), the root and the info numbers."""
    tail = _STARTXREF.search(pdf[-64:])
    if tail is None:
        raise SpliceError("no startxref")
    xref_at = int(tail.group(1))
    if pdf[xref_at : xref_at + 4] != b"xref":
        raise SpliceError("no classic xref table")
    pos = xref_at + 4
    offsets: dict[int, int] = {}
    while True:
        while pdf[pos : pos + 1] in (b"\n", b"\r", b" "):
            pos += 1
        section = _XREF_SECTION.match(pdf, pos)
        if section is None:
            break
        first, count = int(section.group(1)), int(section.group(2))
        pos = section.end()
        for i in range(count):
            entry = pdf[pos : pos + 20]
            if entry[17:18] == b"n":
                offsets[first + i] = int(entry[:10])
            pos += 20
    trailer = pdf[pos:]
    root, info = _ROOT.search(trailer), _INFO.search(trailer)
    if root is None:
        raise SpliceError("no root")
    ordered = sorted(offsets.items(), key=lambda item: item[1])
    bodies: dict[int, bytes] = {}
    for index, (number, start) in enumerate(ordered):
        end = ordered[index + 1][1] if index + 1 < len(ordered) else xref_at
        raw = pdf[start:end]
        head = _OBJ_HEAD.match(raw)
        close = raw.rfind(b"endobj")
        if head is None or int(head.group(1)) != number or close < 0:
            raise SpliceError(f"object {number} is not where the xref says")
        bodies[number] = raw[head.end() : close]
    return bodies, int(root.group(1)), int(info.group(1)) if info else 0


class PdfSplicer:
    """Appends the pages of PDFs to ``out`` in order; :meth:`close` writes the page tree and xref."""

    def __init__(self, out: BinaryIO, title: str = "") -> None:
        self.out = out
        self.title = title
        self.offsets: dict[int, int] = {}
        self.page_numbers: list[int] = []
        self.next_number = INFO + 1
        self.position = 0
        self._write(b"%PDF-1.4\n%\x93\x8c\x8b\x9e expo\n")

    def _write(self, data: bytes) -> None:
        self.out.write(data)
        self.position += len(data)

    def _object(self, number: int, body: bytes) -> None:
        self.offsets[number] = self.position
        self._write(b"%d 0 obj\n" % number + body + b"endobj\n")

    def add(self, pdf: bytes) -> int:
        """Append every page of ``pdf``; returns how many pages it had."""
        bodies, root, info = _objects(pdf)
        pages_match = _PAGES.search(bodies.get(root, b""))
        if pages_match is None:
            raise SpliceError("no page tree")
        pages = int(pages_match.group(1))
        kids_match = _KIDS.search(bodies.get(pages, b""))
        if kids_match is None or b"/Kids [" in bodies[pages][kids_match.end() :]:
            raise SpliceError("nested page trees are not supported")
        kids = [int(n) for n in _REF.findall(kids_match.group(1))]
        skip = {root, info, pages}
        numbers = {old: self.next_number + i for i, old in enumerate(n for n in sorted(bodies) if n not in skip)}
        numbers[pages] = PAGES
        self.next_number += len(numbers) - 1

        def renumber(match: re.Match[bytes]) -> bytes:
            old = int(match.group(1))
            if old not in numbers:
                raise SpliceError(f"reference to missing object {old}")
            return b"%d 0 R" % numbers[old]

        kid_set = set(kids)
        for old in sorted(bodies):
            if old in skip:
                continue
            body = bodies[old]
            stream = _STREAM.search(body)
            head, rest = (body[: stream.start()], body[stream.start() :]) if stream else (body, b"")
            if old in kid_set:
                head = _PARENT.sub(b"/Parent %d 0 R" % PAGES, head)
            self._object(numbers[old], _REF.sub(renumber, head) + rest)
        self.page_numbers.extend(numbers[k] for k in kids)
        return len(kids)

    def close(self) -> int:
        """Write the page tree, catalog, info and xref; returns the file's size."""
        kids = b" ".join(b"%d 0 R" % n for n in self.page_numbers)
        self._object(PAGES, b"<< /Type /Pages /Count %d /Kids [ %s ] >>\n" % (len(self.page_numbers), kids))
        self._object(CATALOG, b"<< /Type /Catalog /Pages %d 0 R /PageMode /UseNone >>\n" % PAGES)
        self._object(INFO, b"<< /Title %s /Creator (expo) /Producer (expo + ReportLab) >>\n" % _pdf_string(self.title))
        xref_at = self.position
        size = self.next_number
        lines = [b"xref\n0 %d\n" % size, b"0000000000 65535 f \n"]
        lines.extend(
            b"%010d 00000 n \n" % self.offsets[n] if n in self.offsets else b"0000000000 65535 f \n"
            for n in range(1, size)
        )
        self._write(b"".join(lines))
        digest = hashlib.md5(b"%d %d" % (size, xref_at) + self.title.encode(), usedforsecurity=False).hexdigest()
        self._write(
            b"trailer\n<< /Size %d /Root %d 0 R /Info %d 0 R /ID [<%s><%s>] >>\nstartxref\n%d\n%%%%EOF\n"
            % (size, CATALOG, INFO, digest.encode(), digest.encode(), xref_at)
        )
        return self.position
