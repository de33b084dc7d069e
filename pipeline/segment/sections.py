"""A document's heading tree: 第一章 / 第一节 / 第一条 and 一、 / (一) / 1. / (1).

    二、重点任务                          level 1  number 二        path 二
    (三)实施场景应用示范引领行动。          level 2  number (三)      path 二/(三)
    7.推进“人工智能+制造”。聚焦...         level 3  number 7         path 二/(三)/7

    第五章服务奖补                        level 1  number 第五章    path 第五章
    第三十三条居家社区养老服务组织...       level 2  number 第三十三条  path 第五章/第三十三条
    (一)区级社区养老服务设施...            level 3  number (一)      path 第五章/第三十三条/(一)

A heading is a line that STARTS with one of the seven numberings, outermost first: 第X章,
第X节, 第X条 (Chinese numerals or digits), 一、, (一), 1., (1). A heading is the child of
the nearest heading of an outer numbering above it, so a 条 sits in its 章 (or 节) and the
(一)/1. items of a 条 in the 条. `level` is the depth in that tree (1 = a heading with none
above it; the kind of heading shows in `number`). Paths of ordinary 一、/(一)/1./(1)
documents are unchanged, and so are their levels 1..4 where each numbering nests in the
one before it (a 1. straight under 一、 is level 2).

The heading of a 章/节 is its title (`总则`); of a 条, a title printed in brackets
(`第一条【立法目的】…` -> 立法目的), else, like 一、, its text up to the first 。 without
a closing clause mark. A reference inside a sentence (`依照本条例第十条规定`) is not at
a line start; a line that starts with one (`第十条规定的…`, `第五条所称…`) is text.

A number must carry on from the last heading of its numbering (or restart at 1), so
numbering that runs on across parts (1.–15. under (一)–(五); 第三十三条 in 第五章) keeps its
printed numbers, while a stray `3.` that does not fit is text. A list whose first item
was lost (OCR dropped `一、`) may start at 2 when the next heading of its numbering or an
outer one carries on from it (`二、` then `三、`). Table rows (tab-separated cells) are never
headings.

Parts. A line `附件`, `附件1`, `附件一`, `附件：…`, `附表2` (its number kept, its colon and
title dropped) starts a part of the document, as does, unmarked, a top-level list that
restarts (a second `一、` or `第一条` at the top of the tree: an attachment printed after
the body under its own title). Every part starts with fresh lists, and the body's sections
end where the attachment starts. A part whose document already has sections in an
earlier part is prefixed with its name, a section of its own (`附件1/二/(三)`; an unmarked
part is `附件`; a name used twice gets `(2)`); its heading is the attachment's title (the
marker's text after the colon, else its next line; for an unmarked part, the title-like
line above it or above its one-paragraph preamble). A part after a body without sections
keeps plain paths (`一`), as nothing can clash. Only 章/节/条/一、 restart a part: (一)/1./(1)
restarting at the top (under an outline not read, like 1.1 / 2.1.3) still repeat paths.

Notes and listings. After a line `注：`/`注释：` or an 附件 listing (`附件：` with nothing
after the colon, or `附件：1.…`), the items `1.`, `2.`, … that follow in order are not
headings; the first numbered line that is not the next item ends the block and is read as
usual (`3.` carrying on the list the note interrupted). Notes still open when
their part ends are a section `注释` at the top of the part (child of its 附件 section if
it has one); notes followed by a heading were a note of that heading's text and stay text.

A 目录 (a line `目录` directly followed by numbered lines, then at most one other line
apart) is not headings: it ends at a numbered line further on, or at one that restarts a
numbering it holds at 1 (the first chapter itself).
"""
from __future__ import annotations

import re
from dataclasses import dataclass

import regex

from pipeline.numerals import numeral_or_none
from pipeline.records import Section

_CN = "零〇一二三四五六七八九十百千"
_ARTICLE = regex.compile(rf"^第(?P<num>[{_CN}]{{1,7}}|[0-9]{{1,3}})(?P<kind>[章节条])"
                         r"(?!规定|所[称列指述]|之|款|至|[、和或的])")
_ARTICLE_RANK = {"章": 1, "节": 2, "条": 3}
# (rank, pattern, shape); the number is written back as printed, with ASCII brackets.
_ORDINARY = (
    (4, regex.compile(r"^(?P<num>[一二三四五六七八九十百]{1,4})[、.．]"), "{}"),
    (5, regex.compile(r"^[(（](?P<num>[一二三四五六七八九十百]{1,4})[)）]"), "({})"),
    (6, regex.compile(r"^(?P<num>[0-9]{1,3})[.．、](?![0-9])"), "{}"),
    (7, regex.compile(r"^[(（](?P<num>[0-9]{1,3})[)）]"), "({})"),
)
_ORDINARY_BY_OPENING = {**dict.fromkeys("一二三四五六七八九十百", _ORDINARY[:1]),
                        **dict.fromkeys("(（", _ORDINARY[1::2]), **dict.fromkeys("0123456789", _ORDINARY[2:3])}
_ITEM_RANKS = (6, 7)  # the numberings a note or a listing counts its items with
_RESTART_UP_TO = 4  # a top-level list of 章 节 条 or 一、 that restarts starts an unmarked part
MAX_SKIP = 2  # a heading may follow the last of its list by at most this much (a misprint)
# The characters a heading, a part, a note or a 目录 can open with: most lines are passed
# over on this alone.
_OPENS = frozenset("一二三四五六七八九十百(（0123456789第附注目")
# The start of a line whose first character that is not a space is one of _OPENS: the
# lines looked at, found in one scan instead of a Python step per line of the text. (`re`:
# its \s is exactly what str.strip removes; regex's leaves out \x1c-\x1f.)
_MAY_OPEN = re.compile(rf"(?m)^[^\S\n]*[{re.escape(''.join(sorted(_OPENS)))}]")
_MARKER = regex.compile(
    r"^(?:(?P<part>附[件表]|附(?=[:：]))(?P<num>[0-9]{1,2}|[一二三四五六七八九十]{1,3})?(?P<sep>[:：.．])?"
    r"|(?P<notes>注释?)[:：])(?P<rest>.*)$")
_FIRST_ITEM = regex.compile(r"^1[.．、](?![0-9])")
_BRACKETED_TITLE = regex.compile(r"^[【\[［](?P<title>[^】\]［］\[]{1,20})[】\]］]")
_UNMARKED_PART = "附件"
_NOTES = "注释"


@dataclass(frozen=True, slots=True)
class _Line:
    """A line that may shape the tree: a numbered line (rank 1..7), or a marker (rank 0)
    `part`, `notes` or `toc`."""

    rank: int
    number: str  # as the path writes it: 第五章, 二, (三), 7; a part's name
    value: int
    heading: str
    start: int
    end: int  # the end of its line
    row: int  # its line's index in the text
    marker: str = ""
    items: int = 0  # a marker's first item number to skip (0: no item block)


def _heading_text(rest: str) -> str:
    """The heading of a heading line: its text up to the first 。 (`加大项目招引`), without
    a clause mark it may end in (`...实施改造提升；`)."""
    return rest.split("。", 1)[0].strip().rstrip("；;，,：:、").strip()


def _article_heading(rest: str) -> str:
    title = _BRACKETED_TITLE.match(rest)
    return title.group("title").strip() if title else _heading_text(rest)


def _marker(stripped: str, start: int, end: int, row: int) -> _Line | None:
    if stripped == "目录":
        return _Line(0, "", 0, "", start, end, row, marker="toc")
    match = _MARKER.match(stripped)
    if not match:
        return None
    rest = match.group("rest").strip()
    if match.group("notes"):
        return _Line(0, _NOTES, 0, _heading_text(rest), start, end, row, marker="notes",
                     items=2 if _FIRST_ITEM.match(rest) else 1)
    sep, num = match.group("sep"), match.group("num") or ""
    if rest and not sep and (not num.isdigit() or "。" in rest):  # 附件所列… 附件1所列…。: a sentence
        return None
    items = (2 if _FIRST_ITEM.match(rest) else 1 if sep and not rest else 0)
    part = match.group("part") if len(match.group("part")) > 1 else _UNMARKED_PART  # 附: is 附件:
    return _Line(0, part + num, 0, _heading_text(rest), start, end, row, marker="part", items=items)


def _lines(text: str) -> list[_Line]:
    """The numbered lines and markers of `text`, in order (one pass over its lines)."""
    found: list[_Line] = []
    row = counted = 0  # the line index of offset `counted`
    for candidate in _MAY_OPEN.finditer(text):
        line_start = candidate.start()
        row += text.count("\n", counted, line_start)
        counted = line_start
        line_end = text.find("\n", line_start)
        line_end = len(text) if line_end < 0 else line_end
        line = text[line_start:line_end]
        stripped = line.strip()
        if "\t" in stripped:
            continue
        start = line_start + (len(line) - len(line.lstrip()))
        first = stripped[0]
        if first in "附注目":
            marker = _marker(stripped, start, line_end, row)
            if marker:
                found.append(marker)
        elif first == "第":
            match = _ARTICLE.match(stripped)
            number = numeral_or_none(match.group("num")) if match else None  # 第十〇条: no heading
            if number is not None:
                rank = _ARTICLE_RANK[match.group("kind")]
                rest = stripped[match.end():]
                found.append(_Line(rank, match.group(0), number,
                                   _article_heading(rest) if rank == 3 else _heading_text(rest),
                                   start, line_end, row))
        else:
            for rank, pattern, shape in _ORDINARY_BY_OPENING[first]:
                match = pattern.match(stripped)
                if match:
                    num = match.group("num")
                    number = numeral_or_none(num)  # 十十、: no heading
                    if number is not None:
                        found.append(_Line(rank, shape.format(num), number,
                                           _heading_text(stripped[match.end():]), start, line_end, row))
                    break
    return found


class _Tree:
    """The sections, built line by line: `open` holds the path from the part's top to the
    last heading as (rank, index into `rows`); a row becomes a Section when it is closed."""

    def __init__(self, text: str, doc_id: str):
        self.text, self.doc_id = text, doc_id
        self.rows: list[tuple] = []  # (section_id, parent_id, level, number, heading, path, start)
        self.sections: list[Section | None] = []
        self.open: list[tuple[int, int]] = []
        self.names: set[str] = set()
        self.earlier = False  # an earlier part has sections
        self.part: _Line | None = None  # the marker of the current part (None: the body)
        self.part_rows = 0  # rows of the current part
        self.container: int | None = None  # the row of the part's own section, once made
        self.notes: _Line | None = None  # notes not yet followed by a heading

    def add(self, rank: int, number: str, heading: str, start: int) -> None:
        while self.open and self.open[-1][0] >= rank:
            self.close(self.open.pop()[1], start)
        if self.part is not None and self.earlier and self.container is None:
            name, k = self.part.number, 2
            while name in self.names:
                name, k = f"{self.part.number}({k})", k + 1
            self.names.add(name)
            self.container = self._row(name, self.part.heading, self.part.start, None)
            self.open.insert(0, (0, self.container))
        parent = self.open[-1][1] if self.open else None
        self.open.append((rank, self._row(number, heading, start, parent)))
        self.part_rows += 1

    def is_top(self, rank: int) -> bool:
        """Would a heading of `rank` have no numbered heading above it in its part?"""
        for r, _ in self.open:  # ranks rise from the part's own section (0) up
            if r:
                return r >= rank
        return True

    def end_part(self, at: int) -> None:
        notes, self.notes = self.notes, None
        if notes is not None:
            self.add(1, _NOTES, notes.heading, notes.start)  # above every numbered heading
        while self.open:
            self.close(self.open.pop()[1], at)
        self.earlier = self.earlier or self.part_rows > 0
        self.part, self.part_rows, self.container = None, 0, None

    def start_part(self, name: str, heading: str, start: int) -> None:
        self.part = _Line(0, name, 0, heading, start, start, 0, marker="part")

    def close(self, row: int, at: int) -> None:
        section_id, parent_id, level, number, heading, path, start = self.rows[row]
        end = at
        while end > start and self.text[end - 1] in "\n ":
            end -= 1
        self.sections[row] = Section(section_id=section_id, parent_id=parent_id, level=level, number=number,
                                     heading=heading, path=path, char_start=start, char_end=end)

    def _row(self, number: str, heading: str, start: int, parent: int | None) -> int:
        above = self.rows[parent] if parent is not None else None
        section_id = f"{self.doc_id}-s{len(self.rows) + 1:03d}"
        self.rows.append((section_id, above[0], above[2] + 1, number, heading, f"{above[5]}/{number}", start)
                         if above else (section_id, None, 1, number, heading, number, start))
        self.sections.append(None)
        return len(self.rows) - 1

    def next_line(self, end: int) -> str:
        """The first non-empty line after offset `end` (an attachment's title)."""
        for line in self.text[end + 1:end + 400].split("\n"):
            if line.strip():
                return _heading_text(line.strip()) if not _starts_numbered(line.strip()) else ""
        return ""


def _starts_numbered(line: str) -> bool:
    return bool(_ARTICLE.match(line) or any(p.match(line) for _, p, _ in _ORDINARY))


def _title_before(text: str, start: int) -> tuple[int, str] | None:
    """Where an unmarked attachment starts: the line above offset `start`, or above the
    one paragraph (a preamble, with a 。) right above it, when it reads like a title:
    short, not numbered, not a sentence, a date or a bracketed note."""
    end, paragraphs = start, 0
    while end > 0 and paragraphs < 2:
        line_start = text.rfind("\n", 0, end - 1) + 1
        line, end = text[line_start:end].strip(), line_start
        if not line:
            continue
        if "。" not in line:
            title = (len(line) <= 50 and line[-1] not in "：:；;，,日)）" and line[0] not in "(（"
                     and not _starts_numbered(line))
            return (line_start, line) if title else None
        paragraphs += 1
    return None


def _carries_on(lines: list[_Line], i: int) -> bool:
    """Does the next line of `lines[i]`'s numbering or an outer one carry on its list?"""
    first = lines[i]
    for line in lines[i + 1:]:
        if line.rank == 0 or line.rank < first.rank:
            return False
        if line.rank == first.rank:
            return 0 < line.value - first.value <= MAX_SKIP
    return False


def find_sections(text: str, doc_id: str) -> tuple[Section, ...]:
    """The heading tree of a document's text, as Section records (spans into `text`)."""
    lines = _lines(text)
    tree = _Tree(text, doc_id)
    last_value: dict[int, int] = {}
    top_ranks: set[int] = set()  # numberings with a heading at the top of the current part
    items = 0  # the next item of an open note or listing (0: none open)
    toc: set[int] | None = None  # numberings seen in an open 目录
    toc_row = 0
    for i, line in enumerate(lines):
        if line.marker == "toc":
            toc, toc_row = set(), line.row
            continue
        if toc is not None:
            # entries follow 目录 at once, then at most one (wrapped) line apart
            if line.rank and line.row - toc_row <= (2 if toc else 1) and not (line.value == 1 and line.rank in toc):
                toc.add(line.rank)
                toc_row = line.row
                continue
            toc = None
        if line.marker == "part":
            tree.end_part(line.start)
            tree.start_part(line.number, line.heading or tree.next_line(line.end), line.start)
            last_value.clear()
            top_ranks.clear()
            items = line.items
            continue
        if line.marker == "notes":
            tree.notes = tree.notes or line
            items = line.items
            continue
        if items:
            if line.rank in _ITEM_RANKS and line.value == items:
                items += 1
                continue
            items = 0
        previous = last_value.get(line.rank)
        if not (line.value == 1 or (previous is not None and 0 < line.value - previous <= MAX_SKIP)
                or (1 < line.value <= MAX_SKIP and _carries_on(lines, i))):
            continue  # a number that does not carry on any list: text, not a heading
        tree.notes = None  # a note followed by a heading is text of that heading
        if tree.is_top(line.rank):
            if line.rank in top_ranks and line.rank <= _RESTART_UP_TO and line.value <= previous:
                title = _title_before(text, line.start)
                start, heading = title if title else (line.start, "")
                tree.end_part(start)
                tree.start_part(_UNMARKED_PART, heading, start)
                last_value.clear()
                top_ranks.clear()
            top_ranks.add(line.rank)
        last_value[line.rank] = line.value
        tree.add(line.rank, line.number, line.heading, line.start)
    tree.end_part(len(text))
    return tuple(tree.sections)
