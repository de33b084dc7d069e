"""`gazette validate`: is an output folder what the data contract promises?

An analyst who gets OUT from somewhere else (a colleague, a backup, last year's cron)
can check it before trusting it:

- every table is there, readable, of this schema version, with exactly the declared
  columns, types and nullability, and no nulls in a required column;
- the values that are drawn from a closed list are in it (dates.kind, evidence_origin ...);
- every fact row points at a document that exists, and its evidence is exactly
  `documents.text[char_start:char_end]` (or has no span, for page metadata);
- sections lie inside their document, ids are unique, and the manifest's row counts per
  input are the rows the tables hold for it.

`validate` only reads; it returns the problems found, each naming the table, the column
and an example row, and never stops at the first.
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from pipeline.records import DATE_KINDS, EVIDENCE_ORIGINS, FORMATS, IN_TEXT_ORIGINS
from pipeline.rules import VALIDITY_VALUES
from pipeline.schema import OUTPUT_TABLES, SCHEMA_VERSION
from pipeline.write import FACT_TABLES

# Columns whose values come from a closed list (the schema's descriptions say which).
ALLOWED_VALUES: dict[tuple[str, str], tuple] = {
    **{(table, "evidence_origin"): EVIDENCE_ORIGINS for table in FACT_TABLES.values()},
    ("documents", "source_format"): FORMATS,
    ("gazette_issues", "source_format"): FORMATS,
    ("documents", "script_original"): ("hans", "hant"),
    ("documents", "validity"): VALIDITY_VALUES,
    ("dates", "kind"): DATE_KINDS,
    ("dates", "precision"): ("day", "month", "year"),
    ("targets", "comparator"): (">=", "<=", "="),
    ("appointments", "action"): ("任命", "免去"),
    ("errors", "stage"): ("read", "normalise", "segment", "extract", "write"),
    ("manifest", "status"): ("ok", "partly_read", "error", "time_limit", "unsupported", "cannot_open",
                             "not_followed", "worker_died", "worker_died_again"),
}
UNIQUE_KEYS = {"documents": ("doc_id",), "sections": ("section_id",), "gazette_issues": ("source_file",),
               "manifest": ("source_file",)}
EXAMPLES_PER_PROBLEM = 3  # rows quoted per problem; the count says how many there are


@dataclass(frozen=True, slots=True)
class Problem:
    table: str
    column: str | None
    message: str
    rows: int = 1  # how many rows have it (0: the table as a whole)

    def line(self) -> str:
        where = f"{self.table}.{self.column}" if self.column else self.table
        count = f" ({self.rows} rows)" if self.rows > 1 else ""
        return f"{where}: {self.message}{count}"


@dataclass(frozen=True, slots=True)
class Report:
    tables: dict[str, int]  # table -> rows, for the tables that could be read
    problems: tuple[Problem, ...]

    @property
    def ok(self) -> bool:
        return not self.problems


def validate(out_dir: Path) -> Report:
    tables: dict[str, pa.Table] = {}
    problems: list[Problem] = []
    for name, schema in OUTPUT_TABLES.items():
        table, found = _read(out_dir / f"{name}.parquet", name, schema)
        problems += found
        if table is not None:
            tables[name] = table
    for name, table in tables.items():
        problems += _values(name, table)
    texts = _texts(tables)
    problems += _evidence(tables, texts)
    problems += _sections(tables, texts)
    problems += _manifest_counts(tables)
    return Report({name: table.num_rows for name, table in tables.items()}, tuple(problems))


def _read(path: Path, name: str, schema: pa.Schema) -> tuple[pa.Table | None, list[Problem]]:
    if not path.is_file():
        return None, [Problem(name, None, f"missing: no {path.name} in the folder", 0)]
    try:
        table = pq.read_table(path)
    except Exception as exc:  # any reason the file will not read is the user's answer
        return None, [Problem(name, None, f"not a readable Parquet file: {exc}", 0)]
    problems = []
    version = (table.schema.metadata or {}).get(b"schema_version", b"").decode()
    if version != SCHEMA_VERSION:
        problems.append(Problem(name, None, f"schema version {version or '?'}, this gazette writes "
                                            f"{SCHEMA_VERSION} (rerun `gazette extract` to upgrade)", 0))
    for field in schema:
        if field.name not in table.column_names:
            problems.append(Problem(name, field.name, "declared column missing", 0))
            continue
        actual = table.schema.field(field.name)
        if actual.type != field.type:
            problems.append(Problem(name, field.name, f"type {actual.type}, declared {field.type}", 0))
        nulls = table[field.name].null_count
        if not field.nullable and nulls:
            problems.append(Problem(name, field.name, "null in a required column", nulls))
    for extra in sorted(set(table.column_names) - set(schema.names)):
        problems.append(Problem(name, extra, "column not in the declared schema", 0))
    return table, problems


def _values(name: str, table: pa.Table) -> Iterator[Problem]:
    for (table_name, column), allowed in ALLOWED_VALUES.items():
        if table_name == name and column in table.column_names:
            bad = Counter(v for v in table[column].to_pylist() if v is not None and v not in allowed)
            for value, count in sorted(bad.items()):
                yield Problem(name, column, f"{value!r} is not one of {', '.join(map(str, allowed))}", count)
    key = UNIQUE_KEYS.get(name)
    if key and all(column in table.column_names for column in key):
        seen = Counter(zip(*(table[column].to_pylist() for column in key), strict=True))
        repeated = [k for k, count in seen.items() if count > 1]
        if repeated:
            examples = ", ".join("/".join(map(str, k)) for k in repeated[:EXAMPLES_PER_PROBLEM])
            yield Problem(name, ",".join(key), f"not unique, e.g. {examples}", len(repeated))


def _texts(tables: dict[str, pa.Table]) -> dict[str, str]:
    documents = tables.get("documents")
    if documents is None or not {"doc_id", "text"} <= set(documents.column_names):
        return {}
    return dict(zip(documents["doc_id"].to_pylist(), documents["text"].to_pylist(), strict=True))


def _evidence(tables: dict[str, pa.Table], texts: dict[str, str]) -> Iterator[Problem]:
    """Each fact's evidence is its document's text at its span: what the review page and
    any analyst quoting a sentence rely on."""
    if not texts and "documents" not in tables:
        return
    columns = ("doc_id", "char_start", "char_end", "evidence", "evidence_origin")
    for name in FACT_TABLES.values():
        table = tables.get(name)
        if table is None or not set(columns) <= set(table.column_names):
            continue
        failures: dict[str, list[int]] = {}
        for index, row in enumerate(table.select(columns).to_pylist()):
            failure = _evidence_failure(row, texts)
            if failure:
                failures.setdefault(failure, []).append(index)
        for failure, rows in failures.items():
            quoted = ", ".join(map(str, rows[:EXAMPLES_PER_PROBLEM]))
            yield Problem(name, "evidence", f"{failure} (row {quoted}{' ...' if len(rows) > 3 else ''})", len(rows))


def _evidence_failure(row: dict, texts: dict[str, str]) -> str | None:
    text = texts.get(row["doc_id"])
    return "doc_id not in documents" if text is None else span_problem(text, row)


# What span_problem finds wrong with a fact's span, one sentence each (the review site
# names the same reasons: report.facts.Unplaced).
SPAN_ON_METADATA = "a span on evidence that is not from the text"
EMPTY_EVIDENCE = "empty evidence"
NO_SPAN = "no span on evidence from the text"
SPAN_OUTSIDE_TEXT = "span outside the document's text"
SPAN_NOT_EVIDENCE = "evidence is not documents.text[char_start:char_end]"


def span_problem(text: str, row: Mapping) -> str | None:
    """Why a fact row's span does not hold its evidence in its document's `text`, or None.

    The contract's rule (records.Provenance): evidence from the text is non-empty and is
    exactly text[char_start:char_end]; evidence from elsewhere (page metadata) has no span.
    The review page highlights only facts this passes.
    """
    start, end = row.get("char_start"), row.get("char_end")
    if (row.get("evidence_origin") or "text") not in IN_TEXT_ORIGINS:  # null is reported as a required column
        return None if start is None and end is None else SPAN_ON_METADATA
    if not row.get("evidence"):
        return EMPTY_EVIDENCE
    if start is None or end is None:
        return NO_SPAN
    if not 0 <= start <= end <= len(text):
        return SPAN_OUTSIDE_TEXT
    if text[start:end] != row["evidence"]:
        return SPAN_NOT_EVIDENCE
    return None


def _sections(tables: dict[str, pa.Table], texts: dict[str, str]) -> Iterator[Problem]:
    sections = tables.get("sections")
    if sections is None or not texts or not {"doc_id", "char_start", "char_end"} <= set(sections.column_names):
        return
    outside = [row for row in sections.select(["doc_id", "char_start", "char_end"]).to_pylist()
               if row["doc_id"] not in texts or not 0 <= row["char_start"] <= row["char_end"] <= len(texts[row["doc_id"]])]
    if outside:
        yield Problem("sections", "char_start", "section not inside its document's text", len(outside))


def _manifest_counts(tables: dict[str, pa.Table]) -> Iterator[Problem]:
    """The manifest says how many rows each input gave each table; the tables must hold
    exactly those (a run that lost or doubled an input's rows shows here)."""
    manifest = tables.get("manifest")
    if manifest is None:
        return
    for name, table in tables.items():
        column = f"rows_{name}"
        if column not in manifest.column_names or "source_file" not in table.column_names:
            continue
        held = Counter(table["source_file"].to_pylist())
        promised = dict(zip(manifest["source_file"].to_pylist(), manifest[column].to_pylist(), strict=True))
        wrong = sorted(f for f in set(held) | set(promised) if held.get(f, 0) != (promised.get(f) or 0))
        if wrong:
            examples = "; ".join(f"{f}: manifest {promised.get(f) or 0}, table {held.get(f, 0)}"
                                 for f in wrong[:EXAMPLES_PER_PROBLEM])
            yield Problem(name, "source_file", f"rows per input differ from the manifest: {examples}", len(wrong))
