"""A form about one document (收文处理笺, 发文稿纸) prints the document's 文号, title and
issuer as label and value cells; those cells are the file's metadata, as a web page's
block is. A table of many documents, whose labels are column headings, is not a form."""
from __future__ import annotations

from pathlib import Path

import docx

from parsers import form_fields
from pipeline.normalise import normalise
from pipeline.read import read
from pipeline.segment import segment

FORMATS = Path(__file__).parent / "fixtures" / "formats"


def documents(path: Path):
    return segment(normalise(read(path))).documents


def test_a_real_routing_slip_gives_the_document_it_routes():
    """The OFD routing slip of ../shared/formats: 来文文号 / 公文标题 / 来文单位 cells."""
    [document] = documents(FORMATS / "routing-form-2020.ofd")
    assert document.title == "市委主要领导同志调研后续落实事项的通知"
    assert document.doc_number == "府办专督〔2020〕24号"
    assert document.issuer == "市人民政府办公室"


def test_a_drafting_sheet_saved_as_word_gives_its_fields(tmp_path):
    sheet = docx.Document()
    sheet.add_paragraph("嘉兴市人民政府发文稿纸")
    table = sheet.add_table(rows=3, cols=4)
    for row, cells in zip(table.rows, [("文号", "嘉政发〔2024〕19号", "成文日期", "2024年10月8日"),
                                       ("标题", "嘉兴市人民政府关于公布第一批重点产业链名单的通知", "", ""),
                                       ("主送", "各县（市、区）人民政府", "发文单位", "嘉兴市人民政府")], strict=True):
        for cell, value in zip(row.cells, cells, strict=True):
            cell.text = value
    path = tmp_path / "发文稿纸.docx"
    sheet.save(path)

    [document] = documents(path)

    assert (document.title, document.doc_number, document.issuer) == (
        "嘉兴市人民政府关于公布第一批重点产业链名单的通知", "嘉政发〔2024〕19号", "嘉兴市人民政府")


def test_a_table_of_documents_is_not_a_form():
    listing = "\n".join([
        "序号\t文件名称\t文号\t发布日期",
        "1\t关于印发某某办法的通知\t嘉政发〔2024〕1号\t2024-01-05",
        "2\t关于公布某某名单的通知\t嘉政发〔2024〕2号\t2024-02-06",
    ])
    assert form_fields(listing) == ()


def test_one_label_cell_is_not_a_form():
    assert form_fields("附件\t文号\n项目名称\t嘉兴港区码头工程\n金额\t200万元") == ()
