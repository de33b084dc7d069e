"""The issue's own metadata, read off its cover and its colophon.

A gazette prints its name (`嘉兴市人民政府公报`), year and number (`2024`, `第11期(总第257期)`,
a combined `第07、08期(总第241、242期)`, or the State Council's `第5号(总号:1829)`) on the cover, and
repeats them with the 出版 date in the colophon on the last page:

    嘉兴市人民政府公报
    2024年第11期(总第257期)
    2024年11月25日出版

A text without a gazette name on top (a web page, a standalone document) has no issue
metadata; everything here is then None.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import regex

from pipeline.dates import find_dates
from pipeline.numerals import numeral_or_none

from .lines import TextLine, lines_of

HEAD_LINES = 12   # a gazette's name is among the first lines of its cover
TAIL_LINES = 25   # the colophon is among the last lines of the issue

_GAZETTE_NAME = regex.compile(r"^\p{Han}{2,30}(?:公报|政报)$")
_NUMBERS = r"[0-9]{1,4}(?:\s*[、,，\-—－~]\s*[0-9]{1,4})*"
_CN_NUMBER = r"[一二三四五六七八九十百〇零]{1,5}"
_ISSUE = regex.compile(rf"(?<!总\s*)第\s*(?P<n>{_NUMBERS}|{_CN_NUMBER})\s*[期号]")
_TOTAL = regex.compile(rf"总\s*(?:第|号\s*[:：]|期\s*[:：])?\s*(?P<n>{_NUMBERS})\s*[期号]?")
_YEAR_LINE = regex.compile(r"^(?P<year>(?:19|20)[0-9]{2})\s*年?$")
_YEAR_BEFORE_ISSUE = regex.compile(r"(?P<year>(?:19|20)[0-9]{2})\s*年\s*第")
_PUBLISHED = regex.compile(r"出版(?:日期)?\s*[:：]?|发行")
_GAZETTE_WORD = regex.compile(r"(?:公报|政报)$")
_SPACES = regex.compile(r"\s+")
_CN_NUMBER_ONLY = regex.compile(_CN_NUMBER)
_DIGITS = regex.compile(r"[0-9]+")


@dataclass(frozen=True, slots=True)
class IssueMeta:
    gazette_title: str | None = None
    gazette_year: int | None = None
    gazette_issue: str | None = None  # `11`, a combined issue `07、08`
    gazette_issue_total: str | None = None  # `257`, `241、242`
    published_date: dt.date | None = None
    colophon_start: int | None = None  # where the colophon begins: the body ends there
    cover_end: int | None = None  # after the last cover line that gave a field

    @property
    def government(self) -> str | None:
        """The government that issues the gazette: `嘉兴市人民政府公报` -> `嘉兴市人民政府`."""
        if not self.gazette_title:
            return None
        name = _GAZETTE_WORD.sub("", self.gazette_title)
        return name if name.endswith(("政府", "政府办公厅", "国务院")) else None


def read_cover(text: str) -> IssueMeta:
    """The issue metadata of a gazette issue's text (all None when it is not one)."""
    lines = [line for line in lines_of(text) if line.text.strip()]
    head = lines[:HEAD_LINES]
    title_line = next((line for line in head if _GAZETTE_NAME.match(_squeeze(line.text))), None)
    if title_line is None:
        return IssueMeta()
    title = _squeeze(title_line.text)
    colophon = _colophon(lines, title, after=title_line.end)
    places = [head, colophon or []]
    issue = _first(places, _ISSUE)
    total = _first(places, _TOTAL)
    published = _published(colophon or []) or _published(head)
    year = _year(head) or _year(colophon or []) or (published.year if published else None)
    cover_lines = [line for line in head
                   if line is title_line or _ISSUE.search(line.text) or _YEAR_LINE.match(line.text.strip())]
    return IssueMeta(
        cover_end=max(line.end for line in cover_lines),
        gazette_title=title,
        gazette_year=year,
        gazette_issue=_numbers(issue) if issue else None,
        gazette_issue_total=_numbers(total) if total else None,
        published_date=published,
        colophon_start=colophon[0].start if colophon else None,
    )


def _squeeze(text: str) -> str:
    return _SPACES.sub("", text)


def _colophon(lines: list[TextLine], title: str, after: int) -> list[TextLine] | None:
    """The colophon: the last repeat of the gazette's name near the end, and what follows."""
    tail = [line for line in lines[-TAIL_LINES:] if line.start > after]
    for i in range(len(tail) - 1, -1, -1):
        if _squeeze(tail[i].text) == title:
            return tail[i:]
    return None


def _first(places: list[list[TextLine]], pattern: regex.Pattern) -> str | None:
    for lines in places:
        for line in lines:
            match = pattern.search(line.text)
            if match:
                return match.group("n")
    return None


def _numbers(found: str) -> str | None:
    """`11` -> `11`; `07、08` and `07-08` -> `07、08`; `十一` -> `11`; numerals that are no
    number (`十十`: an OCR slip) -> None, unknown."""
    if _CN_NUMBER_ONLY.fullmatch(found):
        number = numeral_or_none(found)
        return None if number is None else str(number)
    return "、".join(_DIGITS.findall(found))


def _year(lines: list[TextLine]) -> int | None:
    for line in lines:
        match = _YEAR_LINE.match(line.text.strip()) or _YEAR_BEFORE_ISSUE.search(line.text)
        if match:
            return int(match.group("year"))
    return None


def _published(lines: list[TextLine]) -> dt.date | None:
    """The date on the line that says 出版 (`2024年11月25日出版`, `出版日期:2024年11月25日`)."""
    for line in lines:
        if _PUBLISHED.search(line.text):
            days = [m.date for m in find_dates(line.text) if m.precision == "day"]
            if days:
                return days[0]
    return None
