"""The 目录 of a gazette issue: its category headings and its entries.

    目录
    【市政府文件】
    嘉兴市人民政府关于公布2023年度嘉兴市市长质量奖获奖单位的通知
    (嘉政发[2024]19号) .............................................. (2)
    【市政府人事任免】(2024年10月份) .................................. (9)
    政策解读目录 ...................................................... (9)

An entry is one or more lines ending in a page reference (dot leaders and a page
number, or just `(9)`); its title may wrap over lines and carry its 文号 in brackets.
A `【heading】` line opens a category. The 目录 ends where lines stop reaching a page
reference.
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import regex

from pipeline.docnumber import DocNumber, find_doc_numbers, parse_doc_number

from . import doctype
from .lines import TextLine

MAX_ENTRY_LINES = 4  # an entry's title wraps over at most this many lines before its page
MAX_HEAD_SHARE = 0.5  # the 目录 is in the first half of the issue

_TOC_TITLE = regex.compile(r"^(?:本期)?目\s*录$")
# `...... (2)`, `…… 12`, ` (9)`, `(9)` at the end of a line: the page an entry starts on.
_PAGE_REF = regex.compile(r"(?:[.．·…]{2,}|\s)\s*[(（]?\s*(?P<page>[0-9]{1,4})\s*[)）]?\s*$"
                          r"|[(（]\s*(?P<page2>[0-9]{1,4})\s*[)）]\s*$")
_LEADER = regex.compile(r"[.．·…]{2,}")
_CATEGORY = regex.compile(r"^【(?P<name>[^】]{2,20})】(?P<rest>.*)$")
_BRACKETED_NUMBER = regex.compile(r"[(（](?P<number>[^()（）]*?号)[)）]")
# A category heading printed bare: short, and named by what it groups.
_BARE_CATEGORY = regex.compile(r"^\p{Han}{0,10}(?:文件|政策解读|人事任免|政府令|批复|规章|规范性文件|其他)$")
_PERIOD_ONLY = regex.compile(r"^[(（][^()（）]+[)）]$")
# `1. 嘉兴市人民政府关于…`, `(2)…`: a 目录 saved as a numbered list; the number is the list's.
_LIST_NUMBER = regex.compile(r"^(?:[0-9]{1,3}[.．、)）](?![0-9])|[(（][0-9]{1,3}[)）])\s*")


@dataclass(frozen=True, slots=True)
class TocEntry:
    """One item of the 目录."""

    title: str  # wrap joined; 文号, leaders, page and heading brackets removed
    doc_number: DocNumber | None
    page: int | None
    category: str | None  # the 【heading】 it is listed under
    is_document: bool  # a 公文, 政策解读 or 人事任免; False for listings (发文目录 ...)
    start: int  # offsets of the entry's lines in the issue text
    end: int


@dataclass(frozen=True, slots=True)
class Toc:
    entries: tuple[TocEntry, ...]
    start: int  # the 目录 line
    end: int  # after the last entry: the body begins here

    @property
    def documents(self) -> tuple[TocEntry, ...]:
        return tuple(entry for entry in self.entries if entry.is_document)


def parse_toc(lines: list[TextLine]) -> Toc | None:
    """The 目录 among `lines` (an issue's lines), or None when it has none."""
    if not lines:
        return None
    limit = lines[-1].end * MAX_HEAD_SHARE
    heading = next((line for line in lines if line.start <= limit and _TOC_TITLE.match(line.text.strip())), None)
    if heading is None:
        return None
    entries: list[TocEntry] = []
    pending: list[TextLine] = []
    category: str | None = None
    end = heading.end
    for line in lines[heading.index + 1:]:
        text = line.text.strip()
        if not text:
            continue
        match = _CATEGORY.match(text)
        if not pending and match and not match.group("rest").strip():
            category = match.group("name").strip()
            end = line.end
            continue
        under_entry = parse_doc_number(text) if not pending else None
        if under_entry and _takes_number(entries):
            # `title ...... 2` then `(嘉政发[2024]19号)`: the 文号 printed under its entry
            entries[-1] = dataclasses.replace(entries[-1], doc_number=under_entry,
                                              is_document=True, end=line.end)
            end = line.end
            continue
        if not pending and _BARE_CATEGORY.match(text) and _page_of(text) is None:
            category = text  # `市政府文件` printed without 【】
            end = line.end
            continue
        pending.append(line)
        page = _page_of(text)
        if page is not None:
            entry, heading_opens = _entry(pending, page, category)
            entries.append(entry)
            if heading_opens is not None:  # a heading printed on the entry's own line
                category = heading_opens or None
            pending = []
            end = line.end
        elif len(pending) > MAX_ENTRY_LINES:
            break
    if not entries:
        return None
    return Toc(tuple(entries), heading.start, end)


def _takes_number(entries: list[TocEntry]) -> bool:
    """Can the last entry take a 文号 printed on the next line? Not when it has one, nor
    when it is of a kind printed without one (a 政策解读, a 人事任免, a list): then the
    文号 opens the next entry."""
    if not entries or entries[-1].doc_number is not None:
        return False
    title = entries[-1].title
    return not (doctype.is_interpretation(title) or doctype.is_appointments(title) or doctype.is_listing(title))


def _page_of(text: str) -> int | None:
    match = _PAGE_REF.search(text)
    if not match:
        return None
    return int(match.group("page") or match.group("page2"))


def _take_doc_number(text: str) -> tuple[DocNumber | None, str]:
    """The entry's 文号 and the text without it: in brackets anywhere
    (`...的通知(嘉政发[2024]19号)`), or bare at either end (`嘉政发〔2024〕19号 ...的通知`)."""
    for found in _BRACKETED_NUMBER.finditer(text):
        number = parse_doc_number(found.group("number"))
        if number:
            return number, (text[:found.start()] + text[found.end():]).strip()
    cited = list(find_doc_numbers(text))
    for match in (cited[:1] + cited[-1:]) if cited else ():
        if not text[:match.start].strip() or not text[match.end:].strip():
            return match.number, (text[:match.start] + text[match.end:]).strip()
    return None, text


def _entry(lines: list[TextLine], page: int, category: str | None) -> tuple[TocEntry, str | None]:
    """The entry these lines print, and what a heading on its own line does to the
    category of the entries after it: None (no such heading), the category it opens, or
    "" (it names this entry only, and the entries after it are under no heading)."""
    text = _LIST_NUMBER.sub("", "".join(line.text.strip() for line in lines))
    text = _PAGE_REF.sub("", text)
    text = _LEADER.sub("", text).strip()
    number, text = _take_doc_number(text)
    opened = None
    heading = _CATEGORY.match(text)
    if heading:
        # `【市政府人事任免】(2024年10月份)`: a heading that is itself the entry. Followed
        # by a title it opens a category; followed by a period only, it names one item.
        name, rest = heading.group("name").strip(), heading.group("rest").strip()
        category = name
        names_itself = not rest or bool(_PERIOD_ONLY.match(rest))
        opened = "" if names_itself else name
        text = name + rest if names_itself else rest
    title = text.strip()
    return TocEntry(
        title=title,
        doc_number=number,
        page=page,
        category=category,
        is_document=number is not None or doctype.is_document_title(title),
        start=lines[0].start,
        end=lines[-1].end,
    ), opened
