"""Stage 5, write: records -> one Parquet file per table, atomically, without losing rows.

- Rows are built from records and cast to the declared schema (pipeline.schema); a field
  the schema does not know, or a value that will not cast, is a SchemaViolation naming
  the table and the column. Nothing is inferred.
- A run replaces the rows of the inputs it processed and keeps every other row: an
  earlier run's output for other files is never lost.
- Each table is written to a temporary file in the same folder and renamed over the old
  one, so a reader sees the old table or the new one, never half of one.
"""
from __future__ import annotations

import dataclasses
import os
import tempfile
from collections.abc import Iterable
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from pipeline.records import Document, ErrorRow, Issue, Provenance
from pipeline.schema import SCHEMA_VERSION, SCHEMAS

FACT_TABLES = {  # record class name -> table
    "TargetRow": "targets", "SubsidyRow": "subsidies", "ResponsibleUnitRow": "responsible_units",
    "DateRow": "dates", "AppointmentRow": "appointments",
}
# Document fields that place it in the issue text, not columns of the documents table.
_DOCUMENT_INTERNAL = {"char_start", "char_end", "sections"}


class SchemaViolation(ValueError):
    """A row that does not fit its table's declared schema."""


class OutputError(RuntimeError):
    """The output folder cannot be written, or holds tables this version cannot extend."""


def issue_rows(issue: Issue) -> dict[str, list[dict]]:
    """One input's records as plain rows, per table."""
    rows: dict[str, list[dict]] = {name: [] for name in SCHEMAS}
    for doc in issue.documents:
        rows["documents"].append(document_row(doc))
        for section in doc.sections:
            rows["sections"].append({**dataclasses.asdict(section), "doc_id": doc.doc_id,
                                     "source_file": doc.source_file})
    rows["gazette_issues"].append({
        "source_file": issue.source_file, "source_sha256": issue.source_sha256,
        "source_format": issue.source_format,
        "pages": len(issue.pages) if issue.pages else None,
        "gazette_title": issue.gazette_title, "gazette_year": issue.gazette_year,
        "gazette_issue": issue.gazette_issue, "gazette_issue_total": issue.gazette_issue_total,
        "published_date": issue.published_date, "toc_entries": issue.toc_entries,
        "documents_found": len(issue.documents), "toc_missing": list(issue.toc_missing),
    })
    return rows


def document_row(doc: Document) -> dict:
    return {f.name: getattr(doc, f.name) for f in dataclasses.fields(doc) if f.name not in _DOCUMENT_INTERNAL}


def fact_row(record) -> tuple[str, dict]:
    """(table, row) for a fact record; its Provenance is flattened into the row."""
    table = FACT_TABLES[type(record).__name__]
    row = {}
    for f in dataclasses.fields(record):
        value = getattr(record, f.name)
        if isinstance(value, Provenance):
            row.update(dataclasses.asdict(value))
        else:
            row[f.name] = list(value) if isinstance(value, tuple) else value
    return table, row


def error_row(error: ErrorRow) -> dict:
    return dataclasses.asdict(error)


def to_arrow(table: str, rows: Iterable[dict]) -> pa.Table:
    """Rows cast to the table's declared schema (freeze: unknown columns are errors)."""
    schema = SCHEMAS[table]
    rows = list(rows)
    names = set(schema.names)
    for row in rows:
        unknown = set(row) - names
        if unknown:
            raise SchemaViolation(f"table {table!r} has no column {sorted(unknown)[0]!r}")
    columns = {}
    for field in schema:
        values = [row.get(field.name) for row in rows]
        try:
            columns[field.name] = pa.array(values, type=field.type)
        except (pa.ArrowInvalid, pa.ArrowTypeError, TypeError, ValueError) as exc:
            raise SchemaViolation(f"table {table!r} column {field.name!r}: {exc}") from exc
        if not field.nullable and columns[field.name].null_count:
            raise SchemaViolation(f"table {table!r} column {field.name!r} must not be null")
    return pa.table(columns, schema=schema)


def read_existing(path: Path, table: str) -> pa.Table | None:
    """The table an earlier run wrote, or None. Refuses files of another schema version."""
    if not path.exists():
        return None
    try:
        existing = pq.read_table(path)
    except Exception as exc:
        raise OutputError(f"{path} is not a readable Parquet file ({exc}); move it away or rerun into "
                          "an empty folder") from exc
    version = (existing.schema.metadata or {}).get(b"schema_version", b"").decode()
    if version != SCHEMA_VERSION:
        upgraded = upgrade(existing, table)
        if upgraded is None:
            raise OutputError(f"{path} was written with schema version {version or '?'}, this is version "
                              f"{SCHEMA_VERSION}, and its columns cannot be carried over; write into a new folder")
        return upgraded
    return existing.select(SCHEMAS[table].names).cast(SCHEMAS[table])


def upgrade(existing: pa.Table, table: str) -> pa.Table | None:
    """An earlier version's table in this version's schema, when every change since is an
    added nullable column (filled with nulls), or the table is empty; None when a column
    was dropped or retyped, or a required column added to rows that lack it."""
    schema = SCHEMAS[table]
    columns = {}
    for field in schema:
        if field.name in existing.column_names:
            old = existing.schema.field(field.name)
            if old.type != field.type:
                return None
            columns[field.name] = existing[field.name]
        elif field.nullable or existing.num_rows == 0:
            columns[field.name] = pa.nulls(existing.num_rows, field.type)
        else:
            return None
    if set(existing.column_names) - set(schema.names):
        return None
    try:
        return pa.table(columns).cast(schema)
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        return None


def merge(existing: pa.Table | None, new: pa.Table, replaced_sources: set[str]) -> pa.Table:
    """Earlier rows, less those of the inputs this run processed, plus this run's rows."""
    if existing is None:
        return new
    if replaced_sources:
        keep = pc.invert(pc.is_in(existing["source_file"], value_set=pa.array(sorted(replaced_sources))))
        existing = existing.filter(keep)
    return pa.concat_tables([existing, new])


def write_atomic(table: pa.Table, path: Path) -> None:
    """Write to a temporary file beside `path`, fsync, then rename over it."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    try:
        pq.write_table(table, tmp, compression="zstd")
        with open(tmp, "rb") as handle:
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_tables(out_dir: Path, rows: dict[str, list[dict]], replaced_sources: set[str]) -> dict[str, int]:
    """Write every declared table under `out_dir`; returns the rows written per table.

    All new tables are built (and validated) before any file is touched, so a schema
    violation leaves the previous output as it was.
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    merged = {}
    for table in SCHEMAS:
        new = to_arrow(table, rows.get(table, []))
        merged[table] = merge(read_existing(out_dir / f"{table}.parquet", table), new, replaced_sources)
    for table, data in merged.items():
        write_atomic(data, out_dir / f"{table}.parquet")
    return {table: len(rows.get(table, [])) for table in SCHEMAS}
