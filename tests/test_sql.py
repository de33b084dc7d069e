"""`gazette sql`: DuckDB views over the tables; the README's queries give the output it shows."""
from __future__ import annotations

import csv
import io
import re
import subprocess
import sys
from pathlib import Path

import pandas as pd
from click.testing import CliRunner

from pipeline.cli import gazette
from pipeline.sql import run_query, shell_command, view_statements

README = Path(__file__).parent.parent / "README.md"
# A query block in the README and the Markdown table printed under it.
EXAMPLE = re.compile(r"```sql\n(?P<query>[^`]*?)\n```\n\n(?P<output>(?:\|[^\n]*\|\n)+)")


def test_every_table_is_a_view_with_the_rows_of_its_file(corpus_out, corpus_run):
    for table in ("documents", "targets", "subsidies", "responsible_units", "manifest"):
        result = run_query(corpus_out, f"SELECT count(*) AS n FROM {table}", "csv")
        assert result.returncode == 0, result.stderr
        expected = len(corpus_run[table]) if table in corpus_run else 13
        assert result.stdout.splitlines() == ["n", str(expected)]


def test_a_query_joins_tables_as_pandas_does(corpus_out, corpus_run):
    query = ("SELECT d.doc_number, max(s.cap_yuan) AS cap FROM subsidies s JOIN documents d USING (doc_id) "
             "WHERE d.source_file = 'jiaxing-2024-11.pdf' GROUP BY ALL ORDER BY cap DESC LIMIT 1")
    result = CliRunner().invoke(gazette, ["sql", str(corpus_out), "--format", "csv", "-c", query])
    assert result.exit_code == 0, result.output
    subsidies = corpus_run["subsidies"].merge(corpus_run["documents"], on="doc_id", suffixes=("", "_doc"))
    top = subsidies[subsidies["source_file"] == "jiaxing-2024-11.pdf"].dropna(subset=["cap_yuan"])
    top = top.loc[top["cap_yuan"].idxmax()]
    assert list(csv.reader(io.StringIO(result.output)))[1] == [top["doc_number"], str(top["cap_yuan"])]


def test_the_readme_queries_give_the_output_it_shows(corpus_out):
    examples = list(EXAMPLE.finditer(README.read_text(encoding="utf-8")))
    assert len(examples) == 3, "the README shows three queries, each with its output"
    for example in examples:
        result = run_query(corpus_out, example["query"], "markdown")
        assert result.returncode == 0, result.stderr
        assert result.stdout.strip() == example["output"].strip(), example["query"]


def test_readme_caps_agree_with_pandas(corpus_run):
    """The first README query, done again with pandas: the numbers are the tables'."""
    docs = corpus_run["documents"]
    docs = docs.assign(key=docs["doc_number"].fillna(docs["title"])).sort_values("source_file")
    docs = docs.drop_duplicates("key")
    caps = corpus_run["subsidies"].merge(docs[~docs["is_draft"]], on="doc_id")
    caps = caps[caps["cap_yuan"].notna()]
    assert caps.groupby("issuer")["cap_yuan"].max().to_dict() == {
        "嘉兴市人民政府办公室": 15_000_000.0, "杭州市人民政府办公厅": 50_000_000.0}
    readme = README.read_text(encoding="utf-8")
    assert "| 嘉兴市人民政府办公室 | 2024 | 5    | 1500.0" in readme


def test_an_sql_error_is_a_message_not_a_traceback(corpus_out):
    result = CliRunner().invoke(gazette, ["sql", str(corpus_out), "-c", "SELECT * FROM nowhere"])
    assert result.exit_code == 1
    assert "Table with name nowhere does not exist" in result.output
    assert "Traceback" not in result.output


def test_a_folder_without_tables_is_refused(tmp_path):
    result = CliRunner().invoke(gazette, ["sql", str(tmp_path), "-c", "SELECT 1"])
    assert result.exit_code == 1 and "run `gazette extract" in result.output


def test_paths_with_quotes_are_quoted_in_the_views(tmp_path, corpus_out):
    odd = tmp_path / "it's here"
    odd.mkdir()
    (odd / "targets.parquet").write_bytes((corpus_out / "targets.parquet").read_bytes())
    assert "it''s here" in view_statements(odd)
    assert run_query(odd, "SELECT count(*) FROM targets", "csv").stdout.splitlines()[1] == str(
        len(pd.read_parquet(corpus_out / "targets.parquet")))


def test_the_session_is_duckdbs_shell_with_the_views(corpus_out, corpus_run):
    command = shell_command(corpus_out)
    assert command[1:3] == ["-m", "duckdb_cli"] and "-c" not in command
    assert "CREATE VIEW subsidies AS SELECT * FROM read_parquet(" in command[-1]
    # the session itself, its statements typed on stdin
    session = subprocess.run([sys.executable, "-m", "pipeline", "sql", str(corpus_out), "--format", "csv"],
                             input=".tables\nSELECT count(*) AS n FROM appointments;\n",
                             capture_output=True, text=True, timeout=60)
    assert session.returncode == 0, session.stderr
    assert "views: documents, sections, targets" in session.stderr
    assert "responsible_units" in session.stdout  # .tables
    plain = re.sub(r"\x1b\[[0-9;]*m", "", session.stdout)  # .tables prints in colour
    assert plain.splitlines()[-2:] == ["n", str(len(corpus_run["appointments"]))]


def test_policies_are_the_policies_a_careful_reader_counts_in_the_sample(corpus_out):
    """The sample corpus holds one gazette issue three times (PDF, two-column PDF, GBK text)
    and two of its pages again as a scan, so 31 documents; a reader counts 8 policies:
    嘉政发〔2024〕19号 and 20号, 嘉政办发〔2024〕25号 (with its 政策解读), 嘉司发〔2024〕22号, the
    month's 人事任免, the web page's 嘉政办发〔2025〕18号, Hangzhou's 实施意见 (the mirror page) and
    the draft plan (a .txt and a .pdf of it). The issue's three 目录 are listings, not policies."""
    query = "SELECT coalesce(doc_number, title) AS policy, copies FROM policies ORDER BY policy"
    result = run_query(corpus_out, query, "csv")
    assert result.returncode == 0, result.stderr
    rows = sorted(list(csv.reader(io.StringIO(result.stdout)))[1:])
    assert rows == sorted([
        ["关于加快推进人工智能产业创新发展的实施意见", "1"],
        ["嘉兴市推动人工智能高质量发展实施方案", "2"],
        ["嘉政办发〔2024〕25号", "6"],  # three copies of the notice, three of its 政策解读
        ["嘉政办发〔2025〕18号", "1"],
        ["嘉政发〔2024〕19号", "4"],  # the three copies and the scan
        ["嘉政发〔2024〕20号", "4"],
        ["嘉司发〔2024〕22号", "3"],
        ["市政府人事任免(2024年10月份)", "3"],
    ])
    counted = run_query(corpus_out, "SELECT count(DISTINCT policy_id) FROM documents WHERE NOT is_listing", "csv")
    assert counted.stdout.splitlines()[1] == "8"
    best = run_query(corpus_out, "SELECT doc_type FROM policies WHERE doc_number = '嘉政办发〔2024〕25号'", "csv")
    assert best.stdout.splitlines()[1].strip('"') == "通知"  # the policy itself, not its 政策解读
