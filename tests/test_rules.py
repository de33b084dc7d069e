"""Every rule file parses, has sorted unique keys, and no entry maps to itself."""
from __future__ import annotations

import pytest

from pipeline import rules


@pytest.mark.parametrize("name", rules._rule_files())
def test_rule_file_is_clean(name):
    assert rules.check_rule_file(name, rules._read(name)) == []


def test_malformed_rule_file_is_reported_with_file_and_line():
    with pytest.raises(rules.RuleFileError, match="x.tsv:3"):
        rules.parse_rule_file("x.tsv", "# header\n甲\t乙\n丙 without a tab\n")


def test_unsorted_and_duplicate_keys_are_problems():
    problems = rules.check_rule_file("x.tsv", "# h\n亿元\t100000000\n万元\t10000\n万元\t1\n")
    assert any("duplicate key '万元'" in p for p in problems)
    assert any("not sorted" in p for p in problems)  # 万 (U+4E07) sorts before 亿 (U+4EBF)
    assert rules.check_rule_file("x.tsv", rules.sort_rule_file("# h\n亿元\t1\n万元\t2\n")) == []


def test_radical_map_covers_every_radical_of_the_sample_pdf():
    radicals = "⼈⺠⽇⼀⼤⼯⼒⻓⻔⻅⾦⽣⽅⽤⼦"
    assert "".join(radicals.translate(rules.radical_map())) == "人民日一大工力长门见金生方用子"


def test_metadata_labels_match_spaced_and_traditional_spellings():
    assert rules.metadata_column("索 引 号：") == "index_number"
    assert rules.metadata_column("發文字號") == "doc_number"
    assert rules.metadata_column("公开方式") is None and rules.is_metadata_label("公开方式")
    assert rules.metadata_column("浏览次数") is None
