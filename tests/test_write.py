"""The writer: declared schemas (freeze), atomic replacement, round trips."""
from __future__ import annotations

import datetime as dt

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import pipeline.write
from pipeline.records import Document
from pipeline.schema import SCHEMA_VERSION, SCHEMAS
from pipeline.write import OutputWriter, SchemaViolation, document_row, to_arrow, write_tables


def a_document(**fields) -> Document:
    text = fields.pop("text", "嘉兴市人民政府关于大力发展都市型工业的实施意见")
    return Document(doc_id="d1", source_file="a.txt", source_sha256="0" * 64, source_format="txt", position=0,
                    char_start=0, char_end=len(text), text=text, **fields)


def test_every_table_declares_types_descriptions_and_version():
    for name, schema in SCHEMAS.items():
        assert schema.metadata[b"schema_version"].decode() == SCHEMA_VERSION
        for field in schema:
            assert field.metadata and field.metadata[b"description"], f"{name}.{field.name}"


def test_a_column_the_schema_does_not_know_is_refused_with_table_and_column_named():
    with pytest.raises(SchemaViolation, match="'documents'.*'surprise'"):
        to_arrow("documents", [{**document_row(a_document()), "surprise": 1}])


def test_a_value_that_will_not_cast_is_refused_with_table_and_column_named():
    with pytest.raises(SchemaViolation, match="'documents' column 'doc_year'"):
        to_arrow("documents", [{**document_row(a_document()), "doc_year": "二〇二四"}])


def test_a_failed_write_leaves_the_previous_tables_untouched(tmp_path):
    write_tables(tmp_path, {"documents": [document_row(a_document())]}, {"a.txt"})
    before = (tmp_path / "documents.parquet").read_bytes()
    with pytest.raises(SchemaViolation):
        write_tables(tmp_path, {"documents": [{**document_row(a_document()), "is_draft": None}]}, {"a.txt"})
    assert (tmp_path / "documents.parquet").read_bytes() == before
    assert not list(tmp_path.glob(".*.tmp"))


@settings(max_examples=50, deadline=None)
@given(title=st.text(max_size=40), year=st.none() | st.integers(1949, 2100),
       signed=st.none() | st.dates(dt.date(1949, 1, 1), dt.date(2100, 1, 1)), draft=st.booleans())
def test_documents_survive_a_parquet_round_trip(tmp_path_factory, title, year, signed, draft):
    out = tmp_path_factory.mktemp("rt")
    as_of = dt.date(2026, 1, 1)  # the run date validity is computed for, which the row states
    row = document_row(a_document(title=title, doc_year=year, signed_date=signed, is_draft=draft,
                                  validity_as_of=as_of))
    write_tables(out, {"documents": [row]}, {"a.txt"}, as_of=as_of)
    back = pq.read_table(out / "documents.parquet").to_pylist()
    assert back == [row]


def test_an_earlier_versions_tables_are_carried_over_with_the_new_columns_empty(tmp_path):
    """Version 1 (before the extractors) had no section_path or evidence_origin in dates:
    a run into a version 1 folder keeps the other inputs' rows and adds the columns."""
    old_dates = SCHEMAS["dates"].remove(SCHEMAS["dates"].get_field_index("section_path"))
    old_dates = old_dates.remove(old_dates.get_field_index("evidence_origin")).with_metadata(
        {"table": "dates", "schema_version": "1"})
    pq.write_table(pa.Table.from_pylist([], schema=old_dates), tmp_path / "dates.parquet")
    old_docs = SCHEMAS["documents"].with_metadata({"table": "documents", "schema_version": "1"})
    pq.write_table(pa.Table.from_pylist([document_row(a_document())], schema=old_docs), tmp_path / "documents.parquet")

    write_tables(tmp_path, {}, {"other.txt"})
    dates = pq.read_table(tmp_path / "dates.parquet")
    assert dates.schema.metadata[b"schema_version"].decode() == SCHEMA_VERSION
    assert "section_path" in dates.column_names and "evidence_origin" in dates.column_names
    assert pq.read_table(tmp_path / "documents.parquet").num_rows == 1  # another input's rows kept


def test_rows_stream_to_staging_before_the_commit_and_the_tables_change_only_at_it(tmp_path, monkeypatch):
    """Memory holds at most one flush of rows per table: past it they go to a staging file.
    The table itself changes only when the run commits."""
    monkeypatch.setattr(pipeline.write, "_BATCH_ROWS", 2)
    write_tables(tmp_path, {"documents": [document_row(a_document())]}, {"a.txt"})
    before = (tmp_path / "documents.parquet").read_bytes()
    writer = OutputWriter(tmp_path, {"b.txt"})
    for position in range(5):
        writer.add({"documents": [{**document_row(a_document()), "doc_id": f"b{position}", "source_file": "b.txt"}]})
    staged = writer.staging / "documents.parquet"  # open (no footer yet), two row groups written
    assert staged.exists() and staged.stat().st_size > 2 * len(a_document().text.encode())
    assert (tmp_path / "documents.parquet").read_bytes() == before
    writer.commit()
    assert pq.read_table(tmp_path / "documents.parquet")["doc_id"].to_pylist() == ["d1", "b0", "b1", "b2", "b3", "b4"]
    assert not writer.staging.exists()
