"""One folder of what analysts download, read in one `gazette extract`: a scanned issue (made
here by rasterising the sample issue's PDF, as a scanner would), a Word .docx (made here
from a sample text), the real .doc and the two real .ofd of shared/formats, a web page saved
as .shtml, and a spreadsheet. Every readable input gives its document with the right title
and 文号; the spreadsheet is listed as unsupported; the closing line counts each."""
from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

import docx
import pandas as pd
import pypdfium2
import pytest
from click.testing import CliRunner
from rapidfuzz.distance import Levenshtein

from parsers.pdf import tesseract
from pipeline.cli import gazette
from tests.conftest import CORPUS, RAW

sys.path.insert(0, str(Path(__file__).parents[1] / "bench"))
import score  # noqa: E402  (bench/score.py, the shared scorer)

FORMATS = Path(__file__).parent / "fixtures" / "formats"
ISSUE = RAW / "jiaxing-2024-11.pdf"
SCAN_DPI = 200  # a common scanner setting for office documents
SCANNED = "jiaxing-2024-11-scanned.pdf"

pytestmark = pytest.mark.skipif(not tesseract.available(), reason="tesseract-ocr-chi-sim is not installed")


def rasterise(pdf: Path, target: Path, dpi: int = SCAN_DPI) -> Path:
    """The PDF as a scanner gives it: each page a greyscale JPEG picture, no text layer."""
    document = pypdfium2.PdfDocument(pdf)
    images = [page.render(scale=dpi / 72, grayscale=True).to_pil() for page in document]
    document.close()
    images[0].save(target, "PDF", save_all=True, append_images=images[1:], resolution=dpi, quality=85)
    return target


def word_file(target: Path) -> Path:
    """The draft plan's text as a Word file: its title as a heading, one paragraph per line."""
    lines = [line for line in (RAW / "jiaxing-ai-plan-draft.txt").read_text(encoding="utf-8").splitlines()
             if line.strip()]
    document = docx.Document()
    document.add_heading(lines[0], level=1)
    for line in lines[1:]:
        document.add_paragraph(line)
    document.save(target)
    return target


@pytest.fixture(scope="module")
def downloads(tmp_path_factory):
    folder = tmp_path_factory.mktemp("downloads")
    rasterise(ISSUE, folder / SCANNED)
    word_file(folder / "征求意见稿.docx")
    for name in ("shangrao-police-notice-2019.doc", "bengbu-letter-2023.ofd", "routing-form-2020.ofd"):
        shutil.copy(FORMATS / name, folder / name)
    shutil.copy(RAW / "jiaxing-2025-18.html", folder / "art_1229.shtml")
    (folder / "附件1 项目清单.xlsx").write_bytes(b"PK\x03\x04" + bytes(100))
    return folder


@pytest.fixture(scope="module")
def extracted(downloads, tmp_path_factory):
    out = tmp_path_factory.mktemp("out")
    result = CliRunner().invoke(gazette, ["extract", str(downloads), "--out", str(out), "--workers", "2"])
    assert result.exit_code == 0, result.output
    return out, result


def documents(out: Path) -> pd.DataFrame:
    return pd.read_parquet(out / "documents.parquet")


def test_every_readable_input_gives_its_document_with_title_and_doc_number(extracted):
    out, _ = extracted
    rows = documents(out)
    found = {(row.source_file, row.title, row.doc_number if isinstance(row.doc_number, str) else None)
             for row in rows.itertuples()}
    assert {
        ("征求意见稿.docx", "嘉兴市推动人工智能高质量发展实施方案", None),
        ("shangrao-police-notice-2019.doc", "上饶市2019年度考录人民警察体能测评通知", None),
        ("bengbu-letter-2023.ofd", "关于加快南货场铁路涵洞下穿建设的函", None),
        ("routing-form-2020.ofd", "市委主要领导同志调研后续落实事项的通知", "府办专督〔2020〕24号"),
        ("art_1229.shtml", "嘉兴市人民政府办公室关于印发嘉兴市推进“人工智能+”行动计划(2025—2027年)的通知",
         "嘉政办发〔2025〕18号"),
    } <= found
    formats = dict(zip(rows["source_file"], rows["source_format"], strict=False))
    assert {formats[name] for name in ("征求意见稿.docx", "shangrao-police-notice-2019.doc",
                                        "bengbu-letter-2023.ofd", SCANNED)} == {"docx", "doc", "ofd", "pdf"}


def test_the_spreadsheet_is_one_unsupported_row_and_the_closing_line_counts_each(extracted):
    out, result = extracted
    manifest = pd.read_parquet(out / "manifest.parquet").set_index("source_file")
    assert manifest.loc["附件1 项目清单.xlsx", "status"] == "unsupported"
    assert (manifest["status"] == "unsupported").sum() == 1
    assert manifest.loc[SCANNED, "ocr_pages"] == 13
    assert "7 inputs: 6 read (13 pages by OCR), 1 unsupported: .xlsx" in result.stderr


def test_the_scanned_issue_gives_the_documents_of_its_gold(extracted, tmp_path):
    """Documents F1 against the sample issue's hand gold, scored as shared/tools/score.py does."""
    out, _ = extracted
    corpus = tmp_path / "corpus"
    (corpus / "gold").mkdir(parents=True)
    shutil.copy(CORPUS / "gold" / "jiaxing-2024-11.json", corpus / "gold")
    (corpus / "MANIFEST.json").write_text(json.dumps(
        {SCANNED: {"text_id": "jiaxing-2024-11", "format": "pdf", "expect": "ok"}}), encoding="utf-8")

    figures, per_file = score.score(out, corpus)

    assert figures["documents"]["f1"] >= 0.95, per_file


def test_the_scanned_issue_reads_within_two_percent_of_the_text_layer(extracted, tmp_path):
    """Character error rate of the scanned issue's documents, in order, against the same issue
    read from its text layer, white space aside: what OCR misread, whatever document it is in."""
    out, _ = extracted
    reference_out = tmp_path / "reference"
    result = CliRunner().invoke(gazette, ["extract", str(ISSUE), "--out", str(reference_out), "--workers", "1"])
    assert result.exit_code == 0, result.output
    scanned = documents(out).query("source_file == @SCANNED").sort_values("position")
    reference = documents(reference_out).sort_values("position")
    assert min(scanned["ocr_pages"].map(len)) >= 1  # every document's text is on a scanned page
    want, got = ("".join("".join(table["text"]).split()) for table in (reference, scanned))

    assert Levenshtein.distance(want, got) / len(want) <= 0.02


def test_facts_read_from_scanned_pages_say_so(extracted):
    out, _ = extracted
    targets = pd.read_parquet(out / "targets.parquet")
    scanned = targets[targets["source_file"] == SCANNED]
    assert len(scanned) and set(scanned["evidence_origin"]) == {"ocr text"}
    assert set(targets.loc[targets["source_file"] != SCANNED, "evidence_origin"]) <= {"text", "page metadata"}
