"""Stage 3, segment: a normalised RawIssue -> an Issue with its documents and sections.

    cover.py     the issue's name, year, number, 出版 date (cover and colophon)
    toc.py       the 目录: categories and entries (title, 文号, page)
    split.py     where each document starts and ends in the body
    fields.py    a document's own fields: title, 文号, issuer, 主送, dates, validity
    doctype.py   the 文种 a title names
    sections.py  the heading tree of a document
    lines.py     lines with offsets, and the compact view used to find printed titles

Everything here is a pure function of the text (and of `today`, which only decides
`validity` for documents whose page does not state it).
"""
from __future__ import annotations

import datetime as dt
import hashlib

from pipeline.dates import parse_date
from pipeline.docnumber import DocNumber, parse_doc_number
from pipeline.records import Document, Issue, RawIssue, TocListing

from . import doctype, fields, policy
from .cover import IssueMeta, read_cover
from .lines import compact_key, lines_of
from .sections import find_sections
from .split import DocumentSpan, close_spans, locate_by_headings, locate_by_numbers, locate_entries
from .toc import Toc, parse_toc

# Kinds that carry no 施行/有效期 or signature of their own: a 政策解读 restates the
# dates of the document it explains, a 人事任免 is dated by its period.
_UNDATED_KINDS = ("政策解读", "人事任免", "发文目录")


def make_doc_id(source_file: str, source_sha256: str, position: int) -> str:
    """Stable across runs and machines: the input's name (source_file, unique in an output
    folder, so that two copies of one file give documents of their own), its content hash
    and the document's place in it."""
    return hashlib.sha256(f"{source_file}\0{source_sha256}:{position}".encode()).hexdigest()[:20]


def segment(raw: RawIssue, *, today: dt.date | None = None) -> Issue:
    today = today or dt.date.today()
    text = raw.text
    meta = read_cover(text) if raw.source_format != "html" else IssueMeta()
    toc = _toc_of(text, meta)
    body_start = toc.end if toc else (meta.cover_end or 0)
    body_end = meta.colophon_start if meta.colophon_start and meta.colophon_start > body_start else len(text)

    spans: list[DocumentSpan] = locate_entries(text, toc, body_start, body_end) if toc else []
    if not spans and raw.source_format != "html":  # no 目录, or none of its entries in the body
        spans = locate_by_numbers(text, body_start, body_end)
        if meta.gazette_title:  # an issue whose 目录 is missing: its unnumbered items too
            spans += locate_by_headings(text, body_start, body_end)
        elif len(spans) < 2:
            spans = []  # one loose document: the whole text
    if not spans:
        spans = [DocumentSpan(0 if not meta.gazette_title else body_start, 0)]
    spans = close_spans(text, spans, body_end)

    numbers_by_title = {compact_key(s.entry.title): s.entry.doc_number.normalized
                        for s in spans if s.entry and s.entry.doc_number}
    single = len(spans) == 1 and spans[0].entry is None
    documents = tuple(
        _document(raw, meta, span, position, single=single, numbers_by_title=numbers_by_title, today=today)
        for position, span in enumerate(spans))
    found = {span.entry: position for position, span in enumerate(spans) if span.entry}
    return Issue(
        source_file=raw.source_file, source_sha256=raw.source_sha256, source_format=raw.source_format,
        text=text, pages=raw.pages, documents=documents,
        gazette_title=meta.gazette_title, gazette_year=meta.gazette_year,
        gazette_issue=meta.gazette_issue, gazette_issue_total=meta.gazette_issue_total,
        published_date=meta.published_date,
        toc_entries=len(toc.documents) if toc else None,
        toc_missing=tuple(entry.title for entry in (toc.documents if toc else ()) if entry not in found),
        toc=tuple(TocListing(title=entry.title, page=entry.page, category=entry.category,
                             doc_number=entry.doc_number.normalized if entry.doc_number else None,
                             is_document=entry.is_document, position=found.get(entry))
                  for entry in (toc.entries if toc else ())),
    )


def _toc_of(text: str, meta: IssueMeta) -> Toc | None:
    """The issue's 目录; a loose document's own table of contents (chapters, no
    documents) is not one."""
    toc = parse_toc(lines_of(text))
    if toc is None or not (meta.gazette_title or toc.documents):
        return None
    return toc


def _document(raw: RawIssue, meta: IssueMeta, span: DocumentSpan, position: int, *, single: bool,
              numbers_by_title: dict[str, str], today: dt.date) -> Document:
    text = raw.text[span.start:span.end]
    lines = lines_of(text)
    head = fields.read_head(lines)
    entry = span.entry

    title = entry.title if entry else span.title
    if title is None and single:
        title = fields.page_title(raw.meta("title"), raw.title, lines)
    title = title or head.title
    is_draft = head.is_draft or fields.has_draft_mark(title)
    title = fields.strip_draft_mark(fields.strip_heading_brackets(title or "")) or None
    # An order (中华人民共和国国务院令 / 第706号) is a 令 whose title is what it promulgates.
    order_heading = fields.order_heading_line(lines) or next(
        (t for t in (head.title, title) if fields.order_issuer(t)), None)
    kind = doctype.doc_type(order_heading or title)
    if order_heading and (title == order_heading or fields.order_issuer(title)):  # the heading, or lines joined to it
        title = fields.order_subject(lines) or title

    number: DocNumber | None = head.doc_number or (entry.doc_number if entry else None)
    if number is None and raw.meta("doc_number"):
        number = parse_doc_number(raw.meta("doc_number"))
    headnote = fields.headnote_order(lines)  # a reprinted regulation cites its 令 under its title
    number = number or headnote
    if entry and entry.doc_number and (number is None or number.normalized != entry.doc_number.normalized):
        number = entry.doc_number  # the 目录 decides which document this is

    dated = kind not in _UNDATED_KINDS
    signature = fields.find_signature(lines)
    signed = _meta_date(raw, "signed_date") if single else None
    signed = signed or (signature.date if signature and dated else None)
    # Order of authority (GOLD.md): the page's own 实施日期/失效日期, then the text's clauses.
    effective = expiry = effective_found = expiry_found = None
    if dated:
        effective_found = fields.effective_clause(text, signed)
        effective = (_meta_date(raw, "effective_date") if single else None) or (
            effective_found.date if effective_found else None)
        expiry_found = fields.expiry_clause(text, effective)
        expiry = (_meta_date(raw, "expiry_date") if single else None) or (
            expiry_found.date if expiry_found else None)
    # Where the text states each, found once here for extraction to cite.
    stated = fields.stated_at(signature, effective_found, expiry_found, signed, effective, expiry)

    if kind == "政策解读":
        issuer = fields.interpreter(text)
    elif kind == "人事任免":
        issuer = meta.government
    else:
        issuer = (fields.issuer_from_title(title) or fields.order_issuer(order_heading)
                  or fields.order_issuer(headnote.raw if headnote else None))
    page_issuer = raw.meta("issuer") if single else None
    if fields.same_organs(issuer, page_issuer):
        issuer = page_issuer  # joint issuers as the site writes them: 国务院、中央军委
    issuer = issuer or page_issuer or (signature.issuer if signature else None) or head.issuer_hint

    stated_validity = raw.meta("validity") if single else None
    on_pages = [p for p in raw.pages if p.start < span.end and p.end > span.start]
    pages = [p.page for p in on_pages]
    doc_id = make_doc_id(raw.source_file, raw.source_sha256, position)
    doc_number = number.normalized if number else None
    interprets = fields.interpreted_number(title, text, numbers_by_title) if kind == "政策解读" else None
    return Document(
        doc_id=doc_id,
        source_file=raw.source_file,
        source_sha256=raw.source_sha256,
        source_format=raw.source_format,
        position=position,
        char_start=span.start,
        char_end=span.end,
        text=text,
        page_start=min(pages) if pages else None,
        page_end=max(pages) if pages else None,
        ocr_pages=tuple(p.page for p in on_pages if p.ocr),
        title=title,
        doc_number=doc_number,
        doc_number_raw=number.raw if number else None,
        issuer_code=number.issuer_code if number else None,
        doc_year=number.year if number else None,
        doc_seq=number.seq if number else None,
        issuer=issuer,
        doc_type=kind,
        category=entry.category if entry else None,
        recipients=head.recipients,
        signed_date=signed,
        published_date=(_meta_date(raw, "published_date") if single else None) or meta.published_date,
        effective_date=effective,
        expiry_date=expiry,
        validity=stated_validity or (None if is_draft else fields.validity(effective, expiry, today)),
        validity_stated=stated_validity,
        validity_as_of=today,
        is_draft=is_draft,
        interprets_doc_number=interprets,
        policy_id=policy.policy_id(doc_number, title, issuer, interprets),
        is_listing=policy.is_listing(kind),
        index_number=raw.meta("index_number") if single else None,
        unified_number=raw.meta("unified_number") if single else None,
        script_original=raw.script_original,
        gazette_title=meta.gazette_title,
        gazette_year=meta.gazette_year,
        gazette_issue=meta.gazette_issue,
        gazette_issue_total=meta.gazette_issue_total,
        sections=find_sections(text, doc_id),
        signed_at=stated.signed_at,
        effective_at=stated.effective_at,
        expiry_at=stated.expiry_at,
    )


def _meta_date(raw: RawIssue, column: str) -> dt.date | None:
    value = raw.meta(column)
    return parse_date(value) if value else None

