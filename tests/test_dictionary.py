"""docs/DATA_DICTIONARY.md is generated (`make dictionary`); these tests fail when it and
the declared schemas, or it and a run over the sample corpus, disagree."""
from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from pipeline.dictionary import (
    RUN_DEPENDENT,
    example_text,
    examples_from,
    parse_examples,
    render,
    type_name,
)
from pipeline.schema import OUTPUT_TABLES

DICTIONARY = Path(__file__).parent.parent / "docs" / "DATA_DICTIONARY.md"
REGENERATE = "docs/DATA_DICTIONARY.md is out of date: run `make dictionary` and commit it"


def test_the_dictionary_is_what_the_schemas_give():
    committed = DICTIONARY.read_text(encoding="utf-8")
    assert committed == render(parse_examples(committed)), REGENERATE


def test_every_column_of_every_table_is_in_the_dictionary_with_its_type_and_meaning():
    committed = DICTIONARY.read_text(encoding="utf-8")
    for table, schema in OUTPUT_TABLES.items():
        assert f"\n## {table}\n" in committed
        for field in schema:
            nulls = "yes" if field.nullable else "no"
            meaning = field.metadata[b"description"].decode().replace("|", "\\|")
            assert f"| `{field.name}` | {type_name(field.type)} | {nulls} | {meaning} |" in committed, (
                table, field.name, REGENERATE)


def test_the_examples_are_the_sample_runs_values(corpus_out):
    committed = parse_examples(DICTIONARY.read_text(encoding="utf-8"))
    fresh = examples_from(corpus_out)

    def stable(examples):
        return {(table, column): value for table, columns in examples.items()
                for column, value in columns.items() if (table, column) not in RUN_DEPENDENT}

    assert stable(committed) == stable(fresh), REGENERATE
    assert committed["subsidies"]["cap_yuan"] == "15000000.0"
    assert committed["documents"]["doc_number"].endswith("号")


def test_a_column_shows_no_example_only_when_the_sample_run_never_fills_it(corpus_out):
    committed = parse_examples(DICTIONARY.read_text(encoding="utf-8"))
    assert set(committed) == set(OUTPUT_TABLES)
    for table, schema in OUTPUT_TABLES.items():
        values = pq.read_table(corpus_out / f"{table}.parquet")
        for name in schema.names:
            if name not in committed[table]:
                assert values[name].null_count == values.num_rows, (table, name)


def test_an_example_stays_on_one_line_and_inside_its_cell():
    assert example_text("第一行\n第二行 | 第三") == "第一行 第二行 \\| 第三"
    assert example_text("长" * 100) == "长" * 47 + "…"
    assert example_text([{"title": "目录", "page": 2}]) == "[{title: 目录, page: 2}]"
    printed = example_text("a | b")
    assert parse_examples(render({"errors": {"message": printed}}))["errors"] == {"message": printed}


def test_types_read_as_an_analyst_writes_them():
    assert type_name(pa.list_(pa.string())) == "list<string>"
    assert type_name(pa.date32()) == "date"
    assert type_name(pa.timestamp("s", tz="UTC")) == "timestamp[s, UTC]"
