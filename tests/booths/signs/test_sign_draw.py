"""The booth sign as a PDF (no database): on every paper the QR code decodes to the profile address,
the page has the paper's size, Arabic names are drawn with real glyphs, and a logo that cannot be
read leaves a sign without a logo rather than no sign."""

import io

import pypdf
import pypdfium2
import pytest
from PIL import Image

from booths.signs.draw import SignText, page_size, render_signs
from tests.support.glyphs import shown_glyphs

URL = "https://expo.example.test/e/gelar-2026/catalogue/42?via=sign"


def _logo() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (640, 400), "#c0392b").save(out, "JPEG")
    return out.getvalue()


def _sign(**changes: object) -> SignText:
    fields: dict[str, object] = {
        "booth_code": "A-12",
        "name": "Keripik Singkong Ayu",
        "details": "Pondok Pesantren Darul Ulum · Jombang",
        "members": (),
        "url": URL,
        "expo_name": "Gelar UMKM Santri 2026",
        "logo": _logo(),
        "locale": "id",
    }
    return SignText(**(fields | changes))  # type: ignore[arg-type]


def _qr_texts(pdf: bytes, page: int = 0) -> list[str]:
    zxingcpp = pytest.importorskip("zxingcpp")
    image = pypdfium2.PdfDocument(pdf)[page].render(scale=150 / 72).to_pil()
    return [r.text for r in zxingcpp.read_barcodes(image) if r.format == zxingcpp.BarcodeFormat.QRCode]


@pytest.mark.parametrize("size", ["a4", "a3"])
@pytest.mark.parametrize("orientation", ["portrait", "landscape"])
def test_the_qr_code_of_every_paper_opens_the_profile(size: str, orientation: str) -> None:
    pdf = render_signs([_sign()], size, orientation)
    assert _qr_texts(pdf) == [URL]
    width, height = page_size(size, orientation)
    box = pypdf.PdfReader(io.BytesIO(pdf)).pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (round(width), round(height))
    assert (width > height) == (orientation == "landscape")


def test_the_page_says_the_booth_the_business_and_the_call_to_action() -> None:
    pdf = render_signs([_sign()], "a4", "portrait")
    text = " ".join(pypdf.PdfReader(io.BytesIO(pdf)).pages[0].extract_text().split())
    for shown in (
        "A-12",
        "Keripik Singkong Ayu",
        "Jombang",
        "Gelar UMKM Santri 2026",
        "Pindai untuk melihat produk kami",
    ):
        assert shown in text, shown


def test_a_batch_has_one_page_per_sign_each_with_its_own_code() -> None:
    signs = [_sign(booth_code=f"B-{n}", url=f"{URL[:-9]}{n}?via=sign") for n in range(1, 4)]
    pdf = render_signs(signs, "a4", "landscape")
    assert len(pypdf.PdfReader(io.BytesIO(pdf)).pages) == 3
    assert _qr_texts(pdf, 2) == [f"{URL[:-9]}3?via=sign"]


def test_arabic_names_long_names_shared_stands_and_no_logo_are_drawn() -> None:
    sign = _sign(
        name="مؤسسة النور للأغذية الحلال والمشروبات التقليدية " * 3,
        members=("Batik Bintang", "Madu Hutan Lestari", "Kopi Ijen Raya Sejahtera Bersama") * 4,
        logo=None,
    )
    pdf = render_signs([sign], "a3", "portrait")
    assert _qr_texts(pdf) == [URL]
    glyphs = shown_glyphs(pdf)
    assert [(font, code) for font, code, glyph in glyphs if glyph == 0] == []  # no missing-glyph box
    assert any("Arabic" in font for font, _, _ in glyphs)
    text = pypdf.PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
    assert "Batik Bintang" in text


def test_a_logo_that_cannot_be_read_is_left_out() -> None:
    pdf = render_signs([_sign(logo=b"\xff\xd8 not a picture")], "a4", "portrait")
    assert _qr_texts(pdf) == [URL]


def test_a_paper_not_offered_is_refused() -> None:
    with pytest.raises(ValueError, match="no sign paper"):
        render_signs([_sign()], "a5", "portrait")
    with pytest.raises(ValueError, match="no sign paper"):
        render_signs([_sign()], "a4", "sideways")
