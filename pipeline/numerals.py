"""Chinese numerals as numbers, read by cn2an (a maintained library) rather than a hand table.

    >>> numeral_value("十一"), numeral_value("二〇二四"), numeral_value("两"), numeral_value("05")
    (11, 2024, 2, 5)
"""
from __future__ import annotations

from functools import lru_cache

import cn2an

# Spellings cn2an does not take, folded to the ones it does: ○ (a circle) for 〇, and
# 两 ("two" of a counted thing: 两年, 两个).
_FOLD = str.maketrans({"○": "〇", "两": "二"})


# A text repeats few numerals (一 二 十一, 2024) and cn2an takes ~10 µs to read one.
@lru_cache(maxsize=1024)
def numeral_value(token: str) -> int:
    """The whole number written by `token`: ASCII digits, or Chinese numerals
    (`十一`, `三十一`, digit by digit `二〇二四`)."""
    if token.isdigit():
        return int(token)
    return int(cn2an.cn2an(token.translate(_FOLD), "smart"))
