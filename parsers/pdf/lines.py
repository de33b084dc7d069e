"""One page's lines: an engine's PageContent to PageLines.

read_page() groups the page's characters into rows (parsers.pdf.rows) and reads its ruled
tables cell by cell (parsers.pdf.tables); it sets the top row aside as the page's header
when it lies in the top HEADER_BAND of the page, and the bottom row as its footer when it
lies in the bottom FOOTER_BAND (whether they are running headers and page numbers is
decided over the whole document: parsers.pdf.headers); and it reads the other rows in
reading order, left column before right on a two-column page (parsers.pdf.columns).
read_pieces() does the same span by span for a page given as the PDFium engine's pieces
(parsers.pdf.spans), with the same result.
"""
from __future__ import annotations

from dataclasses import dataclass

from .columns import _gutter, _order_lines
from .limits import page_fits
from .page import PageContent
from .rows import _FIRST_TOP, Line, _summarise, _text_of, group_rows
from .spans import _Span, _span_rows, _summarise_spans, _take_tables
from .tables import RuledTable, _inside_any, _is_cell_table, ruled_table_rows, ruled_tables

# --- tuning knobs (fractions of the font size unless said otherwise) -------------------
HEADER_BAND = 0.09          # top share of the page where running headers live
FOOTER_BAND = 0.09          # bottom share of the page where page numbers live


@dataclass(frozen=True, slots=True)
class PageLines:
    number: int
    header: str | None  # the top line, if it may be a running header
    footer: str | None  # the bottom line, if it is in the footer band
    lines: tuple[Line, ...]
    gutter: float | None  # x of the column gutter on a two-column page
    ocr: bool = False  # read by OCR (parsers.pdf.ocr): the page had no usable text layer


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
    gutter = _page_gutter(page, [runs for _line, runs in summaries])
    lines = _order_lines(body, summaries, gutter)
    return PageLines(page.number, header, footer, tuple(lines), gutter)


def _line_text(line: Line | None) -> str:
    """A row's _text_of, from its line (None when it has no text)."""
    return line.text if line is not None else ""


def _page_gutter(page: PageContent, runs: list[list[tuple[float, float]]]) -> float | None:
    """The page's column gutter; none on a page larger than PDF allows, which is read as one
    column (parsers.pdf.read_pages says so in a warning)."""
    return _gutter(runs, page.width) if page_fits(page.width, page.height) else None


def read_pieces(page: PageContent, tables: list[RuledTable]) -> PageLines | None:
    """read_page() for a page given as pieces, with its ruled_tables(); None where it must
    go character by character (see parsers.pdf.spans)."""
    pieces, table_rows = page.pieces, []
    if any(map(_is_cell_table, tables)):
        pieces, table_rows = _take_tables(pieces, tables)
    inked = _span_rows(pieces)
    if inked is None:
        return None
    # from here on as read_page, for rows of spans and the tables' rows of cells (Chars)
    rows = sorted(inked + table_rows, key=_FIRST_TOP)
    # every row's summary, the header's and footer's too: a row's _text_of is its line's text
    summaries = [_summarise_spans(row) if type(row[0]) is _Span else _summarise(row) for row in rows]
    header = footer = None
    if rows and rows[0][0].bottom < page.height * HEADER_BAND:
        header = _line_text(summaries[0][0])
    if rows and len(rows) > (header is not None) and rows[-1][0].top > page.height * (1 - FOOTER_BAND):
        footer = _line_text(summaries[-1][0])
    body = slice(1 if header is not None else 0, -1 if footer is not None else None)
    rows, summaries = rows[body], summaries[body]
    gutter = _page_gutter(page, [runs for _line, runs in summaries])
    return PageLines(page.number, header, footer, tuple(_order_lines(rows, summaries, gutter)), gutter)
