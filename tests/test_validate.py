"""`gazette validate`: a sound output folder passes; each kind of damage an analyst could
meet is named, with its table and column."""
from __future__ import annotations

import shutil

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner

from pipeline.cli import gazette
from pipeline.validate import span_problem, validate


@pytest.fixture
def out(corpus_out, tmp_path):
    copy = tmp_path / "out"
    shutil.copytree(corpus_out, copy, ignore=shutil.ignore_patterns(".gazette.lock*"))
    return copy


def rewrite(path, change):
    """Rewrite one Parquet file through `change(table) -> table`, keeping its metadata."""
    table = pq.read_table(path)
    pq.write_table(change(table).replace_schema_metadata(table.schema.metadata), path)


def lines(out_dir) -> list[str]:
    return [problem.line() for problem in validate(out_dir).problems]


def test_a_fresh_run_is_valid(corpus_out):
    report = validate(corpus_out)
    assert report.ok, [p.line() for p in report.problems]
    assert report.tables["responsible_units"] > 800 and report.tables["errors"] == 5  # scanned.pdf is read by OCR
    result = CliRunner().invoke(gazette, ["validate", str(corpus_out)])
    assert result.exit_code == 0, result.output
    assert "10 tables" in result.output and "all as the contract says" in result.output


def test_evidence_that_is_not_the_documents_text_at_its_span_is_named(out):
    def shift(table):
        starts = pc.add(table["char_start"], 1)
        return table.set_column(table.schema.get_field_index("char_start"), "char_start", starts)

    rewrite(out / "subsidies.parquet", shift)
    problems = validate(out).problems
    assert [(p.table, p.column) for p in problems] == [("subsidies", "evidence")]
    assert "evidence is not documents.text[char_start:char_end]" in problems[0].message
    assert problems[0].rows == pq.read_metadata(out / "subsidies.parquet").num_rows
    result = CliRunner().invoke(gazette, ["validate", str(out)])
    assert result.exit_code == 1 and "subsidies.evidence" in result.output


def test_a_fact_of_a_document_that_is_gone_is_named(out):
    rewrite(out / "documents.parquet", lambda t: t.filter(pc.not_equal(t["source_file"], "jiaxing-2025-18.html")))
    found = lines(out)
    assert any(line.startswith("targets.evidence: doc_id not in documents") for line in found), found
    assert any("documents.source_file: rows per input differ from the manifest" in line for line in found), found


def test_schema_damage_is_named_by_table_and_column(out):
    rewrite(out / "targets.parquet", lambda t: t.drop_columns(["comparator"]))
    rewrite(out / "dates.parquet", lambda t: t.set_column(t.schema.get_field_index("kind"), "kind",
                                                          pa.array(["soon"] * t.num_rows)))
    rewrite(out / "documents.parquet", lambda t: t.append_column("remarks", pa.nulls(t.num_rows, pa.string())))
    (out / "appointments.parquet").unlink()
    found = lines(out)
    assert "targets.comparator: declared column missing" in found
    assert any(line.startswith("dates.kind: 'soon' is not one of signed, published") for line in found), found
    assert "documents.remarks: column not in the declared schema" in found
    assert "appointments: missing: no appointments.parquet in the folder" in found


def test_an_unreadable_table_is_a_problem_not_a_crash(out):
    (out / "sections.parquet").write_bytes(b"PAR1 not really")
    found = lines(out)
    assert any(line.startswith("sections: not a readable Parquet file") for line in found), found


def test_a_doubled_input_shows_against_the_manifest(out):
    rewrite(out / "targets.parquet", lambda t: pa.concat_tables([t, t.slice(0, 1)]))
    found = lines(out)
    assert any(line.startswith("targets.source_file: rows per input differ from the manifest: ")
               for line in found), found


def test_the_span_rule_the_review_page_shares():
    text = "一、总体要求。到2027年,培育链主企业10家。"
    sentence = "到2027年,培育链主企业10家。"
    start = text.index(sentence)
    fact = {"evidence_origin": "text", "evidence": sentence, "char_start": start, "char_end": start + len(sentence)}
    assert span_problem(text, fact) is None
    assert span_problem(text, {**fact, "char_start": start + 1}) == "evidence is not documents.text[char_start:char_end]"
    assert span_problem(text, {**fact, "char_end": len(text) + 1}) == "span outside the document's text"
    assert span_problem(text, {**fact, "evidence": "", "char_end": start}) == "empty evidence"
    metadata = {"evidence_origin": "page metadata", "evidence": "发布日期:2025-05-15", "char_start": None, "char_end": None}
    assert span_problem(text, metadata) is None
    assert span_problem(text, {**metadata, "char_start": 0, "char_end": 4}) == "a span on evidence that is not from the text"
