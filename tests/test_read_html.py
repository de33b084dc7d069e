"""The HTML reader on a government article page and a spam-hijacked mirror page."""
from __future__ import annotations

import pytest

from parsers import ReadError, html
from pipeline.normalise import normalise
from tests.conftest import raw


@pytest.fixture(scope="module")
def gov_page():
    return normalise(html.parse(raw("jiaxing-2025-18.html")))


@pytest.fixture(scope="module")
def mirror():
    return normalise(html.parse(raw("hangzhou-2023-ai-mirror.html")))


def test_gov_page_metadata_table_becomes_fields(gov_page):
    assert dict(gov_page.metadata) == {
        "index_number": "002546445/2025-395096",
        "doc_number": "嘉政办发〔2025〕18号",
        "publisher": "市政府办公室",
        "validity": "有效",
        "unified_number": "ZJSP12-2025-0003",
        "signed_date": "2025-05-13",
        "published_date": "2025-05-15",
        "source": "市政府办公室",
    }


def test_gov_page_body_is_the_article_only(gov_page):
    text = gov_page.text
    assert text.split("\n")[0] == gov_page.title
    assert gov_page.title == "嘉兴市人民政府办公室关于印发嘉兴市推进“人工智能+”行动计划(2025—2027年)的通知"
    assert "各县(市、区)人民政府,市政府各部门、直属各单位:" in text
    assert "本行动计划自公布之日起施行,有效期至2027年12月31日。" in text
    for noise in ("走进嘉兴", "互动交流", "当前位置", "打印本页", "关闭本页", "浏览次数", "getElementsByTagName",
                  "font-family", "建议使用1366", "请输入关键字"):
        assert noise not in text, noise


def test_gov_page_keeps_one_line_per_paragraph(gov_page):
    lines = gov_page.text.split("\n")
    assert "嘉兴市人民政府办公室" in lines and "2025年5月13日" in lines


def test_mirror_decodes_gb18030_and_comes_out_simplified(mirror):
    assert mirror.encoding == "gb18030"
    assert mirror.script_original == "hant"
    assert "关于加快推进人工智能产业创新发展的实施意见" in mirror.title
    assert "为深入实施我市数字经济创新提质“一号发展工程”" in mirror.text
    assert "為" not in mirror.text and "發" not in mirror.text


def test_mirror_keeps_no_pinyin_and_no_spam_links(mirror):
    assert "(dāng)" not in mirror.text and "(guān)" not in mirror.text
    assert "经市政府同意,现就加快推进我市人工智能产业创新发展提出如下意见。" in mirror.text
    for spam in ("午夜论坛", "无码", "免费观看", "Network"):
        assert spam not in mirror.text, spam
    # real bracketed Latin stays: it is text, not a pinyin gloss
    assert "(FP16)" in mirror.text and "(PFLOPS)" in mirror.text and "(MaaS)" in mirror.text


def test_mirror_that_prints_its_article_twice_keeps_one_copy(mirror):
    assert mirror.text.count("一、总体要求") == 1
    assert mirror.text.count("本意见自2023年8月25日起施行") == 1
    assert mirror.text.endswith("杭州市人民政府办公厅\n2023年7月24日\n(此件公开发布)")


def test_mirror_info_line_gives_its_date(mirror):
    assert dict(mirror.metadata)["published_date"] == "2023-08-01"


def test_metadata_as_label_value_lines_with_spaced_labels():
    page = html.parse_page("""<html><body><ul class="meta">
        <li>索 引 号：11330400002546445/2024-00123 主题分类：综合政务</li>
        <li>发文机关：嘉兴市人民政府　发文字号：嘉政发〔2024〕19号</li></ul>
        <div class="art"><p>""" + "为深入贯彻新发展理念,加快发展新质生产力。" * 20 + """</p></div></body></html>""")
    assert dict(page.metadata) == {"index_number": "11330400002546445/2024-00123", "topic": "综合政务",
                                   "issuer": "嘉兴市人民政府", "doc_number": "嘉政发〔2024〕19号"}


def test_label_value_split_stops_at_any_label():
    assert html.split_label_values("信息来源：市政府办公室 浏览次数：") == [("信息来源", "市政府办公室")]


def test_charset_declared_in_meta_is_used_even_when_it_is_big5():
    body = "<html><head><meta charset='big5'></head><body><h1>關於公布行政規範性文件清理結果的通知</h1>" \
           + "<p>" + "根據國務院辦公廳關於加強行政規範性文件制定和監督管理工作的通知。" * 10 + "</p></body></html>"
    path = raw("empty.html").parent.parent / "big5-probe.html"
    try:
        path.write_bytes(body.encode("big5"))
        page = normalise(html.parse(path))
    finally:
        path.unlink(missing_ok=True)
    assert page.encoding == "big5hkscs"
    assert page.title == "关于公布行政规范性文件清理结果的通知"


def test_empty_page_is_an_error():
    with pytest.raises(ReadError) as info:
        html.parse(raw("empty.html"))
    assert info.value.error_type == "empty_file"
