"""Parallel runs: a pool of workers gives the tables one worker gives; an input that
hangs or kills its worker is logged in errors and the run goes on."""
from __future__ import annotations

import multiprocessing
import os
import signal
import subprocess
import sys

import pandas as pd
import pytest

import pipeline.executors
import pipeline.read
import pipeline.write
from pipeline.run import run
from tests.runs import assert_same_tables, copy_inputs

NAMES = ["jiaxing-2024-11.pdf", "jiaxing-ai-plan-draft.pdf", "jiaxing-2025-18.html", "jiaxing-ai-plan-draft.txt",
         "scanned.pdf"]


@pytest.fixture(scope="module")
def inputs(tmp_path_factory):
    return copy_inputs(NAMES, tmp_path_factory.mktemp("in"))


@pytest.fixture(scope="module")
def one_worker(inputs, tmp_path_factory):
    out = tmp_path_factory.mktemp("one")
    run(inputs, out, workers=1)
    return out


def test_two_workers_write_the_tables_one_worker_writes(inputs, one_worker, tmp_path):
    summary = run(inputs, tmp_path / "out", workers=2)
    assert (summary.files_read, summary.files_failed) == (5, 0)  # scanned.pdf by OCR
    assert_same_tables(tmp_path / "out", one_worker)
    # the pool stops while the tables are written, and is gone when run() returns
    assert multiprocessing.active_children() == [] and pipeline.executors._STOPPED_POOLS == []


def test_a_run_whose_tables_cannot_be_written_still_ends_its_pool(inputs, tmp_path, monkeypatch):
    def full_disk(self, manifest=None):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(pipeline.write.OutputWriter, "commit", full_disk)
    with pytest.raises(OSError, match="No space left"):
        run(inputs, tmp_path / "out", workers=2)
    assert multiprocessing.active_children() == [] and pipeline.executors._STOPPED_POOLS == []


def spin_forever(path, source_file, **options):
    while True:  # a parser stuck in a loop that never reaches a page boundary
        pass


def die(path, source_file, **options):
    os.kill(os.getpid(), signal.SIGKILL)  # the kernel's OOM killer, or a crash in C


@pytest.mark.parametrize("reader, error_type", [(spin_forever, "time_limit"), (die, "worker_died")])
def test_an_input_that_hangs_or_kills_its_worker_is_logged_and_the_run_goes_on(
        inputs, one_worker, tmp_path, monkeypatch, reader, error_type):
    monkeypatch.setitem(pipeline.read.READERS, "pdf", reader)  # workers are forked: they see it
    monkeypatch.setattr(pipeline.executors, "KILL_GRACE_S", 0.5)
    html_only = copy_inputs(["jiaxing-2025-18.html", "jiaxing-ai-plan-draft.txt", "jiaxing-2024-11.pdf"],
                            tmp_path / "in", source=inputs)
    summary = run(html_only, tmp_path / "out", workers=2, time_limit_s=1.0)
    assert (summary.files_read, summary.files_failed) == (2, 1)
    errors = pd.read_parquet(tmp_path / "out" / "errors.parquet")
    assert list(zip(errors["source_file"], errors["error_type"], strict=True)) == [("jiaxing-2024-11.pdf", error_type)]
    docs = pd.read_parquet(tmp_path / "out" / "documents.parquet")
    assert sorted(set(docs["source_file"])) == ["jiaxing-2025-18.html", "jiaxing-ai-plan-draft.txt"]


def test_a_file_over_the_time_limit_stops_between_pages_and_is_retried_only_with_a_longer_limit(inputs, tmp_path):
    pdf = copy_inputs(["jiaxing-2024-11.pdf"], tmp_path / "in", source=inputs)
    out = tmp_path / "out"
    run(pdf, out, workers=1, time_limit_s=1e-6)
    errors = pd.read_parquet(out / "errors.parquet")
    assert list(errors["error_type"]) == ["time_limit"] and "time limit" in errors["message"][0]
    assert pd.read_parquet(out / "manifest.parquet")["status"].tolist() == ["time_limit"]
    again = run(pdf, out, workers=1, time_limit_s=1e-6)  # it would run out of time again
    assert (again.files_read, again.files_failed, again.unchanged) == (0, 0, 1)
    assert run(pdf, out, workers=1, time_limit_s=600).files_read == 1
    assert pd.read_parquet(out / "errors.parquet").empty


def test_the_readers_of_the_kinds_a_run_meets_are_loaded_before_the_workers_fork():
    # a worker under --memory-limit need not map lxml's library itself (a worker of a large
    # parent could not: ImportError for every web page); readers of kinds not met stay unloaded
    code = ("import sys\n"
            "from pathlib import Path\n"
            "from pipeline import run\n"
            "run._prepare_workers([Path('notice.html'), Path('issue.pdf')])\n"
            "print(*(name in sys.modules for name in ('parsers.html', 'lxml.etree', 'parsers.ofd')))\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert done.stdout.split() == ["True", "True", "False"], done.stderr[-2000:]
