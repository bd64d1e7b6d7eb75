"""A picture of a PDF document's first page, so the desk sees the document inline beside the form
(the site's pages frame nothing and embed no plugins: a PDF viewer cannot sit in the page)."""

import io

import anyio.to_thread

from expo.uploads import PDFIUM_LOCK

PREVIEW_WIDTH = 1000  # pixels: the digits of an NIB or a certificate number stay readable


def first_page_png(data: bytes, width: int = PREVIEW_WIDTH) -> bytes:
    """The first page drawn ``width`` pixels wide, as PNG. The PDF passed the upload's checks when it
    was stored, so it opens; PDFium is not thread-safe, hence the lock."""
    import pypdfium2

    with PDFIUM_LOCK:
        document = pypdfium2.PdfDocument(data)
        try:
            page = document[0]
            try:
                page_width, _height = page.get_size()
                bitmap = page.render(scale=width / max(page_width, 1.0))
                image = bitmap.to_pil()
                bitmap.close()
            finally:
                page.close()
        finally:
            document.close()
    out = io.BytesIO()
    image.save(out, format="PNG", compress_level=6)
    return out.getvalue()


async def first_page_png_in_thread(data: bytes) -> bytes:
    return await anyio.to_thread.run_sync(first_page_png, data)
