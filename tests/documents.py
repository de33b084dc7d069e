"""Build a Document from a snippet of text, for extractor tests that read like the documents: its
sections, and where the text states its dates, as segmentation finds them."""
from __future__ import annotations

import datetime as dt

from pipeline.extract.text import DocumentText
from pipeline.records import Document
from pipeline.segment.fields import dating
from pipeline.segment.lines import lines_of
from pipeline.segment.sections import find_sections


def document(text: str, *, title: str | None = "嘉兴市人民政府办公室关于印发某方案的通知",
             issuer: str | None = "嘉兴市人民政府办公室", signed: dt.date | None = dt.date(2024, 10, 10),
             doc_type: str | None = "通知", source_format: str = "txt", **fields) -> DocumentText:
    doc_id = "doc-test"
    stated = dating(text, lines_of(text), signed, fields.get("effective_date"), fields.get("expiry_date"))
    return DocumentText(Document(
        doc_id=doc_id, source_file="test.txt", source_sha256="0" * 64, source_format=source_format,
        position=0, char_start=0, char_end=len(text), text=text, title=title, issuer=issuer,
        signed_date=signed, doc_type=doc_type, sections=find_sections(text, doc_id),
        signed_at=stated.signed_at, effective_at=stated.effective_at, expiry_at=stated.expiry_at, **fields))
