"""The Word reader on a real Word 97 notice, on .docx files built from the corpus's draft
plan, and on the files that government sites publish as "Word" but are something else."""
from __future__ import annotations

import io
import quopri
import random
import zipfile
from collections.abc import Callable
from pathlib import Path

import docx
import pytest
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls

from parsers import ReadError, word
from pipeline.normalise import normalise
from pipeline.segment import segment
from tests.conftest import raw

FORMATS = Path(__file__).parent / "fixtures" / "formats"
NOTICE = FORMATS / "shangrao-police-notice-2019.doc"
NOTICE_TITLE = "上饶市2019年度考录人民警察体能测评通知"
DRAFT = raw("jiaxing-ai-plan-draft.txt").read_text(encoding="utf-8")
DRAFT_LINES = [line.strip() for line in DRAFT.split("\n") if line.strip()]
TARGETS_TABLE = [("指标", "2027年目标", "责任单位"),
                 ("链主型企业", "10家", "市经信局"),
                 ("“专精特新”小巨人企业", "50家", ""),
                 ("算力规模", "50E Flops以上", "市发展改革委")]


# --- the real .doc ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def notice():
    return word.parse(NOTICE)


def test_real_doc_reads_its_chinese_text_one_paragraph_per_line(notice):
    lines = notice.text.split("\n")
    assert notice.source_format == "doc" and notice.line_breaks == "paragraphs"
    assert lines[0] == NOTICE_TITLE
    assert lines[1] == "根据考务工作的安排，2019年度上饶市录用人民警察体能测试的具体安排如下："
    assert "1、时间：2019年7月12日，上午7:30" in lines
    assert "2、地点：上饶市公安局政治部A327（广信大道118号）" in lines
    # The last piece of the piece table starts inside the date: catdoc loses its `2019`.
    assert lines[-2:] == ["上饶市公安局政治部", "2019年7月3日"]


def test_real_doc_keeps_no_control_characters_and_no_header_story(notice):
    assert not any(ch < " " and ch != "\n" for ch in notice.text)
    assert "" not in notice.text.split("\n")
    assert notice.warnings == ()
    # Its SummaryInformation names no title (author `Lenovo User`, template Normal.dotm).
    assert notice.title is None and notice.metadata == ()


def test_real_doc_segments_as_one_notice_with_its_issuer_and_date(notice):
    issue = segment(normalise(notice))
    assert len(issue.documents) == 1
    document = issue.documents[0]
    assert NOTICE_TITLE in document.title
    assert document.doc_type == "通知" and document.doc_number is None  # it prints no 文号
    assert document.issuer == "上饶市公安局政治部"
    assert str(document.signed_date) == "2019-07-03"
    assert [s.heading for s in document.sections if s.level == 1] == ["体能测试的时间和地点",
                                                                      "领取体能测试准考证的时间和地点"]


@pytest.mark.parametrize("suffix", [".wps", ".DOC", ""])
def test_the_file_is_read_by_its_content_not_its_suffix(tmp_path, notice, suffix):
    # WPS Office saves .wps in Word 97's binary layout: the same reader reads it.
    path = tmp_path / f"notice{suffix}"
    path.write_bytes(NOTICE.read_bytes())
    assert word.parse(path).text == notice.text


def _fib_at(data: bytes) -> int:
    at = data.find(b"\xec\xa5\xc1\x00")  # wIdent 0xA5EC, nFib 193 (Word 97)
    assert at > 0
    return at


def test_doc_with_its_encrypted_flag_set_is_encrypted(tmp_path):
    data = bytearray(NOTICE.read_bytes())
    data[_fib_at(data) + 0x0B] |= 0x01  # fEncrypted: bit 8 of the FIB's flags at 0x0A
    path = tmp_path / "notice.doc"
    path.write_bytes(bytes(data))
    with pytest.raises(ReadError) as info:
        word.parse(path)
    assert info.value.error_type == "encrypted"


def test_doc_whose_piece_table_is_gone_is_corrupt(tmp_path):
    data = NOTICE.read_bytes()
    path = tmp_path / "notice.doc"
    path.write_bytes(data[:len(data) // 2])  # the 1Table stream and the text are cut off
    with pytest.raises(ReadError) as info:
        word.parse(path)
    assert info.value.error_type == "corrupt_word"


# --- .doc text stream: tables and fields ----------------------------------------------------------
# The real notice has no table and no field; these streams are written as Word writes
# them (MS-DOC 2.8: a cell ends with \x07, a row with a \x07 whose paragraph has the TTP
# sprm), with the notice's own text.


def _stream(*parts: tuple[str, dict]) -> tuple[str, Callable]:
    """(text, props): each part is a run of characters and the paragraph sprms of its marks."""
    text, sprms = "", {}
    for chars, props in parts:
        for i in range(len(chars)):
            sprms[len(text) + i] = props
        text += chars
    return text, lambda cp: sprms[cp]


CELL = {word.SPRM_IN_TABLE: 1}
ROW_END = {word.SPRM_IN_TABLE: 1, word.SPRM_TTP: 1}


def test_doc_table_rows_become_lines_of_tab_joined_cells():
    text, props = _stream(
        ("二、领取体能测试准考证的时间和地点\r", {}),
        ("项目\x07时间\x07地点\x07", CELL), ("\x07", ROW_END),
        ("领取准考证\x072019年7月11日\r（9:00-12:00）\x07上饶市公安局政治部A327\x07", CELL), ("\x07", ROW_END),
        ("体能测试\x072019年7月12日\x07\x07", CELL), ("\x07", ROW_END),  # an empty cell
        ("上饶市公安局政治部\r", {}),
    )
    assert word._doc_lines(text, props) == [
        "二、领取体能测试准考证的时间和地点",
        "项目\t时间\t地点",
        "领取准考证\t2019年7月11日 （9:00-12:00）\t上饶市公安局政治部A327",
        "体能测试\t2019年7月12日\t",
        "上饶市公安局政治部",
    ]


def test_doc_table_without_readable_properties_ends_rows_at_a_double_mark():
    text = "项目\x07时间\x07\x07体能测试\x072019年7月12日\x07\x07上饶市公安局政治部\r"
    assert word._doc_lines(text, lambda cp: None) == ["项目\t时间", "体能测试\t2019年7月12日", "上饶市公安局政治部"]


def test_doc_fields_keep_their_result_and_drop_their_code():
    text, props = _stream((
        "地点：\x13 HYPERLINK \"http://www.zgsr.gov.cn/\" \x14上饶师范学院\x13 MERGEFIELD x \x14田径场\x15\x15"
        "\x13 PAGE \x15\x01\r2019年7月3日\x0b（此件公开发布）\x0c\r", {}))
    assert word._doc_lines(text, props) == ["地点：上饶师范学院田径场", "2019年7月3日", "（此件公开发布）"]
    # an embedded spreadsheet is a field too; its result is a picture, so it is reported
    assert word._EMBED_FIELD.findall("附表：\x13 EMBED Excel.Sheet.8 \x14\x01\x15\r") == ["Excel.Sheet.8"]


def test_doc_sprm_walk_steps_over_a_table_definition():
    # sprmTDefTable (its cb counts itself less one), then the row end's TTP.
    grpprl = (word.SPRM_TDEF_TABLE.to_bytes(2, "little") + (5).to_bytes(2, "little") + b"\x01\x00\x00\x00"
              + word.SPRM_TTP.to_bytes(2, "little") + b"\x01" + word.SPRM_ITAP.to_bytes(2, "little")
              + (1).to_bytes(4, "little"))
    assert word._parse_sprms(grpprl) == {word.SPRM_TTP: 1, word.SPRM_ITAP: 1}


# --- .docx ----------------------------------------------------------------------------------------


def _draft_docx(path: Path, *, title: str | None = "Microsoft Word - 文档1") -> Path:
    """The draft plan as Word would save it: a heading, numbered headings, body paragraphs,
    a table of targets between two paragraphs (one cell holds a nested table), a page
    header and footer."""
    document = docx.Document()
    if title is not None:
        document.core_properties.title = title
    document.sections[0].header.paragraphs[0].text = "嘉兴市人民政府办公室"
    document.sections[0].footer.paragraphs[0].text = "— 1 —"
    document.add_heading(DRAFT_LINES[0], level=1)
    for line in DRAFT_LINES[1:12]:
        if line[:2] in ("一、", "二、"):
            document.add_heading(line, level=2)
        else:
            document.add_paragraph(line)
    table = document.add_table(rows=len(TARGETS_TABLE), cols=3)
    for r, row in enumerate(TARGETS_TABLE):
        for c, value in enumerate(row):
            table.cell(r, c).text = value
    inner = table.cell(3, 2).add_table(rows=1, cols=2)
    inner.cell(0, 0).text, inner.cell(0, 1).text = "市数据局", "市经信局"
    goals = next(p for p in document.paragraphs if p.text.startswith("到2027年"))
    goals._p.addnext(table._tbl)  # the table follows the paragraph that states the targets
    document.save(path)
    return path


@pytest.fixture(scope="module")
def draft(tmp_path_factory):
    return word.parse(_draft_docx(tmp_path_factory.mktemp("docx") / "draft.docx"))


def test_docx_paragraphs_in_order_with_the_table_in_its_place(draft):
    lines = draft.text.split("\n")
    assert draft.source_format == "docx" and draft.line_breaks == "paragraphs"
    goals = next(i for i, line in enumerate(lines) if line.startswith("到2027年"))
    assert lines[:goals + 1] == DRAFT_LINES[:goals + 1]
    assert lines[goals + 1:goals + 5] == [
        "指标\t2027年目标\t责任单位",
        "链主型企业\t10家\t市经信局",
        "“专精特新”小巨人企业\t50家\t",
        "算力规模\t50E Flops以上\t市发展改革委 市数据局 市经信局",  # the nested table, flattened
    ]
    assert lines[goals + 5:] == DRAFT_LINES[goals + 1:12]


def test_docx_page_header_footer_and_default_title_are_dropped(draft):
    assert "嘉兴市人民政府办公室" not in draft.text and "— 1 —" not in draft.text
    assert draft.title is None  # "Microsoft Word - 文档1"


def test_docx_title_is_taken_only_when_the_text_prints_it(tmp_path):
    printed = word.parse(_draft_docx(tmp_path / "a.docx", title="嘉兴市推动人工智能高质量发展实施方案"))
    assert printed.title == "嘉兴市推动人工智能高质量发展实施方案"
    # a title left over from the file this one was copied from
    stale = word.parse(_draft_docx(tmp_path / "b.docx", title="关于印发嘉兴市2023年数字经济工作要点的通知"))
    assert stale.title is None
    for default in ("文档1", "新建 Microsoft Word 文档", "实施方案.doc", "Word Document"):
        assert word.stated_title(default, DRAFT) is None


def test_docx_text_box_field_code_break_and_deleted_text(tmp_path):
    document = docx.Document()
    w = nsdecls("w")
    body = document.element.body
    # A text box as Word 2010+ saves it: the DrawingML box and its VML fallback copy.
    box = ('<w:r><w:t>附件：</w:t></w:r><w:r><mc:AlternateContent '
           'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
           'xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape" '
           'xmlns:v="urn:schemas-microsoft-com:vml"><mc:Choice Requires="wps"><w:drawing><wps:wsp><wps:txbx>'
           '<w:txbxContent><w:p><w:r><w:t>嘉兴市人工智能重点项目清单</w:t></w:r></w:p></w:txbxContent>'
           '</wps:txbx></wps:wsp></w:drawing></mc:Choice><mc:Fallback><w:pict><v:shape><v:textbox>'
           '<w:txbxContent><w:p><w:r><w:t>嘉兴市人工智能重点项目清单</w:t></w:r></w:p></w:txbxContent>'
           '</v:textbox></v:shape></w:pict></mc:Fallback></mc:AlternateContent></w:r>')
    field = ('<w:r><w:t>见第</w:t></w:r><w:r><w:fldChar w:fldCharType="begin"/></w:r>'
             '<w:r><w:instrText> PAGEREF _Toc1 \\h </w:instrText></w:r><w:r><w:fldChar w:fldCharType="separate"/></w:r>'
             '<w:r><w:t>3</w:t></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r><w:r><w:t>页</w:t></w:r>')
    revised = ('<w:r><w:t>到2027年，培育</w:t></w:r><w:del><w:r><w:delText>8</w:delText></w:r></w:del>'
               '<w:ins><w:r><w:t>10</w:t></w:r></w:ins><w:r><w:rPr><w:vanish/></w:rPr><w:t>（隐藏批注）</w:t></w:r>'
               '<w:r><w:t>家链主型企业</w:t></w:r>')
    signature = '<w:r><w:t>嘉兴市人民政府</w:t></w:r><w:r><w:br/></w:r><w:r><w:tab/><w:t>2025年5月13日</w:t></w:r>'
    for content in (box, field, revised, signature):
        body.insert(len(body) - 1, parse_xml(f"<w:p {w}>{content}</w:p>"))
    path = tmp_path / "parts.docx"
    document.save(path)
    assert word.parse(path).text.split("\n") == [
        "附件：", "嘉兴市人工智能重点项目清单", "见第3页", "到2027年，培育10家链主型企业", "嘉兴市人民政府", "2025年5月13日"]


def test_docx_embedded_spreadsheet_is_reported_not_lost(tmp_path):
    document = docx.Document()
    document.add_paragraph("附件：嘉兴市人工智能产业项目补助标准")
    obj = parse_xml(f'<w:r {nsdecls("w")} xmlns:o="urn:schemas-microsoft-com:office:office"><w:object>'
                    '<o:OLEObject Type="Embed" ProgID="Excel.Sheet.12" ShapeID="_x0000_i1025"/></w:object></w:r>')
    document.paragraphs[0]._p.append(obj)
    path = tmp_path / "annex.docx"
    document.save(path)
    issue = word.parse(path)
    assert issue.text == "附件：嘉兴市人工智能产业项目补助标准"
    assert issue.warnings == ("embedded objects not read: Excel.Sheet.12",)


def test_docx_with_no_text_is_empty_text(tmp_path):
    path = tmp_path / "blank.docx"
    document = docx.Document()
    document.add_paragraph("　　")
    document.save(path)
    with pytest.raises(ReadError) as info:
        word.parse(path)
    assert info.value.error_type == "empty_text"


def test_docx_saved_as_doc_is_read_as_docx(tmp_path):
    path = _draft_docx(tmp_path / "draft.doc")
    issue = word.parse(path)
    assert issue.source_format == "docx" and issue.text.startswith(DRAFT_LINES[0])


# --- what sites publish as Word but is not ------------------------------------------------------

GOV_PAGE_TITLE = "嘉兴市人民政府办公室关于印发嘉兴市推进“人工智能+”行动计划(2025—2027年)的通知"


def test_web_page_saved_as_doc_is_read_as_html(tmp_path):
    path = tmp_path / "jiaxing-2025-18.doc"
    path.write_bytes(raw("jiaxing-2025-18.html").read_bytes())
    issue = word.parse(path)
    assert issue.source_format == "html" and issue.line_breaks == "paragraphs"
    assert issue.title == GOV_PAGE_TITLE
    assert dict(issue.metadata)["doc_number"] == "嘉政办发〔2025〕18号"


def test_single_file_web_page_saved_as_doc_is_read_as_html(tmp_path):
    # Word's "单个文件网页" (.mht) as Word writes it: MIME, the page quoted-printable.
    page = quopri.encodestring(raw("jiaxing-2025-18.html").read_bytes())
    boundary = b"----=_NextPart_01D9A1B2.3C4D5E60"
    path = tmp_path / "jiaxing-2025-18.doc"
    path.write_bytes(b"MIME-Version: 1.0\r\nX-MimeOLE: Produced By Microsoft MimeOLE\r\nContent-Type: multipart/related; "
                     b'boundary="' + boundary + b'"\r\n\r\nThis document is a Single File Web Page.\r\n\r\n--'
                     + boundary + b"\r\nContent-Location: file:///C:/D1A2B3C4/jiaxing-2025-18.htm\r\n"
                     b"Content-Transfer-Encoding: quoted-printable\r\n"
                     b'Content-Type: text/html; charset="utf-8"\r\n\r\n' + page + b"\r\n--" + boundary + b"--\r\n")
    issue = word.parse(path)
    assert issue.source_format == "html" and issue.title == GOV_PAGE_TITLE
    assert "各县(市、区)人民政府,市政府各部门、直属各单位:" in normalise(issue).text


def test_rtf_saved_as_doc_is_unsupported_and_says_rtf(tmp_path):
    title = "".join(f"\\'{b:02x}" for b in NOTICE_TITLE.encode("gbk"))
    path = tmp_path / "notice.doc"
    path.write_bytes(b"{\\rtf1\\ansi\\ansicpg936\\deff0{\\fonttbl{\\f0\\fnil\\fcharset134 SimSun;}}\\f0 "
                     + title.encode("ascii") + b"\\par}")
    with pytest.raises(ReadError) as info:
        word.parse(path)
    assert info.value.error_type == "unsupported_format" and "RTF" in info.value.message


def test_zip_that_is_not_a_word_document_is_unsupported(tmp_path):
    path = tmp_path / "attachments.docx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("附件1.txt", DRAFT_LINES[0])
    with pytest.raises(ReadError) as info:
        word.parse(path)
    assert info.value.error_type == "unsupported_format" and "ZIP archive" in info.value.message
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
    path.write_bytes(buffer.getvalue())
    with pytest.raises(ReadError) as info:
        word.parse(path)
    assert info.value.error_type == "unsupported_format" and "Excel" in info.value.message


def test_pdf_saved_as_doc_is_unsupported_and_says_pdf(tmp_path):
    path = tmp_path / "draft.doc"
    path.write_bytes(raw("jiaxing-ai-plan-draft.pdf").read_bytes())
    with pytest.raises(ReadError) as info:
        word.parse(path)
    assert info.value.error_type == "unsupported_format" and "PDF" in info.value.message


def test_cut_off_docx_is_corrupt(tmp_path):
    data = _draft_docx(tmp_path / "draft.docx").read_bytes()
    path = tmp_path / "cut.docx"
    path.write_bytes(data[:len(data) * 2 // 3])
    with pytest.raises(ReadError) as info:
        word.parse(path)
    assert info.value.error_type == "corrupt_word"


def test_empty_file_and_random_bytes(tmp_path):
    empty = tmp_path / "empty.doc"
    empty.write_bytes(b"")
    with pytest.raises(ReadError) as info:
        word.parse(empty)
    assert info.value.error_type == "empty_file"
    noise = tmp_path / "noise.doc"
    noise.write_bytes(random.Random(2019).randbytes(8192))
    with pytest.raises(ReadError) as info:
        word.parse(noise)
    assert info.value.error_type == "corrupt_word"
