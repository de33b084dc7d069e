"""The `gazette` command line (also `python -m pipeline`)."""
from __future__ import annotations

import sys
from pathlib import Path

import click
from tqdm import tqdm

from pipeline.run import find_inputs, run
from pipeline.write import OutputError, SchemaViolation


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
def extract(input_dir: Path, out_dir: Path):
    """Read every gazette under INPUT_DIR (.pdf, .html/.htm, .txt) and write the tables to OUT.

    Example:  gazette extract data/raw --out data/out

    An unreadable input gets a row in OUT/errors.parquet and a message here; the
    others are still read. Exit status 0 when at least one input was read.
    """
    if not find_inputs(input_dir):
        raise click.ClickException(f"no .pdf, .html, .htm or .txt files under {input_dir}")

    def progress(items):
        return tqdm(items, unit="file", file=sys.stderr, disable=None, leave=False)

    def on_error(error):
        tqdm.write(f"gazette: {error.source_file}: {error.error_type} ({error.stage}): {error.message}",
                   file=sys.stderr)

    try:
        summary = run(input_dir, out_dir, progress=progress, on_error=on_error)
    except (OutputError, SchemaViolation, OSError) as exc:
        raise click.ClickException(f"could not write {out_dir}: {exc}") from exc
    click.echo(f"gazette: {summary.line()} -> {out_dir}", err=True)
    if summary.files_read == 0:
        raise click.ClickException(f"none of the {summary.files} inputs under {input_dir} could be read")
