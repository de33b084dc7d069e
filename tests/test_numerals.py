"""Chinese numerals as gazettes write them in dates, issue numbers, headings and periods."""
from __future__ import annotations

import cn2an
import pytest
from hypothesis import given
from hypothesis import strategies as st

from pipeline.numerals import numeral_value


@pytest.mark.parametrize(("token", "value"), [
    ("11", 11), ("05", 5), ("十", 10), ("十一", 11), ("三十一", 31), ("二〇二四", 2024), ("二○二四", 2024),
    ("两", 2), ("一百二十", 120),
])
def test_numerals(token, value):
    assert numeral_value(token) == value


@given(st.integers(1, 9999))
def test_every_number_written_in_chinese_reads_back(n):
    assert numeral_value(cn2an.an2cn(n)) == n


def _outcome(read, token: str):
    """What `read(token)` gives: its value, or the type of error it raises."""
    try:
        return read(token)
    except Exception as error:  # the type of error is the outcome compared
        return type(error)


def test_every_short_numeral_reads_as_cn2an_reads_it():
    """The numerals read without cn2an (digit by digit, tens, units alone) give cn2an's own
    value, over every string of one to four numeral characters; where cn2an finds no number
    (a ValueError, or for some a KeyError), ValueError."""
    alphabet = "〇零一二三四五六七八九十百千万亿两○"
    tokens = [""]
    for _ in range(4):
        tokens = [token + ch for token in tokens for ch in alphabet]
        for token in tokens:
            reference = _outcome(lambda t: int(cn2an.cn2an(t.replace("○", "〇").replace("两", "二"), "smart")), token)
            if isinstance(reference, type):
                reference = ValueError
            assert _outcome(numeral_value.__wrapped__, token) == reference, token


@given(st.text(alphabet="〇零一二三四五六七八九", min_size=5, max_size=12))
def test_long_numerals_digit_by_digit_read_as_cn2an_reads_them(token):
    assert numeral_value(token) == int(cn2an.cn2an(token, "smart"))


def test_units_alone_are_no_number():
    with pytest.raises(ValueError):
        numeral_value("百")
