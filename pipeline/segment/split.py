"""Where each document of an issue starts and ends in its text.

With a 目录 every entry is looked for in the body, in 目录 order: first by its title
at the start of a line (however the body wraps it), then by its 文号 printed on a line of
its own, then by the first words of its title. A title or 文号 inside a sentence, a
table row or the closing 发文目录 is not at a line start, or not alone on its line, so a
citation never starts a document.

Without a 目录 (a loose document, or an issue whose 目录 did not survive), documents start
at the title block above each 文号 printed on a line of its own.

A document ends where the next one starts; the last one ends at the colophon.
"""
from __future__ import annotations

from dataclasses import dataclass

import regex

from pipeline.dates import parse_date
from pipeline.docnumber import DocNumber, parse_doc_number

from . import doctype
from .lines import Compact, TextLine, compact_key, lines_of
from .toc import Toc, TocEntry

MAX_TITLE_LINES = 4  # a title wraps over at most this many lines
MAX_TITLE_CHARS = 80  # no line of a title is longer
PREFIX_CHARS = 12  # the last resort: a title's first characters at a line start
MAX_NUMBER_LINE_CHARS = 40  # a line that is a document's own 文号 is short

_SENTENCE_MARKS = regex.compile(r"[。;；:：!！?？]")
_CATEGORY_LINE = regex.compile(r"^【[^】]{2,20}】$")
BAND_HEAD = regex.compile(r"^\p{Han}{2,30}文件$")  # 版头: 嘉兴市人民政府文件
# A cover's 第11期(总第257期); `第4626号提案` in a title is the number of what it answers.
_ISSUE_NUMBER_LINE = regex.compile(r"第\s*[0-9、]+\s*[期号](?!\p{Han})")
_ATTACHMENT_MARK = regex.compile(r"^附\s*件\s*[0-9一二三四五六七八九十]*\s*[:：]?$")
DRAFT_MARKS = ("征求意见稿", "草案", "送审稿", "讨论稿")  # a line or title bracket saying: not final
_DRAFT_LINE = regex.compile(r"^[(（]?(?:" + "|".join(DRAFT_MARKS) + r")[)）]?$")
_HAN = regex.compile(r"\p{Han}")
# A regulation's 题注 under its title: `(1991年3月4日中华人民共和国国务院令第76号发布 …修订)`.
HEADNOTE = regex.compile(r"^[(（](?:19|20)[0-9]{2}\s*年[^()（）]*(?:发布|公布|通过|修订|修正|施行)")
# A line that opens with an outline number (`一、财政支持`, `(一)`, `1.`, `第一章`) is a heading
# of the text, never part of a document's title.
_OUTLINE_NUMBER = regex.compile(r"^(?:[一二三四五六七八九十]{1,3}[、.．]|[(（][一二三四五六七八九十0-9]{1,3}[)）]"
                                r"|[0-9]{1,3}[、.．](?![0-9])|第[一二三四五六七八九十百零0-9]{1,5}[章节条])")


@dataclass(frozen=True, slots=True)
class DocumentSpan:
    """Where one document is in the issue text, and the 目录 entry it answers (if any)."""

    start: int
    end: int
    entry: TocEntry | None = None
    title: str | None = None  # the heading that started it, when no 目录 entry names it


def number_line(line: TextLine) -> DocNumber | None:
    """The 文号 a line prints on its own (a document's own number), or None."""
    text = line.text.strip()
    if not text or len(text) > MAX_NUMBER_LINE_CHARS or "\t" in text:
        return None
    return parse_doc_number(text)


def is_title_line(text: str) -> bool:
    """Could this line be (part of) a document title? Short, no sentence marks, not a
    date, a 文号, a draft mark or a category heading."""
    text = text.strip()
    return (bool(_HAN.search(text)) and len(text) <= MAX_TITLE_CHARS and "\t" not in text
            and not _ISSUE_NUMBER_LINE.search(text)
            and not _SENTENCE_MARKS.search(text) and not text.endswith(("，", ",", "、"))
            and parse_date(text) is None and parse_doc_number(text) is None
            and not _DRAFT_LINE.match(text) and not _CATEGORY_LINE.match(text)
            and not _OUTLINE_NUMBER.match(text) and not HEADNOTE.match(text))


def is_draft_line(text: str) -> bool:
    return bool(_DRAFT_LINE.match(text.strip()))


def looks_like_title(title: str) -> bool:
    return "关于" in title or doctype.doc_type(title) is not None


# --- with a 目录 -------------------------------------------------------------------------------


def locate_entries(text: str, toc: Toc, body_start: int, body_end: int) -> list[DocumentSpan]:
    """The start of every 目录 entry found in the body (the end is filled in later)."""
    lines = [line for line in lines_of(text) if body_start <= line.start < body_end]
    compact = Compact(text)
    line_at = {line.start: line for line in lines}
    starts: list[DocumentSpan] = []
    cursor = body_start
    for entry in toc.entries:
        start = (_by_title(entry, compact, line_at, cursor, body_end)
                 or _by_number(entry, lines, cursor)
                 or _by_prefix(entry, compact, line_at, cursor, body_end))
        if start is None:  # out of 目录 order: look again from the top of the body
            start = (_by_title(entry, compact, line_at, body_start, body_end)
                     or _by_number(entry, lines, body_start))
        if start is not None and all(span.start != start for span in starts):
            starts.append(DocumentSpan(start, start, entry))
            cursor = start + 1
    return starts


def _line_start_of(text: str, offset: int, line_at: dict[int, TextLine]) -> int | None:
    """The start of the line holding `offset` if only layout (spaces, 【) precedes it."""
    line_start = text.rfind("\n", 0, offset) + 1
    if line_start in line_at and not compact_key(text[line_start:offset]):
        return line_start
    return None


def _by_title(entry, compact: Compact, line_at, start: int, end: int) -> int | None:
    for found in compact.find_all(entry.title, start):
        if found >= end:
            break
        line_start = _line_start_of(compact.text, found, line_at)
        if line_start is not None:
            return _with_number_above(compact.text, line_start, entry, line_at)
    return None


def _by_prefix(entry, compact: Compact, line_at, start: int, end: int) -> int | None:
    prefix = compact_key(entry.title)[:PREFIX_CHARS]
    if len(prefix) < PREFIX_CHARS:
        return None
    return _by_title(TocEntry(prefix, None, None, None, True, 0, 0), compact, line_at, start, end)


def _by_number(entry: TocEntry, lines: list[TextLine], start: int) -> int | None:
    if entry.doc_number is None:
        return None
    for i, line in enumerate(lines):
        if line.start >= start:
            number = number_line(line)
            if number and number.normalized == entry.doc_number.normalized:
                return title_block_start(lines, i)
    return None


def _with_number_above(text: str, line_start: int, entry: TocEntry, line_at) -> int:
    """A 文号 printed above the title (GB/T 9704's order) belongs to the document too."""
    if line_start == 0 or entry.doc_number is None:
        return line_start
    above_start = text.rfind("\n", 0, line_start - 1) + 1
    above = line_at.get(above_start)
    number = number_line(above) if above else None
    return above_start if number and number.normalized == entry.doc_number.normalized else line_start


def title_block_start(lines: list[TextLine], number_index: int) -> int:
    """The start of the title printed above the 文号 on line `number_index` (or of the
    文号 line itself when the title is printed below it). A title that names its issuer
    (`...关于...`) starts at the line holding 关于."""
    first = number_index
    while first > 0 and number_index - first < MAX_TITLE_LINES and is_title_line(lines[first - 1].text):
        first -= 1
    with_about = [i for i in range(first, number_index) if "关于" in lines[i].text]
    if with_about:
        first = with_about[0]
    if first < number_index and looks_like_title("".join(line.text.strip() for line in lines[first:number_index])):
        return lines[first].start
    return lines[number_index].start


# --- without a 目录 --------------------------------------------------------------------------


def locate_by_numbers(text: str, body_start: int, body_end: int) -> list[DocumentSpan]:
    """Documents that print their own 文号 on a line under (or above) a title."""
    lines = [line for line in lines_of(text) if body_start <= line.start < body_end]
    spans = []
    for i, line in enumerate(lines):
        if number_line(line) is None:
            continue
        start = title_block_start(lines, i)
        if start == line.start and not _title_below(lines, i):
            continue  # a 文号 with no title next to it: a reference, not a document
        spans.append(DocumentSpan(start, start))
    return spans


def locate_by_headings(text: str, body_start: int, body_end: int) -> list[DocumentSpan]:
    """In a gazette without a 目录: the items printed under a heading of their own kind
    instead of a 文号: a 政策解读 (`《...》政策解读`), a 人事任免, a closing 发文目录.
    A heading printed again (a 政策解读目录 lists the 政策解读 by title) counts once."""
    spans, seen = [], set()
    lines = lines_of(text)
    for line, above in zip(lines, [None, *lines], strict=False):
        heading = line.text.strip()
        if not body_start <= line.start < body_end or not is_title_line(heading):
            continue
        if above is not None and _ATTACHMENT_MARK.match(above.text.strip()):
            continue  # an attachment's own heading (附件 / 继续有效的...目录) belongs to its document
        if (doctype.is_interpretation(heading) or doctype.is_listing(heading)
                or (doctype.is_appointments(heading) and len(heading) <= MAX_NUMBER_LINE_CHARS)):
            if compact_key(heading) not in seen:
                seen.add(compact_key(heading))
                spans.append(DocumentSpan(line.start, line.start, title=heading))
    return spans


def _title_below(lines: list[TextLine], number_index: int) -> bool:
    below = []
    for line in lines[number_index + 1: number_index + 1 + MAX_TITLE_LINES]:
        if not is_title_line(line.text):
            break
        below.append(line.text.strip())
    return bool(below) and looks_like_title("".join(below))


# --- both ------------------------------------------------------------------------------------


def close_spans(text: str, starts: list[DocumentSpan], body_end: int) -> list[DocumentSpan]:
    """Each document ends where the next starts (the last at `body_end`), without the
    blank lines and bare 【category】 headings between them."""
    ordered = sorted(starts, key=lambda span: span.start)
    closed = []
    for span, nxt in zip(ordered, [*ordered[1:], None], strict=True):
        end = nxt.start if nxt else body_end
        end = _trim_tail(text, span.start, end)
        closed.append(DocumentSpan(span.start, end, span.entry, span.title))
    return closed


def _trim_tail(text: str, start: int, end: int) -> int:
    while end > start:
        stripped_end = end
        while stripped_end > start and text[stripped_end - 1] in "\n \t":
            stripped_end -= 1
        line_start = text.rfind("\n", start, stripped_end) + 1
        last_line = text[max(line_start, start):stripped_end].strip()
        if last_line and (_CATEGORY_LINE.match(last_line) or BAND_HEAD.match(last_line)) and line_start > start:
            end = line_start
            continue
        return stripped_end
    return end
