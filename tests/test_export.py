"""`gazette export`: the tables of a real run, written to a workbook and to CSV, read back."""
from __future__ import annotations

import json
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from click.testing import CliRunner

from pipeline import export
from pipeline.cli import gazette
from pipeline.export import README_SHEET, export_xlsx
from pipeline.run import run
from pipeline.schema import OUTPUT_TABLES
from tests.conftest import RAW


@pytest.fixture(scope="module")
def out(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("export_out")
    run(RAW, out, workers=2)
    return out


@pytest.fixture(scope="module")
def tables(out) -> dict[str, pd.DataFrame]:
    return {name: pd.read_parquet(out / f"{name}.parquet") for name in OUTPUT_TABLES}


@pytest.fixture(scope="module")
def workbook(out, tmp_path_factory):
    path = tmp_path_factory.mktemp("xlsx") / "gazette.xlsx"
    result = CliRunner().invoke(gazette, ["export", str(out), "--xlsx", str(path)])
    assert result.exit_code == 0, result.output
    assert "10 tables" in result.output
    return openpyxl.load_workbook(path, read_only=True)


@pytest.fixture(scope="module")
def csv_dir(out, tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("csv") / "csv"
    result = CliRunner().invoke(gazette, ["export", str(out), "--csv", str(folder)])
    assert result.exit_code == 0, result.output
    return folder


def sheet_rows(wb, name: str) -> list[tuple]:
    return list(wb[name].iter_rows(values_only=True))


def test_workbook_has_the_readme_then_every_table_with_its_columns_and_rows(workbook, tables):
    assert workbook.sheetnames == [README_SHEET, *OUTPUT_TABLES]
    for name, schema in OUTPUT_TABLES.items():
        rows = sheet_rows(workbook, name)
        assert list(rows[0]) == schema.names, name
        assert len(rows) - 1 == len(tables[name]), name
    assert len(tables["subsidies"]) and len(tables["documents"])


def test_a_subsidy_cap_and_a_chinese_title_are_in_their_cells(workbook, tables):
    subsidies = tables["subsidies"]
    known = subsidies[subsidies["cap_yuan"].notna()].iloc[0]
    rows = sheet_rows(workbook, "subsidies")
    header = list(rows[0])
    cells = [dict(zip(header, r, strict=True)) for r in rows[1:]]
    same = [c for c in cells if c["evidence"] == known["evidence"] and c["cap_yuan"] is not None]
    assert known["cap_yuan"] in {c["cap_yuan"] for c in same}
    assert json.loads(same[0]["responsible_units"]) == list(known["responsible_units"])

    docs = tables["documents"]
    rows = sheet_rows(workbook, "documents")
    header = list(rows[0])
    titles = {r[header.index("doc_id")]: r[header.index("title")] for r in rows[1:]}
    doc = docs[docs["title"].str.contains(r"[\u4e00-\u9fff]", na=False)].iloc[0]
    assert titles[doc["doc_id"]] == doc["title"]


def test_dates_are_excel_dates_and_timestamps_have_no_zone(workbook, tables):
    rows = sheet_rows(workbook, "dates")
    header = list(rows[0])
    first = tables["dates"].iloc[0]
    value = rows[1][header.index("date")]
    assert value.date() == first["date"]
    rows = sheet_rows(workbook, "manifest")
    stamp = rows[1][list(rows[0]).index("processed_at")]
    assert stamp.tzinfo is None
    assert stamp == tables["manifest"]["processed_at"].iloc[0].tz_convert("UTC").tz_localize(None).to_pydatetime()


def test_readme_sheet_describes_each_column(workbook):
    text = "\n".join(" ".join(str(v) for v in row if v is not None) for row in sheet_rows(workbook, README_SHEET))
    description = OUTPUT_TABLES["subsidies"].field("cap_yuan").metadata[b"description"].decode()
    assert f"subsidies cap_yuan double yes number {description}" in text
    assert "Cut columns: none" in text and "UTC" in text


def test_csv_files_have_a_bom_and_every_row(csv_dir, tables):
    for name in OUTPUT_TABLES:
        path = csv_dir / f"{name}.csv"
        assert path.read_bytes().startswith(b"\xef\xbb\xbf"), name
        frame = pd.read_csv(path, encoding="utf-8-sig")
        assert list(frame.columns) == OUTPUT_TABLES[name].names
        assert len(frame) == len(tables[name]), name
    docs = pd.read_csv(csv_dir / "documents.csv", encoding="utf-8-sig")
    assert docs.set_index("doc_id")["title"].to_dict() == tables["documents"].set_index("doc_id")["title"].to_dict()
    longest = tables["documents"]["text"].str.len().idxmax()
    assert docs.set_index("doc_id")["text"][tables["documents"]["doc_id"][longest]] == \
        tables["documents"]["text"][longest]  # whole, not cut


def test_a_table_past_the_row_limit_continues_on_another_sheet(out, tables, tmp_path, monkeypatch):
    monkeypatch.setattr(export, "MAX_ROWS", 11)  # 10 data rows a sheet
    summary = export_xlsx(out, tmp_path / "split.xlsx")
    wb = openpyxl.load_workbook(tmp_path / "split.xlsx", read_only=True)
    rows = len(tables["sections"])
    assert rows > 20
    names = ["sections"] + [f"sections ({n})" for n in range(2, -(-rows // 10) + 1)]
    assert summary.sheets["sections"] == names
    assert [n for n in wb.sheetnames if n.startswith("sections")] == names
    read = [r for n in names for r in list(wb[n].iter_rows(values_only=True))[1:]]
    assert all(list(wb[n].iter_rows(values_only=True))[0] == tuple(OUTPUT_TABLES["sections"].names) for n in names)
    assert [r[1] for r in read] == list(tables["sections"]["section_id"])
    assert f"sections ({len(names)} sheets)" in summary.line()


def test_a_long_text_is_cut_at_the_cell_limit_and_the_readme_says_so(out, tables, tmp_path, monkeypatch):
    monkeypatch.setattr(export, "MAX_CELL_CHARS", 100)
    summary = export_xlsx(out, tmp_path / "cut.xlsx")
    wb = openpyxl.load_workbook(tmp_path / "cut.xlsx", read_only=True)
    rows = sheet_rows(wb, "documents")
    text = list(rows[0]).index("text")
    whole = tables["documents"]["text"]
    assert [r[text] for r in rows[1:]] == [t[:100] for t in whole]
    assert (whole.str.len() > 100).sum() == summary.cut["documents.text"] > 0
    readme = "\n".join(" ".join(str(v) for v in r if v is not None) for r in sheet_rows(wb, README_SHEET))
    assert "Cut columns: documents.text" in readme and "keep the whole text" in readme
    assert "cut at 100 characters" in summary.line()


def test_export_needs_a_target_and_the_tables(out, tmp_path):
    result = CliRunner().invoke(gazette, ["export", str(out)])
    assert result.exit_code == 2 and "--xlsx" in result.output
    result = CliRunner().invoke(gazette, ["export", str(tmp_path), "--xlsx", str(tmp_path / "x.xlsx")])
    assert result.exit_code == 1 and "documents.parquet" in result.output and "gazette extract" in result.output
    assert not (tmp_path / "x.xlsx").exists()
