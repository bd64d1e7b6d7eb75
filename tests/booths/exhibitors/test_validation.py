"""NIB, WhatsApp numbers, booth codes and control characters: what people type and what is stored."""

import pytest

from booths.exhibitors.validation import nib_looks_issued, normalise_booth_code, normalise_nib, normalise_whatsapp
from expo.text import has_control

pytestmark = pytest.mark.anyio


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("9120000012345", "9120000012345"),
        (" 9120 0000 1234 5 ", "9120000012345"),
        ("9120\t000012345", "9120000012345"),
        ("٩١٢٠٠٠٠٠١٢٣٤٥", "9120000012345"),  # Arabic-Indic digits
        ("９１２０００００１２３４５", "9120000012345"),  # full-width digits
    ],
)
def test_nib_is_thirteen_digits(typed: str, stored: str) -> None:
    assert normalise_nib(typed) == stored


@pytest.mark.parametrize(
    "typed",
    ["912000001234", "91200000123456", "912000001234A", "9120-0000-1234", "", "abcdefghijklm", "9120000012345\x00"],
)
def test_bad_nibs_are_refused(typed: str) -> None:
    with pytest.raises(ValueError, match="13 digits"):
        normalise_nib(typed)


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("08123456789", "+628123456789"),
        ("628123456789", "+628123456789"),
        ("+62 812-3456-789", "+628123456789"),
        ("+628123456789", "+628123456789"),
        ("0812 3456 7890", "+6281234567890"),
        ("(0812) 3456.7890", "+6281234567890"),
        ("8123456789", "+628123456789"),
        ("+62 0812 3456 789", "+628123456789"),  # the trunk 0 kept after the country code
        ("62 0857 1111 2222", "+6285711112222"),
        ("٠٨١٢٣٤٥٦٧٨٩", "+628123456789"),
        ("0812345678", "+62812345678"),  # the shortest: 628 and 7 digits
        ("0812345678901", "+62812345678901"),  # the longest: 628 and 11 digits
    ],
)
def test_whatsapp_numbers_become_international(typed: str, stored: str) -> None:
    assert normalise_whatsapp(typed) == stored


@pytest.mark.parametrize(
    "typed",
    [
        "021-5551234",  # a Jakarta landline
        "0321 861234",  # a Jombang landline
        "+1 202 555 0100",
        "+60 12 345 6789",  # Malaysia
        "081234",
        "0812345678901234",
        "0812-3456-789x",
        "nomor saya",
        "",
        "+",
        "08123456789\x00",
    ],
)
def test_non_indonesian_mobiles_are_refused(typed: str) -> None:
    with pytest.raises(ValueError, match="Indonesian mobile"):
        normalise_whatsapp(typed)


@pytest.mark.parametrize(
    ("typed", "stored"),
    [("a-01", "A-01"), (" B12 ", "B12"), ("out-t-3", "OUT-T-3"), ("123456-ABCDEF", "123456-ABCDEF")],
)
def test_booth_codes(typed: str, stored: str) -> None:
    assert normalise_booth_code(typed) == stored


@pytest.mark.parametrize("typed", ["", "-", "A--1", "A-1-2-3", "ABCDEFG", "A 1", "A_1", "A-", "Ä-1", "A/1"])
def test_bad_booth_codes(typed: str) -> None:
    with pytest.raises(ValueError, match="booth code"):
        normalise_booth_code(typed)


@pytest.mark.parametrize(
    ("nib", "issued"),
    [
        ("9120000012345", True),
        ("8120012345678", True),  # a counting run inside a real number is fine
        ("3517000000001", True),
        ("0000000000000", False),
        ("7777777777777", False),
        ("1234567890123", False),
        ("0123456789012", False),
        ("9876543210987", False),
        ("1212121212121", False),
        ("123456789012", False),  # not 13 digits
    ],
)
def test_an_nib_must_look_issued_by_oss(nib: str, issued: bool) -> None:
    assert nib_looks_issued(nib) is issued


@pytest.mark.parametrize(
    ("text", "one_line", "multi_line"),
    [
        ("Batik Bu Sri", True, True),
        ("Pondok Pesantren الهدى 🌙", True, True),
        ("baris\nbaris\r\n\tmenjorok", False, True),
        ("nol\x00", False, False),
        ("esc\x1b[31m", False, False),
        ("del\x7f", False, False),
        ("c1\x85", False, False),
        ("surrogate\ud800", False, False),
        ("zwj 👨\u200d👩\u200d👧", True, True),  # joiners are part of writing, not controls
    ],
)
def test_control_characters(text: str, one_line: bool, multi_line: bool) -> None:
    assert has_control(text) is not one_line
    assert has_control(text, multi_line=True) is not multi_line
