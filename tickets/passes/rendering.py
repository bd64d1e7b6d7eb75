"""One pass as a PDF (A6) or a PNG for phone screens and WhatsApp, rendered off the event loop."""

import io

import anyio.to_thread
from sqlalchemy.ext.asyncio import AsyncSession

from expo.errors import Conflict
from tickets.passes.cards import card_context, cards_for
from tickets.passes.models import ExpoPass
from tickets.printing import pdf
from tickets.signing.keys import KeyRing

PNG_SCALE = 2.5  # A6 at 180 dpi: 744 x 1050 pixels, sharp on a phone, small enough to send


def pdf_to_png(data: bytes, scale: float = PNG_SCALE) -> bytes:
    """The first page of a PDF as PNG (the same drawing as the PDF, rasterised by PDFium)."""
    import pypdfium2

    document = pypdfium2.PdfDocument(data)
    try:
        image = document[0].render(scale=scale).to_pil()
    finally:
        document.close()
    out = io.BytesIO()
    image.convert("RGB").save(out, format="PNG", optimize=False)
    return out.getvalue()


async def _card(session: AsyncSession, pass_: ExpoPass, keys: KeyRing, locale: str) -> pdf.PassCard:
    assert pass_.id is not None
    ctx = await card_context(session, pass_.expo_id, keys, locale)
    cards = await cards_for(session, ctx, [pass_.id])  # none when the pass is not valid: never printed
    if not cards:
        raise Conflict("This pass is revoked.", code="pass_revoked")
    return cards[0]


async def pass_pdf(session: AsyncSession, pass_: ExpoPass, keys: KeyRing, locale: str = "id") -> bytes:
    card = await _card(session, pass_, keys, locale)
    return await anyio.to_thread.run_sync(pdf.single_pdf, card)


async def pass_png(session: AsyncSession, pass_: ExpoPass, keys: KeyRing, locale: str = "id") -> bytes:
    card = await _card(session, pass_, keys, locale)
    return await anyio.to_thread.run_sync(lambda: pdf_to_png(pdf.single_pdf(card)))
