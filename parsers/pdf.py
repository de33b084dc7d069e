"""PDF reader: a gazette issue's text layer, in reading order, with page provenance.

An engine reads each page's upright characters with their boxes, and its ruling lines
(parsers.pdf_page.PageContent). Two engines give the same characters and boxes:
"pdfplumber" (pdfminer; the reference) and "pdfium" (pypdfium2, parsers.pdfium_pages; the
default: it reads a page's characters about eight times faster, and hands the rare page it
cannot read as pdfminer does to the reference engine). Everything after that is shared, so
both engines make the same text. From those boxes this module
1. groups characters into rows (same baseline) and rows into lines; a ruled table is read
   cell by cell. Tables are found by pdfplumber's own table finder, run on the page's
   ruling lines from either engine (the PDFium engine rebuilds pdfminer's lines, rects
   and curves from PDFium's path objects), so no page needs pdfplumber for its tables,
2. finds two-column pages by a vertical gutter that (almost) no row crosses, and reads
   the left column before the right one (rows spanning the gutter stay in place),
3. drops running headers (a top line repeated across pages, digits aside, in either
   order: `2024年第11期 嘉兴市人民政府公报` / `嘉兴市人民政府公报 2024年第11期`) and
   page-number footers (`— 3 —`, `- 3 -`, `第3页`),
4. joins a line to the next one when the layout shows the paragraph goes on: the line
   runs to the right edge of its column and the next starts flush left, not indented.
   This also joins paragraphs across columns and pages. A centred heading wrapped over
   several lines (a title, `【市政府人事任免】(2024` / `年` / `10` / `月份)`) is joined too.

Step 1 is written twice. read_page() goes character by character; read_pieces() takes the
PDFium engine's pieces (a text object's characters, which share a box height and baseline)
and goes span by span wherever that comes to the same lines, which is on nearly every page,
and hands the page to read_page() where it might not (see "one page, from pieces").

Pages are read one at a time and released, so memory stays flat on long issues; only
the small per-line records are kept until the header pass has seen every page. A
deadline (a time.monotonic() value) is checked between pages.

Raises ReadError: empty_file, not_a_pdf, corrupt_pdf, no_text_layer, time_limit.
"""
from __future__ import annotations

import io
import math
import re
import time
from bisect import bisect_left, bisect_right
from collections import Counter
from dataclasses import dataclass
from functools import partial
from itertools import accumulate, groupby, pairwise
from operator import itemgetter, sub
from pathlib import Path
from typing import NamedTuple

import pdfplumber
from pdfplumber.table import TableFinder, TableSettings
from pdfplumber.utils import curve_to_edges, line_to_edge, rect_to_edges

from pipeline.patterns import TOC_LEADER
from pipeline.records import PageSpan, RawIssue

from . import ReadError, read_bytes
from .pdf_page import Char, PageContent, Piece
from .pdfium_pages import PageSource, PdfiumPages

ENGINES = ("pdfium", "pdfplumber")  # the default, the reference

# --- tuning knobs (fractions of the font size unless said otherwise) -------------------
ROW_TOLERANCE = 0.35        # characters whose tops differ by less than this share a row
SPACE_GAP = 0.45            # a gap wider than this between characters is a space
TAB_GAP = 2.0               # a gap wider than this inside a column is a table-cell break
INTERVAL_GAP = 1.0          # characters closer than this belong to one run of text
EDGE_TOLERANCE = 1.0        # within this of a column's edge counts as touching it
HEADER_BAND = 0.09          # top share of the page where running headers live
FOOTER_BAND = 0.09          # bottom share of the page where page numbers live
MIN_HEADER_PAGE_SHARE = 0.3  # a header must repeat on this share of pages (and on 2+)
GUTTER_BAND = (0.3, 0.7)    # where a column gutter may lie, as shares of the page width
MAX_GUTTER_CROSSINGS = 0.08  # share of body rows that may span the gutter (titles, tables)
MIN_COLUMN_ROWS = 0.15      # share of body rows that must have text on each side (a column may end early)
MIN_ROWS_FOR_COLUMNS = 6    # fewer body rows than this: do not look for columns
MIN_TABLE_RULES = 4         # fewer ruling lines than this on a page: no table to look for
MIN_MARGIN_LINES = 3        # a margin is a line start/end shared by at least this many lines
MIN_MARGIN_SHARE = 0.03     # ... and by this share of the document's lines
HEADING_LEADING = 1.0       # a wrapped heading's next line starts within this below the last
CENTRE_TOLERANCE = 1.5      # a centred line's middle is this close to its column's middle
FOOT_OF_PAGE = 4.0          # a heading ending this close to the text's foot may go on overleaf
HEADING_SIZE = 1.2          # a heading is set at least this many times the body text's size

_PAGE_NUMBER = re.compile(r"^[\s\-—–－~·•]*(第\s*)?[0-9]{1,4}(\s*页)?(\s*/\s*(共\s*)?[0-9]{1,4}\s*页?)?[\s\-—–－~·•]*$")
_DIGITS = re.compile(r"[0-9]+")


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


@dataclass(frozen=True, slots=True)
class PageLines:
    number: int
    header: str | None  # the top line, if it may be a running header
    footer: str | None  # the bottom line, if it is in the footer band
    lines: tuple[Line, ...]
    gutter: float | None  # x of the column gutter on a two-column page


def parse(path: Path, source_file: str | None = None, *, engine: str = "pdfium",
          deadline: float | None = None) -> RawIssue:
    """The PDF's text with its page spans. `engine` is one of ENGINES; `deadline` is a
    time.monotonic() value after which reading stops between two pages (time_limit)."""
    if engine not in ENGINES:
        raise ValueError(f"unknown PDF engine {engine!r}; one of {', '.join(ENGINES)}")
    data, sha256 = read_bytes(path)
    if b"%PDF-" not in data[:1024]:
        raise ReadError("not_a_pdf", f"no %PDF- header; the file starts with {_describe(data)}")
    pages, warnings = read_pages(data, engine, deadline)
    if not any(p.lines or p.header or p.footer for p in pages):
        if warnings:
            raise ReadError("corrupt_pdf", "no page could be read: " + "; ".join(warnings[:3]))
        raise ReadError("no_text_layer",
                        f"{len(pages)} page(s) without a text layer (scanned images?); OCR is not done here")
    text, spans = assemble(pages)
    return RawIssue(source_file=source_file or str(path), source_sha256=sha256, source_format="pdf",
                    text=text, pages=spans, line_breaks="layout", warnings=tuple(warnings))


def read_pages(data: bytes, engine: str, deadline: float | None) -> tuple[list[PageLines], list[str]]:
    """Every page's lines; a page that fails is a warning and the others are still read."""
    try:
        source = open_pages(data, engine)
    except Exception as exc:  # pdfminer and PDFium raise many types for a broken file
        raise ReadError("corrupt_pdf", f"{engine} cannot open it: {exc}") from exc
    pages: list[PageLines] = []
    warnings: list[str] = []
    try:
        total = source.page_count
        for index in range(total):
            if deadline is not None and time.monotonic() > deadline:
                raise ReadError("time_limit", f"stopped reading at page {index + 1} of {total}: "
                                              "over the per-file time limit")
            try:
                pages.append(read_page(source.read(index)))
            except Exception as exc:  # one bad page: say so and read the others
                warnings.append(f"page {index + 1} unreadable: {type(exc).__name__}: {exc}")
    finally:
        source.close()
    return pages, warnings


def open_pages(data: bytes, engine: str) -> PageSource:
    """The engine's pages of the PDF: page_count, read(index) -> PageContent, close()."""
    if engine == "pdfplumber":
        return PlumberPages(data)
    # pages PDFium would read unlike pdfminer go to the reference engine, opened lazily
    return PdfiumPages(data, reference=lambda: PlumberPages(data))


class PlumberPages:
    """The reference engine: pdfplumber (pdfminer) reads each page's characters and rulings."""

    def __init__(self, data: bytes):
        self._pdf = pdfplumber.open(io.BytesIO(data))
        try:
            self._pages = self._pdf.pages  # parses the page tree: a broken one fails here
        except Exception:
            self._pdf.close()
            raise
        self.page_count = len(self._pages)

    def read(self, index: int) -> PageContent:
        page = self._pages[index]
        try:
            chars = [Char(c["text"], c["x0"], c["x1"], c["top"], c["bottom"], c["size"] or 10.0)
                     for c in page.chars if c.get("upright", True)]
            return PageContent(index + 1, page.width, page.height, chars,
                               page.lines, page.rects, page.curves)
        finally:
            page.close()  # release the page's parsed objects: flat memory

    def close(self) -> None:
        self._pdf.close()


def _describe(data: bytes) -> str:
    head = data[:64].lstrip().lower()
    if head.startswith((b"<!doctype html", b"<html")):
        return "an HTML page"
    if head.startswith(b"pk"):
        return "a ZIP archive"
    return repr(data[:16])


# --- one page -------------------------------------------------------------------------------

def read_page(page: PageContent) -> PageLines:
    """One page's lines in reading order, its header and footer candidates, its gutter."""
    tables = ruled_tables(page)
    if page.pieces is not None:
        lines = read_pieces(page, tables)  # the same, faster, where the pieces allow it
        if lines is not None:
            return lines
    chars = page.chars
    table_rows, boxes = ruled_table_rows(tables, chars)
    if boxes:
        chars = [c for c in chars if not _inside_any(c, boxes)]
    rows = sorted(group_rows(chars) + table_rows, key=_FIRST_TOP)
    header = footer = None
    if rows and rows[0][0].bottom < page.height * HEADER_BAND:
        header = _text_of(rows[0])
    if rows and len(rows) > (header is not None) and rows[-1][0].top > page.height * (1 - FOOTER_BAND):
        footer = _text_of(rows[-1])
    body = rows[1 if header is not None else 0: -1 if footer is not None else None]
    # each row's line and runs of text, worked out once: the gutter is found from the runs,
    # and the lines of rows that are not split at the gutter are the rows' own lines
    summaries = [_summarise(row) for row in body]
    gutter = _gutter([runs for _line, runs in summaries], page.width)
    lines = _order_lines(body, summaries, gutter)
    return PageLines(page.number, header, footer, tuple(lines), gutter)


@dataclass(frozen=True, slots=True)
class RuledTable:
    bbox: tuple[float, float, float, float]
    rows: list[list[tuple | None]]  # each row's cell boxes, None where a cell spans over


class _RulingsOnly:
    """What pdfplumber's TableFinder reads of a page when it finds tables by their ruling
    lines: the edges (and the box, for explicit lines, not used here). Standing in for a
    pdfplumber Page, it lets both engines run pdfplumber's own table algorithm."""

    def __init__(self, page: PageContent):
        self.bbox = (0, 0, page.width, page.height)
        # the order of pdfplumber's Page.edges: lines, then rects, then curves
        self.edges = ([line_to_edge(line) for line in page.lines]
                      + [edge for rect in page.rects for edge in rect_to_edges(rect)]
                      + [edge for curve in page.curves for edge in curve_to_edges(curve)])


def ruled_tables(page: PageContent) -> list[RuledTable]:
    """The page's ruled tables, as pdfplumber's page.find_tables() finds them."""
    if len(page.lines) + len(page.rects) < MIN_TABLE_RULES:
        return []
    finder = TableFinder(_RulingsOnly(page), TableSettings())
    return [RuledTable(table.bbox, [list(row.cells) for row in table.rows]) for table in finder.tables]


def ruled_table_rows(tables: list[RuledTable], all_chars: list[Char]) -> tuple[list[list[Char]], list[tuple]]:
    """Rows of the page's ruled tables, each as one row of cell "characters".

    A cell's text may wrap inside the cell; read line by line, the wrapped part would
    become a line of its own. So a table with ruling lines (pdfplumber's table finder)
    is read cell by cell: each table row becomes one row whose "characters" are its
    cells, separated by tabs, placed where the row starts.
    """
    rows, boxes = [], []
    for table in tables:
        if not _is_cell_table(table):
            continue
        cells = table.rows
        boxes.append(table.bbox)
        # every cell lies within the table's box: look for cell text among its characters only
        chars = _within(all_chars, table.bbox)
        # ... and a row's cells lie within the row's band (its cells share a top): look among
        # the characters whose middle is in that band, found by bisection in page order
        middles = [(c.top + c.bottom) / 2 for c in chars]
        by_middle = sorted(range(len(chars)), key=middles.__getitem__)
        middles = [middles[i] for i in by_middle]
        for row in cells:
            present = [box for box in row if box]
            if not present:  # no cell: no text
                continue
            band_top, band_bottom = min(box[1] for box in present), max(box[3] for box in present)
            band = [chars[i] for i in sorted(by_middle[bisect_left(middles, band_top):
                                                       bisect_right(middles, band_bottom)])]
            texts = [_cell_text(band, box) if box else "" for box in row]
            if not any(texts):
                continue
            size = next((c.size for c in band if _inside_any(c, present)), 10.0)
            top = min(box[1] for box in present)
            out = [Char(text + ("\t" if i < len(texts) - 1 else ""), box[0], box[2], top, top + size, size)
                   for i, (text, box) in enumerate(zip(texts, row, strict=True)) if box]
            rows.append(out)
    return rows, boxes


def _is_cell_table(table: RuledTable) -> bool:
    """A table of two columns or more: a lone box is a frame, not a table."""
    return bool(table.rows) and max(len(r) for r in table.rows) >= 2


def _inside(ch: Char, box: tuple) -> bool:
    x0, top, x1, bottom = box
    mid_x, mid_y = (ch.x0 + ch.x1) / 2, (ch.top + ch.bottom) / 2
    return x0 <= mid_x <= x1 and top <= mid_y <= bottom


def _inside_any(ch: Char, boxes: list[tuple]) -> bool:
    mid_x, mid_y = (ch.x0 + ch.x1) / 2, (ch.top + ch.bottom) / 2
    return any(x0 <= mid_x <= x1 and top <= mid_y <= bottom for x0, top, x1, bottom in boxes)


def _within(chars: list[Char], box: tuple) -> list[Char]:
    """The characters _inside the box (the test written out: this runs for every character
    of a table, once for the table and once for each of its rows)."""
    x0, top, x1, bottom = box
    return [c for c in chars if x0 <= (c.x0 + c.x1) / 2 <= x1 and top <= (c.top + c.bottom) / 2 <= bottom]


def _cell_text(chars: list[Char], box: tuple) -> str:
    """A cell's text: its lines joined (a wrapped cell is one value)."""
    return "".join(_text_of(r) for r in group_rows(_within(chars, box)))


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
    # Count crossings at every candidate at once: each run adds 1 over the whole points
    # strictly inside it (a difference array, summed up below). A row's runs are apart, so
    # no point is inside two runs of one row and the counts are counts of rows.
    change = [0] * (last - first + 2)
    for s in spans:
        for a, b in s:
            inside_from, inside_to = max(math.floor(a) + 1, first), min(math.ceil(b) - 1, last)
            if inside_from <= inside_to:
                change[inside_from - first] += 1
                change[inside_to - first + 1] -= 1
    crossings = list(accumulate(change[: last - first + 1]))  # at first, first + 1, ... last
    best_crossings = min(crossings)
    best_x = first + crossings.index(best_crossings)  # the first with the fewest
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


def order_lines(rows: list[list[Char]], gutter: float | None) -> list[Line]:
    """Rows to lines in reading order: one column top to bottom, or left column then right
    column within each band between rows that span both."""
    return _order_lines(rows, [_summarise(row) for row in rows], gutter)


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


# --- one page, from pieces ----------------------------------------------------------------------
#
# The PDFium engine gives a page's characters as Pieces: runs of characters that share a
# box top, bottom and size. read_pieces() lays them out as read_page() lays out characters,
# with the same result, but takes the characters of a piece together wherever the rules for
# characters would take them one after the other anyway: a page of a thousand characters is
# some fifty spans, and a row's text is its spans' texts joined. Only the pieces within a
# ruled table's height are taken apart into Chars, for ruled_table_rows. Where a page does
# not allow that (characters overlapping or out of order, a tab, a size of 0 or less, a
# character without width, coordinates that are not finite numbers), read_pieces() gives
# None and read_page() reads the page character by character. tests/test_pdf_engines.py
# holds the two ways to the same lines on the corpora and on made-up pages.


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


def read_pieces(page: PageContent, tables: list[RuledTable]) -> PageLines | None:
    """read_page() for a page given as pieces, with its ruled_tables(); None where it must
    go character by character (see above)."""
    pieces, table_rows = page.pieces, []
    if any(map(_is_cell_table, tables)):
        pieces, table_rows = _take_tables(pieces, tables)
    spans = _spans(pieces)
    if spans is None:
        return None
    # group_rows: characters sorted by top then x0 come as whole spans in that order if the
    # spans of one top do not overlap
    spans.sort(key=_SPAN_TOP_X0)
    for before, after in pairwise(spans):
        if before.top == after.top and not before.x0s[-1] < after.x0:
            return None
    rows: list[list[_Span]] = []
    row: list[_Span] = []
    first_top = first_size = 0.0
    for span in spans:  # as group_rows does it for the span's first character
        tolerance = ROW_TOLERANCE * (span.size if span.size > first_size else first_size)
        if row and -tolerance <= span.top - first_top <= tolerance:
            row.append(span)
        else:
            row = [span]
            rows.append(row)
            first_top, first_size = span.top, span.size
    inked: list[list] = []
    for row in rows:
        if not any(span.text for span in row):
            continue
        row.sort(key=_SPAN_X0)  # left to right, character by character if they do not overlap
        for before, after in pairwise(row):
            if not before.x0s[-1] < after.x0:
                return None
        inked.append(row)
    # from here on as read_page, for rows of spans and the tables' rows of cells (Chars)
    rows = sorted(inked + table_rows, key=_FIRST_TOP)
    header = footer = None
    if rows and rows[0][0].bottom < page.height * HEADER_BAND:
        header = _row_text(rows[0])
    if rows and len(rows) > (header is not None) and rows[-1][0].top > page.height * (1 - FOOTER_BAND):
        footer = _row_text(rows[-1])
    body = rows[1 if header is not None else 0: -1 if footer is not None else None]
    summaries = [_summarise_spans(row) if type(row[0]) is _Span else _summarise(row) for row in body]
    gutter = _gutter([runs for _line, runs in summaries], page.width)
    lines = _order_lines(body, summaries, gutter)
    return PageLines(page.number, header, footer, tuple(lines), gutter)


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
    if any(cut and max(span.x1s[:cut]) > gutter for span, cut in cuts):
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


# --- the whole document ------------------------------------------------------------------------

def header_signature(text: str) -> frozenset[str]:
    """A running header's identity: its words, digits masked, order ignored (mirrored pages)."""
    return frozenset(_DIGITS.sub("#", word) for word in text.split())


def running_headers(pages: list[PageLines]) -> set[frozenset[str]]:
    """Signatures of top lines that repeat across enough pages to be running headers."""
    counts = Counter(header_signature(p.header) for p in pages if p.header)
    needed = max(2, MIN_HEADER_PAGE_SHARE * len(pages))
    return {sig for sig, n in counts.items() if n >= needed}


@dataclass(frozen=True, slots=True)
class Margins:
    """Where the lines of each column start and end: the edges of the text block.

    Lines are sorted into column regions by the document's gutter (left of it, right of
    it, or across it). A region's margins are its outermost line starts and ends that
    many lines share: full, justified lines end at the right margin and continuation
    lines start at the left one, while indents, centred titles and equal-length headings
    sit inside. Measured over the whole document, so a page with one short column, or a
    short last page, cannot make its longest line look full.
    """

    gutter: float | None
    edges: dict  # region -> (left, right)
    body_size: float = 0.0  # the commonest size of a line: body text
    foot: float = 0.0  # where full pages' text ends (the lowest line bottom most pages share)

    @classmethod
    def measure(cls, pages: list[PageLines]) -> Margins:
        gutters = sorted(p.gutter for p in pages if p.gutter is not None)
        gutter = gutters[len(gutters) // 2] if gutters else None
        regions: dict[str, list[Line]] = {}
        for page in pages:
            for line in page.lines:
                regions.setdefault(_region(line, gutter), []).append(line)
        edges = {}
        for region, lines in regions.items():
            needed = max(MIN_MARGIN_LINES, MIN_MARGIN_SHARE * len(lines))
            starts = _peaks((line.x0 for line in lines), needed)
            ends = _peaks((line.x1 for line in lines), needed)
            edges[region] = (min(starts), max(ends))
        sizes = Counter(line.size for page in pages for line in page.lines)
        feet = [max(line.bottom for line in page.lines) for page in pages if page.lines]
        return cls(gutter, edges,
                   body_size=sizes.most_common(1)[0][0] if sizes else 0.0,
                   foot=max(_peaks(feet, max(2, len(feet) // 3))) if feet else 0.0)

    def flush_left(self, line: Line) -> bool:
        """Starts at the margin: not indented (a new paragraph) and not centred."""
        left, _ = self.edges.get(_region(line, self.gutter), (None, None))
        return left is not None and abs(line.x0 - left) <= EDGE_TOLERANCE * line.size * 0.5

    def full_right(self, line: Line) -> bool:
        _, right = self.edges.get(_region(line, self.gutter), (None, None))
        return right is not None and line.x1 >= right - EDGE_TOLERANCE * line.size

    def centred(self, line: Line) -> bool:
        left, right = self.edges.get(_region(line, self.gutter), (None, None))
        return left is not None and abs((line.x0 + line.x1) - (left + right)) / 2 <= CENTRE_TOLERANCE * line.size


def _region(line: Line, gutter: float | None) -> str:
    if gutter is None:
        return "page"
    if line.x1 <= gutter:
        return "left"
    if line.x0 >= gutter:
        return "right"
    return "page"


def _peaks(values, needed: float) -> list[float]:
    """Positions (to the point) shared by at least `needed` values; the commonest if none is."""
    counts = Counter(round(v) for v in values)
    found = [float(v) for v, n in counts.items() if n >= needed]
    return found or [float(counts.most_common(1)[0][0])]


def continues(prev: Line, nxt: Line, margins: Margins) -> bool:
    """Does the paragraph of `prev` go on in `nxt`? (a full line, then a flush-left line)

    Table rows (a cell gap) and 目录 entries (dot leaders to a page number) run to the
    margin too, but each is a line of its own.
    """
    if _stands_alone(prev) or _stands_alone(nxt):
        return False
    return _joins(prev, nxt, margins)


def _stands_alone(line: Line) -> bool:
    """A table row or a 目录 entry: never joined to the line before or after."""
    return "\t" in line.text or TOC_LEADER.search(line.text) is not None


def _joins(prev: Line, nxt: Line, margins: Margins) -> bool:
    """continues(), for two lines neither of which stands alone."""
    if abs(prev.size - nxt.size) >= 0.5:
        return False
    return (margins.full_right(prev) and margins.flush_left(nxt)) or wrapped_heading(prev, nxt, margins)


def wrapped_heading(prev: Line, nxt: Line, margins: Margins) -> bool:
    """Is `nxt` the next line of a centred heading that `prev` started?

    Both are centred and set larger than body text, and `nxt` sits right below `prev`, or
    at the top of the next column or page when `prev` ended at the foot of its own.
    Sizes were checked equal by the caller.
    """
    if prev.size < HEADING_SIZE * margins.body_size or not (margins.centred(prev) and margins.centred(nxt)):
        return False
    if nxt.top >= prev.bottom:  # same column: the next line down
        return nxt.top - prev.bottom <= HEADING_LEADING * prev.size
    return prev.bottom >= margins.foot - FOOT_OF_PAGE * prev.size  # overleaf


def assemble(pages: list[PageLines]) -> tuple[str, tuple[PageSpan, ...]]:
    """All pages' lines as one text; each page's characters form one PageSpan."""
    headers = running_headers(pages)
    margins = Margins.measure(pages)
    parts: list[str] = []
    spans: list[PageSpan] = []
    length = 0
    prev: Line | None = None
    prev_alone = False  # _stands_alone(prev), found once per line
    for page in pages:
        lines = list(page.lines)
        if page.header and header_signature(page.header) not in headers:
            lines.insert(0, _loose_line(page.header))
        if page.footer and not _PAGE_NUMBER.match(page.footer):
            lines.append(_loose_line(page.footer))
        start = length
        for line in lines:
            alone = _stands_alone(line)
            if prev is None:
                sep = ""
            elif not (prev_alone or alone) and _joins(prev, line, margins):  # continues()
                # a Latin word wrapped at the line end keeps its space; CJK text has none
                sep = " " if _latin_end(prev.text) and _latin_end(line.text[:1]) else ""
            else:
                sep = "\n"
            parts.append(sep + line.text)
            length += len(sep) + len(line.text)
            prev, prev_alone = line, alone
        spans.append(PageSpan(page.number, start, length))
    return "".join(parts), tuple(spans)


def _latin_end(text: str) -> bool:
    return bool(text) and text[-1].isascii() and text[-1].isalpha()


def _loose_line(text: str) -> Line:
    """A header or footer line that turned out to be content: never joined to neighbours."""
    return Line(text=text, x0=-1e9, x1=-1e9, size=0.0)
