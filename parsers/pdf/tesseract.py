"""OCR of a page image into text lines with boxes in PDF points (Tesseract, simplified Chinese).

The engine is Debian's Tesseract 5 with its chi_sim model (`apt-get install tesseract-ocr
tesseract-ocr-chi-sim`, done by `make setup`). bench/ocr_choice.md has the comparison with
RapidOCR behind that choice: RapidOCR misreads fewer characters, but takes 2.4x the time,
eight times the memory and 19x the install; Tesseract reads the sample issue's scan within
1% CER through this reader's steps.

The `tesseract` program is run once per page rather than bound into the process: the image
goes in on stdin as PGM and the TSV comes back on stdout, so there is no temp file, no
Python binding to build, and a crash or a hang on a bad image stays in the child (the
timeout kills it). Starting it costs about 0.3 s a page, under a tenth of the page's time.
Nothing is downloaded: the model is the Debian package's file.

This module knows nothing of the PDF readers (parsers.pdf): it takes a picture of a page and
the page's size, and gives back lines in Tesseract's reading order; putting lines into
columns is the layout code's job, which needs only that a line stays within its column (page
segmentation mode 3 keeps them apart; mode 6 reads across the gutter).
"""
from __future__ import annotations

import functools
import io
import os
import shutil
import subprocess
from dataclasses import dataclass

from .ocr import join_words

LANGUAGE = "chi_sim"
PAGE_SEGMENTATION = "3"  # automatic layout analysis: blocks and columns, not one uniform block
TIMEOUT_S = 300          # a normal page takes seconds; past this the image is pathological
# Tesseract's OpenMP would take every core; the pipeline runs one worker per core, and two
# workers of one thread each read more pages per second than one of two (bench/ocr_choice.md).
THREADS = "1"


@dataclass(frozen=True, slots=True)
class OcrWord:
    """What Tesseract calls a word: in Chinese, a run of characters it read as one."""

    text: str
    x0: float
    x1: float  # in PDF points
    confidence: float  # 0..1


@dataclass(frozen=True, slots=True)
class OcrLine:
    text: str
    x0: float
    top: float
    x1: float
    bottom: float   # in PDF points, top measured down from the page top (pdfplumber's convention)
    confidence: float  # 0..1, the mean of the line's word confidences
    words: tuple[OcrWord, ...] = ()  # with their boxes across the line, in order


class OcrError(RuntimeError):
    """Tesseract is missing, failed on the image or took longer than TIMEOUT_S."""


def _env() -> dict[str, str]:
    return {**os.environ, "OMP_THREAD_LIMIT": THREADS}


@functools.cache
def _tesseract() -> str | None:
    """The program's path, once per process, if it runs and has the Chinese model."""
    path = shutil.which("tesseract")
    if path is None:
        return None
    try:
        languages = subprocess.run([path, "--list-langs"], capture_output=True, text=True,
                                   timeout=60, env=_env()).stdout.split()
    except (OSError, subprocess.SubprocessError):
        return None
    return path if LANGUAGE in languages else None


def available() -> bool:
    """Tesseract is installed and has the chi_sim model."""
    return _tesseract() is not None


SINGLE_LINE = "7"  # page segmentation mode for an image that is one line of text


def recognise(image, width_pt: float, height_pt: float, segmentation: str = PAGE_SEGMENTATION) -> list[OcrLine]:
    """The text lines of a whole-page PIL image whose page is width_pt x height_pt points
    (or, with `segmentation` SINGLE_LINE, of a picture of one line and its size)."""
    path = _tesseract()
    if path is None:
        raise OcrError(f"tesseract with the {LANGUAGE} model is not installed")
    grey = image if image.mode == "L" else image.convert("L")
    scale_x, scale_y = width_pt / grey.width, height_pt / grey.height
    # Tesseract sizes its expectations (noise, line height) by the resolution; below 70 it
    # would warn and assume 70 anyway.
    dpi = max(70, round(72 / scale_x))
    pgm = io.BytesIO()
    grey.save(pgm, format="PPM")  # binary PGM for mode L: no compression to spend time on
    try:
        done = subprocess.run([path, "stdin", "stdout", "-l", LANGUAGE, "--psm", segmentation,
                               "--dpi", str(dpi), "tsv"], input=pgm.getvalue(), capture_output=True,
                              timeout=TIMEOUT_S, env=_env())
    except subprocess.TimeoutExpired as exc:
        raise OcrError(f"tesseract took longer than {TIMEOUT_S} s") from exc
    if done.returncode:
        raise OcrError(f"tesseract failed ({done.returncode}): "
                       f"{done.stderr.decode('utf-8', 'replace').strip()[:500]}")
    return _lines(done.stdout.decode("utf-8", "replace"), scale_x, scale_y)


def _lines(tsv: str, scale_x: float, scale_y: float) -> list[OcrLine]:
    # TSV rows: level page block par line word left top width height conf text; a level-4
    # row is a line and its box, the level-5 rows after it are its words.
    lines: dict[tuple[str, ...], tuple[list[float], list[OcrWord]]] = {}
    for row in tsv.splitlines()[1:]:
        cells = row.split("\t")
        if len(cells) < 12:
            continue
        key = tuple(cells[1:5])
        if cells[0] == "4":
            lines[key] = ([float(v) for v in cells[6:10]], [])
        elif cells[0] == "5" and cells[11].strip() and key in lines:
            left, width = float(cells[6]), float(cells[8])
            lines[key][1].append(OcrWord(cells[11].strip(), left * scale_x, (left + width) * scale_x,
                                         max(0.0, min(1.0, float(cells[10]) / 100))))
    return [OcrLine(join_words([w.text for w in words]), left * scale_x, top * scale_y, (left + width) * scale_x,
                    (top + height) * scale_y, sum(w.confidence for w in words) / len(words), tuple(words))
            for (left, top, width, height), words in lines.values() if words]
