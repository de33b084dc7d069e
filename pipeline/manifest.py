"""The run manifest: what each input was when it was last read, so a rerun reads only
what is new or changed.

OUT/manifest.parquet has one row per input (pipeline.schema.MANIFEST): its path, size,
modification time, sha256, the pipeline version and PDF engine that read it, how that
went, and how many rows it gave each table. Planning a run compares the inputs found
now with it:

- an input not in the manifest, read by another pipeline version or PDF engine, or
  whose bytes changed, is read (its old rows are replaced);
- an input whose size and modification time are unchanged is trusted unchanged without
  being hashed (as make and git do), so a rerun over thousands of unchanged issues
  takes well under a second; when only the time changed, its sha256 decides;
- an input that is gone from the folder it was read from has its rows removed;
- an input that ran out of time is read again when the time limit has since grown;
- an input that could not be opened (permissions, I/O: status cannot_open) is read again
  on every run until it can be, since nothing about the file says when that is fixed;
- a PDF read with another `--ocr` mode is read again.

A file gazette has no reader for (an image, a spreadsheet) keeps its row with status
unsupported, so it is listed once, not again every night.

`--full` reads everything again.
"""
from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from pipeline.records import FileResult
from pipeline.schema import MANIFEST, SCHEMA_VERSION, SCHEMAS

MANIFEST_FILE = "manifest.parquet"


@dataclass(frozen=True, slots=True)
class InputFile:
    """One input as found on disk."""

    path: Path
    source_file: str  # relative to the input folder: the key of every table
    size: int
    mtime_ns: int

    @property
    def is_pdf(self) -> bool:
        return self.path.suffix.lower() == ".pdf"


@dataclass(frozen=True, slots=True)
class RunSettings:
    """What a manifest row must match for its input to count as already read."""

    input_root: str
    pipeline_version: str
    pdf_engine: str
    time_limit_s: float | None
    ocr: str = "auto"


@dataclass
class Plan:
    """What a run will do. `unchanged` rows are carried over (refreshed when only their
    modification time moved); `removed` sources lose their rows."""

    to_read: list[InputFile] = field(default_factory=list)
    unchanged: list[dict] = field(default_factory=list)
    removed: set[str] = field(default_factory=set)
    other_roots: list[dict] = field(default_factory=list)  # rows of inputs of other folders: kept
    refreshed: int = 0  # unchanged inputs whose modification time was updated

    @property
    def writes_tables(self) -> bool:
        return bool(self.to_read or self.removed)

    @property
    def replaced_sources(self) -> set[str]:
        return {f.source_file for f in self.to_read} | self.removed


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _sha256_or_none(path: Path) -> str | None:
    try:
        return sha256_of(path)
    except OSError:  # cannot be read now: read it, and let the reader say why
        return None


def read_manifest(out_dir: Path) -> list[dict]:
    """The manifest's rows; none when there is no manifest or it is of another version
    (then every input is read again, which is always safe)."""
    path = out_dir / MANIFEST_FILE
    if not path.exists():
        return []
    try:
        table = pq.read_table(path)
    except Exception:  # an unreadable manifest only costs a full run
        return []
    if (table.schema.metadata or {}).get(b"schema_version", b"").decode() != SCHEMA_VERSION:
        return []
    return table.to_pylist()


def plan_run(inputs: Iterable[InputFile], manifest: list[dict], settings: RunSettings, *, full: bool,
             may_remove: bool = True) -> Plan:
    """Sort the inputs into those to read and those unchanged, and find removed ones.

    `may_remove` is False when the input is a single file: the rest of its folder was not
    looked at, so nothing is known to be gone.
    """
    plan = Plan()
    known = {row["source_file"]: row for row in manifest}
    seen = set()
    for item in inputs:
        seen.add(item.source_file)
        row = known.get(item.source_file)
        if full or row is None or _stale(row, item, settings):
            plan.to_read.append(item)
        elif row["size"] == item.size and row["mtime_ns"] == item.mtime_ns:
            plan.unchanged.append(row)
        elif row["size"] == item.size and row["sha256"] == _sha256_or_none(item.path):
            plan.unchanged.append({**row, "mtime_ns": item.mtime_ns})
            plan.refreshed += 1
        else:
            plan.to_read.append(item)
    for source, row in known.items():
        if source in seen:
            continue
        if may_remove and row["input_root"] == settings.input_root:
            plan.removed.add(source)
        else:
            plan.other_roots.append(row)
    return plan


def _stale(row: dict, item: InputFile, settings: RunSettings) -> bool:
    """Read by another pipeline or engine, or cut off by a shorter time limit than now."""
    if row["pipeline_version"] != settings.pipeline_version:
        return True
    if row["status"] == "cannot_open":
        return True
    if item.is_pdf and (row["pdf_engine"] != settings.pdf_engine or row["ocr"] != settings.ocr):
        return True
    if row["status"] == "time_limit":
        old, new = row["time_limit_s"], settings.time_limit_s
        return new is None or (old is not None and new > old)
    return False


# A failed input's status, by the reason it failed; any other reason is "error".
_FAILED_STATUS = (("time_limit", "time_limit"), ("cannot_open", "cannot_open"), ("unsupported_format", "unsupported"))


def input_status(result: FileResult) -> str:
    """How reading an input went: ok, partly_read, or why it failed (_FAILED_STATUS, else error)."""
    if result.issue is not None:
        return "partly_read" if result.errors else "ok"
    error_types = {e.error_type for e in result.errors}
    return next((status for error_type, status in _FAILED_STATUS if error_type in error_types), "error")


def manifest_row(item: InputFile, result: FileResult, rows: dict[str, int], settings: RunSettings) -> dict:
    """The manifest row of an input this run read."""
    return {
        "source_file": item.source_file, "input_root": settings.input_root, "size": item.size,
        "mtime_ns": item.mtime_ns, "sha256": result.sha256, "pipeline_version": settings.pipeline_version,
        "pdf_engine": settings.pdf_engine if item.is_pdf else None, "ocr": settings.ocr if item.is_pdf else None,
        "ocr_pages": result.ocr_pages, "status": input_status(result),
        "seconds": result.seconds, "time_limit_s": settings.time_limit_s, "peak_rss_mb": result.peak_rss_mb,
        "processed_at": dt.datetime.now(dt.UTC).replace(microsecond=0),
        **{f"rows_{table}": rows.get(table, 0) for table in SCHEMAS},
    }


def manifest_table(rows: list[dict]) -> pa.Table:
    rows = sorted(rows, key=lambda r: (r["input_root"], r["source_file"]))
    return pa.Table.from_pylist(rows, schema=MANIFEST)
