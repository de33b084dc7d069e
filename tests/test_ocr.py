"""OCR (parsers.pdf.tesseract, parsers.pdf.ocr) on real pages: the one-column sample issue rendered as an image, and the
image-only scanned.pdf (the same pages at 150 dpi), against the issue's own text layer."""
from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import pdfplumber
import pypdfium2 as pdfium
import pytest
from PIL import Image
from rapidfuzz.distance import Levenshtein

from parsers import pdf
from parsers.pdf import ocr, tesseract
from parsers.pdf.page import Char, PageContent

RAW = Path(__file__).parent / "fixtures" / "corpus" / "raw"
ISSUE = RAW / "jiaxing-2024-11.pdf"
SCANNED = RAW / "scanned.pdf"  # pages 2-3 of ISSUE, rasterised at 150 dpi

pytestmark = pytest.mark.skipif(
    not tesseract.available(), reason="no OCR engine: apt-get install tesseract-ocr tesseract-ocr-chi-sim")


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


def _recognise(pdf: Path, index: int, dpi: int = 150) -> list[tesseract.OcrLine]:
    doc = pdfium.PdfDocument(pdf)
    try:
        page = doc[index]
        image = page.render(scale=dpi / 72, grayscale=True).to_pil()
        return tesseract.recognise(image, page.get_width(), page.get_height())
    finally:
        doc.close()


@pytest.fixture(scope="module")
def layer():
    """Page 2's text layer: what OCR of that page should give back."""
    with pdfplumber.open(ISSUE) as pdf:
        yield pdf.pages[1]


@pytest.fixture(scope="module")
def page_two() -> list[tesseract.OcrLine]:
    return _recognise(ISSUE, 1)


@pytest.mark.parametrize("source", ["rendered", "scanned"])
def test_character_error_rate_is_at_most_two_percent(source, page_two, layer):
    lines = page_two if source == "rendered" else _recognise(SCANNED, 0)
    reference = _squash(layer.extract_text())
    text = _squash("".join(line.text for line in lines))
    assert Levenshtein.distance(reference, text) / len(reference) <= 0.02


def test_known_strings_of_the_page_are_read(page_two):
    text = _squash("".join(line.text for line in page_two))
    for known in ("嘉兴市人民政府关于公布2023年度", "嘉兴市市长质量奖获奖单位的通知", "嘉政发[2024]19号",
                  "嘉兴市人民政府关于大力发展", "都市型工业的实施意见", "嘉政发[2024]20号", "2024年10月10日",
                  "南湖区人民政府、秀洲区人民政府,市级有关部门:"):
        assert _squash(known) in text, known


def test_boxes_are_in_points_where_the_text_layer_has_the_line(page_two, layer):
    for known in ("嘉政发[2024]19号", "2024年10月10日"):
        found = layer.search(re.escape(known))[0]
        line = next(line for line in page_two if known in line.text)
        for ours, theirs in ((line.x0, found["x0"]), (line.top, found["top"]),
                             (line.x1, found["x1"]), (line.bottom, found["bottom"])):
            assert abs(ours - theirs) < 4, (known, line, found)
        assert 0 < line.confidence <= 1
    assert all(0 <= ln.x0 < ln.x1 <= layer.width and 0 <= ln.top < ln.bottom <= layer.height
               for ln in page_two)


def test_a_blank_page_has_no_lines():
    assert tesseract.recognise(Image.new("L", (1241, 1754), 255), 595.28, 841.89) == []
    assert tesseract.recognise(Image.new("RGB", (620, 877), "white"), 595.28, 841.89) == []


def test_a_scanned_pdf_reads_by_ocr_page_by_page_with_its_pages_marked():
    issue = pdf.parse(SCANNED)
    assert [(span.page, span.ocr) for span in issue.pages] == [(1, True), (2, True)]
    assert "嘉政发[2024]19号" in issue.text and "嘉政发[2024]20号" in issue.text
    assert not issue.warnings
    second_page = issue.text[issue.pages[1].start:issue.pages[1].end]
    assert "嘉兴市人民政府公报" not in second_page  # its running header, dropped as on a text page


def text_page(text: str) -> PageContent:
    return PageContent(1, 595.0, 842.0, [Char(c, 100 + 10 * i, 110 + 10 * i, 100, 110, 10) for i, c in enumerate(text)])


@pytest.mark.parametrize(("text", "mode", "expected"), [
    ("嘉兴市人民政府关于公布名单的通知", "auto", False),
    ("", "auto", True),  # no text layer: a scan
    ("\ue001\ue002\ue003\ue004嘉兴", "auto", True),  # private-use glyphs: a font without a ToUnicode map
    ("嘉兴市人民政府\ufffd", "auto", False),  # one bad character is not a garbage layer
    ("嘉兴市人民政府关于公布名单的通知", "force", True),
    ("", "off", False),
])
def test_which_pages_are_read_by_ocr(text, mode, expected):
    assert ocr.needs_ocr(text_page(text), mode) is expected


def test_a_page_ocr_cannot_read_with_confidence_is_left_out_and_named(monkeypatch):
    """A photo or handwriting reads as invented characters at low confidence: no text, a
    warning naming the page (the file is partly_read), not made-up words in the tables."""
    noise = [tesseract.OcrLine("丽训机是和下", 50, 50, 300, 62, 0.2, (tesseract.OcrWord("丽训机是和下", 50, 300, 0.2),))]
    monkeypatch.setattr(tesseract, "recognise", lambda image, width, height, segmentation=None: noise)
    with pytest.raises(pdf.ReadError) as info:
        pdf.parse(SCANNED)
    assert info.value.error_type == "no_text_layer"
    assert f"page 1 has no text layer and its OCR confidence 0.20 is below {ocr.MIN_CONFIDENCE}" in info.value.message


def test_a_dot_leader_is_found_in_the_picture_of_a_line():
    """`(嘉政发〔2024〕19号)......(2)`: Tesseract reads leader dots as invented characters, so
    the line is read again without them and the dots written back."""
    line = Image.new("L", (600, 40), 255)
    for x in range(200, 500, 12):  # dots near the baseline, 4 px across
        line.paste(0, (x, 30, x + 4, 34))
    line.paste(0, (20, 5, 180, 35))  # a block of print before the leader
    assert ocr.leader_span(line) == (200, 488 + 4)  # from the first dot to the end of the last
    assert ocr.leader_span(Image.new("L", (600, 40), 255)) is None
