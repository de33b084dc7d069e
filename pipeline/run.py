"""Orchestration: find the inputs, decide which to read, read them in parallel, write.

    read -> normalise -> segment -> extract      (per file: `process_file`, in a worker)
    plan, lock, stream results, write            (once per run: `run`)

A file that fails at any stage gives an ErrorRow naming the stage and the file; the
run goes on with the next one. This module and cli.py are the only places that chain
the stages; pipeline.executors only decides where `process_file` runs.
"""
from __future__ import annotations

import datetime as dt
import os
import resource
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path, PurePosixPath

import pyarrow as pa

from parsers import ReadError, pdf
from pipeline.executors import failed, run_dask, run_local
from pipeline.lock import output_lock
from pipeline.manifest import (
    InputFile,
    Plan,
    RunSettings,
    input_status,
    manifest_row,
    manifest_table,
    plan_run,
    read_manifest,
    sha256_of,
)
from pipeline.read import OCR_MODES, read
from pipeline.records import ErrorRow, FileResult
from pipeline.schema import SCHEMAS
from pipeline.version import pipeline_version
from pipeline.write import (
    OutputWriter,
    SchemaViolation,
    refresh_validity,
    remove_leftovers,
    result_rows,
    table_with_validity,
    to_arrow,
    write_manifest,
)

PDF_ENGINES = pdf.ENGINES  # pdfium reads the same text as pdfplumber, the reference, many times faster
DEFAULT_ENGINE = PDF_ENGINES[0]
DEFAULT_OCR = OCR_MODES[0]  # auto: OCR reads the pages that have no usable text layer
DEFAULT_TIME_LIMIT_S = 600.0  # per file; a 300-page issue reads in well under a minute
# The run date documents.validity is computed for, when set (YYYY-MM-DD): tests, and a rerun
# of a night that was missed. Unset, it is today.
RUN_DATE_VARIABLE = "GAZETTE_TODAY"


def run_date() -> dt.date:
    """The day this run computes documents.validity for: $GAZETTE_TODAY, else today."""
    value = os.environ.get(RUN_DATE_VARIABLE, "").strip()
    if not value:
        return dt.date.today()
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise ValueError(f"{RUN_DATE_VARIABLE}={value!r} is not a date (YYYY-MM-DD)") from None


def find_inputs(root: Path) -> list[InputFile]:
    """Every file under `root`, in a stable order, with its size and time.

    Every file is an input: one gazette has no reader for is listed as unsupported, not
    skipped. Hidden files and folders (a name starting with ".": .git, .DS_Store, editors'
    swap files) are not inputs, as in git and rsync. A folder that cannot be listed and a
    link to nothing are inputs too, so the run says it could not open them.

    source_file is the path relative to `root` (the file's own name when `root` is a
    file), so the same folder gives the same names on any machine.
    """
    if root.is_file():
        return [_input(root, root.name)]
    found: list[Path] = []
    unlistable: list[Path] = []

    def cannot_list(error: OSError) -> None:
        unlistable.append(Path(error.filename))

    for folder, subfolders, names in os.walk(root, onerror=cannot_list):
        subfolders[:] = [name for name in subfolders if not name.startswith(".")]
        found.extend(Path(folder, name) for name in names if not name.startswith("."))
    paths = sorted(found + [p for p in unlistable if p != root])
    return [_input(p, p.relative_to(root).as_posix()) for p in paths]


def _input(path: Path, source_file: str) -> InputFile:
    try:
        stat = path.stat()
    except OSError:  # a link to nothing: listed; reading it says why it cannot be opened
        return InputFile(path, source_file, -1, -1)
    return InputFile(path, source_file, stat.st_size, stat.st_mtime_ns)


def process_file(path: Path, source_file: str, *, pdf_engine: str = DEFAULT_ENGINE,
                 time_limit_s: float | None = None, ocr: str = DEFAULT_OCR) -> FileResult:
    """One input through read, normalise, segment and extract; never raises for bad input.

    Reading stops between PDF pages once `time_limit_s` has passed (ReadError time_limit).
    """
    from pipeline.extract import extract  # loads jieba's dictionary: only where files are read
    from pipeline.normalise import normalise
    from pipeline.segment import segment

    started = time.monotonic()
    deadline = started + time_limit_s if time_limit_s else None
    stage = "read"
    try:
        raw = read(path, source_file, pdf_engine=pdf_engine, deadline=deadline, ocr=ocr)
        stage = "normalise"
        raw = normalise(raw)
        stage = "segment"
        issue = segment(raw)
        stage = "extract"
        facts = tuple(fact for doc in issue.documents for fact in extract(doc, issue.pages))
    except ReadError as exc:
        result = FileResult(source_file, None, errors=(ErrorRow(source_file, stage, exc.error_type, exc.message),))
    except Exception as exc:  # a bug or an input we did not foresee: log it, keep going
        result = FileResult(source_file, None, errors=(
            ErrorRow(source_file, stage, type(exc).__name__, f"{type(exc).__name__}: {exc}"),))
    else:
        warnings = tuple(ErrorRow(source_file, "read", "partly_read", w) for w in raw.warnings)
        result = FileResult(source_file, issue, facts=facts, errors=warnings, sha256=issue.source_sha256)
    return replace(result, sha256=result.sha256 or _sha256_if_readable(path),
                   seconds=round(time.monotonic() - started, 3), peak_rss_mb=_peak_rss_mb())


def extract_tables(input_path: Path, *, pdf_engine: str = DEFAULT_ENGINE, ocr: str = DEFAULT_OCR,
                   time_limit_s: float | None = None, today: dt.date | None = None) -> dict[str, pa.Table]:
    """Every input under `input_path` (a folder or one file) read in this process, one after
    the other, and its rows returned as one Arrow table per table of SCHEMAS, checked against
    its schema; documents.validity as of `today` (default: run_date()). Nothing is written
    and no manifest is kept: a notebook's look at a few files, not a nightly run.
    """
    from pipeline.extract import prepare
    prepare()
    parts: dict[str, list[pa.Table]] = {table: [] for table in SCHEMAS}
    for item in find_inputs(input_path):
        result = process_file(item.path, item.source_file, pdf_engine=pdf_engine, time_limit_s=time_limit_s,
                              ocr=ocr)
        try:
            tables = {table: to_arrow(table, rows) for table, rows in result_rows(result).items()}
        except SchemaViolation as exc:  # a bug of ours, shown on this file, as a run shows it
            failure = failed(item, "schema_violation", str(exc), stage="write")
            tables = {table: to_arrow(table, rows) for table, rows in result_rows(failure).items()}
        for table, data in tables.items():
            parts[table].append(data)
    out = {table: pa.concat_tables(parts[table]) if parts[table] else schema.empty_table()
           for table, schema in SCHEMAS.items()}
    out["documents"] = table_with_validity(out["documents"], today or run_date())
    return out


def _sha256_if_readable(path: Path) -> str | None:
    try:
        return sha256_of(path)
    except OSError:
        return None


def _peak_rss_mb() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)  # Linux reports kB


@dataclass
class RunSummary:
    files: int = 0  # inputs found
    files_read: int = 0  # read this run, with at least one document's worth of text
    files_failed: int = 0  # read this run, without result
    unsupported: dict[str, int] = field(default_factory=dict)  # suffix -> files gazette has no reader for
    ocr_pages: int = 0  # PDF pages read by OCR this run
    unchanged: int = 0  # skipped: read by an earlier run, unchanged since
    removed: int = 0  # gone from the input folder: their rows were removed
    documents: int = 0
    as_of: dt.date | None = None  # the day documents.validity holds for
    validity_changed: int = 0  # documents kept from earlier runs whose validity this run changed
    rows: dict[str, int] = field(default_factory=dict)
    errors: list[ErrorRow] = field(default_factory=list)
    seconds: float = 0.0

    def line(self) -> str:
        counts = " ".join(f"{t}={n}" for t, n in self.rows.items() if t != "errors")
        parts = [f"{self.files} inputs: {self.files_read} read"]
        if self.ocr_pages:
            parts[-1] += f" ({self.ocr_pages} {'page' if self.ocr_pages == 1 else 'pages'} by OCR)"
        if self.files_failed:
            parts.append(f"{self.files_failed} unreadable")
        if self.unsupported:
            kinds = ", ".join(sorted(self.unsupported))
            parts.append(f"{sum(self.unsupported.values())} unsupported: {kinds}")
        parts.append(f"{self.unchanged} unchanged")
        if self.removed:
            parts.append(f"{self.removed} removed")
        documents = "document" if self.validity_changed == 1 else "documents"
        validity = (f"; validity changed for {self.validity_changed} {documents} read by earlier runs "
                    f"(as of {self.as_of})" if self.validity_changed else "")
        if not (self.files_read or self.files_failed or self.unsupported or self.removed):
            return ", ".join(parts) + f"{validity or ': nothing to do'}; {self.seconds:.1f} s"
        return (", ".join(parts) + f"; {self.documents} documents; rows written: {counts}; "
                f"errors={len(self.errors)}{validity}; {self.seconds:.1f} s")

    def record(self, result: FileResult, rows: dict[str, int]) -> None:
        if input_status(result) == "unsupported":
            suffix = PurePosixPath(result.source_file).suffix.lower() or "(no suffix)"
            self.unsupported[suffix] = self.unsupported.get(suffix, 0) + 1
        elif result.issue is None:
            self.files_failed += 1
        else:
            self.files_read += 1
            self.documents += len(result.issue.documents)
            self.ocr_pages += result.ocr_pages
        self.errors.extend(result.errors)
        for table, n in rows.items():
            self.rows[table] = self.rows.get(table, 0) + n


def default_workers() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


def run(input_root: Path, out_dir: Path, *, workers: int | None = None, pdf_engine: str = DEFAULT_ENGINE,
        time_limit_s: float | None = DEFAULT_TIME_LIMIT_S, ocr: str = DEFAULT_OCR, full: bool = False,
        scheduler: str | None = None,
        wait_s: float = 0, progress: Callable | None = None,
        on_error: Callable[[ErrorRow], None] | None = None, today: dt.date | None = None) -> RunSummary:
    """Read the new and changed inputs under `input_root` and update the tables in `out_dir`.

    `scheduler` (a dask.distributed address) reads on that cluster instead of a local pool
    of `workers` processes. Raises pipeline.lock.OutputBusy when another run holds
    `out_dir` for longer than `wait_s` seconds.

    Every run, one that reads nothing included, leaves documents.validity true on `today`
    (default: run_date()) for every row, those of inputs read by earlier runs too.
    """
    started = time.perf_counter()
    inputs = find_inputs(input_root)
    root = input_root if input_root.is_dir() else input_root.parent
    settings = RunSettings(str(root.resolve()), pipeline_version(), pdf_engine, time_limit_s, ocr)
    summary = RunSummary(files=len(inputs), rows=dict.fromkeys(SCHEMAS, 0), as_of=today or run_date())
    with output_lock(out_dir, wait_s):
        remove_leftovers(out_dir)
        manifest = read_manifest(out_dir)
        if manifest and not all((out_dir / f"{table}.parquet").exists() for table in SCHEMAS):
            full = True  # a table was deleted by hand: the manifest no longer describes the folder
        plan = plan_run(inputs, manifest, settings, full=full, may_remove=input_root.is_dir())
        summary.unchanged, summary.removed = len(plan.unchanged), len(plan.removed)
        if plan.writes_tables:
            if scheduler:
                results = run_dask(plan.to_read, scheduler, pdf_engine=pdf_engine, time_limit_s=time_limit_s,
                                   ocr=ocr)
            else:
                from pipeline.extract import prepare
                prepare()  # once here, inherited by every forked worker
                workers = min(workers or default_workers(), len(plan.to_read)) or 1
                results = run_local(plan.to_read, workers, pdf_engine=pdf_engine,
                                    time_limit_s=time_limit_s, ocr=ocr)
            _write(out_dir, plan, settings, results, summary, progress, on_error)
        else:  # no input changed; the calendar did: validity as of today (a read of one column if it holds)
            summary.validity_changed = refresh_validity(out_dir, summary.as_of) or 0
            if plan.refreshed:
                write_manifest(out_dir, manifest_table(plan.unchanged + plan.other_roots))
    summary.seconds = time.perf_counter() - started
    return summary


def _write(out_dir: Path, plan: Plan, settings: RunSettings, results, summary: RunSummary,
           progress: Callable | None, on_error: Callable[[ErrorRow], None] | None) -> None:
    """Stream every result into the tables, then swap them in with the new manifest."""
    writer = OutputWriter(out_dir, plan.replaced_sources, summary.as_of)
    manifest = plan.unchanged + plan.other_roots
    try:
        for item, result in (progress(results, total=len(plan.to_read)) if progress else results):
            try:
                rows = writer.add(result_rows(result))
            except SchemaViolation as exc:  # a bug of ours, shown on this file: the run goes on
                result = failed(item, "schema_violation", str(exc), stage="write")
                rows = writer.add(result_rows(result))
            summary.record(result, rows)
            for error in result.errors:
                if on_error:
                    on_error(error)
            manifest.append(manifest_row(item, result, rows, settings))
        writer.commit(manifest_table(manifest))
    except BaseException:
        writer.discard()
        raise
    summary.validity_changed = writer.validity_changed
