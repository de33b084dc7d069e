"""Pages without a usable text layer, read by OCR into the same page content an engine gives.

A scanned issue has pages that are pictures: no characters, or a text layer that is
garbage (replacement characters, private-use code points from a font without a ToUnicode
map). Such a page is rendered (PDFium), its picture read by the OCR engine
(parsers.pdf.tesseract) into text lines with boxes, and each line's characters are spread
over its box as Chars. From there the page goes through the same rows, columns, headers and
paragraphs as any text page, so a scanned issue is segmented and extracted like a text one,
with its page numbers.

Modes (`gazette extract --ocr`): auto reads by OCR the pages that need it, force every
page, off none. A page whose OCR confidence is below MIN_CONFIDENCE gives no text and a
warning naming it (the file is then partly_read): a wrong reading is worse than none.
"""
from __future__ import annotations

import math
import re
from dataclasses import replace

from .page import Char, PageContent

MODES = ("auto", "off", "force")  # the default first
RENDER_DPI = 300  # bench/ocr_choice.md: at 150 dpi headings and 文号 came out worse (documents F1 0.91)
# A page is rendered in no more pixels than this (one byte each, greyscale): A2 at 300 dpi is
# 35 million. A larger page is rendered at a lower dpi; at 300 dpi the largest page PDF allows
# (14,400 points square) would be 3.6 billion pixels.
MAX_RENDER_PIXELS = 40_000_000
# Mean confidence (0..1, per character) below which a page's OCR text is not trusted: clean
# scans of print read at 0.815 and more, a blurred, noisy scan at 0.67 with a quarter of its
# characters wrong (bench/ocr_choice.md).
MIN_CONFIDENCE = 0.75
# A text layer is garbage when this share of its characters are code points no text is
# written in: replacement characters, private use (a font without a ToUnicode map), controls.
GARBAGE_SHARE = 0.3
_GARBAGE = re.compile("[\ufffd\ue000-\uf8ff\x00-\x08\x0b\x0c\x0e-\x1f]")
_INK = re.compile(r"\S")


class OcrUnavailable(RuntimeError):
    """No OCR engine on this machine."""


def needs_ocr(page: PageContent, mode: str) -> bool:
    """Whether `page` is to be read by OCR in `mode`."""
    if mode == "force":
        return True
    if mode == "off":
        return False
    text = "".join(piece.text for piece in page.pieces) if page.pieces is not None \
        else "".join(char.text for char in page.chars)
    ink = len(_INK.findall(text))
    return ink == 0 or len(_GARBAGE.findall(text)) > GARBAGE_SHARE * ink


class OcrReader:
    """Renders pages of one PDF and reads them by OCR. `render(index, dpi)` gives a page's
    picture (a PIL image); PDFium is opened only when a page needs it."""

    def __init__(self, data: bytes):
        self._data = data
        self._pdf = None

    def read(self, index: int, page: PageContent) -> tuple[PageContent, float]:
        """The page's content as OCR reads it, and the mean confidence of its characters
        (1.0 for a page OCR finds no text on)."""
        from . import tesseract

        if not tesseract.available():
            raise OcrUnavailable("no OCR engine: install Debian's tesseract-ocr and tesseract-ocr-chi-sim "
                                 "(make setup does)")
        image = self._render(index)
        lines = tesseract.recognise(image, page.width, page.height)
        lines = [reread_with_leader(image, line, page.width / image.width, tesseract)
                 if line.confidence < REREAD_CONFIDENCE else line for line in lines]
        chars = [char for line in lines for char in line_chars(line)]
        weights = [len(line.text.replace(" ", "")) for line in lines]
        confidence = (sum(w * line.confidence for w, line in zip(weights, lines, strict=True)) / sum(weights)
                      if sum(weights) else 1.0)
        return PageContent(page.number, page.width, page.height, chars), confidence

    def _render(self, index: int):
        import pypdfium2

        if self._pdf is None:
            self._pdf = pypdfium2.PdfDocument(self._data)
        page = self._pdf[index]
        try:
            return page.render(scale=render_scale(*page.get_size()), grayscale=True).to_pil()
        finally:
            page.close()

    def close(self) -> None:
        if self._pdf is not None:
            self._pdf.close()
            self._pdf = None


def render_scale(width: float, height: float) -> float:
    """Pixels per point for a page of this size: RENDER_DPI, or less to stay within MAX_RENDER_PIXELS."""
    scale = RENDER_DPI / 72
    area = width * height
    if area * scale * scale > MAX_RENDER_PIXELS:
        scale = math.sqrt(MAX_RENDER_PIXELS / area) * 0.999  # rounding up to whole pixels stays within
    return scale


# Words further apart than this many character heights are set apart on the page (a running
# header's two halves, a signature pushed right); closer ones are one run of text.
WIDE_GAP = 3.0


# A line read with less confidence than this is looked at again: a 目录 entry's dot leader
# (`(嘉政发〔2024〕19号)......(2)`) is read by Tesseract as a string of invented characters
# that drags the whole line down with it.
REREAD_CONFIDENCE = 0.8
# A leader dot, as shares of its line's height: no wider or taller than this, in the lower
# part of the line; a leader is at least MIN_LEADER_DOTS of them, less than a line height apart.
DOT_SIZE = 0.3
MIN_LEADER_DOTS = 4
INK = 128  # grey level below which a pixel is ink


def leader_span(line_image) -> tuple[int, int] | None:
    """The x range (pixels) of a dot leader in the picture of one line, if it has one: a run
    of at least MIN_LEADER_DOTS small marks near the baseline, evenly spaced."""
    import numpy

    ink = numpy.asarray(line_image.convert("L")) < INK
    height = ink.shape[0]
    if height == 0:
        return None
    columns = numpy.flatnonzero(ink.any(axis=0))
    if not len(columns):
        return None
    # marks: runs of inked columns
    breaks = numpy.flatnonzero(numpy.diff(columns) > 1)
    starts = numpy.concatenate(([columns[0]], columns[breaks + 1]))
    ends = numpy.concatenate((columns[breaks], [columns[-1]])) + 1
    dots = []
    for start, end in zip(starts.tolist(), ends.tolist(), strict=True):
        rows = numpy.flatnonzero(ink[:, start:end].any(axis=1))
        small = end - start <= DOT_SIZE * height and rows[-1] - rows[0] + 1 <= DOT_SIZE * height
        dots.append((start, end) if small and rows[0] >= 0.4 * height else None)
    best: tuple[int, int] | None = None
    run: list[tuple[int, int]] = []
    for mark in dots + [None]:
        if mark is not None and (not run or mark[0] - run[-1][1] < height):
            run.append(mark)
            continue
        if len(run) >= MIN_LEADER_DOTS and (best is None or run[-1][1] - run[0][0] > best[1] - best[0]):
            best = (run[0][0], run[-1][1])
        run = [mark] if mark is not None else []
    return best


def reread_with_leader(image, line, points_per_pixel: float, engine):
    """A line read again without its dot leader, the leader written back as the dots it is;
    the line as it was when it has none, or the second reading is no better."""
    margin = max(2, round((line.bottom - line.top) / points_per_pixel * 0.15))
    box = (max(0, round(line.x0 / points_per_pixel) - margin), max(0, round(line.top / points_per_pixel) - margin),
           min(image.width, round(line.x1 / points_per_pixel) + margin),
           min(image.height, round(line.bottom / points_per_pixel) + margin))
    crop = image.crop(box)
    span = leader_span(crop.crop((0, margin, crop.width, crop.height - margin)))
    if span is None:
        return line
    from PIL import ImageDraw

    ImageDraw.Draw(crop).rectangle((span[0], 0, span[1], crop.height), fill=255)
    reread = engine.recognise(crop, crop.width * points_per_pixel, crop.height * points_per_pixel,
                              engine.SINGLE_LINE)
    words = [replace(word, x0=word.x0 + box[0] * points_per_pixel, x1=word.x1 + box[0] * points_per_pixel)
             for found in reread for word in found.words]
    if not words:
        return line
    size = line.bottom - line.top
    leader_x0, leader_x1 = (box[0] + span[0]) * points_per_pixel, (box[0] + span[1]) * points_per_pixel
    leader = engine.OcrWord("." * max(MIN_LEADER_DOTS, round((leader_x1 - leader_x0) / (0.5 * size))),
                            leader_x0, leader_x1, 1.0)
    words = sorted([*words, leader], key=lambda word: word.x0)
    confidence = sum(word.confidence for word in words if word is not leader) / (len(words) - 1)
    if confidence <= line.confidence:
        return line
    return replace(line, text=join_words([word.text for word in words]), confidence=confidence, words=tuple(words))


def join_words(words: list[str]) -> str:
    """Words as one text: a space only between two words of a spaced script (Latin, digits);
    Tesseract cuts Chinese into "words" where the print has no spaces."""
    text = words[0]
    for word in words[1:]:
        text += (" " if _spaced(text[-1]) and _spaced(word[0]) else "") + word
    return text


def _spaced(char: str) -> bool:
    return char.isalnum() and ord(char) < 0x2E80  # below the CJK blocks


def line_chars(line) -> list[Char]:
    """A recognised line's characters spread evenly over its runs of text (Chinese print is set
    on a fixed pitch). A run is the words between wide gaps: Tesseract's boxes of single Chinese
    "words" overlap and are not always in reading order, but a wide gap between two words is
    real, and keeping it lets the layout code see a running header's two halves or a right-set
    signature as a text page gives them."""
    size = line.bottom - line.top
    runs: list[list] = []
    for word in line.words:
        if runs and word.x0 - max(w.x1 for w in runs[-1]) <= WIDE_GAP * size:
            runs[-1].append(word)
        else:
            runs.append([word])
    chars = []
    for run in runs:
        text = join_words([word.text for word in run])
        x0, x1 = run[0].x0, max(word.x1 for word in run)
        pitch = (x1 - x0) / len(text)
        chars.extend(Char(char, x0 + i * pitch, x0 + (i + 1) * pitch, line.top, line.bottom, size)
                     for i, char in enumerate(text) if not char.isspace())
    return chars
