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
from collections import Counter
from dataclasses import dataclass
from operator import attrgetter
from pathlib import Path

import pdfplumber
from pdfplumber.table import TableFinder, TableSettings
from pdfplumber.utils import curve_to_edges, line_to_edge, rect_to_edges

from pipeline.patterns import TOC_LEADER
from pipeline.records import PageSpan, RawIssue

from . import ReadError, read_bytes
from .pdf_page import Char, PageContent
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


@dataclass(frozen=True, slots=True)
class Line:
    """One line of one column, with what the paragraph joiner needs to know."""

    text: str
    x0: float
    x1: float
    size: float
    top: float = 0.0
    bottom: float = 0.0


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
    chars = page.chars
    table_rows, boxes = ruled_table_rows(ruled_tables(page), chars)
    if boxes:
        chars = [c for c in chars if not _inside_any(c, boxes)]
    rows = sorted(group_rows(chars) + table_rows, key=lambda r: r[0].top)
    header = footer = None
    if rows and rows[0][0].bottom < page.height * HEADER_BAND:
        header = _text_of(rows[0])
    if rows and len(rows) > (header is not None) and rows[-1][0].top > page.height * (1 - FOOTER_BAND):
        footer = _text_of(rows[-1])
    body = rows[1 if header is not None else 0: -1 if footer is not None else None]
    gutter = find_gutter(body, page.width)
    lines = order_lines(body, gutter)
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
        cells = table.rows
        if not cells or max(len(r) for r in cells) < 2:  # a lone box is a frame, not a table
            continue
        boxes.append(table.bbox)
        # every cell lies within the table's box: look for cell text among its characters only
        chars = [c for c in all_chars if _inside(c, table.bbox)]
        for row in cells:
            texts = [_cell_text(chars, box) if box else "" for box in row]
            if not any(texts):
                continue
            present = [box for box in row if box]
            size = next((c.size for c in chars if _inside_any(c, present)), 10.0)
            top = min(box[1] for box in present)
            out = [Char(text + ("\t" if i < len(texts) - 1 else ""), box[0], box[2], top, top + size, size)
                   for i, (text, box) in enumerate(zip(texts, row, strict=True)) if box]
            rows.append(out)
    return rows, boxes


def _inside(ch: Char, box: tuple) -> bool:
    x0, top, x1, bottom = box
    mid_x, mid_y = (ch.x0 + ch.x1) / 2, (ch.top + ch.bottom) / 2
    return x0 <= mid_x <= x1 and top <= mid_y <= bottom


def _inside_any(ch: Char, boxes: list[tuple]) -> bool:
    mid_x, mid_y = (ch.x0 + ch.x1) / 2, (ch.top + ch.bottom) / 2
    return any(x0 <= mid_x <= x1 and top <= mid_y <= bottom for x0, top, x1, bottom in boxes)


def _cell_text(chars: list[Char], box: tuple) -> str:
    """A cell's text: its lines joined (a wrapped cell is one value)."""
    return "".join(_text_of(r) for r in group_rows([c for c in chars if _inside(c, box)]))


def group_rows(chars: list[Char]) -> list[list[Char]]:
    """Characters grouped by baseline, top to bottom, each row sorted left to right."""
    rows: list[list[Char]] = []
    row: list[Char] = []
    first_top = first_size = 0.0  # of the row's first character, which the others are held to
    for ch in sorted(chars, key=_TOP_X0):
        # abs(ch.top - first_top) <= ROW_TOLERANCE * max(ch.size, first_size), unrolled: this
        # runs once per character of the page
        tolerance = ROW_TOLERANCE * (ch.size if ch.size > first_size else first_size)
        if row and -tolerance <= ch.top - first_top <= tolerance:
            row.append(ch)
        else:
            row = [ch]
            rows.append(row)
            first_top, first_size = ch.top, ch.size
    return [sorted(r, key=_X0) for r in rows if any(c.text.strip() for c in r)]


_TOP_X0 = attrgetter("top", "x0")
_X0 = attrgetter("x0")


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
            if out and out[-1] not in " \t":
                out.append(" ")
            continue
        if prev_x1 is not None:
            gap = ch.x0 - prev_x1
            if gap > TAB_GAP * ch.size:
                out.append("\t")
            elif gap > SPACE_GAP * ch.size and out and out[-1] not in " \t":
                out.append(" ")
        out.append(text)
        prev_x1 = ch.x1
    return "".join(out).strip(" ")


def _intervals(row: list[Char]) -> list[tuple[float, float]]:
    """The x-extents of the runs of text in a row."""
    runs: list[tuple[float, float]] = []
    start = end = 0.0
    for ch in row:
        if not ch.text.strip():
            continue
        if runs and ch.x0 - end <= INTERVAL_GAP * ch.size:
            if ch.x1 > end:
                end = ch.x1
                runs[-1] = (start, end)
        else:
            start, end = ch.x0, ch.x1
            runs.append((start, end))
    return runs


def find_gutter(rows: list[list[Char]], width: float) -> float | None:
    """The x of a column gutter that almost no row crosses, or None for one column.

    The candidates are the whole points across the middle of the page; the first with the
    fewest crossing rows wins. A row crosses x when one of its runs of text has a < x < b.
    """
    if len(rows) < MIN_ROWS_FOR_COLUMNS:
        return None
    spans = [_intervals(r) for r in rows]
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
    best_x, best_crossings, crossings = first, None, 0
    for offset in range(last - first + 1):
        crossings += change[offset]
        if best_crossings is None or crossings < best_crossings:
            best_x, best_crossings = first + offset, crossings
    if best_crossings is None or best_crossings > MAX_GUTTER_CROSSINGS * len(rows):
        return None
    # centre the gutter within the empty band around best_x
    left_edge = max((b for s in spans for a, b in s if b <= best_x), default=best_x)
    right_edge = min((a for s in spans for a, b in s if a >= best_x), default=best_x)
    gutter = (left_edge + right_edge) / 2
    left_rows = sum(any(b <= gutter for a, b in s) for s in spans)
    right_rows = sum(any(a >= gutter for a, b in s) for s in spans)
    if min(left_rows, right_rows) < MIN_COLUMN_ROWS * len(rows):
        return None
    return gutter


def order_lines(rows: list[list[Char]], gutter: float | None) -> list[Line]:
    """Rows to lines in reading order: one column top to bottom, or left column then right
    column within each band between rows that span both."""
    if gutter is None:
        return _make_lines([(r, None) for r in rows])
    ordered: list[tuple[list[Char], str | None]] = []
    left: list[list[Char]] = []
    right: list[list[Char]] = []

    def flush():
        ordered.extend((r, "left") for r in left)
        ordered.extend((r, "right") for r in right)
        left.clear()
        right.clear()

    for row in rows:
        if any(c.x0 < gutter < c.x1 for c in row):
            flush()
            ordered.append((row, None))
            continue
        lpart = [c for c in row if c.x1 <= gutter]
        rpart = [c for c in row if c.x0 >= gutter]
        if lpart:
            left.append(lpart)
        if rpart:
            right.append(rpart)
    flush()
    return _make_lines(ordered)


def _make_lines(rows: list[tuple[list[Char], str | None]]) -> list[Line]:
    lines = []
    for row, _column in rows:
        text = _text_of(row)
        if text:
            inked = [c for c in row if c.text.strip()]  # x0, x1 and size ignore spaces
            lines.append(Line(text=text, x0=min([c.x0 for c in inked]), x1=max([c.x1 for c in inked]),
                              size=_commonest_size(inked),
                              top=min([c.top for c in row]), bottom=max([c.bottom for c in row])))
    return lines


def _commonest_size(chars: list[Char]) -> float:
    """The commonest size (to 0.1) of the characters; on a tie, the one met first."""
    sizes = [c.size for c in chars]
    if sizes.count(sizes[0]) == len(sizes):  # the usual line: one size throughout
        return round(sizes[0], 1)
    return Counter(round(size, 1) for size in sizes).most_common(1)[0][0]


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
    if any("\t" in line.text or TOC_LEADER.search(line.text) for line in (prev, nxt)):
        return False
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
    for page in pages:
        lines = list(page.lines)
        if page.header and header_signature(page.header) not in headers:
            lines.insert(0, _loose_line(page.header))
        if page.footer and not _PAGE_NUMBER.match(page.footer):
            lines.append(_loose_line(page.footer))
        start = length
        for line in lines:
            if prev is None:
                sep = ""
            elif continues(prev, line, margins):
                # a Latin word wrapped at the line end keeps its space; CJK text has none
                sep = " " if _latin_end(prev.text) and _latin_end(line.text[:1]) else ""
            else:
                sep = "\n"
            parts.append(sep + line.text)
            length += len(sep) + len(line.text)
            prev = line
        spans.append(PageSpan(page.number, start, length))
    return "".join(parts), tuple(spans)


def _latin_end(text: str) -> bool:
    return bool(text) and text[-1].isascii() and text[-1].isalpha()


def _loose_line(text: str) -> Line:
    """A header or footer line that turned out to be content: never joined to neighbours."""
    return Line(text=text, x0=-1e9, x1=-1e9, size=0.0)
