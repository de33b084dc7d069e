"""Golden files: what segmentation gives for a whole input, kept as reviewed JSON.

    python -m pytest tests/test_segment_golden.py --update-golden   # rewrite them, then review the diff

`validity` depends on the run date; golden runs fix it at GOLDEN_TODAY.
"""
from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from pipeline.normalise import normalise
from pipeline.read import read
from pipeline.records import Issue
from pipeline.segment import segment

GOLDEN = Path(__file__).parent / "golden"
GOLDEN_TODAY = dt.date(2026, 1, 1)
DOCUMENT_FIELDS = (
    "doc_number", "doc_number_raw", "issuer_code", "doc_year", "doc_seq", "title", "issuer", "doc_type",
    "category", "recipients", "signed_date", "published_date", "effective_date", "expiry_date", "validity",
    "is_draft", "interprets_doc_number", "index_number", "unified_number", "script_original",
    "page_start", "page_end", "gazette_title", "gazette_year", "gazette_issue", "gazette_issue_total",
)
ISSUE_FIELDS = ("gazette_title", "gazette_year", "gazette_issue", "gazette_issue_total", "published_date",
                "toc_entries", "toc_missing")


def segment_file(path: Path) -> Issue:
    return segment(normalise(read(path, path.name)), today=GOLDEN_TODAY)


def _plain(value):
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, tuple):
        return list(value)
    return value


def summary(issue: Issue) -> dict:
    """The reviewed view of an issue: its fields, each document's fields, its outline,
    and the first and last characters of its text (so a moved boundary shows)."""
    return {
        "issue": {name: _plain(getattr(issue, name)) for name in ISSUE_FIELDS},
        "documents": [{
            **{name: _plain(getattr(doc, name)) for name in DOCUMENT_FIELDS},
            "text_starts": doc.text[:20], "text_ends": doc.text[-20:],
            "sections": [f"{s.path} {s.heading}" for s in doc.sections],
        } for doc in issue.documents],
    }


def golden_path(name: str) -> Path:
    return GOLDEN / f"{name}.json"


def write_golden(name: str, data: dict) -> None:
    GOLDEN.mkdir(exist_ok=True)
    golden_path(name).write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


def read_golden(name: str) -> dict:
    return json.loads(golden_path(name).read_text(encoding="utf-8"))
