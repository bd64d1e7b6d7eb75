"""Pass PDFs without a database: rendered, rasterised with PDFium and every QR code read back with
zxing-cpp; text (Latin and Arabic) stays inside the card; sheets, cut marks and streamed batches."""

import io
import re
from dataclasses import replace
from datetime import date

import pypdf
import pypdfium2
import pytest
import zxingcpp
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from reportlab.lib.units import mm

from expo.pdf_splice import PdfSplicer
from expo.pdf_text import fit
from tests.support.passes import decode_qr_codes, pdf_text
from tickets.passes.rendering import pdf_to_png
from tickets.printing import batch, pdf, sheets
from tickets.signing import tokens

pytestmark = pytest.mark.anyio
KEY = Ed25519PrivateKey.generate()
PUBLIC = {1: KEY.public_key()}
DAYS = tuple(date(2026, 10, 20 + i) for i in range(6))
HALL = pdf.HallPlan(
    key="1",
    name="Hall A – Gedung Utama",
    width_m=48,
    depth_m=30,
    booths=tuple((12 + 3 * c, 3 + 3 * r, 3, 3) for r in range(4) for c in range(8)),
)
CHIPS = tuple(
    pdf.DayChip(top=t, bottom=str(20 + i), valid=True) for i, t in enumerate(("Sel", "Rab", "Kam", "Jum", "Sab", "Min"))
)


def card(serial: int, name: str, **changes: object) -> pdf.PassCard:
    base = pdf.PassCard(
        token=tokens.sign(tokens.Claims(1, 1, serial, 3, DAYS), KEY),
        code="K7DM-4PXA",
        holder_name=name,
        kind_key="3",
        band_label="PANITIA",
        color="#c62828",
        expo_name="Expo UMKM & OPOP Hari Santri 2026",
        expo_line="20–25 Oktober 2026 · Gedung Serbaguna Jombang",
        days=CHIPS,
        hours="06.00–23.00 WIB",
        organisation="Panitia Pelaksana",
    )
    return replace(base, **changes)  # type: ignore[arg-type]


def staff_card(serial: int, name: str) -> pdf.PassCard:
    return card(
        serial,
        name,
        kind_key="1",
        band_label="PESERTA PAMERAN",
        color="#1565c0",
        organisation="Keripik Tempe Nurul Huda",
        booth_code="A-07",
        hall=HALL,
        booth_rect=HALL.booths[6],
    )


def serials(pdf_bytes: bytes, scale: float = 3.0) -> list[list[int]]:
    return [[tokens.verify(t, PUBLIC).serial for t in page] for page in decode_qr_codes(pdf_bytes, scale)]


def test_one_pass_is_an_a6_page_whose_qr_names_the_pass() -> None:
    data = pdf.single_pdf(staff_card(4242, "Siti Nur Azizah"))
    reader = pypdf.PdfReader(io.BytesIO(data))
    box = reader.pages[0].mediabox
    assert (round(float(box.width) / mm), round(float(box.height) / mm)) == (105, 148)
    assert serials(data) == [[4242]]
    [text] = pdf_text(data)
    for expected in ("Siti Nur Azizah", "PESERTA PAMERAN", "A-07", "K7DM-4PXA", "Keripik Tempe Nurul Huda"):
        assert expected in text


def test_the_qr_code_is_at_least_30_mm_wide_with_its_quiet_zone() -> None:
    for built in (staff_card(1, "Ahmad"), card(2, "Ahmad")):
        data = pdf.single_pdf(built)
        scale = 4.0
        document = pypdfium2.PdfDocument(data)
        image = document[0].render(scale=scale).to_pil().convert("L")
        document.close()
        [found] = zxingcpp.read_barcodes(image)
        position = found.position
        width_px = abs(position.top_right.x - position.top_left.x)
        px_per_mm = scale * 72 / 25.4
        assert width_px / px_per_mm >= 30
        # the 4-module quiet zone around the symbol is white
        module = width_px / 41
        left, top = position.top_left.x, position.top_left.y
        zone = image.crop((int(left - 3.6 * module), int(top), int(left - 0.4 * module), int(top + width_px)))
        assert zone.getextrema()[0] > 200


def test_arabic_names_are_shaped_and_read_back_in_logical_order() -> None:
    name = "محمد عبد الرحمن"
    data = pdf.single_pdf(card(7, name, organisation="معهد النور الإسلامي"))
    [text] = pdf_text(data)
    assert name in text
    assert "معهد النور الإسلامي" in text
    assert serials(data) == [[7]]


@pytest.mark.parametrize(
    "name",
    [
        "Muhammad Abdurrahman Wahid Al-Hasyimi bin Kyai Haji Abdul Ghofur Tebuireng Jombang Jawa Timur Indonesia",
        "Wiwikwiwikwiwikwiwikwiwikwiwikwiwikwiwikwiwikwiwikwiwikwiwikwiwikwiwikwiwikwiwikwiwikwiwik",
        "عبد الرحمن بن محمد بن عبد الله بن أحمد الجومباني الإندونيسي الشافعي النهضي",
        "Ny. Hj. Siti Fatimah محمد",
    ],
)
def test_long_names_shrink_or_wrap_and_never_leave_the_card(name: str) -> None:
    data = pdf.single_pdf(card(9, name))
    document = pypdfium2.PdfDocument(data)
    page = document[0]
    width, height = page.get_size()
    textpage = page.get_textpage()
    for i in range(textpage.count_chars()):
        left, bottom, right, top = textpage.get_charbox(i)
        if right > left:  # spaces and line breaks have empty boxes
            assert left >= pdf.MARGIN, (i, left)
            assert right <= width - pdf.MARGIN, (i, right)
            assert bottom >= 0
            assert top <= height
    document.close()
    fitted = fit(name, "DejaVuSansCondensed-Bold", max_size=12, min_size=9, box_w=85 * mm, max_lines=3, shorten=False)
    assert fitted is not None
    assert 9 <= fitted.size <= 12
    assert 1 <= len(fitted.lines) <= 3
    assert serials(data) == [[9]]


def test_a_long_word_in_a_name_shrinks_before_it_is_broken() -> None:
    """Passes lay text out like booth maps (expo.pdf_text): a name is shrunk while that keeps each word
    whole; it used to be broken in the middle of a word at a larger size."""
    word = "Muhammadiyahsupercalifragilisticexpialidocious"
    [text] = pdf_text(pdf.single_pdf(card(11, f"Ahmad Dahlan {word}")))
    assert word in text.replace("\r\n", " ").split()


@pytest.mark.parametrize(("count", "paper"), [(1, "a4"), (4, "a4"), (5, "f4"), (9, "a4")])
def test_sheets_hold_four_passes_each_in_order(count: int, paper: pdf.Paper) -> None:
    data = sheets.sheets_pdf([card(100 + i, f"Panitia {i}") for i in range(count)], paper)
    reader = pypdf.PdfReader(io.BytesIO(data))
    assert len(reader.pages) == -(-count // 4)
    width, height = pdf.PAPERS[paper]
    assert (round(float(reader.pages[0].mediabox.width)), round(float(reader.pages[0].mediabox.height))) == (
        round(width),
        round(height),
    )
    found = serials(data, scale=2.0)
    expected = [100 + i for i in range(count)]
    assert [len(page) for page in found] == [len(expected[i : i + 4]) for i in range(0, count, 4)]
    assert sorted(s for page in found for s in page) == expected
    text = pdf_text(data)
    assert all(f"Panitia {i}" in text[i // 4] for i in range(count))


def _segments(content: bytes) -> set[tuple[float, float, float, float]]:
    pattern = re.compile(rb"([-\d.]+) ([-\d.]+) m ([-\d.]+) ([-\d.]+) l S")
    return {tuple(round(float(v), 1) for v in m.groups()) for m in pattern.finditer(content)}  # type: ignore[misc]


@pytest.mark.parametrize("paper", ["a4", "f4"])
def test_every_sheet_has_its_cut_marks(paper: pdf.Paper) -> None:
    data = sheets.sheets_pdf([card(i + 1, f"P {i}") for i in range(6)], paper)
    reader = pypdf.PdfReader(io.BytesIO(data))
    expected = {tuple(round(v, 1) for v in mark) for mark in sheets.cut_marks(paper)}
    assert len(expected) >= 10
    for page in reader.pages:
        assert expected <= _segments(page.get_contents().get_data())  # type: ignore[union-attr]
    width, height = pdf.PAPERS[paper]
    xs = {mark[0] for mark in sheets.cut_marks(paper) if mark[0] == mark[2]}
    assert any(abs(x - width / 2) < 0.01 for x in xs)  # the vertical cut between the two columns
    origins = sheets.sheet_origins(paper)
    assert all(
        x >= 0 and x + pdf.CARD_W <= width + 0.01 and y >= 0 and y + pdf.CARD_H <= height + 0.01 for x, y in origins
    )


def test_spliced_chunks_make_one_valid_pdf() -> None:
    out = io.BytesIO()
    splicer = PdfSplicer(out, "Batch (test)")
    chunks = [
        [card(1 + i, f"A{i}") for i in range(4)],
        [staff_card(10 + i, f"B{i}") for i in range(5)],
        [card(99, "C")],
    ]
    pages = sum(splicer.add(sheets.sheets_pdf(chunk, "a4")) for chunk in chunks)
    splicer.close()
    data = out.getvalue()
    reader = pypdf.PdfReader(io.BytesIO(data), strict=True)
    assert len(reader.pages) == pages == 4
    assert reader.metadata is not None
    assert reader.metadata.title == "Batch (test)"
    found = serials(data, scale=2.0)
    assert [sorted(page) for page in found] == [[1, 2, 3, 4], [10, 11, 12, 13], [14], [99]]
    assert "B4" in pdf_text(data)[2]


async def test_a_streamed_batch_renders_every_pass_once_in_order() -> None:
    cards = [card(1000 + i, f"Relawan {i}") if i % 3 else staff_card(1000 + i, f"Staf {i}") for i in range(23)]
    out = io.BytesIO()
    seen: list[int] = []
    result = await batch.write_batch(
        batch.pages_of(cards, page_size=7), "a4", out, progress=seen.append, chunk_passes=8
    )
    assert (result.passes, result.pages) == (23, 6)
    assert seen == [8, 16, 23]
    text = pdf_text(out.getvalue())
    assert len(text) == 6
    assert all(f"Relawan {i}" in text[i // 4] for i in range(23) if i % 3)


async def test_the_process_pool_renders_the_same_passes() -> None:
    cards = [card(2000 + i, f"Pool {i}") for i in range(20)]
    out = io.BytesIO()
    with batch.process_pool(2) as pool:
        result = await batch.write_batch(batch.pages_of(cards), "f4", out, executor=pool, chunk_passes=8)
    assert (result.passes, result.pages) == (20, 5)
    assert sorted(s for page in serials(out.getvalue(), scale=2.0) for s in page) == [2000 + i for i in range(20)]


def test_a_pass_as_png_for_phones() -> None:
    png = pdf_to_png(pdf.single_pdf(card(5, "Nur Aini")))
    from PIL import Image

    image = Image.open(io.BytesIO(png))
    assert image.format == "PNG"
    assert image.size[0] >= 700
    assert image.size[1] > image.size[0]
    [found] = zxingcpp.read_barcodes(image)
    assert tokens.verify(found.text, PUBLIC).serial == 5
