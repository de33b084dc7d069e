"""How much of one PDF is read: the limits that keep a hostile file from eating the machine.

A PDF of a few hundred kilobytes can hold content streams that inflate a thousandfold (a
700 KB file reached 8.7 GB), and an engine keeps something for every operator it parses:
PDFium a page object per path or text object and some 200 bytes per character of its text
page, pdfminer some two kilobytes per character. So a page's content is measured before an
engine parses it, by inflating its streams only as far as the limit (ContentSizes), and a
page beyond a limit is left out with a warning that names it (the file is then partly_read):

* MAX_PAGE_CONTENT: a page's content streams, and the form XObjects it can draw, inflated;
* MAX_PAGE_CHARS: the characters an engine reads on a page (PDFium counts them before they
  are laid out, and before it hands a page to the reference engine);
* MAX_FILE_CONTENT, MAX_FILE_CHARS: the same over the whole file, whose pages' lines are kept
  until the last page has been read; once past either, the remaining pages are left out.

A page larger than PDF allows (MAX_PAGE_SIZE) is read, but as one column (page_fits): the
gutter search no longer grows with the width (parsers.pdf.columns), but a page that odd is
no two-column layout. (PDFium's text page itself keeps a bit per point of width and height,
at most some 500 MB, since it gives up on sizes past 2^31.)

The limits are far above what a gazette needs: the corpora's largest page content is 8 KB,
a dense page of small print holds some 10,000 characters, and a thousand-page volume of
3,000 characters a page is 3 million. A page at the limits read by PDFium peaks at about
half a gigabyte; tests/test_hostile_pdf.py measures pages that inflate to 200 MB.
"""
from __future__ import annotations

import io
import math
import zlib
from collections.abc import Iterator

from pdfminer import pdftypes
from pdfminer.ascii85 import ascii85decode, asciihexdecode
from pdfminer.lzw import LZWDecoder
from pdfminer.pdfdocument import PDFDocument
from pdfminer.pdfpage import PDFPage
from pdfminer.pdfparser import PDFParser
from pdfminer.pdftypes import PDFStream, resolve1
from pdfminer.psparser import LIT

# PDF 1.7 (ISO 32000-1) Annex C.2: a page is at most 14,400 units wide and high (200 inches
# at the default unit; /UserUnit makes larger pages without larger numbers).
MAX_PAGE_SIZE = 14_400
MAX_PAGE_CONTENT = 2_000_000  # bytes, inflated
MAX_PAGE_CHARS = 200_000
MAX_FILE_CONTENT = 256_000_000  # bytes, inflated
MAX_FILE_CHARS = 10_000_000

_FORM = LIT("Form")
_PIECE = 1 << 16  # zlib data is inflated this many bytes at a time


class PageOverLimit(Exception):
    """This page is left out; the message says which limit it is over ("its ... (the limit per page)")."""


class FileOverLimit(Exception):
    """This page and the ones after it are left out; the message says which limit the file is over."""


def page_fits(width: float, height: float) -> bool:
    """Whether a page of this size is within what PDF allows (finite, at most MAX_PAGE_SIZE)."""
    return 0 <= width <= MAX_PAGE_SIZE and 0 <= height <= MAX_PAGE_SIZE


def amount(size: int) -> str:
    """A limit in bytes, as a warning states it: 2 MB, or 1,234 bytes."""
    return f"{size / 1_000_000:g} MB" if size >= 1_000_000 else f"{size:,} bytes"


def points(value: float) -> str:
    """A page dimension, as a warning states it: 1,000,000,000 or 595.28."""
    return f"{value:,.0f}" if math.isfinite(value) and value == round(value) else f"{value:,.2f}"


class Budget:
    """What one file has used of the limits, page by page: call content(index) before an
    engine reads page `index` (pages in order), and chars(count) after it has."""

    def __init__(self, data: bytes):
        self._sizes = ContentSizes(data)
        self._content = 0
        self._chars = 0

    def content(self, index: int) -> None:
        """PageOverLimit or FileOverLimit if page `index` is not to be read for its content."""
        size = self._sizes.of_page(index, MAX_PAGE_CONTENT)
        if size is None:
            return
        if size > MAX_PAGE_CONTENT:
            raise PageOverLimit(f"its content streams inflate to more than {amount(MAX_PAGE_CONTENT)} "
                                "(the limit per page)")
        self._content += size
        if self._content > MAX_FILE_CONTENT:
            raise FileOverLimit(f"the file's content streams inflate to more than {amount(MAX_FILE_CONTENT)} "
                                "(the limit per file)")

    def chars(self, count: int) -> None:
        """FileOverLimit if the page just read, of `count` characters, takes the file past MAX_FILE_CHARS."""
        self._chars += count
        if self._chars > MAX_FILE_CHARS:
            raise FileOverLimit(f"the file has more than {MAX_FILE_CHARS:,} characters (the limit per file)")


def check_page_chars(count: int) -> None:
    """PageOverLimit if an engine read more than MAX_PAGE_CHARS characters on a page."""
    if count > MAX_PAGE_CHARS:
        raise PageOverLimit(f"it has more than {MAX_PAGE_CHARS:,} characters (the limit per page)")


class ContentSizes:
    """How far each page's content streams inflate, measured with pdfminer's parser, which
    reads a stream's bytes without decoding them, so that no stream is inflated further
    than the limit asked about. A file pdfminer cannot parse has sizes unknown (None)."""

    def __init__(self, data: bytes):
        try:
            self._pages: Iterator[PDFPage] = PDFPage.create_pages(PDFDocument(PDFParser(io.BytesIO(data))))
        except Exception:  # pdfminer raises many types for a broken file; the engine reads it or says why
            self._pages = iter(())
        self._next = 0

    def of_page(self, index: int, limit: int) -> int | None:
        """The bytes page `index` draws from (its content streams and the form XObjects its
        resources hold, each inflated), or limit + 1 when more than `limit`; None if unknown.
        Pages are asked about in order."""
        page = None
        try:
            while self._next <= index:
                page = next(self._pages)
                self._next += 1
        except Exception:  # the end of pdfminer's pages, or a broken page tree
            self._pages = iter(())
            return None
        if page is None:
            return None
        size = 0
        try:
            for stream in _drawn_streams(page):
                size += _inflated_size(stream, limit - size)
                if size > limit:
                    return limit + 1
        except Exception:  # a broken object pdfminer cannot parse: the engine may still read the page
            return None
        return size


def _drawn_streams(page: PDFPage) -> Iterator[PDFStream]:
    """The page's content streams, then the form XObjects in its resources and theirs, each once."""
    for content in page.contents or []:
        content = resolve1(content)
        if isinstance(content, PDFStream):
            yield content
    seen: set[int] = set()
    resources = [page.resources]
    while resources:
        xobjects = resolve1(_get(resolve1(resources.pop()), "XObject"))
        if not isinstance(xobjects, dict):
            continue
        for value in xobjects.values():
            form = resolve1(value)
            if not isinstance(form, PDFStream) or form.get("Subtype") is not _FORM:
                continue
            key = form.objid if form.objid is not None else id(form)
            if key not in seen:  # a form may draw itself
                seen.add(key)
                yield form
                resources.append(form.get("Resources"))


def _get(mapping: object, key: str) -> object:
    return mapping.get(key) if isinstance(mapping, dict) else None


def _inflated_size(stream: PDFStream, limit: int) -> int:
    """The stream's length once decoded, or limit + 1 when more than `limit`. A stage that
    comes before another may be up to twice the limit (hex digits are two per byte)."""
    if stream.rawdata is None:  # decoded already
        return min(len(stream.data or b""), limit + 1)
    data = stream.rawdata
    if stream.decipher:
        data = stream.decipher(stream.objid, stream.genno, data, stream.attrs)
    try:
        filters = stream.get_filters()
    except Exception:
        filters = []
    for position, (name, _params) in enumerate(filters):
        cap = limit if position == len(filters) - 1 else 2 * limit + 1
        decode = _DECODERS.get(name)
        if decode is not None:
            data = decode(data, cap)
        if len(data) > cap:
            return limit + 1
    return min(len(data), limit + 1)


def _inflate(data: bytes, cap: int) -> bytes:
    """zlib data inflated, no more than cap + 1 bytes; what comes before an error in the data
    (pdfminer reads a corrupt stream as far as it goes)."""
    inflater = zlib.decompressobj()
    out = bytearray()
    try:
        for start in range(0, len(data), _PIECE):
            out += inflater.decompress(data[start:start + _PIECE], cap + 1 - len(out))
            if len(out) > cap:
                break
    except zlib.error:
        pass
    return bytes(out)


def _lzw(data: bytes, cap: int) -> bytes:
    out = bytearray()
    try:
        for piece in LZWDecoder(io.BytesIO(data)).run():
            out += piece
            if len(out) > cap:
                break
    except Exception:  # corrupt data: what came before it
        pass
    return bytes(out)


def _run_length(data: bytes, cap: int) -> bytes:
    """RunLengthDecode (PDF 1.7, 7.4.5), no more than about cap bytes: each run repeats a byte
    up to 128 times, so this is pdfminer's rldecode with a stop."""
    out = bytearray()
    at = 0
    while at < len(data) and len(out) <= cap:
        length = data[at]
        if length == 128:
            break
        if length < 128:
            out += data[at + 1: at + 2 + length]
            at += length + 2
        else:
            out += data[at + 1: at + 2] * (257 - length)
            at += 2
    return bytes(out)


def _ascii(decoder):
    def decode(data: bytes, _cap: int) -> bytes:  # at most four bytes out per byte in
        try:
            return decoder(data)
        except Exception:
            return data
    return decode


# filter -> decode(data, cap); other filters (images' DCT, JPX ...) are counted as stored
_DECODERS = {**dict.fromkeys(pdftypes.LITERALS_FLATE_DECODE, _inflate),
             **dict.fromkeys(pdftypes.LITERALS_LZW_DECODE, _lzw),
             **dict.fromkeys(pdftypes.LITERALS_RUNLENGTH_DECODE, _run_length),
             **dict.fromkeys(pdftypes.LITERALS_ASCII85_DECODE, _ascii(ascii85decode)),
             **dict.fromkeys(pdftypes.LITERALS_ASCIIHEX_DECODE, _ascii(asciihexdecode))}
