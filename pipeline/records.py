"""The records that move between stages: small, typed and immutable.

read      -> RawIssue        (parsers/*: text with page spans, web-page metadata)
normalise -> RawIssue        (same shape, text repaired and simplified)
segment   -> Issue           (the issue's documents and their sections)
extract   -> fact rows       (TargetRow, SubsidyRow, ... each with its Provenance)
write     -> Parquet         (pipeline.schema declares one Arrow schema per table)

Stages never edit a record; they return new ones (`dataclasses.replace`).
Invariants are checked in `__post_init__` so a bad record fails where it is made,
not three stages later when a Parquet cast complains.
"""
from __future__ import annotations

import datetime as dt
from bisect import bisect_right
from dataclasses import dataclass, field, fields
from functools import lru_cache

FORMATS = ("pdf", "html", "txt", "docx", "doc", "ofd")
# How far the normaliser may trust a reader's line breaks:
#   paragraphs  every break ends a paragraph (web pages: one <p> per paragraph)
#   layout      the reader joined lines by geometry; a break is a paragraph end unless
#               the line ends mid-clause (a comma), as when the source itself was cut
#   unknown     plain text: breaks may be old page or column cuts
LINE_BREAKS = ("paragraphs", "layout", "unknown")
SCRIPTS = ("hans", "hant")


@dataclass(frozen=True, slots=True)
class PageSpan:
    """Characters [start, end) of a text came from PDF page `page` (1-based)."""

    page: int
    start: int
    end: int
    ocr: bool = False  # the page had no usable text layer: its text was read by OCR

    def __post_init__(self):
        if self.page < 1 or not 0 <= self.start <= self.end:
            raise ValueError(f"bad page span {self}")


def page_at(pages: tuple[PageSpan, ...], offset: int) -> int | None:
    """The page that holds character `offset`, or None for texts without pages."""
    if not pages:
        return None
    i = max(bisect_right(_page_starts(pages), offset) - 1, 0)
    return pages[i].page


@lru_cache(maxsize=8)
def _page_starts(pages: tuple[PageSpan, ...]) -> list[int]:
    # Facts look up a page each; an issue's page list is built once per issue, not per fact.
    return [p.start for p in pages]


@dataclass(frozen=True, slots=True)
class RawIssue:
    """One input file read into text.

    `text` is lines joined by "\\n"; `line_breaks` (see LINE_BREAKS) tells the normaliser
    which of them it may re-join.
    `metadata` holds (column, value) pairs a web page states about itself
    (文号, 成文日期 ...), already mapped to documents-table column names.
    """

    source_file: str
    source_sha256: str
    source_format: str
    text: str
    pages: tuple[PageSpan, ...] = ()
    metadata: tuple[tuple[str, str], ...] = ()
    title: str | None = None
    line_breaks: str = "unknown"
    encoding: str | None = None
    script_original: str | None = None  # set by normalise
    warnings: tuple[str, ...] = ()  # parts of the file that could not be read

    def __post_init__(self):
        if self.source_format not in FORMATS:
            raise ValueError(f"unknown source_format {self.source_format!r}")
        if self.line_breaks not in LINE_BREAKS:
            raise ValueError(f"unknown line_breaks {self.line_breaks!r}")
        if self.script_original not in (None, *SCRIPTS):
            raise ValueError(f"unknown script {self.script_original!r}")
        for span in self.pages:
            if span.end > len(self.text):
                raise ValueError(f"page span {span} runs past the text ({len(self.text)} chars)")

    def meta(self, column: str) -> str | None:
        for key, value in self.metadata:
            if key == column:
                return value
        return None


@dataclass(frozen=True, slots=True)
class Section:
    """A heading of a document's outline and the text it governs."""

    section_id: str
    parent_id: str | None
    level: int  # depth in the heading tree: 1 = a top heading (第一章, 一、, 附件1), its children 2 ...
    number: str
    heading: str
    path: str  # 二/(三)/7
    char_start: int
    char_end: int

    def __post_init__(self):
        if not 1 <= self.level <= 8:  # 附件 + 章 节 条 一、 (一) 1. (1)
            raise ValueError(f"section level {self.level} out of 1..8")
        if not 0 <= self.char_start <= self.char_end:
            raise ValueError(f"bad section span {self.char_start}..{self.char_end}")


@dataclass(frozen=True, slots=True)
class TextSpan:
    """Characters [start, end) of a document's text: where segmentation read a field, so
    extraction cites it without reading the text again."""

    start: int
    end: int

    def __post_init__(self):
        if not 0 <= self.start <= self.end:
            raise ValueError(f"bad text span {self.start}..{self.end}")


@dataclass(frozen=True, slots=True)
class Document:
    """One 公文 (or a web page, or a standalone text) with its metadata.

    `char_start`/`char_end` place `text` in the issue's normalised text; fact rows
    point into `text` itself, so `text[row.char_start:row.char_end]` is the evidence.
    """

    doc_id: str
    source_file: str
    source_sha256: str
    source_format: str
    position: int  # 0-based order in its issue
    char_start: int
    char_end: int
    text: str
    page_start: int | None = None
    page_end: int | None = None
    ocr_pages: tuple[int, ...] = ()  # pages of the document whose text was read by OCR
    title: str | None = None
    doc_number: str | None = None
    doc_number_raw: str | None = None
    issuer_code: str | None = None
    doc_year: int | None = None
    doc_seq: int | None = None
    issuer: str | None = None
    doc_type: str | None = None
    category: str | None = None
    recipients: str | None = None
    signed_date: dt.date | None = None
    published_date: dt.date | None = None
    effective_date: dt.date | None = None
    expiry_date: dt.date | None = None
    validity: str | None = None  # on validity_as_of; the writer recomputes it for the run date
    validity_stated: str | None = None  # the page's own 有效性, when it states one
    validity_as_of: dt.date | None = None
    is_draft: bool = False
    interprets_doc_number: str | None = None
    policy_id: str | None = None  # one per policy, whichever input it was read from (segment.policy)
    is_listing: bool = False  # lists other documents (发文目录): not a policy
    index_number: str | None = None
    unified_number: str | None = None
    script_original: str | None = None
    gazette_title: str | None = None
    gazette_year: int | None = None
    gazette_issue: str | None = None
    gazette_issue_total: str | None = None
    sections: tuple[Section, ...] = ()
    # Where the text states signed_date (the date line under the signature), effective_date
    # and expiry_date (their clauses); None where the field is not read from the text.
    signed_at: TextSpan | None = None
    effective_at: TextSpan | None = None
    expiry_at: TextSpan | None = None

    def __post_init__(self):
        if self.char_end - self.char_start != len(self.text):
            raise ValueError("document span and text length disagree")
        if self.doc_seq is not None and self.doc_seq < 0:
            raise ValueError("doc_seq must not be negative")


@dataclass(frozen=True, slots=True)
class TocListing:
    """One line of an issue's 目录 as printed, and the document it was found as."""

    title: str
    doc_number: str | None  # GB/T 9704 form
    page: int | None
    category: str | None  # the 【heading】 it is listed under
    is_document: bool  # a 公文, 政策解读 or 人事任免 (counted in toc_entries); False for listings
    position: int | None  # Document.position of the document found for it; None when not found


@dataclass(frozen=True, slots=True)
class Issue:
    """One input file, segmented: the gazette issue (or page) and its documents."""

    source_file: str
    source_sha256: str
    source_format: str
    text: str
    pages: tuple[PageSpan, ...]
    documents: tuple[Document, ...]
    gazette_title: str | None = None
    gazette_year: int | None = None
    gazette_issue: str | None = None
    gazette_issue_total: str | None = None
    published_date: dt.date | None = None
    toc_entries: int | None = None
    toc_missing: tuple[str, ...] = ()
    toc: tuple[TocListing, ...] = ()


# text: the evidence is documents.text[char_start:char_end]; ocr text: the same, on a page
# whose text was read by OCR (check the scan before quoting it); page metadata: see Provenance
EVIDENCE_ORIGINS = ("text", "ocr text", "page metadata")
IN_TEXT_ORIGINS = ("text", "ocr text")


@dataclass(frozen=True, slots=True)
class Provenance:
    """Where a fact was read: `text[char_start:char_end]` of its document is `evidence`.

    A fact a web page states only in its metadata block (its 发布日期) has no place in the
    document's text: its span is None, `evidence_origin` is "page metadata" and `evidence` quotes
    the field (`发布日期:2025-05-15`).
    """

    doc_id: str
    source_file: str
    page: int | None
    char_start: int | None
    char_end: int | None
    evidence: str
    evidence_origin: str = "text"

    def __post_init__(self):
        if self.evidence_origin not in EVIDENCE_ORIGINS:
            raise ValueError(f"unknown evidence origin {self.evidence_origin!r}")
        if not self.evidence:
            raise ValueError("a fact needs its evidence")
        if self.evidence_origin not in IN_TEXT_ORIGINS:
            if self.char_start is not None or self.char_end is not None:
                raise ValueError("evidence outside the text has no span")
            return
        if self.char_start is None or self.char_end is None or not 0 <= self.char_start <= self.char_end:
            raise ValueError(f"bad evidence span {self.char_start}..{self.char_end}")
        if self.char_end - self.char_start != len(self.evidence):
            raise ValueError("evidence span and evidence length disagree")


# --- fact rows: what extract gives, one class per fact table (pipeline.write.FACT_TABLES) ---


@dataclass(frozen=True, slots=True)
class TargetRow:
    """A quantified goal: `到2027年,培育链主企业10家` -> 2027, 链主企业, 10, 家."""

    provenance: Provenance
    section_path: str | None
    target_year: int | None
    indicator: str | None
    value: float
    unit: str
    value_normalized: float
    unit_normalized: str
    comparator: str  # >=, <=, =
    currency: str | None = None  # money targets only

    def __post_init__(self):
        if self.comparator not in (">=", "<=", "="):
            raise ValueError(f"unknown comparator {self.comparator!r}")


@dataclass(frozen=True, slots=True)
class SubsidyRow:
    """One amount a policy gives: a fixed amount, a share of a base, a cap, or a share with its cap."""

    provenance: Provenance
    section_path: str | None
    measure: str | None
    beneficiary_condition: str | None
    kind: str | None
    amount_yuan: float | None
    rate: float | None
    rate_base: str | None
    cap_yuan: float | None
    tier: str | None
    currency: str = "CNY"
    responsible_units: tuple[str, ...] = ()

    def __post_init__(self):
        if self.amount_yuan is None and self.rate is None and self.cap_yuan is None:
            raise ValueError("a subsidy row needs an amount, a rate or a cap")


@dataclass(frozen=True, slots=True)
class ResponsibleUnitRow:
    """One unit of a `(责任单位:...)` parenthesis, or one a `均为责任单位,不再列出` clause adds."""

    provenance: Provenance
    section_path: str | None
    task: str | None
    unit_raw: str
    unit: str
    position: int  # 1-based
    is_lead: bool
    is_implicit: bool


DATE_KINDS = ("signed", "published", "effective", "expiry", "deadline", "period_start", "period_end", "event")


@dataclass(frozen=True, slots=True)
class DateRow:
    """A dated fact: signed, published, effective, expiry, deadline, period_start/end, event."""

    provenance: Provenance
    section_path: str | None
    kind: str
    date: dt.date
    precision: str  # day / month / year
    raw: str

    def __post_init__(self):
        if self.kind not in DATE_KINDS:
            raise ValueError(f"unknown date kind {self.kind!r}")
        if self.precision not in ("day", "month", "year"):
            raise ValueError(f"unknown precision {self.precision!r}")



@dataclass(frozen=True, slots=True)
class AppointmentRow:
    """One person appointed (任命) or removed (免去) by a 人事任免."""

    provenance: Provenance
    section_path: str | None
    action: str  # 任命 / 免去
    person: str
    position: str | None
    organization: str | None
    note: str | None
    period: str | None

    def __post_init__(self):
        if self.action not in ("任命", "免去"):
            raise ValueError(f"unknown action {self.action!r}")


@dataclass(frozen=True, slots=True)
class ErrorRow:
    """An input the run could not read, or read only in part."""

    source_file: str
    stage: str  # read / normalise / segment / extract / write
    error_type: str  # empty_file, not_a_pdf, corrupt_pdf, partly_read … (the list: schema.ERRORS error_type)
    message: str


@dataclass(frozen=True, slots=True)
class FileResult:
    """Everything one input produced: its issue (None when unreadable) and its errors."""

    source_file: str
    issue: Issue | None
    facts: tuple = field(default=())  # TargetRow, SubsidyRow, ... from extract
    errors: tuple[ErrorRow, ...] = ()
    sha256: str | None = None  # of the bytes read; None when the file could not be opened
    seconds: float | None = None  # time spent on the file
    peak_rss_mb: float | None = None  # the worker process's peak memory after the file

    @property
    def ocr_pages(self) -> int:
        """Pages of the input whose text was read by OCR."""
        return sum(page.ocr for page in self.issue.pages) if self.issue is not None else 0


@dataclass(frozen=True, slots=True)
class FileOutput:
    """What the writer needs of one input, made where the input was read: its rows as Arrow
    tables (one per table it has rows in, each checked against its schema), and how reading
    went. It crosses from a worker to the writer as Arrow buffers rather than thousands of
    records, so the writer (one process for the whole run) only appends and counts."""

    source_file: str
    read: bool  # an issue came out of it (ok, or partly read)
    documents: int
    ocr_pages: int  # pages of the input whose text was read by OCR
    errors: tuple[ErrorRow, ...]
    tables: dict  # table name -> pyarrow.Table
    sha256: str | None = None
    seconds: float | None = None
    peak_rss_mb: float | None = None


def _pickled_as_field_values(cls: type) -> None:
    """Pickle `cls` as (class, field values). Every FileResult crosses from a worker to
    the writer; the default pickling of a slotted dataclass goes through copyreg for
    each of its thousands of records and cost ~0.6 ms per PDF page, this ~0.08 ms.
    Unpickling calls the constructor, so the invariants are checked again."""
    names = tuple(f.name for f in fields(cls))

    def __reduce__(self):
        return cls, tuple([getattr(self, name) for name in names])

    cls.__reduce__ = __reduce__


for _record in (PageSpan, RawIssue, Section, TextSpan, Document, Issue, Provenance, TargetRow, SubsidyRow,
                ResponsibleUnitRow, DateRow, AppointmentRow, ErrorRow, FileResult):
    _pickled_as_field_values(_record)
