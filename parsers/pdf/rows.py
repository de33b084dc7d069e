"""Characters to rows, and rows to lines.

group_rows() groups a page's characters by baseline into rows, each left to right. A row
(or the part of a row on one side of the gutter) becomes a Line: its text, with a space at
a visible gap and a tab at a table-cell gap (_text_of), its extent and its commonest size
(_make_line). The runs of text in a row (_intervals) are what the gutter is found from
(parsers.pdf.columns); _summarise() gives a row's line and runs in one go.
"""
from __future__ import annotations

import math
import re
from collections import Counter
from functools import partial
from itertools import groupby
from operator import itemgetter, sub
from typing import NamedTuple

from .page import Char

# --- tuning knobs (fractions of the font size unless said otherwise) -------------------
ROW_TOLERANCE = 0.35        # characters whose tops differ by less than this share a row
SPACE_GAP = 0.45            # a gap wider than this between characters is a space
TAB_GAP = 2.0               # a gap wider than this inside a column is a table-cell break
INTERVAL_GAP = 1.0          # characters closer than this belong to one run of text


class Line(NamedTuple):
    """One line of one column, with what the paragraph joiner needs to know. (A named
    tuple: made for every line, it is made three times faster than a frozen dataclass.)"""

    text: str
    x0: float
    x1: float
    size: float
    top: float = 0.0
    bottom: float = 0.0


_new_line = partial(tuple.__new__, Line)  # Line(*values), without its Python __new__


def group_rows(chars: list[Char]) -> list[list[Char]]:
    """Characters grouped by baseline, top to bottom, each row sorted left to right.

    A character joins the row when its top is within ROW_TOLERANCE of the row's first
    character's top (times the larger of their sizes). Characters are taken in blocks of
    the same top and size, as they come sorted by top (a line of one font is one block):
    the first of a block decides for the whole block, which the others would follow.
    """
    rows: list[list[Char]] = []
    row: list[Char] = []
    first_top = first_size = 0.0  # of the row's first character, which the others are held to
    for (top, size), block in groupby(sorted(chars, key=_TOP_X0), key=_TOP_SIZE):
        # abs(top - first_top) <= ROW_TOLERANCE * max(size, first_size), unrolled
        tolerance = ROW_TOLERANCE * (size if size > first_size else first_size)
        if row and -tolerance <= top - first_top <= tolerance:
            row.extend(block)
            continue
        first_top, first_size = top, size
        if ROW_TOLERANCE * size >= 0:  # the rest of the block joins its first (not so for a
            # negative or NaN size, whose characters each make a row, as one by one they would)
            row = list(block)
            rows.append(row)
        else:  # a negative size (or NaN): no character joins another
            for ch in block:
                row = [ch]
                rows.append(row)
    # _has_ink: str.strip() and str.isspace() agree on what whitespace is
    return [sorted(r, key=_X0) for r in rows if _has_ink("".join([c.text for c in r]))]


def _has_ink(text: str) -> bool:
    return bool(text) and not text.isspace()


_TOP_X0 = itemgetter(3, 1)  # Char is a named tuple: (text, x0, x1, top, bottom, size)
_TOP_SIZE = itemgetter(3, 5)
_X0 = itemgetter(1)
_FIRST_TOP = lambda row: row[0].top  # noqa: E731
_WHITESPACE = re.compile(r"\s")  # the characters str.strip() takes off


def _text_of(chars: list[Char]) -> str:
    """Characters to text: a space at a visible gap, a tab at a table-cell gap."""
    out: list[str] = []
    prev_x1: float | None = None  # where the previous character (or cell) ends
    for ch in chars:
        text = ch.text
        if text.endswith("\t"):  # a ruled-table cell, tab included
            out.append(text)
            prev_x1 = ch.x1
            continue
        if not text.strip():
            _mark_gap(out, None, ch.size)
            continue
        if prev_x1 is not None:
            _mark_gap(out, ch.x0 - prev_x1, ch.size)
        out.append(text)
        prev_x1 = ch.x1
    return "".join(out).strip(" ")


def _mark_gap(out: list[str], gap: float | None, size: float) -> None:
    """What a gap between two pieces of text becomes: a tab at a table-cell gap, one space
    at a visible gap or at whitespace (gap None), nothing otherwise."""
    if gap is not None and gap > TAB_GAP * size:
        out.append("\t")
    elif (gap is None or gap > SPACE_GAP * size) and out and out[-1] not in " \t":
        out.append(" ")


def _intervals(row: list[Char]) -> list[tuple[float, float]]:
    """The x-extents of the runs of text in a row."""
    runs: list[tuple[float, float]] = []
    for ch in row:
        if ch.text.strip():
            _add_to_runs(runs, ch.x0, ch.x1, ch.size)
    return runs


def _add_to_runs(runs: list[tuple[float, float]], x0: float, x1: float, size: float) -> None:
    """Extend the last run of text to x1 when x0 is close enough to it, else start a run."""
    if runs and x0 - runs[-1][1] <= INTERVAL_GAP * size:
        if x1 > runs[-1][1]:
            runs[-1] = (runs[-1][0], x1)
    else:
        runs.append((x0, x1))


def _summarise(row: list[Char]) -> tuple[Line | None, list[tuple[float, float]]]:
    """The row's line (_make_line) and its runs of text (_intervals).

    Most rows are plain: characters of one size (above 0), none of them whitespace, no gap
    wide enough for a space. Their text is their characters joined and they are one run,
    from the first character's x0 to the largest x1 (each gap is below SPACE_GAP, so below
    INTERVAL_GAP). That takes a few list operations rather than passes over the characters
    in Python; other rows go through _make_line and _intervals.
    """
    texts, x0s, x1s, tops, bottoms, sizes = zip(*row, strict=True)
    size = sizes[0]
    joined = "".join(texts)
    if (size > 0 and sizes.count(size) == len(sizes) and _WHITESPACE.search(joined) is None
            and "" not in texts and math.isfinite(sum(x0s) + sum(x1s))
            and (len(row) == 1 or max(map(sub, x0s[1:], x1s)) <= SPACE_GAP * size)):
        x1 = max(x1s)
        return Line(text=joined, x0=min(x0s), x1=x1, size=round(size, 1),
                    top=min(tops), bottom=max(bottoms)), [(x0s[0], x1)]
    return _make_line(row), _intervals(row)


def _make_line(row: list[Char]) -> Line | None:
    """The row's (or row part's) line; None if it has no text."""
    text = _text_of(row)
    if not text:
        return None
    inked = [c for c in row if c.text.strip()]  # x0, x1 and size ignore spaces
    return Line(text=text, x0=min([c.x0 for c in inked]), x1=max([c.x1 for c in inked]),
                size=_commonest_size(inked),
                top=min([c.top for c in row]), bottom=max([c.bottom for c in row]))


def _commonest_size(chars: list[Char]) -> float:
    """The commonest size (to 0.1) of the characters; on a tie, the one met first."""
    sizes = [c.size for c in chars]
    if sizes.count(sizes[0]) == len(sizes):  # the usual line: one size throughout
        return round(sizes[0], 1)
    return Counter(round(size, 1) for size in sizes).most_common(1)[0][0]
