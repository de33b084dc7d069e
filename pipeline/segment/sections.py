"""A document's heading tree: 一、 / (一) / 1. / (1).

    二、重点任务                          level 1  number 二    path 二
    (三)实施场景应用示范引领行动。          level 2  number (三)  path 二/(三)
    7.推进“人工智能+制造”。聚焦...         level 3  number 7     path 二/(三)/7

A heading is a line that starts with one of the four numberings. Its number must carry
on from the last heading of its level (or restart at 1), so numbering that runs on across
parts (1.–15. under (一)–(五)) keeps its printed numbers, while a stray `3.` that does not
fit is text. Table rows (tab-separated cells) are never headings.
"""
from __future__ import annotations

from dataclasses import dataclass

import regex

from pipeline.numerals import numeral_value
from pipeline.records import Section

from .lines import lines_of

# (level, pattern); the number is written back as printed, with ASCII brackets.
_NUMBERINGS = (
    (1, regex.compile(r"^(?P<num>[一二三四五六七八九十百]{1,4})[、.．]"), "{}"),
    (2, regex.compile(r"^[(（](?P<num>[一二三四五六七八九十百]{1,4})[)）]"), "({})"),
    (3, regex.compile(r"^(?P<num>[0-9]{1,3})[.．、](?![0-9])"), "{}"),
    (4, regex.compile(r"^[(（](?P<num>[0-9]{1,3})[)）]"), "({})"),
)
MAX_SKIP = 2  # a heading may follow the last of its level by at most this much (a misprint)
# The characters a numbering can open with: most lines are passed over on this alone.
_NUMBERING_OPENS = frozenset("一二三四五六七八九十百(（0123456789")


@dataclass(frozen=True, slots=True)
class _Heading:
    level: int
    number: str  # as the path writes it: 二, (三), 7, (1)
    value: int
    heading: str
    start: int


def _heading_text(rest: str) -> str:
    """The heading of a heading line: its text up to the first 。 (`加大项目招引`), without
    a clause mark it may end in (`...实施改造提升；`)."""
    return rest.split("。", 1)[0].strip().rstrip("；;，,：:、").strip()


def find_headings(text: str) -> list[_Heading]:
    headings: list[_Heading] = []
    last_value: dict[int, int] = {}
    for line in lines_of(text):
        stripped = line.text.strip()
        if not stripped or stripped[0] not in _NUMBERING_OPENS or "\t" in stripped:
            continue
        for level, pattern, shape in _NUMBERINGS:
            match = pattern.match(stripped)
            if not match:
                continue
            value = numeral_value(match.group("num"))
            previous = last_value.get(level)
            if value != 1 and (previous is None or not 0 < value - previous <= MAX_SKIP):
                break  # a number that does not carry on any list: text, not a heading
            last_value[level] = value
            offset = line.start + (len(line.text) - len(line.text.lstrip()))
            headings.append(_Heading(level, shape.format(match.group("num")), value,
                                     _heading_text(stripped[match.end():]), offset))
            break
    return headings


def find_sections(text: str, doc_id: str) -> tuple[Section, ...]:
    """The heading tree of a document's text, as Section records (spans into `text`)."""
    headings = find_headings(text)
    sections: list[Section] = []
    stack: list[tuple[_Heading, Section]] = []
    for i, heading in enumerate(headings):
        while stack and stack[-1][0].level >= heading.level:
            stack.pop()
        parent = stack[-1][1] if stack else None
        end = next((h.start for h in headings[i + 1:] if h.level <= heading.level), len(text))
        end = _trim_end(text, heading.start, end)
        section = Section(
            section_id=f"{doc_id}-s{i + 1:03d}",
            parent_id=parent.section_id if parent else None,
            level=heading.level,
            number=heading.number,
            heading=heading.heading,
            path=f"{parent.path}/{heading.number}" if parent else heading.number,
            char_start=heading.start,
            char_end=end,
        )
        sections.append(section)
        stack.append((heading, section))
    return tuple(sections)


def _trim_end(text: str, start: int, end: int) -> int:
    while end > start and text[end - 1] in "\n ":
        end -= 1
    return end
