"""Amounts in Indonesian words: the issue's edge cases, and every amount read back to its number."""

import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st

from expo.terbilang import LIMIT, rupiah_words, terbilang

_UNIT = {"satu": 1, "dua": 2, "tiga": 3, "empat": 4, "lima": 5, "enam": 6, "tujuh": 7, "delapan": 8, "sembilan": 9}
_WHOLE = {"sepuluh": 10, "sebelas": 11, "seratus": 100}
_NINES = "sembilan ratus sembilan puluh sembilan"
_SCALE = {"ribu": 10**3, "juta": 10**6, "miliar": 10**9, "triliun": 10**12}


def read_back(words: str) -> int:
    """A reader of Indonesian number words, independent of how ``terbilang`` builds them: fails on any
    word out of place (a scale after a smaller one, "puluh" without a digit, ...)."""
    tokens = words.split()
    if tokens == ["nol"]:
        return 0
    sign = 1
    if tokens and tokens[0] == "minus":
        sign, tokens = -1, tokens[1:]
    total, group, digit, last_scale = 0, 0, None, LIMIT
    for token in tokens:
        if token in _UNIT:
            assert digit is None, words
            digit = _UNIT[token]
        elif token in _WHOLE:
            assert digit is None, words
            group += _WHOLE[token]
        elif token in {"puluh", "ratus", "belas"}:
            assert digit is not None, words
            group += {"puluh": digit * 10, "ratus": digit * 100, "belas": digit + 10}[token]
            digit = None
        elif token == "seribu":
            assert group == 0, words
            assert digit is None, words
            assert last_scale > 1000, words
            total, last_scale = total + 1000, 1000
        else:
            scale = _SCALE[token]
            value = group + (digit or 0)
            assert 0 < value < 1000, words
            assert scale < last_scale, words
            total, group, digit, last_scale = total + value * scale, 0, None, scale
    return sign * (total + group + (digit or 0))


@pytest.mark.parametrize(
    ("amount", "words"),
    [
        (0, "nol"),
        (1, "satu"),
        (10, "sepuluh"),
        (11, "sebelas"),
        (12, "dua belas"),
        (19, "sembilan belas"),
        (20, "dua puluh"),
        (21, "dua puluh satu"),
        (100, "seratus"),
        (111, "seratus sebelas"),
        (1_000, "seribu"),
        (1_001, "seribu satu"),
        (1_100, "seribu seratus"),
        (10_000, "sepuluh ribu"),
        (101_000, "seratus satu ribu"),
        (1_000_000, "satu juta"),
        (1_001_000, "satu juta seribu"),
        (1_500_000, "satu juta lima ratus ribu"),
        (2_500_000_000, "dua miliar lima ratus juta"),
        (1_000_000_000_000, "satu triliun"),
        (7_001_001_001_001, "tujuh triliun satu miliar satu juta seribu satu"),
        (999_999_999_999_999, f"{_NINES} triliun {_NINES} miliar {_NINES} juta {_NINES} ribu {_NINES}"),
    ],
)
def test_the_issues_edge_cases(amount: int, words: str) -> None:
    assert terbilang(amount) == words


def test_rupiah_words_is_capitalised_with_the_currency() -> None:
    assert rupiah_words(1_500_000) == "Satu juta lima ratus ribu rupiah"
    assert rupiah_words(0) == "Nol rupiah"


def test_negative_amounts_say_minus() -> None:
    assert terbilang(-1_000) == "minus seribu"


@pytest.mark.parametrize("bad", [LIMIT, -LIMIT, 10**18])
def test_amounts_beyond_the_trillions_are_refused(bad: int) -> None:
    with pytest.raises(ValueError, match="not spelt out"):
        terbilang(bad)


def test_only_whole_rupiah() -> None:
    with pytest.raises(TypeError):
        terbilang(1.5)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        terbilang(True)


amounts = st.one_of(
    st.integers(min_value=0, max_value=LIMIT - 1),
    # amounts made of round groups, where "satu"/"se-" and empty groups matter most
    st.lists(st.sampled_from([0, 1, 10, 11, 100, 101, 110, 999]), min_size=5, max_size=5).map(
        lambda groups: sum(g * 1000**i for i, g in enumerate(groups))
    ),
)


@given(amounts)
def test_every_amount_reads_back_to_its_number(amount: int) -> None:
    words = terbilang(amount)
    assert read_back(words) == amount
    tokens = words.split()
    for before, word in itertools.pairwise(tokens):
        # the se- forms: never "satu ratus/puluh/belas"; "satu ribu" only ending a group ("seratus satu ribu")
        assert before != "satu" or word not in {"ratus", "puluh", "belas"}, words
    for i, token in enumerate(tokens[:-1]):
        if token == "satu" and tokens[i + 1] == "ribu":
            assert i > 0, words
            assert tokens[i - 1] not in _SCALE, words
    assert "  " not in words


@given(st.integers(min_value=1, max_value=LIMIT - 1))
def test_negative_amounts_read_back(amount: int) -> None:
    assert read_back(terbilang(-amount)) == -amount
