"""Amounts in Indonesian words (*terbilang*), as a kwitansi states them: 1.500.000 -> "satu juta lima ratus ribu".

Written here rather than taken from ``num2words(lang="id")``: that library says "satu juta satu ribu"
for 1.001.000, where Indonesian says "satu juta seribu" (the prefix *se-* replaces "satu" before
"ribu" whenever the thousands group is exactly one, not only at the front of the number). A receipt's
amount in words is a legal statement of the amount, so it must read as a treasurer would write it.

Rules: 10 "sepuluh", 11 "sebelas", 12-19 "... belas", 100 "seratus", 1.000 "seribu"; "juta",
"miliar" and "triliun" always take a number word ("satu juta", never "sejuta", which is colloquial).
"""

_UNITS = ("nol", "satu", "dua", "tiga", "empat", "lima", "enam", "tujuh", "delapan", "sembilan")
# Short scale as Indonesian uses it: 10^3 ribu, 10^6 juta, 10^9 miliar, 10^12 triliun.
_SCALES = ((10**12, "triliun"), (10**9, "miliar"), (10**6, "juta"), (10**3, "ribu"))
LIMIT = 10**15  # up to 999 triliun: far beyond any expo's money, and the words stay unambiguous


def _below_thousand(n: int) -> list[str]:
    """Words of 1..999 (nothing for 0)."""
    words: list[str] = []
    hundreds, rest = divmod(n, 100)
    if hundreds == 1:
        words.append("seratus")
    elif hundreds:
        words += [_UNITS[hundreds], "ratus"]
    if rest == 10:
        words.append("sepuluh")
    elif rest == 11:
        words.append("sebelas")
    elif 12 <= rest <= 19:
        words += [_UNITS[rest - 10], "belas"]
    elif rest >= 20:
        tens, unit = divmod(rest, 10)
        words += [_UNITS[tens], "puluh"]
        if unit:
            words.append(_UNITS[unit])
    elif rest:
        words.append(_UNITS[rest])
    return words


def terbilang(amount: int) -> str:
    """``amount`` in lower-case Indonesian words; a negative amount starts with "minus"."""
    if not isinstance(amount, int) or isinstance(amount, bool):
        raise TypeError("terbilang takes a whole number of rupiah")
    if abs(amount) >= LIMIT:
        raise ValueError(f"amounts from {LIMIT} on are not spelt out")
    if amount == 0:
        return "nol"
    if amount < 0:
        return f"minus {terbilang(-amount)}"
    words: list[str] = []
    rest = amount
    for scale, name in _SCALES:
        group, rest = divmod(rest, scale)
        if group == 1 and name == "ribu":
            words.append("seribu")
        elif group:
            words += [*_below_thousand(group), name]
    words += _below_thousand(rest)
    return " ".join(words)


def rupiah_words(amount: int) -> str:
    """``amount`` in words with the currency, capitalised as a kwitansi writes it:
    1500000 -> "Satu juta lima ratus ribu rupiah"."""
    text = f"{terbilang(amount)} rupiah"
    return text[0].upper() + text[1:]
