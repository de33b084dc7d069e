"""The PDF reader on real gazette PDFs: columns, headers, footers, pages, broken files."""
from __future__ import annotations

import re
import time

import pytest

from parsers import ReadError, pdf
from pipeline.normalise import normalise
from pipeline.read import read
from pipeline.records import page_at
from tests.conftest import raw

RADICALS = re.compile(r"[\u2e80-\u2eff\u2f00-\u2fdf]")


def squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


@pytest.fixture(scope="module")
def one_column():
    return normalise(pdf.parse(raw("jiaxing-2024-11.pdf")))


@pytest.fixture(scope="module")
def two_columns():
    return normalise(pdf.parse(raw("jiaxing-2024-11-2col-radicals.pdf")))


def test_two_column_radicals_pdf_reads_as_the_one_column_pdf(one_column, two_columns):
    assert squeeze(two_columns.text) == squeeze(one_column.text)


def test_two_column_pdf_has_radical_code_points_in_its_text_layer_and_none_after_normalising(two_columns):
    layer = pdf.parse(raw("jiaxing-2024-11-2col-radicals.pdf")).text
    assert "⼈⺠政府" in layer
    assert not RADICALS.search(two_columns.text)
    assert "嘉兴市人民政府" in two_columns.text


def test_two_column_page_reads_left_column_then_right(two_columns):
    text = two_columns.text
    # Page 2: the left column holds the end of 嘉政发〔2024〕19号, the right column
    # the first tasks of 嘉政发〔2024〕20号; both paragraphs come out whole and in order.
    award = "希望获奖单位再接再厉,积极发挥标杆示范作用,持续抓好质量管理,推动质量创新。"
    layout = "(一)明确空间布局。在嘉兴市中心城区,特别是三环内及周边探索工业载体空间新模式"
    assert award in text and layout in text
    assert text.index(award) < text.index("嘉政发[2024]20号", text.index(award)) < text.index(layout)


def test_paragraph_cut_by_a_column_break_is_joined(two_columns):
    # In the two-column PDF this sentence runs from the foot of one column to the next.
    sentence = ("授予浙江欣兴工具股份有限公司、双飞无油轴承集团股份有限公司、浙江信汇新材料股份有限公司"
                "等3家单位2023年度嘉兴市市长质量奖“创新奖”。")
    assert sentence in two_columns.text.split("\n")


def test_running_headers_and_page_number_footers_are_dropped(one_column, two_columns):
    for issue in (one_column, two_columns):
        lines = issue.text.split("\n")
        assert not [x for x in lines if re.fullmatch(r"[—-]\s*\d+\s*[—-]", x)]
        assert not [x for x in lines if "2024年第11期" in x and "嘉兴市人民政府公报" in x]
        # the cover keeps its own title line: it is not a running header
        assert lines[0] == "嘉兴市人民政府公报"


# Where pdfplumber's own extract_text() places these phrases, page by page.
PAGES = [  # phrase, page in the one-column PDF, page in the two-column PDF
    ("第11期(总第257期)", 1, 1),                     # cover
    ("各县(市、区)人民政府,市政府各部门", 2, 2),     # first document's recipients
    ("(一)鼓励制造业投资", 7, 6),
    ("眭永华任嘉兴经济技术开发区", 11, 9),           # 人事任免
    ("邮编：314050", 13, 13),                        # colophon (邮 编： before normalising)
]


@pytest.mark.parametrize("phrase, page_1col, page_2col", PAGES)
def test_every_character_keeps_its_page(one_column, two_columns, phrase, page_1col, page_2col):
    for issue, page in ((one_column, page_1col), (two_columns, page_2col)):
        assert page_at(issue.pages, issue.text.index(phrase)) == page
        assert issue.pages[-1].page == 13 and issue.pages[-1].end == len(issue.text)


def test_ruled_table_cells_that_wrap_stay_one_cell(two_columns):
    assert "1\t关于公布嘉兴市司法局废止部分行政规范性文件的通知\t嘉司发[2022]20号" in two_columns.text


def test_draft_pdf_without_header_reads_every_page():
    issue = normalise(pdf.parse(raw("jiaxing-ai-plan-draft.pdf")))
    assert issue.text.startswith("嘉兴市推动人工智能高质量发展实施方案\n(征求意见稿)")
    assert [p.page for p in issue.pages] == [1, 2, 3, 4, 5]
    # a task item cut by the page 1 / page 2 break is one paragraph again
    assert "(责任单位：市经信局、市发展改革委、市科技局)" in issue.text


@pytest.mark.parametrize("name, error_type", [
    ("empty.pdf", "empty_file"),
    ("not-a-pdf.pdf", "not_a_pdf"),
    ("truncated.pdf", "corrupt_pdf"),
    ("scanned.pdf", "no_text_layer"),  # with OCR off: tests/test_ocr.py reads it by OCR
])
def test_unreadable_pdf_raises_a_named_error(name, error_type):
    with pytest.raises(ReadError) as info:
        pdf.parse(raw(name), ocr="off")
    assert info.value.error_type == error_type
    assert info.value.message


# --- engine and deadline, through pipeline.read ------------------------------------------------

def test_read_passes_the_pdf_engine_on():
    path = raw("jiaxing-ai-plan-draft.pdf")
    fast, reference = read(path, pdf_engine="pdfium"), read(path, pdf_engine="pdfplumber")
    assert (fast.text, fast.pages) == (reference.text, reference.pages)
    assert read(path).text == fast.text  # pdfium is the default


@pytest.mark.parametrize("engine", pdf.ENGINES)
def test_read_stops_a_pdf_past_its_deadline(engine):
    with pytest.raises(ReadError) as info:
        read(raw("jiaxing-2024-11-2col-radicals.pdf"), pdf_engine=engine, deadline=time.monotonic() - 1)
    assert info.value.error_type == "time_limit"
    assert "page 1 of 13" in info.value.message


def test_only_pdfs_take_the_deadline():
    # HTML and text files are read in one go; a passed deadline does not stop them
    for name in ("jiaxing-2025-18.html", "jiaxing-ai-plan-draft.txt"):
        assert read(raw(name), deadline=time.monotonic() - 1).text
