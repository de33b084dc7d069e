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
- an input whose worker process died (worker_died: out of memory, a crash in a native
  library, perhaps the machine's doing) is read once more by the next run; dying again on
  the same bytes it is worker_died_again, not read again until it changes;
- a symbolic link out of the input folder, listed but not followed (not_followed), is
  read once the run follows links (--follow-symlinks), and back to not_followed without;
- a PDF read with another `--ocr` mode is read again.

The rows are keyed by source_file, the path relative to the input folder: several folders
may be read into one OUT, and each keeps its rows. An input whose name is that of an input
read from another folder, which still holds it, is not read (a NameClash, reported):
reading it would replace the other's rows. When that folder no longer holds it (it moved,
or let the file go), the name passes to the folder that has it.

A file gazette has no reader for (an image, a spreadsheet) keeps its row with status
unsupported, so it is listed once, not again every night.

`--full` reads everything again.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from pipeline.records import FileOutput
from pipeline.schema import MANIFEST, SCHEMA_VERSION, SCHEMAS

MANIFEST_FILE = "manifest.parquet"

# A name that already reads like an escape (`\xff` typed with a backslash): escaped too, so
# that no two inputs share a source_file (see source_name).
_ESCAPE_LOOKALIKE = re.compile(r"\\x[0-9a-fA-F]{2}")


def source_name(relative: str) -> str:
    r"""An input's source_file, the key of every table, from its path relative to the input
    folder (a str as os.fsdecode gives it: bytes that are not UTF-8 are lone surrogates).

    A name that is UTF-8 without control characters is kept as it is. In any other name
    (bytes that are not UTF-8, control characters such as ESC or a line break, or a `\xHH`
    typed out), each such byte is written `\xHH`, lowercase, and so is every backslash
    (`\x5c`): the name whose bytes are b"bad\xff.txt" is `bad\xff.txt`. The name is the same
    on every run, and no two names give one source_file: every backslash of an escaped name
    starts an escape, and a name kept as it is holds nothing that looks like one. The file
    itself is read through its real path.
    """
    if not _ESCAPE_LOOKALIKE.search(relative) and not any(map(_unprintable, relative)):
        return relative
    return "".join(escaped(char) if _unprintable(char) or char == "\\" else char for char in relative)


def relative_path(source_file: str) -> str:
    """The path, relative to its input folder, that source_name gave `source_file` for."""
    if not _ESCAPE_LOOKALIKE.search(source_file):
        return source_file
    return os.fsdecode(re.sub(rb"\\x([0-9a-f]{2})", lambda escape: bytes([int(escape[1], 16)]),
                              source_file.encode("utf-8")))


def without_surrogates(text: str) -> str:
    """`text` with its lone surrogates (the undecodable bytes of a path quoted in an
    exception's message) escaped: a Parquet string column holds UTF-8 only."""
    return "".join(escaped(char) if unicodedata.category(char) == "Cs" else char for char in text)


def _unprintable(char: str) -> bool:
    """A control character, or a byte that is not UTF-8 (a lone surrogate)."""
    return unicodedata.category(char) in ("Cc", "Cs")


def escaped(char: str) -> str:
    """`char` as an escape: `\\xHH` per UTF-8 byte; a lone surrogate that holds a byte that
    is not UTF-8 is that byte, any other lone surrogate or a character past U+00FF is
    `\\uHHHH`."""
    if "\udc80" <= char <= "\udcff":
        return f"\\x{ord(char) - 0xDC00:02x}"
    if unicodedata.category(char) == "Cs" or ord(char) > 0xFF:
        return f"\\u{ord(char):04x}"
    return "".join(f"\\x{byte:02x}" for byte in char.encode("utf-8"))


@dataclass(frozen=True, slots=True)
class Refusal:
    """Why an input that was found is not opened: its error row."""

    error_type: str  # not_a_file, link_outside_input, link_loop, cannot_open
    message: str


@dataclass(frozen=True, slots=True)
class InputFile:
    """One input as found on disk."""

    path: Path
    source_file: str  # relative to the input folder (source_name): the key of every table
    size: int
    mtime_ns: int
    refusal: Refusal | None = None  # set when the file is listed but must not be opened (a FIFO, a link out)

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


@dataclass(frozen=True, slots=True)
class NameClash:
    """An input not read because OUT holds an input of the same name from another folder,
    which still has it: reading it would replace that input's rows."""

    item: InputFile
    other_root: str  # the folder the rows by that name were read from

    def message(self, this_root: str) -> str:
        name = relative_path(self.item.source_file)
        return (f"not read: {Path(self.other_root, name)}, read into this output folder before, has the same "
                f"name, and {Path(this_root, name)} would replace its rows; rename one of the two, or write "
                "this folder into another output folder")


@dataclass
class Plan:
    """What a run will do. `unchanged` rows are carried over (refreshed when only their
    modification time moved); `removed` sources lose their rows."""

    to_read: list[InputFile] = field(default_factory=list)
    unchanged: list[dict] = field(default_factory=list)
    removed: set[str] = field(default_factory=set)
    other_roots: list[dict] = field(default_factory=list)  # rows of inputs of other folders: kept
    refreshed: int = 0  # unchanged inputs whose modification time or folder was updated
    clashes: list[NameClash] = field(default_factory=list)  # not read: another folder's input has the name
    died_before: set[str] = field(default_factory=set)  # read again, unchanged, after their worker died

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
        # ParquetFile, not read_table: that imports pyarrow.dataset, half a second of every run
        table = pq.ParquetFile(path).read()
    except Exception:  # an unreadable manifest only costs a full run
        return []
    if (table.schema.metadata or {}).get(b"schema_version", b"").decode() != SCHEMA_VERSION:
        return []
    return _rows(table)


def _rows(table: pa.Table) -> list[dict]:
    """table.to_pylist(), with processed_at read as a naive time and given UTC back here:
    Arrow makes a time with a zone through pandas, whose import is half a second of every run."""
    processed = table.column("processed_at")
    rows = table.drop_columns(["processed_at"]).to_pylist()
    for row, value in zip(rows, processed.cast(pa.timestamp("ms")).to_pylist(), strict=True):
        row["processed_at"] = value.replace(tzinfo=dt.UTC) if value is not None else None
    return [{name: row[name] for name in table.column_names} for row in rows]


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
        row = known.get(item.source_file)
        moved = row is not None and row["input_root"] != settings.input_root
        if moved and _still_holds(row):
            plan.clashes.append(NameClash(item, row["input_root"]))
            continue  # the row stays the other folder's
        seen.add(item.source_file)
        if full or row is None or _stale(row, item, settings):
            plan.to_read.append(item)
            if row is not None and row["status"] == "worker_died" and _same_file(row, item):
                plan.died_before.add(item.source_file)
        elif _same_file(row, item):
            plan.unchanged.append({**row, "input_root": settings.input_root} if moved else row)
            plan.refreshed += moved  # that folder moved here, or let go of the name
        elif row["size"] == item.size and item.refusal is None and row["sha256"] == _sha256_or_none(item.path):
            plan.unchanged.append({**row, "mtime_ns": item.mtime_ns, "input_root": settings.input_root})
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


def _same_file(row: dict, item: InputFile) -> bool:
    """Trusted unchanged: the size and modification time it had when last read."""
    return row["size"] == item.size and row["mtime_ns"] == item.mtime_ns


def _still_holds(row: dict) -> bool:
    """The folder a manifest row's input was read from still has a file by its name."""
    return os.path.lexists(Path(row["input_root"], relative_path(row["source_file"])))


def _stale(row: dict, item: InputFile, settings: RunSettings) -> bool:
    """Read by another pipeline or engine, cut off by a shorter time limit than now, not
    opened or not finished for a reason that may have passed (the module's list)."""
    if row["pipeline_version"] != settings.pipeline_version:
        return True
    if row["status"] in ("cannot_open", "worker_died"):
        return True  # nothing about the file says the cause is gone: a worker's death may have been the machine's
    if (row["status"] == "not_followed") != _not_followed(item):
        return True  # a link out of the input folder, since followed (--follow-symlinks) or no longer
    if item.is_pdf and (row["pdf_engine"] != settings.pdf_engine or row["ocr"] != settings.ocr):
        return True
    if row["status"] == "time_limit":
        old, new = row["time_limit_s"], settings.time_limit_s
        return new is None or (old is not None and new > old)
    return False


def _not_followed(item: InputFile) -> bool:
    return item.refusal is not None and item.refusal.error_type == "link_outside_input"


# A failed input's status, by the reason it failed; any other reason is "error".
_FAILED_STATUS = (("time_limit", "time_limit"), ("cannot_open", "cannot_open"), ("unsupported_format", "unsupported"),
                  ("link_outside_input", "not_followed"), ("worker_died", "worker_died"))


def input_status(result: FileOutput) -> str:
    """How reading an input went: ok, partly_read, or why it failed (_FAILED_STATUS, else error)."""
    if result.read:
        return "partly_read" if result.errors else "ok"
    error_types = {e.error_type for e in result.errors}
    return next((status for error_type, status in _FAILED_STATUS if error_type in error_types), "error")


def manifest_row(item: InputFile, result: FileOutput, rows: dict[str, int], settings: RunSettings, *,
                 died_before: bool = False) -> dict:
    """The manifest row of an input this run read. `died_before`: it was read again because
    its worker died on the last run; dying again it is worker_died_again, not read again
    until it changes."""
    status = input_status(result)
    return {
        "source_file": item.source_file, "input_root": settings.input_root, "size": item.size,
        "mtime_ns": item.mtime_ns, "sha256": result.sha256, "pipeline_version": settings.pipeline_version,
        "pdf_engine": settings.pdf_engine if item.is_pdf else None, "ocr": settings.ocr if item.is_pdf else None,
        "ocr_pages": result.ocr_pages,
        "status": "worker_died_again" if status == "worker_died" and died_before else status,
        "seconds": result.seconds, "time_limit_s": settings.time_limit_s, "peak_rss_mb": result.peak_rss_mb,
        "processed_at": dt.datetime.now(dt.UTC).replace(microsecond=0),
        **{f"rows_{table}": rows.get(table, 0) for table in SCHEMAS},
    }


def manifest_table(rows: list[dict]) -> pa.Table:
    rows = sorted(rows, key=lambda r: (r["input_root"], r["source_file"]))
    return pa.Table.from_pylist(rows, schema=MANIFEST)
