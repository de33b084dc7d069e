"""Web pages as the sites of other provinces print them: a page in, the document's fields out.

Each page is cut down from a layout a provincial or city site uses (found by probing, 2026-12-07);
the document fields compared are the ones GOLD.md scores.
"""
from __future__ import annotations

import datetime as dt

from parsers import html
from pipeline.normalise import normalise
from pipeline.segment import segment


def document_of(tmp_path, page: str):
    path = tmp_path / "page.html"
    path.write_text(page, encoding="utf-8")
    [doc] = segment(normalise(html.parse(path))).documents
    return doc


BODY = ("<p>鲁政办发〔2022〕7号</p><p>各市人民政府，各县（市、区）人民政府，省政府各部门、各直属机构：</p>"
        "<p>为深入实施数字强省建设，加快发展数字经济核心产业，经省政府同意，现提出如下实施意见。</p>"
        "<p>一、工作目标</p><p>到2025年，全省数字经济核心产业增加值占地区生产总值比重达到10%以上。</p>"
        "<p>（一）壮大集成电路产业。聚焦特色工艺、化合物半导体等领域，加快建设一批重大项目，"
        "对首次完成工程流片的企业，按照流片费用的50%给予补助，单个企业每年最高不超过500万元。</p>"
        "<p>（二）发展软件和信息技术服务业。实施软件名企培育工程，支持企业开展关键软件研发和应用推广。</p>"
        "<p>本意见自印发之日起施行，有效期5年。</p><p>山东省人民政府办公厅</p><p>2022年4月1日</p>")


def test_a_title_given_only_by_the_pages_title_element_loses_the_sites_name(tmp_path):
    # the headline is an <h2> outside the article, and <title> adds ` - 山东省人民政府`
    page = ("<html><head><title>山东省人民政府办公厅关于加快发展数字经济核心产业的实施意见 - 山东省人民政府</title></head>"
            "<body><div class='nav'>首页 > 政务公开 > 政策文件</div>"
            "<h2>山东省人民政府办公厅关于加快发展数字经济核心产业的实施意见</h2>"
            f"<div class='article'>{BODY}</div></body></html>")
    doc = document_of(tmp_path, page)
    assert (doc.title, doc.doc_type, doc.doc_number) == (
        "山东省人民政府办公厅关于加快发展数字经济核心产业的实施意见", "意见", "鲁政办发〔2022〕7号")


ORDER_PAGE = """<html><head><title>江苏省城市公共停车设施管理办法 江苏省人民政府</title></head><body>
<div class="dqwz">当前位置：<a href="/">首页</a> &gt; <a href="/a">政府信息公开</a> &gt; <a href="/b">省政府令</a></div>
<div class="article"><div class="sp_title">江苏省城市公共停车设施管理办法</div>
<div id="zoom">
<p><strong>江苏省人民政府令</strong></p><p>第168号</p>
<p>《江苏省城市公共停车设施管理办法》已于2023年12月25日经省人民政府第18次常务会议讨论通过，现予发布，自2024年3月1日起施行。</p>
<p>省　长　许昆林</p><p>2024年1月8日</p>
<p><strong>江苏省城市公共停车设施管理办法</strong></p><p>第一章　总　　则</p>
<p>第一条　为了加强城市公共停车设施的规划、建设和管理，缓解城市停车难问题，改善交通环境，根据有关法律、法规，结合本省实际，制定本办法。</p>
<p>第二条　本省行政区域内城市公共停车设施的规划、建设、经营和管理，适用本办法。</p>
<p>第三条　本办法自2024年3月1日起施行。</p>
</div></div></body></html>"""


def test_an_orders_issuer_is_its_heading_under_the_pages_headline(tmp_path):
    # a province's 令 page prints the rules' name above the order's heading (江苏省人民政府令 / 第168号)
    doc = document_of(tmp_path, ORDER_PAGE)
    assert (doc.title, doc.issuer, doc.doc_type, doc.signed_date, doc.effective_date) == (
        "江苏省城市公共停车设施管理办法", "江苏省人民政府", "令", dt.date(2024, 1, 8), dt.date(2024, 3, 1))


BEIJING_PAGE = """<html><head><title>北京市人民政府办公厅关于印发《北京市加快推进智能网联汽车产业高质量发展若干措施》的通知_政策文件_首都之窗</title></head>
<body><div class="container"><ul class="row">
<li><span>[标题]</span> 北京市人民政府办公厅关于印发《北京市加快推进智能网联汽车产业高质量发展若干措施》的通知</li>
<li><span>[发文机构]</span> 北京市人民政府办公厅</li><li><span>[联合发文单位]</span> </li>
<li><span>[实施日期]</span> 2024-02-01</li><li><span>[成文日期]</span> 2023-12-20</li>
<li><span>[发文字号]</span> 京政办发〔2023〕25号</li><li><span>[废止日期]</span> 2027-12-31</li>
<li><span>[发布日期]</span> 2023-12-28</li><li><span>[有效性]</span> 有效</li></ul>
<div class="article">
<p>京政办发〔2023〕25号</p><p>各区人民政府，市政府各委、办、局，各市属机构：</p>
<p>经市政府同意，现将《北京市加快推进智能网联汽车产业高质量发展若干措施》印发给你们，请认真贯彻落实。</p>
<p>北京市人民政府办公厅</p><p>2023年12月20日</p>
<p>一、对新获得国家级智能网联汽车示范区认定的单位，按照项目总投资的30%给予支持，单个项目最高不超过1000万元。</p>
<p>二、对在本市开展车路云一体化应用的企业，按照实际投入的20%给予补贴，每家企业每年最高不超过500万元，支持企业开展测试验证。</p>
<p>三、本措施自2024年1月1日起施行，有效期至2025年12月31日。</p>
</div></div></body></html>"""


def test_metadata_labels_in_square_brackets_state_the_pages_dates(tmp_path):
    # beijing.gov.cn lists `[实施日期] 2024-02-01` with no colon; the page's dates win over the text's (GOLD)
    doc = document_of(tmp_path, BEIJING_PAGE)
    assert (doc.issuer, doc.signed_date, doc.effective_date, doc.expiry_date, doc.published_date) == (
        "北京市人民政府办公厅", dt.date(2023, 12, 20), dt.date(2024, 2, 1), dt.date(2027, 12, 31), dt.date(2023, 12, 28))


def test_a_date_label_that_is_not_the_publication_date():
    from parsers.html import split_label_values
    # 印发日期 ends in 日期 but is the day it was printed: 发布日期 is the publication date
    assert split_label_values("印发日期：2022-04-02 发布日期：2022-04-08") == [
        ("印发日期", "2022-04-02"), ("发布日期", "2022-04-08")]
    from pipeline.rules import metadata_column
    assert (metadata_column("印发日期"), metadata_column("发布日期")) == (None, "published_date")


TASK_TABLE_PAGE = """<html><head><title>国务院办公厅关于加快内外贸一体化发展的通知_国务院文件_中国政府网</title></head><body>
<div class="article"><h1>国务院办公厅关于加快内外贸一体化发展的通知</h1>
<p>国办发〔2023〕42号</p><p>各省、自治区、直辖市人民政府，国务院各部委、各直属机构：</p>
<p>加快内外贸一体化发展是构建新发展格局、推动高质量发展的内在要求。经国务院同意，现就有关事项通知如下。</p>
<p>一、促进内外贸规则制度衔接。推进国内国际标准转化，开展内外贸一致性标准比对，推进检验检测认证结果国际互认。</p>
<p>二、加强组织实施。各地区、各有关部门要结合实际抓好贯彻落实。重点任务分工见附件。</p>
<p>国务院办公厅</p><p>2023年12月7日</p>
<p>附件</p><p>加快内外贸一体化发展重点任务分工表</p>
<table><tr><td>序号</td><td>重点任务</td><td>牵头单位</td><td>配合单位</td><td>完成时限</td></tr>
<tr><td colspan="5">一、促进内外贸规则制度衔接</td></tr>
<tr><td>1</td><td>推进国内国际标准转化</td><td rowspan="2">市场监管总局</td><td>工业和信息化部、商务部</td><td>2024年12月底前</td></tr>
<tr><td>2</td><td>推进检验检测认证结果国际互认</td><td>海关总署、商务部</td><td>持续推进</td></tr>
<tr><td>3</td><td>完善内外贸一体化调控体系</td><td>商务部、国家发展改革委</td><td>财政部、人民银行</td><td>2024年6月底前</td></tr>
</table></div></body></html>"""


def test_a_task_table_on_a_page_gives_each_row_its_units_including_a_lead_printed_once_for_two(tmp_path):
    from pipeline.extract.responsibility import extract_responsible_units
    from pipeline.extract.text import DocumentText

    doc = document_of(tmp_path, TASK_TABLE_PAGE)
    rows = [(r.section_path.split("/")[-1], r.unit_raw, r.is_lead) for r in extract_responsible_units(DocumentText(doc))]
    assert rows == [("1", "市场监管总局", True), ("1", "工业和信息化部", False), ("1", "商务部", False),
                    ("2", "市场监管总局", True), ("2", "海关总署", False), ("2", "商务部", False),
                    ("3", "商务部", True), ("3", "国家发展改革委", True), ("3", "财政部", False), ("3", "人民银行", False)]
