"""文号: every printed spelling normalises to the GB/T 9704 form, and citations are found."""
from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pipeline.docnumber import find_doc_numbers, normalize_doc_number, parse_doc_number


@pytest.mark.parametrize(("printed", "normalized"), [
    ("嘉政发〔2024〕19号", "嘉政发〔2024〕19号"),
    ("(嘉政发[2024]19号)", "嘉政发〔2024〕19号"),
    ("嘉政发［2024］19号", "嘉政发〔2024〕19号"),
    ("嘉政发(2024)19号", "嘉政发〔2024〕19号"),
    ("嘉政办发〔2025 〕18 号", "嘉政办发〔2025〕18号"),
    ("嘉政发2023]12 号", "嘉政发〔2023〕12号"),  # the opening bracket lost in extraction
    ("国办函〔2024〕 8 号", "国办函〔2024〕8号"),
    ("浙政发【2024】第05号", "浙政发〔2024〕5号"),
    ("浙江省人民政府令第412号", "浙江省人民政府令第412号"),  # orders carry no year
])
def test_printed_spellings_normalise_to_gbt9704(printed, normalized):
    assert normalize_doc_number(printed) == normalized


def test_parts_of_a_doc_number():
    number = parse_doc_number("嘉政办发[2024]25号")
    assert (number.issuer_code, number.year, number.seq, number.raw) == ("嘉政办发", 2024, 25, "嘉政办发[2024]25号")


@pytest.mark.parametrize("text", ["2024年10月10日", "嘉政发[2024]19号文件", "第11期", "", "附件:嘉政发"])
def test_what_is_not_a_doc_number(text):
    assert parse_doc_number(text) is None


def test_citations_in_a_sentence_are_found_with_their_spans():
    sentence = "根据《国务院办公厅关于加强行政规范性文件制定和监督管理工作的通知》(国办发[2018]37号)、(浙司[2020]45号)等文件"
    found = list(find_doc_numbers(sentence))
    assert [m.number.normalized for m in found] == ["国办发〔2018〕37号", "浙司〔2020〕45号"]
    assert [sentence[m.start:m.end] for m in found] == ["国办发[2018]37号", "浙司[2020]45号"]


# --- property: any spelling of a generated number normalises back to it ---------------------

_HAN = st.sampled_from(list("嘉兴浙江杭宁波温州国务院办政府财经信科教卫商发改司法公安环"))
_CODES = st.builds(lambda body, tail: body + tail, st.text(_HAN, min_size=1, max_size=5),
                   st.sampled_from(["发", "办发", "函", "办函", "字", "发改"]))
_BRACKETS = st.sampled_from([("〔", "〕"), ("[", "]"), ("［", "］"), ("(", ")"), ("（", "）"), ("【", "】"), ("", "]")])
_SPACE = st.sampled_from(["", " ", "  "])


@given(code=_CODES, year=st.integers(1990, 2035), seq=st.integers(1, 999), brackets=_BRACKETS,
       spaces=st.tuples(_SPACE, _SPACE, _SPACE, _SPACE), first=st.booleans(), padded=st.booleans(),
       wrapped=st.booleans())
def test_any_spelling_normalises_to_the_same_number(code, year, seq, brackets, spaces, first, padded, wrapped):
    opening, closing = brackets
    seq_text = f"{seq:03d}" if padded else str(seq)
    printed = (f"{code}{spaces[0]}{opening}{spaces[1]}{year}{spaces[2]}{closing}{spaces[3]}"
               f"{'第' if first else ''}{seq_text}号")
    if wrapped:
        printed = f"({printed})"
    number = parse_doc_number(printed)
    assert number is not None, printed
    assert number.normalized == f"{code}〔{year}〕{seq}号"
    assert (number.issuer_code, number.year, number.seq) == (code, year, seq)


@given(code=_CODES, year=st.integers(1990, 2035), seq=st.integers(1, 999))
def test_normalising_is_idempotent(code, year, seq):
    once = normalize_doc_number(f"{code}[{year}]{seq}号")
    assert normalize_doc_number(once) == once


def test_ministries_number_their_announcements_and_orders_by_year():
    # 财税 公告 and ministry 令 (a probe of 2026-12-07): kept as printed, spaces between joint issuers removed
    assert normalize_doc_number("财政部 税务总局公告2023年第19号") == "财政部税务总局公告2023年第19号"
    assert normalize_doc_number("交通运输部令2023年第12号") == "交通运输部令2023年第12号"
    assert normalize_doc_number("海关总署公告2024年第5号") == "海关总署公告2024年第5号"
    number = parse_doc_number("中华人民共和国交通运输部令 2023年第12号")
    assert (number.issuer_code, number.year, number.seq) == ("中华人民共和国交通运输部令", 2023, 12)
    cited = [m.number.normalized for m in find_doc_numbers("根据《关于…的公告》(财政部 税务总局公告2023年第19号)规定")]
    assert cited == ["财政部税务总局公告2023年第19号"]
