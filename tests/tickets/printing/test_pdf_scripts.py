"""Arabic script and emoji on passes and booth maps: every character is drawn with a real glyph.

Checked by rendering: the glyph ids of every character drawn (read from the PDF's embedded fonts) are
never 0 (.notdef, the empty box), and the rasterised name areas hold ink but no missing-glyph box.
"""

import io
from dataclasses import replace
from datetime import date

import arabic_reshaper
import pypdfium2
import pytest
from arabic_reshaper import letters, ligatures
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from PIL import Image
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from booths.maps.draw.document import MapBooth, MapCluster, MapData, MapHall, PrintOptions, plan_hall, render_map
from booths.venue.geometry import BlockSpec, block_layout
from expo import fonts
from tests.support.glyphs import notdef_boxes, shown_glyphs
from tickets.printing import pdf, sheets
from tickets.signing import tokens

ABDULLAH = "عبد الله"  # shaped into the ligature U+FDF2 that DejaVu lacks
MUHAMMAD = "محمد"
MIXED = "Pondok Pesantren النور"
EMOJI = "Siti 😀👍🏽 Aminah ❤️ 👨‍👩‍👧"
NAMES = (ABDULLAH, MUHAMMAD, MIXED, EMOJI)
KEY = Ed25519PrivateKey.from_private_bytes(bytes(32))
SCALE = 4  # pixels per point when rasterising


def _card(name: str, **changes: object) -> pdf.PassCard:
    day = date(2026, 10, 20)
    base = pdf.PassCard(
        token=tokens.sign(tokens.Claims(1, 1, 5, 2, (day,)), KEY),
        code="K7DM-4PXA",
        holder_name=name,
        kind_key="2",
        band_label="PENGUNJUNG",
        color="#2e7d32",
        expo_name="Expo UMKM 🎉 معرض النور",
        expo_line="20–25 Oktober 2026 · Gedung Serbaguna",
        days=(pdf.DayChip("Sel", "20", True),),
        hours="07.00–22.00 WIB",
        organisation="Santri · معهد النور 🌙",
    )
    return replace(base, **changes)  # type: ignore[arg-type]


def _assert_real_glyphs(data: bytes, *, arabic: bool) -> None:
    glyphs = shown_glyphs(data)
    assert glyphs
    missing = [(font, code) for font, code, glyph in glyphs if glyph == 0]
    assert missing == [], "characters drawn with the .notdef glyph"
    used = {font.split("+", 1)[-1] for font, _, _ in glyphs}
    assert ("NotoSansArabic-Bold" in used) is arabic


def _render(data: bytes, page: int = 0) -> Image.Image:
    image = pypdfium2.PdfDocument(data)[page].render(scale=SCALE).to_pil()
    assert isinstance(image, Image.Image)
    return image


def _has_ink(image: Image.Image) -> bool:
    return image.convert("L").getextrema()[0] < 100


def test_the_checks_see_the_missing_glyph_box() -> None:
    """The old way of drawing (one font, reshaped text) gives glyph 0 and a box: the checks can fail."""
    names = fonts.register_fonts()
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=(200, 60))
    canvas.setFont(names.bold, 22)
    canvas.drawString(10, 20, fonts.shape_text(ABDULLAH))
    canvas.save()
    assert any(glyph == 0 for _, _, glyph in shown_glyphs(buffer.getvalue()))
    assert len(notdef_boxes(_render(buffer.getvalue()))) == 1


def test_the_arabic_fonts_have_every_form_the_reshaper_makes() -> None:
    forms = {ord(c) for letter, shapes in letters.LETTERS_ARABIC.items() for c in (letter, *shapes) if c}
    forms |= {ord(c) for _, (_, shapes) in ligatures.LIGATURES for shape in shapes for c in shape}
    forms -= {0x200D}  # the joiner steers joining and is never drawn
    for font in (fonts.ARABIC_REGULAR, fonts.ARABIC_BOLD):
        assert forms - fonts.covered(font) == set()


@pytest.mark.parametrize("font", [fonts.REGULAR, fonts.BOLD])
@pytest.mark.parametrize("name", NAMES)
def test_every_piece_is_drawn_by_a_font_that_has_its_characters(name: str, font: str) -> None:
    parts = fonts.pieces(name, font)
    assert parts
    for piece_font, chars, width in parts:
        assert {ord(c) for c in chars} <= fonts.covered(piece_font)
        assert width > 0


def test_arabic_is_joined_and_reads_right_to_left() -> None:
    [(font, chars, _)] = fonts.pieces(ABDULLAH, fonts.BOLD)
    assert font == fonts.ARABIC_BOLD
    # visual order, left to right: the Allah ligature, a space, then the joined forms of ع ب د reversed
    assert chars == "\ufdf2 \ufeaa\ufe92\ufecb"
    latin, arabic = fonts.pieces(MIXED, fonts.REGULAR)
    assert latin[0] == fonts.REGULAR
    assert latin[1] == "Pondok Pesantren "
    assert arabic[0] == fonts.ARABIC_REGULAR
    assert arabic[1] == arabic_reshaper.reshape("النور")[::-1]  # on the right, joined, right to left


def test_emoji_without_a_glyph_are_left_out_cleanly() -> None:
    drawn = "".join(chars for _, chars, _ in fonts.pieces(EMOJI, fonts.BOLD))
    assert "👍" not in drawn
    assert "\U0001f3fd" not in drawn  # the skin tone
    assert "\ufe0f" not in drawn
    assert "\u200d" not in drawn
    assert "  " not in drawn
    assert drawn.startswith("Siti ")
    assert "Aminah" in drawn


@pytest.mark.parametrize("name", NAMES)
def test_pass_names_are_drawn_with_real_glyphs(name: str) -> None:
    data = pdf.single_pdf(_card(name))
    _assert_real_glyphs(data, arabic=True)  # the expo name and organisation are Arabic too
    image = _render(data)
    # the name and organisation lie between the coloured band and the QR code
    top = int(31 * mm * SCALE) + 4
    bottom = int(62 * mm * SCALE)
    area = image.crop((int(pdf.MARGIN * SCALE) + 4, top, int((pdf.CARD_W - pdf.MARGIN) * SCALE) - 4, bottom))
    assert _has_ink(area)
    assert notdef_boxes(area) == []


def test_a_latin_pass_embeds_no_arabic_font() -> None:
    data = pdf.single_pdf(_card("Budi Santoso", expo_name="Expo UMKM", organisation="Santri"))
    _assert_real_glyphs(data, arabic=False)


def test_sheets_of_passes_with_arabic_and_emoji_have_real_glyphs() -> None:
    data = sheets.sheets_pdf([_card(name) for name in NAMES], "a4")
    _assert_real_glyphs(data, arabic=True)


def test_booth_map_exhibitor_names_are_drawn_with_real_glyphs() -> None:
    clusters = (MapCluster("kuliner", "Kuliner 🍜", "#e65100"),)
    booths = [
        MapBooth(code, rect.x, rect.y, rect.w, rect.d, "confirmed", "kuliner", name, "PP النور", 1_500_000, "standar")
        for (code, rect), name in zip(
            block_layout(BlockSpec(6, 3, 1, 4, 4, 4, 3, "A", back_to_back=False)), NAMES, strict=True
        )
    ]
    hall = MapHall("A", "Hall A ⭐", 30, 12, booths, ())
    data = MapData(
        expo_name="Expo Uji معرض",
        dates="20–25 Oktober 2026",
        venue="Gedung Uji",
        city="Jombang",
        live_url="https://expo.example.id/e/uji/map",
        version="abc12345",
        printed_at="28 Nov 2026 10.00 WIB",
        halls=(hall,),
        clusters=clusters,
    )
    options = PrintOptions(paper="a4", orientation="landscape", scale="1:200", view="public")
    document = render_map(data, options)
    glyphs = shown_glyphs(document)
    assert [(font, code) for font, code, glyph in glyphs if glyph == 0] == []
    assert any("NotoSansArabic" in font for font, _, _ in glyphs)
    image = _render(document)
    layout = plan_hall(data, hall, options)
    page_h = image.height / SCALE
    for booth in booths:
        x, y, w, h = layout.rect(booth.x, booth.y, booth.w, booth.d)
        left, top = int(x * SCALE) + 6, int((page_h - y - h) * SCALE) + 6
        inside = image.crop((left, top, int((x + w) * SCALE) - 6, int((page_h - y) * SCALE) - 6))
        assert _has_ink(inside), booth.code
        assert notdef_boxes(inside) == [], booth.code
