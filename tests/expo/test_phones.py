"""Phone numbers to E.164, as WhatsApp providers and wa.me links take them."""

import pytest

from expo.phones import e164


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("0812-3456-7890", "+6281234567890"),
        ("62 812 3456 7890", "+6281234567890"),
        ("+62 0812 3456 7890", "+6281234567890"),
        ("812 3456 7890", "+6281234567890"),
        ("(0812) 3456.789", "+628123456789"),
        ("٠٨١٢٣٤٥٦٧٨٩٠", "+6281234567890"),  # Arabic-Indic digits
        ("+60 12 345 6789", "+60123456789"),
    ],
)
def test_normal_forms(typed: str, expected: str) -> None:
    assert e164(typed) == expected


@pytest.mark.parametrize("typed", ["", "12345", "021 555 1234", "+62 21 555 1234", "0812-34", "+0812345678", "abc"])
def test_not_a_mobile_number(typed: str) -> None:
    with pytest.raises(ValueError, match="mobile number"):
        e164(typed)
