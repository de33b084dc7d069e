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
