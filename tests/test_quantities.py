"""Numbers with their units: examples from the gazettes and property tests."""
from __future__ import annotations

import cn2an
from hypothesis import given
from hypothesis import strategies as st

from pipeline.extract.quantities import find_quantities


def read(text: str):
    return [(q.value, q.unit, q.value_normalized, q.unit_normalized, q.currency) for q in find_quantities(text)]


def test_units_magnitudes_and_currencies():
    assert read("新增就业3万人以上") == [(3, "万人", 30000, "人", None)]
    assert read("营收规模突破1000亿元") == [(1000, "亿元", 1e11, "元", "CNY")]
    assert read("超过15亿美元") == [(15, "亿美元", 1.5e9, "美元", "USD")]
    assert read("盘活低效工业用地1.2万亩") == [(1.2, "万亩", 12000, "亩", None)]
    assert read("人均28万元/人") == [(28, "万元/人", 280000, "元/人", "CNY")]
    assert read("算力规模达到50E Flops以上") == [(50, "EFlops", 50, "EFLOPS", None)]
    assert read("5000千万亿次浮点指令/秒(PFLOPS)以上") == [(5000, "PFLOPS", 5000, "PFLOPS", None)]


def test_numbers_in_names_codes_ordinals_and_ranges_are_not_quantities():
    assert read("“20+6”格局,FP16精度,5G全连接工厂,第53次常务会议,3-5个,比例1:1") == []


@given(st.integers(min_value=1, max_value=99_999), st.sampled_from(["个", "家", "项", "万元", "亿元", "%", "万人"]))
def test_any_arabic_number_with_a_unit_reads_back(n, unit):
    [(value, written, *_)] = read(f"培育{n}{unit}。")
    assert (value, written) == (n, unit)


@given(st.integers(min_value=1, max_value=9_999))
def test_any_chinese_numeral_reads_back(n):
    numeral = cn2an.an2cn(n)
    [(value, written, *_)] = read(f"打造{numeral}个场景。")
    assert (value, written) == (n, "个")


def test_a_magnitude_takes_the_longest_unit_that_accepts_one():
    assert read("全长1千米。") == [(1, "千米", 1000, "米", None)]  # 千 x 米
    assert read("装机3千瓦时。") == [(3, "千瓦时", 3, "千瓦时", None)]  # no unit 瓦时: the unit 千瓦时
    assert read("增加2个百分点。") == [(2, "个百分点", 2, "个百分点", None)]
    assert read("增加3万个百分点。") == [(3, "万个", 30000, "个", None)]  # 个百分点 takes no magnitude
    assert read("提高5万%,增长3万倍。") == []


def test_money_per_person_and_period_is_money_at_a_rate():
    # gz 穗府办规〔2021〕19号, liuhe-chanye: what a policy pays per person per day, per 亩
    assert read("住院照料临时救助标准不超过240元/人/日") == [(240, "元/人/日", 240, "元/人/日", "CNY")]
    assert read("一次性奖励企业100元/亩") == [(100, "元/亩", 100, "元/亩", "CNY")]
    assert read("补贴3000元/人·月") == [(3000, "元/人·月", 3000, "元/人·月", "CNY")]
    [per_day] = find_quantities("不超过240元/人/日")
    [total] = find_quantities("不超过5万元")
    assert (per_day.is_money, per_day.is_money_per_unit) == (False, True)
    assert (total.is_money, total.is_money_per_unit) == (True, False)
