"""What each page of the review site shows, built from the tables: pure, no HTML.

Three kinds of page: the index (every input, its documents, the errors, the facts not
placed in their text), one page per input (its 目录 beside the documents found) and one
page per document (its outline, its text with every fact highlighted, and the facts).
Hrefs here are relative to the report's root; the templates prefix them with the way
back to it.
"""
from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from pipeline.report.facts import FACT_TABLES, Fact, count_facts, document_facts, rows_by_document
from pipeline.report.formats import cell, page_range
from pipeline.report.names import document_href, issue_href
from pipeline.report.outline import OutlineEntry, count_entries, document_outline, outline_anchors
from pipeline.report.spans import Piece, mark_spans
from pipeline.report.tables import OutTables

NO_FACTS: Mapping[str, int] = {table.name: 0 for table in FACT_TABLES}


@dataclass(frozen=True, slots=True)
class DocumentSummary:
    """A document as a line of a list: enough to recognise it and follow the link."""

    doc_id: str
    href: str
    source_file: str
    position: int | None
    doc_number: str | None
    title: str | None
    doc_type: str | None
    issuer: str | None
    signed_date: object
    counts: Mapping[str, int]


@dataclass(frozen=True, slots=True)
class TocRow:
    """One entry of the 目录 as printed, and the document found for it (None: not found)."""

    number: int  # 1-based, in the order printed
    title: str | None
    doc_number: str | None
    page: int | None
    category: str | None
    is_document: bool
    position: int | None
    document: DocumentSummary | None

    @property
    def missing(self) -> bool:
        return self.position is None


@dataclass(frozen=True, slots=True)
class IssueView:
    """One input: its gazette_issues row (empty when the table lacks it), documents, 目录, errors."""

    source_file: str
    href: str
    row: Mapping[str, object]
    manifest: Mapping[str, object]
    counts: Mapping[str, int]
    documents: tuple[DocumentSummary, ...]
    toc: tuple[TocRow, ...]
    unlisted: tuple[DocumentSummary, ...]  # documents found that no 目录 entry names
    toc_missing: tuple[str, ...]
    errors: tuple[Mapping[str, object], ...]


@dataclass(frozen=True, slots=True)
class Field:
    """A header field of a document page."""

    name: str
    value: str
    href: str | None = None


@dataclass(frozen=True, slots=True)
class DocumentView:
    """One document page: header fields, outline, text cut into pieces, facts."""

    summary: DocumentSummary
    issue: IssueView
    fields: tuple[Field, ...]
    outline: tuple[OutlineEntry, ...]
    pieces: tuple[Piece, ...]
    facts: tuple[Fact, ...]
    previous: DocumentSummary | None
    next: DocumentSummary | None

    @property
    def highlighted(self) -> int:
        return sum(fact.span is not None for fact in self.facts)

    @property
    def sections(self) -> int:
        return count_entries(self.outline)

    @property
    def unplaced(self) -> tuple[Fact, ...]:
        return tuple(fact for fact in self.facts if fact.unplaced is not None)


@dataclass(frozen=True, slots=True)
class UnplacedFact:
    """A fact listed on its document's page but not highlighted in its text, for the index."""

    document: DocumentSummary
    fact: Fact


@dataclass(frozen=True, slots=True)
class IndexView:
    issues: tuple[IssueView, ...]
    errors: tuple[Mapping[str, object], ...]
    totals: Mapping[str, int]  # rows per table
    error_hrefs: Mapping[str, str]  # source_file -> its page, for errors of inputs that have one
    unplaced: tuple[UnplacedFact, ...]  # in the order of the documents' pages


def _document_order(row: Mapping) -> tuple:
    return (row.get("source_file") or "", row.get("position") is None, row.get("position") or 0,
            row.get("doc_id") or "")


def summarise(row: Mapping, counts: Mapping[str, int]) -> DocumentSummary:
    return DocumentSummary(
        doc_id=row["doc_id"], href=document_href(row["doc_id"]), source_file=row.get("source_file") or "",
        position=row.get("position"), doc_number=row.get("doc_number"), title=row.get("title"),
        doc_type=row.get("doc_type"), issuer=row.get("issuer"), signed_date=row.get("signed_date"),
        counts=counts)


def build_issues(out: OutTables) -> tuple[IssueView, ...]:
    """Every input with an issue row or a document, sorted by source_file."""
    doc_counts = count_facts(out.rows, "doc_id")
    issue_counts = count_facts(out.rows, "source_file")
    documents: dict[str, list[DocumentSummary]] = {}
    for row in sorted(out["documents"], key=_document_order):
        documents.setdefault(row.get("source_file") or "", []).append(
            summarise(row, doc_counts.get(row["doc_id"], NO_FACTS)))
    issue_rows = {row["source_file"]: row for row in out["gazette_issues"]}
    manifest = {row["source_file"]: row for row in out["manifest"]}
    errors: dict[str, list[dict]] = {}
    for row in out["errors"]:
        errors.setdefault(row.get("source_file") or "", []).append(row)
    return tuple(
        _issue(source_file, issue_rows.get(source_file, {}), manifest.get(source_file, {}),
               issue_counts.get(source_file, NO_FACTS), tuple(documents.get(source_file, ())),
               tuple(errors.get(source_file, ())))
        for source_file in sorted(set(issue_rows) | set(documents)))


def _issue(source_file: str, row: Mapping, manifest: Mapping, counts: Mapping[str, int],
           documents: tuple[DocumentSummary, ...], errors: tuple[Mapping, ...]) -> IssueView:
    by_position = {doc.position: doc for doc in documents}
    toc = tuple(
        TocRow(number=number, title=entry.get("title"), doc_number=entry.get("doc_number"),
               page=entry.get("page"), category=entry.get("category"),
               is_document=bool(entry.get("is_document", True)), position=entry.get("position"),
               document=by_position.get(entry.get("position")))
        for number, entry in enumerate(row.get("toc") or (), start=1))
    named = {entry.position for entry in toc if entry.position is not None}
    return IssueView(
        source_file=source_file, href=issue_href(source_file), row=row, manifest=manifest, counts=counts,
        documents=documents, toc=toc, unlisted=tuple(doc for doc in documents if doc.position not in named),
        toc_missing=tuple(row.get("toc_missing") or ()), errors=errors)


def build_index(out: OutTables, issues: tuple[IssueView, ...], unplaced: tuple[UnplacedFact, ...]) -> IndexView:
    """The index; `unplaced` is gathered while the document pages are built (build_documents)."""
    errors = tuple(sorted(out["errors"], key=lambda row: (row.get("source_file") or "", row.get("stage") or "")))
    return IndexView(
        issues=issues, errors=errors, totals={name: len(rows) for name, rows in out.rows.items()},
        error_hrefs={issue.source_file: issue.href for issue in issues}, unplaced=unplaced)


def build_documents(out: OutTables, issues: tuple[IssueView, ...]) -> Iterator[DocumentView]:
    """One view per document, made as it is needed: a large archive's texts and pieces are
    never all held at once."""
    facts_of = rows_by_document(out.rows)
    sections_of: dict[str, list[dict]] = {}
    for section in out["sections"]:
        sections_of.setdefault(section.get("doc_id"), []).append(section)
    rows = {row["doc_id"]: row for row in out["documents"]}
    for issue in issues:
        for rank, summary in enumerate(issue.documents):
            row = rows[summary.doc_id]
            text = row.get("text") or ""
            facts = document_facts(text, facts_of.get(summary.doc_id, {}))
            outline = document_outline(text, sections_of.get(summary.doc_id, ()))
            yield DocumentView(
                summary=summary, issue=issue, fields=document_fields(row, issue, issue.documents), outline=outline,
                pieces=mark_spans(text, (fact.span for fact in facts if fact.span is not None),
                                  outline_anchors(outline)),
                facts=facts,
                previous=issue.documents[rank - 1] if rank else None,
                next=issue.documents[rank + 1] if rank + 1 < len(issue.documents) else None)


# Header fields every document page shows, even when null (a reviewer checks they were found).
ALWAYS_SHOWN = ("doc_number", "issuer", "doc_type", "category", "signed_date", "effective_date",
                "expiry_date", "validity")
# Shown only when set: most documents have none of these.
SHOWN_WHEN_SET = ("doc_number_raw", "recipients", "published_date", "is_draft", "interprets_doc_number",
                  "index_number", "unified_number", "script_original")


def document_fields(row: Mapping, issue: IssueView, siblings: tuple[DocumentSummary, ...]) -> tuple[Field, ...]:
    """The header of a document page, in reading order."""
    fields = [Field(name, cell(row.get(name), name)) for name in ALWAYS_SHOWN]
    for name in SHOWN_WHEN_SET:
        value = cell(row.get(name), name)
        if value and not (name == "doc_number_raw" and row.get(name) == row.get("doc_number")):
            fields.append(Field(name, value, _interpreted_href(row, siblings) if name == "interprets_doc_number"
                                else None))
    fields.append(Field("source_file", issue.source_file, issue.href))
    fields.append(Field("position", cell(row.get("position"))))
    fields.append(Field("pages", page_range(row.get("page_start"), row.get("page_end"))))
    return tuple(fields)


def _interpreted_href(row: Mapping, siblings: tuple[DocumentSummary, ...]) -> str | None:
    """The page of the document a 政策解读 explains, when the same input holds it."""
    for doc in siblings:
        if doc.doc_number and doc.doc_number == row.get("interprets_doc_number"):
            return doc.href
    return None
