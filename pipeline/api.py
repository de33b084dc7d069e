"""The tables for notebooks: pandas DataFrames and a DuckDB connection, from Python.

    import gazette

    out = gazette.load("data/out")             # a folder `gazette extract` wrote
    out.subsidies                              # a pandas DataFrame, read when first asked for
    out.policies                               # one row per policy, as `gazette sql` has it
    out.sql("SELECT issuer, count(*) AS n FROM policies GROUP BY issuer")   # a DataFrame

    found = gazette.extract("data/raw/hangzhou-2023-17.txt")   # read here, nothing written
    found.targets

Both give a `Tables`: one DataFrame per table of the output folder (manifest included
when the folder has one), the `policies` view, and `connect()`, a DuckDB connection with
the same views as `gazette sql`. Columns and meanings are those of the Parquet files (docs/DATA_DICTIONARY.md);
integers and booleans are pandas' nullable dtypes, dates are datetime64.
"""
from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from pipeline.schema import OUTPUT_TABLES
from pipeline.sql import POLICIES_VIEW, NoTables, tables_in, view_statements

POLICIES = "policies"  # the view over documents: one row per policy, its best copy


class Tables:
    """The tables of one output folder, or of one in-process extraction.

    `tables.<name>` and `tables["<name>"]` are pandas DataFrames, made once and then kept
    (change one and the next call returns it changed: copy it first to keep the original).
    `tables.arrow("<name>")` is the Arrow table under it; `names` lists the tables there
    are; `sql(query)` runs a query on a fresh view of them and gives a DataFrame.
    """

    def __init__(self, *, folder: Path | None = None, arrow_tables: dict[str, pa.Table] | None = None):
        if (folder is None) == (arrow_tables is None):
            raise TypeError("Tables needs either an output folder or Arrow tables")
        self.folder = folder
        self._arrow: dict[str, pa.Table] = dict(arrow_tables or {})
        self._frames: dict[str, pd.DataFrame] = {}
        self.names: list[str] = tables_in(folder) if folder is not None else list(self._arrow)

    def arrow(self, name: str) -> pa.Table:
        """The Arrow table `name` (its declared schema, as in the Parquet file)."""
        if name == POLICIES:
            return self._query_arrow(f"SELECT * FROM {POLICIES}")
        if name not in self.names:
            raise KeyError(f"no table {name!r} here: there are {', '.join(self.names)}")
        if name not in self._arrow:
            self._arrow[name] = pq.read_table(self.folder / f"{name}.parquet")
        return self._arrow[name]

    def __getitem__(self, name: str) -> pd.DataFrame:
        if name not in self._frames:
            self._frames[name] = as_dataframe(self.arrow(name))
        return self._frames[name]

    def __getattr__(self, name: str) -> pd.DataFrame:
        if name.startswith("_") or (name not in OUTPUT_TABLES and name != POLICIES):
            raise AttributeError(name)
        try:
            return self[name]
        except KeyError as exc:
            raise AttributeError(exc.args[0]) from None

    def __dir__(self) -> list[str]:  # tab completion offers the tables
        return [*super().__dir__(), *self.names, POLICIES]

    def __iter__(self) -> Iterator[str]:
        return iter(self.names)

    def __repr__(self) -> str:
        where = str(self.folder) if self.folder is not None else "extracted in memory"
        rows = ", ".join(f"{name}={self.arrow(name).num_rows}" for name in self.names)
        return f"<gazette.Tables {where}: {rows}>"

    def connect(self):
        """A DuckDB connection (in memory) with one view per table and `policies`, as in
        `gazette sql`: over the Parquet files of a folder, over the tables of an extraction."""
        import duckdb  # only for those who ask: DataFrames alone do not need it

        connection = duckdb.connect()
        if self.folder is not None:
            connection.execute(view_statements(self.folder))
        else:
            for name, table in self._arrow.items():
                connection.register(name, table)
            connection.execute(POLICIES_VIEW)
        return connection

    def sql(self, query: str) -> pd.DataFrame:
        """QUERY over the tables and `policies` (DuckDB's SQL), as a DataFrame."""
        return as_dataframe(self._query_arrow(query))

    def _query_arrow(self, query: str) -> pa.Table:
        connection = self.connect()
        try:
            return connection.sql(query).to_arrow_table()
        finally:
            connection.close()


# An integer or boolean column stays one where a value is missing (documents.doc_year, a fact's
# page): pandas' nullable dtypes, not float64 and object as plain to_pandas() gives.
_NULLABLE_DTYPES = {pa.int8(): pd.Int8Dtype(), pa.int16(): pd.Int16Dtype(), pa.int32(): pd.Int32Dtype(),
                    pa.int64(): pd.Int64Dtype(), pa.bool_(): pd.BooleanDtype()}


def as_dataframe(table: pa.Table) -> pd.DataFrame:
    """An Arrow table as a DataFrame for analysis: nullable integers and booleans, dates as
    datetime64 (so `.dt.year` works), strings as pandas' str, lists as arrays."""
    return table.to_pandas(types_mapper=_NULLABLE_DTYPES.get, date_as_object=False)


def load(out_dir: str | os.PathLike) -> Tables:
    """The tables `gazette extract` wrote into `out_dir`."""
    folder = Path(out_dir).expanduser().resolve()
    if not folder.is_dir():
        raise FileNotFoundError(f"no folder {folder}: run `gazette extract INPUT_DIR --out {out_dir}` first")
    if not tables_in(folder):
        raise NoTables(f"no tables in {folder}: run `gazette extract INPUT_DIR --out {out_dir}` first")
    return Tables(folder=folder)


def extract(input_path: str | os.PathLike, *, pdf_engine: str | None = None, ocr: str | None = None,
            time_limit_s: float | None = None, today: dt.date | None = None) -> Tables:
    """Read one file or every file under a folder in this process and return its tables,
    without writing anything: the rows `gazette extract` would write for it (an input that
    cannot be read is a row of `errors`, as there). No manifest: nothing was run."""
    from pipeline import run  # the readers and extractors load only when something is read

    path = Path(input_path).expanduser()
    if not path.exists():
        raise FileNotFoundError(f"no file or folder {path}")
    tables = run.extract_tables(path, pdf_engine=pdf_engine or run.DEFAULT_ENGINE, ocr=ocr or run.DEFAULT_OCR,
                                time_limit_s=time_limit_s, today=today)
    return Tables(arrow_tables=tables)
