"""The PDF engines: open_pages() gives a PDF's pages as one engine reads them.

"pdfplumber" (PlumberPages, here: pdfminer) is the reference engine; "pdfium" (PdfiumPages,
parsers.pdf.pdfium: pypdfium2) the default, which hands the rare page it cannot read as
pdfminer does to the reference engine. Both give each page as a PageContent
(parsers.pdf.page) with the same characters and boxes.
"""
from __future__ import annotations

import io

import pdfplumber
import pypdfium2.raw as pdfium_c
from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
from pypdfium2 import PdfiumError

from .limits import check_page_chars
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
            check_page_chars(len(chars))
            return PageContent(index + 1, page.width, page.height, chars,
                               page.lines, page.rects, page.curves)
        finally:
            page.close()  # release the page's parsed objects: flat memory

    def close(self) -> None:
        self._pdf.close()


def encryption_problem(exc: BaseException, engine: str) -> str | None:
    """Why `engine` could not open an encrypted PDF, if `exc` (raised on opening it) says that
    is the reason: it needs a password (PDFium's password error; pdfminer's
    PDFPasswordIncorrect, which pdfplumber wraps), or its security handler is one the engine
    does not know. None for any other error. A PDF encrypted only against changes (no user
    password) opens in both engines and is read."""
    seen: list[BaseException] = []
    stack = [exc]
    while stack and len(seen) < 10:  # the error, what it wraps or was raised from
        error = stack.pop()
        if error is None or not isinstance(error, BaseException) or error in seen:
            continue
        seen.append(error)
        if isinstance(error, PDFPasswordIncorrect) or \
                isinstance(error, PdfiumError) and error.err_code == pdfium_c.FPDF_ERR_PASSWORD:
            return f"the PDF is encrypted and {engine} cannot open it without its password"
        if isinstance(error, PDFEncryptionError) or \
                isinstance(error, PdfiumError) and error.err_code == pdfium_c.FPDF_ERR_SECURITY:
            return f"the PDF is encrypted with a security handler {engine} does not support: {error}"
        stack.extend([error.__cause__, error.__context__, *error.args])
    return None


def _describe(data: bytes) -> str:
    head = data[:64].lstrip().lower()
    if head.startswith((b"<!doctype html", b"<html")):
        return "an HTML page"
    if head.startswith(b"pk"):
        return "a ZIP archive"
    return repr(data[:16])
