"""Whole inputs through read -> normalise -> segment, against reviewed golden files, and
the same text in every format giving the same documents."""
from __future__ import annotations

import pytest

from tests.conftest import good_inputs
from tests.golden import golden_path, read_golden, segment_file, summary, write_golden

INPUTS = {path.name: (path, info) for path, info in good_inputs()}


@pytest.mark.parametrize("name", sorted(INPUTS))
def test_segmentation_matches_the_golden_file(name, update_golden):
    got = summary(segment_file(INPUTS[name][0]))
    if update_golden or not golden_path(name).exists():
        write_golden(name, got)
        pytest.skip(f"wrote {golden_path(name).name}; review it")
    assert got == read_golden(name)


# Fields that must agree whatever the format (pages, raw spellings and the script differ).
SAME_IN_EVERY_FORMAT = ("doc_number", "title", "issuer", "doc_type", "category", "recipients", "signed_date",
                        "effective_date", "expiry_date", "is_draft", "interprets_doc_number", "sections",
                        "text_ends")

TEXTS = sorted({info["text_id"] for _, info in INPUTS.values()})


@pytest.mark.parametrize("text_id", TEXTS)
def test_every_format_of_a_text_gives_the_same_documents(text_id):
    inputs = [path for path, info in INPUTS.values() if info["text_id"] == text_id]
    views = {path.name: summary(segment_file(path)) for path in inputs}
    reference_name, reference = next(iter(views.items()))
    for name, view in views.items():
        assert view["issue"] == reference["issue"], (name, reference_name)
        assert [{f: d[f] for f in SAME_IN_EVERY_FORMAT} for d in view["documents"]] == \
               [{f: d[f] for f in SAME_IN_EVERY_FORMAT} for d in reference["documents"]], (name, reference_name)


def test_an_issue_without_its_mulu_still_gives_its_documents():
    """The same issue with the 目录 cut out: documents are found by their 文号 lines and
    by the headings of 政策解读, 人事任免 and the closing lists."""
    from pipeline.records import RawIssue
    from pipeline.segment import segment
    from tests.golden import GOLDEN_TODAY

    path, _ = INPUTS["jiaxing-2024-11.gbk.txt"]
    with_toc = segment_file(path)
    text = with_toc.text
    cover_end = text.index("目录")
    body_start = with_toc.documents[0].char_start
    without_toc = text[:cover_end] + text[body_start:]
    issue = segment(RawIssue("no-toc.txt", "0" * 64, "txt", without_toc), today=GOLDEN_TODAY)
    assert issue.toc_entries is None
    assert [(d.doc_number, d.title, d.doc_type) for d in issue.documents] == \
           [(d.doc_number, d.title, d.doc_type) for d in with_toc.documents]
