"""Stage 4, extract: a Document -> fact rows (targets, subsidies, units, dates, appointments).

Extractors are pure functions of a document's text and sections; each row carries its
Provenance. They arrive with the extraction issue; until then a document yields no facts.
"""
from __future__ import annotations

from pipeline.records import Document


def extract(document: Document) -> tuple:
    return ()
