"""The facts of one document as the review page shows them: id, key columns, span.

A fact's id is its table's letter and its order among that table's rows of the
document (`s12`: the document's 13th subsidy row). It names the same fact for as long
as the document's rows do not change, and it is short enough to list a dozen of them
on every piece of text a sentence is cut into.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from pipeline.records import IN_TEXT_ORIGINS
from pipeline.report.spans import Span
from pipeline.validate import span_problem

TEXT_ORIGIN = "text"  # evidence_origin of a fact whose evidence is in documents.text


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
    """One row of a fact table, placed in its document's text (span) or not (problem says why)."""

    fact_id: str
    table: FactTable
    values: tuple[tuple[str, object], ...]  # the table's key columns, in order
    section_path: str | None
    evidence: str
    evidence_origin: str
    page: int | None
    span: Span | None
    problem: str | None  # why a fact whose evidence is in the text has no span


def document_facts(text: str, rows_by_table: Mapping[str, Iterable[dict]]) -> tuple[Fact, ...]:
    """The facts of one document (its rows of each fact table), tables in FACT_TABLES order."""
    facts = []
    for table in FACT_TABLES:
        for rank, row in enumerate(rows_by_table.get(table.name, ())):
            fact_id = f"{table.letter}{rank}"
            span, problem = _span(text, fact_id, row)
            facts.append(Fact(
                fact_id=fact_id, table=table, values=tuple((c, row.get(c)) for c in table.columns),
                section_path=row.get("section_path"), evidence=row.get("evidence") or "",
                evidence_origin=row.get("evidence_origin") or TEXT_ORIGIN, page=row.get("page"),
                span=span, problem=problem))
    return tuple(facts)


def _span(text: str, fact_id: str, row: dict) -> tuple[Span | None, str | None]:
    """The fact's span in `text`, or None and the reason it cannot be highlighted.

    A span is trusted only when the text there is the evidence, as the data contract
    promises: highlighting other words than the row quotes would mislead the reviewer.
    """
    if (row.get("evidence_origin") or TEXT_ORIGIN) not in IN_TEXT_ORIGINS:
        return None, None
    problem = span_problem(text, row)
    if problem:
        return None, problem
    return Span(fact_id, row["char_start"], row["char_end"]), None


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
