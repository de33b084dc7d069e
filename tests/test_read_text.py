"""The plain-text reader: encodings detected, noise refused."""
from __future__ import annotations

import pytest

from parsers import ReadError, text
from parsers.encoding import decode
from pipeline.normalise import normalise
from tests.conftest import raw


def test_gbk_text_without_bom_decodes():
    issue = text.parse(raw("jiaxing-2024-11.gbk.txt"))
    assert issue.encoding == "gb18030"
    assert "嘉兴市人民政府关于公布2023年度" in issue.text


def test_gbk_text_paragraph_cut_by_an_old_page_break_is_rejoined():
    issue = normalise(text.parse(raw("jiaxing-2024-11.gbk.txt")))
    assert "双飞无油轴承集团股份有限公司" in issue.text
    assert "智能制造、高端装备3大新兴产业" in issue.text
    # ... but a signature and its date stay two lines
    assert "嘉兴市人民政府\n2024年10月10日" in issue.text


def test_utf8_text_reads_as_is():
    issue = text.parse(raw("jiaxing-ai-plan-draft.txt"))
    assert issue.encoding == "utf-8"
    assert issue.text.startswith("嘉兴市推动人工智能高质量发展实施方案")


def test_random_bytes_are_refused():
    with pytest.raises(ReadError) as info:
        text.parse(raw("binary.txt"))
    assert info.value.error_type == "undecodable_text"


@pytest.mark.parametrize("encoding", ["utf-8", "gb18030", "big5", "utf-16"])
def test_a_sentence_survives_each_encoding(encoding):
    sentence = "到2027年，培育人工智能领域链主型企业10家。" if encoding != "big5" else "到2027年，培育人工智能領域鏈主型企業10家。"
    data = (sentence * 5).encode(encoding)
    decoded = decode(data).text
    assert decoded.lstrip("\ufeff").startswith(sentence)
