"""What every extractor needs from a document: its sentences, the heading each offset is
under, and the Provenance of a fact found at an offset.

A sentence ends at 。！？ or ；, or at the end of a line, but never inside brackets:
`(责任单位:市经信局。列第一位的为牵头单位,下同。)` is one sentence, and so is the
parenthesis that follows a task's last sentence. A paragraph is a line.
"""
from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass

from pipeline.records import Document, PageSpan, Provenance, Section, page_at

SENTENCE_ENDS = "。！？；;!?"
OPENING = "(（[［【〔《“"
CLOSING = ")）]］】〕》”"


@dataclass(frozen=True, slots=True)
class Span:
    """Characters [start, end) of a document's text."""

    start: int
    end: int
    text: str


def sentences(text: str) -> list[Span]:
    """The document's sentences in order, with their offsets; blank stretches dropped."""
    spans: list[Span] = []
    start = depth = 0
    for i, ch in enumerate(text):
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
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if end > start:
        spans.append(Span(start, end, text[start:end]))


def containing(spans: list[Span], starts: list[int], offset: int) -> Span:
    """The span that holds `offset` (spans sorted, non-overlapping; `starts` their starts)."""
    return spans[max(bisect_right(starts, offset) - 1, 0)]


def split_top_level(text: str, marks: str) -> list[tuple[int, str]]:
    """`text` cut at `marks` outside brackets, as (offset, piece) with the marks removed."""
    pieces, start, depth = [], 0, 0
    for i, ch in enumerate(text):
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
    pairs = {brackets[i]: brackets[i + 1] for i in range(0, len(brackets), 2)}
    closers = set(pairs.values())
    stack: list[str] = []
    for ch in text[line_start:offset]:
        if ch in pairs and not (ch in closers and stack and stack[-1] == ch):
            stack.append(pairs[ch])
        elif ch in closers and stack and stack[-1] == ch:
            stack.pop()
    return bool(stack)


class DocumentText:
    """A document with the lookups its extractors share: sentences, paragraphs, the section
    each offset is under, and provenance for a span."""

    def __init__(self, document: Document, pages: tuple[PageSpan, ...] = ()):
        self.document = document
        self.text = document.text
        self.pages = pages
        self.sentences = sentences(self.text)
        self.paragraphs = paragraphs(self.text)
        # every fact looks up its sentence and paragraph: their starts are kept, not rebuilt
        self._sentence_starts = [s.start for s in self.sentences]
        self._paragraph_starts = [p.start for p in self.paragraphs]
        self._sections = sorted(document.sections, key=lambda s: (s.char_start, s.level))

    def sentence_at(self, offset: int) -> Span:
        return containing(self.sentences, self._sentence_starts, offset)

    def paragraph_at(self, offset: int) -> Span:
        return containing(self.paragraphs, self._paragraph_starts, offset)

    def section_at(self, offset: int) -> Section | None:
        """The innermost heading whose section holds `offset`."""
        best = None
        for section in self._sections:
            if section.char_start > offset:
                break
            if section.char_end > offset and (best is None or section.level >= best.level):
                best = section
        return best

    def path_at(self, offset: int) -> str | None:
        section = self.section_at(offset)
        return section.path if section else None

    def provenance(self, span: Span) -> Provenance:
        doc = self.document
        return Provenance(doc_id=doc.doc_id, source_file=doc.source_file,
                          page=page_at(self.pages, doc.char_start + span.start),
                          char_start=span.start, char_end=span.end, evidence=span.text)

    def metadata_provenance(self, evidence: str) -> Provenance:
        doc = self.document
        return Provenance(doc_id=doc.doc_id, source_file=doc.source_file, page=None, char_start=None,
                          char_end=None, evidence=evidence, evidence_origin="page metadata")
