"""Dates: a document in, every dated fact with its kind and precision."""
from __future__ import annotations

import datetime as dt

from pipeline.extract.dated import extract_dates
from tests.documents import document

D = dt.date


def dates(text: str, **fields):
    return [(r.kind, r.date, r.precision, r.raw) for r in extract_dates(document(text, **fields))]


NOTICE = ("某方案已经市政府同意,现印发给你们。\n嘉兴市人民政府办公室\n2024年10月10日\n"
          "本实施方案自公布之日起施行,有效期至2027年12月31日。")


def test_signed_effective_and_expiry_come_with_the_line_or_clause_that_states_them():
    rows = dates(NOTICE, effective_date=D(2024, 10, 10), expiry_date=D(2027, 12, 31))
    assert rows == [("signed", D(2024, 10, 10), "day", "2024年10月10日"),
                    ("effective", D(2024, 10, 10), "day", "本实施方案自公布之日起施行"),
                    ("expiry", D(2027, 12, 31), "day", "有效期至2027年12月31日")]


def test_deadlines_periods_and_partial_dates_resolved_against_the_documents_year():
    text = "2025年3月—6月开展专项行动,6月底前完成评估,到2027年底基本建成,自7月1日起报送。"
    rows = dates(text, signed=D(2025, 2, 28))
    assert rows == [
        ("period_start", D(2025, 3, 1), "month", "2025年3月—6月"),
        ("period_end", D(2025, 6, 1), "month", "2025年3月—6月"),
        ("deadline", D(2025, 6, 30), "day", "6月底前"),
        ("deadline", D(2027, 12, 31), "day", "2027年底"),
        ("event", D(2025, 7, 1), "day", "7月1日"),
    ]


def test_a_year_range_in_a_title_is_a_period():
    assert dates("嘉兴市推进“人工智能+”行动计划(2025—2027年)", signed=None) == [
        ("period_start", D(2025, 1, 1), "year", "2025—2027年"), ("period_end", D(2027, 1, 1), "year", "2025—2027年")]


def test_a_web_pages_publication_date_comes_from_its_metadata_without_a_span():
    [row] = extract_dates(document("正文。", signed=None, source_format="html", published_date=D(2025, 5, 15)))
    p = row.provenance
    assert (row.kind, row.date) == ("published", D(2025, 5, 15))
    assert (p.char_start, p.char_end, p.evidence, p.evidence_origin) == (None, None, "发布日期:2025-05-15", "page metadata")


def test_a_cited_document_s_dates_are_events_not_this_documents_effective_date():
    rows = dates("根据《某办法》(自2018年5月1日起施行)制定。", signed=None)
    assert rows == [("event", D(2018, 5, 1), "day", "2018年5月1日")]


# --- real wordings (issue 15) -----------------------------------------------------------

def test_a_statistical_reference_to_last_year_is_no_deadline():
    """A statistics bulletin: `比上年末增长` refers to last year's end, it sets no date."""
    rows = dates("年末全市户籍人口比上年末增加1.2万人。", signed=D(2024, 3, 1))
    assert [r for r in rows if r[0] == "deadline"] == []


def test_a_past_event_is_an_event_whatever_word_precedes_it():
    rows = dates("《实施意见》已于2017年印发,各地要认真落实,于2025年6月30日前完成评估。", signed=D(2024, 3, 1))
    assert rows == [("event", D(2017, 1, 1), "year", "2017年"),
                    ("deadline", D(2025, 6, 30), "day", "2025年6月30日前")]


def test_a_month_in_chinese_numerals_ends_in_the_documents_year():
    assert dates("各区于六月底前报送自查报告。", signed=D(2024, 3, 1)) == [("deadline", D(2024, 6, 30), "day", "六月底前")]


def test_ranges_with_any_dash_are_periods():
    """govcn-052: 内地西藏班 `1997年4月―1998年2月` (U+2015 between the dates)."""
    rows = dates("招生工作于1997年4月―1998年2月分批进行。", signed=D(1996, 7, 17))
    assert rows == [("period_start", D(1997, 4, 1), "month", "1997年4月―1998年2月"),
                    ("period_end", D(1998, 2, 1), "month", "1997年4月―1998年2月")]


def test_a_year_in_a_heading_names_a_part_of_the_text():
    text = "二、2025年重点任务\n(一)到2025年底,建成智慧养老服务平台。"
    rows = dates(text, signed=D(2024, 12, 1))
    assert ("event", D(2025, 1, 1), "year", "2025年") in rows
    assert ("deadline", D(2025, 12, 31), "day", "2025年底") in rows
