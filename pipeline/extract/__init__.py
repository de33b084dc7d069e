"""Stage 4, extract: a Document -> fact rows, each with its Provenance.

    targets.py          quantified goals (到2027年 ... 培育链主企业10家)
    subsidies.py        money a policy gives, one row per amount
    responsibility.py   the (责任单位:...) of each task, one row per unit
    dated.py            every dated fact (signed, effective, expiry, deadlines, periods ...)
    appointments.py     the 任命/免去 lines of a 人事任免
    quantities.py       numbers with their units (measure_units.tsv)
    indicator.py        the noun phrase a target counts (jieba + policy_terms.tsv)
    text.py             sentences, sections and provenance of a document

Each extractor is a pure function of a document (its text and sections); nothing here
reads a file or knows about other documents.
"""
from __future__ import annotations

from pipeline.records import Document, PageSpan

from .appointments import extract_appointments
from .dated import extract_dates
from .responsibility import extract_responsible_units
from .subsidies import extract_subsidies
from .targets import extract_targets
from .text import DocumentText


def prepare() -> None:
    """Make the indicator tagger now rather than at the first document: a pool's workers
    forked after this share it. The first run on a machine also builds jieba's dictionary
    in shards here (jieba_dictionary, about 3 s once), before any worker would."""
    from .indicator import words
    words("人工智能")


def extract(document: Document, pages: tuple[PageSpan, ...] = ()) -> tuple:
    """Every fact of `document`; `pages` (the issue's) give each fact its PDF page."""
    doc = DocumentText(document, pages)
    units = extract_responsible_units(doc)
    units_by_path: dict[str | None, tuple[str, ...]] = {}
    for row in units:
        if not row.is_implicit:
            units_by_path.setdefault(row.section_path, ())
            units_by_path[row.section_path] += (row.unit,)
    return (*extract_targets(doc), *extract_subsidies(doc, units_by_path), *units,
            *extract_dates(doc), *extract_appointments(doc))
