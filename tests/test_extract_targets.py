"""Targets: a sentence of a plan in, the goals it sets out."""
from __future__ import annotations

import datetime as dt

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


def test_a_five_year_plans_span_commits_while_the_plan_runs():
    # GOLD: a goal only 十四五期末 dates has no year (a probe of 2026-12-07: State Council and provincial plans)
    text = "“十四五”期末,全省数字经济核心产业增加值占GDP比重达到12%,培育省级专精特新企业800家。"
    assert [(y, v, u) for y, _, v, u, _ in targets(text, signed=dt.date(2022, 3, 1))] == [(None, 12, "%"), (None, 800, "家")]
    assert [(y, v, u) for y, _, v, u, _ in targets("十四五时期,全市新增城镇就业30万人。", signed=dt.date(2021, 6, 1))] == [
        (None, 30, "万人")]
    # a review of a plan that ended before the document: history
    assert targets("“十三五”期间,全市新增城镇就业50万人。", signed=dt.date(2021, 6, 1)) == []
    assert [v for _, _, v, _, _ in targets("“十三五”期间,全市新增城镇就业50万人。", signed=dt.date(2018, 6, 1))] == [50]


def test_a_policys_period_and_a_baseline_year_date_no_goal():
    # 财税 公告 (a probe of 2026-12-07): the end of a period of days is no goal year, a tax threshold no goal
    assert targets("自2023年1月1日至2027年12月31日,对月销售额10万元以下(含本数)的增值税小规模纳税人,免征增值税。") == []
    # 国土空间总体规划 批复: 基于2020年 is the baseline, 2035 the goal year
    found = targets("到2035年,城镇开发边界扩展倍数控制在基于2020年城镇建设用地规模的1.3倍以内。")
    assert [(y, v, u, c) for y, _, v, u, c in found] == [(2035, 1.3, "倍", "<=")]


def test_a_share_set_to_a_level_is_a_goal_without_a_year():
    # plans' task items (a probe of 2026-12-07): as 不低于75% is
    assert targets("家庭医生签约服务覆盖率提高到45%。") == [(None, "家庭医生签约服务覆盖率", 45, "%", "=")]
    assert targets("二级以上公立医院远程医疗覆盖率达到75%以上。") == [(None, "二级以上公立医院远程医疗覆盖率", 75, "%", ">=")]
    # what a unit must have reached to qualify is no goal
    assert targets("就业见习人员见习期满留用率达到60%以上(含60%)的单位,可申报示范基地。") == []
    # a level reported in a sentence that reviews what was done is no goal
    assert targets("县城空气质量优良天数比率达到83.6%,已建成省级生态文明建设示范乡镇12个。") == []
    # 展望2035年 dates the long-range goal of a five-year plan
    assert [(y, v) for y, _, v, _, _ in targets("展望2035年,数字经济增加值占地区生产总值比重超过55%。")] == [(2035, 55)]


def test_the_goal_year_of_the_line_leading_into_a_list_of_indicators():
    # 十四五 plans' 主要指标 (a probe of 2026-12-07): the lead-in's year opens every item
    text = "二、主要指标(到2025年):\n1.数字经济核心产业营业收入达到1.2万亿元。\n2.培育数字经济领军企业50家。\n三、重点任务\n"
    assert [(y, v, u) for y, _, v, u, _ in targets(text)] == [(2025, 1.2, "万亿元"), (2025, 50, "家")]
    # a lead-in that is no list's (no colon) dates nothing after it
    assert targets("到2025年,全面完成改造任务。\n1.培育数字经济领军企业50家。\n") == []


def test_the_level_a_change_starts_from_is_no_goal_and_units_of_plans():
    # five-year plans (a probe of 2026-12-07): 由2020年的5.4%提高到10% sets 10%; environment, health and computing units
    found = targets("到2025年,数字经济核心产业增加值占GDP比重由2020年的5.4%提高到10%。")
    assert [(y, v, u) for y, _, v, u, _ in found] == [(2025, 10, "%")]
    found = targets("到2025年,PM2.5平均浓度控制在38微克/立方米以下,人均预期寿命达到79.5岁左右,建成12万标准机架。")
    assert [(y, v, u, c) for y, _, v, u, c in found] == [
        (2025, 38, "微克/立方米", "<="), (2025, 79.5, "岁", "="), (2025, 12, "万标准机架", "=")]


def test_a_span_between_a_commitment_and_its_verb():
    # 力争三年内培育… (a probe of 2026-12-07): as 力争用三年时间培育…
    assert targets("力争三年内培育100个县域商业领跑县。") == [(None, "县域商业领跑县", 100, "个", "=")]


def test_units_of_energy_and_land_plans():
    found = targets("到2027年,全省储能电池产能达到300吉瓦时,生态保护红线面积不低于4.61万平方千米。")
    assert [(y, v, u) for y, _, v, u, _ in found] == [(2027, 300, "吉瓦时"), (2027, 4.61, "万平方千米")]


def test_negated_comparisons_read_the_right_way_round():
    assert targets("其中工业建筑面积占比不得低于51%。")[0][-1] == ">="
    assert targets("到2027年,重点行业产品不良品率不超过1.5%。")[0][-1] == "<="
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


def test_past_facts_and_statistics_are_not_targets():
    # govcn 国办发〔1996〕32号: the goal year of the paragraph does not make a past fact a goal
    text = ("内地西藏初中班(校)从现有招生规模基础上,逐步扩大,1998年达到2000人的规模。确定在北京、天津等16个省(市)"
            "扩大内地西藏初中班(校)规模(其中1995年广东省、福建省共落实了165名扩招任务)。")
    assert targets(text, signed=dt.date(1996, 7, 17)) == [(1998, "规模", 2000, "人", "=")]
    assert targets("我局积极争取上级资金,累计争取科技经费750万元。") == []  # 争取 obtained it: no goal
    assert targets("到2025年,我市对2个项目作出了审批决定。") == []
    assert targets("截至2023年底,全市累计建成5G基站2万个。") == []  # a year before the document's
    assert targets("2023年全市地区生产总值5000亿元,比上年增长5.2%。", signed=None, published_date=dt.date(2024, 3, 1)) == []
    assert targets("2024年以来,全市新增市场主体3万户。") == []
    assert targets("到2025年,新能源汽车保有量达到10万辆(2023年为4万辆)。") == [
        (2025, "新能源汽车保有量", 10, "万辆", "=")]
    assert targets("2023年全市地区生产总值5000亿元。", signed=None) == []  # undated: a bare year is no goal year
    assert targets("2023年上半年,全市完成固定资产投资500亿元。", signed=dt.date(2023, 7, 20)) == []  # a bulletin's period


def test_durations_and_time_limits_are_not_targets():
    assert targets("见习期限一般为3个月至6个月,最长不超过12个月。") == []  # gz 穗人社规字〔2019〕6号
    assert targets("到2025年,立即向国务院上报有关情况(最迟不超过4个小时)。") == []  # govcn 国办函〔2005〕57号
    assert targets("学生顶岗实习时间一般为6个月,至少1个月;行政机关应当在15个工作日内作出决定。") == []


def test_thresholds_an_applicant_must_meet_are_not_targets():
    assert targets("申请设立的担保机构注册资本不低于2000万元,基金数额不少于210万元。") == []
    assert targets("申报企业上年度营业收入不低于2000万元,资产负债率不超过70%。") == []


def test_set_phrases_and_counts_of_named_people_are_not_targets():
    assert targets("到2025年,坚持一张蓝图绘到底,表彰两名同志。") == []


def test_a_year_that_starts_a_programme_or_is_a_baseline_is_no_goal_year():
    assert targets("自2019年开始,每年培育科技型企业100家。") == []
    text = ("(一)扩大内地西藏初中班(校)招生规模,以1995年实招人数1445名为基数,从1996年开始逐年扩招,分3年落实,"
            "至1998年达到2000名的招生规模(见附表)。")
    assert targets(text, signed=dt.date(1996, 7, 17)) == [(1998, "招生规模", 2000, "名", "=")]
    assert targets("到2025年,单位地区生产总值能耗比2020年下降13.5%。") == [(2025, "单位地区生产总值能耗", 13.5, "%", "=")]


def test_rules_of_procedure_and_per_unit_standards_without_a_year_are_not_targets():
    # gz 穗府办规〔2021〕19号, 穗府办规〔2022〕13号: bounds on counts and sizes are rules, not goals
    assert targets("入户调查人员应当不少于2人,并在调查时出示有效证件。") == []
    assert targets("每个区应当单独设置至少1个区级综合养老服务中心,每处建筑面积不少于1000平方米。") == []
    assert targets("其中本市特困人员住院照料临时救助标准不超过240元/人/日。") == []
    # a bound on a share is a goal the text sets (govcn 国办发〔2019〕6号)
    assert targets("引导合作机构逐步将平均担保费率降至1%以下。") == [(None, "平均担保费率", 1, "%", "<=")]


def test_each_item_of_a_respectively_list_is_its_own_target():
    assert targets("到2025年,全省花生种植、收获机械化率分别达到65%和55%。") == [
        (2025, "花生种植机械化率", 65, "%", "="), (2025, "花生收获机械化率", 55, "%", "=")]
    assert targets("到2025年,国家级、省级企业技术中心分别不少于5家、20家。") == [
        (2025, "国家级企业技术中心", 5, "家", ">="), (2025, "省级企业技术中心", 20, "家", ">=")]


def test_about_is_the_value_aimed_at():
    assert targets("到2025年,全市地区生产总值增长6%左右。") == [(2025, "地区生产总值", 6, "%", "=")]


def test_goals_given_a_span_of_years_but_no_year():
    # liuhe 加快重点产业实施意见 (undated): 用3年时间 commits the sentence's quantities
    text = ("采取县财政逐年增加列支和争取省风险补偿铺底资金支持方式,用3年时间,使县级“助保金池”风险补偿铺底资金"
            "达到1千万以上,为中小微企业提供1亿元以上的增信担保,有效缓解中小微企业融资难、融资贵问题。")
    rows = targets(text, signed=None)
    assert (None, "增信担保", 1, "亿元", ">=") in rows
    assert all(year is None and comparator == ">=" for year, *_, comparator in rows)
    assert targets("经过三年努力,全市高新技术企业达到500家。") == [(None, "高新技术企业", 500, "家", "=")]
