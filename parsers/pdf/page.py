"""What a PDF engine reads from one page, before any layout: the engines' common output.

Both engines (parsers.pdf.engines: pdfplumber; parsers.pdf.pdfium: PDFium) give each page in
pdfplumber's coordinates, so the layout code after them makes the same lines of either:

* x grows to the right, as in the PDF;
* `top`/`bottom` are measured down from the top of the page: top = H - y, where H is the
  media box's height (pdfplumber's convention, also when the media box does not start at 0);
* a character's box is pdfminer's: from its origin to origin + advance width across, and
  from the font's descent to descent + font size up; `size` is that box's height (the font
  size times the text matrix's vertical scale), not the glyph outline.

The pdfplumber engine gives the characters as Chars, the PDFium engine as Pieces (runs of
characters with one box height and baseline), which PageContent.chars turns into Chars
when asked. Rulings (lines, rects, curves) are pdfplumber object dicts, or dicts with the
same keys, so pdfplumber's own table finder can run on either engine's output.

An engine gives a PDF's pages as a PageSource (parsers.pdf.engines.open_pages).
"""
from __future__ import annotations

from itertools import repeat
from typing import NamedTuple, Protocol

Rulings = list[dict]


class Char(NamedTuple):
    """One character and its box.

    A named tuple rather than a dataclass, for speed: a page has a thousand of these, and
    tuple.__new__ makes one without running Python code.
    """

    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float


class Piece(NamedTuple):
    """Characters that share a box height and baseline, as the PDFium engine reads them (a
    text object's characters, in their order): each is one character of `text`, with its
    own x0 and x1 and the `top`, `bottom` and `size` of all of them."""

    text: str
    x0s: list[float]
    x1s: list[float]
    top: float
    bottom: float
    size: float


_new_tuple = tuple.__new__


class PageContent:
    """One page as an engine read it: its upright characters and its ruling lines.

    The characters are given as Chars or as Pieces (the PDFium engine). Pieces spare making
    a Char for every character, and let the layout code (parsers.pdf) work on whole pieces
    where that comes to the same; `chars` makes the Chars when they are asked for.
    """

    __slots__ = ("number", "width", "height", "pieces", "lines", "rects", "curves", "_chars")

    def __init__(self, number: int, width: float, height: float, chars: list[Char] | None = None,
                 lines: Rulings | None = None, rects: Rulings | None = None, curves: Rulings | None = None,
                 *, pieces: list[Piece] | None = None):
        if (chars is None) == (pieces is None):
            raise ValueError("a page has either chars or pieces")
        self.number = number  # 1-based
        self.width = width
        self.height = height
        self._chars = chars
        self.pieces = pieces
        self.lines = lines if lines is not None else []     # single straight segments
        self.rects = rects if rects is not None else []     # axis-aligned closed rectangles
        self.curves = curves if curves is not None else []  # every other painted path

    @property
    def char_count(self) -> int:
        """How many characters the page has, without making a Char of each."""
        if self._chars is None:
            return sum(len(piece.text) for piece in self.pieces)
        return len(self._chars)

    @property
    def chars(self) -> list[Char]:
        """The page's characters in the engine's order."""
        if self._chars is None:
            chars: list[Char] = []
            for text, x0s, x1s, top, bottom, size in self.pieces:
                chars.extend(map(_new_tuple, repeat(Char),
                                 zip(text, x0s, x1s, repeat(top), repeat(bottom), repeat(size))))
            self._chars = chars
        return self._chars


class PageSource(Protocol):
    """An engine's pages: parsers.pdf.engines.PlumberPages, parsers.pdf.pdfium.PdfiumPages."""

    page_count: int

    def read(self, index: int) -> PageContent: ...

    def close(self) -> None: ...
