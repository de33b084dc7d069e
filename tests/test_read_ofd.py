"""The OFD reader on two real OFD files and on packages written here by hand.

The real files (tests/fixtures/formats/, byte copies of shared/formats/): a 蚌埠 函 of one
page whose letterhead is drawn as outlines (no text) and whose seal is an image, and a
收文处理笺 (a ruled form) with stamp and free-text annotations. The values asserted were
read off the pages by eye.

The hand-written packages (`package()` below) are small OFD zips: OFD.xml with one DocBody
per document, each document's Document.xml, template and page Content.xml, annotations.
"""
from __future__ import annotations

import hashlib
import re
import zipfile
from pathlib import Path

import pytest
from lxml import etree

from parsers import ReadError, ofd
from pipeline.docnumber import find_doc_numbers
from pipeline.normalise import normalise
from pipeline.records import page_at
from pipeline.segment import segment

FORMATS = Path(__file__).parent / "fixtures" / "formats"
BENGBU = FORMATS / "bengbu-letter-2023.ofd"
ROUTING = FORMATS / "routing-form-2020.ofd"
NS = 'xmlns:ofd="http://www.ofdspec.org/2016"'


# --- the real files ---------------------------------------------------------------------

@pytest.fixture(scope="module")
def bengbu():
    return ofd.parse(BENGBU)


@pytest.fixture(scope="module")
def routing():
    return ofd.parse(ROUTING)


def test_bengbu_letter_text_in_reading_order(bengbu):
    lines = bengbu.text.split("\n")
    assert bengbu.source_format == "ofd" and bengbu.line_breaks == "layout"
    assert lines[0] == "关于加快南货场铁路涵洞下穿建设的函"
    assert lines[1] == "蚌山区政府："
    # the body's lines, set as separate text objects per run of one font, read as one paragraph
    assert ("根据我市2023年房地产用地供应计划，蚌山区东海大道北侧、解放路西侧居住地块计划于7月份出让，"
            "按照7月7日张铭副市长主持召开市自然资源和规划委员会审查会2023年第7次会议要求，") in bengbu.text
    assert "此函。" in lines
    assert lines[-1] == "2023年7月12日"
    assert bengbu.warnings == ()


def test_bengbu_letter_metadata(bengbu):
    # DocInfo's Title is `蚌埠市国土资源局`, a unit's name, not the letter's title: not taken.
    # Its CreationDate (2023-7-12) is when the file was made: no date column is filled from it.
    assert bengbu.title is None
    assert bengbu.metadata == ()


def test_bengbu_letter_pages_cover_the_text(bengbu):
    assert [(s.page, s.start, s.end) for s in bengbu.pages] == [(1, 0, len(bengbu.text))]
    assert page_at(bengbu.pages, bengbu.text.index("2023年7月12日")) == 1


def test_bengbu_letter_end_to_end():
    issue = segment(normalise(ofd.parse(BENGBU)))
    assert len(issue.documents) == 1
    doc = issue.documents[0]
    assert doc.title == "关于加快南货场铁路涵洞下穿建设的函"
    assert doc.doc_type == "函"
    assert doc.recipients == "蚌山区政府"
    assert str(doc.signed_date) == "2023-07-12"
    assert (doc.page_start, doc.page_end) == (1, 1)
    # the issuer's name is printed only in the letterhead, drawn as outlines, and in the seal,
    # an image: there is no text to read it from
    assert doc.issuer is None


def test_routing_form_reads_the_ruled_table_cell_by_cell(routing):
    lines = routing.text.split("\n")
    assert lines[0] == "XX市政府文件处理"
    # the 文号 cell: `府办专督〔2020〕`, a space object, `24`, a space object, then `号` wrapped
    # onto the cell's second line; a cell's lines are one value
    assert re.search(r"来文文号\t府办专督〔2020〕\s*24\s*号\t来文单位\t市人民政府办公室", routing.text)
    number = next(find_doc_numbers(routing.text)).number
    assert (number.issuer_code, number.year, number.seq) == ("府办专督", 2020, 24)
    assert "公文标题\t市委主要领导同志调研后续落实事项的通知" in routing.text
    assert "紧急程度\t常规\t公开方式\t不公开\t公文处理类型\t签阅" in lines
    assert "4、发至市商务局、市农业农村局、市交通运输局、市水利局。" in routing.text
    assert [(s.page, s.start, s.end) for s in routing.pages] == [(1, 0, len(routing.text))]


def test_routing_form_annotation_text_is_not_read(routing):
    # Doc_0/Annots/Page_0/Annotation.xml: three stamps and a FreeText note `测试文本注释`
    with zipfile.ZipFile(ROUTING) as z:
        assert "测试文本注释" in z.read("Doc_0/Annots/Page_0/Annotation.xml").decode()
    assert "测试文本注释" not in routing.text


# --- packages written here --------------------------------------------------------------

def text_object(x: float, y: float, text: str, size: float = 4.0, *, delta: str | None = None,
                ctm: str | None = None, object_id: int = 1) -> str:
    """A TextObject whose first character's origin is at (x, y + 0.85 size) on the page
    (mm); DeltaX defaults to one size per character (`g n d`)."""
    if delta is None and len(text) > 1:
        delta = f"g {len(text) - 1} {size}"
    delta_attr = f' DeltaX="{delta}"' if delta else ""
    ctm_attr = f' CTM="{ctm}"' if ctm else ""
    return (f'<ofd:TextObject ID="{object_id}" Boundary="{x} {y} {len(text) * size + 1} {size * 1.2}"'
            f' Font="1" Size="{size}"{ctm_attr}><ofd:TextCode X="0" Y="{size * 0.85}"{delta_attr}>'
            f'{text}</ofd:TextCode></ofd:TextObject>')


def page_xml(*objects: str, templates: tuple[str, ...] = ()) -> str:
    uses = "".join(f'<ofd:Template TemplateID="{t}" ZOrder="Background"/>' for t in templates)
    return (f'<?xml version="1.0" encoding="UTF-8"?><ofd:Page {NS}>{uses}<ofd:Content>'
            f'<ofd:Layer ID="900">{"".join(objects)}</ofd:Layer></ofd:Content></ofd:Page>')


def document_xml(pages: list[str], templates: dict[str, str] | None = None, annotations: str | None = None) -> str:
    tpl = "".join(f'<ofd:TemplatePage ID="{i}" BaseLoc="{loc}"/>' for i, loc in (templates or {}).items())
    annots = f"<ofd:Annotations>{annotations}</ofd:Annotations>" if annotations else ""
    page_list = "".join(f'<ofd:Page ID="{i + 1}" BaseLoc="{loc}"/>' for i, loc in enumerate(pages))
    return (f'<?xml version="1.0" encoding="UTF-8"?><ofd:Document {NS}><ofd:CommonData>'
            f"<ofd:MaxUnitID>999</ofd:MaxUnitID><ofd:PageArea><ofd:PhysicalBox>0 0 210 297</ofd:PhysicalBox>"
            f"</ofd:PageArea>{tpl}</ofd:CommonData><ofd:Pages>{page_list}</ofd:Pages>{annots}</ofd:Document>")


def ofd_xml(roots: list[str], info: str = "") -> str:
    bodies = "".join(f"<ofd:DocBody>{info if i == 0 else ''}<ofd:DocRoot>{root}</ofd:DocRoot></ofd:DocBody>"
                     for i, root in enumerate(roots))
    return f'<?xml version="1.0" encoding="UTF-8"?><ofd:OFD {NS} DocType="OFD" Version="1.1">{bodies}</ofd:OFD>'


def package(tmp_path: Path, parts: dict[str, str | bytes], name: str = "made.ofd") -> Path:
    path = tmp_path / name
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for part, data in parts.items():
            z.writestr(part, data)
    return path


# one paragraph per column: its first line indented two characters, its last line short
LEFT = ["左栏第一段第一行的文字内容写到栏边"] + [f"左栏第{n}行的文字内容写到栏的右边为止" for n in "二三四五六七八九"] + ["左栏末行。"]
RIGHT = ["右栏第一段第一行的文字内容写到栏边"] + [f"右栏第{n}行的文字内容写到栏的右边为止" for n in "二三四五六七八九"] + ["右栏末行。"]


def column(x: float, lines: list[str], first_id: int) -> list[str]:
    return [text_object(x + (8 if i == 0 else 0), 40 + 8 * i, line, object_id=first_id + i)
            for i, line in enumerate(lines)]


INFO = ("<ofd:DocInfo><ofd:DocID>x</ofd:DocID><ofd:Title>关于测试多文档封装的通知</ofd:Title>"
        "<ofd:Author>某某</ofd:Author><ofd:CreationDate>2024-03-05</ofd:CreationDate>"
        '<ofd:CustomDatas><ofd:CustomData Name="文号">测政发〔2024〕3号</ofd:CustomData>'
        '<ofd:CustomData Name="native_producer">test</ofd:CustomData></ofd:CustomDatas></ofd:DocInfo>')


def two_documents(tmp_path: Path) -> Path:
    """Two documents of one page each. Document 1: a letterhead on its template page, a
    title, a line of two objects (the second in points, scaled by its CTM), a rotated
    seal-ring text, a free-text annotation. Document 2: a page in two columns."""
    first = page_xml(
        text_object(50, 60, "关于测试多文档封装的通知", size=7, object_id=2),
        text_object(20, 80, "各有关单位：", object_id=3),
        text_object(20, 90, "根据工作安排，", object_id=4),
        # 16 pt characters 11.34 pt apart: 4 mm wide, placed by the CTM's scale (pt -> mm)
        text_object(48, 90, "现将有关事项通知如下。", size=11.3386, delta="g 9 11.3386",
                    ctm="0.3528 0 0 0.3528 0 0", object_id=5),
        text_object(150, 200, "印章文字", ctm="0 1 -1 0 0 0", object_id=6),
        templates=("7",))
    template = page_xml(text_object(60, 30, "某某市人民政府文件", size=8, object_id=8))
    annotation = (f'<?xml version="1.0" encoding="UTF-8"?><ofd:PageAnnot {NS}>'
                  '<ofd:Annot Type="Stamp" ID="20" Subtype="FreeText"><ofd:Appearance Boundary="20 100 60 10">'
                  + text_object(0, 0, "批注文字不应读出", object_id=21)
                  + "</ofd:Appearance></ofd:Annot></ofd:PageAnnot>")
    annotations = (f'<?xml version="1.0" encoding="UTF-8"?><ofd:Annotations {NS}><ofd:Page PageID="1">'
                   "<ofd:FileLoc>Page_0/Annotation.xml</ofd:FileLoc></ofd:Page></ofd:Annotations>")
    second = page_xml(*column(20, LEFT, 10), *column(115, RIGHT, 30))
    return package(tmp_path, {
        "OFD.xml": ofd_xml(["Doc_0/Document.xml", "Doc_1/Document.xml"], INFO),
        "Doc_0/Document.xml": document_xml(["Pages/Page_0/Content.xml"], {"7": "Tpls/Tpl_0/Content.xml"},
                                           annotations="Annots/Annotations.xml"),
        "Doc_0/Pages/Page_0/Content.xml": first,
        "Doc_0/Tpls/Tpl_0/Content.xml": template,
        "Doc_0/Annots/Annotations.xml": annotations,
        "Doc_0/Annots/Page_0/Annotation.xml": annotation,
        "Doc_1/Document.xml": document_xml(["/Doc_1/Pages/Page_0/Content.xml"]),  # an absolute BaseLoc
        "Doc_1/Pages/Page_0/Content.xml": second,
    })


@pytest.fixture
def made(tmp_path):
    return ofd.parse(two_documents(tmp_path))


def test_two_documents_read_in_order_with_page_numbers_running_on(made):
    text = made.text
    assert [s.page for s in made.pages] == [1, 2]
    assert made.pages[0].start == 0 and made.pages[-1].end == len(text)
    assert page_at(made.pages, text.index("关于测试多文档封装的通知")) == 1
    assert page_at(made.pages, text.index("左栏第一段")) == 2
    assert text.index("现将有关事项通知如下。") < text.index("左栏第一段")


def test_template_text_is_read_with_the_page(made):
    # the letterhead is on the template page the page refers to, above the title
    assert made.text.split("\n")[0] == "某某市人民政府文件"
    assert page_at(made.pages, 0) == 1


def test_scaled_text_object_joins_its_line(made):
    # `现将…` is set in points and scaled to millimetres by its CTM: it lands on the line
    assert "根据工作安排，现将有关事项通知如下。" in made.text.split("\n")


def test_rotated_text_and_annotations_are_not_read(made):
    assert "印章文字" not in made.text
    assert "批注文字不应读出" not in made.text


def test_two_columns_are_read_left_column_first(made):
    # each column is one paragraph, its lines joined; the left one comes first, whole
    lines = made.text.split("\n")
    assert lines[-2:] == ["".join(LEFT), "".join(RIGHT)]


def test_docinfo_title_and_custom_data(made):
    # a DocInfo Title that names a document is the title; a CustomData named by a metadata
    # label (文号) is a stated field; CreationDate (the file's) and Author are not mapped
    assert made.title == "关于测试多文档封装的通知"
    assert made.metadata == (("doc_number", "测政发〔2024〕3号"),)


def test_repeated_deltas_and_wide_spacing():
    chars = ofd_chars(text_object(20, 40, "一二三", delta="g 2 6", size=4))
    assert [round(c.x0 / ofd.MM_TO_PT, 3) for c in chars] == [20, 26, 32]
    # a character's box is its glyph (a size wide), not the spacing after it
    assert [round((c.x1 - c.x0) / ofd.MM_TO_PT, 3) for c in chars] == [4, 4, 4]
    baseline = (40 + 4 * 0.85) * ofd.MM_TO_PT
    assert chars[0].bottom > baseline and chars[0].bottom - chars[0].top == pytest.approx(4 * ofd.MM_TO_PT)


def ofd_chars(*objects: str) -> list:
    found = ofd.Found(ofd.DEFAULT_PAGE)
    found.collect(etree.fromstring(page_xml(*objects).encode()))
    return found.chars


# --- files that cannot be read ------------------------------------------------------------

def one_page(tmp_path: Path, content: str, name: str = "one.ofd") -> Path:
    return package(tmp_path, {"OFD.xml": ofd_xml(["Doc_0/Document.xml"]),
                              "Doc_0/Document.xml": document_xml(["Pages/Page_0/Content.xml"]),
                              "Doc_0/Pages/Page_0/Content.xml": content}, name)


def error_of(path: Path) -> ReadError:
    with pytest.raises(ReadError) as caught:
        ofd.parse(path)
    return caught.value


def test_zip_without_ofd_xml_is_not_an_ofd(tmp_path):
    path = package(tmp_path, {"word/document.xml": "<w/>", "Doc_0/Document.xml": document_xml([])})
    assert error_of(path).error_type == "not_an_ofd"


def test_not_a_zip_is_not_an_ofd(tmp_path):
    path = tmp_path / "fake.ofd"
    path.write_bytes(b"%PDF-1.7 not a zip at all")
    assert error_of(path).error_type == "not_an_ofd"
    path.write_bytes(b"")
    assert error_of(path).error_type == "empty_file"


def test_page_without_text_objects_is_no_text_layer(tmp_path):
    scan = page_xml('<ofd:ImageObject ID="3" CTM="210 0 0 297 0 0" Boundary="0 0 210 297" ResourceID="4"/>')
    error = error_of(one_page(tmp_path, scan))
    assert error.error_type == "no_text_layer"
    assert "without text objects (scanned images?)" in error.message


def test_broken_ofd_xml_is_corrupt(tmp_path):
    path = package(tmp_path, {"OFD.xml": "<ofd:OFD xmlns:ofd='x'><ofd:DocBody>", "Doc_0/Document.xml": ""})
    assert error_of(path).error_type == "corrupt_ofd"
    path = package(tmp_path, {"OFD.xml": ofd_xml(["Doc_0/Document.xml"])}, "nodoc.ofd")
    assert error_of(path).error_type == "corrupt_ofd"  # its Document.xml is missing


def test_a_broken_page_is_a_warning_and_the_others_are_read(tmp_path):
    path = package(tmp_path, {
        "OFD.xml": ofd_xml(["Doc_0/Document.xml"]),
        "Doc_0/Document.xml": document_xml(["Pages/Page_0/Content.xml", "Pages/Page_1/Content.xml",
                                            "Pages/Page_2/Content.xml"]),
        "Doc_0/Pages/Page_0/Content.xml": page_xml(text_object(20, 40, "第一页的正文")),
        "Doc_0/Pages/Page_1/Content.xml": "<ofd:Page xmlns:ofd='x'><ofd:Content>",  # cut short
        "Doc_0/Pages/Page_2/Content.xml": page_xml(text_object(20, 40, "第三页的正文")),
    })
    raw = ofd.parse(path)
    assert len(raw.warnings) == 1 and raw.warnings[0].startswith("page 2 unreadable")
    assert [s.page for s in raw.pages] == [1, 3]
    assert page_at(raw.pages, raw.text.index("第三页的正文")) == 3
    only_broken = package(tmp_path, {
        "OFD.xml": ofd_xml(["Doc_0/Document.xml"]),
        "Doc_0/Document.xml": document_xml(["Pages/Page_0/Content.xml"]),
        "Doc_0/Pages/Page_0/Content.xml": "<broken",
    }, "broken.ofd")
    assert error_of(only_broken).error_type == "corrupt_ofd"


def test_a_broken_document_is_a_warning_and_the_others_are_read(tmp_path):
    path = package(tmp_path, {
        "OFD.xml": ofd_xml(["Doc_0/Document.xml", "Doc_1/Document.xml"]),
        "Doc_0/Document.xml": "<ofd:Document",  # broken
        "Doc_1/Document.xml": document_xml(["Pages/Page_0/Content.xml"]),
        "Doc_1/Pages/Page_0/Content.xml": page_xml(text_object(20, 40, "第二份文件的正文")),
    })
    raw = ofd.parse(path)
    assert raw.text == "第二份文件的正文"
    assert raw.warnings[0].startswith("document 1 unreadable (corrupt_ofd)")


def test_oversized_part_is_refused(tmp_path, monkeypatch):
    path = package(tmp_path, {
        "OFD.xml": ofd_xml(["Doc_0/Document.xml"]),
        "Doc_0/Document.xml": document_xml(["Pages/Page_0/Content.xml", "Pages/Page_1/Content.xml"]),
        "Doc_0/Pages/Page_0/Content.xml": page_xml(text_object(20, 40, "短页")),
        "Doc_0/Pages/Page_1/Content.xml": page_xml(*[text_object(20, 40 + i, "长页" * 20) for i in range(40)]),
    })
    monkeypatch.setattr(ofd, "MAX_MEMBER_BYTES", 3000)  # the limit is 64 MB: a small one here
    raw = ofd.parse(path)
    assert "短页" in raw.text and "长页" not in raw.text
    assert "refused" in raw.warnings[0]
    monkeypatch.setattr(ofd, "MAX_MEMBER_BYTES", 100)
    assert error_of(path).error_type == "corrupt_ofd"  # OFD.xml itself is over the limit


def test_entities_are_not_expanded_nor_files_read(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("SECRET-CONTENT", encoding="utf-8")
    content = (f'<?xml version="1.0"?><!DOCTYPE ofd:Page [<!ENTITY leak SYSTEM "file://{secret}">'
               '<!ENTITY a "啊啊啊啊啊啊啊啊"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]>'
               + page_xml(text_object(20, 40, "正文&leak;&b;结束")).split("?>", 1)[1])
    raw = ofd.parse(one_page(tmp_path, content))
    assert "SECRET" not in raw.text and "啊" not in raw.text
    assert "正文" in raw.text


def test_package_bytes_are_hashed(bengbu):
    assert bengbu.source_sha256 == hashlib.sha256(BENGBU.read_bytes()).hexdigest()
    assert bengbu.source_file == str(BENGBU)
    assert ofd.parse(BENGBU, source_file="x/y.ofd").source_file == "x/y.ofd"
