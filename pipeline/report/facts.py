"""The facts of one document as the review page shows them: id, key columns, span.

A fact's id is its table's letter and its order among that table's rows of the
document (`s12`: the document's 13th subsidy row). It names the same fact for as long
as the document's rows do not change, and it is short enough to list a dozen of them
on every piece of text a sentence is cut into.

A fact is placed (highlighted at its span) only when its span holds its evidence; every
other fact is still listed, with the reason it is not placed (Unplaced).
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import Enum

from pipeline import validate
from pipeline.records import IN_TEXT_ORIGINS
from pipeline.report.spans import Span

TEXT_ORIGIN = "text"  # evidence_origin of a fact whose evidence is in documents.text


class Unplaced(Enum):
    """Why a fact is listed but not highlighted in its document's text: the only reasons
    the site gives, worded here only. The checks are the data contract's, made by
    validate.span_problem; each of its problems has its reason here (_REASON_OF_PROBLEM).

    Page metadata is by design (a web page's 发布日期 is stated beside the text, not in it);
    every other reason is a defect of the row.
    """

    PAGE_METADATA = ("page-metadata", "page metadata",
                     "stated by the page's metadata, not by the text: it has no place in the text", True)
    EMPTY_EVIDENCE = ("empty-evidence", "empty evidence", "its evidence is empty: there is nothing to find", False)
    NO_SPAN = ("no-span", "no span", "its evidence is from the text, but char_start or char_end is null", False)
    OUTSIDE_TEXT = ("outside-text", "span outside the text",
                    "char_start..char_end is not inside the document's text", False)
    NOT_EVIDENCE = ("not-evidence", "span does not match",
                    "the text at char_start..char_end is not its evidence", False)

    def __init__(self, slug: str, label: str, explanation: str, by_design: bool):
        self.slug = slug  # for data attributes and CSS
        self.label = label  # a badge: "not in text: page metadata"
        self.explanation = explanation  # a sentence, for the index's list
        self.by_design = by_design


@dataclass(frozen=True, slots=True)
class FactTable:
    """A fact table as the report shows it: its id letter, gloss and key columns."""

    name: str
    letter: str
    gloss: str  # the table's name in Chinese, for the legend
    columns: tuple[str, ...]


FACT_TABLES: tuple[FactTable, ...] = (
    FactTable("targets", "t", "目标", ("target_year", "indicator", "value", "unit", "comparator")),
    FactTable("subsidies", "s", "补助", ("kind", "amount_yuan", "rate", "rate_base", "cap_yuan", "tier", "measure")),
    FactTable("responsible_units", "r", "责任单位", ("unit", "is_lead", "position", "task")),
    FactTable("dates", "d", "日期", ("kind", "date", "raw")),
    FactTable("appointments", "a", "任免", ("action", "person", "position")),
)


@dataclass(frozen=True, slots=True)
class Fact:
    """One row of a fact table, placed in its document's text (span) or not (unplaced says why)."""

    fact_id: str
    table: FactTable
    values: tuple[tuple[str, object], ...]  # the table's key columns, in order
    section_path: str | None
    evidence: str
    evidence_origin: str
    page: int | None
    span: Span | None
    unplaced: Unplaced | None  # None exactly when span is set


def document_facts(text: str, rows_by_table: Mapping[str, Iterable[dict]]) -> tuple[Fact, ...]:
    """The facts of one document (its rows of each fact table), tables in FACT_TABLES order."""
    facts = []
    for table in FACT_TABLES:
        for rank, row in enumerate(rows_by_table.get(table.name, ())):
            fact_id = f"{table.letter}{rank}"
            span, unplaced = place(text, fact_id, row)
            facts.append(Fact(
                fact_id=fact_id, table=table, values=tuple((c, row.get(c)) for c in table.columns),
                section_path=row.get("section_path"), evidence=row.get("evidence") or "",
                evidence_origin=row.get("evidence_origin") or TEXT_ORIGIN, page=row.get("page"),
                span=span, unplaced=unplaced))
    return tuple(facts)


def place(text: str, fact_id: str, row: Mapping) -> tuple[Span, None] | tuple[None, Unplaced]:
    """The fact's span in `text`, or None and the reason it cannot be highlighted.

    A span is trusted only when the text there is the evidence, as the data contract
    promises: highlighting other words than the row quotes would mislead the reviewer.
    """
    if (row.get("evidence_origin") or TEXT_ORIGIN) not in IN_TEXT_ORIGINS:
        return None, Unplaced.PAGE_METADATA  # the only origin outside the text (records.EVIDENCE_ORIGINS)
    problem = validate.span_problem(text, row)
    if problem is not None:
        return None, _REASON_OF_PROBLEM[problem]
    return Span(fact_id, row["char_start"], row["char_end"]), None


_REASON_OF_PROBLEM = {
    validate.SPAN_ON_METADATA: Unplaced.PAGE_METADATA,
    validate.EMPTY_EVIDENCE: Unplaced.EMPTY_EVIDENCE,
    validate.NO_SPAN: Unplaced.NO_SPAN,
    validate.SPAN_OUTSIDE_TEXT: Unplaced.OUTSIDE_TEXT,
    validate.SPAN_NOT_EVIDENCE: Unplaced.NOT_EVIDENCE,
}


def rows_by_document(tables: Mapping[str, Iterable[dict]]) -> dict[str, dict[str, list[dict]]]:
    """doc_id -> fact table -> its rows, in file order."""
    grouped: dict[str, dict[str, list[dict]]] = {}
    for table in FACT_TABLES:
        for row in tables.get(table.name, ()):
            grouped.setdefault(row.get("doc_id"), {}).setdefault(table.name, []).append(row)
    return grouped


def count_facts(tables: Mapping[str, Iterable[dict]], key: str) -> dict[object, dict[str, int]]:
    """row[key] (doc_id, source_file) -> fact table -> rows."""
    counts: dict[object, dict[str, int]] = {}
    for table in FACT_TABLES:
        for row in tables.get(table.name, ()):
            per_table = counts.setdefault(row.get(key), dict.fromkeys((t.name for t in FACT_TABLES), 0))
            per_table[table.name] += 1
    return counts


_TABLE_OF_LETTER = {table.letter: table.name for table in FACT_TABLES}


def tables_of(fact_ids: Iterable[str]) -> tuple[str, ...]:
    """The fact tables a list of fact ids belongs to, in FACT_TABLES order, each once."""
    present = {_TABLE_OF_LETTER[fact_id[0]] for fact_id in fact_ids}
    return tuple(table.name for table in FACT_TABLES if table.name in present)
