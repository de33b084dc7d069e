"""Segmentation against the hand-read gold answers of both corpora: every required
document found once, nothing else but optional ones, every field the gold states equal,
and the issue's own fields."""
from __future__ import annotations

import re
import unicodedata

import pytest

from pipeline.docnumber import normalize_doc_number
from tests.conftest import CORPORA, REAL, gold_of, good_inputs
from tests.golden import GOLDEN_TODAY, segment_file

ISSUE_FIELDS = ("gazette_title", "gazette_year", "gazette_issue", "gazette_issue_total", "published_date",
                "toc_entries")


def same_text(value) -> str:
    """How the gold compares text: NFKC, no spaces (the gold writes （）and ，as printed)."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", str(value))) if value is not None else ""


def key(number, title) -> str:
    return normalize_doc_number(number) or "T:" + same_text(title) if number else "T:" + same_text(title)


def plain(value):
    return value.isoformat() if hasattr(value, "isoformat") else value


INPUTS = good_inputs((*CORPORA, REAL))


@pytest.mark.parametrize("path", [p for p, _ in INPUTS], ids=[p.name for p, _ in INPUTS])
def test_documents_and_fields_match_the_gold(path):
    gold = gold_of(path)
    issue = segment_file(path)
    found = {}
    for doc in issue.documents:
        k = key(doc.doc_number, doc.title)
        assert k not in found, f"{k} found twice"
        found[k] = doc
    required = {key(d.get("doc_number"), d["title"]): d for d in gold["documents"] if not d.get("optional")}
    optional = {key(d.get("doc_number"), d["title"]) for d in gold["documents"] if d.get("optional")}
    assert set(required) <= set(found), f"missing: {set(required) - set(found)}"
    assert set(found) <= set(required) | optional, f"not in the gold: {set(found) - set(required) - optional}"
    for k, expected in required.items():
        doc = found[k]
        for field, value in expected.items():
            if field in ("optional",) or not hasattr(doc, field):
                continue
            got = plain(getattr(doc, field))
            if field in ("interprets_doc_number", "doc_number"):
                assert normalize_doc_number(got) == normalize_doc_number(value), (k, field)
            elif isinstance(value, str):
                assert same_text(got) == same_text(value), (k, field, got, value)
            else:
                assert got == value, (k, field, got, value)


@pytest.mark.parametrize("path", [p for p, _ in INPUTS if gold_of(p).get("issue")],
                         ids=[p.name for p, _ in INPUTS if gold_of(p).get("issue")])
def test_issue_fields_match_the_gold_and_nothing_listed_is_missing(path):
    expected = gold_of(path)["issue"]
    issue = segment_file(path)
    assert {f: plain(getattr(issue, f)) for f in ISSUE_FIELDS} == {f: expected[f] for f in ISSUE_FIELDS}
    assert issue.toc_missing == ()


def test_golden_today_is_fixed():
    assert GOLDEN_TODAY.year == 2026  # validity in the gold is read against a fixed day
