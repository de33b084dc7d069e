"""Stage 5, write: records -> one Parquet file per table, atomically, without losing rows.

- Rows are built from records and cast to the declared schema (pipeline.schema); a field
  the schema does not know, or a value that will not cast, is a SchemaViolation naming
  the table and the column. Nothing is inferred.
- A run replaces the rows of the inputs it read (or found removed) and keeps every other
  row: an earlier run's output for other files is never lost.
- Rows stream in as files finish (OutputWriter) and wait in staging files, so memory does
  not grow with the number of inputs.
- Each table is written to a temporary file in the same folder and renamed over the old
  one, so a reader sees the old table or the new one, never half of one. The manifest
  is renamed last. The files get the mode the umask gives (0644 with the usual 022), as
  any file the user creates, so the readers of a shared OUT keep reading it.
- documents.validity depends on the calendar, not only on the inputs: every run recomputes
  it for every row, kept or new, as of the run date (validity_as_of), and a run that reads
  nothing rewrites documents.parquet (atomically) once a day for it (refresh_validity).
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import os
import shutil
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from pipeline.manifest import MANIFEST_FILE, without_surrogates
from pipeline.records import Document, ErrorRow, FileOutput, FileResult, Issue, Provenance
from pipeline.rules import VALIDITY_VALUES
from pipeline.schema import SCHEMA_VERSION, SCHEMAS

_BATCH_ROWS = 8192  # rows of one table kept in memory before they go to the staging file ...
_BATCH_BYTES = 16 << 20  # ... or this many bytes of them (a document row holds its whole text)
_ROW_GROUP_ROWS = 65536  # a row group of the final tables: this many rows ...
_ROW_GROUP_BYTES = 64 << 20  # ... or this many bytes (documents carry their whole text)

FACT_TABLES = {  # record class name -> table
    "TargetRow": "targets", "SubsidyRow": "subsidies", "ResponsibleUnitRow": "responsible_units",
    "DateRow": "dates", "AppointmentRow": "appointments",
}
# Document fields that place it in the issue text, not columns of the documents table.
_DOCUMENT_INTERNAL = {"char_start", "char_end", "sections", "signed_at", "effective_at", "expiry_at"}


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
            rows["sections"].append({**_values(section), "doc_id": doc.doc_id, "source_file": doc.source_file})
    rows["gazette_issues"].append({
        "source_file": issue.source_file, "source_sha256": issue.source_sha256,
        "source_format": issue.source_format,
        "pages": len(issue.pages) if issue.pages else None,
        "gazette_title": issue.gazette_title, "gazette_year": issue.gazette_year,
        "gazette_issue": issue.gazette_issue, "gazette_issue_total": issue.gazette_issue_total,
        "published_date": issue.published_date, "toc_entries": issue.toc_entries,
        "documents_found": len(issue.documents), "toc_missing": list(issue.toc_missing),
        "toc": [_values(listing) for listing in issue.toc],
    })
    return rows


def document_row(doc: Document) -> dict:
    row = {f.name: getattr(doc, f.name) for f in dataclasses.fields(doc) if f.name not in _DOCUMENT_INTERNAL}
    row["ocr_pages"] = list(doc.ocr_pages)
    return row


def fact_row(record) -> tuple[str, dict]:
    """(table, row) for a fact record; its Provenance is flattened into the row."""
    table = FACT_TABLES[type(record).__name__]
    row = {}
    for name in _field_names(type(record)):
        value = getattr(record, name)
        if isinstance(value, Provenance):
            row.update(_values(value))
        else:
            row[name] = list(value) if isinstance(value, tuple) else value
    return table, row


@functools.cache
def _field_names(cls: type) -> tuple[str, ...]:
    return tuple(f.name for f in dataclasses.fields(cls))


def _values(record) -> dict:
    """A record of flat values as a row (dataclasses.asdict copies every value recursively:
    a third of the time a worker spent turning records into rows)."""
    return {name: getattr(record, name) for name in _field_names(type(record))}


def error_row(error: ErrorRow) -> dict:
    # a message may quote a path whose bytes are not UTF-8 (an OSError's): escaped, or the
    # errors table could not hold the row that says what went wrong
    return {**_values(error), "message": without_surrogates(error.message)}


def result_rows(result: FileResult) -> dict[str, list[dict]]:
    """Everything one input produced, as plain rows per table."""
    rows = issue_rows(result.issue) if result.issue is not None else {}
    # a fact quoted from a page read by OCR says so: its evidence is what OCR made of a scan
    ocr_pages = {page.page for page in result.issue.pages if page.ocr} if result.issue is not None else ()
    for fact in result.facts:
        table, row = fact_row(fact)
        if ocr_pages and row["page"] in ocr_pages and row["evidence_origin"] == "text":
            row["evidence_origin"] = "ocr text"
        rows.setdefault(table, []).append(row)
    rows["errors"] = [error_row(error) for error in result.errors]
    return rows


def file_output(result: FileResult) -> FileOutput:
    """One input's result as the writer takes it: its rows as Arrow tables of the declared
    schemas (SchemaViolation when a row does not fit), and how reading went."""
    tables = {table: to_arrow(table, rows) for table, rows in result_rows(result).items() if rows}
    return FileOutput(
        source_file=result.source_file, read=result.issue is not None,
        documents=len(result.issue.documents) if result.issue is not None else 0, ocr_pages=result.ocr_pages,
        errors=result.errors, tables=tables, sha256=result.sha256, seconds=result.seconds,
        peak_rss_mb=result.peak_rss_mb)


def to_arrow(table: str, rows: Iterable[dict]) -> pa.Table:
    """Rows cast to the table's declared schema (freeze: unknown columns are errors)."""
    schema = SCHEMAS[table]
    rows = list(rows)
    unknown = set().union(*rows) - set(schema.names)
    if unknown:
        raise SchemaViolation(f"table {table!r} has no column {sorted(unknown)[0]!r}")
    try:  # Arrow's own conversion of the rows, twice as fast as a list per column ...
        converted = pa.Table.from_pylist(rows, schema=schema)
    except (pa.ArrowInvalid, pa.ArrowTypeError, TypeError, ValueError):
        pass  # ... which does not say which column failed: the loop below does
    else:
        for field, column in zip(schema, converted.columns, strict=True):
            if not field.nullable and column.null_count:
                raise SchemaViolation(f"table {table!r} column {field.name!r} must not be null")
        return converted
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
        existing = pq.ParquetFile(path).read()  # read_table imports pyarrow.dataset (half a second)
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


def _kept_batches(path: Path, table: str, replaced_sources: set[str]) -> Iterator[pa.RecordBatch]:
    """An earlier run's rows of `table`, less those of the replaced inputs, batch by batch
    (the file is never loaded whole)."""
    if not path.exists():
        return
    try:
        parquet = pq.ParquetFile(path)
        version = (parquet.schema_arrow.metadata or {}).get(b"schema_version", b"").decode()
    except Exception as exc:
        raise OutputError(f"{path} is not a readable Parquet file ({exc}); move it away or rerun into "
                          "an empty folder") from exc
    schema = SCHEMAS[table]
    if version == SCHEMA_VERSION:
        batches = (pa.Table.from_batches([b]).select(schema.names).cast(schema).to_batches()
                   for b in parquet.iter_batches(batch_size=_BATCH_ROWS))
        batches = (b for group in batches for b in group)
    else:  # rare: an older version's table, upgraded whole
        batches = iter(read_existing(path, table).to_batches(max_chunksize=_BATCH_ROWS))
    drop = pa.array(sorted(replaced_sources), type=pa.string())
    for batch in batches:
        if len(drop):
            batch = batch.filter(pc.invert(pc.is_in(batch.column("source_file"), value_set=drop)))
        if batch.num_rows:
            yield batch


# --- documents.validity, as of the run date ------------------------------------------------

_VALIDITY_INPUTS = ("validity", "validity_stated", "validity_as_of", "effective_date", "expiry_date", "is_draft")


def validity_on(as_of: dt.date, *, stated: str | None, effective: dt.date | None, expiry: dt.date | None,
                is_draft: bool) -> str | None:
    """A document's validity on `as_of`. 失效 when its page states 失效 (a repeal is not
    undone); for a draft, only what its page states; else what its dates give
    (segment.fields.validity: 失效 once expiry_date has passed, though the page said 有效 when
    it was read; 有效 once effective_date has come); else what its page states."""
    from pipeline.segment.fields import validity  # loads the segmenter: only when rows are recomputed

    said = stated if stated in VALIDITY_VALUES else None
    if said == "失效" or is_draft:
        return said
    return validity(effective, expiry, as_of) or said


def _stated_before(old: str | None, effective: dt.date | None, expiry: dt.date | None, is_draft: bool,
                   as_of: dt.date) -> str | None:
    """What the page of a row written before validity_stated existed (schema version 3)
    stated: its old validity when its dates could not have given that on any day up to
    `as_of`, so its page said so; else None (its dates gave it, and they still decide)."""
    if old is None:
        return None
    if is_draft or old not in VALIDITY_VALUES:
        return old  # a draft's came only from its page; so did a word the date rule never gives
    dated = {
        "失效": expiry is not None and expiry < as_of,
        "有效": (effective is not None or expiry is not None) and (effective is None or effective <= as_of),
        "尚未生效": effective is not None,
    }
    return None if dated[old] else old


def _with_validity(batch: pa.RecordBatch, as_of: dt.date) -> tuple[pa.RecordBatch, int]:
    """A documents batch with validity recomputed for `as_of`, and how many rows it changed.
    A row with neither validity_stated nor validity_as_of predates them: its statement is
    recovered from its old validity where only a statement explains it (_stated_before)."""
    rows = batch.select(list(_VALIDITY_INPUTS)).to_pylist()
    stated = [row["validity_stated"] if row["validity_stated"] is not None or row["validity_as_of"] is not None
              else _stated_before(row["validity"], row["effective_date"], row["expiry_date"], row["is_draft"], as_of)
              for row in rows]
    validity = [validity_on(as_of, stated=said, effective=row["effective_date"], expiry=row["expiry_date"],
                            is_draft=row["is_draft"]) for said, row in zip(stated, rows, strict=True)]
    new = {"validity": validity, "validity_stated": stated, "validity_as_of": [as_of] * len(rows)}
    arrays = [pa.array(new[field.name], type=field.type) if field.name in new else batch.column(index)
              for index, field in enumerate(batch.schema)]
    changed = sum(row["validity"] != value for row, value in zip(rows, validity, strict=True))
    return pa.RecordBatch.from_arrays(arrays, schema=batch.schema), changed


def table_with_validity(table: pa.Table, as_of: dt.date) -> pa.Table:
    """A documents table with validity computed for `as_of`, as a run writes it."""
    batches = [_with_validity(batch, as_of)[0] for batch in table.to_batches()]
    return pa.Table.from_batches(batches, schema=table.schema)


def _validity_holds(as_of_column: pa.ChunkedArray, as_of: dt.date) -> bool:
    """Whether every row's validity was computed for `as_of` (documents.validity_as_of)."""
    days = pc.min_max(as_of_column).as_py()
    return as_of_column.null_count == 0 and (len(as_of_column) == 0 or days["min"] == days["max"] == as_of)


def refresh_validity(out_dir: Path, as_of: dt.date) -> int | None:
    """For a run that reads no input: documents.parquet again with validity as of `as_of`,
    written like every table (a temporary file beside it, fsync, rename), when any row's
    validity_as_of is another day; None when it already holds for `as_of` (nothing is
    written: a second run on the same day costs a read of one small column). Returns the
    rows whose validity changed. A folder of an older schema version is left as it is for
    the next run that reads an input, which upgrades all its tables together."""
    path = out_dir / "documents.parquet"
    if not path.exists():
        return None
    try:
        parquet = pq.ParquetFile(path)
        version = (parquet.schema_arrow.metadata or {}).get(b"schema_version", b"").decode()
        if version != SCHEMA_VERSION:
            return None
        as_of_column = parquet.read(columns=["validity_as_of"]).column(0)
    except Exception as exc:
        raise OutputError(f"{path} is not a readable Parquet file ({exc}); move it away or rerun into "
                          "an empty folder") from exc
    if _validity_holds(as_of_column, as_of):
        return None
    tmp = _temporary(path)
    out = _RowGroups(tmp, SCHEMAS["documents"])
    changed = 0
    try:
        for batch in _kept_batches(path, "documents", set()):
            batch, n = _with_validity(batch, as_of)
            changed += n
            out.write(batch)
        out.close()
        _fsync(tmp)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return changed


def write_atomic(table: pa.Table, path: Path) -> None:
    """Write to a temporary file beside `path`, fsync, then rename over it."""
    tmp = _temporary(path)
    try:
        pq.write_table(table, tmp, compression="zstd")
        _fsync(tmp)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def _temporary(path: Path) -> Path:
    """A new empty file beside `path`, to be renamed over it once written: with the mode a
    file created by this process gets (0666 less the umask), not mkstemp's 0600, so that
    the readers a shared OUT's umask lets in keep reading it after every run."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        os.fchmod(fd, 0o666 & ~_umask())
    finally:
        os.close(fd)
    return Path(tmp)


@functools.cache
def _umask() -> int:
    """This process's umask, read once. Linux states it in /proc/self/status; elsewhere it
    is read by setting it and setting it back, at the first table this process writes."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            return next(int(line.split()[1], 8) for line in status if line.startswith("Umask:"))
    except (OSError, StopIteration, ValueError):
        umask = os.umask(0o077)
        os.umask(umask)
        return umask


def _fsync(path: Path) -> None:
    with open(path, "rb") as handle:
        os.fsync(handle.fileno())


def remove_leftovers(out_dir: Path) -> None:
    """Staging folders and temporary files of a run that was killed. Call under the lock."""
    for leftover in out_dir.glob(".staging-*"):
        shutil.rmtree(leftover, ignore_errors=True)
    for leftover in out_dir.glob(".*.tmp"):
        leftover.unlink(missing_ok=True)


class _RowGroups:
    """A Parquet file written batch by batch, in row groups of a useful size (the
    batches that stream in are small; readers prefer few, large row groups)."""

    def __init__(self, path: Path, schema: pa.Schema):
        self.path, self.schema = path, schema
        self.writer = pq.ParquetWriter(path, schema, compression="zstd")
        self.pending: list[pa.RecordBatch] = []
        self.rows = self.bytes = 0

    def write(self, batch: pa.RecordBatch) -> None:
        self.pending.append(batch)
        self.rows += batch.num_rows
        self.bytes += batch.nbytes
        if self.rows >= _ROW_GROUP_ROWS or self.bytes >= _ROW_GROUP_BYTES:
            self.flush()

    def flush(self) -> None:
        if self.pending:
            self.writer.write_table(pa.Table.from_batches(self.pending, schema=self.schema))
        self.pending, self.rows, self.bytes = [], 0, 0

    def close(self) -> None:
        self.flush()
        self.writer.close()


class OutputWriter:
    """A run's rows, streamed to staging files as results arrive, then swapped in.

    Memory holds at most one flush's worth of rows per table, however many inputs the run
    reads. `commit` builds each table that changes (the earlier rows that are kept, then
    this run's) as a temporary file, fsyncs them all, renames them over the old tables, and
    writes the manifest last; a table this run neither adds to nor takes rows from is left
    as it is (_already_current), unless `rewrite_all` (a --full run). A run killed before the renames leaves every table as it
    was; one killed between two renames leaves each table whole (old or new) and the
    manifest old, so the next run reads those inputs again and the tables agree again.

    Every documents row, kept or new, leaves with its validity as of `as_of` (default:
    today); `validity_changed` counts the kept rows whose validity that changed.
    """

    def __init__(self, out_dir: Path, replaced_sources: set[str], as_of: dt.date | None = None, *,
                 rewrite_all: bool = False):
        out_dir.mkdir(parents=True, exist_ok=True)
        self.out_dir = out_dir
        self.rewrite_all = rewrite_all  # --full: every table written again, none left as it is
        self.replaced_sources = set(replaced_sources)
        self.as_of = as_of or dt.date.today()
        self.validity_changed = 0
        self.staging = Path(tempfile.mkdtemp(prefix=".staging-", dir=out_dir))
        self._buffers: dict[str, list[pa.Table]] = {table: [] for table in SCHEMAS}
        self._buffered = dict.fromkeys(SCHEMAS, 0)
        self._buffered_bytes = dict.fromkeys(SCHEMAS, 0)
        self._staged: dict[str, pq.ParquetWriter] = {}

    def add(self, rows: dict[str, list[dict]]) -> dict[str, int]:
        """One input's rows, per table; all are checked against the schemas before any is
        kept (SchemaViolation). Returns the rows added per table."""
        return self.add_tables({table: to_arrow(table, table_rows) for table, table_rows in rows.items()
                                if table_rows})

    def add_tables(self, tables: dict[str, pa.Table]) -> dict[str, int]:
        """One input's rows as Arrow tables of the declared schemas (file_output, made in the
        worker that read it). Returns the rows added per table."""
        for table, data in tables.items():
            if not data.schema.equals(SCHEMAS[table], check_metadata=False):
                raise SchemaViolation(f"table {table!r}: rows of another schema: {data.schema}")
        for table, data in tables.items():
            self._buffers[table].append(data)
            self._buffered[table] += data.num_rows
            self._buffered_bytes[table] += data.nbytes
            if self._buffered[table] >= _BATCH_ROWS or self._buffered_bytes[table] >= _BATCH_BYTES:
                self._flush(table)
        return {table: data.num_rows for table, data in tables.items()}

    def _flush(self, table: str) -> None:
        if not self._buffers[table]:
            return
        if table not in self._staged:  # one row group per flush; commit makes them large
            self._staged[table] = pq.ParquetWriter(self.staging / f"{table}.parquet", SCHEMAS[table])
        self._staged[table].write_table(pa.concat_tables(self._buffers[table]))
        self._buffers[table], self._buffered[table], self._buffered_bytes[table] = [], 0, 0

    def commit(self, manifest: pa.Table | None = None) -> None:
        """Swap in every table (and then the manifest)."""
        finished: dict[str, Path] = {}
        try:
            for table in SCHEMAS:
                self._flush(table)
                if table in self._staged:
                    self._staged.pop(table).close()
                elif self._already_current(table):
                    continue  # a nightly run that reads two files leaves most tables as they are
                finished[table] = self._build(table)
            for table, tmp in finished.items():
                os.replace(tmp, self.out_dir / f"{table}.parquet")
            if manifest is not None:
                write_atomic(manifest, self.out_dir / MANIFEST_FILE)
        finally:
            for tmp in finished.values():
                tmp.unlink(missing_ok=True)
            self.discard()

    def _already_current(self, table: str) -> bool:
        """Whether `table` on disk is already what _build would write, so that it need not be
        written again: this run staged no rows for it (the caller knows), none of its rows
        came from an input this run replaced or removed, it is of this schema version, and
        (documents) its validity holds for the run date. Costs a read of one column."""
        path = self.out_dir / f"{table}.parquet"
        if self.rewrite_all or not path.exists():
            return False
        try:
            parquet = pq.ParquetFile(path)
            if (parquet.schema_arrow.metadata or {}).get(b"schema_version", b"").decode() != SCHEMA_VERSION:
                return False
            if self.replaced_sources:
                sources = parquet.read(columns=["source_file"]).column(0)
                drop = pa.array(sorted(self.replaced_sources), type=pa.string())
                if pc.any(pc.is_in(sources, value_set=drop)).as_py():
                    return False
            if table == "documents":
                return _validity_holds(parquet.read(columns=["validity_as_of"]).column(0), self.as_of)
        except Exception:  # unreadable: _build says so, naming the file
            return False
        return True

    def _build(self, table: str) -> Path:
        """The new table as a temporary file beside the old one: kept rows, then new."""
        path = self.out_dir / f"{table}.parquet"
        tmp = _temporary(path)
        out = _RowGroups(tmp, SCHEMAS[table])
        try:
            for batch in _kept_batches(path, table, self.replaced_sources):
                if table == "documents":
                    batch, changed = _with_validity(batch, self.as_of)
                    self.validity_changed += changed
                out.write(batch)
            staged = self.staging / f"{table}.parquet"
            if staged.exists():
                for batch in pq.ParquetFile(staged).iter_batches(batch_size=_BATCH_ROWS):
                    out.write(_with_validity(batch, self.as_of)[0] if table == "documents" else batch)
            out.close()
            _fsync(tmp)
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
        return tmp

    def discard(self) -> None:
        """Drop what was staged (a failed or abandoned run)."""
        for writer in self._staged.values():
            writer.close()
        self._staged.clear()
        shutil.rmtree(self.staging, ignore_errors=True)


def write_manifest(out_dir: Path, manifest: pa.Table) -> None:
    write_atomic(manifest, out_dir / MANIFEST_FILE)


def write_tables(out_dir: Path, rows: dict[str, list[dict]], replaced_sources: set[str],
                 as_of: dt.date | None = None) -> dict[str, int]:
    """Write rows (per table) under `out_dir` in one go, replacing those of
    `replaced_sources`, with validity as of `as_of` (default: today); returns the rows
    written per table. A schema violation leaves the previous output as it was."""
    writer = OutputWriter(out_dir, replaced_sources, as_of)
    try:
        added = writer.add(rows)
    except BaseException:
        writer.discard()
        raise
    writer.commit()
    return {table: added.get(table, 0) for table in SCHEMAS}
