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
into spans (_spans) and grouped into rows (_span_rows), a row of spans' line and runs
(_summarise_spans, whose line's text is the row's text), and the
pieces taken apart where they meet a ruled table (_take_tables). Splitting a row of spans
at the gutter is in parsers.pdf.columns.
"""
from __future__ import annotations

import math
import sys
from collections import Counter
from functools import partial
from itertools import groupby, pairwise
from operator import itemgetter, le, lt, sub
from typing import NamedTuple

from .page import Char, PageContent, Piece
from .rows import _WHITESPACE, ROW_TOLERANCE, SPACE_GAP, Line, _add_to_runs, _mark_gap, _new_line
from .tables import RuledTable, _is_cell_table, ruled_table_rows


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
    when its middle is) can have characters inside; only they are taken apart into Chars.

    A piece's characters share their middle's height, so which tables' boxes they may be
    in is found once a piece; for each character only its middle across is tested, in
    place of _inside_any's call and both tests for each character.
    """
    boxes = [table.bbox for table in tables if _is_cell_table(table)]  # ruled_table_rows's boxes
    kept: list[Piece] = []
    near: list[tuple[Piece, list[tuple[float, float]]]] = []  # with the boxes' x ranges at its height
    for piece in pieces:
        middle = (piece.top + piece.bottom) / 2
        across = [(x0, x1) for x0, top, x1, bottom in boxes if top <= middle <= bottom]
        if across:
            near.append((piece, across))
        else:
            kept.append(piece)
    near_chars = PageContent(0, 0.0, 0.0, pieces=[piece for piece, _across in near]).chars
    table_rows, _boxes = ruled_table_rows(tables, near_chars)
    for piece, across in near:  # what is left of each, in stretches of characters outside the tables
        if len(across) == 1:
            (left, right), = across
            outside = [not left <= (x0 + x1) / 2 <= right for x0, x1 in zip(piece.x0s, piece.x1s, strict=True)]
        else:
            outside = [not any(left <= (x0 + x1) / 2 <= right for left, right in across)
                       for x0, x1 in zip(piece.x0s, piece.x1s, strict=True)]
        if not any(outside):  # the usual piece here: a cell's text
            continue
        for is_outside, stretch in groupby(range(len(piece.text)), key=outside.__getitem__):
            if is_outside:
                stretch = list(stretch)
                start, stop = stretch[0], stretch[-1] + 1
                kept.append(Piece(piece.text[start:stop], piece.x0s[start:stop], piece.x1s[start:stop],
                                  piece.top, piece.bottom, piece.size))
    return kept, table_rows


def _spans(pieces: list[Piece]) -> list[_Span] | None:
    """The pieces cut into spans; None if one cannot be (see _Span)."""
    spans: list[_Span] = []
    for text, x0s, x1s, top, bottom, size in pieces:
        if not text:
            continue
        # The usual piece is one span that passes _add_piece_spans's tests: no whitespace,
        # each character with a width and each x0 at or past the x1 before it, no gap wide
        # enough for a space, values that sum to a finite number. Tested here as cheaply:
        # comparisons that make no float where _add_piece_spans makes a width and a gap for
        # each character, and bounds on a few values in place of summing them all (a fifth
        # of _spans's time). x0 < x1 <= next x0 < next x1 ... holds only for values that
        # are not NaN, and puts every x between the first x0 and the last x1; when those,
        # top, bottom and size are within _SUMMABLE / (the number of values), every sum of
        # the values is finite (below the largest float, with room for each addition's
        # rounding).
        if _WHITESPACE.search(text) is None and all(map(lt, x0s, x1s)):
            following = x0s[1:]
            if not following or all(map(le, x1s, following)) \
                    and max(map(sub, following, x1s)) <= SPACE_GAP * size:
                bound = _SUMMABLE / (2 * len(x0s) + 3)
                if -bound < x0s[0] and x1s[-1] < bound and -bound < top < bound and -bound < bottom < bound \
                        and 0 < size < bound:
                    spans.append(_new_span((x0s[0], x1s[-1], x1s[-1], top, bottom, size, text, x0s, x1s)))
                    continue
        if not _add_piece_spans(spans, text, x0s, x1s, top, bottom, size):
            return None
    return spans


_SUMMABLE = sys.float_info.max / 2


def _add_piece_spans(spans: list[_Span], text: str, x0s: list[float], x1s: list[float],
                     top: float, bottom: float, size: float) -> bool:
    """Adds the piece's spans; False if it cannot be cut into spans (see _Span)."""
    if not (size > 0 and math.isfinite(size + top + bottom + sum(x0s) + sum(x1s))):
        return False
    if min(map(sub, x1s, x0s)) <= 0:  # a character without a width
        return False
    if _WHITESPACE.search(text) is None:
        return _add_ink_spans(spans, text, x0s, x1s, top, bottom, size)
    start = 0
    for match in _WHITESPACE.finditer(text):
        at = match.start()
        if text[at] == "\t":  # a tab is a table-cell gap to _text_of
            return False
        if start < at and not _add_ink_spans(spans, text[start:at], x0s[start:at], x1s[start:at],
                                             top, bottom, size):
            return False
        spans.append(_new_span((x0s[at], x1s[at], x1s[at], top, bottom, size, "", [x0s[at]], [x1s[at]])))
        start = at + 1
    if start < len(text) and not _add_ink_spans(spans, text[start:], x0s[start:], x1s[start:],
                                                 top, bottom, size):
        return False
    return True


def _span_rows(pieces: list[Piece]) -> list[list[_Span]] | None:
    """group_rows for the pieces' spans: the rows with text, each left to right; None where
    the spans cannot stand for their characters (see _spans, and below).

    Characters sorted by top then x0 come as whole spans in that order if the spans of one
    top do not overlap; within a row, spans sorted by x0 are its characters left to right
    if they do not overlap either. A span joins the row as group_rows would take its first
    character. (One pass over the spans makes the rows and checks both.)
    """
    spans = _spans(pieces)
    if spans is None:
        return None
    spans.sort(key=_SPAN_TOP_X0)
    rows: list[list[_Span]] = []
    row: list[_Span] = []
    first_top = first_size = 0.0
    last_top, last_x0s = None, None  # of the span before
    for span in spans:
        x0, _x1, _end, top, _bottom, size, _text, x0s, _x1s = span
        if top == last_top and not last_x0s[-1] < x0:
            return None
        last_top, last_x0s = top, x0s
        tolerance = ROW_TOLERANCE * (size if size > first_size else first_size)
        if row and -tolerance <= top - first_top <= tolerance:
            row.append(span)
        else:
            row = [span]
            rows.append(row)
            first_top, first_size = top, size
    inked: list[list[_Span]] = []
    for row in rows:
        if len(row) == 1:  # the usual row: one span, in order
            if row[0].text:
                inked.append(row)
            continue
        if not any(span.text for span in row):
            continue
        row.sort(key=_SPAN_X0)  # left to right, character by character if they do not overlap
        for before, after in pairwise(row):
            if not before.x0s[-1] < after.x0:
                return None
        inked.append(row)
    return inked


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


def _summarise_spans(row: list[_Span]) -> tuple[Line | None, list[tuple[float, float]]]:
    """_summarise for a row of spans: _text_of, _intervals and _make_line in one pass."""
    if len(row) == 1 and row[0].text:  # the usual row: what the loop below comes to
        x0, x1, _end, top, bottom, size, text, _x0s, _x1s = row[0]
        return _new_line((text, x0, x1, round(size, 1), top, bottom)), [(x0, x1)]
    out: list[str] = []
    runs: list[tuple[float, float]] = []
    prev_end: float | None = None
    for x0, x1, end, _top, _bottom, size, text, _x0s, _x1s in row:
        if not text:  # whitespace
            _mark_gap(out, None, size)
            continue
        if prev_end is not None:
            _mark_gap(out, x0 - prev_end, size)
        out.append(text)
        prev_end = end
        _add_to_runs(runs, x0, x1, size)
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
