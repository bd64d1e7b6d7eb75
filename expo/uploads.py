"""Checking an uploaded file by what it IS, never by its name or the type the browser claims.

:func:`check_upload` reads the first bytes (JPEG, PNG, WebP and PDF have fixed signatures), then
proves the file by decoding it for real:

- **Images** are decoded by Pillow with only the sniffed format's decoder, after the pixel count in
  the header was checked against :data:`MAX_IMAGE_PIXELS` (a 100 000 x 100 000 PNG is a few kilobytes
  and gigabytes once decoded); Pillow's own ``DecompressionBombWarning`` is turned into a refusal too.
  The picture is turned upright by its EXIF orientation, optionally scaled down to a longest edge,
  copied into a fresh image (no EXIF, GPS, ICC profile, comments or text chunks survive) and encoded
  again: JPEG as JPEG, WebP as WebP, PNG as PNG. PNG stays PNG because what people upload as PNG is a
  screenshot of a banking app, where digits must stay sharp: lossy WebP smears them, lossless WebP
  saves a little but not every viewer the committee uses opens it.
- **PDFs** must open in PDFium and have at least one page; encrypted ones (even with an empty
  password), ones with document JavaScript, embedded files, or launch/JavaScript actions on links
  are refused. A PDF is stored as it came (re-writing a PDF is not a safe normalisation).

Everything else (SVG, HTML, executables, zip and office files, HEIC, a JPEG named .pdf that is not
a PDF and so on) is refused with a domain error whose ``code`` is stable: ``upload_too_big``,
``upload_empty``, ``upload_wrong_type``, ``upload_broken``, ``upload_too_many_pixels``,
``upload_pdf_locked``, ``upload_pdf_active``.

Size: :func:`read_upload_file` reads an ``UploadFile`` in chunks and stops at the cap;
:func:`refuse_declared_oversize` refuses a request whose ``Content-Length`` is already too large
before its body is read. Routes taking files raise Litestar's body limit to
:data:`expo.request_limits.UPLOAD_BODY_LIMIT` and apply ``EXPO_MAX_UPLOAD_BYTES`` themselves.
"""

import io
import math
import threading
import warnings
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

import anyio.to_thread
from litestar import Request
from litestar.datastructures import UploadFile
from PIL import Image, ImageOps, UnidentifiedImageError

from expo.errors import FieldProblem, InvalidInput, TooLarge
from expo.i18n import N_

# 40 megapixels: more than any phone camera (a 200 MP sensor saves 12 MP pictures by default), and a
# decoded RGBA picture of this size is 160 MB, which a server can hold for a moment.
MAX_IMAGE_PIXELS = 40_000_000
MAX_PDF_PAGES = 50
# Form fields around the file (amount, date, names, CSRF token) and the multipart boundaries.
FORM_OVERHEAD_BYTES = 64 * 1024
CHUNK = 64 * 1024
JPEG_QUALITY = 88
WEBP_QUALITY = 88

# PDFium is not thread-safe; every use of it in this module holds this lock.
PDFIUM_LOCK = threading.Lock()


class Kind(StrEnum):
    JPEG = "jpeg"
    PNG = "png"
    WEBP = "webp"
    PDF = "pdf"


IMAGES = frozenset({Kind.JPEG, Kind.PNG, Kind.WEBP})
IMAGES_AND_PDF = frozenset({*IMAGES, Kind.PDF})

CONTENT_TYPES = {Kind.JPEG: "image/jpeg", Kind.PNG: "image/png", Kind.WEBP: "image/webp", Kind.PDF: "application/pdf"}
_KIND_NAMES = {Kind.JPEG: "JPEG", Kind.PNG: "PNG", Kind.WEBP: "WebP", Kind.PDF: "PDF"}
_PIL_FORMATS = {Kind.JPEG: "JPEG", Kind.PNG: "PNG", Kind.WEBP: "WEBP"}


@dataclass(frozen=True)
class CheckedFile:
    """A file that passed: ``data`` is what to store (re-encoded for images)."""

    data: bytes
    kind: Kind
    width: int | None = None  # images
    height: int | None = None
    pages: int | None = None  # PDFs

    @property
    def content_type(self) -> str:
        return CONTENT_TYPES[self.kind]

    @property
    def extension(self) -> str:
        return "jpg" if self.kind is Kind.JPEG else self.kind.value


def _refuse(code: str, message: str, field: str, **params: object) -> InvalidInput:
    return InvalidInput(message, code=code, params=params, fields=[FieldProblem(field, message, params)])


def _too_big(max_bytes: int, field: str) -> TooLarge:
    message = N_("The file is too large: at most %(max)s MB.")
    params: dict[str, object] = {"max": _megabytes(max_bytes)}
    return TooLarge(message, code="upload_too_big", params=params, fields=[FieldProblem(field, message, params)])


def _megabytes(size: int) -> str:
    value = size / (1024 * 1024)
    return f"{value:.0f}" if value >= 10 or value == int(value) else f"{value:.1f}"


def sniff(data: bytes) -> Kind | None:
    """The kind the first bytes announce (only the four kinds we accept are named)."""
    if data.startswith(b"\xff\xd8\xff"):
        return Kind.JPEG
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return Kind.PNG
    if len(data) >= 12 and data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return Kind.WEBP
    if data.startswith(b"%PDF-"):
        return Kind.PDF
    return None


def check_upload(
    data: bytes,
    *,
    allowed: frozenset[Kind] | set[Kind],
    max_bytes: int,
    max_edge: int | None = None,
    field: str = "file",
) -> CheckedFile:
    """The file, proven to be one of ``allowed`` and cleaned; else a domain error at ``field``.

    CPU work (a decode): call :func:`check_upload_in_thread` from a request handler.
    """
    if len(data) > max_bytes:
        raise _too_big(max_bytes, field)
    if not data:
        raise _refuse("upload_empty", N_("The file is empty."), field)
    kind = sniff(data)
    if kind is None or kind not in allowed:
        names = ", ".join(_KIND_NAMES[k] for k in Kind if k in allowed)
        raise _refuse("upload_wrong_type", N_("This type of file is not accepted. Send one of: %(kinds)s."), field,
                      kinds=names)  # fmt: skip
    if kind is Kind.PDF:
        return _check_pdf(data, field)
    return _clean_image(data, kind, max_edge, field)


async def check_upload_in_thread(
    data: bytes,
    *,
    allowed: frozenset[Kind] | set[Kind],
    max_bytes: int,
    max_edge: int | None = None,
    field: str = "file",
) -> CheckedFile:
    """:func:`check_upload` in a worker thread: decoding a 12 MP photo takes a few hundred
    milliseconds, which must not stop the event loop."""
    return await anyio.to_thread.run_sync(
        lambda: check_upload(data, allowed=allowed, max_bytes=max_bytes, max_edge=max_edge, field=field)
    )


def _clean_image(data: bytes, kind: Kind, max_edge: int | None, field: str) -> CheckedFile:
    broken = _refuse("upload_broken", N_("The picture cannot be read; it may be damaged. Please send it again."), field)
    too_many = _refuse(
        "upload_too_many_pixels",
        N_("The picture is too large: at most %(max)s megapixels."),
        field,
        max=MAX_IMAGE_PIXELS // 1_000_000,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            image: Any = Image.open(io.BytesIO(data), formats=[_PIL_FORMATS[kind]])
            # The header's size first: refused before a single pixel is decoded.
            if image.width * image.height > MAX_IMAGE_PIXELS:
                raise too_many
            if max_edge and kind is Kind.JPEG and max(image.size) > max_edge:
                # libjpeg decodes at 1/2, 1/4 or 1/8 scale directly (never below the size asked): a
                # 12 MP photo meant for a 2000 px edge is decoded at 2000 x 1500, not whole and shrunk.
                scale = max_edge / max(image.size)
                image.draft("RGB", (math.ceil(image.width * scale), math.ceil(image.height * scale)))
            image.load()
            ImageOps.exif_transpose(image, in_place=True)  # nothing to do (and no copy) when upright
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise too_many from None
        except InvalidInput:
            raise
        except (OSError, SyntaxError, ValueError, EOFError, UnidentifiedImageError, MemoryError):
            # Pillow's errors for truncated data, bad chunks and unknown formats.
            raise broken from None
    if image.width < 1 or image.height < 1:
        raise broken
    if max_edge and max(image.size) > max_edge:
        image.thumbnail((max_edge, max_edge), Image.Resampling.LANCZOS)
    clean = _pixels_only(image, kind)
    out = io.BytesIO()
    if kind is Kind.JPEG:
        clean.save(out, format="JPEG", quality=JPEG_QUALITY, optimize=True)
    elif kind is Kind.WEBP:
        clean.save(out, format="WEBP", quality=WEBP_QUALITY, method=4)
    else:
        # zlib's default level: ``optimize`` tries every level and took four times as long for ~5% less.
        clean.save(out, format="PNG", compress_level=6)
    return CheckedFile(out.getvalue(), kind, width=clean.width, height=clean.height)


def _pixels_only(image: Any, kind: Kind) -> Image.Image:
    """A new image holding only the pixels (no ``info``, no EXIF, no ICC profile, one frame)."""
    has_alpha = image.mode in {"RGBA", "LA", "PA"} or "transparency" in image.info
    if kind is Kind.JPEG:
        mode = "L" if image.mode in {"L", "1", "I;16"} else "RGB"
    elif image.mode in {"L", "1"} and not has_alpha:
        mode = "L"
    else:
        mode = "RGBA" if has_alpha else "RGB"
    converted = image if image.mode == mode else image.convert(mode)
    clean = Image.new(mode, converted.size)
    clean.paste(converted)  # pixels only: ``info`` (EXIF, ICC, comments, text chunks) stays behind
    return clean


def _check_pdf(data: bytes, field: str) -> CheckedFile:
    import pypdfium2
    import pypdfium2.raw as pdfium_c

    broken = _refuse("upload_broken", N_("The PDF cannot be opened; it may be damaged. Please send it again."), field)
    locked = _refuse(
        "upload_pdf_locked", N_("The PDF is protected by a password. Please send it without protection."), field
    )
    active = _refuse(
        "upload_pdf_active",
        N_("The PDF contains scripts, attachments or actions, which are not accepted. Please print it to a new PDF."),
        field,
    )
    with PDFIUM_LOCK:
        try:
            document = pypdfium2.PdfDocument(data)
        except pypdfium2.PdfiumError as error:
            raise (locked if "password" in str(error).lower() else broken) from None
        try:
            # -1 when the document has no security handler; any other value means it is encrypted.
            if pdfium_c.FPDF_GetSecurityHandlerRevision(document.raw) != -1:
                raise locked
            pages = len(document)
            if pages < 1:
                raise broken
            if pages > MAX_PDF_PAGES:
                raise _refuse("upload_pdf_pages", N_("The PDF has too many pages: at most %(max)s."), field,
                              max=MAX_PDF_PAGES)  # fmt: skip
            if _has_active_content(document, pdfium_c, pages, data):
                raise active
            # A real decode: the first page is laid out and drawn, small.
            page = document[0]
            try:
                width, height = page.get_size()
                if width <= 0 or height <= 0:
                    raise broken
                page.render(scale=min(1.0, 200 / max(width, height))).close()
            finally:
                page.close()
        except pypdfium2.PdfiumError:
            raise broken from None
        finally:
            document.close()
    return CheckedFile(data, Kind.PDF, pages=pages)


def _has_active_content(document: Any, pdfium_c: Any, pages: int, data: bytes) -> bool:
    """Document JavaScript, embedded files, or links that launch programs or run JavaScript."""
    import ctypes

    raw = document.raw
    if pdfium_c.FPDFDoc_GetJavaScriptActionCount(raw) > 0 or pdfium_c.FPDFDoc_GetAttachmentCount(raw) > 0:
        return True
    risky = {pdfium_c.PDFACTION_LAUNCH, getattr(pdfium_c, "PDFACTION_EMBEDDEDGOTO", -99)}
    for index in range(pages):
        page = document[index]
        try:
            position = ctypes.c_int(0)
            link = pdfium_c.FPDF_LINK()
            while pdfium_c.FPDFLink_Enumerate(page.raw, ctypes.byref(position), ctypes.byref(link)):
                action = pdfium_c.FPDFLink_GetAction(link)
                if action and pdfium_c.FPDFAction_GetType(action) in risky:
                    return True
            # A page's "additional actions" (run on open/close) are how PDF JavaScript usually arrives.
            if pdfium_c.FPDF_GetPageAAction(page.raw, pdfium_c.FPDFPAGE_AACTION_OPEN) or pdfium_c.FPDF_GetPageAAction(
                page.raw, pdfium_c.FPDFPAGE_AACTION_CLOSE
            ):
                return True
        finally:
            page.close()
    # JavaScript in an object PDFium does not expose cheaply (an OpenAction, a form field): the name
    # of the action type, where it is not hidden in a compressed object stream.
    return b"/JavaScript" in data or b"/Launch" in data


async def read_upload_file(upload: UploadFile, max_bytes: int, *, field: str = "file") -> bytes:
    """An ``UploadFile``'s bytes, read in chunks; one byte over ``max_bytes`` is a 413 ``upload_too_big``."""
    parts: list[bytes] = []
    size = 0
    while chunk := await upload.read(CHUNK):
        size += len(chunk)
        if size > max_bytes:
            raise _too_big(max_bytes, field)
        parts.append(chunk)
    return b"".join(parts)


def refuse_declared_oversize(request: Request[Any, Any, Any], max_bytes: int, *, field: str = "file") -> None:
    """413 before the body is read when the request already says it is larger than a file plus its form."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > max_bytes + FORM_OVERHEAD_BYTES:
        raise _too_big(max_bytes, field)


async def form_with_file(
    request: Request[Any, Any, Any], max_bytes: int, *, field: str = "file"
) -> tuple[dict[str, str], bytes | None]:
    """A multipart form's text fields and the bytes of its file ``field`` (``None`` if none was chosen).

    The declared size is checked before Litestar parses the body; the file itself is read with the cap.
    """
    refuse_declared_oversize(request, max_bytes, field=field)
    form = await request.form()
    fields: dict[str, str] = {}
    data: bytes | None = None
    for name, value in form.multi_items():
        if name == field:
            if isinstance(value, UploadFile) and value.filename:
                data = await read_upload_file(value, max_bytes, field=field)
        elif isinstance(value, str):
            fields.setdefault(name, value)
    return fields, data
