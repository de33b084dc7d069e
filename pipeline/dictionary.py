"""The data dictionary (docs/DATA_DICTIONARY.md), generated from the declared schemas.

Every table, column, type, nullability and meaning comes from `pipeline.schema`; the
example values come from a run over the sample corpus. Nothing in the file is written by
hand, so it cannot drift from the schemas: `make dictionary` rewrites it, and the tests
fail when the committed file is not what the schemas and the sample run give.

    python -m pipeline.dictionary OUT_DIR > docs/DATA_DICTIONARY.md
"""
from __future__ import annotations

import datetime as dt
import math
import sys
from collections.abc import Mapping
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from pipeline.schema import OUTPUT_TABLES, SCHEMA_VERSION

# Columns whose example depends on the machine or the moment of the run; the dictionary
# shows one, the tests do not compare it.
RUN_DEPENDENT = {("manifest", name) for name in (
    "input_root", "mtime_ns", "pipeline_version", "seconds", "peak_rss_mb", "processed_at")} | {
    ("documents", "validity"), ("documents", "validity_as_of")}  # as of the run date
EXAMPLE_CHARS = 48  # longer examples (a document's text, a sentence) are cut here, with …
SAMPLE_RUN = "tests/fixtures/corpus/raw"  # what `make dictionary` extracts the examples from

Examples = Mapping[str, Mapping[str, str]]  # table -> column -> example, as printed


def type_name(type_: pa.DataType) -> str:
    """The Arrow type as an analyst reads it: list<string>, not list<item: string>."""
    if pa.types.is_list(type_):
        return f"list<{type_name(type_.value_type)}>"
    if pa.types.is_struct(type_):
        return "struct<" + ", ".join(f"{f.name}: {type_name(f.type)}" for f in type_) + ">"
    if pa.types.is_timestamp(type_):
        return f"timestamp[{type_.unit}, {type_.tz}]" if type_.tz else f"timestamp[{type_.unit}]"
    return {pa.date32(): "date", pa.bool_(): "bool"}.get(type_, str(type_))


def describe(thing: pa.Field | pa.Schema) -> str:
    return (thing.metadata or {}).get(b"description", b"").decode()


def example_text(value) -> str:
    """One value as the dictionary prints it: short, one line, no Markdown table breaks."""
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        text = f"{value:.1f}"
    elif isinstance(value, dt.datetime):
        text = value.isoformat()
    elif isinstance(value, dt.date):
        text = value.isoformat()
    elif isinstance(value, bool):
        text = str(value).lower()
    elif isinstance(value, dict):
        text = "{" + ", ".join(f"{k}: {example_text(v)}" for k, v in value.items()) + "}"
    elif isinstance(value, list):
        text = "[" + ", ".join(example_text(v) for v in value) + "]"
    else:
        text = str(value)
    text = " ".join(text.split())
    if len(text) > EXAMPLE_CHARS:
        text = text[:EXAMPLE_CHARS - 1] + "…"
    return text.replace("|", "\\|")


def _is_example(value) -> bool:
    """A value worth showing: not NaN, not an empty list or string."""
    if value == [] or value == "":
        return False
    return not (isinstance(value, float) and math.isnan(value))


def examples_from(out_dir: Path) -> dict[str, dict[str, str]]:
    """For each table in OUT_DIR, each column's first value worth showing, with the rows in a
    fixed order (a run writes rows in the order inputs finish, which varies)."""
    examples: dict[str, dict[str, str]] = {}
    for table, schema in OUTPUT_TABLES.items():
        path = out_dir / f"{table}.parquet"
        if not path.exists():
            continue
        rows = pq.read_table(path).to_pylist()
        rows.sort(key=lambda row: tuple(str(row.get(name)) for name in schema.names))
        examples[table] = {}
        for name in schema.names:
            values = [row[name] for row in rows if row[name] is not None]
            # the first telling value; else an empty one ([] when no 目录 entry was missing)
            value = next((value for value in values if _is_example(value)), values[0] if values else None)
            if value is not None:
                examples[table][name] = example_text(value)
    return examples


def render(examples: Examples) -> str:
    """The whole docs/DATA_DICTIONARY.md."""
    lines = [
        "# Data dictionary",
        "",
        f"Generated from `pipeline/schema.py` (schema version {SCHEMA_VERSION}) by `make dictionary`;",
        f"the examples are real values from a run over the sample corpus (`{SAMPLE_RUN}`).",
        "Do not edit by hand: `tests/test_dictionary.py` fails when this file and the schemas disagree.",
        "",
        "Each table is one Parquet file, `OUT/<table>.parquet`; `gazette sql OUT` opens them all as",
        "DuckDB views of the same names. Money is in yuan (float64), dates are dates, and every fact",
        "row carries its provenance: `doc_id`, `source_file`, `page` and the span",
        "`char_start:char_end` of its `evidence` sentence in `documents.text`.",
        "",
        "| table | one row per |",
        "|---|---|",
        *(f"| [{table}](#{table}) | {describe(schema)} |" for table, schema in OUTPUT_TABLES.items()),
    ]
    for table, schema in OUTPUT_TABLES.items():
        lines += ["", f"## {table}", "", f"{describe(schema)}. File: `OUT/{table}.parquet`.", "",
                  "| column | type | nulls | meaning | example |", "|---|---|---|---|---|"]
        for field in schema:
            example = examples.get(table, {}).get(field.name, "")
            nulls = "yes" if field.nullable else "no"
            meaning = describe(field).replace("|", "\\|")
            lines.append(f"| `{field.name}` | {type_name(field.type)} | {nulls} | {meaning} | {example} |")
    return "\n".join(lines) + "\n"


def parse_examples(markdown: str) -> dict[str, dict[str, str]]:
    """The examples a rendered dictionary shows, read back (what `render` wrote)."""
    examples: dict[str, dict[str, str]] = {}
    table = None
    for line in markdown.splitlines():
        if line.startswith("## "):
            table = line[3:].strip()
        elif table and line.startswith("| `"):
            cells = [cell.strip() for cell in _split_row(line)]
            if cells[4]:
                examples.setdefault(table, {})[cells[0].strip("`")] = cells[4]
    return examples


def _split_row(line: str) -> list[str]:
    """A Markdown table row's cells; `\\|` inside a cell is not a border."""
    cells, cell, escaped = [], "", False
    for char in line.strip()[1:-1]:
        if char == "|" and not escaped:
            cells.append(cell)
            cell = ""
        else:
            cell += char
        escaped = char == "\\" and not escaped
    return [*cells, cell]


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print(__doc__.strip().splitlines()[-1].strip(), file=sys.stderr)
        return 2
    sys.stdout.write(render(examples_from(Path(argv[0]))))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
