"""Stage 2, normalise: RawIssue -> RawIssue with clean simplified-Chinese text.

The chain is declared once, in `NORMALISATION_CHAIN`, the way OpenCC's t2s.json
declares its own, and runs in that order:

0. `remove_invisible` characters that print nothing (zero-width spaces and joiners, bidi
                      controls, soft hyphens: data/invisible_characters.tsv). First, so
                      that every later step, and the script detection, sees the text a
                      person sees: a zero-width space between two characters splits the
                      words every later step and extractor looks for.
1. `to_nfc`           Unicode NFC.
2. `repair_radicals`  Kangxi / CJK-supplement radical code points -> ideographs (⼈⺠ -> 人民).
                      Before t2s, because OpenCC's dictionaries only know unified
                      ideographs: a radical would pass through unconverted.
3. `strip_pinyin`     pinyin glosses after characters, `當(dāng)前` -> `當前`. Before t2s,
                      which would otherwise see them as part of the words.
4. `to_simplified`    OpenCC `t2s`, only when the text is traditional (script recorded).
5. `unify_fullwidth`  full-width digits, Latin letters and brackets -> ASCII.
6. `remove_cjk_spaces` spaces beside CJK characters (`2023 年 6 月` -> `2023年6月`).
7. `trim_lines`       leading/trailing spaces of every line, blank lines collapsed.
8. `join_broken_lines` a line that does not end its paragraph continues on the next,
                      unless that one is a heading, a new item or another structural line
                      (how far the reader's breaks are trusted: RawIssue.line_breaks).
9. `drop_repeated_article` a page that prints its article twice keeps one copy.

Every step is a pure function MappedText -> MappedText. MappedText carries, for each
character, the offset of the input character it came from, so page spans (PDF
provenance) are carried through every edit.
"""
from __future__ import annotations

import dataclasses
import operator
import re
import unicodedata
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from functools import cache
from itertools import repeat

import regex

from pipeline import rules
from pipeline.patterns import TOC_LEADER
from pipeline.records import PageSpan, RawIssue

# --- mapped text ------------------------------------------------------------------------------


class Origin(Sequence):
    """For each character of a text, the offset in the original text it came from, kept as
    runs: characters that come from consecutive offsets (step 1), or all from one (step 0:
    what a replacement of another length maps to). An edit copies and cuts runs, not every
    offset: a gazette of 300,000 characters has a few thousand runs, and rebuilding a tuple of
    every offset at each step of the chain was about a third of the normaliser's time.

    The offsets never decrease along the text (edits delete, or map a replacement to the
    first offset of what it replaced), so `bisect_left` can look for a run, then in it.
    """

    __slots__ = ("_starts", "_bases", "_steps", "_length", "_lasts")

    def __init__(self, starts: list[int], bases: list[int], steps: list[int], length: int):
        self._starts, self._bases, self._steps, self._length = starts, bases, steps, length
        self._lasts: list[int] | None = None  # each run's last offset, for bisect_left

    @classmethod
    def identity(cls, length: int) -> Origin:
        return cls([0], [0], [1], length) if length else cls([], [], [], 0)

    def __len__(self) -> int:
        return self._length

    def __getitem__(self, i):
        if isinstance(i, slice):
            return tuple(self)[i]
        if i < 0:
            i += self._length
        if not 0 <= i < self._length:
            raise IndexError("origin index out of range")
        k = bisect_right(self._starts, i) - 1
        return self._bases[k] + (i - self._starts[k]) * self._steps[k]

    def _ends(self) -> list[int]:
        return self._starts[1:] + [self._length] if self._starts else []

    def __iter__(self):
        ends = self._ends()
        for start, end, base, step in zip(self._starts, ends, self._bases, self._steps, strict=True):
            yield from range(base, base + end - start) if step else repeat(base, end - start)

    def __eq__(self, other) -> bool:
        return isinstance(other, Origin | tuple | list) and len(self) == len(other) and tuple(self) == tuple(other)

    def __hash__(self) -> int:
        return hash(tuple(self))  # as the tuple it equals

    def __repr__(self) -> str:
        return f"Origin({tuple(self)!r})"

    def bisect_left(self, value: int) -> int:
        """bisect.bisect_left(self, value): the first index whose offset is `value` or more."""
        if self._lasts is None:
            ends = self._ends()
            self._lasts = [base + (end - start - 1) * step for start, end, base, step
                           in zip(self._starts, ends, self._bases, self._steps, strict=True)]
        k = bisect_left(self._lasts, value)
        if k == len(self._lasts):
            return self._length
        return self._starts[k] + (max(0, value - self._bases[k]) if self._steps[k] else 0)


class _OriginBuilder:
    """An Origin put together from pieces of others, in order."""

    def __init__(self):
        self.starts: list[int] = []
        self.bases: list[int] = []
        self.steps: list[int] = []
        self.length = 0

    def _add(self, base: int, step: int, count: int) -> None:
        if count <= 0:
            return
        if count == 1:
            step = 1  # one character: either step; 1 lets it join a run of consecutive offsets
        if self.starts:
            last_base, last_step, last_count = self.bases[-1], self.steps[-1], self.length - self.starts[-1]
            if step == last_step == 1 and base == last_base + last_count:
                self.length += count
                return
            if step == 0 and base == last_base and (last_step == 0 or last_count == 1):
                self.steps[-1] = 0
                self.length += count
                return
        self.starts.append(self.length)
        self.bases.append(base)
        self.steps.append(step)
        self.length += count

    def extend(self, origin: Origin, start: int, end: int) -> None:
        """Append origin[start:end]."""
        if start >= end:
            return
        starts, bases, steps = origin._starts, origin._bases, origin._steps
        k = bisect_right(starts, start) - 1
        while k < len(starts) and starts[k] < end:
            run_end = starts[k + 1] if k + 1 < len(starts) else origin._length
            low, high = max(start, starts[k]), min(end, run_end)
            self._add(bases[k] + (low - starts[k]) * steps[k], steps[k], high - low)
            k += 1

    def repeat(self, offset: int, count: int) -> None:
        """Append `count` characters that all come from `offset`."""
        self._add(offset, 0, count)

    def build(self) -> Origin:
        return Origin(self.starts, self.bases, self.steps, self.length)


@dataclass(frozen=True, slots=True)
class MappedText:
    """Text plus, for each character, the offset in the original text it came from."""

    text: str
    origin: Origin

    @classmethod
    def of(cls, text: str) -> MappedText:
        return cls(text, Origin.identity(len(text)))

    def __post_init__(self):
        if len(self.origin) != len(self.text):
            raise ValueError("origin and text lengths differ")

    def sub(self, pattern: regex.Pattern, repl: str | Callable[[regex.Match], str]) -> MappedText:
        """`pattern.sub` that keeps the origin of every character.

        A replacement of the same length maps position by position; a shorter or longer
        one maps each new character to the first character of what it replaced.
        """
        parts: list[str] = []
        origin = _OriginBuilder()
        pos = 0
        changed = False
        for match in pattern.finditer(self.text):
            start, end = match.span()
            new = repl(match) if callable(repl) else match.expand(repl)
            if new == match.group():
                continue
            changed = True
            parts.append(self.text[pos:start])
            origin.extend(self.origin, pos, start)
            parts.append(new)
            if len(new) == end - start:
                origin.extend(self.origin, start, end)
            else:
                anchor = self.origin[start] if start < len(self.origin) else self._end()
                origin.repeat(anchor, len(new))
            pos = end
        if not changed:
            return self
        parts.append(self.text[pos:])
        origin.extend(self.origin, pos, len(self.text))
        return MappedText("".join(parts), origin.build())

    def drop(self, chars: rules.CharSet) -> MappedText:
        """The text without the characters of `chars`; the others keep their origins."""
        if chars.run.search(self.text) is None:
            return self
        origin, pos = _OriginBuilder(), 0
        for run in chars.run.finditer(self.text):
            origin.extend(self.origin, pos, run.start())
            pos = run.end()
        origin.extend(self.origin, pos, len(self.text))
        return MappedText(chars.run.sub("", self.text), origin.build())

    def translate(self, chars: CharMap) -> MappedText:
        """`str.translate` with one-character values: positions do not move."""
        text = chars.apply(self.text)
        return self if text == self.text else MappedText(text, self.origin)

    def _end(self) -> int:
        return self.origin[-1] + 1 if self.origin else 0

    def remap(self, spans: tuple[PageSpan, ...]) -> tuple[PageSpan, ...]:
        """Page spans of the original text, moved onto this text."""
        moved = []
        for span in spans:
            start = self.origin.bisect_left(span.start)
            end = self.origin.bisect_left(span.end)
            moved.append(replace(span, start=start, end=end))
        if moved:  # the last page runs to the end whatever was appended
            moved[-1] = replace(moved[-1], end=len(self.text))
        return tuple(moved)


class CharMap:
    """Single characters mapped to single characters, applied as `str.translate` would.

    str.translate looks every character of the text up in its table; a text holds few of
    the mapped characters, so one regular-expression scan finds which occur and each of
    those is replaced across the text (several times faster on a gazette).
    """

    def __init__(self, table: Mapping[int, str]):
        self.table = {chr(code): value for code, value in table.items()}
        if any(len(value) != 1 for value in self.table.values()):
            raise ValueError("a CharMap maps one character to one character")
        if not self.table.keys().isdisjoint(self.table.values()):
            raise ValueError("a value that is also a key would be replaced twice")
        self._mapped = re.compile("[" + "".join(map(re.escape, self.table)) + "]") if self.table else None

    def apply(self, text: str) -> str:
        if self._mapped is None:
            return text
        for char in set(self._mapped.findall(text)):
            text = text.replace(char, self.table[char])
        return text


# --- character classes ------------------------------------------------------------------------

# Characters that make a space beside them an artefact: ideographs and CJK punctuation.
CJK = r"\p{Han}\u3000-\u303f\uff01-\uff0f\uff1a-\uff20\uff3b-\uff40\uff5b-\uff65\u2018-\u201d\u2014\u2026\u00b7"
# Pinyin gloss: Latin letters with at least one tone mark, in brackets after an ideograph.
TONE_MARKS = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜńňǹḿ"
PINYIN_LETTERS = "a-zü" + TONE_MARKS
_PINYIN_GLOSS = regex.compile(
    rf"(?<=\p{{Han}})[(（]\s*[{PINYIN_LETTERS}]*[{TONE_MARKS}][{PINYIN_LETTERS}]*\s*[)）]")
_COMBINING_RUN = regex.compile(r"\P{M}\p{M}+")
_SPACE_BESIDE_CJK = regex.compile(rf"(?<=[{CJK}])[ \u00a0\u3000]+(?=\S)|(?<=\S)[ \u00a0\u3000]+(?=[{CJK}])")
_LINE_EDGE_SPACE = regex.compile(r"^[ \t\u00a0\u3000]+|[ \t\u00a0\u3000]+$", regex.M)
_RULING_LINE = regex.compile(r"(?m)^[ \t]*[-=_—─━+|]{3,}(?:[ \t]+[-=_—─━+|]+)*[ \t]*$")
_BLANK_LINES = regex.compile(r"\n{2,}")
_LEADING_NEWLINES = regex.compile(r"^\n+|\n+$")
_LINE = regex.compile(r"[^\n]+")

# Full-width forms that have a plain ASCII twin the rest of the pipeline expects. Chinese
# punctuation (，。：；) stays as printed: it is the text, not an artefact.
FULLWIDTH_TO_ASCII = {
    **{0xFF10 + i: chr(0x30 + i) for i in range(10)},                   # ０-９
    **{0xFF21 + i: chr(0x41 + i) for i in range(26)},                   # Ａ-Ｚ
    **{0xFF41 + i: chr(0x61 + i) for i in range(26)},                   # ａ-ｚ
    ord("（"): "(", ord("）"): ")", ord("［"): "[", ord("］"): "]",
    ord("％"): "%", ord("．"): ".", ord("＋"): "+", ord("－"): "-", ord("／"): "/",
    ord("～"): "~", ord("＜"): "<", ord("＞"): ">", ord("＝"): "=",
}
_FULLWIDTH = CharMap(FULLWIDTH_TO_ASCII)

# --- line joining -----------------------------------------------------------------------------

# A heading line shorter than this is a bare heading (一、总体要求), never continued.
MIN_CONTINUED_LINE_CHARS = 20
# Punctuation after which a paragraph always goes on.
CONTINUING_END = "、，,（(“‘《〔[【—-/"
# Punctuation that may end a paragraph.
FINAL_END = "。！？!?；;：:…"
# Marks that show a line is running prose; titles, signatures, dates and cover lines
# have none, so a line without them that ends without punctuation is left alone.
CLAUSE_MARKS = "，,、；;。"
# Lines that start something new: headings and items (一、 (一) 1. (1) 第一条), 附件,
# dates, 文号 lines and bracketed lines such as (此件公开发布).
_STARTS_BLOCK = regex.compile(
    r"""^(?:
        [一二三四五六七八九十百]+[、.．]
      | [(（][一二三四五六七八九十百]+[)）]
      | [0-9]{1,3}[.、．](?![0-9])
      | [(（][0-9]{1,3}[)）]
      | [①-⑳]
      | 第[一二三四五六七八九十百零〇0-9]+[章节条款部分]
      | 附件
      | 附[:：]
      | [(（【〔\[]
      | [0-9]{4}\s*年\s*[0-9]{1,2}\s*月\s*[0-9]{1,2}\s*日\s*$
      | \S{1,12}[〔\[［(（][0-9]{4}\s*[〕\]］)）]\s*第?[0-9]+\s*号
    )""", regex.X)


# `给、优化...`, `行,有效期...`: the tail of a word cut at the break. No paragraph opens
# with one character and a clause mark (numbered items are caught by _STARTS_BLOCK first).
_WORD_TAIL = regex.compile(r"^\p{Han}[、，,；;。]")


# TOC_LEADER ends in a page number (and maybe a bracket or spaces): a line that ends in
# anything else is not searched for it, which spares the search on nearly every line.
_PAGE_NUMBER_END = frozenset("0123456789)）")
# ... and it holds one of these runs. The line is the paragraph joined so far, which grows
# line by line: a substring test is many times cheaper than the search over it.
_LEADER_RUNS = ("....", "……", "····")


def _ends_in_toc_leader(line: str) -> bool:
    last = line[-1]
    return ((last in _PAGE_NUMBER_END or last.isspace()) and any(run in line for run in _LEADER_RUNS)
            and TOC_LEADER.search(line) is not None)


def ends_paragraph(line: str, next_line: str, *, trust_breaks: bool = False) -> bool:
    """Whether a line break between these two lines is a real paragraph end.

    A line continues on the next when it ends in a comma-like mark. Unless the reader's
    breaks are trusted (`trust_breaks`: a PDF's layout already decided), it also
    continues when it is running prose (it has a clause mark) that stops without final
    punctuation, or when the next line opens with the cut-off tail of a word. Never when the next line starts a heading, an item, a date, a 文号 or
    a bracketed line, and never after a bare heading or a table row.
    """
    if not line or not next_line or "\t" in line or "\t" in next_line:
        return True
    if _ends_in_toc_leader(line) or _STARTS_BLOCK.match(next_line):
        return True
    last = line[-1]
    if last in CONTINUING_END:
        return False
    if trust_breaks or last in FINAL_END or last in "”’)）】〕]》":
        return True
    if _STARTS_BLOCK.match(line) and len(line) < MIN_CONTINUED_LINE_CHARS:
        return True
    if _WORD_TAIL.match(next_line):
        return False
    # the 、 of a heading's number (三、) is no clause mark: `三、提高…保障标准` is a heading, not prose
    opener = _STARTS_BLOCK.match(line)
    body = line[opener.end():] if opener else line
    return not any(mark in body[:-1] for mark in CLAUSE_MARKS)


# --- the steps --------------------------------------------------------------------------------


def remove_invisible(text: MappedText) -> MappedText:
    """Characters that print nothing go; the others keep their origins, so a page span that
    starts on one starts on the next character that prints."""
    return text.drop(rules.invisible())


def to_nfc(text: MappedText) -> MappedText:
    if unicodedata.is_normalized("NFC", text.text):
        return text
    # Compose combining sequences one by one so offsets stay attached, then the
    # singleton canonical mappings (CJK compatibility ideographs -> unified ones).
    text = text.sub(_COMBINING_RUN, lambda m: unicodedata.normalize("NFC", m.group()))
    singletons = {ord(c): unicodedata.normalize("NFC", c) for c in set(text.text)
                  if len(unicodedata.normalize("NFC", c)) == 1 and unicodedata.normalize("NFC", c) != c}
    return text.translate(CharMap(singletons))


@cache
def _radicals() -> CharMap:
    return CharMap(rules.radical_map())


def repair_radicals(text: MappedText) -> MappedText:
    return text.translate(_radicals())


def strip_pinyin(text: MappedText) -> MappedText:
    return text.sub(_PINYIN_GLOSS, "")


def prepare() -> None:
    """Load OpenCC's converters now, in the process that forks the workers: each worker then
    shares them instead of loading its own (a worker under --memory-limit could not always
    map the library's code)."""
    for config in ("t2s", "s2t"):
        _opencc(config)
    rules.metadata_column("發佈日期")  # and the one rule lookups use for traditional labels


@cache
def _opencc(config: str):
    import opencc

    return opencc.OpenCC(config)


def _changed_chars(text: str, converted: str) -> int:
    """How many positions of `converted` hold another character than `text`."""
    if converted == text:
        return 0
    return sum(map(operator.ne, text, converted))  # map over two strings: the count runs in C


def detect_script(text: str) -> str:
    """`hant` when more characters change under t2s than under s2t, else `hans`. Characters
    that print nothing are no script's, and between two characters they hide OpenCC's phrases:
    they are left out."""
    return _script_of_visible(rules.without_invisible(text))


def _script_of_visible(text: str) -> str:
    """detect_script of a text without invisible characters."""
    traditional = _changed_chars(text, _opencc("t2s").convert(text))
    if traditional == 0:  # simplified text (most inputs): s2t, the slower direction, cannot tip it
        return "hans"
    simplified = _changed_chars(text, _opencc("s2t").convert(text))
    return "hant" if traditional > simplified else "hans"


def to_simplified(text: MappedText) -> MappedText:
    """OpenCC t2s, line by line so that a phrase that changes length stays local."""
    converter = _opencc("t2s")
    return text.sub(_LINE, lambda m: converter.convert(m.group()))


def unify_fullwidth(text: MappedText) -> MappedText:
    return text.translate(_FULLWIDTH)


def remove_cjk_spaces(text: MappedText) -> MappedText:
    return text.sub(_SPACE_BESIDE_CJK, "")


def trim_lines(text: MappedText) -> MappedText:
    """Spaces at line edges, blank lines, and ruling lines (`-----\t-----`: a plain-text
    table's rule, drawn as a line in print) go."""
    text = text.sub(_RULING_LINE, "")
    text = text.sub(_LINE_EDGE_SPACE, "")
    text = text.sub(_BLANK_LINES, "\n")
    return text.sub(_LEADING_NEWLINES, "")


def join_broken_lines(text: MappedText, *, trust_breaks: bool = False) -> MappedText:
    """Remove the line breaks that do not end a paragraph (see `ends_paragraph`).

    The decision looks at the paragraph built so far, not only at the last line, so a
    second pass over the result finds nothing more to join (the step is idempotent).
    """
    lines = text.text.split("\n")
    breaks = []  # offsets of the newlines to remove
    line_start = 0
    paragraph = lines[0]
    for line, nxt in zip(lines, lines[1:], strict=False):
        newline_at = line_start + len(line)
        if ends_paragraph(paragraph, nxt, trust_breaks=trust_breaks):
            paragraph = nxt
        else:
            breaks.append(newline_at)
            paragraph += nxt
        line_start = newline_at + 1
    if not breaks:
        return text
    parts, origin, pos = [], _OriginBuilder(), 0
    for cut in breaks:
        parts.append(text.text[pos:cut])
        origin.extend(text.origin, pos, cut)
        pos = cut + 1
    parts.append(text.text[pos:])
    origin.extend(text.origin, pos, len(text.text))
    return MappedText("".join(parts), origin.build())


# A run of at least this many paragraphs printed twice, covering at least this share of
# the text, is a page that repeats its article (hijacked mirrors do); one copy is kept.
MIN_REPEATED_PARAGRAPHS = 8
MIN_REPEATED_SHARE = 0.3


def drop_repeated_article(text: MappedText) -> MappedText:
    lines = text.text.split("\n")
    first_seen: dict[str, int] = {}
    for i, line in enumerate(lines):
        if len(line) < MIN_CONTINUED_LINE_CHARS:
            continue
        if line not in first_seen:
            first_seen[line] = i
            continue
        j = first_seen[line]  # line i repeats line j: how far does the repeat run?
        run = 0
        while i + run < len(lines) and j + run < i and lines[i + run] == lines[j + run]:
            run += 1
        long_lines = sum(len(x) >= MIN_CONTINUED_LINE_CHARS for x in lines[i:i + run])
        chars = sum(len(x) + 1 for x in lines[i:i + run])
        if long_lines >= MIN_REPEATED_PARAGRAPHS and chars >= MIN_REPEATED_SHARE * len(text.text):
            # The first copy is lines[j:j+run]; what follows it up to the end of the
            # second copy is the repeat and its re-printed preamble (breadcrumbs, title).
            begin = sum(len(x) + 1 for x in lines[:j + run]) - 1
            end = sum(len(x) + 1 for x in lines[:i + run]) - 1
            return _cut(text, begin, min(end, len(text.text)))
    return text


def _cut(text: MappedText, begin: int, end: int) -> MappedText:
    origin = _OriginBuilder()
    origin.extend(text.origin, 0, begin)
    origin.extend(text.origin, end, len(text.text))
    return MappedText(text.text[:begin] + text.text[end:], origin.build())


# The declared order of the chain (see the module docstring for why this order).
NORMALISATION_CHAIN: tuple[Callable[[MappedText], MappedText], ...] = (
    remove_invisible, to_nfc, repair_radicals, strip_pinyin, to_simplified, unify_fullwidth, remove_cjk_spaces,
    trim_lines, join_broken_lines, drop_repeated_article, trim_lines,
)


def normalise_text(text: str, *, script: str | None = None, line_breaks: str = "unknown") -> MappedText:
    """Run the chain over one text. `script` skips detection; `line_breaks` says which
    line breaks may be re-joined (see records.LINE_BREAKS)."""
    return _normalised_with_script(text, line_breaks, script)[0]


def _normalised_with_script(text: str, line_breaks: str, script: str | None = None) -> tuple[MappedText, str]:
    """normalise_text, and the script it took (detected when `script` is None). The chain's
    first step, remove_invisible, runs before the detection, which needs the text without
    those characters too: the scan of the whole text for them is made once, not twice."""
    first, *rest = NORMALISATION_CHAIN
    mapped = first(MappedText.of(text))
    script = script or _script_of_visible(mapped.text)
    for step in rest:
        if step is to_simplified and script != "hant":
            continue
        if step is join_broken_lines:
            if line_breaks == "paragraphs":
                continue
            mapped = join_broken_lines(mapped, trust_breaks=line_breaks == "layout")
            continue
        mapped = step(mapped)
    return mapped, script


def normalise_value(value: str, script: str) -> str:
    """A short field (title, metadata value): the same chain, on one line."""
    return normalise_text(value, script=script, line_breaks="paragraphs").text.replace("\n", " ")


def normalise(raw: RawIssue) -> RawIssue:
    """The stage: a RawIssue with normalised text, page spans moved, metadata cleaned."""
    mapped, script = _normalised_with_script(raw.text, raw.line_breaks)
    return dataclasses.replace(
        raw,
        text=mapped.text,
        pages=mapped.remap(raw.pages),
        title=normalise_value(raw.title, script) if raw.title else None,
        metadata=tuple((k, normalise_value(v, script)) for k, v in raw.metadata),
        script_original=script,
    )
