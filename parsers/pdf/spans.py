"""One page, from pieces: the PDFium engine's pieces cut into spans.

The PDFium engine gives a page's characters as Pieces: runs of characters that share a box
top, bottom and size. read_pieces() (parsers.pdf.lines) lays them out as read_page() lays
out characters, with the same result, but takes the characters of a piece together
wherever the rules for characters would take them one after the other anyway: a page of a
thousand characters is some fifty spans, and a row's text is its spans' texts joined. Only
the pieces within a ruled table's height are taken apart into Chars, for ruled_table_rows.
Where a page does not allow that (characters overlapping or out of order, a tab, a size of
0 or less, a character without width, coordinates that are not finite numbers),
read_pieces() gives None and read_page() reads the page character by character.
tests/test_pdf_engines.py holds the two ways to the same lines on the corpora and on
made-up pages.

This module holds the spans (_Span) and what read_pieces() needs of them: the pieces cut
into spans (_spans), a row of spans' text, line and runs (_summarise_spans), and the
pieces taken apart where they meet a ruled table (_take_tables). Splitting a row of spans
at the gutter is in parsers.pdf.columns.
"""
from __future__ import annotations

import math
from collections import Counter
from functools import partial
from itertools import groupby
from operator import itemgetter, sub
from typing import NamedTuple

from .page import Char, PageContent, Piece
from .rows import _WHITESPACE, SPACE_GAP, Line, _add_to_runs, _mark_gap, _new_line, _text_of
from .tables import RuledTable, _inside_any, _is_cell_table, ruled_table_rows


class _Span(NamedTuple):
    """Characters of one piece that the layout takes as a whole.

    Either one whitespace character (text ""), or characters of ink left to right, each
    with a width, each x0 past the one before, and no gap between one's x1 and the next
    one's x0 wider than SPACE_GAP. Such characters share a row in group_rows (same top and
    size), _text_of puts no space or tab between them (so their text is their texts
    joined), and _intervals keeps them in one run. So a span counts as one character from
    x0 to x1 (its largest x1), except that the gap to the next one is measured from `end`.
    """

    x0: float  # the first character's x0, the smallest
    x1: float  # the largest x1
    end: float  # the last character's x1
    top: float
    bottom: float
    size: float
    text: str  # "" for a whitespace character
    x0s: list[float]
    x1s: list[float]


_SPAN_TOP_X0 = itemgetter(3, 0)
_new_span = partial(tuple.__new__, _Span)  # _Span(*values), without its Python __new__
_SPAN_X0 = itemgetter(0)


def _take_tables(pieces: list[Piece], tables: list[RuledTable]) -> tuple[list[Piece], list[list[Char]]]:
    """The ruled tables' rows (ruled_table_rows), and the pieces without the characters
    inside the tables. Only pieces within a table's height (a character is inside a box
    when its middle is) can have characters inside; only they are taken apart into Chars."""
    bands = [(table.bbox[1], table.bbox[3]) for table in tables if _is_cell_table(table)]
    kept: list[Piece] = []
    near: list[Piece] = []
    for piece in pieces:
        middle = (piece.top + piece.bottom) / 2
        (near if any(top <= middle <= bottom for top, bottom in bands) else kept).append(piece)
    near_chars = PageContent(0, 0.0, 0.0, pieces=near).chars
    table_rows, boxes = ruled_table_rows(tables, near_chars)
    outside = [not _inside_any(ch, boxes) for ch in near_chars]
    at = 0
    for piece in near:  # what is left of each, in stretches of characters outside the tables
        for is_outside, stretch in groupby(range(at, at + len(piece.text)), key=outside.__getitem__):
            if is_outside:
                stretch = list(stretch)
                start, stop = stretch[0] - at, stretch[-1] + 1 - at
                kept.append(Piece(piece.text[start:stop], piece.x0s[start:stop], piece.x1s[start:stop],
                                  piece.top, piece.bottom, piece.size))
        at += len(piece.text)
    return kept, table_rows


def _row_text(row: list) -> str:
    """_text_of a row of spans or of Chars."""
    return _span_text(row) if type(row[0]) is _Span else _text_of(row)


def _spans(pieces: list[Piece]) -> list[_Span] | None:
    """The pieces cut into spans; None if one cannot be (see _Span)."""
    spans: list[_Span] = []
    for text, x0s, x1s, top, bottom, size in pieces:
        if not text:
            continue
        if not (size > 0 and math.isfinite(size + top + bottom + sum(x0s) + sum(x1s))):
            return None
        if min(map(sub, x1s, x0s)) <= 0:  # a character without a width
            return None
        if _WHITESPACE.search(text) is None:  # the usual piece: no whitespace
            if not _add_ink_spans(spans, text, x0s, x1s, top, bottom, size):
                return None
            continue
        start = 0
        for match in _WHITESPACE.finditer(text):
            at = match.start()
            if text[at] == "\t":  # a tab is a table-cell gap to _text_of
                return None
            if start < at and not _add_ink_spans(spans, text[start:at], x0s[start:at], x1s[start:at],
                                                 top, bottom, size):
                return None
            spans.append(_new_span((x0s[at], x1s[at], x1s[at], top, bottom, size, "", [x0s[at]], [x1s[at]])))
            start = at + 1
        if start < len(text) and not _add_ink_spans(spans, text[start:], x0s[start:], x1s[start:],
                                                     top, bottom, size):
            return None
    return spans


def _add_ink_spans(spans: list[_Span], text: str, x0s: list[float], x1s: list[float],
                   top: float, bottom: float, size: float) -> bool:
    """Adds the span(s) of characters of a piece that are not whitespace, cut at gaps wide
    enough for a space; False if the characters overlap or go back."""
    rising = True  # x1 goes up, so the last x1 is the largest
    if len(text) > 1:
        gaps = list(map(sub, x0s[1:], x1s))  # each character's x0 less the x1 before
        # every character has a width, so where no gap is below 0, x0 and x1 go up
        if min(gaps) < 0:
            if min(map(sub, x0s[1:], x0s)) <= 0:
                return False
            rising = False
        limit = SPACE_GAP * size
        if max(gaps) > limit:
            cuts = [offset + 1 for offset, gap in enumerate(gaps) if gap > limit]
            for start, stop in zip([0, *cuts], [*cuts, len(text)], strict=True):
                part_x0s, part_x1s = x0s[start:stop], x1s[start:stop]
                spans.append(_new_span((part_x0s[0], part_x1s[-1] if rising else max(part_x1s), part_x1s[-1],
                                        top, bottom, size, text[start:stop], part_x0s, part_x1s)))
            return True
    spans.append(_new_span((x0s[0], x1s[-1] if rising else max(x1s), x1s[-1], top, bottom, size, text, x0s, x1s)))
    return True


def _span_text(row: list[_Span]) -> str:
    line, _runs = _summarise_spans(row)
    return line.text if line is not None else ""


def _summarise_spans(row: list[_Span]) -> tuple[Line | None, list[tuple[float, float]]]:
    """_summarise for a row of spans: _text_of, _intervals and _make_line in one pass."""
    if len(row) == 1 and row[0].text:  # the usual row: what the loop below comes to
        span = row[0]
        return _new_line((span.text, span.x0, span.x1, round(span.size, 1), span.top, span.bottom)), \
            [(span.x0, span.x1)]
    out: list[str] = []
    runs: list[tuple[float, float]] = []
    prev_end: float | None = None
    for span in row:
        if not span.text:  # whitespace
            _mark_gap(out, None, span.size)
            continue
        if prev_end is not None:
            _mark_gap(out, span.x0 - prev_end, span.size)
        out.append(span.text)
        prev_end = span.end
        _add_to_runs(runs, span.x0, span.x1, span.size)
    text = "".join(out).strip(" ")
    if not text:
        return None, runs
    inked = [span for span in row if span.text]
    first_size = inked[0].size
    if all(span.size == first_size for span in inked):
        size = round(first_size, 1)
    else:  # _commonest_size, counting each span's characters
        counts: Counter[float] = Counter()
        for span in inked:
            counts[round(span.size, 1)] += len(span.x0s)
        size = counts.most_common(1)[0][0]
    return _new_line((text, inked[0].x0, max([span.x1 for span in inked]), size,
                      min([span.top for span in row]), max([span.bottom for span in row]))), runs
