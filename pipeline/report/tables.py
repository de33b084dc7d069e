"""What the review page reads: the Parquet tables of one output folder, as plain rows.

The report reads whatever a run left, as it is: a table that is missing (a run that
failed on every input writes only errors) or empty is no rows, and a column an older
schema version lacks reads as null. Only a file that is not Parquet at all stops it,
with the file named.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import pyarrow.parquet as pq

from pipeline.schema import OUTPUT_TABLES

# Every table: sections.parquet too, for the outline beside each document's text.
REPORTED_TABLES = tuple(OUTPUT_TABLES)


class ReportError(RuntimeError):
    """The output folder cannot be reported on (a mistake of the user, not a crash)."""


@dataclass(frozen=True, slots=True)
class OutTables:
    """Every table of an output folder, one dict per row (columns the file lacks are absent)."""

    rows: Mapping[str, tuple[dict, ...]]

    def __getitem__(self, table: str) -> tuple[dict, ...]:
        return self.rows.get(table, ())


def table_files(out_dir: Path) -> dict[str, Path]:
    """table -> its file in out_dir, for every table the report uses."""
    return {name: out_dir / f"{name}.parquet" for name in REPORTED_TABLES}


def read_out(out_dir: Path) -> OutTables:
    """Read every table of `out_dir`; raises ReportError when there is nothing to report on."""
    if not out_dir.is_dir():
        raise ReportError(f"{out_dir} is not a folder")
    present = {name: path for name, path in table_files(out_dir).items() if path.exists()}
    if not present:
        raise ReportError(f"{out_dir} holds no gazette tables (documents.parquet, errors.parquet ...); "
                          "give the folder `gazette extract --out` wrote")
    return OutTables({name: _read_rows(path) for name, path in present.items()})


def _read_rows(path: Path) -> tuple[dict, ...]:
    try:
        return tuple(pq.read_table(path).to_pylist())
    except Exception as exc:  # pyarrow raises several unrelated types for a damaged file
        raise ReportError(f"{path} is not a readable Parquet file ({exc})") from exc
