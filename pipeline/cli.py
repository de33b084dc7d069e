"""The `gazette` command line (also `python -m pipeline`)."""
from __future__ import annotations

import sys
from pathlib import Path

import click

from pipeline.lock import OutputBusy
from pipeline.run import DEFAULT_ENGINE, DEFAULT_TIME_LIMIT_S, PDF_ENGINES, default_workers, find_inputs, run
from pipeline.write import OutputError, SchemaViolation

EXIT_BUSY = 75  # EX_TEMPFAIL: cron may simply try again later


class OutputBusyError(click.ClickException):
    exit_code = EXIT_BUSY


@click.group()
@click.version_option(package_name="gazette")
def gazette():
    """Turn Chinese government gazettes (PDF issues, web pages, text) into Parquet tables.

    Example:  gazette extract data/raw --out data/out
    """


@gazette.command()
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
def extract(input_dir: Path, out_dir: Path, full: bool, workers: int | None, pdf_engine: str,
            time_limit_s: float, executor: str, scheduler: str | None, wait_s: float):
    """Read the gazettes under INPUT_DIR (.pdf, .html/.htm, .txt) and update the tables in OUT.

    Example:  gazette extract data/raw --out data/out

    Only inputs that are new or changed since the last run into OUT are read (OUT/manifest.parquet
    records each input's size, time and sha256), and the rows of inputs gone from INPUT_DIR are
    removed; --full reads everything again. One run at a time writes OUT.

    An unreadable input gets a row in OUT/errors.parquet and a message here; the
    others are still read. Exit status 0 unless every input read this run failed.
    """
    if not find_inputs(input_dir):
        raise click.ClickException(f"no .pdf, .html, .htm or .txt files under {input_dir}")
    if (executor == "dask") != bool(scheduler):
        raise click.UsageError("--executor dask and --scheduler ADDRESS go together")

    from tqdm import tqdm

    def progress(results, total):
        return tqdm(results, total=total, unit="file", file=sys.stderr, disable=None, leave=False)

    def on_error(error):
        tqdm.write(f"gazette: {error.source_file}: {error.error_type} ({error.stage}): {error.message}",
                   file=sys.stderr)

    try:
        summary = run(input_dir, out_dir, workers=workers or default_workers(), pdf_engine=pdf_engine,
                      time_limit_s=time_limit_s or None, full=full, scheduler=scheduler, wait_s=wait_s,
                      progress=progress, on_error=on_error)
    except OutputBusy as exc:
        raise OutputBusyError(str(exc)) from exc
    except (OutputError, SchemaViolation, OSError) as exc:
        raise click.ClickException(f"could not write {out_dir}: {exc}") from exc
    click.echo(f"gazette: {summary.line()} -> {out_dir}", err=True)
    if summary.files_failed and not summary.files_read and not summary.unchanged:
        raise click.ClickException(f"none of the {summary.files_failed} inputs under {input_dir} could be read")
