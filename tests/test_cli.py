"""`gazette` commands, run in-process on real inputs; the Parquet they write is checked."""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from pipeline.cli import gazette
from pipeline.schema import SCHEMAS
from tests.conftest import MANIFEST, RAW
from tests.runs import copy_inputs

README = Path(__file__).parent.parent / "README.md"
# The sample corpus's scanned.pdf (pages 2-3 of the issue, as pictures) was a bad input
# before scanned pages were read by OCR (issue 16); its MANIFEST still says "error".
OCR_READ = {"scanned.pdf"}
BAD_INPUTS = {name for name, info in MANIFEST.items() if info["expect"] == "error"} - OCR_READ
GOOD_INPUTS = {name for name, info in MANIFEST.items() if info["expect"] == "ok"} | OCR_READ


def extract(input_dir: Path, out: Path, *options: str):
    return CliRunner().invoke(gazette, ["extract", str(input_dir), "--out", str(out), *options])


def test_every_command_has_help_with_an_example_and_is_in_the_readme():
    readme = README.read_text(encoding="utf-8")
    for name, command in gazette.commands.items():
        result = CliRunner().invoke(gazette, [name, "--help"])
        assert result.exit_code == 0, result.output
        assert "Example:" in result.output
        assert f"gazette {name}" in readme
        for param in command.params:
            if param.param_type_name == "option":
                assert param.help, f"{name} {param.opts} has no help"


def test_extract_writes_all_nine_tables(corpus_run):
    assert set(corpus_run) == set(SCHEMAS) and len(SCHEMAS) == 9
    docs = corpus_run["documents"]
    assert set(docs["source_file"]) == GOOD_INPUTS
    assert docs["doc_id"].is_unique


def test_each_bad_input_gets_one_error_row_and_the_others_still_produce_output(corpus_run):
    errors = corpus_run["errors"]
    assert dict(zip(errors["source_file"], errors["error_type"], strict=True)) == {
        "binary.txt": "undecodable_text", "empty.html": "empty_file", "empty.pdf": "empty_file",
        "not-a-pdf.pdf": "not_a_pdf", "truncated.pdf": "corrupt_pdf",
    }
    assert set(errors["stage"]) == {"read"}
    assert not set(corpus_run["documents"]["source_file"]) & BAD_INPUTS


def test_documents_keep_the_web_page_metadata_and_script(corpus_run):
    docs = corpus_run["documents"].set_index("source_file")
    web = docs.loc["jiaxing-2025-18.html"]
    assert (web["index_number"], web["unified_number"], web["validity"]) == (
        "002546445/2025-395096", "ZJSP12-2025-0003", "有效")
    assert web["page_start"] is None or pd.isna(web["page_start"])
    assert docs.loc["hangzhou-2023-ai-mirror.html", "script_original"] == "hant"
    issue = docs.loc["jiaxing-2024-11.pdf"]  # cover and 目录 on page 1, colophon on 13
    assert (issue["page_start"].min(), issue["page_end"].max()) == (2, 12)


def test_bad_input_message_names_the_file(tmp_path):
    inputs = copy_inputs(["truncated.pdf", "jiaxing-ai-plan-draft.txt"], tmp_path / "in")
    result = extract(inputs, tmp_path / "out")
    assert result.exit_code == 0, result.output
    assert "truncated.pdf: corrupt_pdf" in result.output
    assert "2 inputs: 1 read, 1 unreadable" in result.output


def test_a_scanned_pdf_with_ocr_off_is_a_named_error(tmp_path):
    inputs = copy_inputs(["scanned.pdf", "jiaxing-ai-plan-draft.txt"], tmp_path / "in")
    result = extract(inputs, tmp_path / "out", "--ocr", "off")
    assert result.exit_code == 0, result.output
    assert "scanned.pdf: no_text_layer (read): 2 page(s) without a text layer (scanned images?), and --ocr off" \
        in result.output


def test_extract_prints_each_table_it_wrote_where_and_how_many_rows(tmp_path):
    inputs = copy_inputs(["jiaxing-2025-18.html", "empty.pdf"], tmp_path / "in")
    out = tmp_path / "out"
    first = extract(inputs, out)
    assert first.exit_code == 0, first.output
    assert f"wrote {out}/" in first.output
    targets = len(pd.read_parquet(out / "targets.parquet"))
    assert re.search(rf"targets\.parquet +{targets} rows +\({targets} from this run\)", first.output)
    assert re.search(r"errors\.parquet +1 rows +\(1 from this run\)", first.output)
    again = extract(inputs, out)
    assert f"unchanged: {out}/" in again.output and "from this run" not in again.output


def test_run_with_no_readable_input_exits_non_zero_and_still_logs_errors(tmp_path):
    inputs = copy_inputs(["empty.pdf", "binary.txt"], tmp_path / "in")
    result = extract(inputs, tmp_path / "out")
    assert result.exit_code != 0
    assert "could be read" in result.output
    assert len(pd.read_parquet(tmp_path / "out" / "errors.parquet")) == 2


def test_folder_without_inputs_is_a_clean_error(tmp_path):
    (tmp_path / "in").mkdir()
    result = extract(tmp_path / "in", tmp_path / "out")
    assert result.exit_code != 0 and "no files under" in result.output and "Traceback" not in result.output


def test_unwritable_output_is_a_clean_error(tmp_path):
    inputs = copy_inputs(["jiaxing-ai-plan-draft.txt"], tmp_path / "in")
    (tmp_path / "blocker").write_text("a file where the output folder's parent should be")
    result = extract(inputs, tmp_path / "blocker" / "out")
    assert result.exit_code != 0 and "could not write" in result.output


def test_a_later_run_keeps_the_rows_of_other_inputs(tmp_path):
    out = tmp_path / "out"
    assert extract(copy_inputs(["jiaxing-ai-plan-draft.txt"], tmp_path / "a"), out).exit_code == 0
    assert extract(copy_inputs(["jiaxing-2025-18.html", "empty.pdf"], tmp_path / "b"), out).exit_code == 0
    docs = pd.read_parquet(out / "documents.parquet")
    assert sorted(docs["source_file"]) == ["jiaxing-2025-18.html", "jiaxing-ai-plan-draft.txt"]
    assert list(pd.read_parquet(out / "errors.parquet")["source_file"]) == ["empty.pdf"]


def test_rerunning_the_same_input_replaces_its_rows_with_the_same_ids(tmp_path):
    inputs = copy_inputs(["jiaxing-2025-18.html"], tmp_path / "in")
    extract(inputs, tmp_path / "out")
    first = pd.read_parquet(tmp_path / "out" / "documents.parquet")
    extract(inputs, tmp_path / "out")
    second = pd.read_parquet(tmp_path / "out" / "documents.parquet")
    assert len(second) == 1 and list(second["doc_id"]) == list(first["doc_id"])


def test_a_file_that_becomes_readable_loses_its_old_error_row(tmp_path):
    inputs = copy_inputs(["empty.pdf"], tmp_path / "in")
    extract(inputs, tmp_path / "out")
    shutil.copy(RAW / "jiaxing-ai-plan-draft.pdf", inputs / "empty.pdf")
    assert extract(inputs, tmp_path / "out").exit_code == 0
    assert pd.read_parquet(tmp_path / "out" / "errors.parquet").empty
    assert len(pd.read_parquet(tmp_path / "out" / "documents.parquet")) == 1


@pytest.mark.parametrize("argv", [["--help"], ["extract", "--help"]])
def test_python_dash_m_pipeline_is_the_same_program(argv):
    import subprocess
    import sys
    result = subprocess.run([sys.executable, "-m", "pipeline", *argv], capture_output=True, text=True)
    assert result.returncode == 0 and "Example:" in result.stdout


@pytest.mark.parametrize(("argv", "status", "says"), [
    (["--help"], 0, "Example:"),
    (["validate", "no-such-folder"], 2, "does not exist"),
])
def test_the_program_exits_with_the_commands_status_and_all_it_printed(argv, status, says):
    # the program leaves with os._exit once the command is done (pipeline.cli.main)
    done = subprocess.run([sys.executable, "-m", "pipeline", *argv], capture_output=True, text=True)
    assert done.returncode == status and says in done.stdout + done.stderr, done.stderr


def test_a_message_for_a_status_is_printed_and_the_status_is_1():
    code = ("import sys\n"
            "from pipeline import cli\n"
            "cli.gazette.main = lambda **_: sys.exit('stopped: the disk is full')\n"
            "cli.main()\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert (done.returncode, done.stderr) == (1, "stopped: the disk is full\n")


def test_the_closing_hint_runs_as_printed_in_a_new_shell(tmp_path):
    """After `make extract` the venv is not active in a new shell: `gazette` is not on PATH,
    so the hint names the program by the path that works, and that command runs as printed."""
    root = Path(__file__).parent.parent
    program = Path(sys.executable).parent / "gazette"
    inputs = copy_inputs(["jiaxing-2025-18.html"], tmp_path / "in")
    bare = {**os.environ, "PATH": "/usr/bin:/bin"}  # a new shell: no venv on PATH
    done = subprocess.run([str(program.relative_to(root)) if program.is_relative_to(root) else str(program),
                           "extract", str(inputs), "--out", str(tmp_path / "out")],
                          cwd=root, env=bare, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    hint = next(line for line in done.stdout.splitlines() if line.startswith("next: "))
    validate = hint.removeprefix("next: ").split(" | ")[-1]
    assert not validate.startswith("gazette ")  # not on this shell's PATH
    checked = subprocess.run(["bash", "-c", validate], cwd=root, env=bare, capture_output=True, text=True)
    assert checked.returncode == 0 and "all as the contract says" in checked.stdout, checked.stderr


def test_the_command_keeps_pandas_out_and_writes_what_an_in_process_run_writes(corpus_out, tmp_path):
    # pyarrow imports pandas (0.3-0.5 s) at its first list conversion only to see whether the
    # list is a pandas object; `gazette extract` and its workers keep it out (issue 19)
    out = tmp_path / "out"
    code = ("import sys\n"
            "from pipeline.cli import gazette\n"
            "try:\n"
            f"    gazette(['extract', {str(RAW)!r}, '--out', {str(out)!r}, '--workers', '2'])\n"
            "except SystemExit as stop:\n"
            "    print('pandas' in sys.modules, stop.code)\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=600)
    assert done.stdout.splitlines()[-1].split() == ["False", "0"], done.stderr[-2000:]
    for table in SCHEMAS:
        got, want = pd.read_parquet(out / f"{table}.parquet"), pd.read_parquet(corpus_out / f"{table}.parquet")
        assert sorted(map(str, got.itertuples(index=False))) == sorted(map(str, want.itertuples(index=False))), table
