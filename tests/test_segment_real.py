"""Documents as real sources print them (issue 14): legal-database exports, Markdown, web
pages' own metadata, 转发 and joint issuers, orders (令), replies to persons, and the
clauses that date a document. Each test is one class of real input: a header, a title
line or a page in, the document's fields out. The pages are from tests/fixtures/real
(real official documents, see its README)."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from parsers.text import export_header, strip_markdown
from pipeline.segment import fields
from pipeline.segment.lines import lines_of
from tests.golden import segment_file

REAL = Path(__file__).parent / "fixtures" / "real" / "raw"
SAMPLE = Path(__file__).parent / "fixtures" / "corpus" / "raw"


def only_document(path: Path):
    issue = segment_file(path)
    assert len(issue.documents) == 1, [d.title for d in issue.documents]
    return issue.documents[0]


def write(tmp_path: Path, name: str, text: str, encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding=encoding)
    return path


# --- 1. exports and text with markup ---------------------------------------------------

EXPORT = """国务院关于修改部分行政法规的决定
【法宝引证码】CLI.2.331062
【发布部门】国务院
【发文字号】中华人民共和国国务院令第709号
【发布日期】2019.03.02
【实施日期】2019.03.02
【时效性】现行有效
【效力级别】行政法规
【法规类别】行政法总类

国务院关于修改部分行政法规的决定

为依法推进简政放权、放管服结合、优化服务改革，国务院对取消行政许可等涉及的行政法规进行了清理。
本决定自公布之日起施行。
"""


def test_an_exports_header_is_metadata_not_text():
    metadata, text = export_header(EXPORT)
    assert dict(metadata) == {"issuer": "国务院", "doc_number": "中华人民共和国国务院令第709号",
                              "published_date": "2019.03.02", "effective_date": "2019.03.02",
                              "validity": "有效"}
    assert "【" not in text and "CLI.2.331062" not in text


def test_an_export_reads_as_the_document_it_holds(tmp_path):
    doc = only_document(write(tmp_path, "export.txt", EXPORT))
    assert doc.title == "国务院关于修改部分行政法规的决定"  # printed twice, counted once; never the header
    assert doc.doc_number == "国令第709号"
    assert doc.issuer == "国务院"
    assert doc.doc_type == "决定"
    assert doc.published_date == doc.effective_date == dt.date(2019, 3, 2)


def test_gazette_category_lines_are_no_export_header():
    text = "目 录\n【市政府文件】\n嘉兴市人民政府关于…的通知 (2)\n【政策解读】\n"
    assert export_header(text) == ((), text)


def test_markdown_marks_are_read_not_kept():
    assert strip_markdown("# 嘉兴市人民政府公报\n**【市政府文件】**\n- 嘉兴市人民政府关于…的通知 (2)\n") == \
        "嘉兴市人民政府公报\n【市政府文件】\n嘉兴市人民政府关于…的通知 (2)\n"
    assert strip_markdown("- 3 -\n") == "- 3 -\n"  # a page footer, not a bullet


def test_an_issue_whose_toc_is_a_bulleted_list_finds_every_document(tmp_path):
    """The sample issue's text with its 目录 saved as Markdown: the same documents, the
    政策解读 and the 人事任免 included, as from the text as printed."""
    lines, in_toc = [], False
    for line in (SAMPLE / "jiaxing-2024-11.gbk.txt").read_bytes().decode("gbk").split("\n"):
        text = line.strip()
        if text == "目 录":
            in_toc = True
            lines.append("## 目 录")
        elif in_toc and text.startswith("【") and text.endswith("】"):
            lines.append(f"**{text}**")
        elif in_toc and text and not text.startswith("("):
            lines.append(f"- {text}")
            in_toc = "政策解读目录" not in text
        else:
            lines.append(line)
    markdown = segment_file(write(tmp_path, "jiaxing-2024-11.md.txt", "\n".join(lines)))
    printed = segment_file(SAMPLE / "jiaxing-2024-11.gbk.txt")
    assert [(d.title, d.doc_number, d.doc_type) for d in markdown.documents] == \
        [(d.title, d.doc_number, d.doc_type) for d in printed.documents]
    assert "人事任免" in [d.doc_type for d in markdown.documents]
    assert not any(d.title.startswith(("-", "*", "#")) or "**" in d.title for d in markdown.documents)


def test_a_numbered_toc_entry_keeps_its_title_whole():
    from pipeline.segment.toc import parse_toc
    toc = parse_toc(lines_of("目 录\n1. 嘉兴市人民政府关于大力发展都市型工业的实施意见 (2)\n"
                             "2. 嘉兴市司法局关于公布行政规范性文件清理结果的通知 (7)\n正文\n"))
    assert [e.title for e in toc.entries] == ["嘉兴市人民政府关于大力发展都市型工业的实施意见",
                                              "嘉兴市司法局关于公布行政规范性文件清理结果的通知"]


# --- 2. web page metadata beyond the table ---------------------------------------------

def test_a_pages_own_dates_outrank_the_text():
    """穗府办规〔2021〕19号: 实施日期 2021年12月06日, 失效日期 2029年12月06日 (a later extension),
    where the text says 自印发之日起施行，有效期5年 and is signed 2021年12月1日."""
    doc = only_document(REAL / "gz-suifubangui-2021-19.html")
    assert doc.signed_date == dt.date(2021, 12, 1)
    assert (doc.effective_date, doc.expiry_date) == (dt.date(2021, 12, 6), dt.date(2029, 12, 6))
    assert doc.unified_number == "GZ0220210019"


def test_a_site_templates_meta_tags_and_a_breadcrumb_headline(tmp_path):
    """The 天河区 page: its first <h1> is the breadcrumb, ArticleTitle and the second <h1>
    name the 办法; the title is the notice printed under the 文号 that issues it."""
    doc = only_document(REAL / "gz-suitiankegongxinguizi-2023-1.html")
    assert doc.title == ("广州市天河区科技工业和信息化局广州市天河区人力资源和社会保障局中共广州市天河区委统战部"
                         "关于印发广州市天河区深化支持港澳青年创新创业高质量发展实施办法的通知")
    assert doc.doc_type == "通知"
    assert doc.published_date == dt.date(2023, 8, 9)  # <meta name="PubDate">
    page = write(tmp_path, "page.html", """<html><head><meta charset="utf-8">
<meta name="ArticleTitle" content="某市数据条例"><meta name="PubDate" content="2024-03-05 10:00">
<meta name="ContentSource" content="某市人民政府办公室"></head><body>
<h1>您当前所在的位置：首页 &gt; 政务公开 &gt; 政策文件</h1>
<div><p>某市人民政府关于印发某市公共数据管理办法的通知</p><p>各区人民政府：</p>
<p>现将《某市公共数据管理办法》印发给你们，请认真贯彻执行。本办法自印发之日起施行，有效期五年，为推进公共数据开放，更好服务企业和群众。</p>
<p>某市人民政府</p><p>2024年3月1日</p></div></body></html>""")
    doc = only_document(page)
    assert doc.title == "某市数据条例"  # the headline, not the breadcrumb
    assert doc.published_date == dt.date(2024, 3, 5)
    assert doc.effective_date == dt.date(2024, 3, 1)
    assert doc.expiry_date == dt.date(2029, 2, 28)


# --- 3. issuers and titles of real State Council documents -------------------------------

def test_a_forwarding_notice_is_issued_by_the_forwarder():
    assert fields.issuer_from_title("国务院办公厅转发国家教委关于内地西藏班（校）扩大规模有关问题请示的通知") == "国务院办公厅"
    assert fields.issuer_from_title("国务院批转国家体改委关于1992年经济体制改革要点的通知") == "国务院"
    doc = only_document(REAL / "govcn-052.html")
    assert doc.issuer == "国务院办公厅"


@pytest.mark.parametrize("title, issuer", [
    ("国务院、中央军委关于进一步加强人民防空工作的决定", "国务院、中央军委"),
    ("国务院办公厅 中央军委办公厅关于印发…的通知", "国务院办公厅 中央军委办公厅"),
    ("广州市人力资源和社会保障局 广州市财政局关于印发广州市就业见习基地管理办法的通知",
     "广州市人力资源和社会保障局 广州市财政局"),
])
def test_joint_issuers_keep_every_organ(title, issuer):
    assert fields.issuer_from_title(title) == issuer


def test_joint_issuers_as_the_site_writes_them(tmp_path):
    page = write(tmp_path, "joint.html", """<html><head><meta charset="utf-8"></head><body>
<table><tr><td>发文机关：</td><td>国务院、中央军委</td></tr><tr><td>成文日期：</td><td>2008年01月07日</td></tr></table>
<div><p>国务院 中央军委关于进一步加强人民防空工作的决定</p><p>国发〔2008〕4号</p>
<p>各省、自治区、直辖市人民政府，国务院各部委、各直属机构，各军区、各军兵种：</p>
<p>人民防空是国防的重要组成部分，是经济建设的重要保障。为进一步加强新形势下的人民防空工作，现作出如下决定。</p>
<p>一、充分认识新形势下加强人民防空工作的重要性。人民防空是利用国家和社会力量，动员和组织人民群众防备敌人空中袭击、消除空袭后果所采取的措施和行动，是现代国防的重要组成部分。</p>
<p>二、进一步明确人民防空的指导思想和发展目标。坚持长期准备、重点建设、平战结合的方针，全面提高人民防空整体防护能力。</p>
<p>国务院　中央军委</p><p>2008年1月7日</p></div></body></html>""")
    doc = only_document(page)
    assert doc.issuer == "国务院、中央军委"
    assert doc.signed_date == dt.date(2008, 1, 7)


def test_a_number_inside_a_title_never_cuts_it(tmp_path):
    doc = only_document(write(tmp_path, "reply.txt", """关于政协十三届全国委员会第二次会议第4626号提案答复的函
财税函〔2019〕176号
马万祺副主席：
您提出的关于支持澳门青年创新创业的提案收悉。经认真研究，现答复如下：
一、关于税收政策
现行政策已经对符合条件的小型微利企业给予优惠。
财政部
2019年8月1日
"""))
    assert doc.title == "关于政协十三届全国委员会第二次会议第4626号提案答复的函"
    assert doc.doc_type == "函"
    assert doc.recipients == "马万祺副主席"  # addressed to a person
    assert doc.issuer == "财政部"


ORDER = """中华人民共和国国务院令
第707号
《国务院关于修改部分行政法规的决定》已经2019年2月27日国务院第42次常务会议通过，现予公布，自公布之日起施行。
总理　李克强
2019年3月2日
国务院关于修改部分行政法规的决定
为依法推进简政放权，国务院决定对49部行政法规的部分条款予以修改。
"""


def test_an_order_prints_what_it_promulgates(tmp_path):
    doc = only_document(write(tmp_path, "order.txt", ORDER))
    assert doc.title == "国务院关于修改部分行政法规的决定"
    assert (doc.doc_number, doc.doc_type, doc.issuer) == ("国令第707号", "令", "国务院")
    assert doc.signed_date == doc.effective_date == dt.date(2019, 3, 2)


def test_an_order_on_a_state_council_page():
    doc = only_document(REAL / "govcn-058.html")
    assert (doc.title, doc.doc_number, doc.doc_type, doc.issuer) == ("专利代理条例", "国令第706号", "令", "国务院")
    assert doc.effective_date == dt.date(2019, 3, 1)


def test_the_long_and_short_order_numbers_are_one_key():
    from pipeline.docnumber import normalize_doc_number
    assert normalize_doc_number("中华人民共和国国务院令第706号") == normalize_doc_number("国令第706号") == "国令第706号"
    assert normalize_doc_number("浙江省人民政府令第412号") == "浙江省人民政府令第412号"


def test_a_reprinted_regulation_cites_its_order_in_its_headnote(tmp_path):
    doc = only_document(write(tmp_path, "regulation.txt", """专利代理条例
（1991年3月4日中华人民共和国国务院令第76号发布　2018年11月6日中华人民共和国国务院令第706号修订）
第一章　总　则
第一条　为了规范专利代理行为，制定本条例。
"""))
    assert doc.title == "专利代理条例"  # the 题注 is no part of it
    assert (doc.doc_number, doc.issuer) == ("国令第706号", "国务院")


def test_a_numbered_heading_is_never_part_of_a_title():
    """柳河县 加快重点产业实施意见: no 文号, the title line then `一、财政支持`."""
    doc = only_document(REAL / "liuhe-chanye.html")
    assert (doc.title, doc.doc_type) == ("加快重点产业实施意见", "意见")


# --- 5. effective and expiry dates from the text ----------------------------------------

SIGNED = dt.date(2021, 12, 1)


@pytest.mark.parametrize("text, effective, expiry", [
    ("本办法自2012年2月1日至2017年1月31日施行。", dt.date(2012, 2, 1), dt.date(2017, 1, 31)),
    ("第二十九条　本办法自2022年3月1日起施行，有效期5年。", dt.date(2022, 3, 1), dt.date(2027, 2, 28)),
    ("本细则自印发之日起施行，有效期5年。\n广州市人民政府办公厅秘书处　　2021年12月6日印发",
     dt.date(2021, 12, 6), dt.date(2026, 12, 5)),
    ("本细则自印发之日起施行，有效期限为3年。", SIGNED, dt.date(2024, 11, 30)),
    ("本规定自公布之日起施行。", SIGNED, None),
    ("本办法从2022年1月1日起施行，施行期限为2年。", dt.date(2022, 1, 1), dt.date(2023, 12, 31)),
    ("本措施自2023年7月1日起实施，有效至2025年6月30日。", dt.date(2023, 7, 1), dt.date(2025, 6, 30)),
    ("本办法自印发之日起试行，试行期一年。", SIGNED, dt.date(2022, 11, 30)),
    ("7.3 本预案自印发之日起实施。", SIGNED, None),
])
def test_the_clauses_that_date_a_document(text, effective, expiry):
    got = fields.effective_date(text, SIGNED)
    assert got == effective
    assert fields.expiry_date(text, got) == expiry


def test_the_period_of_one_measure_dates_no_document():
    text = "对新引进企业给予房租补贴，补贴政策自2024年1月1日至2024年12月31日执行。"
    assert fields.effective_date(text, SIGNED) is None and fields.expiry_date(text, None) is None


def test_a_citation_of_another_documents_start_is_not_this_ones():
    text = ("《某某办法》自2015年1月1日起施行。\n第三十条　本办法自2022年3月1日起施行。")
    assert fields.effective_date(text, SIGNED) == dt.date(2022, 3, 1)


# --- page headlines that are not the title ----------------------------------------------

NOTICE_LINES = lines_of("广州市民政局关于印发广州市社区养老服务管理办法的通知\n穗民规字〔2024〕3号\n各区民政局：\n"
                        "现将《广州市社区养老服务管理办法》印发给你们，请认真贯彻执行。")


@pytest.mark.parametrize("headline", ["政策文件", "广州市人民政府门户网站"])
def test_a_headline_that_names_no_document_gives_way_to_the_printed_title(headline):
    assert fields.page_title(None, headline, NOTICE_LINES) == "广州市民政局关于印发广州市社区养老服务管理办法的通知"


def test_a_metadata_title_cut_short_gives_way(tmp_path):
    page = write(tmp_path, "cut.html", """<html><head><meta charset="utf-8"></head><body>
<table><tr><td>标　　题：</td><td>广州市民政局关于印发广州市社区养老服务…</td></tr></table>
<div><p>广州市民政局关于印发广州市社区养老服务管理办法的通知</p><p>穗民规字〔2024〕3号</p><p>各区民政局：</p>
<p>现将《广州市社区养老服务管理办法》印发给你们，请认真贯彻执行。执行中遇到的问题，请径向市民政局反映。为做好社区养老服务工作，各区要加强组织领导，
落实工作责任，完善服务设施，提升服务质量，确保各项措施落到实处，让老年人享有更好的养老服务。</p>
<p>广州市民政局</p><p>2024年3月1日</p></div></body></html>""")
    assert only_document(page).title == "广州市民政局关于印发广州市社区养老服务管理办法的通知"
    assert fields.page_title("广州市社区养老服务管理办法", None, NOTICE_LINES) == "广州市社区养老服务管理办法"


@pytest.mark.parametrize("headline", ["关于印发某某办法的通知_广州市人民政府门户网站", "关于印发某某办法的通知-中国政府网",
                                      "关于印发某某办法的通知 - 宁波市人民政府", "关于印发某某办法的通知_政府信息公开专栏",
                                      "中国政府网｜关于印发某某办法的通知"])
def test_the_sites_name_after_a_headline_is_dropped(headline):
    assert fields.strip_site_decoration(headline) == "关于印发某某办法的通知"
