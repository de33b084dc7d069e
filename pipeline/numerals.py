"""Chinese numerals as numbers, read by cn2an (a maintained library) rather than a hand table.

    >>> numeral_value("十一"), numeral_value("二〇二四"), numeral_value("两"), numeral_value("05")
    (11, 2024, 2, 5)

The numerals gazettes write most (day and month numbers, years digit by digit, 第一 to 第九十九)
are read here without cn2an: cn2an compiles its patterns when it is imported, 0.3 s, a fifth
of a nightly run that reads one changed file. cn2an is imported for the first numeral of any
other shape (一百二十, 三千万). tests/test_numerals.py holds both ways to the same values, and
the same ValueError, over every string of up to four numeral characters.
"""
from __future__ import annotations

import re
from functools import lru_cache

# Spellings cn2an does not take, folded to the ones it does: ○ (a circle) for 〇, and
# 两 ("two" of a counted thing: 两年, 两个).
_FOLD = str.maketrans({"○": "〇", "两": "二"})

_DIGIT = {ch: value for value, ch in enumerate("〇一二三四五六七八九")} | {"零": 0}
_AS_ASCII = str.maketrans("〇零一二三四五六七八九", "00123456789")
# digit by digit (二〇二四, 〇五), and tens (十, 十一, 二十, 三十一): cn2an's "smart" values
_DIGITS = re.compile("[〇零一二三四五六七八九]+")
_TENS = re.compile("([一二三四五六七八九]?)十([一二三四五六七八九]?)")
# only units of a hundred and above, no digit: no number (cn2an raises ValueError)
_UNITS_ONLY = re.compile("[百千万亿]+")


# A text repeats few numerals (一 二 十一, 2024) and cn2an takes ~10 µs to read one.
@lru_cache(maxsize=1024)
def numeral_value(token: str) -> int:
    """The whole number written by `token`: ASCII digits, or Chinese numerals
    (`十一`, `三十一`, digit by digit `二〇二四`). ValueError, and no other error, if it is
    no number (十十, 百, 二十〇: a typo or an OCR slip), which each caller reads as "not this form"."""
    if token.isdigit():
        return int(token)
    folded = token.translate(_FOLD)
    if _DIGITS.fullmatch(folded):
        return int(folded.translate(_AS_ASCII))
    tens = _TENS.fullmatch(folded)
    if tens:
        return 10 * (_DIGIT[tens[1]] if tens[1] else 1) + (_DIGIT[tens[2]] if tens[2] else 0)
    if _UNITS_ONLY.fullmatch(folded):
        raise ValueError(f"no number: {token!r}")
    import cn2an  # here, for the rare shapes only: see the docstring

    try:
        return int(cn2an.cn2an(folded, "smart"))
    except Exception as error:  # cn2an raises KeyError for some (〇十〇, 二十〇), ValueError for most
        raise ValueError(f"no number: {token!r}") from error


def numeral_or_none(token: str) -> int | None:
    """numeral_value, or None where `token` is no number (十十, 第十〇条: a typo or an OCR
    slip): for a form that is then not read (a heading, a period), while the text is."""
    try:
        return numeral_value(token)
    except ValueError:
        return None
