"""Hostile and odd inputs around the readers (issue 18): names that are not UTF-8 or hold
control characters, identical files, one name in two input folders, links that lead out of
the input folder, FIFOs, a planted link in OUT, the umask, SIGTERM, a worker that dies, an
OUT path with glob characters, a runaway worker's memory. No input may stop the run, vanish
silently or make the run write outside its place; each input is built here from a recipe."""
from __future__ import annotations

import os
import shutil
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

import pipeline.read
from pipeline.cli import gazette
from pipeline.lock import HOLDER_FILE, OutputBusy, output_lock
from pipeline.manifest import InputFile, Refusal, RunSettings, plan_run
from pipeline.run import run
from pipeline.validate import validate
from tests.conftest import RAW

PLAN = RAW / "jiaxing-ai-plan-draft.txt"  # a small UTF-8 text: one document, read in well under a second
PAGE = RAW / "jiaxing-2025-18.html"


def put(folder: Path, name: bytes | str, data: bytes) -> None:
    """A file named by raw bytes (a name need not be UTF-8 on Linux), in `folder`."""
    path = os.path.join(os.fsencode(folder), os.fsencode(name))
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as handle:
        handle.write(data)


def table(out: Path, name: str) -> pd.DataFrame:
    return pd.read_parquet(out / f"{name}.parquet")


def sources(out: Path, name: str = "documents") -> set[str]:
    return set(table(out, name)["source_file"])


def assert_valid(out: Path) -> None:
    report = validate(out)
    assert report.ok, [problem.line() for problem in report.problems]


# --- 1. file names that are not UTF-8, or hold control characters ---------------------------

def test_a_file_name_that_is_not_utf8_is_read_under_an_escaped_name_and_the_others_are_read(tmp_path):
    inputs, out = tmp_path / "in", tmp_path / "out"
    shutil.copytree(RAW, inputs, ignore=lambda folder, names: [n for n in names if n != PLAN.name])
    put(inputs, b"bad\xff.txt", PAGE.read_bytes())  # a web page saved by a GBK-era tool: Latin-1 bytes
    put(inputs, b"\xb9\xab\xb1\xa8/2024.html", PAGE.read_bytes() + b"\n")  # a folder named 公报 in GBK

    summary = run(inputs, out, workers=1)

    assert (summary.files_read, summary.files_failed) == (3, 0)
    assert sources(out) == {PLAN.name, "bad\\xff.txt", "\\xb9\\xab\\xb1\\xa8/2024.html"}
    assert set(table(out, "manifest")["status"]) == {"ok"}
    assert_valid(out)
    again = run(inputs, out, workers=1)  # the escaped name is the same key on every run
    assert (again.files_read, again.unchanged) == (0, 3)


def test_a_file_name_with_control_characters_is_read_under_an_escaped_name(tmp_path):
    inputs, out = tmp_path / "in", tmp_path / "out"
    put(inputs, b"\x1b[2J\x1b[Hnotice\n\x07.txt", PLAN.read_bytes())  # clears a terminal, rings, breaks a line

    assert run(inputs, out, workers=1).files_read == 1

    assert sources(out) == {"\\x1b[2J\\x1b[Hnotice\\x0a\\x07.txt"}
    assert_valid(out)


def test_escaped_names_never_collide_with_a_name_that_is_spelled_like_an_escape(tmp_path):
    """`bad\\xff.txt` spelled with a backslash is a valid UTF-8 name; the byte 0xff is not.
    Both are inputs, under two names."""
    inputs, out = tmp_path / "in", tmp_path / "out"
    put(inputs, b"bad\xff.txt", PLAN.read_bytes())
    put(inputs, b"bad\\xff.txt", PAGE.read_bytes())
    put(inputs, "a\\b.txt", PLAN.read_bytes() + b"\n")  # a plain backslash stays as it is

    assert run(inputs, out, workers=1).files_read == 3

    assert sources(out, "manifest") == {"bad\\xff.txt", "bad\\x5cxff.txt", "a\\b.txt"}
    assert_valid(out)


def test_the_command_line_prints_escaped_names_and_writes_the_tables(tmp_path):
    inputs, out = tmp_path / "in", tmp_path / "out"
    put(inputs, PLAN.name, PLAN.read_bytes())
    put(inputs, b"\x1b]0;owned\x07\xfe\r\ngazette: fake.txt: ok.pdf", b"%PDF-1.7\n not a pdf at all")
    put(inputs, "invoice\u202efdp.txt", b"")  # shows as invoicetxt.pdf: right-to-left override

    result = CliRunner().invoke(gazette, ["extract", str(inputs), "--out", str(out), "--workers", "1"])

    assert result.exit_code == 0, result.output
    lines = result.stderr.splitlines()
    bad = [line for line in lines if "owned" in line]
    assert len(bad) == 1 and bad[0].startswith("gazette: \\x1b]0;owned\\x07\\xfe\\x0d\\x0agazette: fake.txt: ok.pdf: ")
    assert not any(ch in result.stderr for ch in "\x1b\x07\r\u202e")
    assert not any(line.startswith("gazette: fake.txt") for line in lines)  # no forged line
    assert "gazette: invoice\\u202efdp.txt: empty_file" in result.stderr
    assert len(table(out, "errors")) == 2 and len(table(out, "documents")) == 1


# --- 5. identity ----------------------------------------------------------------------------

def test_two_identical_files_under_two_names_give_documents_and_sections_of_their_own(tmp_path):
    inputs = tmp_path / "in"
    put(inputs, "plan.txt", PLAN.read_bytes())
    put(inputs, "copy/plan (1).txt", PLAN.read_bytes())  # the same download, saved twice

    run(inputs, tmp_path / "out", workers=1)

    documents = table(tmp_path / "out", "documents")
    assert sorted(documents["source_file"]) == ["copy/plan (1).txt", "plan.txt"]
    assert documents["doc_id"].is_unique and table(tmp_path / "out", "sections")["section_id"].is_unique
    assert_valid(tmp_path / "out")
    run(inputs, tmp_path / "again", workers=1)  # ids are stable from run to run
    assert sorted(table(tmp_path / "again", "documents")["doc_id"]) == sorted(documents["doc_id"])


def test_one_name_in_two_input_folders_keeps_the_first_folders_rows_and_says_so(tmp_path):
    first, second, out = tmp_path / "2023", tmp_path / "2024", tmp_path / "out"
    put(first, "index.txt", PLAN.read_bytes())
    put(second, "index.txt", PLAN.read_bytes().replace("征求意见稿".encode(), b""))  # another file, one name
    put(second, "page.html", PAGE.read_bytes())
    run(first, out, workers=1)
    kept = table(out, "documents").set_index("source_file").loc["index.txt", "source_sha256"]

    result = CliRunner().invoke(gazette, ["extract", str(second), "--out", str(out), "--workers", "1"])

    assert result.exit_code == 0, result.output
    said = [line for line in result.stderr.splitlines() if "index.txt" in line]
    assert len(said) == 1 and str(first.resolve()) in said[0] and str(second.resolve()) in said[0], result.stderr
    assert sources(out) == {"index.txt", "page.html"}  # the second folder's other inputs are read
    assert table(out, "documents").set_index("source_file").loc["index.txt", "source_sha256"] == kept
    manifest = table(out, "manifest").set_index("source_file")
    assert manifest.loc["index.txt", "input_root"] == str(first.resolve())
    assert_valid(out)

    shutil.copy2(first / "index.txt", second / "index.txt")  # the same bytes and time: not skipped in silence
    again = CliRunner().invoke(gazette, ["extract", str(second), "--out", str(out), "--workers", "1"])
    assert again.exit_code == 0 and "index.txt" in again.stderr and str(first.resolve()) in again.stderr


def test_an_input_folder_moved_elsewhere_is_neither_read_again_nor_a_clash(tmp_path):
    out = tmp_path / "out"
    put(tmp_path / "raw", "index.txt", PLAN.read_bytes())
    run(tmp_path / "raw", out, workers=1)
    (tmp_path / "raw").rename(tmp_path / "archive")

    moved = run(tmp_path / "archive", out, workers=1)

    assert (moved.files_read, moved.unchanged, moved.errors) == (0, 1, [])
    assert table(out, "manifest")["input_root"].tolist() == [str((tmp_path / "archive").resolve())]


# --- 6. where the run may read and write ---------------------------------------------------

def test_a_link_planted_as_the_locks_holder_file_is_not_written_through(tmp_path):
    inputs, out = tmp_path / "in", tmp_path / "out"
    put(inputs, "plan.txt", PLAN.read_bytes())
    out.mkdir()
    victim = tmp_path / "crontab"  # any file the user running gazette may write
    victim.write_text("0 3 * * * backup\n")
    (out / HOLDER_FILE).symlink_to(victim)

    assert run(inputs, out, workers=1).files_read == 1

    assert victim.read_text() == "0 3 * * * backup\n"
    assert not (out / HOLDER_FILE).is_symlink()
    assert_valid(out)


def test_a_run_that_waits_does_not_read_a_planted_holder_link_into_its_message(tmp_path):
    out, secret = tmp_path / "out", tmp_path / "secret"
    secret.write_text("root:$6$hash\n")
    with output_lock(out):
        (out / HOLDER_FILE).unlink()
        (out / HOLDER_FILE).symlink_to(secret)
        with pytest.raises(OutputBusy) as busy:
            with output_lock(out):
                pass
    assert "root:" not in str(busy.value) and "unknown process" in str(busy.value)


def extract(inputs: Path, out: Path, *options: str, timeout: float = 300) -> subprocess.CompletedProcess:
    """`gazette extract` in its own process, so that a run that hangs fails the test instead of
    stopping the suite."""
    return subprocess.run([sys.executable, "-m", "pipeline", "extract", str(inputs), "--out", str(out),
                           "--workers", "1", *options], capture_output=True, text=True, timeout=timeout)


def errors_by_source(out: Path) -> dict[str, str]:
    errors = table(out, "errors")
    return dict(zip(errors["source_file"], errors["error_type"], strict=True))


def test_a_link_out_of_the_input_folder_is_listed_and_read_only_with_follow_symlinks(tmp_path):
    inputs, outside, out = tmp_path / "in", tmp_path / "outside", tmp_path / "out"
    put(inputs, "plan.txt", PLAN.read_bytes())
    put(outside, "page.html", PAGE.read_bytes())
    put(outside, "more/notice.txt", PLAN.read_bytes().replace("征求意见稿".encode(), b""))
    (inputs / "page.html").symlink_to(outside / "page.html")  # a file link out: /etc/os-release would do
    (inputs / "more").symlink_to(outside / "more")  # a folder link out
    (inputs / "same-plan.txt").symlink_to(inputs / "plan.txt")  # a link that stays inside: read

    first = extract(inputs, out)

    assert first.returncode == 0, first.stderr
    assert sources(out) == {"plan.txt", "same-plan.txt"}
    assert errors_by_source(out) == {"page.html": "link_outside_input", "more": "link_outside_input"}
    assert table(out, "manifest").set_index("source_file")["status"].to_dict() == {
        "plan.txt": "ok", "same-plan.txt": "ok", "page.html": "not_followed", "more": "not_followed"}
    told = [line for line in first.stderr.splitlines() if "outside the input folder" in line]
    assert len(told) == 2 and all("--follow-symlinks" in line for line in told)
    assert "4 inputs: 2 read, 2 not followed (links out of the input folder)" in first.stderr
    assert_valid(out)
    assert "outside the input folder" not in extract(inputs, out).stderr  # listed once, not every night

    followed = extract(inputs, out, "--follow-symlinks")

    assert followed.returncode == 0, followed.stderr
    assert sources(out) == {"plan.txt", "same-plan.txt", "page.html", "more/notice.txt"}
    assert errors_by_source(out) == {}
    assert_valid(out)
    extract(inputs, out)  # and without it again: the links' rows go, their error rows are back
    assert sources(out) == {"plan.txt", "same-plan.txt"}
    assert errors_by_source(out) == {"page.html": "link_outside_input", "more": "link_outside_input"}


def test_fifos_link_loops_and_links_to_nothing_are_listed_and_never_waited_on(tmp_path):
    inputs, out = tmp_path / "in", tmp_path / "out"
    put(inputs, "plan.txt", PLAN.read_bytes())
    os.mkfifo(inputs / "pipe.txt")  # opening it would wait for a writer forever
    (inputs / "loop.pdf").symlink_to(inputs / "loop.pdf")
    (inputs / "gone.pdf").symlink_to(tmp_path / "nowhere.pdf")
    (inputs / "sub").mkdir()
    (inputs / "sub" / "up").symlink_to(inputs)  # a folder link to a folder above it
    (inputs / "null").symlink_to(os.devnull)  # a device, followed when asked to

    result = extract(inputs, out, "--follow-symlinks", "--time-limit", "60", timeout=120)

    assert result.returncode == 0, result.stderr
    assert sources(out) == {"plan.txt"}
    assert errors_by_source(out) == {"pipe.txt": "not_a_file", "loop.pdf": "cannot_open", "gone.pdf": "cannot_open",
                                     "sub/up": "link_loop", "null": "not_a_file"}
    for name in ("pipe.txt", "loop.pdf", "gone.pdf", "sub/up", "null"):
        assert f"gazette: {name}: " in result.stderr
    assert_valid(out)
    again = extract(inputs, out, "--follow-symlinks", timeout=120)  # and the plan does not open them either
    assert again.returncode == 0, again.stderr


def test_the_tables_are_written_with_the_mode_the_umask_gives(tmp_path):
    inputs, out = tmp_path / "in", tmp_path / "out"
    put(inputs, "plan.txt", PLAN.read_bytes())
    for umask, mode in ((0o002, 0o664), (0o077, 0o600)):  # a group-shared OUT, then a private one
        written = subprocess.run([sys.executable, "-m", "pipeline", "extract", str(inputs), "--out", str(out),
                                  "--workers", "1", "--full"], capture_output=True, text=True, umask=umask)
        assert written.returncode == 0, written.stderr
        modes = {path.name: stat.S_IMODE(path.stat().st_mode) for path in out.glob("*.parquet")}
        assert len(modes) == 10 and set(modes.values()) == {mode}, (oct(umask), modes)


# --- 8. smaller -----------------------------------------------------------------------------

def children(pid: int) -> set[int]:
    return {int(child) for task in Path(f"/proc/{pid}/task").iterdir()
            for child in (task / "children").read_text().split()}


def test_sigterm_stops_a_run_as_ctrl_c_does_and_leaves_nothing_behind(tmp_path):
    inputs, out = tmp_path / "in", tmp_path / "out"
    for name in ("jiaxing-2024-11.pdf", "jiaxing-2024-11-2col-radicals.pdf", "jiaxing-ai-plan-draft.pdf"):
        put(inputs, name, (RAW / name).read_bytes())
    # pdfplumber: slow enough that the signal lands while the files are read
    started = subprocess.Popen([sys.executable, "-m", "pipeline", "extract", str(inputs), "--out", str(out),
                                "--workers", "2", "--pdf-engine", "pdfplumber"], stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 120
    while not (list(out.glob(".staging-*")) and children(started.pid)) and started.poll() is None \
            and time.monotonic() < deadline:
        time.sleep(0.02)  # until the run stages its rows and its workers read
    workers = children(started.pid)
    assert workers and started.poll() is None, "the run ended before it was signalled: the test proved nothing"

    started.send_signal(signal.SIGTERM)  # what cron, systemd and `kill` send
    _, err = started.communicate(timeout=60)

    assert started.returncode == 128 + signal.SIGTERM, err
    assert "SIGTERM" in err
    assert not list(out.glob(".staging-*")) and not list(out.glob(".*.tmp")) and not (out / HOLDER_FILE).exists()
    assert not (out / "documents.parquet").exists()
    deadline = time.monotonic() + 10
    while any(Path(f"/proc/{pid}").exists() for pid in workers) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not any(Path(f"/proc/{pid}").exists() for pid in workers)  # its workers are stopped too
    with output_lock(out):  # and the lock is free
        pass


def kill_the_worker(path, source_file, **settings):
    os.kill(os.getpid(), signal.SIGKILL)  # the kernel's OOM killer, or a crash in a native library


def test_an_input_whose_worker_died_is_read_once_more_by_the_next_run(tmp_path, monkeypatch):
    inputs, out = tmp_path / "in", tmp_path / "out"
    put(inputs, "plan.txt", PLAN.read_bytes())
    put(inputs, "page.html", PAGE.read_bytes())

    def statuses():
        return table(out, "manifest").set_index("source_file")["status"].to_dict()

    # the readers are replaced in the forked workers: the worker of each text and web page dies
    monkeypatch.setitem(pipeline.read.READERS, "text", kill_the_worker)
    monkeypatch.setitem(pipeline.read.READERS, "html", kill_the_worker)
    run(inputs, out, workers=1)
    assert statuses() == {"plan.txt": "worker_died", "page.html": "worker_died"}
    assert_valid(out)

    monkeypatch.setitem(pipeline.read.READERS, "html", pipeline.read._reader("html"))  # that was a passing crash
    second = run(inputs, out, workers=1)
    assert (second.files_read, second.files_failed) == (1, 1)  # both read once more
    assert statuses() == {"plan.txt": "worker_died_again", "page.html": "ok"}
    assert errors_by_source(out) == {"plan.txt": "worker_died"}

    third = run(inputs, out, workers=1)  # dying twice on the same bytes: not tried every night
    assert (third.files_read, third.files_failed, third.unchanged) == (0, 0, 2)
    monkeypatch.undo()
    assert run(inputs, out, workers=1).unchanged == 2  # until it changes
    (inputs / "plan.txt").write_bytes(PLAN.read_bytes() + b"\n")
    assert run(inputs, out, workers=1).files_read == 1
    assert statuses() == {"plan.txt": "ok", "page.html": "ok"} and errors_by_source(out) == {}


def test_gazette_sql_reads_the_folder_it_is_given_whatever_glob_characters_its_name_holds(tmp_path):
    one, two = tmp_path / "one", tmp_path / "two"
    put(one, "plan.txt", PLAN.read_bytes())
    put(two, "plan.txt", PLAN.read_bytes())
    put(two, "page.html", PAGE.read_bytes())
    run(one, tmp_path / "out1", workers=1)  # 1 document
    run(two, tmp_path / "out[1]", workers=1)  # 2 documents: a glob's [1] would read out1 instead
    shutil.copytree(tmp_path / "out1", tmp_path / "oat")
    shutil.copytree(tmp_path / "out[1]", tmp_path / "o*t")  # a glob's * would read oat too
    shutil.copytree(tmp_path / "out[1]", tmp_path / "o?t's")  # and ? any one character; ' quotes

    for folder in ("out[1]", "o*t", "o?t's"):
        result = CliRunner().invoke(gazette, ["sql", str(tmp_path / folder), "--format", "csv",
                                              "-c", "SELECT count(*) AS n FROM documents"])
        assert result.exit_code == 0, result.output
        assert result.output.split() == ["n", "2"], folder


# --- 3. a worker's memory ceiling -----------------------------------------------------------

def test_an_input_that_takes_a_worker_past_its_memory_limit_is_an_error_row_and_the_others_are_read(tmp_path):
    inputs, out = tmp_path / "in", tmp_path / "out"
    put(inputs, "plan.txt", PLAN.read_bytes())
    put(inputs, "page.html", PAGE.read_bytes())
    # 16 MB of markup, two million paragraphs: its parse tree alone takes about 2 GB
    put(inputs, "bloated.html", b"<html><body>" + b"<p>x</p>" * 2_000_000 + b"</body></html>")

    result = extract(inputs, out, "--memory-limit", "1024")

    assert result.returncode == 0, result.stderr
    assert sources(out) == {"plan.txt", "page.html"}
    errors = table(out, "errors")
    assert errors["source_file"].tolist() == ["bloated.html"] and errors["error_type"].tolist() == ["memory_limit"]
    assert "1,024 MB" in errors["message"][0] and "--memory-limit" in errors["message"][0]
    assert "gazette: bloated.html: memory_limit" in result.stderr
    manifest = table(out, "manifest").set_index("source_file")
    assert manifest.loc["bloated.html", "status"] == "error"
    assert (manifest["peak_rss_mb"] <= 1024).all()
    assert_valid(out)


# --- planning, without files ------------------------------------------------------------------

SETTINGS = RunSettings("/in", "v1", "pdfium", 60.0)
LINK_OUT = Refusal("link_outside_input", "a symbolic link to /etc/os-release, outside the input folder")


def a_row(status: str) -> dict:
    return {"source_file": "a.txt", "input_root": "/in", "size": 10, "mtime_ns": 1, "sha256": None,
            "pipeline_version": "v1", "pdf_engine": None, "ocr": None, "status": status, "time_limit_s": 60.0}


@pytest.mark.parametrize("status, refusal, reads", [
    ("worker_died", None, True),  # its worker died: read once more
    ("worker_died_again", None, False),  # and not again, unchanged
    ("not_followed", LINK_OUT, False),  # a link out, still not followed: listed once
    ("not_followed", None, True),  # followed now (--follow-symlinks)
    ("ok", LINK_OUT, True),  # read through the link before, not followed now: its rows go
])
def test_what_makes_a_crashed_or_unfollowed_input_read_again(status, refusal, reads):
    item = InputFile(Path("/in/a.txt"), "a.txt", 10, 1, refusal)
    plan = plan_run([item], [a_row(status)], SETTINGS, full=False)
    assert bool(plan.to_read) is reads and bool(plan.unchanged) is not reads
