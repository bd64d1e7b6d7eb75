"""Invoice and receipt PDFs: what they say (read back with pypdf), the verification QR (read back from
the rasterised page with zxing-cpp), paper sizes, the meterai note, Arabic names, languages, batches."""

import io
from dataclasses import replace

import pypdf
import pypdfium2
import pytest
import zxingcpp

from booths.billing.draw import (
    METERAI,
    BillDocument,
    DocumentMismatch,
    Line,
    Party,
    meterai_due,
    render_invoice,
    render_many,
    render_receipt,
)
from expo.errors import InvalidInput
from tests.booths.billing import document_samples as samples
from tests.support.glyphs import shown_glyphs

A4 = (595.28, 841.89)
A5 = (419.53, 595.28)
METERAI_WORDS = "UU No. 10 Tahun 2020"


def text_of(pdf: bytes) -> str:
    """Every page's text, whitespace collapsed (pypdf splits lines where the drawing does)."""
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    return " ".join(" ".join(page.extract_text().split()) for page in reader.pages)


def page_sizes(pdf: bytes) -> list[tuple[float, float]]:
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    return [(round(float(p.mediabox.width), 2), round(float(p.mediabox.height), 2)) for p in reader.pages]


def qr_texts(pdf: bytes, page: int = 0) -> list[str]:
    image = pypdfium2.PdfDocument(pdf)[page].render(scale=300 / 72).to_pil()
    return [r.text for r in zxingcpp.read_barcodes(image) if r.format == zxingcpp.BarcodeFormat.QRCode]


@pytest.mark.parametrize(("size", "expected"), [("A4", A4), ("A5", A5), ("a5", A5)])
def test_an_invoice_states_its_number_parties_sums_and_words(size: str, expected: tuple[float, float]) -> None:
    pdf = render_invoice(samples.invoice(), size)
    assert page_sizes(pdf) == [expected]
    text = text_of(pdf)
    for part in (
        "TAGIHAN",
        "INV/EXPO26/0042",
        "Panitia Expo UMKM Pesantren Jombang",
        "Kopontren Al-Hikmah Sejahtera",
        "Ahmad Fauzi",
        "NIB 9120001234567",
        "Rp1.875.000",  # subtotal
        "-Rp100.000",  # discount
        "Rp217",  # unique code
        "Rp1.775.217",  # total
        "Satu juta tujuh ratus tujuh puluh lima ribu dua ratus tujuh belas rupiah",
        "Bank Syariah Indonesia 7123456789",
        "Jombang, 1 September 2026",
        "Hj. Siti Khadijah, S.E.",
        "Pindai untuk memeriksa keaslian",
        "Halaman 1 dari 1",
    ):
        assert part in text, part
    assert METERAI_WORDS not in text  # an invoice asks for money; it does not acknowledge receiving it


@pytest.mark.parametrize(("size", "expected"), [("A4", A4), ("A5", A5)])
def test_a_receipt_states_the_amount_in_figures_and_words(size: str, expected: tuple[float, float]) -> None:
    pdf = render_receipt(samples.receipt(), size)
    assert page_sizes(pdf) == [expected]
    text = text_of(pdf)
    for part in (
        "KUITANSI",
        "No. KW/EXPO26/0007",
        "Telah terima dari",
        "Kopontren Al-Hikmah Sejahtera (Ahmad Fauzi)",
        "Uang sejumlah",
        "Satu juta lima ratus ribu rupiah",
        "Rp1.500.000",
        "Pelunasan sewa stan A-12",
        "Transfer bank, 19 Oktober 2026",
        "Jombang, 20 Oktober 2026",
        "Bendahara",
        "Hj. Siti Khadijah, S.E.",
        "Pindai untuk memeriksa keaslian",
    ):
        assert part in text, part


@pytest.mark.parametrize(
    ("amount", "stamped"),
    [(1_500_000, False), (METERAI.threshold, False), (METERAI.threshold + 1, True), (25_000_000, True)],
)
def test_the_meterai_note_only_above_the_threshold(amount: int, stamped: bool) -> None:
    assert meterai_due(amount) is stamped
    text = text_of(render_receipt(samples.receipt(amount=amount), "A5"))
    assert (METERAI_WORDS in text) is stamped
    assert ("Meterai Rp10.000" in text) is stamped
    assert (METERAI_WORDS in text) is stamped


@pytest.mark.parametrize("size", ["A4", "A5"])
def test_the_receipts_qr_code_carries_the_verification_url(size: str) -> None:
    assert qr_texts(render_receipt(samples.receipt(), size)) == [samples.VERIFY_URL]


def test_the_invoices_qr_codes_are_the_verification_url_and_the_qris() -> None:
    doc = samples.invoice()
    found = qr_texts(render_invoice(doc, "A4"))
    assert doc.verify_url in found
    assert len(found) == 2  # and the QRIS image of the payment instructions


def test_arabic_names_are_drawn_with_real_glyphs() -> None:
    arabic = Party(name="عبد الرحمن بن أحمد", business="معهد النور للتجارة", whatsapp="+62 812-1111-2222")
    pdf = render_receipt(samples.receipt(received_from=arabic), "A5")
    glyphs = shown_glyphs(pdf)
    assert [(font, code) for font, code, glyph in glyphs if glyph == 0] == []
    assert any("NotoSansArabic" in font for font, _, _ in glyphs)
    invoice = render_invoice(samples.invoice(exhibitor=arabic), "A4")
    assert [(font, code) for font, code, glyph in shown_glyphs(invoice) if glyph == 0] == []


def test_english_by_switch() -> None:
    receipt = text_of(render_receipt(samples.receipt(locale="en"), "A5"))
    assert "RECEIPT" in receipt
    assert "Received from" in receipt
    assert "Scan to check this document is genuine" in receipt
    assert "Satu juta lima ratus ribu rupiah" in receipt  # the amount in words stays Indonesian, as the law reads it
    invoice = text_of(render_invoice(samples.invoice(locale="en"), "A4"))
    assert "INVOICE" in invoice
    assert "Billed to".upper() in invoice


def test_a_paid_invoice_says_so_and_drops_the_payment_instructions() -> None:
    doc = samples.invoice(paid=1_775_217, outstanding=0, state="paid")
    text = text_of(render_invoice(doc, "A4"))
    assert "LUNAS" in text
    assert "Sudah dibayar" in text
    assert "CARA MEMBAYAR" not in text
    assert "BATAL" in text_of(render_invoice(samples.invoice(state="void"), "A4"))
    assert "LUNAS" not in text_of(render_invoice(samples.invoice(), "A4"))


def test_a_long_invoice_runs_on_to_more_pages() -> None:
    lines = tuple(Line(f"Kursi tambahan nomor {i}", 1, 10_000, 10_000) for i in range(1, 41))
    doc = samples.invoice(lines=lines, subtotal=400_000, discount=0, unique_code=0, total=400_000, outstanding=400_000)
    pdf = render_invoice(doc, "A5")
    pages = pypdf.PdfReader(io.BytesIO(pdf)).pages
    assert len(pages) >= 3
    last = " ".join(pages[-1].extract_text().split())
    assert f"Halaman {len(pages)} dari {len(pages)}" in last
    assert "(lanjutan)" in last
    text = text_of(pdf)
    assert all(f"Kursi tambahan nomor {i} " in text for i in range(1, 41))


def test_figures_that_do_not_add_up_are_refused() -> None:
    with pytest.raises(DocumentMismatch, match="subtotal"):
        samples.invoice(subtotal=1_000_000)
    with pytest.raises(DocumentMismatch, match="total"):
        samples.invoice(total=1_775_000)
    with pytest.raises(DocumentMismatch, match="outstanding"):
        samples.invoice(paid=500_000)
    with pytest.raises(DocumentMismatch, match="positive"):
        samples.receipt(amount=0)


def test_an_unknown_paper_size_is_refused() -> None:
    with pytest.raises(InvalidInput) as refused:
        render_receipt(samples.receipt(), "Letter")
    assert refused.value.code == "unknown_paper"


def test_broken_images_leave_an_empty_place_not_an_error() -> None:
    head = replace(samples.letterhead(), logo=b"not an image")
    doc = samples.receipt(letterhead=head, treasurer=replace(samples.treasurer(), signature=b"\x89PNG broken"))
    assert "KUITANSI" in text_of(render_receipt(doc, "A5"))


def test_a_batch_prints_every_receipt_in_order_on_one_file() -> None:
    docs = [samples.receipt(number=f"KW/EXPO26/{i:04d}", amount=100_000 + i) for i in range(1, 131)]
    out = io.BytesIO()
    result = render_many(iter(docs), out, "A5", title="Kuitansi", chunk=50)
    assert (result.documents, result.pages) == (130, 130)
    reader = pypdf.PdfReader(io.BytesIO(out.getvalue()))
    assert len(reader.pages) == 130
    assert page_sizes(out.getvalue())[0] == A5
    for index in (0, 49, 50, 129):
        text = " ".join(reader.pages[index].extract_text().split())
        assert f"KW/EXPO26/{index + 1:04d}" in text
        assert "Halaman 1 dari 1" in text


def test_a_batch_mixes_invoices_and_receipts() -> None:
    out = io.BytesIO()
    result = render_many([samples.invoice(), samples.receipt()], out, "A4")
    assert (result.documents, result.pages) == (2, 2)
    text = text_of(out.getvalue())
    assert "TAGIHAN" in text
    assert "KUITANSI" in text


def test_an_empty_batch_writes_nothing() -> None:
    out = io.BytesIO()
    with pytest.raises(InvalidInput) as refused:
        render_many([], out)
    assert refused.value.code == "nothing_to_print"
    assert out.getvalue() == b""


def test_document_data_is_frozen() -> None:
    doc = samples.invoice()
    assert isinstance(doc, BillDocument)
    with pytest.raises(AttributeError):
        doc.total = 1  # type: ignore[misc]
