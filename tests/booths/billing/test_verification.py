"""Verification tokens: a genuine one reads back; any change to it, or another key, does not."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from booths.billing.verification import Claim, derive_key, read, sign, verify_url

KEY = derive_key("the site's secret")
CLAIM = Claim(kind="receipt", expo_id=7, number="KW/EXPO26/0007", amount=1_500_000)


def test_a_genuine_token_reads_back() -> None:
    assert read(KEY, sign(KEY, CLAIM)) == CLAIM
    url = verify_url("https://expo.example.id/", KEY, CLAIM)
    assert url.startswith("https://expo.example.id/verify/")
    assert read(KEY, url.rsplit("/", 1)[1]) == CLAIM


def test_the_key_is_derived_for_this_purpose() -> None:
    assert derive_key("the site's secret") == KEY
    assert derive_key("another secret") != KEY
    assert KEY != b"the site's secret"
    assert read(derive_key("another secret"), sign(KEY, CLAIM)) is None


@pytest.mark.parametrize(
    "changed",
    [
        Claim(kind="receipt", expo_id=7, number="KW/EXPO26/0007", amount=15_000_000),
        Claim(kind="receipt", expo_id=8, number="KW/EXPO26/0007", amount=1_500_000),
        Claim(kind="receipt", expo_id=7, number="KW/EXPO26/0008", amount=1_500_000),
        Claim(kind="invoice", expo_id=7, number="KW/EXPO26/0007", amount=1_500_000),
    ],
)
def test_a_changed_figure_under_the_old_tag_is_refused(changed: Claim) -> None:
    forged = sign(KEY, changed).split(".")[0] + "." + sign(KEY, CLAIM).split(".")[1]
    assert read(KEY, forged) is None


@pytest.mark.parametrize("junk", ["", ".", "abc", "a.b.c", "!!!.###", "x" * 500, "YQ.YQ"])
def test_malformed_tokens_are_refused(junk: str) -> None:
    assert read(KEY, junk) is None


@given(st.integers(min_value=0, max_value=len(sign(KEY, CLAIM)) - 1), st.characters(codec="ascii"))
def test_any_single_character_changed_is_refused(position: int, char: str) -> None:
    token = sign(KEY, CLAIM)
    altered = token[:position] + char + token[position + 1 :]
    result = read(KEY, altered)
    # base64's unused trailing bits may change without changing the bytes; then nothing is forged
    assert result is None or result == CLAIM
