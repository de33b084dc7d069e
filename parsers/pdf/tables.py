"""Ruled tables, read cell by cell.

A cell's text may wrap inside the cell; read line by line, the wrapped part would become
a line of its own. So the tables are found by pdfplumber's own table finder, run on the
page's ruling lines from either engine (ruled_tables; the PDFium engine rebuilds
pdfminer's lines, rects and curves from PDFium's path objects, so no page needs
pdfplumber for its tables), and each table row becomes one row whose "characters" are
its cells (ruled_table_rows).
"""
from __future__ import annotations

from bisect import bisect_left, bisect_right
from dataclasses import dataclass

from pdfplumber.table import TableFinder, TableSettings
from pdfplumber.utils import curve_to_edges, line_to_edge, rect_to_edges

from .page import Char, PageContent
from .rows import _text_of, group_rows

# --- tuning knobs (fractions of the font size unless said otherwise) -------------------
MIN_TABLE_RULES = 4         # fewer ruling lines than this on a page: no table to look for


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
