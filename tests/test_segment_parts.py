"""The parts of segmentation on small texts: cover, 目录, heading tree, document fields."""
from __future__ import annotations

import datetime as dt

import pytest

from pipeline.segment import doctype, fields
from pipeline.segment.cover import read_cover
from pipeline.segment.lines import Compact, lines_of
from pipeline.segment.sections import find_sections
from pipeline.segment.toc import parse_toc

# --- cover and colophon -------------------------------------------------------------------


def test_cover_and_colophon_of_a_city_gazette():
    text = ("嘉兴市人民政府公报\nGAZETTE OF THE PEOPLE'S GOVERNMENT\n2024\n第11期(总第257期)\n目录\n...\n"
            "正文。\n嘉兴市人民政府公报\n2024年第11期(总第257期)\n2024年11月25日出版\n准印证：浙内准字第F031号")
    meta = read_cover(text)
    assert (meta.gazette_title, meta.gazette_year, meta.gazette_issue, meta.gazette_issue_total,
            meta.published_date) == ("嘉兴市人民政府公报", 2024, "11", "257", dt.date(2024, 11, 25))
    assert text[meta.colophon_start:].startswith("嘉兴市人民政府公报\n2024年第11期")
    assert meta.government == "嘉兴市人民政府"


def test_a_combined_issue_keeps_both_numbers():
    meta = read_cover("浙江省人民政府公报\n2024年第07、08期(总第241、242期)\n目录")
    assert (meta.gazette_year, meta.gazette_issue, meta.gazette_issue_total) == (2024, "07、08", "241、242")


def test_an_issue_numbered_with_hao():
    meta = read_cover("中华人民共和国国务院公报\n2024年第5号(总号:1829)\n出版日期:2024年2月20日")
    assert (meta.gazette_issue, meta.gazette_issue_total, meta.published_date) == ("5", "1829", dt.date(2024, 2, 20))


def test_a_document_without_a_gazette_name_has_no_issue_metadata():
    assert read_cover("嘉兴市推动人工智能高质量发展实施方案\n(征求意见稿)\n第11期").gazette_title is None


# --- 目录 -------------------------------------------------------------------------------------

TOC = """嘉兴市人民政府公报
目录
【市政府文件】
嘉兴市人民政府关于公布2023年度嘉兴市市长质量奖获奖单位的通知
(嘉政发[2024]19号) ........................ (2)
【政策解读】
《嘉兴市人民政府办公室关于印发嘉兴市推动人工智能高质量发展实施方案的通知》政策解
读
......................................... (7)
【市政府人事任免】(2024年10月份) ........... (9)
政策解读目录(9)
嘉兴市人民政府关于公布2023年度
嘉兴市市长质量奖获奖单位的通知
嘉政发[2024]19号
各县(市、区)人民政府,市政府各部门、直属各单位:
为深入贯彻新发展理念,加快发展新质生产力,全面推进质量强市建设。"""


def test_toc_entries_with_categories_numbers_and_pages():
    toc = parse_toc(lines_of(TOC))
    got = [(e.category, e.title, e.doc_number.normalized if e.doc_number else None, e.page, e.is_document)
           for e in toc.entries]
    assert got == [
        ("市政府文件", "嘉兴市人民政府关于公布2023年度嘉兴市市长质量奖获奖单位的通知", "嘉政发〔2024〕19号", 2, True),
        ("政策解读", "《嘉兴市人民政府办公室关于印发嘉兴市推动人工智能高质量发展实施方案的通知》政策解读", None, 7, True),
        ("市政府人事任免", "市政府人事任免(2024年10月份)", None, 9, True),
        (None, "政策解读目录", None, 9, False),  # a listing, after a heading that named one item
    ]
    assert TOC[toc.end:].lstrip().startswith("嘉兴市人民政府关于公布2023年度\n")


def test_a_title_is_found_however_the_body_wraps_it():
    compact = Compact(TOC)
    found = compact.find("嘉兴市人民政府关于公布2023年度嘉兴市市长质量奖获奖单位的通知", start=TOC.index("政策解读目录"))
    assert TOC[found:].startswith("嘉兴市人民政府关于公布2023年度\n嘉兴市")


# --- heading tree -------------------------------------------------------------------------

PLAN = """嘉兴市推动人工智能高质量发展实施方案
一、主要目标
到2027年,培育链主企业10家。
二、重点任务
(一)实施人工智能产业集聚行动。
1.加大项目招引。绘制细化产业链图谱。(责任单位:市商务局)
2.加快平台建设。加快布局新产业平台。
(二)实施技术创新攻关突破行动。
3.打造高端创新载体。发挥企业创新主体作用。
(1)国家级创新载体。
(2)省级创新载体。
序号\t名称
1\t关于公布嘉兴市司法局废止部分行政规范性文件的通知
7.一个不接续编号的行。
2024年10月10日
三、支持政策
(一)鼓励制造业投资。对项目给予补助。"""


def test_sections_form_a_tree_with_printed_numbers_and_paths():
    sections = find_sections(PLAN, "doc")
    assert [(s.level, s.number, s.path, s.heading) for s in sections] == [
        (1, "一", "一", "主要目标"),
        (1, "二", "二", "重点任务"),
        (2, "(一)", "二/(一)", "实施人工智能产业集聚行动"),
        (3, "1", "二/(一)/1", "加大项目招引"),
        (3, "2", "二/(一)/2", "加快平台建设"),
        (2, "(二)", "二/(二)", "实施技术创新攻关突破行动"),
        (3, "3", "二/(二)/3", "打造高端创新载体"),  # runs on across (一)-(二)
        (4, "(1)", "二/(二)/3/(1)", "国家级创新载体"),
        (4, "(2)", "二/(二)/3/(2)", "省级创新载体"),
        (1, "三", "三", "支持政策"),
        (2, "(一)", "三/(一)", "鼓励制造业投资"),
    ]  # the table row `1\t...`, the stray `7.` and the date line are not headings
    by_path = {s.path: s for s in sections}
    assert by_path["二/(一)/1"].parent_id == by_path["二/(一)"].section_id
    assert by_path["二"].parent_id is None
    span = by_path["二/(一)"]
    assert PLAN[span.char_start:span.char_end] == (
        "(一)实施人工智能产业集聚行动。\n1.加大项目招引。绘制细化产业链图谱。(责任单位:市商务局)\n2.加快平台建设。加快布局新产业平台。")


# --- document fields ----------------------------------------------------------------------


@pytest.mark.parametrize(("title", "kind"), [
    ("嘉兴市人民政府关于大力发展都市型工业的实施意见", "意见"),
    ("嘉兴市人民政府办公室关于印发嘉兴市推动人工智能高质量发展实施方案的通知", "通知"),
    ("嘉兴市推动人工智能高质量发展实施方案", "实施方案"),
    ("嘉兴市推进“人工智能+”行动计划(2025—2027年)", "行动计划"),
    ("国务院关于同意设立某某自由贸易试验区的批复", "批复"),
    ("《关于某某的通知》政策解读", "政策解读"),
    ("市政府人事任免(2024年10月份)", "人事任免"),
    # a numbered notice of appointments is a 通知, signed and dated (a probe of 2026-12-07)
    ("河南省人民政府关于张建国等同志职务任免的通知", "通知"),
    ("部门行政规范性文件目录", "发文目录"),
])
def test_doc_type_is_the_word_the_title_ends_in(title, kind):
    assert doctype.doc_type(title) == kind


def test_the_head_of_a_numbered_document():
    head = fields.read_head(lines_of(
        "嘉兴市人民政府办公室关于印发嘉兴市推\n动人工智能高质量发展实施方案的通知\n嘉政办发〔2024〕25号\n"
        "各县(市、区)人民政府,市政府各部门、直属各单位:\n《嘉兴市推动人工智能高质量发展实施方案》已经审议通过。"))
    assert head.title == "嘉兴市人民政府办公室关于印发嘉兴市推动人工智能高质量发展实施方案的通知"
    assert head.doc_number.normalized == "嘉政办发〔2024〕25号"
    assert head.recipients == "各县(市、区)人民政府,市政府各部门、直属各单位"
    assert not head.is_draft


def test_the_head_of_a_draft():
    head = fields.read_head(lines_of("嘉兴市推动人工智能高质量发展实施方案\n(征求意见稿)\n为抢抓人工智能加速发展新机遇，特制订本方案。"))
    assert (head.title, head.is_draft, head.doc_number) == ("嘉兴市推动人工智能高质量发展实施方案", True, None)


def test_issuer_from_the_title_else_the_signature():
    assert fields.issuer_from_title("嘉兴市人民政府办公室关于印发某方案的通知") == "嘉兴市人民政府办公室"
    assert fields.issuer_from_title("关于加快推进人工智能产业创新发展的实施意见") is None
    signature = fields.find_signature(lines_of("本意见自2023年8月25日起施行。\n杭州市人民政府办公厅\n2023年7月24日\n(此件公开发布)"))
    assert (signature.issuer, signature.date) == ("杭州市人民政府办公厅", dt.date(2023, 7, 24))


SIGNED = dt.date(2024, 10, 10)


@pytest.mark.parametrize(("clause", "effective", "expiry"), [
    ("本实施方案自公布之日起施行,有效期至2027年12月31日。", SIGNED, dt.date(2027, 12, 31)),
    ("本意见自2023年8月25日起施行,有效期至2026年12月31日。", dt.date(2023, 8, 25), dt.date(2026, 12, 31)),
    ("本办法自2023年8月1日起开始实施。", dt.date(2023, 8, 1), None),
    ("本通知自7月1日起执行,有效期为一年。", dt.date(2024, 7, 1), dt.date(2025, 6, 30)),
    ("本实施意见自发文之日30日后正式施行,有效期至2027年底。", SIGNED + dt.timedelta(days=30), dt.date(2027, 12, 31)),
    ("本规定自印发之日起施行,有效期3年。", SIGNED, dt.date(2027, 10, 9)),
    # the end of the clause that put the document in force (a probe of 2026-12-07: time-limited measures)
    ("本措施自2024年4月1日起施行,至2024年12月31日止。", dt.date(2024, 4, 1), dt.date(2024, 12, 31)),
    ("本通知自印发之日起执行,执行至2025年12月31日。", SIGNED, dt.date(2025, 12, 31)),
    ("本办法自2024年1月1日起施行,执行期至2026年12月31日。", dt.date(2024, 1, 1), dt.date(2026, 12, 31)),
    # a measure's own period is not the document's
    ("一、购房补贴自2024年1月1日起执行至2024年6月30日。本办法自2024年1月1日起施行。", dt.date(2024, 1, 1), None),
    ("六、本公告执行至2027年12月31日。", None, dt.date(2027, 12, 31)),  # 财税 公告 (a probe of 2026-12-07)
    ("(一)扩大就业。政策执行期限至2024年12月31日。本通知自印发之日起施行。", SIGNED, None),  # one measure's term
    ("各地要抓好落实。", None, None),
])
def test_effective_and_expiry_dates_resolve_against_the_signed_date(clause, effective, expiry):
    got_effective = fields.effective_date(clause, SIGNED)
    assert (got_effective, fields.expiry_date(clause, got_effective)) == (effective, expiry)


def test_without_a_signed_date_a_relative_clause_gives_no_date():
    assert fields.effective_date("本实施意见自发文之日30日后正式施行", None) is None


def test_a_cited_documents_clause_does_not_date_this_one():
    text = "《某办法》(2020年印发)自2020年1月1日起施行。本通知自2024年3月1日起施行。"
    assert fields.effective_date(text, None) == dt.date(2024, 3, 1)


@pytest.mark.parametrize(("effective", "expiry", "today", "state"), [
    (dt.date(2024, 1, 1), dt.date(2027, 12, 31), dt.date(2026, 11, 22), "有效"),
    (dt.date(2020, 1, 1), dt.date(2022, 12, 31), dt.date(2026, 11, 22), "失效"),
    (dt.date(2027, 1, 1), None, dt.date(2026, 11, 22), "尚未生效"),
    (None, None, dt.date(2026, 11, 22), None),
])
def test_validity_against_the_run_date(effective, expiry, today, state):
    assert fields.validity(effective, expiry, today) == state


def test_a_site_name_is_not_part_of_the_title():
    assert fields.strip_site_decoration("关于印发某方案的通知_嘉兴市人民政府门户网站") == "关于印发某方案的通知"
    assert fields.strip_site_decoration("关于印发某方案的通知 - 宁波市人民政府") == "关于印发某方案的通知"


def test_a_site_prefix_is_not_part_of_the_title():
    assert fields.strip_site_decoration("杭州:关于加快推进人工智能产业创新发展的实施意见") == "关于加快推进人工智能产业创新发展的实施意见"
    assert fields.strip_site_decoration("关于印发《某办法》的通知") == "关于印发《某办法》的通知"


def test_toc_entries_with_the_number_first_or_unbracketed():
    toc = parse_toc(lines_of("某某市人民政府公报\n目录\n甬政发〔2023〕15号 宁波市人民政府关于某某工作的通知 …… 3\n"
                             "宁波市人民政府办公厅关于印发某某行动计划的通知 甬政办发〔2023〕8号 …… 5\n正文"))
    assert [(e.title, e.doc_number.normalized) for e in toc.entries] == [
        ("宁波市人民政府关于某某工作的通知", "甬政发〔2023〕15号"),
        ("宁波市人民政府办公厅关于印发某某行动计划的通知", "甬政办发〔2023〕8号"),
    ]


# --- a whole (small) issue ----------------------------------------------------------------

from pipeline.records import RawIssue  # noqa: E402
from pipeline.segment import segment  # noqa: E402

MINI_ISSUE = """中华人民共和国国务院公报
2024年第5号(总第1829号)
目录
【国务院文件】
国务院关于某某工作的决定(国发〔2024 〕3号)……………… 3
国务院办公厅关于印发某某实施方案的通知
(国办发[2024]8号)……………… 5
【国务院批复】
国务院关于同意某某的批复(国函〔2024〕12号)…… 9
国发〔2024〕3号
国务院关于某某工作的决定
各省、自治区、直辖市人民政府,国务院各部委、各直属机构:
为贯彻落实(国发〔2023〕12号)文件精神,现作出如下决定。
一、总体要求
坚持稳中求进。
国务院
2024年1月20日
国务院办公厅关于印发某某
实施方案的通知
国办发2024]8 号
各省、自治区、直辖市人民政府,国务院各部委、各直属机构:
《某某实施方案》已经国务院同意,现印发给你们,请认真贯彻执行。
国务院办公厅
2024年2月1日
某某实施方案
一、主要目标
(一)总体目标。到2027年取得明显成效。
1.推进某某。加快建设。
附件
序号\t文件名称\t文号
1\t国务院关于某某的通知\t国发〔2022〕7号
本方案自印发之日起施行。
国务院关于同意某某的批复
国函〔2024〕12号
广东省人民政府:
你省关于某某的请示收悉。现批复如下:同意。
国务院
2024年2月5日
中华人民共和国国务院公报
2024年第5号
2024年2月20日出版"""


def test_a_whole_issue_of_another_gazette():
    raw = RawIssue("gwy.txt", "0" * 64, "txt", MINI_ISSUE)
    issue = segment(raw, today=dt.date(2026, 1, 1))
    assert (issue.gazette_title, issue.gazette_year, issue.gazette_issue, issue.gazette_issue_total,
            issue.published_date, issue.toc_entries, issue.toc_missing) == (
        "中华人民共和国国务院公报", 2024, "5", "1829", dt.date(2024, 2, 20), 3, ())
    got = [(d.doc_number, d.doc_number_raw, d.title, d.issuer, d.doc_type, d.category, d.recipients,
            d.signed_date, d.effective_date) for d in issue.documents]
    assert got == [
        ("国发〔2024〕3号", "国发〔2024〕3号", "国务院关于某某工作的决定", "国务院", "决定", "国务院文件",
         "各省、自治区、直辖市人民政府,国务院各部委、各直属机构", dt.date(2024, 1, 20), None),
        ("国办发〔2024〕8号", "国办发2024]8 号", "国务院办公厅关于印发某某实施方案的通知", "国务院办公厅", "通知",
         "国务院文件", "各省、自治区、直辖市人民政府,国务院各部委、各直属机构", dt.date(2024, 2, 1), dt.date(2024, 2, 1)),
        ("国函〔2024〕12号", "国函〔2024〕12号", "国务院关于同意某某的批复", "国务院", "批复", "国务院批复",
         "广东省人民政府", dt.date(2024, 2, 5), None),
    ]
    first, second, third = issue.documents
    assert first.text.startswith("国发〔2024〕3号\n国务院关于")  # the 文号 printed above its title
    assert second.text.endswith("本方案自印发之日起施行。")  # the plan and its attachment stay with the notice
    assert [s.path for s in second.sections] == ["一", "一/(一)", "一/(一)/1"]
    assert not issue.text[third.char_end:].strip().startswith("国务院关于")  # the colophon is nobody's


def test_the_toc_as_printed_names_the_document_found_for_each_entry():
    listed = segment(RawIssue("gwy.txt", "0" * 64, "txt", MINI_ISSUE), today=dt.date(2026, 1, 1)).toc
    assert [(e.category, e.title, e.doc_number, e.page, e.is_document, e.position) for e in listed] == [
        ("国务院文件", "国务院关于某某工作的决定", "国发〔2024〕3号", 3, True, 0),
        ("国务院文件", "国务院办公厅关于印发某某实施方案的通知", "国办发〔2024〕8号", 5, True, 1),
        ("国务院批复", "国务院关于同意某某的批复", "国函〔2024〕12号", 9, True, 2),
    ]
    # the reply's pages lost from the body: listed, not found, and named in toc_missing
    cut = MINI_ISSUE.replace("国函〔2024〕12号\n", "").replace("\n国务院关于同意某某的批复\n", "\n")
    issue = segment(RawIssue("gwy.txt", "0" * 64, "txt", cut), today=dt.date(2026, 1, 1))
    assert [(e.title, e.position) for e in issue.toc][-1] == ("国务院关于同意某某的批复", None)
    assert issue.toc_missing == ("国务院关于同意某某的批复",)


@pytest.mark.parametrize("title", ["《某某实施方案》政策解读", "关于《某某实施方案》的政策解读", "《某某实施方案》解读"])
def test_an_interpretation_names_the_document_it_explains(title):
    numbers = {"某某实施方案": "嘉政办发〔2024〕25号"}
    assert fields.interpreted_number(title, "正文不引用文号。", numbers) == "嘉政办发〔2024〕25号"
    assert fields.interpreted_number("政策解读", "《某某实施方案》(嘉政办发[2024]25号)已发布", {}) == "嘉政办发〔2024〕25号"


def test_toc_with_bare_categories_and_numbers_under_their_page():
    toc = parse_toc(lines_of("某市人民政府公报\n目录\n市政府文件\n某市人民政府关于某某工作的通知 ………… 2\n(某政发[2024]3号)\n"
                             "政策解读\n《某某办法》政策解读 ………… 6\n正文开始。"))
    assert [(e.category, e.title, e.doc_number.normalized if e.doc_number else None, e.page) for e in toc.entries] == [
        ("市政府文件", "某市人民政府关于某某工作的通知", "某政发〔2024〕3号", 2),
        ("政策解读", "《某某办法》政策解读", None, 6),
    ]


def only_document_of(tmp_path, text: str):
    """The one document of a text file holding `text`, read, normalised and segmented as a run does."""
    from pipeline.normalise import normalise
    from pipeline.read import read
    from pipeline.segment import segment

    path = tmp_path / "document.txt"
    path.write_text(text, encoding="utf-8")
    [doc] = segment(normalise(read(path))).documents
    return doc


def test_a_numbered_notice_of_appointments_keeps_its_signed_date(tmp_path):
    doc = only_document_of(tmp_path, "河南省人民政府关于张建国等同志职务任免的通知\n豫政任〔2023〕58号\n\n各省辖市人民政府：\n"
                                     "经省政府研究决定：\n任命：\n张建国为河南省发展和改革委员会副主任。\n"
                                     "河南省人民政府\n二〇二三年十二月二十日\n")
    assert (doc.doc_number, doc.doc_type, doc.issuer, doc.signed_date) == (
        "豫政任〔2023〕58号", "通知", "河南省人民政府", dt.date(2023, 12, 20))


def test_an_interpretation_explains_the_document_its_title_names_not_the_policies_above_it():
    # a 解读 opens with the national and provincial policies its document carries out (a probe of 2026-12-07)
    text = ("一、起草背景\n为贯彻落实《国务院关于深化“互联网+先进制造业”发展工业互联网的指导意见》(国发〔2017〕50号)"
            "和《广东省深化“互联网+先进制造业”发展工业互联网的实施方案》(粤府〔2018〕23号)精神,市工业和信息化局起草了"
            "《深圳市工业互联网发展扶持资金管理办法》(深府办规〔2023〕9号,以下简称《办法》)。")
    title = "《深圳市工业互联网发展扶持资金管理办法》政策解读"
    assert fields.interpreted_number(title, text, {}) == "深府办规〔2023〕9号"
    # named elsewhere: the 文号 the text introduces with 以下简称
    assert fields.interpreted_number("关于《办法》的解读", text, {}) == "深府办规〔2023〕9号"
    assert fields.interpreted_number("政策解读", "根据《某办法》(国发〔2017〕50号)。", {}) == "国发〔2017〕50号"


def test_recipients_that_end_with_enterprises_and_universities():
    # the 主送 of Shandong, Henan, Hubei and Hunan provincial notices (a probe of 2026-12-07)
    head = fields.read_head(lines_of("山东省人民政府办公厅关于加快发展数字经济核心产业的实施意见\n鲁政办发〔2022〕7号\n"
                                     "各市人民政府，各县（市、区）人民政府，省政府各部门、各直属机构，各大企业，各高等院校：\n"
                                     "为深入实施数字强省建设，现提出如下实施意见。"))
    assert head.recipients == "各市人民政府，各县（市、区）人民政府，省政府各部门、各直属机构，各大企业，各高等院校"


def test_a_ministry_order_numbered_by_year(tmp_path):
    doc = only_document_of(tmp_path, "中华人民共和国交通运输部令\n2023年第12号\n\n《城市公共汽电车客运服务管理规定》已于2023年10月30日"
                                     "经第25次部务会议通过，现予公布，自2024年1月1日起施行。\n\n部长　张建国\n2023年11月10日\n\n"
                                     "城市公共汽电车客运服务管理规定\n第一条　为了规范城市公共汽电车客运服务，制定本规定。\n")
    assert (doc.doc_number, doc.issuer, doc.doc_type, doc.title, doc.effective_date) == (
        "中华人民共和国交通运输部令2023年第12号", "交通运输部", "令", "城市公共汽电车客运服务管理规定", dt.date(2024, 1, 1))
