"""notebooks/explore.ipynb runs top to bottom on the corpus output and shows the right answers.

The notebook is executed with nbclient in a kernel of this very Python (sys.executable, whatever
kernelspec is installed), against the `corpus_out` fixture through GAZETTE_OUT. Its answers are
read back from the HTML of the DataFrames that end its answer cells (found by cell tag) and
compared with the same questions answered here straight from the Parquet tables. Nothing is
written into the repository: the executed notebook stays in memory.
"""
from __future__ import annotations

import io
import json
import sys
from pathlib import Path

import nbformat
import pandas as pd
import pytest
from jupyter_client.kernelspec import KernelSpecManager
from jupyter_client.manager import AsyncKernelManager
from matplotlib import font_manager
from nbclient import NotebookClient

from pipeline.schema import OUTPUT_TABLES

NOTEBOOKS = Path(__file__).parents[1] / "notebooks"
NOTEBOOK = NOTEBOOKS / "explore.ipynb"
TABLES = list(OUTPUT_TABLES)  # the notebook counts the rows of every table the folder has
CJK_FONTS = {"WenQuanYi Zen Hei", "Noto Sans CJK SC", "Source Han Sans SC", "SimHei", "Microsoft YaHei",
             "PingFang SC", "AR PL UMing CN"}


# --- the answers, computed here from the tables -----------------------------------------------

def policies(docs: pd.DataFrame) -> pd.DataFrame:
    """One document per 文号 (else title): no drafts, no 政策解读 (restatements), no 发文目录 (listings)."""
    docs = docs[~docs["is_draft"] & ~docs["doc_type"].isin(["政策解读", "发文目录"])].copy()
    docs["policy"] = [number if isinstance(number, str) else title
                      for number, title in zip(docs["doc_number"], docs["title"], strict=True)]
    first = docs.groupby("policy")["source_file"].min().reset_index()  # one copy per policy: first file
    first = first.merge(docs, on=["policy", "source_file"]).sort_values("position").drop_duplicates("policy")
    signed_year = pd.Series([d.year if d is not None and not pd.isna(d) else None for d in first["signed_date"]],
                            index=first.index, dtype="Float64")
    first["year"] = first["doc_year"].astype("Float64").fillna(signed_year).astype("Int64")
    return first[["doc_id", "policy", "title", "issuer", "year"]]


def expected_answers(out: Path) -> dict[str, pd.DataFrame]:
    t = {name: pd.read_parquet(out / f"{name}.parquet") for name in TABLES}
    pol = policies(t["documents"])

    subsidies = t["subsidies"].merge(pol, on="doc_id")
    caps = subsidies[subsidies["cap_yuan"].notna() & (subsidies["currency"] == "CNY")]
    caps_rows = []
    for (issuer, year), group in caps.groupby([caps["issuer"].fillna("(unknown)"), "year"], dropna=False):
        caps_rows.append({"issuer": issuer, "year": year, "caps": len(group),
                          "largest": group["cap_yuan"].max() / 1e4, "total": group["cap_yuan"].sum() / 1e4})

    targets = t["targets"].merge(pol, on="doc_id")
    due = targets[targets["target_year"].notna() & (targets["target_year"] <= 2027)]

    leads = t["responsible_units"].merge(pol, on="doc_id")
    leads = leads[leads["is_lead"]]
    tasks: dict[str, set] = {}
    for unit, policy, path, task in leads[["unit", "policy", "section_path", "task"]].itertuples(index=False):
        tasks.setdefault(unit, set()).add((policy, str(path), str(task)))
    ranked = sorted(((unit, len(led)) for unit, led in tasks.items()), key=lambda kv: (-kv[1], kv[0]))[:10]
    return {
        "row-counts": pd.DataFrame({"table": TABLES, "rows": [len(t[name]) for name in TABLES]}),
        "answer-caps": pd.DataFrame(caps_rows),
        "answer-targets": due,
        "answer-leads": pd.DataFrame(ranked, columns=["unit", "tasks led"]),
        "all subsidies": t["subsidies"],
    }


# --- running the notebook --------------------------------------------------------------------

def this_python_kernel(folder: Path) -> AsyncKernelManager:
    """A kernel manager whose only kernelspec, python3, runs sys.executable (this venv's ipykernel)."""
    spec = folder / "kernels" / "python3"
    spec.mkdir(parents=True)
    (spec / "kernel.json").write_text(json.dumps({
        "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "Python 3 (test)", "language": "python"}), encoding="utf-8")
    specs = KernelSpecManager(kernel_dirs=[str(folder / "kernels")], ensure_native_kernel=False)
    return AsyncKernelManager(kernel_name="python3", kernel_spec_manager=specs)


@pytest.fixture(scope="module")
def executed(corpus_out, tmp_path_factory):
    """The notebook, executed against corpus_out (cells by id, and the kernel manager)."""
    pytest.importorskip("ipykernel")
    before = sorted(p.name for p in NOTEBOOKS.iterdir())
    source = NOTEBOOK.read_bytes()
    nb = nbformat.reads(source.decode("utf-8"), as_version=4)
    km = this_python_kernel(tmp_path_factory.mktemp("kernel"))
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("GAZETTE_OUT", str(corpus_out))  # the kernel inherits the environment
        mp.delenv("MPLBACKEND", raising=False)     # so that ipykernel picks the inline backend
        NotebookClient(nb, km=km, kernel_name="python3", timeout=120,
                       resources={"metadata": {"path": str(NOTEBOOKS)}}).execute()
    assert km.kernel_spec.argv[0] == sys.executable
    assert sorted(p.name for p in NOTEBOOKS.iterdir()) == before, "the notebook run wrote into notebooks/"
    assert NOTEBOOK.read_bytes() == source
    return nb


@pytest.fixture(scope="module")
def expected(corpus_out):
    return expected_answers(corpus_out)


def tagged(nb, tag: str) -> list:
    cells = [c for c in nb.cells if tag in c.get("metadata", {}).get("tags", [])]
    assert cells, f"no cell tagged {tag}"
    return cells


def shown_frame(nb, tag: str) -> pd.DataFrame:
    """The DataFrame the cell tagged `tag` ends with, read back from its HTML."""
    (cell,) = tagged(nb, tag)
    html = [o["data"]["text/html"] for o in cell.outputs if "text/html" in o.get("data", {})]
    assert html, f"cell {tag} shows no table"
    frame = pd.read_html(io.StringIO(html[-1]))[0]
    return frame.drop(columns=[c for c in frame.columns if str(c).startswith("Unnamed")])


def stream_text(nb, name: str = "stdout") -> str:
    return "".join(o.get("text", "") for c in nb.cells if c.cell_type == "code"
                   for o in c.outputs if o["output_type"] == "stream" and o["name"] == name)


# --- the checks ------------------------------------------------------------------------------

def test_notebook_is_committed_clean():
    nb = nbformat.read(NOTEBOOK, as_version=4)
    nbformat.validate(nb)
    assert nb.nbformat == 4 and nb.metadata["kernelspec"]["name"] == "python3"
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert all(c.outputs == [] and c.execution_count is None for c in code), "clear the outputs"
    assert 12 <= len(nb.cells) <= 20


def test_reads_the_tables_through_the_python_api():
    code = "\n".join(c.source for c in nbformat.read(NOTEBOOK, as_version=4).cells if c.cell_type == "code")
    assert "gazette.load(OUT)" in code and "tables.policies" in code
    assert "read_parquet" not in code  # no globbing of Parquet paths by hand


def test_runs_without_errors_on_the_given_tables(executed, corpus_out):
    code = [c for c in executed.cells if c.cell_type == "code"]
    assert all(c.execution_count is not None for c in code)
    errors = [o for c in code for o in c.outputs if o["output_type"] == "error"]
    assert not errors, errors[0]["ename"] + ": " + errors[0]["evalue"]
    assert f"tables from {corpus_out.resolve()}" in stream_text(executed)  # GAZETTE_OUT, not data/out


def test_row_counts(executed, expected):
    shown = shown_frame(executed, "row-counts")
    rows = dict(zip(shown["table"], shown["rows"], strict=True))
    want = dict(zip(expected["row-counts"]["table"], expected["row-counts"]["rows"], strict=True))
    assert rows == want
    assert want["errors"] > 0  # the corpus has unreadable inputs; data/out has none


def test_subsidy_caps_by_issuer_and_year(executed, expected):
    shown = shown_frame(executed, "answer-caps")
    want = expected["answer-caps"]
    assert len(shown) == len(want) > 0
    got = {(r["issuer"], int(r["year"]) if pd.notna(r["year"]) else None):
           (r["caps"], r["largest cap (万元)"], r["total of caps (万元)"]) for _, r in shown.iterrows()}
    for _, r in want.iterrows():
        key = (r["issuer"], int(r["year"]) if pd.notna(r["year"]) else None)
        assert key in got, key
        assert got[key][0] == r["caps"]
        assert got[key][1] == pytest.approx(r["largest"]) and got[key][2] == pytest.approx(r["total"])
    # the largest cap of all, and a policy printed in three inputs counts once
    assert shown["largest cap (万元)"].max() == pytest.approx(want["largest"].max())
    assert shown["caps"].sum() == want["caps"].sum() < expected["all subsidies"]["cap_yuan"].notna().sum()


def test_targets_due_by_2027(executed, expected):
    shown = shown_frame(executed, "answer-targets")
    want = expected["answer-targets"]
    assert f"{len(want)} targets due by 2027" in stream_text(executed)
    assert len(shown) == len(want) > 0
    assert shown["target_year"].max() <= 2027
    key = ["target_year", "indicator", "value", "unit", "comparator", "title", "evidence"]
    assert sorted(map(tuple, shown[key].astype(str).to_numpy())) == \
        sorted(map(tuple, want[key].astype({"target_year": int}).astype(str).to_numpy()))
    # the issue read as PDF, two-column PDF and text gives each of its targets once
    assert (shown["evidence"].str.contains("培育链主企业10家") & (shown["indicator"] == "链主企业")).sum() == 1


def test_units_that_lead_the_most_tasks(executed, expected):
    shown = shown_frame(executed, "answer-leads")
    want = expected["answer-leads"]
    assert shown[["unit", "tasks led"]].values.tolist() == want.values.tolist()
    top_unit, top_count = want.iloc[0]
    assert top_count > want.iloc[1]["tasks led"]  # one clear leader in the corpus
    assert shown.iloc[0]["unit"] == top_unit and shown.iloc[0]["tasks led"] == top_count


def test_three_charts_with_chinese_labels(executed):
    charts = tagged(executed, "chart")
    images = [o for c in charts for o in c.outputs if "image/png" in o.get("data", {})]
    assert len(charts) >= 3 and len(images) >= len(charts)
    assert all(len(o["data"]["image/png"]) > 10_000 for o in images)  # base64 of a real figure
    if CJK_FONTS & {f.name for f in font_manager.fontManager.ttflist}:
        assert "missing from font" not in stream_text(executed, "stderr")  # no tofu boxes
