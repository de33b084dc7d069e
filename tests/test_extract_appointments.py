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


def rows_of(text: str, title: str = "昆明市人民政府关于李红梅等同志职务任免的通知"):
    return [(r.action, r.person, r.organization, r.position)
            for r in extract_appointments(document(text, title=title, doc_type="通知"))]


def test_a_note_after_a_name_is_no_part_of_it():
    # 任免 lists note a woman, an ethnic group or a party after the name (a probe of 2026-12-07)
    text = ("任命李红梅（女）、王伟为昆明市工业和信息化局副局长；\n"
            "任命杨晓华（女，彝族）为昆明市民族宗教事务委员会副主任（试用期一年）；\n"
            "张明（民盟）兼任昆明市人民政府参事。")
    assert rows_of(text) == [("任命", "李红梅", "昆明市工业和信息化局", "副局长"),
                             ("任命", "王伟", "昆明市工业和信息化局", "副局长"),
                             ("任命", "杨晓华", "昆明市民族宗教事务委员会", "副主任"),
                             ("任命", "张明", "昆明市人民政府", "参事")]


def test_who_decides_may_open_the_line():
    assert rows_of("昆明市人民政府决定任命周云为昆明市审计局局长。\n市政府决定免去许九的昆明市审计局副局长职务。") == [
        ("任命", "周云", "昆明市审计局", "局长"), ("免去", "许九", "昆明市审计局", "副局长")]


def test_a_removal_of_the_person_the_sentence_named():
    text = ("任命何平为昆明市水务局局长，免去其昆明市林业和草原局局长职务；\n"
            "吴建华同志因到龄退休，免去其河南省民政厅副厅长职务；\n"
            "任命黄志刚、刘强为昆明市商务局副局长，免去其原职务。")  # two people: 其 names no one
    assert rows_of(text) == [("任命", "何平", "昆明市水务局", "局长"), ("免去", "何平", "昆明市林业和草原局", "局长"),
                             ("免去", "吴建华", "河南省民政厅", "副厅长"),
                             ("任命", "黄志刚", "昆明市商务局", "副局长"), ("任命", "刘强", "昆明市商务局", "副局长")]


def test_what_names_no_one_gives_no_row():
    text = ("豫政任〔2023〕58号\n"
            "免去冯晓光的河南省科学技术厅副厅长职务，另有任用。\n"
            "免去：\n孙立的河南省交通运输厅副厅长职务；\n"
            "王强、赵丽同志任河南省科学技术厅副厅长；\n"  # 任 appoints, under any heading
            "周晓东同志挂职任河南省商务厅副厅长。")
    assert rows_of(text, title="河南省人民政府关于冯晓光等同志职务任免的通知") == [
        ("免去", "冯晓光", "河南省科学技术厅", "副厅长"), ("免去", "孙立", "河南省交通运输厅", "副厅长"),
        ("任命", "王强", "河南省科学技术厅", "副厅长"), ("任命", "赵丽", "河南省科学技术厅", "副厅长"),
        ("任命", "周晓东", "河南省商务厅", "副厅长")]
