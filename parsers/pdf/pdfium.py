"""The PDFium engine: each page's characters and ruling lines, read with pypdfium2.

PDFium reads these PDFs many times faster than pdfminer (which pdfplumber wraps), but its
text page is not pdfminer's: its loose character boxes reach out to the glyph outline, its
font size leaves out the text matrix, it makes up spaces and line breaks, drops glyphs
drawn twice, and replaces text that has /ActualText. This module rebuilds pdfminer's
character boxes from PDFium's parts, so that the layout code in parsers.pdf makes the same
text from either engine (tests/test_pdf_engines.py holds it to that):

* text: the page's text in one FPDFText_GetText call (one code unit per character when the
  page has no control characters; otherwise FPDFText_GetUnicode per character). PDFium's
  made-up characters (FPDFText_IsGenerated) are skipped; only whitespace can be made up,
  so only whitespace is asked about. The text is UTF-16: a character outside the BMP (a
  rare CJK Extension B character in a name) is two character indexes, its surrogates, at
  one origin, and they are joined into one character with their box (_surrogates).
* x0 is the character's origin (FPDFText_GetCharOrigin); PDFium's loose box starts further
  left where the glyph outline does, pdfminer's never does.
* x1 is x0 plus the advance width, which is the same for every occurrence of a character in
  one font, size and scale: it is measured once, on the loose box's right edge (or taken
  from the font, FPDFFont_GetGlyphWidth, where the outline reaches past the advance).
* bottom is the baseline plus the font's descent, top is bottom plus the font size, both
  scaled by the text matrix, and `size` is that height, as in pdfminer (not the nominal
  size FPDFText_GetFontSize reports). The descent is PDFium's (FPDFFont_GetDescent), except
  for the standard font names, where pdfminer uses its own AFM metrics, and so do we.
* rulings: the page's path objects, split into subpaths and sorted into lines, rects and
  curves the way pdfminer does it (converter.paint_path), as pdfplumber dicts.

A page where PDFium and pdfminer part ways is handed to the reference engine (pdfplumber),
opened only when first needed, so the output stays the same:

* the page is rotated (/Rotate): pdfminer turns the coordinates and drops turned text;
* text is rotated, skewed or mirrored (here only scaled and moved text is rebuilt);
* a font has no usable ToUnicode entry, or a character no Unicode (pdfminer writes
  "(cid:N)", PDFium the raw code);
* text carries /ActualText (PDFium reads the replacement instead of the glyphs);
* a text object with ink gave no characters (PDFium drops an object drawn again over the
  previous one, a "fake bold"; pdfminer keeps both copies);
* the media box is inherited and the page has its own crop box (PDFium's API reports only
  the page's own media box, and pdfplumber's coordinates hang on the media box).

Known differences that are not caught (none occurs in the test corpora): a glyph PDFium
drops as a duplicate inside one text object; a repeated space PDFium drops (harmless: the
layout makes one space of several); vertical writing; a font whose descent PDFium reads
differently (no /Descent in its descriptor, a fractional one); a character that two glyphs
of one font draw at different widths; a crop box inherited from the page tree along with
the media box (taken for the media box); coordinates agree to PDFium's single precision
(1e-4 pt), not to the last bit; half a surrogate pair alone (a broken ToUnicode entry) is
U+FFFD here, where pdfminer leaves the character's text empty.

The characters go out as Pieces (parsers.pdf.page): the characters of one text object
share a font, size, scale and baseline, so a run of them is one piece, one text with a
list of x0s and of x1s, and no Char is made for each character unless asked for. Reading
is shaped for speed, since it runs for every character: PDFium is asked for all of a
page's text objects and origins in one loop in C (_chars.c, built by the install; where it
is not built, in map() through ctypes, no Python statement per character either), and a
run's boxes are made with a few list operations (_PageChars.read).

Memory stays flat: a page's text page is closed as soon as its characters are read, and
the page itself when the next page has been read (see _Fonts for why not sooner).
"""
from __future__ import annotations

import ctypes
import re
import struct
import threading
from collections.abc import Callable
from itertools import groupby, repeat
from operator import add

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
from pdfminer.fontmetrics import FONT_METRICS

from .limits import check_page_chars
from .page import PageContent, PageSource, Piece

try:  # the per-character and per-text-object calls in C (_chars.c), built by the install
    from . import _chars as _compiled  # where a C compiler is
except ImportError:  # the same calls through ctypes, slower
    _compiled = None


def _unchecked(name: str, restype=ctypes.c_int):
    """PDFium's `name`, bound once more without argument types.

    pypdfium2's bindings convert and check every argument against its declared type, which
    costs twice as much as the call itself; for the functions called once per character or
    text object, a binding without argtypes is three times faster. Handles must then be
    passed as ctypes pointers (c_void_p for addresses), float parameters as c_float.

    Bound as a PYFUNCTYPE, the call keeps the GIL rather than releasing and taking it
    again, which costs more than these calls' own work (15% of a per-character call).
    Nothing here calls back into Python, and PDFium must not run in two threads at once
    anyway, so holding the GIL over a call of a microsecond loses nothing.
    """
    address = ctypes.cast(getattr(pdfium_c, name), ctypes.c_void_p).value
    function = ctypes.PYFUNCTYPE(restype)(address)
    function.argtypes = None
    return function


# once per character
_is_generated = _unchecked("FPDFText_IsGenerated")
_get_unicode = _unchecked("FPDFText_GetUnicode", ctypes.c_uint)
_get_text_object = _unchecked("FPDFText_GetTextObject", ctypes.c_void_p)
_get_origin = _unchecked("FPDFText_GetCharOrigin")
# once per page
_get_text = _unchecked("FPDFText_GetText")
if _compiled is not None:  # _chars.c calls PDFium's functions by address
    _compiled.bind(*(ctypes.cast(getattr(pdfium_c, name), ctypes.c_void_p).value for name in (
        "FPDFText_GetTextObject", "FPDFText_GetCharOrigin", "FPDFText_GetMatrix", "FPDFText_HasUnicodeMapError",
        "FPDFPageObj_CountMarks", "FPDFTextObj_GetFont", "FPDFText_GetFontSize", "FPDFText_GetLooseCharBox",
        "FPDFFont_GetGlyphWidth")))
# once per character and style, or per text object
_get_loose_box = _unchecked("FPDFText_GetLooseCharBox")
_get_glyph_width = _unchecked("FPDFFont_GetGlyphWidth")
_get_char_matrix = _unchecked("FPDFText_GetMatrix")
_get_font_size = _unchecked("FPDFText_GetFontSize", ctypes.c_double)
_has_unicode_map_error = _unchecked("FPDFText_HasUnicodeMapError")
_get_font = _unchecked("FPDFTextObj_GetFont", ctypes.c_void_p)
_count_marks = _unchecked("FPDFPageObj_CountMarks")
# once per page object, or per point of a path
_get_object = _unchecked("FPDFPage_GetObject", ctypes.c_void_p)
_get_form_object = _unchecked("FPDFFormObj_GetObject", ctypes.c_void_p)
_get_object_type = _unchecked("FPDFPageObj_GetType")
_count_segments = _unchecked("FPDFPath_CountSegments")
_get_segment = _unchecked("FPDFPath_GetPathSegment", ctypes.c_void_p)
_get_point = _unchecked("FPDFPathSegment_GetPoint")
_get_segment_type = _unchecked("FPDFPathSegment_GetType")
_is_closing = _unchecked("FPDFPathSegment_GetClose")

# The characters PDFium may make up, and the marks it puts in the page text instead of a
# character: U+FFFE for a hyphen at a line end (U+0002 as the character's code) or for a
# character without Unicode.
_GENERATED = frozenset(" \r\n")
_ASK_PDFIUM = _GENERATED | {"\x02", "\ufffe"}
# PDFium's text is UTF-16: a character outside the BMP (a rare CJK Extension B name) is two
# character indexes, a high and a low surrogate, to be joined (_add_slowly)
_ASK_PDFIUM_PATTERN = re.compile("[ \r\n\x02\ufffe\ud800-\udfff]")  # _ASK_PDFIUM, surrogates
_MARKS_PATTERN = re.compile("[\x02\ufffe\ud800-\udfff]")
_HIGH_SURROGATES, _LOW_SURROGATES = ("\ud800", "\udbff"), ("\udc00", "\udfff")
_PATH, _TEXT, _FORM = pdfium_c.FPDF_PAGEOBJ_PATH, pdfium_c.FPDF_PAGEOBJ_TEXT, pdfium_c.FPDF_PAGEOBJ_FORM
_MOVETO, _LINETO = pdfium_c.FPDF_SEGMENT_MOVETO, pdfium_c.FPDF_SEGMENT_LINETO
_NO_INK = 0.01  # PDFium skips a text object narrower than this (kSizeEpsilon)


class NeedsReference(Exception):
    """This page must be read by the reference engine; the message says why."""


class _Style:
    """What the characters of one font at one size and scale share: box height, descent,
    and advance widths (measured once per character)."""

    __slots__ = ("font", "font_address", "nominal_size", "font_size", "scale_x", "height", "descent", "size",
                 "widths")

    def __init__(self, font: int, font_size: float, scale_x: float, scale_y: float, descent: float):
        self.font = ctypes.c_void_p(font)
        self.font_address = font
        self.nominal_size = font_size  # Tf's operand
        self.font_size = ctypes.c_float(font_size)  # the same, as FPDFFont_GetGlyphWidth takes it
        self.scale_x = scale_x      # the text matrix's horizontal scale, Tz included
        self.height = font_size * scale_y      # pdfminer's box height
        self.descent = descent * self.height   # baseline to box bottom (negative: below)
        self.size = self.height or 10.0        # as the pdfplumber engine: a size of 0 counts as 10
        self.widths: dict[str, float] = {}     # character -> advance width on the page


class _Fonts:
    """Styles and descents of the fonts of the open pages, by PDFium's font handle.

    A handle is an address, and PDFium frees a page's fonts when the page is closed; a font
    loaded later may take a freed font's address. So PdfiumPages keeps a page open until
    the next one has been read (a font used by both stays the same object, and its widths
    need not be measured again), then closes it and forgets the fonts the new page does
    not use.
    """

    def __init__(self):
        self.styles: dict[tuple, _Style] = {}  # (font, size, scale x, scale y) -> style
        self.descents: dict[int, float] = {}   # font -> descent per unit of font size
        self.used: set[int] = set()            # fonts of the page being read

    def style(self, font: int, font_size: float, scale_x: float, scale_y: float) -> _Style:
        self.used.add(font)
        key = (font, font_size, scale_x, scale_y)
        style = self.styles.get(key)
        if style is None:
            style = self.styles[key] = _Style(font, font_size, scale_x, scale_y, self.descent(font))
        return style

    def descent(self, font: int) -> float:
        """The font's descent per unit of font size, as pdfminer has it."""
        if font not in self.descents:
            handle = ctypes.cast(font, pdfium_c.FPDF_FONT)
            name = _base_font_name(handle)
            if name in FONT_METRICS:  # pdfminer takes a standard font's metrics from its AFM
                descent = float(FONT_METRICS[name][0]["Descent"])
            else:
                value = ctypes.c_float()
                descent = value.value if pdfium_c.FPDFFont_GetDescent(handle, 1000.0, value) else 0.0
            self.descents[font] = descent / 1000
        return self.descents[font]

    def keep_only_used(self) -> None:
        """Forget the fonts the page just read does not use; start counting afresh."""
        self.styles = {key: style for key, style in self.styles.items() if key[0] in self.used}
        self.descents = {font: d for font, d in self.descents.items() if font in self.used}
        self.used = set()


class PdfiumPages:
    """The pages of one PDF, read with PDFium; odd pages read by the reference engine."""

    def __init__(self, data: bytes, reference: Callable[[], PageSource]):
        self._document = pdfium.PdfDocument(data)  # PdfiumError on a broken file
        self.page_count = len(self._document)
        self._open_reference = reference
        self._reference: PageSource | None = None
        self._fonts = _Fonts()
        self._previous_page = None  # kept open until the next page is read: see _Fonts
        self.reference_pages: list[tuple[int, str]] = []  # (page number, why), for tests

    def read(self, index: int) -> PageContent:
        page = pdfium_c.FPDF_LoadPage(self._document.raw, index)
        if not page:
            raise RuntimeError(f"PDFium cannot load page {index + 1}")
        try:
            return self._read(page, index + 1)
        except NeedsReference as why:
            self.reference_pages.append((index + 1, str(why)))
        finally:
            self._close_previous_page()
            self._previous_page = page
            self._fonts.keep_only_used()
        if self._reference is None:
            self._reference = self._open_reference()
        return self._reference.read(index)

    def close(self) -> None:
        self._close_previous_page()
        if self._reference is not None:
            self._reference.close()
        self._document.close()

    def _close_previous_page(self) -> None:
        if self._previous_page is not None:
            pdfium_c.FPDF_ClosePage(self._previous_page)
            self._previous_page = None

    def _read(self, page, number: int) -> PageContent:
        text_page = pdfium_c.FPDFText_LoadPage(page)
        if not text_page:
            raise RuntimeError(f"PDFium cannot read the text of page {number}")
        try:
            # counted first, also on a page the reference engine is to read (it takes ten
            # times the memory per character)
            check_page_chars(pdfium_c.FPDFText_CountChars(text_page))
            if pdfium_c.FPDFPage_GetRotation(page):
                raise NeedsReference("rotated page")
            x0, y0, x1, y1 = _media_box(page)
            height = y1 - y0
            objects = _PageObjects(height)
            objects.walk_page(page)
            reader = _PageChars(text_page, height, self._fonts)
            pieces = reader.read()
        finally:
            pdfium_c.FPDFText_ClosePage(text_page)
        objects.check_all_text_read(reader.text_objects)
        return PageContent(number, x1 - x0, height, None, objects.lines, objects.rects, objects.curves,
                           pieces=pieces)


class _Scratch(threading.local):
    """Buffers that PDFium writes a page's text and its characters' origins into: made
    once per thread and grown as pages need, since making ctypes arrays and pointers costs
    more than reading a page's characters. The origins buffer has x and y for each
    character and a pointer to each slot, so that the calls can run in map(), without a
    Python statement per character."""

    KEEP = 1 << 14  # characters: room for a bigger page is let go once it has been read

    def __init__(self):
        self.size = 0
        self.text = (ctypes.c_ushort * 0)()
        self.origins = (ctypes.c_double * 0)()
        self.x_at: list = []
        self.y_at: list = []

    def make_room(self, count: int) -> None:
        if count > self.size:
            self.size = size = max(count, 2 * self.size, 1024)
            # two code units per character (a character outside the BMP takes two), and a 0
            self.text = (ctypes.c_ushort * (2 * size + 1))()
            self.origins = (ctypes.c_double * (2 * size))()
            self.x_at = [ctypes.byref(self.origins, 16 * i) for i in range(size)]
            self.y_at = [ctypes.byref(self.origins, 16 * i + 8) for i in range(size)]

    def page_text(self, text_page, count: int) -> str:
        """The page's characters, one per character index (count > 0)."""
        self.make_room(count)
        written = _get_text(text_page, 0, count, self.text)
        text = ctypes.string_at(self.text, max(written - 1, 0) * 2).decode("utf-16-le", errors="replace")
        if len(text) == count:
            return text
        # control characters (a line-end hyphen, unmapped codes) are left out of the page text
        return "".join(chr(_get_unicode(text_page, i)) for i in range(count))

    def origins_of(self, text_page, count: int) -> tuple[list[float], list[float]]:
        """The x and the y of the origins of characters 0 .. count - 1."""
        self.make_room(count)
        for _ in map(_get_origin, repeat(text_page), range(count), self.x_at, self.y_at):
            pass  # map() stops at its shortest argument, range(count)
        values = self.origins[: 2 * count]
        return values[0::2], values[1::2]

    def let_go_if_big(self) -> None:
        """Memory stays flat: room made for a page of more than KEEP characters is let go."""
        if self.size > self.KEEP:
            self.__init__()


_scratch = _Scratch()


def objects_and_origins(text_page, count: int) -> tuple[list[int | None], list[float], list[float]]:
    """Each character's text object (its address; None for a character PDFium made up
    between objects) and the x and the y of its origin, for characters 0 .. count - 1:
    two calls per character, in C where _chars.c is built, else through ctypes in map()."""
    if _compiled is not None:
        return _compiled.objects_and_origins(ctypes.cast(text_page, ctypes.c_void_p).value, count)
    objects = list(map(_get_text_object, repeat(text_page, count), range(count)))
    xs, ys = _scratch.origins_of(text_page, count)
    return objects, xs, ys


class _PageChars:
    """Reads the characters of one PDFium text page, in pdfminer's boxes."""

    def __init__(self, text_page, height: float, fonts: _Fonts):
        self.text_page = text_page
        self._address = ctypes.cast(text_page, ctypes.c_void_p).value  # as _chars.c takes it
        self.height = height
        self.fonts = fonts
        self.text_objects: dict[int, _Style] = {}  # text object -> style of its characters
        # ctypes out-parameters, made once: making them costs more than the calls
        self._loose = pdfium_c.FS_RECTF()
        self._in_loose = ctypes.byref(self._loose)
        self._glyph_width = ctypes.c_float()
        self._in_glyph_width = ctypes.byref(self._glyph_width)
        self._matrix = pdfium_c.FS_MATRIX()
        self._in_matrix = ctypes.byref(self._matrix)

    def read(self) -> list[Piece]:
        """The page's characters, in PDFium's order, as pieces.

        This runs for every character of the document, so it works on whole pages and runs
        rather than on characters: PDFium is asked for every character's text object and
        origin in map() over the page, and the characters are then taken a run at a time,
        a run being consecutive characters of one text object. They share a style (font,
        size, scale) and a baseline, so a run is one Piece, made with a few list operations
        (_add_run). Only runs with whitespace PDFium may have made up, or a mark, need a
        closer look.
        """
        text_page = self.text_page
        count = pdfium_c.FPDFText_CountChars(text_page)
        if count <= 0:
            return []
        text = _scratch.page_text(text_page, count)
        objects, xs, ys = objects_and_origins(text_page, count)
        _scratch.let_go_if_big()
        pieces: list[Piece] = []
        start = 0
        for text_object, run in groupby(objects):
            end = start + len(list(run))
            if _ASK_PDFIUM_PATTERN.search(text, start, end) is None:
                self._add_run(text_object, text[start:end], xs[start:end], ys[start:end], start, pieces)
            elif text_object is None and _GENERATED.issuperset(text[start:end]) \
                    and all(map(_is_generated, repeat(text_page), range(start, end))):
                pass  # a line break (or a space) PDFium put between two text objects
            elif text_object is not None and _MARKS_PATTERN.search(text, start, end) is None:
                # whitespace in a text object: a space PDFium made up for a wide gap is left out
                kept = [index for index in range(start, end)
                        if text[index] not in _GENERATED or not _is_generated(text_page, index)]
                if len(kept) == end - start:
                    self._add_run(text_object, text[start:end], xs[start:end], ys[start:end], start, pieces)
                elif kept:
                    self._add_run(text_object, "".join([text[i] for i in kept]), [xs[i] for i in kept],
                                  [ys[i] for i in kept], kept[0], pieces)
            else:  # marks, surrogates, or characters without a text object (NeedsReference)
                self._add_slowly(text, objects, xs, ys, start, end, pieces)
            start = end
        return pieces

    def _add_run(self, text_object: int | None, letters: str, x0s: list[float], baselines: list[float],
                 first: int, pieces: list[Piece]) -> None:
        """Adds (part of) a run of one text object's characters; the first is at `first`."""
        style = self.text_objects.get(text_object)
        if style is None:
            style = self.text_objects[text_object] = self._style(first, text_object)
        widths = style.widths
        advances = list(map(widths.get, letters))
        if None in advances:  # characters first met in this style: measured where first met
            for offset in [offset for offset, width in enumerate(advances) if width is None]:
                ch = letters[offset]
                width = widths.get(ch)
                if width is None:
                    width = widths[ch] = self._advance(first + offset, ch, style, x0s[offset])
                advances[offset] = width
        x1s = list(map(add, x0s, advances))
        if baselines.count(baselines[0]) == len(baselines):  # a text object has one baseline
            bottom = self.height - (baselines[0] + style.descent)
            pieces.append(Piece(letters, x0s, x1s, bottom - style.height, bottom, style.size))
            return
        for ch, x0, x1, y in zip(letters, x0s, x1s, baselines, strict=True):
            bottom = self.height - (y + style.descent)
            pieces.append(Piece(ch, [x0], [x1], bottom - style.height, bottom, style.size))

    def _add_slowly(self, text: str, objects: list, xs: list[float], ys: list[float],
                    start: int, end: int, pieces: list[Piece]) -> None:
        """Adds characters start .. end - 1 one at a time: made-up whitespace is left out,
        a mark in the page text replaced by the character it stands for, and the two halves
        of a character outside the BMP joined (_surrogates)."""
        text_page, height, styles = self.text_page, self.height, self.text_objects
        joined = False
        for index in range(start, end):
            if joined:  # the second half of the character before
                joined = False
                continue
            ch = text[index]
            if ch in _ASK_PDFIUM:
                if ch in _GENERATED:
                    if _is_generated(text_page, index):
                        continue
                else:
                    ch = _marked_char(text_page, index)
            elif _HIGH_SURROGATES[0] <= ch <= _LOW_SURROGATES[1]:
                ch, joined = _surrogates(text, xs, ys, index, end)
            text_object = objects[index]
            style = styles.get(text_object)
            if style is None:
                style = styles[text_object] = self._style(index, text_object)
            x0 = xs[index]
            width = style.widths.get(ch)
            if width is None:
                width = style.widths[ch] = self._advance(index, ch, style, x0)
            bottom = height - (ys[index] + style.descent)
            pieces.append(Piece(ch, [x0], [x0 + width], bottom - style.height, bottom, style.size))

    def _style(self, index: int, text_object: int | None) -> _Style:
        """The style of a new text object's characters; NeedsReference if pdfminer would
        read them differently."""
        if not text_object:
            raise NeedsReference("a character without a text object")
        a, b, c, d, unicode_map_error, marks, font, font_size = self.text_object_parts(index, text_object)
        if b or c or a <= 0 or d <= 0:
            raise NeedsReference("rotated, skewed or mirrored text")
        if unicode_map_error:
            raise NeedsReference("a font without a usable ToUnicode map")
        if marks and _has_actual_text(ctypes.cast(text_object, pdfium_c.FPDF_PAGEOBJECT)):
            raise NeedsReference("text with /ActualText")
        if not font:
            raise NeedsReference("text without a font")
        return self.fonts.style(font, font_size, a, d)

    def text_object_parts(self, index: int, text_object: int) -> tuple:
        """What _style decides on, for character `index` of `text_object`: its matrix (a, b,
        c, d), whether its font has no usable ToUnicode map, the object's number of marks and
        its font (None for none), and the nominal font size (Tf's operand)."""
        if _compiled is not None:
            return _compiled.text_object_parts(self._address, index, text_object)
        _get_char_matrix(self.text_page, index, self._in_matrix)
        handle = ctypes.c_void_p(text_object)
        return (self._matrix.a, self._matrix.b, self._matrix.c, self._matrix.d,
                bool(_has_unicode_map_error(self.text_page, index)), _count_marks(handle), _get_font(handle),
                _get_font_size(self.text_page, index))

    def _advance(self, index: int, ch: str, style: _Style, x0: float) -> float:
        """The character's advance width on the page: pdfminer's box runs from x0 to x0 + this.

        PDFium's loose box is the advance box united with the glyph's outline box, so its
        right edge is the advance unless the outline reaches past it (an italic overhang, an
        `f`). Then the font's width for the character is taken, if it is a plausible
        overhang away.
        """
        loose_right, glyph_width = self.advance_parts(index, ch, style)
        width = loose_right - x0
        if glyph_width is not None:
            advance = glyph_width * style.scale_x
            if 0 < advance and 1e-3 * style.height < width - advance < 0.35 * style.height:
                return advance
        return width

    def advance_parts(self, index: int, ch: str, style: _Style) -> tuple[float, float | None]:
        """What _advance decides on: the right edge of character `index`'s loose box, and the
        font's width for `ch` at the nominal size (None where PDFium has none)."""
        if _compiled is not None:
            return _compiled.advance_parts(self._address, index, style.font_address, ord(ch), style.nominal_size)
        _get_loose_box(self.text_page, index, self._in_loose)
        if _get_glyph_width(style.font, ord(ch), style.font_size, self._in_glyph_width):
            return self._loose.right, self._glyph_width.value
        return self._loose.right, None


def _surrogates(text: str, xs: list[float], ys: list[float], index: int, end: int) -> tuple[str, bool]:
    """The character a surrogate at `index` is half of, and whether the next index is its
    other half. PDFium gives both halves of a character outside the BMP the character's
    origin and box, so a high surrogate followed by a low one at the same origin is one
    character, in that box. Half a pair alone (a broken ToUnicode map; two glyphs mapped to
    a half each stand apart) is U+FFFD: text cannot hold it (pdfminer drops such a code)."""
    ch = text[index]
    if _HIGH_SURROGATES[0] <= ch <= _HIGH_SURROGATES[1] and index + 1 < end \
            and _LOW_SURROGATES[0] <= text[index + 1] <= _LOW_SURROGATES[1] \
            and xs[index + 1] == xs[index] and ys[index + 1] == ys[index]:
        return text[index: index + 2].encode("utf-16-le", "surrogatepass").decode("utf-16-le"), True
    return "\ufffd", False


def _marked_char(text_page, index: int) -> str:
    """The character behind PDFium's mark in the page text."""
    code = _get_unicode(text_page, index)
    if code == 2:  # a hyphen PDFium took for a word broken at the line end: pdfminer keeps it
        return "-"
    if code in (0, 0xFFFE):
        raise NeedsReference("a character without Unicode")  # pdfminer writes "(cid:N)"
    if 0xD800 <= code <= 0xDFFF:  # half a character, which text cannot hold
        return "\ufffd"
    return chr(code)


def _media_box(page) -> tuple[float, float, float, float]:
    """The page's media box, normalised: pdfplumber's coordinates are measured on it."""
    left, bottom, right, top = (ctypes.c_float() for _ in range(4))
    if pdfium_c.FPDFPage_GetMediaBox(page, left, bottom, right, top):
        values = (left.value, bottom.value, right.value, top.value)
    else:
        # inherited from the page tree: PDFium's API reports only the page's own box, but
        # the effective box (crop box within media box) is the media box without a crop box
        if pdfium_c.FPDFPage_GetCropBox(page, left, bottom, right, top):
            raise NeedsReference("an inherited media box with a crop box")
        box = pdfium_c.FS_RECTF()
        if not pdfium_c.FPDF_GetPageBoundingBox(page, box):
            raise RuntimeError("PDFium reports no page box")
        values = (box.left, box.bottom, box.right, box.top)
    x0, y0, x1, y1 = (_as_written(v) for v in values)
    return min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1)


def _as_written(value: float) -> float:
    """The shortest decimal that PDFium's single-precision `value` stands for: the number as
    the PDF wrote it (595.28, not 595.280029296875), which is what pdfminer reads."""
    for digits in range(1, 10):
        decimal = float(f"{value:.{digits}g}")
        if struct.unpack("f", struct.pack("f", decimal))[0] == value:
            return decimal
    return value


def _base_font_name(font) -> str:
    size = pdfium_c.FPDFFont_GetBaseFontName(font, None, 0)
    if size <= 0:
        return ""
    buffer = ctypes.create_string_buffer(size)
    pdfium_c.FPDFFont_GetBaseFontName(font, buffer, size)
    return buffer.value.decode("latin-1")


def _has_actual_text(text_object) -> bool:
    for i in range(pdfium_c.FPDFPageObj_CountMarks(text_object)):
        mark = pdfium_c.FPDFPageObj_GetMark(text_object, i)
        if mark and pdfium_c.FPDFPageObjMark_GetParamValueType(mark, b"ActualText") != pdfium_c.FPDF_OBJECT_UNKNOWN:
            return True
    return False


# --- page objects: rulings, and the text objects --------------------------------------

Matrix = tuple[float, float, float, float, float, float]
IDENTITY: Matrix = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)


def _times(m: Matrix, n: Matrix) -> Matrix:
    """m then n (PDF's row-vector convention: a point in m's space, mapped by m, then n)."""
    a, b, c, d, e, f = m
    a2, b2, c2, d2, e2, f2 = n
    return (a * a2 + b * c2, a * b2 + b * d2, c * a2 + d * c2, c * b2 + d * d2,
            e * a2 + f * c2 + e2, e * b2 + f * d2 + f2)


def _object_matrix(page_object) -> Matrix:
    m = pdfium_c.FS_MATRIX()
    if not pdfium_c.FPDFPageObj_GetMatrix(page_object, m):
        return IDENTITY
    return (m.a, m.b, m.c, m.d, m.e, m.f)


class _PageObjects:
    """Walks a page's objects, into form XObjects: its rulings as pdfplumber dicts, and its
    text objects (to check that PDFium read characters from each one with ink)."""

    def __init__(self, height: float):
        self.height = height
        self.lines: list[dict] = []
        self.rects: list[dict] = []
        self.curves: list[dict] = []
        self.text_objects: list[int] = []

    def walk_page(self, page) -> None:
        for i in range(pdfium_c.FPDFPage_CountObjects(page)):
            self._visit(_get_object(page, i), IDENTITY)

    def check_all_text_read(self, read: dict[int, object]) -> None:
        """NeedsReference if a text object with ink gave no characters: PDFium dropped it."""
        for text_object in self.text_objects:
            if text_object not in read:
                left, bottom, right, top = (ctypes.c_float() for _ in range(4))
                handle = ctypes.cast(text_object, pdfium_c.FPDF_PAGEOBJECT)
                if pdfium_c.FPDFPageObj_GetBounds(handle, left, bottom, right, top) \
                        and abs(right.value - left.value) >= _NO_INK:
                    raise NeedsReference("a text object gave no characters (drawn twice?)")

    def _visit(self, address: int, outer: Matrix) -> None:
        kind = _get_object_type(ctypes.c_void_p(address))
        if kind == _TEXT:
            self.text_objects.append(address)
        elif kind == _PATH:
            path = ctypes.cast(address, pdfium_c.FPDF_PAGEOBJECT)
            self._path(path, _times(_object_matrix(path), outer))
        elif kind == _FORM:
            form = ctypes.cast(address, pdfium_c.FPDF_PAGEOBJECT)
            inner = _times(_object_matrix(form), outer)
            for i in range(pdfium_c.FPDFFormObj_CountObjects(form)):
                self._visit(_get_form_object(ctypes.c_void_p(address), i), inner)

    def _path(self, path, matrix: Matrix) -> None:
        """The path's operators and points as pdfminer sees them, one subpath at a time.

        PDFium keeps points, not operators: a curve is three BEZIERTO points, and a closed
        subpath (`h`) is a flag on its last point, which PDFium first moves back to the start
        with a line if it is elsewhere. So a closing flag becomes `l h`; pdfminer drops
        that `l` again when it ends at the start ("a redundant l on a path closed with h").
        """
        a, b, c, d, e, f = matrix
        ops: list[tuple[str, tuple[float, float]]] = []
        x, y = ctypes.c_float(), ctypes.c_float()
        at_x, at_y = ctypes.byref(x), ctypes.byref(y)
        beziers = 0
        for i in range(_count_segments(path)):
            segment = ctypes.c_void_p(_get_segment(path, i))
            _get_point(segment, at_x, at_y)
            point = (a * x.value + c * y.value + e, b * x.value + d * y.value + f)
            kind = _get_segment_type(segment)
            if kind == _MOVETO:
                if ops:
                    self._subpath(ops)
                ops = [("m", point)]
                beziers = 0
            elif kind == _LINETO:
                ops.append(("l", point))
            else:  # BEZIERTO: control, control, end; pdfminer keeps the end point
                beziers += 1
                if beziers % 3:
                    continue
                ops.append(("c", point))
            if _is_closing(segment) and ops:
                ops.append(("h", ops[0][1]))
        if ops:
            self._subpath(ops)

    def _subpath(self, ops: list[tuple[str, tuple[float, float]]]) -> None:
        """pdfminer's converter.paint_path for one subpath, giving pdfplumber's dicts."""
        shape = "".join(op for op, _ in ops)
        if not shape.startswith("m") or len(shape) < 2:
            return  # pdfminer splits on `m[^m]+`: a lone moveto draws nothing
        pts = [point for _, point in ops]
        if len(shape) > 3 and shape[-2:] == "lh" and pts[-2] == pts[0]:
            shape = shape[:-2] + "h"
            pts.pop()
        if shape in {"mlh", "ml"}:
            self.lines.append(self._box("line", pts[:2]))
        elif shape in {"mlllh", "mllll"}:
            (x0, y0), (x1, y1), (x2, y2), (x3, y3), _ = pts
            square = (x0 == x1 and y1 == y2 and x2 == x3 and y3 == y0) or \
                     (y0 == y1 and x1 == x2 and y2 == y3 and x3 == x0)
            if pts[0] == pts[4] and square:
                self.rects.append(self._box("rect", [pts[0], pts[2]]))
            else:
                self.curves.append(self._curve(pts))
        else:
            self.curves.append(self._curve(pts))

    def _box(self, kind: str, pts: list[tuple[float, float]]) -> dict:
        """A pdfplumber object dict with the keys the table finder reads."""
        x0, x1 = min(p[0] for p in pts), max(p[0] for p in pts)
        y0, y1 = min(p[1] for p in pts), max(p[1] for p in pts)
        top, bottom = self.height - y1, self.height - y0
        return {"object_type": kind, "x0": x0, "x1": x1, "y0": y0, "y1": y1, "top": top,
                "bottom": bottom, "doctop": top, "width": x1 - x0, "height": bottom - top}

    def _curve(self, pts: list[tuple[float, float]]) -> dict:
        curve = self._box("curve", pts)
        curve["pts"] = [(px, self.height - py) for px, py in pts]
        return curve
