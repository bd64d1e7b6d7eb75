"""QR symbols of any text (``expo.qr.byte_matrix_bits``): module for module what ``qrcode`` makes with
the same version, level and mask, and readable by zxing-cpp when drawn into a PDF."""

import io

import pypdfium2
import pytest
import qrcode
import zxingcpp
from hypothesis import given, settings
from hypothesis import strategies as st
from qrcode.constants import ERROR_CORRECT_M
from qrcode.util import MODE_8BIT_BYTE, QRData
from reportlab.pdfgen.canvas import Canvas

from expo import qr
from expo.qr_draw import draw_qr, qr_matrix


def _reference(text: str) -> list[list[bool]]:
    """qrcode's symbol of the text's UTF-8 bytes in byte mode, at the smallest version, with our mask."""
    probe = qrcode.QRCode(error_correction=ERROR_CORRECT_M, border=0)
    probe.add_data(QRData(text.encode(), mode=MODE_8BIT_BYTE))
    probe.make(fit=True)
    code = qrcode.QRCode(version=probe.version, error_correction=ERROR_CORRECT_M, border=0, mask_pattern=qr.MASK)
    code.add_data(QRData(text.encode(), mode=MODE_8BIT_BYTE))
    code.make(fit=False)
    return [[bool(cell) for cell in row] for row in code.get_matrix()]


@pytest.mark.parametrize(
    "text",
    [
        "a",
        "https://expo.example.id/verify/KW-EXPO26-0007.1500000.Yb3kq9Xv2LmP0sTz",
        "https://expo.example.id/e/expo-umkm-2026/map",
        "x" * 300,  # version 10 and up: 16-bit count, version information blocks
        "Pondok Pesantren معهد النور",
    ],
)
def test_symbols_match_qrcode_module_for_module(text: str) -> None:
    assert qr_matrix(text) == _reference(text)


@settings(max_examples=40, deadline=None)
@given(st.text(min_size=1, max_size=180))
def test_any_text_matches_qrcode(text: str) -> None:
    assert qr_matrix(text) == _reference(text)


def test_too_long_text_is_refused() -> None:
    with pytest.raises(qr.QrTooLong):
        qr.byte_matrix_bits("x" * 3000)


def test_a_drawn_symbol_scans_back() -> None:
    url = "https://expo.example.id/verify/INV-EXPO26-0042.1775217.Yb3kq9Xv2LmP0sTz"
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=(200, 200))
    draw_qr(canvas, url, 20, 20, 160)
    canvas.save()
    image = pypdfium2.PdfDocument(buffer.getvalue())[0].render(scale=3).to_pil()
    assert [r.text for r in zxingcpp.read_barcodes(image)] == [url]
