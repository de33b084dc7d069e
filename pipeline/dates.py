"""Dates as gazettes write them: `2024年10月10日`, `二〇二四年十月十日`, `2025-05-15`,
`2024年10月` (month precision), `2027年` (year precision), `7月1日` (a partial date
resolved against the document's year).

Chinese numerals are read by pipeline.numerals (cn2an).

    >>> parse_date("二〇二四年十月十日")
    datetime.date(2024, 10, 10)
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass

import regex

from pipeline.numerals import numeral_value

_CN_DIGIT = "〇○零一二三四五六七八九"

_YEAR = r"(?P<year>(?:19|20)[0-9]{2}|[" + _CN_DIGIT + r"]{4})\s*年"
_MONTH = r"(?P<month>1[0-2]|0?[1-9]|十[一二]?|[一二三四五六七八九])\s*月"
_DAY = r"(?P<day>3[01]|[12][0-9]|0?[1-9]|[二三]?十[一二三四五六七八九]?|[一二三四五六七八九])\s*[日号]"
_ISO = r"(?P<iso>(?:19|20)[0-9]{2})\s*[-/.]\s*(?P<iso_m>1[0-2]|0?[1-9])\s*[-/.]\s*(?P<iso_d>3[01]|[12][0-9]|0?[1-9])(?![0-9])"

# Longest forms first so `2024年10月10日` is one date, not a year and a partial date.
_FULL_RE = regex.compile(rf"{_YEAR}\s*{_MONTH}\s*{_DAY}|{_ISO}")
_MONTH_RE = regex.compile(rf"{_YEAR}\s*{_MONTH}(?!\s*[0-9一二三四五六七八九十]+\s*[日号])")
_PARTIAL_RE = regex.compile(rf"(?<![0-9年])\s*{_MONTH}\s*{_DAY}")
_YEAR_RE = regex.compile(r"(?<![0-9])(?P<year>(?:19|20)[0-9]{2})\s*年(?!\s*(?:[0-9]|[一二三四五六七八九十]+\s*月))")
# Every date form above holds 年 or 月, or a year and a separator (2025-05-15): a text
# without any has no date. (Not just the separator: a third of the sentences that hold
# one hold it as `1.` or `3.5`, and the date patterns would be run on them for nothing.)
DATE_MARK = regex.compile(r"[年月]|(?:19|20)[0-9]{2}\s*[-/.]")
_TIME_OF_DAY = regex.compile(r"[0-9]{1,2}\s*[:：]\s*[0-9]{2}(\s*[:：]\s*[0-9]{2})?")


@dataclass(frozen=True, slots=True)
class DateMention:
    """A date in a text: its value, how precise it is, and where it is."""

    date: dt.date
    precision: str  # day / month / year
    start: int
    end: int
    raw: str


def make_date(year: int, month: int = 1, day: int = 1) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:  # 2月30日 and the like: not a date
        return None


def _full_date(match: regex.Match) -> dt.date | None:
    if match.group("iso"):
        return make_date(int(match.group("iso")), int(match.group("iso_m")), int(match.group("iso_d")))
    return make_date(numeral_value(match.group("year")), numeral_value(match.group("month")),
                 numeral_value(match.group("day")))


def parse_date(text: str) -> dt.date | None:
    """The day that `text` is (`2024年10月10日`, `二〇二四年十月十日`, `2025-05-15 09:57`), else None."""
    match = _FULL_RE.match(text.strip()) if text else None
    if not match:
        return None
    rest = text.strip()[match.end():].strip()
    if rest and not _TIME_OF_DAY.fullmatch(rest):
        return None
    return _full_date(match)


def find_dates(text: str, *, default_year: int | None = None) -> Iterator[DateMention]:
    """Every date mentioned in `text`, in order: full dates, months (`2024年10月`), years
    (`2027年`), and partial dates (`7月1日`) when `default_year` is given."""
    if not DATE_MARK.search(text):
        return
    taken: list[tuple[int, int]] = []
    found: list[DateMention] = []

    def free(start: int, end: int) -> bool:
        return all(end <= a or start >= b for a, b in taken)

    def add(date: dt.date | None, precision: str, match: regex.Match):
        start, end = match.span()
        raw = match.group(0)
        stripped = raw.lstrip()
        start += len(raw) - len(stripped)
        if date is not None and free(start, end):
            taken.append((start, end))
            found.append(DateMention(date, precision, start, end, text[start:end]))

    for match in _FULL_RE.finditer(text):
        add(_full_date(match), "day", match)
    if "月" in text:  # the patterns that cannot match are not run
        for match in _MONTH_RE.finditer(text):
            add(make_date(numeral_value(match.group("year")), numeral_value(match.group("month"))), "month", match)
        if default_year is not None:
            for match in _PARTIAL_RE.finditer(text):
                add(make_date(default_year, numeral_value(match.group("month")), numeral_value(match.group("day"))),
                    "day", match)
    if "年" in text:
        for match in _YEAR_RE.finditer(text):
            add(make_date(int(match.group("year"))), "year", match)
    yield from sorted(found, key=lambda m: m.start)


def add_years(date: dt.date, years: int) -> dt.date:
    """`date` moved by whole years; 29 February becomes 28 February in a common year."""
    try:
        return date.replace(year=date.year + years)
    except ValueError:
        return date.replace(year=date.year + years, day=28)


def add_months(date: dt.date, months: int) -> dt.date:
    month0 = date.month - 1 + months
    year, month = date.year + month0 // 12, month0 % 12 + 1
    for day in (date.day, 30, 29, 28):
        made = make_date(year, month, day)
        if made:
            return made
    raise AssertionError("unreachable")
