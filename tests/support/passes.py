"""Helpers for the passes tests: confirmed bookings, logging in, and decoding QR codes out of
rendered PDFs."""

from typing import Any

import httpx
import pypdfium2
import zxingcpp
from litestar import Litestar
from litestar.testing import AsyncTestClient

from expo.auth import SESSION_COOKIE
from tests.support.factories import Venue, signup_exhibitor

Client = AsyncTestClient[Litestar]


async def confirmed_exhibitor(
    client: Client, venue: Venue, organiser: dict[str, str], booth_index: int = 0
) -> tuple[int, str, int]:
    """A signed-up exhibitor with a confirmed (paid) booking: ``(exhibitor id, its token, booking id)``."""
    exhibitor, token = await signup_exhibitor(client, venue.expo_id, exhibitor_class="umkm")
    booking = await client.post(
        f"/api/expos/{venue.expo_id}/bookings",
        json={
            "booth_id": venue.booth_ids[booth_index],
            "exhibitor_id": exhibitor["id"],
            "confirm": True,
            "payment": {"amount": 1_500_000, "method": "transfer", "reference": "TRF-1"},
        },
        headers=organiser,
    )
    assert booking.status_code == 201, booking.text
    return int(exhibitor["id"]), token, int(booking.json()["id"])


async def post_form(client: Client, path: str, data: dict[str, Any], *, from_page: str) -> httpx.Response:
    """Open the page the form is on (which sets the CSRF cookie), then submit it as a browser does."""
    opened = await client.get(from_page)
    assert opened.status_code < 400, opened.text
    token = client.cookies.get("csrftoken")
    assert token
    return await client.post(path, data={**data, "_csrf_token": token}, follow_redirects=False)


def log_in_as(client: Client, token: str) -> None:
    client.cookies.set(SESSION_COOKIE, token)


def decode_qr_codes(pdf_bytes: bytes, scale: float = 3.0) -> list[list[str]]:
    """Every QR code on every page, rasterised with PDFium and read with zxing-cpp."""
    document = pypdfium2.PdfDocument(pdf_bytes)
    try:
        pages = []
        for page in document:
            image = page.render(scale=scale).to_pil()
            pages.append([r.text for r in zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode)])
        return pages
    finally:
        document.close()


def pdf_text(pdf_bytes: bytes) -> list[str]:
    document = pypdfium2.PdfDocument(pdf_bytes)
    try:
        return [page.get_textpage().get_text_range() for page in document]
    finally:
        document.close()


def problem_fields(body: dict[str, Any]) -> set[str]:
    return {e["field"] for e in body.get("errors", [])}
