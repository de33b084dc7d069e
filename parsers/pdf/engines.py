"""The PDF engines: open_pages() gives a PDF's pages as one engine reads them.

"pdfplumber" (PlumberPages, here: pdfminer) is the reference engine; "pdfium" (PdfiumPages,
parsers.pdf.pdfium: pypdfium2) the default, which hands the rare page it cannot read as
pdfminer does to the reference engine. Both give each page as a PageContent
(parsers.pdf.page) with the same characters and boxes.
"""
from __future__ import annotations

import io

import pdfplumber

from .page import Char, PageContent, PageSource
from .pdfium import PdfiumPages


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
