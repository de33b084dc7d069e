"""Each normalisation step alone, a Chinese sentence in and out; properties of the chain."""
from __future__ import annotations

import regex
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.normalise import (
    MappedText,
    detect_script,
    drop_repeated_article,
    ends_paragraph,
    join_broken_lines,
    normalise,
    normalise_text,
    remove_cjk_spaces,
    repair_radicals,
    strip_pinyin,
    to_nfc,
    to_simplified,
    trim_lines,
    unify_fullwidth,
)
from pipeline.records import PageSpan, RawIssue


def run(step, text: str) -> str:
    return step(MappedText.of(text)).text


def test_kangxi_and_supplement_radicals_become_ideographs():
    assert run(repair_radicals, "嘉兴市⼈⺠政府关于⼤⼒发展都市型⼯业的实施意⻅") == "嘉兴市人民政府关于大力发展都市型工业的实施意见"
    assert run(repair_radicals, "⻓三⻆ ⻔户 ⾦融 ⽣产 ⽅案 ⽤地 电⼦ ⽇") == "长三角 门户 金融 生产 方案 用地 电子 日"


def test_pinyin_after_characters_is_removed_but_latin_in_brackets_stays():
    assert run(strip_pinyin, "當(dāng)前位置:主頁(yè)") == "當前位置:主頁"
    assert run(strip_pinyin, "以模型即服務(wù)(MaaS)模式變革為關(guān)鍵") == "以模型即服務(MaaS)模式變革為關鍵"
    assert run(strip_pinyin, "半精度(FP16)下达到5000(PFLOPS)") == "半精度(FP16)下达到5000(PFLOPS)"


def test_traditional_text_is_detected_and_simplified():
    text = "關於加快推進人工智能產業創新發展的實施意見"
    assert detect_script(text) == "hant"
    assert run(to_simplified, text) == "关于加快推进人工智能产业创新发展的实施意见"
    assert detect_script("关于加快推进人工智能产业创新发展的实施意见") == "hans"


def test_fullwidth_digits_and_brackets_become_ascii_but_chinese_punctuation_stays():
    assert run(unify_fullwidth, "（一）到２０２７年，营收突破１０００亿元；占比５０％。") == "(一)到2027年，营收突破1000亿元；占比50%。"


def test_spaces_between_cjk_and_digits_are_removed():
    assert run(remove_cjk_spaces, "自 2024 年 10 月 10 日起正式施行") == "自2024年10月10日起正式施行"
    assert run(remove_cjk_spaces, "嘉政办发〔2025 〕18 号") == "嘉政办发〔2025〕18号"
    assert run(remove_cjk_spaces, "GAZETTE OF THE PEOPLE'S GOVERNMENT") == "GAZETTE OF THE PEOPLE'S GOVERNMENT"
    assert run(remove_cjk_spaces, "1\t关于公布\t嘉司发") == "1\t关于公布\t嘉司发"  # table cells keep tabs


def test_compatibility_ideographs_become_unified_ones():
    assert run(to_nfc, "\uf900") == "\u8c48"


def test_line_edges_and_blank_lines_are_trimmed():
    assert run(trim_lines, "\n\u3000\u3000一、总体要求  \n\n\n  到2027年。\n") == "一、总体要求\n到2027年。"


def test_paragraph_cut_mid_sentence_is_joined():
    assert run(join_broken_lines, "授予浙江欣兴工具股份有限公司、双飞无油\n轴承集团股份有限公司等3家单位。") == \
        "授予浙江欣兴工具股份有限公司、双飞无油轴承集团股份有限公司等3家单位。"
    assert run(join_broken_lines, "大力发展智能物联、智能制造、\n高端装备3大新兴产业。") == \
        "大力发展智能物联、智能制造、高端装备3大新兴产业。"


def test_structural_lines_are_not_joined():
    for text in ("嘉兴市人民政府\n2024年10月10日",                     # signature, date
                 "嘉兴市人民政府关于大力发展都市型工业的实施意见\n嘉政发[2024]20号",  # title, 文号
                 "一、总体要求\n抢抓新兴产业和未来产业赛道,加快引育一批企业。",   # heading, body
                 # a heading longer than a short line: the 、 of its number is no clause mark
                 "三、提高孤儿和事实无人抚养儿童基本生活保障标准\n集中供养孤儿基本生活费标准每人每月不低于1800元。",
                 "为深入贯彻新发展理念,经市政府同意,制定本实施意见。\n(一)明确空间布局。",
                 "嘉兴市推动人工智能高质量发展实施方案\n(征求意见稿)",
                 "GAZETTE OF THE PEOPLE'S GOVERNMENT\nOF JIAXING MUNICIPALITY"):
        assert run(join_broken_lines, text) == text


def test_layout_breaks_are_trusted_except_after_a_comma():
    assert not ends_paragraph("大力发展智能物联、智能制造、", "高端装备", trust_breaks=True)
    assert ends_paragraph("授予浙江欣兴工具股份有限公司、双飞无油", "轴承集团", trust_breaks=True)


def test_article_printed_twice_keeps_one_copy():
    body = [f"第{i}段,为深入实施我市数字经济创新提质“一号发展工程”,抢抓发展新机遇。" for i in range(10)]
    page = "\n".join(["标题", *body, "主页>新闻中心>", "标题", *body])
    assert run(drop_repeated_article, page) == "\n".join(["标题", *body])


def test_page_spans_follow_the_text_through_normalising():
    text = "⼀、总体要求\n到 2027 年,培育链主企业10家,\n营收突破1000亿元。"
    split = text.index("营收")  # page 2 starts here
    raw = RawIssue(source_file="x.pdf", source_sha256="0", source_format="pdf", text=text,
                   pages=(PageSpan(1, 0, split), PageSpan(2, split, len(text))), line_breaks="layout")
    out = normalise(raw)
    assert out.text == "一、总体要求\n到2027年,培育链主企业10家,营收突破1000亿元。"
    assert [(p.page, out.text[p.start:p.end]) for p in out.pages] == [
        (1, "一、总体要求\n到2027年,培育链主企业10家,"), (2, "营收突破1000亿元。")]


# --- properties ----------------------------------------------------------------------------------

# Ordinary gazette text: simplified ideographs, digits, Chinese punctuation, spaces, line breaks.
ORDINARY = st.text(alphabet=st.sampled_from(
    list("嘉兴市人民政府关于大力发展都市型工业的实施意见到年培育链主企业家营收规模突破亿元责任单位经信局"
         "一二三四五") + list("0123456789") + list("，。、；：（）“”()") + [" ", "\n", "\u3000"]),
    max_size=300)


@settings(max_examples=200, deadline=None)
@given(ORDINARY)
def test_normalising_twice_gives_the_same_text(text):
    once = normalise_text(text).text
    assert normalise_text(once).text == once


@settings(max_examples=200, deadline=None)
@given(ORDINARY)
def test_normalising_never_drops_an_ideograph(text):
    han = regex.compile(r"\p{Han}")
    assert han.findall(normalise_text(text).text) == han.findall(text)


@settings(max_examples=100, deadline=None)
@given(ORDINARY)
def test_origin_offsets_point_back_at_the_same_ideographs(text):
    out = normalise_text(text)
    for char, origin in zip(out.text, out.origin, strict=True):
        if regex.match(r"\p{Han}", char):
            assert text[origin] == char
