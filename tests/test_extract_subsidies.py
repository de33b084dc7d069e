"""Subsidies: a policy's sentence in, one row per amount it gives."""
from __future__ import annotations

from pipeline.extract.subsidies import extract_subsidies
from tests.documents import document


def rows(text: str):
    return [(r.amount_yuan, r.rate, r.cap_yuan, r.tier) for r in extract_subsidies(document(text))]


def test_a_fixed_amount_and_its_kind():
    [row] = extract_subsidies(document("对首次认定的国家高新技术企业,给予20万元奖励。"))
    assert (row.amount_yuan, row.kind, row.beneficiary_condition, row.currency) == (200000, "奖励", "首次认定的国家高新技术企业", "CNY")


def test_a_cap_alone_and_a_threshold_that_is_a_condition():
    text = ("对生产性投入(不含土建)达到2000万元(含)以上的人工智能领域投资和技术改造项目,根据绩效综合评价分档给予补助,"
            "战略性新兴产业补助标准上浮5%,单个项目最高不超过1500万元。")
    assert rows(text) == [(None, 0.05, None, "战略性新兴产业"), (None, None, 15000000, None)]


def test_a_share_with_two_caps_is_two_rows_with_their_tiers():
    text = ("对新建项目投资额达到1000万元(含)以上、提升改造项目投资额达到500万元(含)以上的信息服务业项目,"
            "按照项目实际投资额(不含土地款)的5%给予一次性补助,新建项目最高不超过300万元、提升改造项目最高不超过150万元。")
    found = extract_subsidies(document(text))
    assert [(r.rate, r.cap_yuan, r.tier, r.rate_base) for r in found] == [
        (0.05, 3000000, "新建项目", "项目实际投资额(不含土地款)"),
        (0.05, 1500000, "提升改造项目", "项目实际投资额(不含土地款)")]


def test_two_rates_pair_with_two_caps_in_order():
    text = "对入选市级标杆项目和示范项目的,按项目数字化投入的3%和1.5%给予奖励,单个项目最高分别不超过10万元和3万元。"
    assert [(a, r, c) for a, r, c, _ in rows(text)] == [(None, 0.03, 100000), (None, 0.015, 30000)]


def test_one_cap_after_several_rates_limits_each():
    text = "按实际支付服务费用的50%予以抵扣,其中科技型中小企业按60%予以补助,单家企业每年最高不超过20万元。"
    assert [(a, r, c) for a, r, c, _ in rows(text)] == [(None, 0.5, 200000), (None, 0.6, 200000)]


def test_respectively_pairs_amounts_with_the_thresholds_they_answer():
    text = ("对年度营业收入首次达到2000万元、3000万元、1亿元的,且同比增速在10%(含)以上的企业,"
            "分别给予20万元、50万元、100万元奖励。")
    assert rows(text) == [(200000, None, None, "2000万元"), (500000, None, None, "3000万元"),
                          (1000000, None, None, "1亿元")]


def test_respectively_pairs_amounts_with_the_labels_before_it():
    text = "对新认定的国家级、省级制造业创新中心,分别给予300万元、150万元一次性奖励。"
    assert rows(text) == [(3000000, None, None, "国家级制造业创新中心"), (1500000, None, None, "省级制造业创新中心")]


def test_caps_of_a_respectively_list_share_the_first_ones_maximum():
    text = "数据产品全年交易额首次达到300万元、600万元、1000万元的,分别给予产品提供方最高15万元、25万元和35万元的奖励。"
    assert rows(text) == [(None, None, 150000, "300万元"), (None, None, 250000, "600万元"), (None, None, 350000, "1000万元")]


def test_a_second_grant_and_a_share_with_its_cap_in_one_clause():
    assert rows("对列入试点的牵头企业给予20万元奖励,通过验收后再给予30万元奖励。") == [
        (200000, None, None, None), (300000, None, None, None)]
    assert rows("每个项目按照不超过投资额30%的标准给予最高200万元的补助。") == [(None, 0.3, 2000000, None)]


def test_budgets_cost_sharing_and_unpriced_support_are_not_rows():
    assert rows("全市每年设立总额不超过5000万元的“算力券”,重点支持中小企业购买算力服务。") == []
    assert rows("对符合条件的重点项目给予贴息支持,所需资金由市、区县财政按1:1比例分担。") == []


def test_a_measure_carries_its_heading_and_responsible_units():
    d = document("一、支持政策\n(一)鼓励制造业投资。对符合条件的项目给予50万元奖励。(责任单位:市经信局、市财政局)")
    [row] = extract_subsidies(d, {"一/(一)": ("嘉兴市经济和信息化局", "嘉兴市财政局")})
    assert (row.section_path, row.measure, row.responsible_units) == (
        "一/(一)", "鼓励制造业投资", ("嘉兴市经济和信息化局", "嘉兴市财政局"))
