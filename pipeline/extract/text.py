"""What every extractor needs from a document: its sentences, the heading each offset is
under, and the Provenance of a fact found at an offset.

A sentence ends at 。！？ or ；, or at the end of a line, but never inside brackets:
`(责任单位:市经信局。列第一位的为牵头单位,下同。)` is one sentence, and so is the
parenthesis that follows a task's last sentence. A paragraph is a line.
"""
from __future__ import annotations

import heapq
import re
from bisect import bisect_right
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from itertools import accumulate

from pipeline.records import Document, PageSpan, Provenance, Section

from .quantities import Quantity, find_quantities

SENTENCE_ENDS = "。！？；;!?"
OPENING = "(（[［【〔《“"
CLOSING = ")）]］】〕》”"


@dataclass(frozen=True, slots=True)
class Span:
    """Characters [start, end) of a document's text."""

    start: int
    end: int
    text: str


@lru_cache(maxsize=32)
def _any_of(chars: str) -> re.Pattern:
    """One of `chars`. The scans below visit the characters they act on (brackets, marks)
    with it instead of looping over every character of the text."""
    return re.compile(f"[{re.escape(chars)}]")


def sentences(text: str) -> list[Span]:
    """The document's sentences in order, with their offsets; blank stretches dropped."""
    spans: list[Span] = []
    start = depth = 0
    for match in _any_of(OPENING + CLOSING + "\n" + SENTENCE_ENDS).finditer(text):
        i, ch = match.start(), match.group()
        if ch in OPENING:
            depth += 1
        elif ch in CLOSING:
            depth = max(depth - 1, 0)
        elif ch == "\n":
            depth = 0  # an unclosed bracket does not swallow the next paragraph
            _add(spans, text, start, i)
            start = i + 1
        elif ch in SENTENCE_ENDS and depth == 0:
            _add(spans, text, start, i + 1)
            start = i + 1
    _add(spans, text, start, len(text))
    return spans


def paragraphs(text: str) -> list[Span]:
    spans: list[Span] = []
    start = 0
    for line in text.split("\n"):
        _add(spans, text, start, start + len(line))
        start += len(line) + 1
    return spans


def _add(spans: list[Span], text: str, start: int, end: int) -> None:
    piece = text[start:end]
    stripped = piece.strip()
    if stripped:
        start += len(piece) - len(piece.lstrip())
        spans.append(Span(start, start + len(stripped), stripped))


def containing(spans: list[Span], starts: list[int], offset: int) -> Span:
    """The span that holds `offset` (spans sorted, non-overlapping; `starts` their starts)."""
    return spans[max(bisect_right(starts, offset) - 1, 0)]


def split_top_level(text: str, marks: str) -> list[tuple[int, str]]:
    """`text` cut at `marks` outside brackets, as (offset, piece) with the marks removed."""
    if not _any_of(OPENING + CLOSING).search(text):
        # no bracket (most clauses and units): every mark cuts, and re.split cuts in C
        pieces = _any_of(marks).split(text)
        return list(zip(accumulate((len(piece) + 1 for piece in pieces[:-1]), initial=0), pieces, strict=True))
    pieces, start, depth = [], 0, 0
    for match in _any_of(OPENING + CLOSING + marks).finditer(text):
        i, ch = match.start(), match.group()
        if ch in OPENING:
            depth += 1
        elif ch in CLOSING:
            depth = max(depth - 1, 0)
        elif ch in marks and depth == 0:
            pieces.append((start, text[start:i]))
            start = i + 1
    pieces.append((start, text[start:]))
    return pieces


def inside_brackets(text: str, offset: int, brackets: str = "“”《》") -> bool:
    """Whether `offset` lies inside a pair of `brackets` (given as open, close, open, close ...)
    opened earlier on its line."""
    line_start = text.rfind("\n", 0, offset) + 1
    pairs, closers = _bracket_pairs(brackets)
    stack: list[str] = []
    for ch in _any_of(brackets).findall(text, line_start, offset):
        if ch in pairs and not (ch in closers and stack and stack[-1] == ch):
            stack.append(pairs[ch])
        elif ch in closers and stack and stack[-1] == ch:
            stack.pop()
    return bool(stack)


@lru_cache(maxsize=8)
def _bracket_pairs(brackets: str) -> tuple[dict[str, str], frozenset[str]]:
    """inside_brackets' opening -> closing map and closers, made once per `brackets` (it runs for
    every number a target might be)."""
    pairs = {brackets[i]: brackets[i + 1] for i in range(0, len(brackets), 2)}
    return pairs, frozenset(pairs.values())


def innermost_sections(sections) -> tuple[list[int], list[Section | None]]:
    """The offsets where the innermost section changes, and that section from each offset on
    (None where no section holds the text): section_at is then one bisect, not a scan of
    every heading, which made a plan of thousands of tasks quadratic.

    The innermost section at an offset is, of those holding it (char_start <= offset <
    char_end), the deepest; of equally deep ones, the last in (char_start, level) order. A
    sweep over the sections' starts and ends with a heap of the open ones finds it for each
    stretch between two such offsets."""
    ordered = sorted(sections, key=lambda s: (s.char_start, s.level))
    bounds = sorted({s.char_start for s in ordered} | {s.char_end for s in ordered})
    open_sections: list[tuple[int, int, Section]] = []  # (-level, -order, section): the innermost on top
    starts, innermost = [], []
    following = 0
    for offset in bounds:
        while following < len(ordered) and ordered[following].char_start <= offset:
            section = ordered[following]
            heapq.heappush(open_sections, (-section.level, -following, section))
            following += 1
        while open_sections and open_sections[0][2].char_end <= offset:  # closed by now
            heapq.heappop(open_sections)
        best = open_sections[0][2] if open_sections else None
        if not innermost or innermost[-1] is not best:
            starts.append(offset)
            innermost.append(best)
    return starts, innermost


class DocumentText:
    """A document with the lookups its extractors share: sentences, paragraphs, the section
    each offset is under, the quantities of a sentence, and provenance for a span."""

    def __init__(self, document: Document, pages: tuple[PageSpan, ...] = ()):
        self.document = document
        self.text = document.text
        self.pages = pages
        self.sentences = sentences(self.text)
        self.paragraphs = paragraphs(self.text)
        # every fact looks up its sentence and paragraph: their starts are kept, not rebuilt
        self._sentence_starts = [s.start for s in self.sentences]
        self._paragraph_starts = [p.start for p in self.paragraphs]
        self._section_bounds, self._innermost = innermost_sections(document.sections)
        self._page_starts = [p.start for p in pages]
        self._quantities: dict[tuple[int, int], tuple[Quantity, ...]] = {}
        self._provenances: dict[tuple[int, int, str], Provenance] = {}
        self._matches: dict[tuple, list] = {}

    def quantities(self, sentence: Span) -> tuple[Quantity, ...]:
        """find_quantities of one of the document's sentences (targets and subsidies both
        read them: found once)."""
        key = (sentence.start, sentence.end)
        found = self._quantities.get(key)
        if found is None:
            found = self._quantities[key] = tuple(find_quantities(sentence.text))
        return found

    def matches_before(self, pattern, start: int, end: int, limit: int) -> list:
        """list(pattern.finditer(self.text, start, limit)) for a `pattern` without anchors or
        lookarounds and start <= limit <= end: the matches of text[start:end], found once (a
        paragraph is asked about at every number in it), up to the first that runs past
        `limit`; from there the text is searched again as cut at `limit`. Matches before that
        one are the same in the cut text (cutting it takes no way of matching away from them,
        nor gives one), and the cut text has no other match before its start."""
        key = (pattern, start, end)
        found = self._matches.get(key)
        if found is None:
            found = self._matches[key] = list(pattern.finditer(self.text, start, end))
        matches = []
        for match in found:
            if match.end() > limit:
                matches += pattern.finditer(self.text, match.start(), limit)
                break
            matches.append(match)
        return matches

    def sentence_at(self, offset: int) -> Span:
        return containing(self.sentences, self._sentence_starts, offset)

    def paragraph_at(self, offset: int) -> Span:
        return containing(self.paragraphs, self._paragraph_starts, offset)

    def paragraphs_before(self, paragraph: Span) -> Iterator[Span]:
        """The paragraphs before `paragraph`, nearest first."""
        i = bisect_right(self._paragraph_starts, paragraph.start) - 1
        return (self.paragraphs[j] for j in range(i - 1, -1, -1))

    def section_at(self, offset: int) -> Section | None:
        """The innermost heading whose section holds `offset`."""
        i = bisect_right(self._section_bounds, offset) - 1
        return self._innermost[i] if i >= 0 else None

    def path_at(self, offset: int) -> str | None:
        section = self.section_at(offset)
        return section.path if section else None

    def page_at(self, offset: int) -> int | None:
        """records.page_at for an offset of the document, with the pages' starts kept."""
        if not self.pages:
            return None
        i = max(bisect_right(self._page_starts, self.document.char_start + offset) - 1, 0)
        return self.pages[i].page

    def provenance(self, span: Span) -> Provenance:
        """The Provenance of a fact read in `span`. Facts of one sentence or list share it: it
        is made once per span (Provenance is immutable), not once per fact."""
        key = (span.start, span.end, span.text)
        found = self._provenances.get(key)
        if found is None:
            doc = self.document
            found = self._provenances[key] = Provenance(
                doc_id=doc.doc_id, source_file=doc.source_file, page=self.page_at(span.start),
                char_start=span.start, char_end=span.end, evidence=span.text)
        return found

    def metadata_provenance(self, evidence: str) -> Provenance:
        doc = self.document
        return Provenance(doc_id=doc.doc_id, source_file=doc.source_file, page=None, char_start=None,
                          char_end=None, evidence=evidence, evidence_origin="page metadata")
