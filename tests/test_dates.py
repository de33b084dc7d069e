"""Dates as gazettes print them: digits, Chinese numerals, partial dates, precision."""
from __future__ import annotations

import datetime as dt

import cn2an
from hypothesis import given
from hypothesis import strategies as st

from pipeline.dates import add_years, find_dates, parse_date


def test_a_signature_date_in_digits_and_in_numerals():
    assert parse_date("2024年10月10日") == dt.date(2024, 10, 10)
    assert parse_date("二〇二四年十月三十一日") == dt.date(2024, 10, 31)
    assert parse_date("2025-05-15 09:57") == dt.date(2025, 5, 15)  # a web page's 发布日期


def test_a_line_with_more_than_a_date_is_not_a_date():
    assert parse_date("2024年10月10日出版") is None
    assert parse_date("2024年2月30日") is None


def test_mentions_carry_their_precision_and_span():
    text = "到2027年底,2024年10月份,自7月1日起执行,有效期至2027年12月31日。"
    found = [(m.raw, m.date, m.precision) for m in find_dates(text, default_year=2024)]
    assert found == [
        ("2027年", dt.date(2027, 1, 1), "year"),
        ("2024年10月", dt.date(2024, 10, 1), "month"),
        ("7月1日", dt.date(2024, 7, 1), "day"),  # a partial date takes the document's year
        ("2027年12月31日", dt.date(2027, 12, 31), "day"),
    ]
    for mention in find_dates(text, default_year=2024):
        assert text[mention.start:mention.end] == mention.raw


def test_partial_dates_need_a_year():
    assert [m.raw for m in find_dates("自7月1日起执行")] == []


def test_a_year_after_29_february_is_28_february():
    assert add_years(dt.date(2024, 2, 29), 1) == dt.date(2025, 2, 28)


@given(st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2049, 12, 31)))
def test_every_day_parses_in_digits(day):
    assert parse_date(f"{day.year}年{day.month}月{day.day}日") == day
    assert parse_date(f"{day.year} 年 {day.month:02d} 月 {day.day:02d} 日") == day


@given(st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2049, 12, 31)))
def test_every_day_parses_in_chinese_numerals(day):
    year = "".join("〇一二三四五六七八九"[int(d)] for d in str(day.year))
    printed = f"{year}年{cn2an.an2cn(day.month)}月{cn2an.an2cn(day.day)}日"
    assert parse_date(printed) == day
