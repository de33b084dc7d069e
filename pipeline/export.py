"""Copy the tables of an output folder into one Excel workbook or a folder of CSV files,
for the people who open them in Excel or WPS (`gazette export`).

The Parquet files stay the data: the workbook is a view of them within Excel's limits
(MAX_ROWS rows a sheet, so a longer table continues on `<table> (2)` ...; MAX_CELL_CHARS
characters a cell, so a longer text is cut), and its first sheet, `说明 README`, lists every
column with its type and the data dictionary's description and says what was split or cut.
The CSV files keep every value whole. In both, lists and structs are JSON text.

openpyxl (write-only mode: rows stream to disk, memory stays flat) writes the workbook; the
same package reads it back in the tests.
"""
from __future__ import annotations

import csv
import datetime as dt
import json
import math
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from pipeline.schema import OUTPUT_TABLES, SCHEMA_VERSION

MAX_ROWS = 1_048_576  # Excel's rows per sheet, the header row included
MAX_CELL_CHARS = 32_767  # Excel's characters per cell (UTF-16 code units)
MAX_SHEET_NAME = 31
MAX_EXACT_INT = 10**15  # Excel numbers keep 15 significant digits: larger integers are written as text
README_SHEET = "说明 README"
BATCH_ROWS = 10_000
MAX_WIDTH, MIN_WIDTH, WIDTH_SAMPLE = 60, 8, 500


class ExportError(Exception):
    """The output folder cannot be exported (a table is missing)."""


@dataclass
class ExportSummary:
    path: Path
    rows: dict[str, int] = field(default_factory=dict)  # table -> rows
    sheets: dict[str, list[str]] = field(default_factory=dict)  # table -> its sheets, for split tables only
    cut: dict[str, int] = field(default_factory=dict)  # "table.column" -> cells cut

    def line(self) -> str:
        parts = [f"wrote {self.path}: {len(self.rows)} tables, {sum(self.rows.values())} rows"]
        if self.sheets:
            parts.append("split over sheets: " + ", ".join(f"{t} ({len(s)} sheets)" for t, s in self.sheets.items()))
        if self.cut:
            parts.append(f"{sum(self.cut.values())} cells cut at {MAX_CELL_CHARS:,} characters ("
                         + ", ".join(f"{c}: {n}" for c, n in self.cut.items()) + ")")
        return "; ".join(parts)


def _parquet_files(out_dir: Path) -> dict[str, pq.ParquetFile]:
    missing = [t for t in OUTPUT_TABLES if not (out_dir / f"{t}.parquet").is_file()]
    if missing:
        raise ExportError(f"{out_dir} has no {', '.join(f'{t}.parquet' for t in missing)}: run "
                          f"`gazette extract INPUT_DIR --out {out_dir}` first")
    return {t: pq.ParquetFile(out_dir / f"{t}.parquet") for t in OUTPUT_TABLES}


def _rows(file: pq.ParquetFile) -> Iterator[tuple]:
    for batch in file.iter_batches(batch_size=BATCH_ROWS):
        yield from zip(*(column.to_pylist() for column in batch.columns), strict=True)


def _is_nested(type_: pa.DataType) -> bool:
    return pa.types.is_nested(type_)


def _json(value) -> str:
    return json.dumps(value, ensure_ascii=False, default=str)


def _utc_naive(value: dt.datetime) -> dt.datetime:
    return value.astimezone(dt.UTC).replace(tzinfo=None) if value.tzinfo else value


def _cut(text: str) -> tuple[str, bool]:
    """`text` within Excel's cell limit, counted as Excel does (UTF-16 code units)."""
    if len(text) <= MAX_CELL_CHARS // 2 or len(text.encode("utf-16-le")) // 2 <= MAX_CELL_CHARS:
        return text, False
    text = text[:MAX_CELL_CHARS]
    while len(text.encode("utf-16-le")) // 2 > MAX_CELL_CHARS:
        text = text[:-1]
    return text, True


def _display_width(text: str) -> int:
    """Columns the text takes in a spreadsheet: CJK and other wide characters count twice."""
    return sum(2 if ord(ch) >= 0x1100 else 1 for ch in text)


def _kind(type_: pa.DataType) -> str:
    """How a column is written in the workbook, for the README sheet."""
    if _is_nested(type_):
        return "JSON text"
    if pa.types.is_timestamp(type_):
        return "date and time, UTC (no time zone)" if type_.tz else "date and time"
    if pa.types.is_date(type_):
        return "date"
    if pa.types.is_boolean(type_):
        return "TRUE / FALSE"
    if pa.types.is_integer(type_) or pa.types.is_floating(type_):
        return "number"
    return "text"


def _width(name: str, type_: pa.DataType, sample: list) -> float:
    if pa.types.is_timestamp(type_):
        return max(20, len(name) + 2)
    if pa.types.is_date(type_):
        return max(12, len(name) + 2)
    widest = max((_display_width(v if isinstance(v, str) else _json(v) if _is_nested(type_) else str(v))
                  for v in sample if v is not None), default=0)
    return float(min(MAX_WIDTH, max(MIN_WIDTH, len(name) + 2, widest + 2)))


def _sheet_names(table: str, rows: int) -> list[str]:
    per_sheet = MAX_ROWS - 1
    count = max(1, math.ceil(rows / per_sheet))
    names = [table[:MAX_SHEET_NAME]]
    for n in range(2, count + 1):
        suffix = f" ({n})"
        names.append(table[:MAX_SHEET_NAME - len(suffix)] + suffix)
    return names


def export_xlsx(out_dir: Path, path: Path) -> ExportSummary:
    """Write every table in `out_dir` to the workbook `path` (replaced if it exists)."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    files = _parquet_files(out_dir)
    summary = ExportSummary(path)
    wb = Workbook(write_only=True)
    bold = Font(bold=True)
    readme = wb.create_sheet(README_SHEET)  # first; its rows are written last, when the cuts are known
    for letter, width in zip("ABCDEF", (18, 24, 24, 10, 30, 90), strict=True):
        readme.column_dimensions[letter].width = width

    def cell(ws, value, font=None):
        c = WriteOnlyCell(ws, value=value)
        if isinstance(value, str) and value.startswith("="):
            c.data_type = "s"  # a text, not a formula
        if font is not None:
            c.font = font
        return c

    def header(ws, names, widths):
        ws.freeze_panes = "A2"
        for i, width in enumerate(widths, 1):
            ws.column_dimensions[get_column_letter(i)].width = width
        ws.append([cell(ws, name, bold) for name in names])

    for table, file in files.items():
        schema = file.schema_arrow
        rows = file.metadata.num_rows
        summary.rows[table] = rows
        names = _sheet_names(table, rows)
        if len(names) > 1:
            summary.sheets[table] = names
        first = next(file.iter_batches(batch_size=WIDTH_SAMPLE), None)
        widths = [_width(f.name, f.type, first.column(i).to_pylist() if first is not None else [])
                  for i, f in enumerate(schema)]
        nested = [_is_nested(f.type) for f in schema]
        sheets = iter(names)
        ws, left = None, 0
        for row in _rows(file):
            if left == 0:
                ws, left = wb.create_sheet(next(sheets)), MAX_ROWS - 1
                header(ws, schema.names, widths)
            out = []
            for f, is_nested, value in zip(schema, nested, row, strict=True):
                if value is None:
                    pass
                elif is_nested:
                    value = _json(value)
                elif isinstance(value, dt.datetime):
                    value = _utc_naive(value)
                elif isinstance(value, float) and not math.isfinite(value):
                    value = None  # Excel has no NaN or infinity
                elif isinstance(value, int) and not isinstance(value, bool) and abs(value) >= MAX_EXACT_INT:
                    value = str(value)  # Excel keeps 15 digits: manifest.mtime_ns would be rounded
                if isinstance(value, str):
                    value = ILLEGAL_CHARACTERS_RE.sub("", value)
                    value, was_cut = _cut(value)
                    if was_cut:
                        key = f"{table}.{f.name}"
                        summary.cut[key] = summary.cut.get(key, 0) + 1
                out.append(cell(ws, value) if isinstance(value, str) and value.startswith("=") else value)
            ws.append(out)
            left -= 1
        if ws is None:  # an empty table: its header alone
            header(wb.create_sheet(names[0]), schema.names, widths)

    _write_readme(readme, files, summary, out_dir, lambda v: cell(readme, v, bold))
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    try:
        wb.save(tmp)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    return summary


def _write_readme(ws, files: dict[str, pq.ParquetFile], summary: ExportSummary, out_dir: Path, bold) -> None:
    split = "; ".join(f"{t} continues on {', '.join(s[1:])}" for t, s in summary.sheets.items()) or "none"
    cut = ("; ".join(f"{c} ({n} cells)" for c, n in summary.cut.items()) or "none")
    for line in (
        [bold(f"gazette tables from {out_dir.resolve()} (schema_version {SCHEMA_VERSION}), exported "
              f"{dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC")],
        ["One sheet per table, in the order below; the column descriptions are those of docs/DATA_DICTIONARY.md."],
        ["Lists and structs (documents.ocr_pages, gazette_issues.toc, subsidies.responsible_units ...) are JSON text."],
        ["Dates are Excel dates. Excel has no time zones: timestamps (manifest.processed_at) are in UTC, "
         "written without a zone."],
        [f"Excel holds {MAX_ROWS:,} rows a sheet (header included): a longer table continues on "
         f"'<table> (2)', '(3)' ... Split tables: {split}."],
        [f"Excel holds {MAX_CELL_CHARS:,} characters a cell: longer values are cut there. Cut columns: {cut}. "
         "The Parquet files and `gazette export OUT --csv DIR` keep the whole text."],
        ["Integers of 16 digits or more (manifest.mtime_ns) are text: Excel would round them to 15 digits."],
        ["Control characters Excel cannot store (U+0000-U+001F but tab and line breaks) are left out of text cells."],
        [],
        [bold(h) for h in ("table", "column", "type", "nullable", "in this workbook", "description")],
    ):
        ws.append(line)
    for table, file in files.items():
        declared = OUTPUT_TABLES[table]
        doc = (declared.metadata or {}).get(b"description", b"").decode()
        ws.append([bold(table), None, None, None, f"{summary.rows[table]} rows", doc])
        for f in file.schema_arrow:
            known = declared.field(f.name) if f.name in declared.names else f
            description = (known.metadata or {}).get(b"description", b"").decode()
            kind = _kind(f.type)
            if f"{table}.{f.name}" in summary.cut:
                kind += f", cut at {MAX_CELL_CHARS:,} characters in {summary.cut[f'{table}.{f.name}']} cells"
            ws.append([table, f.name, str(known.type), "yes" if known.nullable else "no", kind, description])


def _csv_value(value, nested: bool):
    if value is None:
        return ""
    if nested:
        return _json(value)
    if isinstance(value, dt.date):  # dates and datetimes (a datetime keeps its zone)
        return value.isoformat()
    return value


def export_csv(out_dir: Path, folder: Path) -> ExportSummary:
    """Write every table in `out_dir` to `folder`/<table>.csv (UTF-8 with a BOM, for Excel)."""
    files = _parquet_files(out_dir)
    folder.mkdir(parents=True, exist_ok=True)
    summary = ExportSummary(folder)
    for table, file in files.items():
        schema = file.schema_arrow
        nested = [_is_nested(f.type) for f in schema]
        path = folder / f"{table}.csv"
        tmp = folder / f".{table}.csv.tmp"
        try:
            with tmp.open("w", encoding="utf-8-sig", newline="") as handle:
                writer = csv.writer(handle)
                writer.writerow(schema.names)
                for row in _rows(file):
                    writer.writerow([_csv_value(v, n) for v, n in zip(row, nested, strict=True)])
            os.replace(tmp, path)
        finally:
            tmp.unlink(missing_ok=True)
        summary.rows[table] = file.metadata.num_rows
    return summary
