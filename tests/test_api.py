"""The Python API: `gazette.load(OUT)` and `gazette.extract(PATH)` give the tables a run writes,
as pandas DataFrames and through DuckDB, with real values from the sample corpus."""
from __future__ import annotations

import shutil

import pandas as pd
import pytest

import gazette
from pipeline.schema import OUTPUT_TABLES, SCHEMAS
from pipeline.sql import NoTables, run_query
from tests.conftest import RAW


@pytest.fixture(scope="module")
def out(corpus_out) -> gazette.Tables:
    return gazette.load(corpus_out)


def test_every_table_of_the_folder_is_a_dataframe_with_its_rows_and_columns(out, corpus_out):
    assert out.names == list(OUTPUT_TABLES)
    for name, schema in OUTPUT_TABLES.items():
        frame = out[name]
        assert list(frame.columns) == schema.names, name
        assert len(frame) == pd.read_parquet(corpus_out / f"{name}.parquet").shape[0], name
    assert out.subsidies is out["subsidies"]  # read once, then kept


def test_columns_keep_their_kind_where_values_are_missing(out):
    docs = out.documents.set_index("doc_number", drop=False)
    notice = docs.loc["嘉政办发〔2024〕25号"].iloc[0]
    assert notice["doc_year"] == 2024 and str(out.documents["doc_year"].dtype) == "Int32"
    assert out.documents["doc_year"].isna().any()  # the mirror page has no 文号: <NA>, not NaN in a float
    assert out.documents["signed_date"].dt.year.max() == 2025  # dates are datetime64
    assert str(out.documents["is_draft"].dtype) == "boolean"
    assert str(out.targets["page"].dtype) == "Int32"  # a web page's target has no page


def test_policies_are_the_views_policies_one_per_policy(out, corpus_out):
    assert len(out.policies) == 8 and out.policies["policy_id"].is_unique
    assert out.policies.set_index("doc_number").loc["嘉政办发〔2024〕25号", "copies"] == 6
    by_shell = run_query(corpus_out, "SELECT policy_id FROM policies ORDER BY policy_id", "csv")
    assert out.policies["policy_id"].sort_values().tolist() == by_shell.stdout.split()[1:]


def test_sql_answers_the_readmes_question_about_caps(out):
    caps = out.sql("""
        SELECT d.issuer, max(s.cap_yuan) / 1e4 AS largest_cap_wan, count(*) AS caps
        FROM subsidies s JOIN policies d USING (doc_id)
        WHERE s.cap_yuan IS NOT NULL AND NOT d.is_draft
        GROUP BY ALL ORDER BY d.issuer""")
    hangzhou = caps.set_index("issuer").loc["杭州市人民政府办公厅"]
    assert (hangzhou["largest_cap_wan"], hangzhou["caps"]) == (5000.0, 5)


def test_the_connection_has_the_views_of_gazette_sql(out, corpus_out):
    connection = out.connect()
    views = {name for (name,) in connection.execute(
        "SELECT table_name FROM information_schema.tables WHERE table_type = 'VIEW'").fetchall()}
    assert views == {*OUTPUT_TABLES, "policies"}
    (appointments,) = connection.execute("SELECT count(*) FROM appointments").fetchone()
    assert appointments == len(out.appointments) == 6
    connection.close()


def test_a_file_extracted_in_process_gives_the_rows_the_run_wrote_for_it(out, tmp_path):
    page = tmp_path / "jiaxing-2025-18.html"
    shutil.copy(RAW / page.name, page)
    found = gazette.extract(page)
    assert found.names == list(SCHEMAS)  # every fact table, no manifest: nothing was run
    assert list(tmp_path.iterdir()) == [page]  # nothing written
    for name in SCHEMAS:
        written = out[name][out[name]["source_file"] == page.name].reset_index(drop=True)
        pd.testing.assert_frame_equal(found[name], written, check_like=False, obj=name)
    plan = found.policies.iloc[0]
    assert plan["doc_number"] == "嘉政办发〔2025〕18号" and plan["copies"] == 1
    assert len(found.subsidies) and found.subsidies["doc_id"].eq(plan["doc_id"]).all()


def test_a_folder_extracted_in_process_lists_what_it_could_not_read(tmp_path):
    shutil.copy(RAW / "jiaxing-ai-plan-draft.txt", tmp_path)
    shutil.copy(RAW / "truncated.pdf", tmp_path)
    found = gazette.extract(tmp_path)
    assert found.documents["source_file"].tolist() == ["jiaxing-ai-plan-draft.txt"]
    assert found.documents["is_draft"].tolist() == [True]
    assert found.errors[["source_file", "error_type"]].values.tolist() == [["truncated.pdf", "corrupt_pdf"]]
    assert found.sql("SELECT count(*) AS n FROM targets")["n"][0] == len(found.targets) > 0
    with pytest.raises(AttributeError, match="no table 'manifest'"):
        _ = found.manifest


def test_a_missing_folder_or_one_without_tables_says_what_to_run(tmp_path):
    with pytest.raises(FileNotFoundError, match="gazette extract"):
        gazette.load(tmp_path / "nowhere")
    with pytest.raises(NoTables, match="gazette extract"):
        gazette.load(tmp_path)
    with pytest.raises(FileNotFoundError, match="nowhere"):
        gazette.extract(tmp_path / "nowhere")
