"""Stage 3, segment: a normalised RawIssue -> Issue with its documents.

For now every input is one document holding the whole text; the web page's own
metadata (索引号, 文号, 有效性 ...) fills the fields it names. Splitting gazette
issues into their documents by the 目录 and 文号, and the section tree, come next.
"""
from __future__ import annotations

import hashlib

from pipeline.records import Document, Issue, RawIssue


def make_doc_id(source_sha256: str, position: int) -> str:
    """Stable across runs and machines: the input's content hash and the document's place."""
    return hashlib.sha256(f"{source_sha256}:{position}".encode()).hexdigest()[:20]


def segment(raw: RawIssue) -> Issue:
    first_line = raw.text.split("\n", 1)[0].strip()
    pages = [p.page for p in raw.pages if p.end > p.start]
    document = Document(
        doc_id=make_doc_id(raw.source_sha256, 0),
        source_file=raw.source_file,
        source_sha256=raw.source_sha256,
        source_format=raw.source_format,
        position=0,
        char_start=0,
        char_end=len(raw.text),
        text=raw.text,
        page_start=min(pages) if pages else None,
        page_end=max(pages) if pages else None,
        title=raw.title or first_line or None,
        doc_number_raw=raw.meta("doc_number"),
        index_number=raw.meta("index_number"),
        unified_number=raw.meta("unified_number"),
        validity=raw.meta("validity"),
        script_original=raw.script_original,
    )
    return Issue(source_file=raw.source_file, source_sha256=raw.source_sha256,
                 source_format=raw.source_format, text=raw.text, pages=raw.pages,
                 documents=(document,))
