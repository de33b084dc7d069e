"""PDF reader: a gazette issue's text layer, in reading order, with page provenance.

An engine reads each page's upright characters with their boxes, and its ruling lines
(parsers.pdf.page.PageContent). Two engines give the same characters and boxes:
"pdfplumber" (pdfminer; the reference, parsers.pdf.engines) and "pdfium" (pypdfium2,
parsers.pdf.pdfium; the default: it reads a page's characters about eight times faster,
and hands the rare page it cannot read as pdfminer does to the reference engine).
Everything after that is shared, so both engines make the same text. From those boxes
1. characters are grouped into rows (same baseline) and rows into lines (rows.py); a
   ruled table is read cell by cell (tables.py). Tables are found by pdfplumber's own
   table finder, run on the page's ruling lines from either engine (the PDFium engine
   rebuilds pdfminer's lines, rects and curves from PDFium's path objects), so no page
   needs pdfplumber for its tables,
2. two-column pages are found by a vertical gutter that (almost) no row crosses, and the
   left column is read before the right one (rows spanning the gutter stay in place)
   (columns.py),
3. running headers (a top line repeated across pages, digits aside, in either order:
   `2024年第11期 嘉兴市人民政府公报` / `嘉兴市人民政府公报 2024年第11期`) and page-number
   footers (`— 3 —`, `- 3 -`, `第3页`) are dropped (headers.py),
4. a line is joined to the next one when the layout shows the paragraph goes on: the line
   runs to the right edge of its column and the next starts flush left, not indented.
   This also joins paragraphs across columns and pages. A centred heading wrapped over
   several lines (a title, `【市政府人事任免】(2024` / `年` / `10` / `月份)`) is joined too
   (paragraphs.py).

Steps 1 and 2 make one page's lines (lines.py), and set aside its top and bottom lines
as header and footer candidates for step 3; steps 3 and 4 run over the whole document
(paragraphs.assemble). Step 1 is written twice. read_page() goes character by character;
read_pieces() takes the PDFium engine's pieces (a text object's characters, which share a
box height and baseline) and goes span by span wherever that comes to the same lines,
which is on nearly every page, and hands the page to read_page() where it might not (see
spans.py).

Pages are read one at a time (read_pages, here) and released, so memory stays flat on
long issues; only the small per-line records are kept until the header pass has seen
every page. A deadline (a time.monotonic() value) is checked between pages, and limits on
content and characters, per page and per file, before and after each (limits.py): a page
over one is left out with a warning, so a decompression bomb is not read to exhaustion.

The modules, in the order a page goes through them:

    page.py        Char, Piece, PageContent, PageSource: what an engine reads of a page
    engines.py     open_pages(); PlumberPages, the reference engine (pdfplumber)
    pdfium.py      PdfiumPages, the default engine (PDFium)
    lines.py       read_page(), read_pieces(): one page's PageLines
    rows.py        characters -> rows -> Lines; the tuning knobs for spaces and tabs
    tables.py      ruled tables, read cell by cell
    spans.py       the PDFium engine's pieces cut into spans, for read_pieces()
    columns.py     the gutter of a two-column page; lines in reading order
    headers.py     running headers and page-number footers
    paragraphs.py  margins, lines joined into paragraphs; assemble(): text and page spans
    limits.py      how much of a file is read: content and characters per page and file

Raises ReadError: empty_file, not_a_pdf, encrypted_pdf, corrupt_pdf, size_limit, no_text_layer, time_limit.
"""
from __future__ import annotations

import time
from dataclasses import replace
from pathlib import Path

from pipeline.records import RawIssue

from .. import ReadError, read_bytes
from . import limits
from .engines import PlumberPages, _describe, encryption_problem, open_pages
from .lines import PageLines, read_page
from .ocr import MIN_CONFIDENCE, OcrReader, OcrUnavailable, needs_ocr
from .ocr import MODES as OCR_MODES
from .page import Char, PageContent, PageSource, Piece
from .paragraphs import assemble
from .pdfium import PdfiumPages
from .rows import Line

__all__ = ["ENGINES", "OCR_MODES", "Char", "Line", "PageContent", "PageLines", "Piece", "PdfiumPages", "PlumberPages",
           "ReadError", "assemble", "open_pages", "parse", "read_page", "read_pages"]

ENGINES = ("pdfium", "pdfplumber")  # the default, the reference


def parse(path: Path, source_file: str | None = None, *, engine: str = "pdfium",
          deadline: float | None = None, ocr: str = "auto") -> RawIssue:
    """The PDF's text with its page spans. `engine` is one of ENGINES; `deadline` is a
    time.monotonic() value after which reading stops between two pages (time_limit); `ocr`
    (OCR_MODES) says which pages are read by OCR."""
    if engine not in ENGINES:
        raise ValueError(f"unknown PDF engine {engine!r}; one of {', '.join(ENGINES)}")
    if ocr not in OCR_MODES:
        raise ValueError(f"unknown OCR mode {ocr!r}; one of {', '.join(OCR_MODES)}")
    data, sha256 = read_bytes(path)
    if b"%PDF-" not in data[:1024]:
        raise ReadError("not_a_pdf", f"no %PDF- header; the file starts with {_describe(data)}")
    pages, warnings, left_out = read_pages(data, engine, deadline, ocr)
    if not any(p.lines or p.header or p.footer for p in pages):
        if left_out:
            raise ReadError("size_limit", "no page could be read within the size limits: " + "; ".join(warnings[:3]))
        if any(p.ocr for p in pages) or ocr != "off" and warnings:  # OCR read nothing it could trust
            raise ReadError("no_text_layer", f"{len(pages)} page(s) without a text layer, and OCR read no "
                                             "text it could trust: " + "; ".join(warnings[:3]))
        if warnings:
            raise ReadError("corrupt_pdf", "no page could be read: " + "; ".join(warnings[:3]))
        raise ReadError("no_text_layer", f"{len(pages)} page(s) without a text layer (scanned images?), "
                                         "and --ocr off")
    text, spans = assemble(pages)
    return RawIssue(source_file=source_file or str(path), source_sha256=sha256, source_format="pdf",
                    text=text, pages=spans, line_breaks="layout", warnings=tuple(warnings))


def read_pages(data: bytes, engine: str, deadline: float | None,
               ocr: str = "auto") -> tuple[list[PageLines], list[str], int]:
    """Every page's lines, the warnings, and how many pages were left out for the limits.
    A page that fails is a warning and the others are still read. A page without a usable
    text layer is read by OCR (parsers.pdf.ocr) unless `ocr` is off. A page over a limit
    (parsers.pdf.limits) is left out, and named in a warning; once the file is over one,
    the pages after it are too."""
    try:
        source = open_pages(data, engine)
    except Exception as exc:  # pdfminer and PDFium raise many types for a broken file
        encrypted = encryption_problem(exc, engine)
        if encrypted:
            raise ReadError("encrypted_pdf", encrypted) from exc
        raise ReadError("corrupt_pdf", f"{engine} cannot open it: {exc}") from exc
    pages: list[PageLines] = []
    warnings: list[str] = []
    scans = OcrReader(data)
    budget = limits.Budget(data)
    left_out = 0
    try:
        total = source.page_count
        for index in range(total):
            if deadline is not None and time.monotonic() > deadline:
                raise ReadError("time_limit", f"stopped reading at page {index + 1} of {total}: "
                                              "over the per-file time limit")
            try:
                pages.append(_read_one(source, index, budget, scans, ocr, warnings))
            except limits.PageOverLimit as over:
                warnings.append(f"page {index + 1} left out: {over}")
                left_out += 1
            except limits.FileOverLimit as over:
                named = f"page {total}" if index + 1 == total else f"pages {index + 1}–{total}"
                warnings.append(f"{named} left out: {over}")
                left_out += total - index
                break
            except Exception as exc:  # one bad page: say so and read the others
                warnings.append(f"page {index + 1} unreadable: {type(exc).__name__}: {exc}")
    finally:
        source.close()
        scans.close()
    return pages, warnings, left_out


def _read_one(source: PageSource, index: int, budget: limits.Budget, scans: OcrReader, ocr: str,
              warnings: list[str]) -> PageLines:
    """Page `index`'s lines, if it is within the limits (PageOverLimit, FileOverLimit)."""
    budget.content(index)
    content = source.read(index)
    budget.chars(content.char_count)
    if not limits.page_fits(content.width, content.height):  # no column search on a page this odd
        warnings.append(f"page {index + 1} is {limits.points(content.width)} × {limits.points(content.height)} "
                        f"points, larger than PDF allows ({limits.MAX_PAGE_SIZE:,}): read as one column")
    if needs_ocr(content, ocr):
        return _read_by_ocr(scans, index, content, warnings)
    return read_page(content)


def _read_by_ocr(scans: OcrReader, index: int, content: PageContent, warnings: list[str]) -> PageLines:
    """The page's lines as OCR reads them; none, and a warning, when OCR is not to be trusted
    on it (or there is no OCR engine)."""
    try:
        scanned, confidence = scans.read(index, content)
    except OcrUnavailable as exc:
        warnings.append(f"page {index + 1} has no text layer and was not read: {exc}")
    else:
        if confidence >= MIN_CONFIDENCE:
            return replace(read_page(scanned), ocr=bool(scanned.chars))  # a blank page is no OCR text
        warnings.append(f"page {index + 1} has no text layer and its OCR confidence {confidence:.2f} is "
                        f"below {MIN_CONFIDENCE}: its text is left out")
    return PageLines(content.number, None, None, (), None, ocr=True)
