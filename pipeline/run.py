"""Orchestration: find the inputs, decide which to read, read them in parallel, write.

    read -> normalise -> segment -> extract      (per file: `process_file`, in a worker)
    plan, lock, stream results, write            (once per run: `run`)

A file that fails at any stage gives an ErrorRow naming the stage and the file; the
run goes on with the next one. A document whose extraction fails costs only its facts
(_extract_each): the file is partly_read. This module and cli.py are the only places that chain
the stages; pipeline.executors only decides where `process_file` runs.
"""
from __future__ import annotations

import datetime as dt
import errno
import os
import resource
import stat
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from itertools import chain
from pathlib import Path, PurePosixPath

import pyarrow as pa

from parsers import ReadError, pdf
from pipeline.executors import (
    StopRequested,
    default_memory_limit_mb,
    failed,
    join_stopped_pools,
    memory_ceiling_mb,
    run_dask,
    run_local,
)
from pipeline.lock import output_lock
from pipeline.manifest import (
    InputFile,
    Plan,
    Refusal,
    RunSettings,
    input_status,
    manifest_row,
    manifest_table,
    plan_run,
    read_manifest,
    sha256_of,
    source_name,
)
from pipeline.read import OCR_MODES, read
from pipeline.records import ErrorRow, FileOutput, FileResult
from pipeline.schema import SCHEMAS
from pipeline.version import pipeline_version
from pipeline.write import (
    OutputWriter,
    SchemaViolation,
    file_output,
    refresh_validity,
    remove_leftovers,
    table_with_validity,
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


def find_inputs(root: Path, *, follow_symlinks: bool = False) -> list[InputFile]:
    """Every file under `root`, in a stable order, with its size and time.

    Every file is an input: one gazette has no reader for is listed as unsupported, not
    skipped. Hidden files and folders (a name starting with ".": .git, .DS_Store, editors'
    swap files) are not inputs, as in git and rsync. What must not be opened is listed
    with the reason (InputFile.refusal, its error row), so nothing vanishes in silence:

    - a FIFO, socket or device (not_a_file): opening a FIFO would wait for a writer forever;
    - a symbolic link out of `root` (link_outside_input): the run reads only what is under
      `root` unless `follow_symlinks`. A link to a file inside `root` is read; a link to a
      folder inside `root` is not followed, its files being inputs under their own names;
    - with `follow_symlinks`, links to folders are followed too, but never into a folder
      above the link (link_loop);
    - a link to nothing, a loop of links, and a folder that cannot be listed (cannot_open,
      which the next run tries again).

    source_file is the path relative to `root` (the file's own name when `root` is a
    file), so the same folder gives the same names on any machine; a name that is not
    UTF-8 or holds control characters is escaped (pipeline.manifest.source_name).
    """
    if root.is_file():
        status = root.stat()
        return [InputFile(root, source_name(root.name), status.st_size, status.st_mtime_ns)]
    return sorted(_walk(root, follow_symlinks), key=lambda item: item.path)


def _walk(root: Path, follow_symlinks: bool) -> list[InputFile]:
    inside = root.resolve()
    found: list[InputFile] = []
    folders = [_Folder(root, "", frozenset({_identity(root.stat())}))]
    while folders:
        folder = folders.pop()
        try:
            with os.scandir(folder.path) as listing:
                entries = [entry for entry in listing if not entry.name.startswith(".")]
        except OSError as exc:
            if folder.prefix:  # not the input folder itself: the command line says that one holds no files
                found.append(_refused(folder.path, folder.prefix[:-1], "cannot_open", f"the folder cannot be "
                                      f"listed: {exc.strerror or exc}; it is read again on the next run"))
            continue
        for entry in entries:
            item = _entry(entry, folder, inside, follow_symlinks)
            if isinstance(item, _Folder):
                folders.append(item)
            elif item is not None:
                found.append(item)
    return found


@dataclass(frozen=True, slots=True)
class _Folder:
    """A folder find_inputs walks: its path, its name under the input folder with a "/",
    and the (device, inode) of every folder from the input folder down to it."""

    path: Path
    prefix: str
    above: frozenset[tuple[int, int]]


def _entry(entry: os.DirEntry, folder: _Folder, inside: Path, follow_symlinks: bool) -> InputFile | _Folder | None:
    """What one entry of a folder is: an input (a file, or one listed with its refusal), a
    folder to walk, or None (a link to a folder inside the input folder, whose files are
    inputs under their own names)."""
    path, name = Path(entry.path), folder.prefix + entry.name
    try:
        status = entry.stat()  # of what a link points to
    except OSError as exc:
        return _refused(path, name, "cannot_open", _unreachable(path, exc))
    link = entry.is_symlink()
    leaves = link and not Path(os.path.realpath(path)).is_relative_to(inside)
    if stat.S_ISDIR(status.st_mode):
        if link and not follow_symlinks:
            return _refused(path, name, "link_outside_input", _outside(path, "the folder ")) if leaves else None
        if _identity(status) in folder.above:
            return _refused(path, name, "link_loop", f"a symbolic link to {os.path.realpath(path)}, a folder "
                            "above it: a loop, not followed")
        return _Folder(path, name + "/", folder.above | {_identity(status)})
    if leaves and not follow_symlinks:
        return _refused(path, name, "link_outside_input", _outside(path), status)
    if stat.S_ISREG(status.st_mode):
        return InputFile(path, source_name(name), status.st_size, status.st_mtime_ns)
    return _refused(path, name, "not_a_file", f"{_file_type(status)}, not a file: not opened", status)


def _refused(path: Path, name: str, error_type: str, message: str,
             status: os.stat_result | None = None) -> InputFile:
    """An input listed with why it is not opened; its size and time, when it has them, tell
    the next run whether it changed."""
    size, mtime_ns = (status.st_size, status.st_mtime_ns) if status else (-1, -1)
    return InputFile(path, source_name(name), size, mtime_ns, Refusal(error_type, message))


def _identity(status: os.stat_result) -> tuple[int, int]:
    return status.st_dev, status.st_ino


def _outside(path: Path, what: str = "") -> str:
    return (f"a symbolic link to {what}{os.path.realpath(path)}, outside the input folder: not followed "
            "(--follow-symlinks reads it)")


def _unreachable(path: Path, exc: OSError) -> str:
    """Why stat failed on a directory entry: a link to nothing or a loop of links, mostly."""
    if path.is_symlink() and exc.errno == errno.ENOENT:
        return f"a symbolic link to {os.readlink(path)}, which does not exist; it is read again on the next run"
    if exc.errno == errno.ELOOP:
        return "a symbolic link in a loop of links; it is read again on the next run"
    return f"cannot open the file: {exc.strerror or exc}; it is read again on the next run"


_FILE_TYPES = ((stat.S_ISFIFO, "a FIFO (named pipe)"), (stat.S_ISSOCK, "a socket"),
               (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device"), (stat.S_ISDIR, "a folder"))


def _file_type(status: os.stat_result) -> str:
    return next((name for test, name in _FILE_TYPES if test(status.st_mode)), "a special file")


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
    peak_before = _address_space_peak_mb()
    stage = "read"
    try:
        _refuse_if_not_a_file(path)
        raw = read(path, source_file, pdf_engine=pdf_engine, deadline=deadline, ocr=ocr)
        stage = "normalise"
        raw = normalise(raw)
        stage = "segment"
        issue = segment(raw)
        stage = "extract"
        facts, failures = _extract_each(issue, source_file, extract, peak_before)
    except Exception as exc:  # ReadError: a bad input; any other: a bug or an input we did not foresee
        result = FileResult(source_file, None, errors=(_error_row(exc, source_file, stage, peak_before),))
    else:
        warnings = tuple(ErrorRow(source_file, "read", "partly_read", w) for w in raw.warnings)
        result = FileResult(source_file, issue, facts=facts, errors=warnings + failures, sha256=issue.source_sha256)
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
        output = refused(item) if item.refusal else read_input(
            item.path, item.source_file, pdf_engine=pdf_engine, time_limit_s=time_limit_s, ocr=ocr)
        for table, data in output.tables.items():
            parts[table].append(data)
    out = {table: pa.concat_tables(parts[table]) if parts[table] else schema.empty_table()
           for table, schema in SCHEMAS.items()}
    out["documents"] = table_with_validity(out["documents"], today or run_date())
    return out


def _extract_each(issue, source_file: str, extract, peak_before: float | None) -> tuple[tuple, tuple[ErrorRow, ...]]:
    """Every document's facts, and an error row for each document whose extraction raised:
    an exception no rule foresaw (a bug to report) costs that document's facts, not the
    file's other documents, and the document itself (its row, text and sections) is kept.
    The file is then partly_read. Reaching the worker's memory ceiling still fails the file."""
    facts: list = []
    failures: list[ErrorRow] = []
    for number, doc in enumerate(issue.documents, start=1):
        try:
            facts.extend(extract(doc, issue.pages))
        except Exception as exc:
            if _hit_memory_ceiling(exc, peak_before):
                raise
            failures.append(ErrorRow(source_file, "extract", type(exc).__name__,
                                     f"document {number} of {len(issue.documents)} ({doc.doc_id}, "
                                     f"{doc.title or 'untitled'}): its facts are left out: "
                                     f"{type(exc).__name__}: {exc}"))
    return tuple(facts), tuple(failures)


def _error_row(exc: Exception, source_file: str, stage: str, peak_before: float | None) -> ErrorRow:
    """The error row of an input whose reading raised `exc` at `stage`: what a reader says
    (ReadError); memory_limit when it took the worker to its ceiling (pipeline.executors.
    start_worker); else the exception."""
    if isinstance(exc, ReadError):
        return ErrorRow(source_file, stage, exc.error_type, exc.message)
    if _hit_memory_ceiling(exc, peak_before):
        return ErrorRow(source_file, stage, "memory_limit", f"the worker reading it reached its memory ceiling, "
                        f"{memory_ceiling_mb():,} MB (--memory-limit), and was stopped ({type(exc).__name__})")
    return ErrorRow(source_file, stage, type(exc).__name__, f"{type(exc).__name__}: {exc}")


# A failure at the memory ceiling is not always a MemoryError: a C library that cannot
# allocate says so its own way (lxml: "XMLSyntaxError: unknown error"). It is known by the
# address space this file took the worker to: this close to the ceiling.
NEAR_CEILING = 0.9


def _hit_memory_ceiling(exc: Exception, peak_before: float | None) -> bool:
    ceiling = memory_ceiling_mb()
    if ceiling is None:
        return False
    if isinstance(exc, MemoryError):
        return True
    peak = _address_space_peak_mb()
    return None not in (peak, peak_before) and peak > peak_before and peak >= NEAR_CEILING * ceiling


def _address_space_peak_mb() -> float | None:
    """The most address space this process has held (VmPeak), in MB; None off Linux."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            return next(int(line.split()[1]) / 1024 for line in status if line.startswith("VmPeak:"))
    except (OSError, StopIteration, ValueError):
        return None


def refused(item: InputFile) -> FileOutput:
    """The result of an input that is listed but not opened (find_inputs): its error row."""
    return failed(item, item.refusal.error_type, item.refusal.message)


def _refuse_if_not_a_file(path: Path) -> None:
    """find_inputs lists FIFOs and devices without opening them; one put where a file was
    found since is refused here, for opening it could wait forever."""
    status = _status(path)
    if status is not None and not stat.S_ISREG(status.st_mode):
        raise ReadError("not_a_file", f"{_file_type(status)}, not a file: not opened")


def read_input(path: Path, source_file: str, **reading) -> FileOutput:
    """process_file, then its rows made into Arrow tables, where the input was read (a
    worker): what the writer takes. A row that does not fit its schema (a bug of ours) makes
    the input an error row, shown on this file, and the run goes on."""
    result = process_file(path, source_file, **reading)
    try:
        return file_output(result)
    except SchemaViolation as exc:
        return file_output(FileResult(source_file, None, sha256=result.sha256, seconds=result.seconds,
                                      peak_rss_mb=result.peak_rss_mb,
                                      errors=(ErrorRow(source_file, "write", "schema_violation", str(exc)),)))


def _sha256_if_readable(path: Path) -> str | None:
    status = _status(path)
    if status is None or not stat.S_ISREG(status.st_mode):
        return None
    try:
        return sha256_of(path)
    except OSError:
        return None


def _status(path: Path) -> os.stat_result | None:
    try:
        return path.stat()
    except OSError:  # the reader says why it cannot be opened
        return None


def _peak_rss_mb() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)  # Linux reports kB


@dataclass
class RunSummary:
    files: int = 0  # inputs found
    files_read: int = 0  # read this run, with at least one document's worth of text
    files_failed: int = 0  # read this run, without result
    unsupported: dict[str, int] = field(default_factory=dict)  # suffix -> files gazette has no reader for
    not_followed: int = 0  # symbolic links out of the input folder, listed, not read (--follow-symlinks)
    ocr_pages: int = 0  # PDF pages read by OCR this run
    unchanged: int = 0  # skipped: read by an earlier run, unchanged since
    removed: int = 0  # gone from the input folder: their rows were removed
    name_clashes: int = 0  # not read: an input of another folder, read into OUT, has the name (NameClash)
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
        if self.not_followed:
            parts.append(f"{self.not_followed} not followed (links out of the input folder)")
        parts.append(f"{self.unchanged} unchanged")
        if self.removed:
            parts.append(f"{self.removed} removed")
        if self.name_clashes:
            parts.append(f"{self.name_clashes} not read (the name of another folder's input)")
        documents = "document" if self.validity_changed == 1 else "documents"
        validity = (f"; validity changed for {self.validity_changed} {documents} read by earlier runs "
                    f"(as of {self.as_of})" if self.validity_changed else "")
        if not self.wrote:
            return ", ".join(parts) + f"{validity or ': nothing to do'}; {self.seconds:.1f} s"
        return (", ".join(parts) + f"; {self.documents} documents; rows written: {counts}; "
                f"errors={len(self.errors)}{validity}; {self.seconds:.1f} s")

    @property
    def wrote(self) -> bool:
        """This run changed the tables' rows."""
        return bool(self.files_read or self.files_failed or self.unsupported or self.not_followed or self.removed)

    def record(self, result: FileOutput, rows: dict[str, int]) -> None:
        status = input_status(result)
        if status == "unsupported":
            suffix = PurePosixPath(result.source_file).suffix.lower() or "(no suffix)"
            self.unsupported[suffix] = self.unsupported.get(suffix, 0) + 1
        elif status == "not_followed":
            self.not_followed += 1
        elif not result.read:
            self.files_failed += 1
        else:
            self.files_read += 1
            self.documents += result.documents
            self.ocr_pages += result.ocr_pages
        self.errors.extend(result.errors)
        for table, n in rows.items():
            self.rows[table] = self.rows.get(table, 0) + n


def default_workers() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


def run(input_root: Path, out_dir: Path, *, workers: int | None = None, pdf_engine: str = DEFAULT_ENGINE,
        time_limit_s: float | None = DEFAULT_TIME_LIMIT_S, ocr: str = DEFAULT_OCR, full: bool = False,
        scheduler: str | None = None, follow_symlinks: bool = False, memory_limit_mb: int | None = None,
        wait_s: float = 0, progress: Callable | None = None,
        on_error: Callable[[ErrorRow], None] | None = None, today: dt.date | None = None,
        stop: threading.Event | None = None) -> RunSummary:
    """Read the new and changed inputs under `input_root` and update the tables in `out_dir`.

    `scheduler` (a dask.distributed address) reads on that cluster instead of a local pool
    of `workers` processes, each held to `memory_limit_mb` MB of address space (default:
    pipeline.executors.default_memory_limit_mb; 0: no ceiling). `follow_symlinks` lets
    symbolic links lead out of `input_root` (find_inputs). Raises pipeline.lock.OutputBusy
    when another run holds `out_dir` for longer than `wait_s` seconds.

    `on_error` hears of every error row as its input is done, and of every input not read
    because an input of another folder, read into `out_dir` before, has its name
    (error_type name_clash; it has no row: that name's rows stay the other input's).

    Every run, one that reads nothing included, leaves documents.validity true on `today`
    (default: run_date()) for every row, those of inputs read by earlier runs too.

    `stop`, once set (by a signal handler: pipeline.cli), makes the run raise StopRequested
    while it waits for files, or before it swaps in the tables, and unwind as from Ctrl-C.
    """
    started = time.perf_counter()
    inputs = find_inputs(input_root, follow_symlinks=follow_symlinks)
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
        summary.name_clashes = len(plan.clashes)
        for clash in plan.clashes:  # no error row: the rows by that name are the other folder's input's
            if on_error:
                on_error(ErrorRow(clash.item.source_file, "read", "name_clash", clash.message(settings.input_root)))
        if plan.writes_tables:
            results = _read(plan.to_read, scheduler=scheduler, workers=workers, memory_limit_mb=memory_limit_mb,
                            stop=stop, pdf_engine=pdf_engine, time_limit_s=time_limit_s, ocr=ocr)
            try:
                _write(out_dir, plan, settings, results, summary, progress, on_error, stop, rewrite_all=full)
            finally:
                join_stopped_pools()  # the pool stops while the tables are written
        else:  # no input changed; the calendar did: validity as of today (a read of one column if it holds)
            summary.validity_changed = refresh_validity(out_dir, summary.as_of) or 0
            if plan.refreshed:
                write_manifest(out_dir, manifest_table(plan.unchanged + plan.other_roots))
    summary.seconds = time.perf_counter() - started
    return summary


def _read(items: list[InputFile], *, scheduler: str | None, workers: int | None, memory_limit_mb: int | None,
          stop: threading.Event | None, **reading) -> Iterator[tuple[InputFile, FileResult]]:
    """(input, result) as each input is done: first those listed but not opened (their error
    rows), then those read, on the cluster or in a local pool of `workers` processes held
    to `memory_limit_mb` each (None: a share of the machine; 0: no ceiling)."""
    listed = ((item, refused(item)) for item in items if item.refusal is not None)
    # the largest first: the pool's last files are then small ones, and no worker is left
    # reading a long issue alone while the others have nothing to do
    to_open = sorted((item for item in items if item.refusal is None), key=lambda item: -item.size)
    if not to_open:
        return listed
    if scheduler:
        return chain(listed, run_dask(to_open, scheduler, **reading))
    _prepare_workers([item.path for item in to_open])
    workers = workers or default_workers()
    ceiling = default_memory_limit_mb(workers) if memory_limit_mb is None else memory_limit_mb or None
    return chain(listed, run_local(to_open, min(workers, len(to_open)), memory_limit_mb=ceiling, stop=stop,
                                   **reading))


def _prepare_workers(paths: list[Path]) -> None:
    """What every worker would load at its first file, loaded once here and inherited by
    the workers the pool forks: the stages' modules, the indicator tagger, OpenCC, and the
    readers of the kinds of file among `paths`."""
    from pipeline import normalise, segment  # noqa: F401
    from pipeline.extract import prepare
    from pipeline.read import prepare as prepare_readers

    prepare()
    normalise.prepare()
    prepare_readers(paths)


def _write(out_dir: Path, plan: Plan, settings: RunSettings, results, summary: RunSummary,
           progress: Callable | None, on_error: Callable[[ErrorRow], None] | None,
           stop: threading.Event | None = None, rewrite_all: bool = False) -> None:
    """Stream every result into the tables, then swap them in with the new manifest
    (every table written anew when `rewrite_all`: a --full run)."""
    writer = OutputWriter(out_dir, plan.replaced_sources, summary.as_of, rewrite_all=rewrite_all)
    manifest = plan.unchanged + plan.other_roots
    try:
        for item, result in (progress(results, total=len(plan.to_read)) if progress else results):
            rows = writer.add_tables(result.tables)  # made into Arrow where it was read (read_input)
            summary.record(result, rows)
            for error in result.errors:
                if on_error:
                    on_error(error)
            manifest.append(manifest_row(item, result, rows, settings,
                                         died_before=item.source_file in plan.died_before))
        if stop is not None and stop.is_set():
            raise StopRequested
        writer.commit(manifest_table(manifest))
    except BaseException:
        writer.discard()
        raise
    summary.validity_changed = writer.validity_changed
