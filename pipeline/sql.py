"""`gazette sql`: the DuckDB shell over a run's tables, one view per Parquet file.

The views read the files in place (no copy, no database file), so a query always sees
what the last run committed. The shell is DuckDB's own CLI (package duckdb-cli), run as
`python -m duckdb_cli` so the one in this environment is used.
"""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from pipeline.schema import OUTPUT_TABLES

# The shell's output modes a user may ask for by name (duckbox, its default: types under the
# names, long results cut in the middle).
FORMATS = ("duckbox", "box", "markdown", "csv", "json", "jsonlines", "line")


class NoTables(LookupError):
    """The folder holds none of the tables `gazette extract` writes."""


def tables_in(out_dir: Path) -> list[str]:
    return [table for table in OUTPUT_TABLES if (out_dir / f"{table}.parquet").is_file()]


def view_statements(out_dir: Path) -> str:
    """CREATE VIEW <table> for every table in OUT_DIR, over the file's absolute path."""
    tables = tables_in(out_dir)
    if not tables:
        raise NoTables(f"no tables in {out_dir}: run `gazette extract INPUT_DIR --out {out_dir}` first")
    views = [f"CREATE VIEW {table} AS SELECT * FROM read_parquet('{_quoted(out_dir / f'{table}.parquet')}');"
             for table in tables]
    if "documents" in tables:
        views.append(POLICIES_VIEW)
    return "\n".join(views)


# One row per policy: of the documents with one policy_id, listings left out, the best copy:
# the policy itself before a 政策解读 of it, a text layer before OCR, then the first input by
# name (a stable choice). `copies` counts the documents of the policy.
POLICIES_VIEW = """CREATE VIEW policies AS
SELECT * EXCLUDE (copy_rank) FROM (
    SELECT *, count(*) OVER (PARTITION BY policy_id) AS copies,
           row_number() OVER (PARTITION BY policy_id ORDER BY coalesce(doc_type, '') = '政策解读',
                              len(ocr_pages) > 0, source_file, position) AS copy_rank
    FROM documents WHERE NOT coalesce(is_listing, false)
) WHERE copy_rank = 1;"""


# DuckDB reads a file name as a glob pattern: `*`, `?` and `[...]` in OUT's path would read
# the tables of sibling folders (`out[1]` reads out1). Each is put in a bracket of its own,
# which matches just that character.
_GLOB_CHARACTERS = str.maketrans({"*": "[*]", "?": "[?]", "[": "[[]"})


def _quoted(path: Path) -> str:
    """`path`, absolute, as a SQL string literal's text that DuckDB reads as that one file."""
    return str(path.resolve()).translate(_GLOB_CHARACTERS).replace("'", "''")


def shell_command(out_dir: Path, query: str | None = None, output_format: str = "duckbox") -> list[str]:
    """The command line of a DuckDB shell with the views made: interactive, or running QUERY."""
    mode = [] if output_format == "duckbox" else [f"-{output_format}"]
    command = [sys.executable, "-m", "duckdb_cli", *mode, "-cmd", view_statements(out_dir)]
    return [*command, "-c", query] if query is not None else command


def run_query(out_dir: Path, query: str, output_format: str = "duckbox") -> subprocess.CompletedProcess:
    """QUERY's output as the DuckDB shell prints it (stdout), or its error (stderr)."""
    return subprocess.run(shell_command(out_dir, query, output_format), capture_output=True, text=True,
                          stdin=subprocess.DEVNULL)


def open_shell(out_dir: Path, output_format: str = "duckbox") -> None:
    """Replace this process with the interactive DuckDB shell (stdin, history, .help)."""
    command = shell_command(out_dir, None, output_format)
    sys.stdout.flush()
    sys.stderr.flush()  # what was printed before must not be lost with this process's buffers
    os.execv(command[0], command)
