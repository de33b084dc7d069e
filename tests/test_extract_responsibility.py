"""Responsible units: the (责任单位:...) parentheses of a plan in, one row per unit."""
from __future__ import annotations

from pipeline.extract.responsibility import canonical_unit, extract_responsible_units, split_units
from tests.documents import document

PLAN = (
    "一、重点任务\n"
    "(一)明确空间布局。构建都市型工业园区。(责任单位:市自然资源和规划局)\n"
    "(二)创新土地供给。盘活存量工业用地。(责任单位:市经信局、市发展改革委,排序在第一位的为牵头单位,下同;"
    "南湖区政府、秀洲区政府,嘉兴经济技术开发区均为责任主体,不再列出)\n"
    "(三)加强人才支撑。引育人才。(责任部门:市委组织部〔市委人才办〕、市人力社保局、各县〔市、区〕政府等相关部门)\n"
)


def table(text: str, **fields):
    return [(r.section_path, r.unit_raw, r.position, r.is_lead, r.is_implicit)
            for r in extract_responsible_units(document(text, **fields))]


def test_units_leads_and_implicit_units_of_a_plan():
    assert table(PLAN) == [
        ("一/(一)", "市自然资源和规划局", 1, False, False),  # before the lead rule: no lead
        ("一/(二)", "市经信局", 1, True, False),
        ("一/(二)", "市发展改革委", 2, False, False),
        ("一/(二)", "南湖区政府", 3, False, True),
        ("一/(二)", "秀洲区政府", 4, False, True),
        ("一/(二)", "嘉兴经济技术开发区", 5, False, True),
        ("一/(三)", "市委组织部〔市委人才办〕", 1, True, False),  # 下同: the rule holds on
        ("一/(三)", "市人力社保局", 2, False, False),
        ("一/(三)", "各县〔市、区〕政府", 3, False, False),  # 等相关部门 dropped
        ("一/(三)", "南湖区政府", 4, False, True),
        ("一/(三)", "秀洲区政府", 5, False, True),
        ("一/(三)", "嘉兴经济技术开发区", 6, False, True),
    ]


def test_units_named_for_later_tasks_are_explicit_here_and_implicit_after():
    text = ("1.加大项目招引。(责任单位：市商务局、市发展改革委，各县(市、区)人民政府，以下均需各县(市、区)人民政府落实，不再列出。"
            "列第一位的为牵头单位，下同)\n2.加快平台建设。(责任单位：市经信局)")
    assert table(text) == [
        ("1", "市商务局", 1, True, False), ("1", "市发展改革委", 2, False, False),
        ("1", "各县(市、区)人民政府", 3, False, False),
        ("2", "市经信局", 1, True, False), ("2", "各县(市、区)人民政府", 2, False, True)]


def test_square_brackets_a_collective_area_phrase_and_a_sole_unit_as_lead():
    text = ("(一)强化算力供给。[责任单位:市经信局、市财政局,各区、县(市)政府。以下均需各区、县(市)政府落实,不再列出。"
            "列第一位的为牵头单位,下同。]\n(二)推进城市治理。(责任单位:市数据局)")
    rows = table(text)
    assert [r[1] for r in rows if not r[4]] == ["市经信局", "市财政局", "各区、县(市)政府", "市数据局"]
    assert rows[-2] == ("(二)", "市数据局", 1, True, False)


def test_a_lead_named_by_its_label():
    assert table("(一)推进改革。(牵头单位:市发改委;配合单位:市经信局、市财政局)") == [
        ("(一)", "市发改委", 1, True, False), ("(一)", "市经信局", 2, False, False), ("(一)", "市财政局", 3, False, False)]


def test_split_keeps_brackets_with_their_unit():
    assert split_units("市委组织部〔市委人才办〕、各县〔市、区〕政府,国网嘉兴供电公司;市数据局等") == [
        "市委组织部〔市委人才办〕", "各县〔市、区〕政府", "国网嘉兴供电公司", "市数据局"]


def test_canonical_names_use_the_issuers_city():
    assert canonical_unit("市经信局", "嘉兴市", "浙江省") == "嘉兴市经济和信息化局"
    assert canonical_unit("市发改委", "杭州市", None) == "杭州市发展和改革委员会"
    assert canonical_unit("市财政局", "嘉兴市", None) == "嘉兴市财政局"  # not in the table: 市 spelled out
    assert canonical_unit("市委组织部〔市委人才办〕", "嘉兴市", None) == "中共嘉兴市委组织部〔市委人才办〕"
    assert canonical_unit("省经信厅", None, "浙江省") == "浙江省经济和信息化厅"
    assert canonical_unit("国网嘉兴供电公司", "嘉兴市", None) == "国网嘉兴供电公司"
    assert canonical_unit("市经信局", None, None) == "市经信局"  # no city known: as written


def test_every_unit_row_points_at_its_parenthesis():
    d = document(PLAN)
    for row in extract_responsible_units(d):
        p = row.provenance
        assert d.text[p.char_start:p.char_end] == p.evidence and p.evidence.startswith("(责任")
