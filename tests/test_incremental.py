"""Incremental runs: a rerun reads only what is new or changed, and ends with the tables a
fresh run would write."""
from __future__ import annotations

import hashlib
import os
import shutil
from pathlib import Path

import pandas as pd
import pytest

import pipeline.run
from pipeline.manifest import InputFile, RunSettings, plan_run
from pipeline.run import run
from pipeline.schema import SCHEMAS
from tests.conftest import RAW
from tests.runs import assert_same_tables, copy_inputs

NAMES = ["jiaxing-ai-plan-draft.txt", "jiaxing-2025-18.html", "hangzhou-2023-ai-mirror.html", "empty.pdf"]


def extract(inputs, out, **options):
    return run(inputs, out, workers=1, **options)


@pytest.fixture
def inputs(tmp_path):
    return copy_inputs(NAMES, tmp_path / "in")


def fresh(inputs, tmp_path):
    """The tables a first run over `inputs` writes."""
    out = tmp_path / f"fresh-{len(list(tmp_path.iterdir()))}"
    extract(inputs, out)
    return out


def test_the_manifest_records_every_input_with_its_hash_version_and_rows(inputs, tmp_path):
    out = tmp_path / "out"
    extract(inputs, out)
    manifest = pd.read_parquet(out / "manifest.parquet").set_index("source_file")
    assert sorted(manifest.index) == sorted(NAMES)
    draft = manifest.loc["jiaxing-ai-plan-draft.txt"]
    data = (inputs / "jiaxing-ai-plan-draft.txt").read_bytes()
    assert (draft["size"], draft["sha256"]) == (len(data), hashlib.sha256(data).hexdigest())
    assert draft["pipeline_version"] == pipeline.run.pipeline_version() and draft["status"] == "ok"
    assert draft["input_root"] == str(inputs.resolve())
    for table in SCHEMAS:
        rows = pd.read_parquet(out / f"{table}.parquet")
        assert (rows["source_file"] == "jiaxing-ai-plan-draft.txt").sum() == draft[f"rows_{table}"], table
    assert manifest.loc["empty.pdf", "status"] == "error" and manifest.loc["empty.pdf", "rows_errors"] == 1


def test_a_rerun_over_unchanged_inputs_reads_and_writes_nothing(inputs, tmp_path):
    out = tmp_path / "out"
    extract(inputs, out)
    written = {p.name: p.stat().st_mtime_ns for p in out.glob("*.parquet")}
    summary = extract(inputs, out)
    assert (summary.files_read, summary.files_failed, summary.unchanged) == (0, 0, len(NAMES))
    assert {p.name: p.stat().st_mtime_ns for p in out.glob("*.parquet")} == written


def test_a_changed_input_is_read_again_and_its_old_rows_are_replaced(inputs, tmp_path):
    out = tmp_path / "out"
    extract(inputs, out)
    shutil.copy(RAW / "jiaxing-2024-11.gbk.txt", inputs / "jiaxing-ai-plan-draft.txt")  # new bytes, same name
    summary = extract(inputs, out)
    assert (summary.files_read, summary.unchanged) == (1, len(NAMES) - 1)
    assert_same_tables(out, fresh(inputs, tmp_path))


def test_a_changed_input_rewrites_only_the_tables_its_rows_are_in(inputs, tmp_path):
    # a nightly run that finds one changed file should not rewrite every table (issue 19)
    out = tmp_path / "out"
    extract(inputs, out)
    written = {p.name: p.stat().st_mtime_ns for p in out.glob("*.parquet")}
    with (inputs / "empty.pdf").open("ab") as pdf:
        pdf.write(b"\n% changed\n")  # still an empty PDF: its one errors row again, no other row
    summary = extract(inputs, out)
    assert (summary.files_read, summary.files_failed) == (0, 1)
    rewritten = {p.name for p in out.glob("*.parquet") if p.stat().st_mtime_ns != written[p.name]}
    assert rewritten == {"errors.parquet", "manifest.parquet"}
    assert_same_tables(out, fresh(inputs, tmp_path))


def test_a_deleted_input_loses_its_rows_in_every_table(inputs, tmp_path):
    out = tmp_path / "out"
    extract(inputs, out)
    (inputs / "jiaxing-2025-18.html").unlink()
    (inputs / "empty.pdf").unlink()
    summary = extract(inputs, out)
    assert (summary.files_read, summary.removed) == (0, 2)
    for table in SCHEMAS:
        assert not {"jiaxing-2025-18.html", "empty.pdf"} & set(pd.read_parquet(out / f"{table}.parquet")["source_file"])
    assert_same_tables(out, fresh(inputs, tmp_path))
    assert len(pd.read_parquet(out / "manifest.parquet")) == 2


def test_an_input_touched_but_not_changed_is_not_read_again(inputs, tmp_path):
    out = tmp_path / "out"
    extract(inputs, out)
    path = inputs / "jiaxing-2025-18.html"
    os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns + 10**9))
    summary = extract(inputs, out)
    assert summary.files_read == 0
    manifest = pd.read_parquet(out / "manifest.parquet").set_index("source_file")
    assert manifest.loc["jiaxing-2025-18.html", "mtime_ns"] == path.stat().st_mtime_ns  # hashed once, not again


def test_full_reads_everything_again(inputs, tmp_path):
    out = tmp_path / "out"
    extract(inputs, out)
    summary = extract(inputs, out, full=True)
    assert (summary.files_read, summary.files_failed, summary.unchanged) == (3, 1, 0)
    assert_same_tables(out, fresh(inputs, tmp_path))


def test_a_new_pipeline_version_reads_everything_again(inputs, tmp_path, monkeypatch):
    out = tmp_path / "out"
    extract(inputs, out)
    monkeypatch.setattr(pipeline.run, "pipeline_version", lambda: "gazette next")
    assert extract(inputs, out).files_read == 3
    assert set(pd.read_parquet(out / "manifest.parquet")["pipeline_version"]) == {"gazette next"}


def test_a_deleted_table_makes_the_next_run_a_full_one(inputs, tmp_path):
    out = tmp_path / "out"
    extract(inputs, out)
    (out / "targets.parquet").unlink()
    assert extract(inputs, out).files_read == 3
    assert_same_tables(out, fresh(inputs, tmp_path))


def test_inputs_read_from_another_folder_keep_their_rows_and_manifest_entries(inputs, tmp_path):
    out = tmp_path / "out"
    extract(inputs, out)
    other = copy_inputs(["jiaxing-2024-11.gbk.txt"], tmp_path / "other")
    summary = extract(other, out)
    assert (summary.files_read, summary.removed) == (1, 0)
    assert sorted(pd.read_parquet(out / "manifest.parquet")["source_file"]) == sorted([*NAMES, "jiaxing-2024-11.gbk.txt"])
    assert extract(inputs, out).files_read == 0  # and the first folder is still up to date


# --- planning, without files ------------------------------------------------------------------

SETTINGS = RunSettings("/in", "v1", "pdfium", 60.0)


def an_input(name="a.pdf", size=10, mtime_ns=1) -> InputFile:
    return InputFile(RAW / name, name, size, mtime_ns)


def a_row(name="a.pdf", **fields) -> dict:
    return {"source_file": name, "input_root": "/in", "size": 10, "mtime_ns": 1, "sha256": "x",
            "pipeline_version": "v1", "pdf_engine": "pdfium", "ocr": "auto", "status": "ok", "time_limit_s": 60.0,
            **fields}


@pytest.mark.parametrize("row, reads", [
    (a_row(), False),
    (a_row(size=11), True),
    (a_row(pipeline_version="v0"), True),
    (a_row(pdf_engine="pdfplumber"), True),
    (a_row(status="time_limit", time_limit_s=60.0), False),  # same limit: it would run out again
    (a_row(status="time_limit", time_limit_s=30.0), True),  # the limit has grown since
    (a_row(ocr="off"), True),  # a PDF read with another --ocr mode
    (a_row(status="cannot_open"), True),  # nothing about the file says when its permissions are fixed
    (a_row(status="unsupported"), False),  # listed once, not again every night
])
def test_what_makes_an_input_read_again(row, reads):
    plan = plan_run([an_input()], [row], SETTINGS, full=False)
    assert bool(plan.to_read) is reads and bool(plan.unchanged) is not reads


def test_a_single_file_input_removes_nothing():
    manifest = [a_row("a.pdf"), a_row("b.pdf")]
    assert plan_run([an_input("a.pdf")], manifest, SETTINGS, full=False, may_remove=False).removed == set()
    assert plan_run([an_input("a.pdf")], manifest, SETTINGS, full=False).removed == {"b.pdf"}


def test_code_that_only_reads_the_tables_is_not_part_of_the_pipeline_version():
    """Restyling the review page or adding a check to `validate` must not make the nightly
    run read the whole archive again; a change to an extractor must."""
    from pipeline.version import code_files

    root = Path(pipeline.run.__file__).parents[1]
    names = {path.relative_to(root).as_posix() for path in code_files()}
    assert {"pipeline/extract/subsidies.py", "parsers/pdf/__init__.py", "pipeline/data/unit_names.tsv"} <= names
    assert not {name for name in names if name.startswith("pipeline/report/")}
    assert not names & {"pipeline/sql.py", "pipeline/validate.py", "pipeline/dictionary.py"}
