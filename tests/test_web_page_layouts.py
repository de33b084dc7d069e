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
