"""Hostile and odd PDFs (issue 18): none may stop the run, eat the machine or vanish silently.

Every PDF here is built by the test from a small recipe (hand-written objects, a content
stream, a font whose ToUnicode map says what its glyphs are; fpdf2 for the encrypted ones):
characters outside the Basic Multilingual Plane, pages far larger than PDF allows, content
streams that inflate a thousandfold, passwords. Where memory is the point, the file is read
in a child process under an address-space limit, and the child's peak RSS is asserted.
"""
from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import zlib
from dataclasses import dataclass
from pathlib import Path

import fpdf
import pandas as pd
import pytest
from click.testing import CliRunner
from fpdf.enums import EncryptionMethod

from parsers import ReadError, pdf
from parsers.pdf import limits
from pipeline.cli import gazette
from pipeline.normalise import normalise

ROOT = Path(__file__).parent.parent

# --- hand-built PDFs ----------------------------------------------------------------------


@dataclass(frozen=True)
class Page:
    """One page of a hand-built PDF: its content stream, stored as is or as zlib data
    (`flate`: the bytes are already compressed), its media box, and form XObjects it may
    draw as /X0, /X1 ... (each zlib data)."""

    content: bytes
    media_box: str = "0 0 595 842"
    flate: bool = False
    forms: tuple[bytes, ...] = ()


def to_unicode_cmap(alphabet: str, targets: dict[str, str] | None = None) -> str:
    """A ToUnicode CMap: code i + 1 is alphabet[i], written as UTF-16BE hex (a character
    outside the BMP is a surrogate pair); `targets` overrides the hex for some characters."""
    targets = targets or {}
    entries = [f"<{code:04X}> <{targets.get(ch) or ch.encode('utf-16-be').hex().upper()}>"
               for code, ch in enumerate(alphabet, start=1)]
    blocks = "".join(f"{len(entries[i:i + 100])} beginbfchar\n" + "\n".join(entries[i:i + 100]) + "\nendbfchar\n"
                     for i in range(0, len(entries), 100))
    return ("/CIDInit /ProcSet findresource begin 12 dict begin begincmap\n"
            "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"
            "/CMapName /Adobe-Identity-UCS def /CMapType 2 def\n"
            "1 begincodespacerange <0000> <FFFF> endcodespacerange\n"
            f"{blocks}endcmap CMapName currentdict /CMap defineresource pop end end")


def alphabet_of(*texts: str) -> str:
    return "".join(sorted({ch for text in texts for ch in text}))


def text_content(lines: list[str], alphabet: str, *, size: float = 12, top: float = 760) -> bytes:
    """Each line shown in font /F1 (codes from `alphabet`), one under the other."""
    return "".join(f"BT /F1 {size} Tf 72 {top - 1.6 * size * i} Td "
                   f"<{''.join(f'{alphabet.index(ch) + 1:04X}' for ch in line)}> Tj ET\n"
                   for i, line in enumerate(lines)).encode()


def hand_built_pdf(pages: list[Page], alphabet: str, targets: dict[str, str] | None = None) -> bytes:
    """A PDF of `pages`, with /F1 a Type0 font of Identity-H codes (no embedded glyphs: the
    engines substitute a font) whose ToUnicode map is to_unicode_cmap(alphabet, targets)."""
    cmap = to_unicode_cmap(alphabet, targets).encode()
    objects: list[bytes] = [
        b"<< /Type /Catalog /Pages 2 0 R >>", b"",
        b"<< /Type /Font /Subtype /Type0 /BaseFont /SimSun /Encoding /Identity-H "
        b"/DescendantFonts [4 0 R] /ToUnicode 6 0 R >>",
        b"<< /Type /Font /Subtype /CIDFontType2 /BaseFont /SimSun /FontDescriptor 5 0 R /DW 1000 "
        b"/CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> >>",
        b"<< /Type /FontDescriptor /FontName /SimSun /Flags 4 /FontBBox [0 -141 1000 859] "
        b"/ItalicAngle 0 /Ascent 859 /Descent -141 /CapHeight 700 /StemV 80 >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(cmap), cmap)]
    kids = []
    for page in pages:
        names = []
        for number, form in enumerate(page.forms):
            objects.append(b"<< /Type /XObject /Subtype /Form /BBox [0 0 595 842] /Filter /FlateDecode "
                           b"/Length %d >>\nstream\n%s\nendstream" % (len(form), form))
            names.append(b"/X%d %d 0 R" % (number, len(objects)))
        flate = b" /Filter /FlateDecode" if page.flate else b""
        objects.append(b"<< /Length %d%s >>\nstream\n%s\nendstream" % (len(page.content), flate, page.content))
        objects.append(b"<< /Type /Page /Parent 2 0 R /MediaBox [%s] /Contents %d 0 R /Resources << "
                       b"/Font << /F1 3 0 R >> /XObject << %s >> >> >>"
                       % (page.media_box.encode(), len(objects), b" ".join(names)))
        kids.append(b"%d 0 R" % len(objects))
    objects[1] = b"<< /Type /Pages /Kids [%s] /Count %d >>" % (b" ".join(kids), len(kids))
    out, offsets = bytearray(b"%PDF-1.7\n"), []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def inflating_to(operators: bytes, size: int) -> bytes:
    """zlib data that inflates to `operators` repeated to about `size` bytes: a few hundred
    kilobytes that inflate a thousandfold, made a megabyte at a time."""
    packer = zlib.compressobj(9)
    chunk = operators * ((1 << 20) // len(operators))
    return b"".join(packer.compress(chunk) for _ in range(size // len(chunk))) + packer.flush()


# The child's peak RSS in MB: the high-water mark of its own memory (ru_maxrss would also
# count the parent's pages it was forked with)
PEAK_MB = ("int(next(line for line in open('/proc/self/status') if line.startswith('VmHWM:')).split()[1]) "
           "/ 1024")


def read_in_child(path: Path, engine: str, *, memory_mb: int = 2048, timeout_s: float = 120) -> dict:
    """pdf.parse(path) in a child process whose address space is limited to `memory_mb`
    (so a runaway fails there, not on the machine): its text, warnings or error, and the
    child's peak RSS in MB."""
    code = ("import json, sys\n"
            "from pathlib import Path\n"
            "from parsers import ReadError, pdf\n"
            "try:\n"
            "    issue = pdf.parse(Path(sys.argv[1]), engine=sys.argv[2], ocr='off')\n"
            "    out = {'text': issue.text, 'warnings': list(issue.warnings)}\n"
            "except ReadError as error:\n"
            "    out = {'error': error.error_type, 'message': error.message}\n"
            f"out['peak_mb'] = {PEAK_MB}\n"
            "print(json.dumps(out))\n")
    return json.loads(run_child(code, [str(path), engine], memory_mb=memory_mb, timeout_s=timeout_s))


def run_child(code: str, args: list[str], *, memory_mb: int, timeout_s: float) -> str:
    def limit_memory():
        resource.setrlimit(resource.RLIMIT_AS, (memory_mb << 20, memory_mb << 20))

    done = subprocess.run([sys.executable, "-c", code, *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=timeout_s, preexec_fn=limit_memory,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert done.returncode == 0, f"the child failed ({done.returncode}): {done.stderr[-2000:]}"
    return done.stdout.strip().splitlines()[-1]


# --- characters outside the Basic Multilingual Plane ----------------------------------------

# a 任免 notice whose names hold CJK Extension B characters (U+20000 𠀀, U+2A6D6 𪛖, U+20BB7 𠮷)
APPOINTMENT = ["嘉兴市人民政府", "关于张𠀀等同志职务任免的通知", "嘉政发〔2024〕21号", "各县(市、区)人民政府:",
               "经研究决定,任命张𠀀为嘉兴市发展和改革委员会主任,", "免去李𪛖𠮷的嘉兴市统计局局长职务。",
               "嘉兴市人民政府", "2024年10月8日"]


def appointment_pdf() -> bytes:
    alphabet = alphabet_of(*APPOINTMENT)
    return hand_built_pdf([Page(text_content(APPOINTMENT, alphabet))], alphabet)


def test_the_pdfium_engine_joins_the_two_halves_of_a_character_outside_the_bmp():
    pages = pdf.open_pages(appointment_pdf(), "pdfium")
    try:
        chars = pages.read(0).chars
        assert pages.reference_pages == []  # read by PDFium itself
    finally:
        pages.close()
    text = "".join(c.text for c in chars)
    assert "张𠀀为" in text and "李𪛖𠮷的" in text
    assert not any("\ud800" <= ch <= "\udfff" for ch in text)
    name = next(c for c in chars if c.text == "𠀀")
    assert (name.x1 - name.x0) == pytest.approx(12.0)  # one full-width character, not two


def test_half_a_surrogate_pair_becomes_a_replacement_character_and_the_page_is_read():
    # a broken ToUnicode map: one code maps to a high surrogate alone, the next to a low one
    lines = ["任命张甲乙为局长"]
    alphabet = alphabet_of(*lines)
    data = hand_built_pdf([Page(text_content(lines, alphabet))], alphabet, targets={"甲": "D840", "乙": "DC01"})
    pages = pdf.open_pages(data, "pdfium")
    try:
        text = "".join(c.text for c in pages.read(0).chars)
    finally:
        pages.close()
    assert text == "任命张\ufffd\ufffd为局长"  # not joined: two glyphs, each half a character


def test_a_name_outside_the_bmp_reaches_documents_text_with_no_error_row(tmp_path):
    inputs = tmp_path / "in"
    inputs.mkdir()
    (inputs / "appointment.pdf").write_bytes(appointment_pdf())
    result = CliRunner().invoke(gazette, ["extract", str(inputs), "--out", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    documents = pd.read_parquet(tmp_path / "out" / "documents.parquet")
    errors = pd.read_parquet(tmp_path / "out" / "errors.parquet")
    assert errors.empty, errors.to_dict("records")
    assert list(documents["source_file"]) == ["appointment.pdf"]
    text = documents["text"].iloc[0]
    assert "任命张𠀀为嘉兴市发展和改革委员会主任" in text and "免去李𪛖𠮷的" in text


@pytest.mark.parametrize("engine", pdf.ENGINES)
def test_a_character_outside_the_bmp_survives_normalising(engine, tmp_path):
    path = tmp_path / "appointment.pdf"
    path.write_bytes(appointment_pdf())
    assert "张𠀀" in normalise(pdf.parse(path, engine=engine)).text


# --- page geometry beyond what PDF allows -------------------------------------------------

WIDE_LINES = ["嘉兴市人民政府关于印发若干政策的通知", "各县(市、区)人民政府,市政府各部门:"]


def wide_pdf() -> bytes:
    """A page a billion points wide (PDF allows 14,400), with a few lines of text."""
    alphabet = alphabet_of(*WIDE_LINES)
    return hand_built_pdf([Page(text_content(WIDE_LINES * 4, alphabet), media_box="0 0 1000000000 842")], alphabet)


@pytest.mark.parametrize("engine", pdf.ENGINES)
def test_a_page_a_billion_points_wide_is_read_as_one_column_in_bounded_memory(engine, tmp_path):
    path = tmp_path / "wide.pdf"
    path.write_bytes(wide_pdf())
    read = read_in_child(path, engine, memory_mb=2048)
    assert "error" not in read, read
    assert WIDE_LINES[0] in read["text"]
    assert read["warnings"] == ["page 1 is 1,000,000,000 × 842 points, larger than PDF allows (14,400): "
                                "read as one column"]
    assert read["peak_mb"] < 400


def test_the_gutter_search_does_not_grow_with_the_page_width():
    # the same two columns on an A4 page and on a page 1e9 points wide (x scaled alike)
    code = ("import json\n"
            "from parsers.pdf import Char, columns\n"
            "def rows(scale):\n"
            "    return [[Char('字', x * scale, (x + 10.5) * scale, 100.0 + 20 * r, 110.5 + 20 * r, 10.5)\n"
            "             for x in (60.0 + 10.5 * i for i in range(20))] +\n"
            "            [Char('字', x * scale, (x + 10.5) * scale, 100.0 + 20 * r, 110.5 + 20 * r, 10.5)\n"
            "             for x in (320.0 + 10.5 * i for i in range(20))] for r in range(30)]\n"
            "scale = 1e9 / 595.0\n"
            "print(json.dumps([columns.find_gutter(rows(1.0), 595.0), columns.find_gutter(rows(scale), 1e9) / scale,\n"
            f"                  {PEAK_MB}]))\n")
    a4, wide, peak_mb = json.loads(run_child(code, [], memory_mb=1024, timeout_s=60))
    assert a4 == pytest.approx(295.0)  # centred between the columns, which end at 270 and start at 320
    assert wide == pytest.approx(a4)
    assert peak_mb < 100


def test_a_large_page_is_rendered_for_ocr_within_the_pixel_budget():
    # a blank page 14,400 points square (the largest PDF allows): 300 dpi would be 3.6 gigapixels
    data = hand_built_pdf([Page(b"", media_box="0 0 14400 14400")], "字")
    scans = pdf.ocr.OcrReader(data)
    try:
        image = scans._render(0)
    finally:
        scans.close()
    assert image.width * image.height <= pdf.ocr.MAX_RENDER_PIXELS
    assert image.width == image.height > 3000


# --- content that inflates past the limits ---------------------------------------------------

FIRST_PAGE = ["第一页的正文照常读出。"]


def bomb_pdf(where: str) -> bytes:
    """Two pages: the first plain text, the second drawing 200 MB of strokes that inflate from a
    few hundred kilobytes, in its content stream or in a form XObject it draws."""
    alphabet = alphabet_of(*FIRST_PAGE)
    bomb = inflating_to(b"0 0 m 1 1 l S\n", 200 << 20)
    second = Page(bomb, flate=True) if where == "content" else Page(b"/X0 Do\n", forms=(bomb,))
    return hand_built_pdf([Page(text_content(FIRST_PAGE, alphabet)), second], alphabet)


@pytest.mark.parametrize("where", ["content", "form"])
@pytest.mark.parametrize("engine", pdf.ENGINES)
def test_a_page_whose_content_inflates_to_200_mb_is_left_out_in_bounded_memory(engine, where, tmp_path):
    path = tmp_path / "bomb.pdf"
    path.write_bytes(bomb_pdf(where))
    assert path.stat().st_size < 1 << 20
    read = read_in_child(path, engine, memory_mb=2048, timeout_s=60)
    assert "error" not in read, read
    assert FIRST_PAGE[0] in read["text"]
    assert read["warnings"] == ["page 2 left out: its content streams inflate to more than 2 MB "
                                "(the limit per page)"]
    assert read["peak_mb"] < 400


@pytest.mark.parametrize("engine", pdf.ENGINES)
def test_a_pdf_with_no_page_within_the_limits_is_a_size_limit_error(engine, tmp_path):
    path = tmp_path / "bomb.pdf"
    path.write_bytes(hand_built_pdf([Page(inflating_to(b"0 0 m 1 1 l S\n", 200 << 20), flate=True)], "字"))
    with pytest.raises(ReadError) as info:
        pdf.parse(path, engine=engine)  # OCR on: no page reads, but not for want of a text layer
    assert info.value.error_type == "size_limit"
    assert info.value.message == ("no page could be read within the size limits: page 1 left out: its content "
                                  "streams inflate to more than 2 MB (the limit per page)")


@pytest.mark.parametrize("engine", pdf.ENGINES)
def test_a_page_with_more_characters_than_the_limit_is_left_out_by_either_engine(engine, tmp_path, monkeypatch):
    monkeypatch.setattr(limits, "MAX_PAGE_CHARS", 100)
    lines = ["第一页只有几个字。"], ["第二页的字太多了" * 4] * 4, ["第三页又只有几个字。"]
    alphabet = alphabet_of(*(line for page in lines for line in page))
    path = tmp_path / "dense.pdf"
    path.write_bytes(hand_built_pdf([Page(text_content(page, alphabet)) for page in lines], alphabet))
    issue = pdf.parse(path, engine=engine)
    assert issue.warnings == ("page 2 left out: it has more than 100 characters (the limit per page)",)
    assert "第一页只有几个字" in issue.text and "第三页又只有几个字" in issue.text
    assert "第二页" not in issue.text


@pytest.mark.parametrize("engine", pdf.ENGINES)
def test_pages_past_the_files_content_limit_are_left_out_and_named(engine, tmp_path, monkeypatch):
    pages = [[f"第{n}页的正文。"] for n in "一二三四五"]
    alphabet = alphabet_of(*(line for page in pages for line in page))
    data = hand_built_pdf([Page(text_content(page, alphabet)) for page in pages], alphabet)
    path = tmp_path / "long.pdf"
    path.write_bytes(data)
    size = len(text_content(pages[0], alphabet))  # every page's content is as long
    monkeypatch.setattr(limits, "MAX_FILE_CONTENT", 3 * size)
    issue = pdf.parse(path, engine=engine)
    assert issue.warnings == (f"pages 4–5 left out: the file's content streams inflate to more than "
                              f"{3 * size:,} bytes (the limit per file)",)
    assert "第三页" in issue.text and "第四页" not in issue.text


@pytest.mark.parametrize("engine", pdf.ENGINES)
def test_pages_past_the_files_character_limit_are_left_out_and_named(engine, tmp_path, monkeypatch):
    monkeypatch.setattr(limits, "MAX_FILE_CHARS", 20)
    pages = [[f"第{n}页的正文。"] for n in "一二三四五"]  # 7 characters a page
    alphabet = alphabet_of(*(line for page in pages for line in page))
    path = tmp_path / "long.pdf"
    path.write_bytes(hand_built_pdf([Page(text_content(page, alphabet)) for page in pages], alphabet))
    issue = pdf.parse(path, engine=engine)
    assert issue.warnings == ("pages 3–5 left out: the file has more than 20 characters (the limit per file)",)
    assert "第二页" in issue.text and "第三页" not in issue.text


# --- passwords -------------------------------------------------------------------------------

def encrypted_pdf(user_password: str | None) -> bytes:
    """A one-page PDF encrypted with AES-256: readable only with `user_password`, or by
    anyone when it is None (only the owner's password is set: printing, copying...)."""
    document = fpdf.FPDF()
    document.add_page()
    document.set_font("helvetica", size=12)
    document.cell(text="Notice on the budget for 2025")
    document.set_encryption(owner_password="owner", user_password=user_password,
                            encryption_method=EncryptionMethod.AES_256)
    return bytes(document.output())


@pytest.mark.parametrize("engine", pdf.ENGINES)
def test_a_password_protected_pdf_is_an_encrypted_pdf_error(engine, tmp_path):
    path = tmp_path / "secret.pdf"
    path.write_bytes(encrypted_pdf("secret"))
    with pytest.raises(ReadError) as info:
        pdf.parse(path, engine=engine)
    assert info.value.error_type == "encrypted_pdf"
    assert info.value.message == f"the PDF is encrypted and {engine} cannot open it without its password"


@pytest.mark.parametrize("engine", pdf.ENGINES)
def test_a_pdf_encrypted_by_an_unknown_security_handler_is_an_encrypted_pdf_error(engine, tmp_path):
    data = hand_built_pdf([Page(text_content(["第一页"], "一第页"))], "一第页")
    path = tmp_path / "handler.pdf"  # an /Encrypt dictionary naming a handler neither engine has
    path.write_bytes(data.replace(b"trailer\n<< /Size", b"trailer\n<< /Encrypt << /Filter /Vendor.Secure /V 4 "
                                                         b"/R 4 /Length 128 >> /ID [<0102> <0102>] /Size"))
    with pytest.raises(ReadError) as info:
        pdf.parse(path, engine=engine)
    assert info.value.error_type == "encrypted_pdf"
    assert info.value.message.startswith(f"the PDF is encrypted with a security handler {engine} does not support: ")


@pytest.mark.parametrize("engine", pdf.ENGINES)
def test_a_pdf_encrypted_only_against_changes_is_read(engine, tmp_path):
    path = tmp_path / "restricted.pdf"
    path.write_bytes(encrypted_pdf(None))
    assert pdf.parse(path, engine=engine).text == "Notice on the budget for 2025"


def test_a_run_lists_the_password_protected_pdf_as_encrypted_and_the_bomb_as_partly_read(tmp_path):
    inputs = tmp_path / "in"
    inputs.mkdir()
    (inputs / "secret.pdf").write_bytes(encrypted_pdf("secret"))
    (inputs / "bomb.pdf").write_bytes(bomb_pdf("content"))
    result = CliRunner().invoke(gazette, ["extract", str(inputs), "--out", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    errors = pd.read_parquet(tmp_path / "out" / "errors.parquet")
    rows = sorted(zip(errors["source_file"], errors["stage"], errors["error_type"], errors["message"], strict=True))
    assert rows == [
        ("bomb.pdf", "read", "partly_read", "page 2 left out: its content streams inflate to more than 2 MB "
                                            "(the limit per page)"),
        ("secret.pdf", "read", "encrypted_pdf", "the PDF is encrypted and pdfium cannot open it without its "
                                                "password")]
    assert "secret.pdf: encrypted_pdf" in result.output
    manifest = pd.read_parquet(tmp_path / "out" / "manifest.parquet").set_index("source_file")
    assert manifest.loc["bomb.pdf", "status"] == "partly_read"
