"""documents.validity is true on the day the tables are written, not on the day an input
was read: every run (one that reads nothing included) recomputes it for every row as of
the run date, validity_as_of, from the row's dates and its page's own statement."""
from __future__ import annotations

import datetime as dt
import os
import shutil
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner

import pipeline.write
from pipeline.cli import gazette
from pipeline.normalise import normalise
from pipeline.read import read
from pipeline.records import Document
from pipeline.run import RUN_DATE_VARIABLE, run, run_date
from pipeline.schema import SCHEMA_VERSION, SCHEMAS
from pipeline.segment import segment
from pipeline.validate import validate
from pipeline.write import document_row, refresh_validity, validity_on, write_tables
from tests.conftest import EXTRA, RAW

REAL = Path(__file__).parent / "fixtures" / "real" / "raw"
EXPIRING = "gz-suirensheguizi-2019-6.html"  # a 广州 规范性文件 page: 实施日期, 失效日期, 有效期5年
SAID_VALID = "jiaxing-2025-18.html"  # 有效性:有效 on the page; 有效期至2027年12月31日 in the text
SAID_REPEALED = "ningbo-2023-11-web.html"  # 有效性:失效 on the page, though its dates still run
DRAFT = "jiaxing-ai-plan-draft.txt"  # a 征求意见稿
INPUTS = {EXPIRING: REAL, SAID_VALID: RAW, SAID_REPEALED: EXTRA / "raw", DRAFT: RAW}
DAY = dt.timedelta(days=1)


def read_document(name: str) -> Document:
    """The input's one document as the pipeline reads it (its dates, whatever the run date)."""
    path = INPUTS[name] / name
    (document,) = segment(normalise(read(path, name))).documents
    return document


@pytest.fixture
def inputs(tmp_path) -> Path:
    folder = tmp_path / "in"
    folder.mkdir()
    for name, source in INPUTS.items():
        shutil.copy(source / name, folder / name)
    return folder


def extract(inputs: Path, out: Path, today: dt.date, **options):
    return run(inputs, out, workers=1, today=today, **options)


def documents(out: Path) -> dict[str, dict]:
    return {row["source_file"]: row for row in pq.read_table(out / "documents.parquet").to_pylist()}


def written(out: Path) -> dict[str, int]:
    return {path.name: path.stat().st_mtime_ns for path in out.glob("*.parquet")}


def test_a_policy_read_while_in_force_is_失效_the_night_after_its_expiry_without_being_read_again(inputs, tmp_path):
    expiry = read_document(EXPIRING).expiry_date
    assert expiry is not None
    out = tmp_path / "out"
    extract(inputs, out, today=expiry)  # the last day it is in force
    before = documents(out)
    assert (before[EXPIRING]["validity"], before[EXPIRING]["validity_as_of"]) == ("有效", expiry)
    assert before[EXPIRING]["validity_stated"] is None  # the page prints dates, no 有效性
    manifest = (out / "manifest.parquet").read_bytes()

    nightly = extract(inputs, out, today=expiry + DAY)  # cron, the next night: no input changed

    assert (nightly.files_read, nightly.unchanged) == (0, len(INPUTS))
    assert (out / "manifest.parquet").read_bytes() == manifest  # nothing was read again
    after = documents(out)
    assert (after[EXPIRING]["validity"], after[EXPIRING]["validity_as_of"]) == ("失效", expiry + DAY)
    assert {row["validity_as_of"] for row in after.values()} == {expiry + DAY}  # every row, not only this one
    changed = sum(before[name]["validity"] != after[name]["validity"] for name in INPUTS)
    assert nightly.validity_changed == changed >= 1
    assert f"validity changed for {changed} document" in nightly.line()
    assert {name: {**row, "validity": None, "validity_as_of": None} for name, row in after.items()} == {
        name: {**row, "validity": None, "validity_as_of": None} for name, row in before.items()}  # and nothing else
    assert validate(out).ok


def test_a_second_run_on_the_same_day_writes_nothing(inputs, tmp_path):
    out, today = tmp_path / "out", dt.date(2026, 3, 1)
    extract(inputs, out, today=today)
    files = written(out)
    summary = extract(inputs, out, today=today)
    assert written(out) == files
    assert summary.validity_changed == 0 and summary.line().split(";")[0].endswith("nothing to do")


def test_a_run_that_reads_other_inputs_brings_the_rows_it_keeps_up_to_date(inputs, tmp_path):
    expiry = read_document(EXPIRING).expiry_date
    out = tmp_path / "out"
    extract(inputs, out, today=expiry)
    processed = {row["source_file"]: row["processed_at"] for row in pq.read_table(out / "manifest.parquet").to_pylist()}
    shutil.copy(RAW / "jiaxing-2024-11.gbk.txt", inputs / "jiaxing-2024-11.gbk.txt")

    summary = extract(inputs, out, today=expiry + DAY)

    assert summary.files_read == 1
    manifest = {row["source_file"]: row["processed_at"] for row in pq.read_table(out / "manifest.parquet").to_pylist()}
    assert manifest[EXPIRING] == processed[EXPIRING]  # kept, not read again ...
    assert documents(out)[EXPIRING]["validity"] == "失效"  # ... and brought up to date
    assert {row["validity_as_of"] for row in documents(out).values()} == {expiry + DAY}


def test_a_full_run_computes_validity_for_its_run_date_not_the_clock(inputs, tmp_path):
    expiry = read_document(EXPIRING).expiry_date
    out = tmp_path / "out"
    extract(inputs, out, today=expiry + DAY)
    extract(inputs, out, today=expiry, full=True)  # a night that was missed, run again
    assert (documents(out)[EXPIRING]["validity"], documents(out)[EXPIRING]["validity_as_of"]) == ("有效", expiry)


def test_a_draft_has_no_validity_on_any_day(inputs, tmp_path):
    out = tmp_path / "out"
    for today in (dt.date(2020, 1, 1), dt.date(2026, 1, 1), dt.date(2035, 1, 1)):
        extract(inputs, out, today=today)
        draft = documents(out)[DRAFT]
        assert draft["is_draft"] and draft["validity"] is None and draft["validity_stated"] is None
        assert draft["validity_as_of"] == today


def test_a_page_that_states_失效_stays_失效_while_its_dates_still_run(inputs, tmp_path):
    repealed = read_document(SAID_REPEALED)
    assert repealed.effective_date and repealed.expiry_date and repealed.effective_date < repealed.expiry_date
    out = tmp_path / "out"
    for today in (repealed.effective_date, repealed.expiry_date + DAY):
        extract(inputs, out, today=today)
        row = documents(out)[SAID_REPEALED]
        assert (row["validity"], row["validity_stated"], row["validity_as_of"]) == ("失效", "失效", today)


def test_a_page_that_said_有效_is_失效_once_the_expiry_its_text_states_has_passed(inputs, tmp_path):
    page = read_document(SAID_VALID)
    assert page.validity_stated == "有效" and page.expiry_date == dt.date(2027, 12, 31)
    out = tmp_path / "out"
    for today, validity in ((page.effective_date, "有效"), (page.expiry_date + DAY, "失效")):
        extract(inputs, out, today=today)
        row = documents(out)[SAID_VALID]
        assert (row["validity"], row["validity_stated"]) == (validity, "有效")


@pytest.mark.parametrize(("stated", "effective", "expiry", "draft", "validity"), [
    (None, dt.date(2025, 1, 1), dt.date(2025, 12, 31), False, "有效"),
    (None, dt.date(2025, 1, 1), dt.date(2025, 5, 31), False, "失效"),  # expired
    (None, dt.date(2025, 7, 1), None, False, "尚未生效"),
    (None, None, None, False, None),  # nothing known
    ("有效", dt.date(2025, 1, 1), dt.date(2025, 5, 31), False, "失效"),  # said 有效 when read; expired since
    ("有效", dt.date(2025, 7, 1), None, False, "尚未生效"),  # the text's own date is more precise
    ("尚未生效", dt.date(2025, 1, 1), None, False, "有效"),  # said 尚未生效 when read; in force since
    ("有效", None, None, False, "有效"),  # no dates: the page's word
    ("失效", dt.date(2025, 1, 1), dt.date(2025, 12, 31), False, "失效"),  # repealed before its expiry
    (None, dt.date(2025, 1, 1), dt.date(2025, 12, 31), True, None),  # a draft is not in force
    ("失效", None, None, True, "失效"),  # ... unless its page says something
    ("废止", dt.date(2025, 1, 1), None, False, "有效"),  # a word no rule maps: the dates decide
])
def test_the_validity_rule(stated, effective, expiry, draft, validity):
    assert validity_on(dt.date(2025, 6, 15), stated=stated, effective=effective, expiry=expiry,
                       is_draft=draft) == validity


# --- older output folders ------------------------------------------------------------------

def downgrade_to_version_3(out: Path) -> None:
    """`out` as schema version 3 wrote it: no validity_stated or validity_as_of in documents."""
    for path in out.glob("*.parquet"):
        table = pq.read_table(path)
        if path.name == "documents.parquet":
            table = table.drop_columns(["validity_stated", "validity_as_of"])
        metadata = {**(table.schema.metadata or {}), b"schema_version": b"3"}
        pq.write_table(table.replace_schema_metadata(metadata), path)


def test_a_version_3_output_folder_is_upgraded_with_validity_as_of_the_run(inputs, tmp_path):
    out = tmp_path / "out"
    extract(inputs, out, today=dt.date(2025, 1, 1))
    downgrade_to_version_3(out)

    summary = extract(inputs, out, today=dt.date(2026, 1, 1))

    assert summary.files_read == len(INPUTS)  # a manifest of another version: everything is read again
    for path in out.glob("*.parquet"):
        assert pq.read_schema(path).metadata[b"schema_version"].decode() == SCHEMA_VERSION, path.name
    rows = documents(out)
    assert {row["validity_as_of"] for row in rows.values()} == {dt.date(2026, 1, 1)}
    assert rows[SAID_REPEALED]["validity_stated"] == "失效"
    assert validate(out).ok


def a_version_3_row(name: str, **fields) -> dict:
    text = "本办法自印发之日起施行。"
    row = document_row(Document(doc_id=name, source_file=name, source_sha256="0" * 64, source_format="html",
                                position=0, char_start=0, char_end=len(text), text=text, **fields))
    del row["validity_stated"], row["validity_as_of"]
    return row


def test_rows_kept_from_a_version_3_folder_keep_what_only_their_page_could_have_said(tmp_path):
    """Rows of inputs this run does not read (another folder's) are carried over from a
    version 3 table, which kept one validity: what the page said, else what the dates gave
    on the day of that run. Where the dates could not have given it, the page said it."""
    old = SCHEMAS["documents"]
    for name in ("validity_stated", "validity_as_of"):
        old = old.remove(old.get_field_index(name))
    old = old.with_metadata({**SCHEMAS["documents"].metadata, b"schema_version": b"3"})
    rows = [
        a_version_3_row("repealed.html", validity="失效", effective_date=dt.date(2025, 1, 1),
                        expiry_date=dt.date(2029, 12, 31)),  # its dates still run: only its page said 失效
        a_version_3_row("expired.html", validity="有效", effective_date=dt.date(2020, 1, 1),
                        expiry_date=dt.date(2024, 12, 31)),  # 有效 on the day of that run, by its dates
        a_version_3_row("said.html", validity="有效"),  # no dates: the page said 有效
        a_version_3_row("draft.txt", validity=None, is_draft=True),
    ]
    pq.write_table(pa.Table.from_pylist(rows, schema=old), tmp_path / "documents.parquet")

    write_tables(tmp_path, {}, {"other.txt"}, as_of=dt.date(2026, 1, 1))

    kept = {row["source_file"]: (row["validity"], row["validity_stated"], row["validity_as_of"])
            for row in pq.read_table(tmp_path / "documents.parquet").to_pylist()}
    assert kept == {
        "repealed.html": ("失效", "失效", dt.date(2026, 1, 1)),
        "expired.html": ("失效", None, dt.date(2026, 1, 1)),
        "said.html": ("有效", "有效", dt.date(2026, 1, 1)),
        "draft.txt": (None, None, dt.date(2026, 1, 1)),
    }


# --- the writer's guarantees ---------------------------------------------------------------

def test_a_refresh_that_fails_leaves_the_documents_table_as_it_was(inputs, tmp_path, monkeypatch):
    out = tmp_path / "out"
    extract(inputs, out, today=dt.date(2025, 1, 1))
    before = (out / "documents.parquet").read_bytes()

    def no_rename(src, dst):
        raise OSError("disk full")

    monkeypatch.setattr(pipeline.write.os, "replace", no_rename)
    with pytest.raises(OSError, match="disk full"):
        refresh_validity(out, dt.date(2026, 1, 1))
    monkeypatch.undo()
    assert (out / "documents.parquet").read_bytes() == before
    assert not list(out.glob(".*.tmp"))
    assert refresh_validity(out, dt.date(2025, 1, 1)) is None  # already as of that day: not rewritten


def test_the_run_date_comes_from_gazette_today_for_tests_and_missed_nights(inputs, tmp_path, monkeypatch):
    monkeypatch.setenv(RUN_DATE_VARIABLE, "2031-02-03")
    assert run_date() == dt.date(2031, 2, 3)
    result = CliRunner().invoke(gazette, ["extract", str(inputs), "--out", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    assert {row["validity_as_of"] for row in documents(tmp_path / "out").values()} == {dt.date(2031, 2, 3)}
    monkeypatch.setenv(RUN_DATE_VARIABLE, "next tuesday")
    with pytest.raises(ValueError, match=RUN_DATE_VARIABLE):
        run_date()
    monkeypatch.delenv(RUN_DATE_VARIABLE)
    assert run_date() == dt.date.today()
    assert os.environ.get(RUN_DATE_VARIABLE) is None
