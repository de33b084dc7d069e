"""What a PDF engine reads from one page, before any layout: the engines' common output.

Both engines (parsers.pdf: pdfplumber; parsers.pdfium_pages: PDFium) give each page in
pdfplumber's coordinates, so the layout code after them cannot tell them apart:

* x grows to the right, as in the PDF;
* `top`/`bottom` are measured down from the top of the page: top = H - y, where H is the
  media box's height (pdfplumber's convention, also when the media box does not start at 0);
* a character's box is pdfminer's: from its origin to origin + advance width across, and
  from the font's descent to descent + font size up; `size` is that box's height (the font
  size times the text matrix's vertical scale), not the glyph outline.

Rulings (lines, rects, curves) are pdfplumber object dicts, or dicts with the same keys,
so pdfplumber's own table finder can run on either engine's output.
"""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(slots=True)  # not frozen: a frozen dataclass is built 5x slower, and a page has
class Char:              # a thousand of these; nothing changes a Char once it is made
    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float


@dataclass(frozen=True, slots=True)
class PageContent:
    """One page as an engine read it: its upright characters and its ruling lines."""

    number: int  # 1-based
    width: float
    height: float
    chars: list[Char]
    lines: list[dict] = field(default_factory=list)   # single straight segments
    rects: list[dict] = field(default_factory=list)   # axis-aligned closed rectangles
    curves: list[dict] = field(default_factory=list)  # every other painted path
