"""The `gazette` command line (also `python -m pipeline`)."""
from __future__ import annotations

import atexit
import os
import re
import shutil
import signal
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import click

from pipeline.executors import MEMORY_FLOOR_MB, StopRequested, keep_pandas_out
from pipeline.lock import OutputBusy
from pipeline.manifest import escaped
from pipeline.read import OCR_MODES
from pipeline.run import (
    DEFAULT_ENGINE,
    DEFAULT_OCR,
    DEFAULT_TIME_LIMIT_S,
    PDF_ENGINES,
    default_workers,
    find_inputs,
    run,
)
from pipeline.schema import OUTPUT_TABLES
from pipeline.sql import FORMATS, NoTables, open_shell, run_query, tables_in
from pipeline.write import OutputError, SchemaViolation

EXIT_BUSY = 75  # EX_TEMPFAIL: cron may simply try again later
EXIT_TERMINATED = 128 + signal.SIGTERM  # 143: what a shell reports for a process SIGTERM ended


class Failure(click.ClickException):
    """The command's closing `Error: ...` line; printable, since it may name a file or folder."""

    def __init__(self, message: str):
        super().__init__(printable(message))


class OutputBusyError(Failure):
    exit_code = EXIT_BUSY


@contextmanager
def sigterm_stops(stop: threading.Event) -> Iterator[None]:
    """While inside, SIGTERM (cron, systemd, `kill`) stops the run as Ctrl-C does: the
    handler sets `stop` and raises StopRequested where the main thread is, so the run
    unwinds, its staged rows dropped, its workers stopped, its lock released, every table
    whole (the old one, or the new one if the signal came while they were swapped in).
    `stop` stands for the rare exception Python drops (one raised while a worker is
    forked). A second SIGTERM while unwinding is ignored, so the cleanup finishes; worker
    processes set SIGTERM back to its default (pipeline.executors.start_worker)."""
    if threading.current_thread() is not threading.main_thread():
        yield  # only the main thread may handle signals
        return

    def terminated(signum, frame):
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        stop.set()
        raise StopRequested

    def unraisable(report) -> None:  # the dropped StopRequested is no news: `stop` stands for it
        if not isinstance(report.exc_value, StopRequested):
            previous_hook(report)

    previous, previous_hook = signal.signal(signal.SIGTERM, terminated), sys.unraisablehook
    sys.unraisablehook = unraisable
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)
        sys.unraisablehook = previous_hook


# What a line printed to a terminal or a log must not carry as it is: control characters
# (ESC clears the screen or retitles the window, CR and LF forge a line), the lone surrogates
# that stand for a name's bytes that are not UTF-8, and the bidi controls that show a name
# in another order than it has (U+202E makes `gpj.exe` read `exe.jpg`).
_UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def printable(text: object) -> str:
    """`text` (a name, a path, a message that quotes one) as it is safe to print: each
    character of _UNPRINTABLE written as an escape, `\\x1b`, `\\xff` for a byte that is not
    UTF-8, `\\u202e`. Every line this command line prints that holds a name goes through it."""
    return _UNPRINTABLE.sub(lambda match: escaped(match.group()), str(text))


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(package_name="gazette")
def gazette():
    """Turn Chinese government gazettes and policies (政府公报: PDF issues, scanned ones by OCR,
    web pages, Word, OFD, text) into Parquet tables of documents, sections, targets,
    subsidies, responsible units, dates and appointments, each fact traceable to the
    sentence that states it.

    \b
    Example:  gazette extract data/raw --out data/out     read the gazettes, write the tables
              gazette sql data/out                        query them in DuckDB
              gazette report data/out --html report/      review every fact in its sentence
              gazette validate data/out                   check the tables against the contract

    The tables and their columns: docs/DATA_DICTIONARY.md. Run `gazette COMMAND --help` for
    a command's options.
    """


def main() -> None:
    """The `gazette` program (its entry point, and `python -m pipeline`): the command, then a
    quick exit.

    Python's own exit frees every object a run made, one at a time: OpenCC's and jieba's
    dictionaries, the tables' buffers. That took 0.3 s at the end of every run, a fifth of a
    nightly run that reads one changed file, for memory the operating system takes back at
    once. So once the command is done, the program runs the exit handlers, flushes its output
    and leaves with os._exit, as a forked worker does, with the status Python's exit would
    give (a message for a status is printed; a failed flush of the output is status 120).
    An error the command does not handle still ends with Python's traceback and exit.
    Tests call `gazette` itself, which exits as usual.
    """
    try:
        gazette.main(prog_name="gazette")  # click's standalone mode ends with SystemExit
        status = 0
    except SystemExit as done:
        status = done.code
    if status is None:
        status = 0
    elif not isinstance(status, int):
        print(status, file=sys.stderr)
        status = 1
    atexit._run_exitfuncs()  # what Python's exit runs first: logging's flush, the pools' shutdown
    for stream in (sys.stdout, sys.stderr):
        try:
            if stream is not None:
                stream.flush()
        except (OSError, ValueError):  # a closed pipe
            status = 120
    os._exit(status)


OUT_DIR = click.argument("out_dir", metavar="OUT", type=click.Path(exists=True, file_okay=False, path_type=Path))


@gazette.command(short_help="Read gazettes into Parquet tables (only what changed).")
@click.argument("input_dir", type=click.Path(exists=True, path_type=Path))
@click.option("--out", "out_dir", required=True, type=click.Path(file_okay=False, path_type=Path),
              help="Folder for the Parquet tables (created if missing). Rows an earlier run wrote "
                   "for other inputs are kept.")
@click.option("--full", is_flag=True,
              help="Read every input again, not only the new and changed ones.")
@click.option("--workers", type=click.IntRange(min=1), default=None, show_default="the number of cores",
              help="Processes reading inputs in parallel.")
@click.option("--pdf-engine", type=click.Choice(PDF_ENGINES), default=DEFAULT_ENGINE, show_default=True,
              help="PDF text layer reader. Both give the same text; pdfplumber is the reference, "
                   "pdfium is about 20 times faster.")
@click.option("--ocr", type=click.Choice(OCR_MODES), default=DEFAULT_OCR, show_default=True,
              help="Which PDF pages are read by OCR (scanned pages): auto, those with no text layer or "
                   "one that is garbage; force, every page; off, none (a scanned page is then an error "
                   "row). OCR'd pages are listed in documents.ocr_pages.")
@click.option("--time-limit", "time_limit_s", type=click.FloatRange(min=0), default=DEFAULT_TIME_LIMIT_S,
              show_default=True, help="Seconds one input may take; past it the input is stopped and "
                                      "logged in errors (time_limit). 0: no limit.")
@click.option("--executor", type=click.Choice(["local", "dask"]), default="local", show_default=True,
              help="local: a process pool on this machine; dask: a dask.distributed cluster (needs "
                   "--scheduler, and the inputs on a file system its workers see).")
@click.option("--scheduler", metavar="ADDRESS", help="The dask scheduler, e.g. tcp://10.0.0.5:8786.")
@click.option("--wait", "wait_s", type=float, default=0, show_default=True,
              help="Seconds to wait when another run is writing OUT (-1: as long as it takes); "
                   f"then exit with status {EXIT_BUSY}.")
@click.option("--memory-limit", "memory_limit_mb", metavar="MB", type=click.IntRange(min=0), default=None,
              show_default=f"the machine's memory / workers, at least {MEMORY_FLOOR_MB}",
              help="Memory one worker may take: its address space (RLIMIT_AS), of which the libraries "
                   "reserve about 700 MB as it starts. An input that needs more is stopped and logged in "
                   "errors (memory_limit); the others are read. 0: no limit. Local workers only.")
@click.option("--follow-symlinks", is_flag=True,
              help="Read what symbolic links under INPUT_DIR point to outside it (files and folders). "
                   "Without it such a link is listed in errors (link_outside_input), not read; links "
                   "that stay inside INPUT_DIR are read either way.")
def extract(input_dir: Path, out_dir: Path, full: bool, workers: int | None, pdf_engine: str, ocr: str,
            time_limit_s: float, executor: str, scheduler: str | None, wait_s: float, memory_limit_mb: int | None,
            follow_symlinks: bool):
    """Read the gazettes and policies under INPUT_DIR (PDF, scanned PDF, web pages, text,
    Word .docx/.doc, OFD) and update the tables in OUT.

    Example:  gazette extract data/raw --out data/out

    Only inputs that are new or changed since the last run into OUT are read (OUT/manifest.parquet
    records each input's size, time and sha256), and the rows of inputs gone from INPUT_DIR are
    removed; --full reads everything again. One run at a time writes OUT.

    An unreadable input gets a row in OUT/errors.parquet and a message here; the
    others are still read. A file of a kind gazette has no reader for (an image, a
    spreadsheet, an archive) is listed once as unsupported, counted in the closing line;
    one that cannot be opened (permissions) is tried again on every run. At the end it prints each table's file in OUT with its rows.
    Several folders may be read into one OUT; an input named as one another folder wrote
    there is not read, and a message names both.
    Exit status 0 unless every input read this run failed; 143 when SIGTERM stopped the
    run, which leaves OUT as Ctrl-C does.
    """
    if not find_inputs(input_dir, follow_symlinks=follow_symlinks):
        raise Failure(f"no files under {input_dir}")
    if (executor == "dask") != bool(scheduler):
        raise click.UsageError("--executor dask and --scheduler ADDRESS go together")
    if executor == "local":
        keep_pandas_out()  # this process only writes tables (dask's client may want pandas)

    from tqdm import tqdm

    def progress(results, total):
        return tqdm(results, total=total, unit="file", file=sys.stderr, disable=None, leave=False)

    def on_error(error):
        if error.error_type == "unsupported_format":
            return  # counted, by suffix, in the closing line; each is a row in errors
        tqdm.write(printable(f"gazette: {error.source_file}: {error.error_type} ({error.stage}): {error.message}"),
                   file=sys.stderr)

    stop = threading.Event()
    try:
        with sigterm_stops(stop):
            summary = run(input_dir, out_dir, workers=workers or default_workers(), pdf_engine=pdf_engine,
                          ocr=ocr, time_limit_s=time_limit_s or None, full=full, scheduler=scheduler,
                          follow_symlinks=follow_symlinks, memory_limit_mb=memory_limit_mb, wait_s=wait_s,
                          progress=progress, on_error=on_error, stop=stop)
    except StopRequested:
        click.echo(printable(f"gazette: stopped by SIGTERM; every table in {out_dir} is whole, and the next run "
                             "reads what this one did not finish"), err=True)
        sys.exit(EXIT_TERMINATED)
    except OutputBusy as exc:
        raise OutputBusyError(str(exc)) from exc
    except (OutputError, SchemaViolation, OSError) as exc:
        raise Failure(f"could not write {out_dir}: {exc}") from exc
    click.echo(printable(f"gazette: {summary.line()}"), err=True)
    _print_written(out_dir, summary)
    if summary.files_failed and not summary.files_read and not summary.unchanged:
        raise Failure(f"none of the {summary.files_failed} inputs under {input_dir} could be read")


def _print_written(out_dir: Path, summary) -> None:
    """Where the tables are, how many rows each holds and how many this run wrote."""
    import pyarrow.parquet as pq


    click.echo(printable(f"{'wrote' if summary.wrote else 'unchanged:'} {out_dir}{os.sep}"))
    for table in OUTPUT_TABLES:
        path = out_dir / f"{table}.parquet"
        if path.is_file():
            rows = pq.ParquetFile(path).metadata.num_rows
            this_run = f"  ({summary.rows[table]} from this run)" if summary.rows.get(table) else ""
            click.echo(f"  {path.name:<26}{rows:>8} rows{this_run}")
    me = program()
    click.echo(printable(f"next: {me} sql {out_dir} | {me} report {out_dir} --html report/ | {me} validate {out_dir}"))


def program() -> str:
    """How to run this program again from where the user is, as they can type it: `gazette`
    when that name on PATH is this program; else its path (`.venv/bin/gazette` after `make
    extract`, whose venv a new shell has not activated); `.venv/bin/python -m pipeline` when
    run so."""
    script = Path(sys.argv[0])
    if script.name == "__main__.py":
        return f"{_as_typed(Path(sys.executable))} -m pipeline"
    if script.name != "gazette":  # called from other Python code (tests, a notebook)
        return "gazette"
    found = shutil.which("gazette")
    if found and Path(found).resolve() == script.resolve():
        return "gazette"
    return _as_typed(script)


def _as_typed(path: Path) -> str:
    """`path` relative to the working folder when it lies inside it, else absolute (not
    resolved: a venv's python is a link that must stay the venv's)."""
    path = path.absolute()
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


@gazette.command(short_help="Query the tables with SQL (a DuckDB shell, one view per table).")
@OUT_DIR
@click.option("-c", "--command", "query", metavar="QUERY",
              help="Run QUERY (one or more SQL statements), print the result and exit, instead of "
                   "opening the interactive shell.")
@click.option("--format", "output_format", type=click.Choice(FORMATS), default="duckbox", show_default=True,
              help="How results are printed; markdown and csv paste well into notes and spreadsheets.")
def sql(out_dir: Path, query: str | None, output_format: str):
    """Open DuckDB's shell on the tables in OUT: each table is a view of the same name over
    OUT/<table>.parquet (documents, targets, subsidies, responsible_units, dates, ...).

    \b
    Example:  gazette sql data/out
              gazette sql data/out -c "SELECT kind, count(*) FROM subsidies GROUP BY kind"
              gazette sql data/out --format csv -c "FROM targets" > targets.csv

    In the shell, `.tables` lists the views, `DESCRIBE targets;` shows a table's columns and
    `.quit` leaves. Nothing is copied: the views read the files the last run wrote.
    """
    try:
        if query is None:
            click.echo(printable(f"gazette: DuckDB on {out_dir}; views: {', '.join(tables_in(out_dir))}. "
                                 "`.quit` leaves."), err=True)
            open_shell(out_dir, output_format)
        result = run_query(out_dir, query, output_format)
    except NoTables as exc:
        raise Failure(str(exc)) from exc
    click.echo(result.stdout, nl=False)
    if result.returncode:
        raise Failure(result.stderr.strip() or f"duckdb exited with status {result.returncode}")


@gazette.command(short_help="Write a static review site: every fact highlighted in its sentence.")
@OUT_DIR
@click.option("--html", "html_dir", required=True, type=click.Path(file_okay=False, path_type=Path),
              help="Folder for the site (created if missing; its pages are replaced). Open "
                   "DIR/index.html in a browser: no server needed.")
def report(out_dir: Path, html_dir: Path):
    """Write a static HTML site for reviewing the tables in OUT: an index of inputs and
    documents, each issue's 目录 against the documents found, and each document's text with
    every extracted fact highlighted at its span; click a fact to see its sentence.

    \b
    Example:  gazette report data/out --html report/
              xdg-open report/index.html
    """
    from pipeline.report import ReportError, write_report

    try:
        summary = write_report(out_dir, html_dir)
    except ReportError as exc:
        raise Failure(str(exc)) from exc
    click.echo(f"gazette: {summary.line()}")
    click.echo(printable(f"open {html_dir / 'index.html'}"))


@gazette.command(short_help="Check the tables against their schemas and the evidence against the text.")
@OUT_DIR
def validate(out_dir: Path):
    """Check the tables in OUT: every table present with its declared columns, types and
    required values; values from closed lists; each fact's evidence equal to
    documents.text[char_start:char_end]; the manifest's rows per input equal to the tables'.

    \b
    Example:  gazette validate data/out

    Exit status 0 when everything holds, 1 with one line per problem otherwise.
    """
    from pipeline.validate import validate as check

    result = check(out_dir)
    rows = sum(result.tables.values())
    for problem in result.problems:
        click.echo(printable(f"  {problem.line()}"))
    if not result.ok:
        raise Failure(f"{out_dir}: {len(result.problems)} problems in {len(result.tables)} tables "
                                   f"({rows} rows)")
    click.echo(printable(f"gazette: {out_dir}: {len(result.tables)} tables, {rows} rows: all as the contract says"))


@gazette.command(short_help="Copy the tables into an Excel workbook or CSV files.")
@OUT_DIR
@click.option("--xlsx", "xlsx_path", metavar="FILE", type=click.Path(dir_okay=False, path_type=Path),
              help="Write one workbook: a 说明 README sheet (every column, its type and description), "
                   "then one sheet per table. Replaced if it exists.")
@click.option("--csv", "csv_dir", metavar="DIR", type=click.Path(file_okay=False, path_type=Path),
              help="Write DIR/<table>.csv for every table (DIR created if missing): UTF-8 with a BOM, so "
                   "Excel opens the Chinese right; every value whole.")
def export(out_dir: Path, xlsx_path: Path | None, csv_dir: Path | None):
    """Copy the tables in OUT into an Excel workbook (--xlsx) or CSV files (--csv), for
    Excel and WPS. Lists and structs (documents.ocr_pages, gazette_issues.toc) are JSON text.

    \b
    Example:  gazette export data/out --xlsx gazette.xlsx
              gazette export data/out --csv csv/

    Within Excel's limits: a table of more than 1,048,575 rows continues on sheets
    `<table> (2)` ...; a cell longer than 32,767 characters (documents.text) is cut, and
    the README sheet names the cut columns. The CSV files and the Parquet keep the whole text.
    Timestamps are written in UTC without a time zone (Excel has none).
    """
    from pipeline.export import ExportError, export_csv, export_xlsx

    if not xlsx_path and not csv_dir:
        raise click.UsageError("give --xlsx FILE, --csv DIR or both")
    try:
        if xlsx_path:
            click.echo(f"gazette: {export_xlsx(out_dir, xlsx_path).line()}")
        if csv_dir:
            click.echo(f"gazette: {export_csv(out_dir, csv_dir).line()}")
    except ExportError as exc:
        raise Failure(str(exc)) from exc
    except OSError as exc:
        raise Failure(f"could not write the export: {exc}") from exc
