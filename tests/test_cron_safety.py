"""Cron safety: one run at a time per output folder, and a run killed at any moment
leaves the previous tables whole and readable; the next run finishes the job."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pandas as pd
import pytest

import pipeline.write
from pipeline.lock import output_lock
from pipeline.run import run
from pipeline.schema import SCHEMAS
from tests.runs import assert_same_tables, copy_inputs, tables

BEFORE = ["jiaxing-ai-plan-draft.txt", "jiaxing-2025-18.html"]
AFTER = ["jiaxing-2024-11.pdf", "jiaxing-2024-11-2col-radicals.pdf", "jiaxing-ai-plan-draft.pdf",
         "hangzhou-2023-ai-mirror.html", "jiaxing-2024-11.gbk.txt"]


def gazette(*args: str, **popen) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "pipeline", *args], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, start_new_session=True, **popen)


HOLD_LOCK = """
import sys, time
from pathlib import Path
from pipeline.lock import output_lock
with output_lock(Path(sys.argv[1])):
    print("locked", flush=True)
    time.sleep(float(sys.argv[2]))
"""


def hold_lock(out, seconds) -> subprocess.Popen:
    holder = subprocess.Popen([sys.executable, "-c", HOLD_LOCK, str(out), str(seconds)], stdout=subprocess.PIPE,
                              text=True)
    assert holder.stdout.readline().strip() == "locked"
    return holder


def test_a_second_run_on_the_same_output_exits_with_a_message_naming_the_first(tmp_path):
    inputs = copy_inputs(BEFORE, tmp_path / "in")
    holder = hold_lock(tmp_path / "out", 30)
    try:
        second = gazette("extract", str(inputs), "--out", str(tmp_path / "out"))
        _, err = second.communicate(timeout=60)
        assert second.returncode == 75
        assert f"another gazette run (pid {holder.pid}" in err and "--wait" in err
        assert not (tmp_path / "out" / "documents.parquet").exists()
    finally:
        holder.kill()
        holder.wait()


def test_a_second_run_told_to_wait_runs_when_the_first_is_done(tmp_path):
    inputs = copy_inputs(BEFORE, tmp_path / "in")
    holder = hold_lock(tmp_path / "out", 1)
    second = gazette("extract", str(inputs), "--out", str(tmp_path / "out"), "--wait", "60")
    _, err = second.communicate(timeout=120)
    holder.wait()
    assert second.returncode == 0, err
    assert len(pd.read_parquet(tmp_path / "out" / "documents.parquet")) == 2


def test_the_lock_is_free_again_after_its_holder_is_killed(tmp_path):
    holder = hold_lock(tmp_path / "out", 30)
    holder.send_signal(signal.SIGKILL)
    holder.wait()
    with output_lock(tmp_path / "out"):  # the kernel released it with the process
        pass


@pytest.fixture
def folders(tmp_path):
    """An output folder holding a finished run over BEFORE, the input folder for the next
    run (BEFORE's inputs gone, AFTER's new), and what that next run writes when it is let
    finish."""
    inputs = copy_inputs(BEFORE, tmp_path / "in")
    out = tmp_path / "out"
    run(inputs, out, workers=1)
    for name in BEFORE:
        (inputs / name).unlink()
    copy_inputs(AFTER, inputs)
    reference = tmp_path / "reference"
    run(inputs, reference, workers=1)
    return inputs, out, reference


def test_a_run_killed_at_any_moment_leaves_whole_tables_and_the_next_run_completes_them(folders):
    inputs, out, reference = folders
    before, after = tables(out), tables(reference)
    interrupted = 0
    for delay in (0.3, 0.8, 1.3, 1.8, 2.3):
        # pdfplumber and one worker: slow enough that the kills land while files are read
        # and written; -9 to the whole process group, workers included
        started = gazette("extract", str(inputs), "--out", str(out), "--workers", "1", "--pdf-engine", "pdfplumber")
        time.sleep(delay)
        os.killpg(started.pid, signal.SIGKILL)
        started.communicate()
        now = tables(out)  # every table reads, and is the old one or the new one, whole
        for name in SCHEMAS:
            assert now[name].equals(before[name]) or now[name].equals(after[name]), (delay, name)
        interrupted += all(now[name].equals(before[name]) for name in SCHEMAS)
    assert interrupted, "no kill landed before the run finished: the test proved nothing"
    finished = gazette("extract", str(inputs), "--out", str(out))
    _, err = finished.communicate(timeout=300)
    assert finished.returncode == 0, err
    assert_same_tables(out, reference)
    assert not list(out.glob(".staging-*")) and not list(out.glob(".*.tmp"))


def test_a_run_that_dies_between_two_table_renames_is_healed_by_the_next(folders, monkeypatch):
    inputs, out, reference = folders
    real_replace, renamed = os.replace, []

    def replace_then_die(src, dst):
        if len(renamed) == 3:
            raise KeyboardInterrupt  # the power goes out after three tables were swapped in
        renamed.append(dst)
        real_replace(src, dst)

    monkeypatch.setattr(pipeline.write.os, "replace", replace_then_die)
    with pytest.raises(KeyboardInterrupt):
        run(inputs, out, workers=1)
    monkeypatch.undo()
    tables(out)  # each table is whole
    assert run(inputs, out, workers=1).files_read == len(AFTER)  # the manifest was not swapped in
    assert_same_tables(out, reference)
