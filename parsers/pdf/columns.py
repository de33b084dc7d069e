"""Two-column pages: the gutter, and the lines in reading order.

A two-column page is found by a vertical gutter that (almost) no row crosses
(find_gutter), and its left column is read before the right one, within each band between
rows that span both columns (order_lines): those rows stay in place.
"""
from __future__ import annotations

import math
from bisect import bisect_left

from .page import Char
from .rows import Line, _intervals, _make_line, _summarise
from .spans import _new_span, _Span, _summarise_spans

# --- tuning knobs (fractions of the font size unless said otherwise) -------------------
GUTTER_BAND = (0.3, 0.7)    # where a column gutter may lie, as shares of the page width
MAX_GUTTER_CROSSINGS = 0.08  # share of body rows that may span the gutter (titles, tables)
MIN_COLUMN_ROWS = 0.15      # share of body rows that must have text on each side (a column may end early)
MIN_ROWS_FOR_COLUMNS = 6    # fewer body rows than this: do not look for columns


def find_gutter(rows: list[list[Char]], width: float) -> float | None:
    """The x of a column gutter that almost no row crosses, or None for one column."""
    return _gutter([_intervals(r) for r in rows], width)


def _gutter(spans: list[list[tuple[float, float]]], width: float) -> float | None:
    """find_gutter, from the rows' runs of text.

    The candidates are the whole points across the middle of the page; the first with the
    fewest crossing rows wins. A row crosses x when one of its runs of text has a < x < b.
    """
    if len(spans) < MIN_ROWS_FOR_COLUMNS:
        return None
    first, last = int(width * GUTTER_BAND[0]), int(width * GUTTER_BAND[1])
    if last < first:
        return None
    if _crossed_throughout(spans, first, last) > MAX_GUTTER_CROSSINGS * len(spans):
        return None  # as below: the fewest crossings are at least these (most one-column pages)
    best_x, best_crossings = _fewest_crossings(spans, first, last)
    if best_crossings > MAX_GUTTER_CROSSINGS * len(spans):
        return None
    # centre the gutter within the empty band around best_x
    left_edge = max((b for s in spans for a, b in s if b <= best_x), default=best_x)
    right_edge = min((a for s in spans for a, b in s if a >= best_x), default=best_x)
    gutter = (left_edge + right_edge) / 2
    left_rows = sum(any(b <= gutter for a, b in s) for s in spans)
    right_rows = sum(any(a >= gutter for a, b in s) for s in spans)
    if min(left_rows, right_rows) < MIN_COLUMN_ROWS * len(spans):
        return None
    return gutter


def _crossed_throughout(spans: list[list[tuple[float, float]]], first: int, last: int) -> int:
    """How many runs (a, b) cross every whole point from first to last: a < first and
    b > last. _fewest_crossings counts at least these at any point, and most one-column
    pages are over MAX_GUTTER_CROSSINGS with them already: a pass of comparisons spares
    its count of each point (_gutter takes half the time on such pages).

    0 where a run is not finite, as if none crossed: _fewest_crossings raises there (a
    value math.floor cannot take), and is left to.
    """
    crossing = 0
    ends = 0.0  # the sum of all ends: finite if each is (if the sum is too large, 0 too)
    for runs in spans:
        for a, b in runs:
            ends += a + b
            if a < first and b > last:
                crossing += 1
    return crossing if math.isfinite(ends) else 0


def _fewest_crossings(spans: list[list[tuple[float, float]]], first: int, last: int) -> tuple[int, int]:
    """The first whole point x in first .. last that the fewest rows cross, and how many.

    A run (a, b) is crossed at the whole points strictly inside it: it adds 1 from
    floor(a) + 1 to ceil(b) - 1. Those ends, sorted, are where the count changes; between
    two of them it stays the same, so only the first candidate and each end in the band need
    counting, and the cost goes with the number of runs, not with the page's width (a page
    can claim to be a billion points wide). A row's runs are apart, so no point is inside
    two runs of one row and the counts are counts of rows.
    """
    change: dict[int, int] = {first: 0}
    for s in spans:
        for a, b in s:
            inside_from, inside_to = max(math.floor(a) + 1, first), min(math.ceil(b) - 1, last)
            if inside_from <= inside_to:
                change[inside_from] = change.get(inside_from, 0) + 1
                change[inside_to + 1] = change.get(inside_to + 1, 0) - 1
    best_x, best_crossings, crossings = first, None, 0
    for x in sorted(change):
        if x > last:
            break
        crossings += change[x]
        if best_crossings is None or crossings < best_crossings:
            best_x, best_crossings = x, crossings
    return best_x, best_crossings


def order_lines(rows: list[list[Char]], gutter: float | None) -> list[Line]:
    """Rows to lines in reading order: one column top to bottom, or left column then right
    column within each band between rows that span both."""
    return _order_lines(rows, [_summarise(row) for row in rows], gutter)


def _order_lines(rows: list[list], summaries: list[tuple[Line | None, list]],
                 gutter: float | None) -> list[Line]:
    """order_lines, given each row's summary (its line and runs): rows of Chars, or of
    spans (read_pieces; a table's cells are Chars there too). A row that stays whole
    keeps its line."""
    if gutter is None:
        return [line for line, _runs in summaries if line is not None]
    ordered: list[Line | None] = []
    left: list[Line | None] = []
    right: list[Line | None] = []
    for row, (line, _runs) in zip(rows, summaries, strict=True):
        if type(row[0]) is _Span:
            lpart, rpart = _split_spans(row, gutter)
            line_of = _span_line
        elif any(c.x0 < gutter < c.x1 for c in row):
            lpart = rpart = None
        else:
            lpart, rpart = [c for c in row if c.x1 <= gutter], [c for c in row if c.x0 >= gutter]
            line_of = _make_line
        if lpart is None:  # across the gutter
            ordered.extend(left)
            ordered.extend(right)
            left.clear()
            right.clear()
            ordered.append(line)
            continue
        # a part that is the whole row has the row's line
        if lpart:
            left.append(line if len(lpart) == len(row) and not rpart else line_of(lpart))
        if rpart:
            right.append(line if len(rpart) == len(row) and not lpart else line_of(rpart))
    ordered.extend(left)
    ordered.extend(right)
    return [line for line in ordered if line is not None]


def _split_spans(row: list[_Span], gutter: float) -> tuple[list[_Span] | None, list[_Span] | None]:
    """The row's parts left and right of the gutter, or None, None if it crosses it.

    A character is left of the gutter when x1 <= gutter, right of it when x0 >= gutter,
    and across it otherwise. In a span x0 goes up, so the characters with x0 < gutter
    come first: they cross if one reaches past the gutter, else they are left of it, and
    the rest right of it (each has a width, so none is on both sides).
    """
    cuts = [(span, bisect_left(span.x0s, gutter)) for span in row]
    # a span's x1 is its characters' largest x1: a span that ends by the gutter has no
    # character across it, and one wholly before it crosses if it ends past it (the usual
    # spans, found without taking the largest x1 of the characters before the cut)
    if any(cut and span.x1 > gutter and (cut == len(span.x0s) or max(span.x1s[:cut]) > gutter)
           for span, cut in cuts):
        return None, None
    return ([_span_part(span, 0, cut) for span, cut in cuts if cut],
            [_span_part(span, cut, len(span.x0s)) for span, cut in cuts if cut < len(span.x0s)])


def _span_line(row: list[_Span]) -> Line | None:
    return _summarise_spans(row)[0]


def _span_part(span: _Span, start: int, stop: int) -> _Span:
    """Characters start .. stop - 1 of the span."""
    if start == 0 and stop == len(span.x0s):
        return span
    x0s, x1s = span.x0s[start:stop], span.x1s[start:stop]
    return _new_span((x0s[0], max(x1s), x1s[-1], span.top, span.bottom, span.size,
                      span.text[start:stop], x0s, x1s))
