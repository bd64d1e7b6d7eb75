"""Text layout for every PDF (expo.pdf_text): measured as drawn, wrapped, shrunk, abbreviated, cut."""

import pytest

from expo.fonts import register_fonts, text_width
from expo.pdf_text import ELLIPSIS, LEADING, abbreviate, cut, fit, fit_line, wrap

FONTS = register_fonts()
BOLD = FONTS.bold


def test_wrap_keeps_every_word_and_each_line_fits() -> None:
    text = "Keripik Tempe Nurul Huda Barokah Jaya Santri Jombang"
    lines = wrap(text, BOLD, 12, 100)
    assert len(lines) > 1
    assert " ".join(lines) == text
    assert all(text_width(line, BOLD, 12) <= 100 for line in lines)


def test_a_word_wider_than_the_line_is_broken_between_letters() -> None:
    word = "Wiwik" * 20
    lines = wrap(word, BOLD, 12, 100)
    assert "".join(lines) == word
    assert all(text_width(line, BOLD, 12) <= 100 for line in lines)


def test_cut_ends_with_an_ellipsis_and_fits() -> None:
    text = "Koperasi Pondok Pesantren Miftahul Ulum Kedungsari"
    short = cut(text, BOLD, 10, 80)
    assert short.endswith(ELLIPSIS)
    assert text.startswith(short[:-1])
    assert text_width(short, BOLD, 10) <= 80
    assert cut("Jaya", BOLD, 10, 80) == "Jaya"


def test_abbreviate_uses_the_usual_short_forms_longest_first() -> None:
    assert abbreviate("Koperasi Pondok Pesantren Al Falah (Contoh)") == "Kopontren Al Falah"
    assert abbreviate("Dinas Koperasi dan UMKM Kabupaten Jombang") == "Din. Kop. & UMKM Kab. Jombang"


def test_without_a_height_sizes_step_down_in_whole_points() -> None:
    text = "Muhammad Abdurrahman Wahid Al-Hasyimi bin Kyai Haji Abdul Ghofur"
    fitted = fit(text, BOLD, max_size=22, min_size=10, box_w=240, max_lines=2, shorten=False)
    assert fitted is not None
    assert not fitted.shortened
    assert fitted.size == int(fitted.size)
    assert 10 <= fitted.size < 22
    assert len(fitted.lines) == 2
    assert all(text_width(line, BOLD, fitted.size) <= 240 for line in fitted.lines)
    # one point larger would not fit in two lines
    assert len(wrap(text, BOLD, fitted.size + 1, 240)) > 2


def test_in_a_box_the_text_fits_its_height_or_is_abbreviated_then_cut() -> None:
    name = "Koperasi Pondok Pesantren Miftahul Ulum Kedungsari Sejahtera Abadi Makmur Sentosa Jaya Bersama"
    fitted = fit(name, BOLD, max_size=12, min_size=4, box_w=40, box_h=20)
    assert fitted is not None
    assert fitted.shortened
    assert fitted.size == 4
    assert fitted.lines[0].startswith("Kopontren")
    assert fitted.lines[-1].endswith(ELLIPSIS)
    assert fitted.height <= 20
    assert fit(name, BOLD, max_size=12, min_size=4, box_w=40, box_h=4 * LEADING - 0.1) is None


@pytest.mark.parametrize("text", ["", "   "])
def test_no_text_is_no_lines(text: str) -> None:
    assert fit(text, BOLD, max_size=12, min_size=4, box_w=40) is None
    assert fit_line(text, BOLD, max_size=12, min_size=4, box_w=40) == (12, "")


def test_fit_line_shrinks_then_cuts() -> None:
    assert fit_line("PANITIA", BOLD, max_size=21, min_size=9, box_w=200) == (21, "PANITIA")
    size, line = fit_line("PESERTA PAMERAN DAN UMUM", BOLD, max_size=21, min_size=9, box_w=200)
    assert 9 <= size < 21
    assert line == "PESERTA PAMERAN DAN UMUM"
    size, line = fit_line("X" * 200, BOLD, max_size=21, min_size=9, box_w=200)
    assert size == 9
    assert line.endswith(ELLIPSIS)
    assert text_width(line, BOLD, 9) <= 200
