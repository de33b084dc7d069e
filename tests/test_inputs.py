"""Every file under the input folder is read or listed: web pages by any name, files of a
kind gazette has no reader for listed once as unsupported, files that cannot be opened
tried again on the next run. Nothing is skipped in silence."""
from __future__ import annotations

import os
import shutil

import pandas as pd
import pytest
from click.testing import CliRunner

from pipeline.cli import gazette
from pipeline.read import kind_of, sniff
from pipeline.run import find_inputs, run
from tests.conftest import RAW

WEB_PAGE = RAW / "jiaxing-2025-18.html"
WEB_PAGE_TITLE = "嘉兴市人民政府办公室关于印发嘉兴市推进“人工智能+”行动计划(2025—2027年)的通知"


def manifest(out):
    return pd.read_parquet(out / "manifest.parquet").set_index("source_file")


def titles(out):
    documents = pd.read_parquet(out / "documents.parquet")
    return dict(zip(documents["source_file"], documents["title"], strict=True))


@pytest.mark.parametrize("name", ["article.shtml", "article.xhtml", "article.HTM", "content.jsp", "index"])
def test_a_web_page_is_read_whatever_name_it_was_saved_under(tmp_path, name):
    inputs = tmp_path / "in"
    inputs.mkdir()
    shutil.copy(WEB_PAGE, inputs / name)
    out = tmp_path / "out"

    summary = run(inputs, out, workers=1)

    assert (summary.files_read, summary.files_failed, summary.unsupported) == (1, 0, {})
    assert titles(out) == {name: WEB_PAGE_TITLE}


@pytest.mark.parametrize(("head", "kind"), [
    (b"%PDF-1.7\n", "pdf"),
    (b"\xef\xbb\xbf<!DOCTYPE html><html lang='zh'>", "html"),
    (b"  <meta charset='gbk'><title>\xb9\xab\xb8\xe6</title>", "html"),
    (b"PK\x03\x04\x14\x00\x00\x00mimetypeOFD.xml", "ofd"),
    (b"PK\x03\x04\x14\x00\x06\x00[Content_Types].xmlword/document.xml", "docx"),
    (b"PK\x03\x04\x14\x00\x00\x00images/001.jpg", "archive"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1\x00\x00", "doc"),
    (b"\x89PNG\r\n\x1a\n", "image"),
    (b"Rar!\x1a\x07\x00", "archive"),
    (b"{\\rtf1\\ansi", "unsupported e-document"),
    (b"\xe5\x85\xb3\xe4\xba\x8e", "unknown"),  # 关于: text, but nothing says what kind
])
def test_the_first_bytes_say_what_kind_of_file_it_is(head, kind):
    assert sniff(head) == kind


def test_the_suffix_table_decides_before_the_bytes(tmp_path):
    spreadsheet = tmp_path / "附件1.xlsx"
    spreadsheet.write_bytes(b"PK\x03\x04 not opened")
    page = tmp_path / "view.asp"
    page.write_bytes(WEB_PAGE.read_bytes())
    assert (kind_of(spreadsheet), kind_of(page), kind_of(tmp_path / "x.shtml")) == ("spreadsheet", "html", "html")
    assert [kind_of(tmp_path / f"通知{suffix}") for suffix in (".DOCX", ".docm", ".dotx", ".dot", ".wps", ".wpt")] == [
        "docx", "docx", "docx", "doc", "doc", "doc"]


def unsupported_folder(tmp_path):
    inputs = tmp_path / "in"
    inputs.mkdir()
    shutil.copy(RAW / "jiaxing-ai-plan-draft.txt", inputs / "plan.txt")
    (inputs / "附件1.xlsx").write_bytes(b"PK\x03\x04" + bytes(200))
    (inputs / "扫描件.jpg").write_bytes(b"\xff\xd8\xff\xe0" + bytes(200))
    (inputs / "attachments.zip").write_bytes(b"PK\x03\x04" + bytes(200))
    (inputs / "notes").write_bytes(b"\x00\x01\x02 not a document")
    (inputs / ".DS_Store").write_bytes(b"\x00\x00\x00\x01Bud1")  # hidden: not an input
    return inputs


def test_files_gazette_cannot_read_are_listed_once_as_unsupported(tmp_path):
    inputs = unsupported_folder(tmp_path)
    out = tmp_path / "out"

    first = run(inputs, out, workers=1)

    assert first.files == 5 and first.files_read == 1 and first.files_failed == 0
    assert first.unsupported == {".jpg": 1, ".xlsx": 1, ".zip": 1, "(no suffix)": 1}
    assert "4 unsupported: (no suffix), .jpg, .xlsx, .zip" in first.line()
    rows = manifest(out)
    assert rows["status"].to_dict() == {"attachments.zip": "unsupported", "notes": "unsupported",
                                        "plan.txt": "ok", "扫描件.jpg": "unsupported", "附件1.xlsx": "unsupported"}
    errors = pd.read_parquet(out / "errors.parquet").set_index("source_file")
    assert errors.loc["附件1.xlsx", "error_type"] == "unsupported_format"
    assert "a .xlsx file (spreadsheet)" in errors.loc["附件1.xlsx", "message"]
    assert "(image)" in errors.loc["扫描件.jpg", "message"]

    second = run(inputs, out, workers=1)  # the nightly rerun: nothing new to say

    assert (second.unchanged, second.unsupported, second.files_failed) == (5, {}, 0)
    assert "unsupported" not in second.line()
    assert len(pd.read_parquet(out / "errors.parquet")) == 4  # still listed, once each


def test_the_command_line_counts_unsupported_files_in_its_closing_line(tmp_path):
    inputs = unsupported_folder(tmp_path)
    result = CliRunner().invoke(gazette, ["extract", str(inputs), "--out", str(tmp_path / "out"), "--workers", "1"])
    assert result.exit_code == 0, result.output
    assert "5 inputs: 1 read, 4 unsupported: (no suffix), .jpg, .xlsx, .zip" in result.stderr


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads files whatever their permissions")
def test_a_file_that_could_not_be_opened_is_read_again_on_the_next_run(tmp_path):
    inputs = tmp_path / "in"
    inputs.mkdir()
    page = inputs / "page.html"
    shutil.copy(WEB_PAGE, page)
    page.chmod(0)
    out = tmp_path / "out"
    try:
        first = run(inputs, out, workers=1)
    finally:
        page.chmod(0o644)  # the permission is fixed; the file's size and time are as before
    assert first.files_failed == 1 and manifest(out).loc["page.html", "status"] == "cannot_open"
    assert pd.read_parquet(out / "errors.parquet")["error_type"].tolist() == ["cannot_open"]

    second = run(inputs, out, workers=1)

    assert (second.files_read, second.unchanged) == (1, 0)
    assert manifest(out).loc["page.html", "status"] == "ok"
    assert titles(out) == {"page.html": WEB_PAGE_TITLE}
    assert pd.read_parquet(out / "errors.parquet").empty


def test_a_file_that_could_not_be_opened_is_read_again_even_as_root(tmp_path, monkeypatch):
    """The same promise where chmod cannot stop the reader (CI runs as root): the OS's
    refusal is simulated at the one place every reader opens files."""
    inputs = tmp_path / "in"
    inputs.mkdir()
    shutil.copy(WEB_PAGE, inputs / "page.html")
    out = tmp_path / "out"
    import pathlib

    real_read_bytes = pathlib.Path.read_bytes

    def refuse(self):
        if self.name == "page.html":
            raise PermissionError(13, "Permission denied", str(self))
        return real_read_bytes(self)

    monkeypatch.setattr(pathlib.Path, "read_bytes", refuse)
    first = run(inputs, out, workers=1)
    monkeypatch.setattr(pathlib.Path, "read_bytes", real_read_bytes)
    assert manifest(out).loc["page.html", "status"] == "cannot_open"
    errors = pd.read_parquet(out / "errors.parquet")
    assert errors["error_type"].tolist() == ["cannot_open"] and "Permission denied" in errors["message"][0]
    assert first.files_failed == 1

    second = run(inputs, out, workers=1)

    assert second.files_read == 1 and titles(out) == {"page.html": WEB_PAGE_TITLE}


def test_a_link_to_nothing_is_an_input_and_hidden_folders_are_not(tmp_path):
    inputs = tmp_path / "in"
    (inputs / "sub").mkdir(parents=True)
    (inputs / "gone.pdf").symlink_to(tmp_path / "nowhere.pdf")
    shutil.copy(WEB_PAGE, inputs / "sub" / "page.html")
    (inputs / ".git").mkdir()
    (inputs / ".git" / "HEAD").write_text("ref: refs/heads/main\n")

    names = [item.source_file for item in find_inputs(inputs)]

    assert names == ["gone.pdf", "sub/page.html"]
    out = tmp_path / "out"
    summary = run(inputs, out, workers=1)
    assert (summary.files_read, summary.files_failed) == (1, 1)
    assert manifest(out).loc["gone.pdf", "status"] == "cannot_open"


def test_the_command_line_offers_the_ocr_modes_the_pdf_reader_has():
    from parsers import pdf
    from pipeline.read import OCR_MODES

    assert OCR_MODES == pdf.OCR_MODES
