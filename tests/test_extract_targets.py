"""Targets: a sentence of a plan in, the goals it sets out."""
from __future__ import annotations

from pipeline.extract.targets import extract_targets
from tests.documents import document


def targets(text: str, **fields):
    return [(t.target_year, t.indicator, t.value, t.unit, t.comparator) for t in extract_targets(document(text, **fields))]


def test_goals_under_a_goal_year_with_their_indicators_and_comparators():
    text = ("一、主要目标\n到2027年,人工智能产业规模进一步提升,培育链主企业10家,引进总投资超亿美元或10亿元以上的"
            "人工智能领域项目40个,人工智能产业营收规模突破1000亿元;引育3个具有全国影响力的行业垂直模型,"
            "打造典型应用场景20个以上。")
    assert targets(text) == [
        (2027, "链主企业", 10, "家", "="),
        (2027, "人工智能领域项目", 40, "个", "="),  # 10亿元以上的: a threshold, not a goal
        (2027, "人工智能产业营收规模", 1000, "亿元", ">="),
        (2027, "行业垂直模型", 3, "个", "="),
        (2027, "典型应用场景", 20, "个", ">="),
    ]


def test_values_are_normalised_to_base_units_and_foreign_money_keeps_its_currency():
    rows = extract_targets(document("到2027年,新增就业3万人以上,出口额超过15亿美元,实现营业收入1000亿元。"))
    assert [(r.value_normalized, r.unit_normalized, r.currency) for r in rows] == [
        (30000, "人", None), (1.5e9, "美元", "USD"), (1e11, "元", "CNY")]
    assert [r.indicator for r in rows] == ["就业", "出口额", "营业收入"]


def test_the_year_opening_the_paragraph_governs_later_sentences():
    text = "到2025年,基本形成产业生态。算力设施先进泛在,高性能算力占比达到60%以上。"
    assert targets(text) == [(2025, "高性能算力占比", 60, "%", ">=")]


def test_a_committed_level_without_a_year_is_a_target_with_no_year():
    assert targets("建设数据中心监测平台,数据中心纳入平台监测率不低于75%。") == [
        (None, "数据中心纳入平台监测率", 75, "%", ">=")]
    assert targets("力争培育1个性能达到国际先进水平的通用大模型。") == [(None, "通用大模型", 1, "个", "=")]


def test_negated_comparisons_read_the_right_way_round():
    assert targets("其中工业建筑面积占比不得低于51%。")[0][-1] == ">="
    assert targets("每年评选不超过10个标杆项目。")[0][-1] == "<="
    assert targets("力争PM2.5平均浓度控制在30微克以下,空气质量优良率降至5%以下。")[-1][-1] == "<="


def test_chinese_numerals_and_spaced_latin_units():
    assert targets("到2026年,打造三十个示范场景,建成两个算力中心,算力规模达到50E Flops以上。") == [
        (2026, "示范场景", 30, "个", "="), (2026, "算力中心", 2, "个", "="), (2026, "算力规模", 50, "EFlops", ">=")]


def test_a_unit_glossed_by_its_symbol_is_the_symbol():
    text = "到2025年,全市可开放算力规模在使用半精度(FP16)下达到5000千万亿次浮点指令/秒(PFLOPS)以上。"
    assert targets(text) == [(2025, "算力规模", 5000, "PFLOPS", ">=")]


def test_not_targets_names_totals_counts_of_tasks_thresholds_subsidies_and_history():
    text = ("到2027年,构建“20+6”都市型工业发展格局,推进“135N”先进制造业集群,城南片区、北部片区等6个产业片区"
            "协同发展,从五个方面提出十五项重点任务,推广“两个先行”经验。对年营业收入2000万元以上的企业给予20万元奖励。")
    assert targets(text) == []
    assert targets("2023年,全市实现地区生产总值6000亿元。", signed=None, doc_year=2024) == []
    assert targets("继续有效的行政规范性文件2件。") == []


def test_a_goal_stated_twice_is_two_rows_with_their_own_sections():
    text = "一、主要目标\n到2027年,培育链主型企业10家。\n二、重点任务\n(一)加强企业培育。到2027年,培育链主型企业10家。"
    rows = extract_targets(document(text))
    assert [(r.section_path, r.value) for r in rows] == [("一", 10), ("二/(一)", 10)]


def test_evidence_is_the_sentence_and_its_span():
    d = document("一、主要目标\n到2027年,培育链主企业10家;算力规模达到100EFlops。")
    rows = extract_targets(d)
    assert [r.provenance.evidence for r in rows] == ["到2027年,培育链主企业10家;", "算力规模达到100EFlops。"]
    assert all(d.text[r.provenance.char_start:r.provenance.char_end] == r.provenance.evidence for r in rows)
    assert rows[1].target_year == 2027  # the paragraph's 到2027年 governs the second clause too
