"""Where a PDF page's time goes on the pdfium path: milliseconds per page of each stage, in
one process, beside raw pypdfium2 on the same pages (the denominator of ratio_pdfium_raw).

    .venv/bin/python bench/stages.py            (after bench/corpus.py; reads corpus/pdf/)
    .venv/bin/python bench/stages.py --files 40 (the first 40 PDFs only)

Each stage is timed by wrapping the function that does it (time.perf_counter around every
call), so stages nest as the code does: "PDFium page read" holds the page and text-page
load, "characters -> pieces" and "page objects". "PDFium load only" is measured apart: every
page and text page loaded and closed, nothing read, the floor the pipeline shares with raw.
The wrappers cost about a microsecond a call, which the figures include.
"""
from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from pathlib import Path

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

import parsers.pdf as pdf_reader
import pipeline.extract as extract_module
import pipeline.normalise as normalise_module
import pipeline.run as run_module
import pipeline.segment as segment_module
from parsers.pdf import limits
from parsers.pdf import pdfium as pdfium_reader

ROOT = Path(__file__).resolve().parents[1]

# (module or class, function name, what it does), outermost first
STAGES = [
    (run_module, "read", "read (PDF to lines, all below)"),
    (limits.Budget, "content", "  content pre-check (pdfminer)"),
    (pdfium_reader.PdfiumPages, "read", "  PDFium page read (the three below)"),
    (pdfium_reader._PageChars, "read", "    characters -> pieces"),
    (pdfium_reader._PageObjects, "walk_page", "    page objects (lines, rects)"),
    (pdf_reader, "read_page", "  layout (rows, columns, paragraphs)"),
    (pdf_reader, "assemble", "  lines -> page text"),
    (normalise_module, "normalise", "normalise"),
    (segment_module, "segment", "segment"),
    (extract_module, "extract", "extract (all extractors)"),
    (run_module, "file_output", "rows -> Arrow"),
]


def timed(owner, name: str, seconds: Counter, key: str) -> None:
    function = getattr(owner, name)

    def wrapper(*args, **kwargs):
        started = time.perf_counter()
        try:
            return function(*args, **kwargs)
        finally:
            seconds[key] += time.perf_counter() - started
    setattr(owner, name, wrapper)


def raw_text(pdfs: list[Path]) -> float:
    """bench/run.py's raw_pdfium: get_text_range() of every page."""
    started = time.perf_counter()
    for path in pdfs:
        document = pdfium.PdfDocument(path)
        for page in document:
            page.get_textpage().get_text_range()
        document.close()
    return time.perf_counter() - started


def load_only(pdfs: list[Path]) -> float:
    """Every page and its text page loaded and closed, nothing read."""
    started = time.perf_counter()
    for path in pdfs:
        document = pdfium.PdfDocument(path)
        for index in range(len(document)):
            page = pdfium_c.FPDF_LoadPage(document.raw, index)
            text_page = pdfium_c.FPDFText_LoadPage(page)
            pdfium_c.FPDFText_ClosePage(text_page)
            pdfium_c.FPDF_ClosePage(page)
        document.close()
    return time.perf_counter() - started


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--files", type=int, default=None, help="read only the first N PDFs")
    args = parser.parse_args(argv)
    pdfs = sorted((ROOT / "bench" / "corpus" / "pdf").glob("*.pdf"))[: args.files]
    if not pdfs:
        sys.exit("no PDFs in bench/corpus/pdf: run `make bench-corpus` first")
    pages = sum(len(pdfium.PdfDocument(path)) for path in pdfs)
    extract_module.prepare()
    normalise_module.prepare()
    raw = min(raw_text(pdfs), raw_text(pdfs))
    floor = min(load_only(pdfs), load_only(pdfs))
    seconds: Counter = Counter()
    for owner, name, key in STAGES:
        timed(owner, name, seconds, key)
    started = time.perf_counter()
    for path in pdfs:
        run_module.read_input(path, path.name, pdf_engine="pdfium", ocr="off")
    total = time.perf_counter() - started

    def line(what: str, value: float) -> None:
        print(f"{what:42s} {value / pages * 1e3:6.2f}")
    print(f"{len(pdfs)} PDFs, {pages} pages; milliseconds per page")
    line("raw pypdfium2 get_text_range()", raw)
    line("PDFium load only (page + text page)", floor)
    line("pipeline, one process (read_input)", total)
    for _owner, _name, key in STAGES:
        line(key, seconds[key])
    print(f"ratio to raw, one process: {raw / total:.2f}; the read stage alone: {raw / seconds[STAGES[0][2]]:.2f}")
    print(f"at 0.5 the whole pipeline has {2 * raw / pages * 1e3:.2f} ms a page")
    return 0


if __name__ == "__main__":
    sys.exit(main())
