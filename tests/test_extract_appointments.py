"""Appointments: a 人事任免 in, one row per person and action."""
from __future__ import annotations

from pipeline.extract.appointments import extract_appointments, split_post
from tests.documents import document

LIST = ("【市政府人事任免】(2024年10月份)\n市人民政府决定：\n任命:\n"
        "眭永华任嘉兴经济技术开发区管理委员会(嘉兴国际商务区管理委员会)副主任(挂职一年);\n"
        "任命李晓梅、周立群为浙江省商务厅副厅长(试用期一年);\n"
        "任命朱海涛为湖州市财政局副局长，原任的湖州市财政局总会计师职务同时免去;\n"
        "免去陈国平的浙江省交通运输厅副厅长职务。")


def test_every_person_of_a_list_with_post_note_and_period():
    rows = extract_appointments(document(LIST, title="市政府人事任免(2024年10月份)", doc_type="人事任免"))
    assert [(r.action, r.person, r.organization, r.position, r.note, r.period) for r in rows] == [
        ("任命", "眭永华", "嘉兴经济技术开发区管理委员会(嘉兴国际商务区管理委员会)", "副主任", "挂职一年", "2024年10月"),
        ("任命", "李晓梅", "浙江省商务厅", "副厅长", "试用期一年", "2024年10月"),
        ("任命", "周立群", "浙江省商务厅", "副厅长", "试用期一年", "2024年10月"),
        ("任命", "朱海涛", "湖州市财政局", "副局长", None, "2024年10月"),  # the removal names no one
        ("免去", "陈国平", "浙江省交通运输厅", "副厅长", None, "2024年10月"),
    ]


def test_other_documents_have_no_appointments():
    assert extract_appointments(document("张三任某局局长。", doc_type="通知")) == []


def test_a_post_splits_at_the_organisation_that_leaves_a_title():
    assert split_post("浙江省发展和改革委员会副主任") == ("浙江省发展和改革委员会", "副主任")
    assert split_post("嘉兴市人民政府副市长") == ("嘉兴市人民政府", "副市长")


def test_the_other_wordings_of_appointing_and_removing():
    """GOLD.md: 聘任/聘为/兼任 count as 任命, 不再担任 as 免去 (one row per person and action)."""
    text = ("市人民政府决定：\n聘任王刚、刘敏为市人民政府参事;\n张小龙兼任市政府副秘书长;\n"
            "赵文聘为市人民政府参事;\n李建国不再担任市财政局局长职务;\n"
            "解聘陈红的市人民政府参事职务。")
    rows = extract_appointments(document(text, title="市政府人事任免(2024年3月份)", doc_type="人事任免"))
    assert [(r.action, r.person, r.organization, r.position) for r in rows] == [
        ("任命", "王刚", "市人民政府", "参事"),
        ("任命", "刘敏", "市人民政府", "参事"),
        ("任命", "张小龙", "市政府", "副秘书长"),
        ("任命", "赵文", "市人民政府", "参事"),
        ("免去", "李建国", "市财政局", "局长"),
        ("免去", "陈红", "市人民政府", "参事"),
    ]


def test_a_heading_sets_the_action_of_the_lines_under_it():
    text = "免去:\n孙立的市交通运输局副局长职务;\n任命:\n周平为市交通运输局局长。"
    rows = extract_appointments(document(text, title="市政府人事任免(2024年3月份)", doc_type="人事任免"))
    assert [(r.action, r.person, r.organization, r.position) for r in rows] == [
        ("免去", "孙立", "市交通运输局", "副局长"), ("任命", "周平", "市交通运输局", "局长")]
