"""A bounded fuzz run: a few hundred mutants of real inputs, read in one `gazette extract`.

The mutants are made here from the corpus files by a seeded mutator (the same mutants on
every run, so a failure can be reproduced by its seed and name): bytes flipped, the file
cut short, a chunk repeated or zeroed, random bytes inserted, a PDF's stream lengths made
huge, a web page's declared charset changed. What must hold for every one of them:

- no traceback: the run ends normally and prints none;
- every input is accounted for: a manifest row, and documents or an errors row;
- an error is one the readers name (error types are snake_case words); an exception
  class name as error type means an input reached a case no reader foresaw;
- `gazette validate` passes on the output;
- no worker grew past the memory ceiling.

OCR is off: a mutant that loses its text layer would otherwise cost seconds of Tesseract
per page, and OCR's own bad input is tested in test_ocr.py.
"""
from __future__ import annotations

import random
import re
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from pipeline.cli import gazette
from tests.conftest import CORPUS, REAL

SEED = 20261207
FORMATS = CORPUS.parent / "formats"
# (seed file, mutants made of it): every kind of reader, small files so the run stays short
SEEDS = [
    (CORPUS / "raw" / "jiaxing-ai-plan-draft.pdf", 70),
    (CORPUS / "raw" / "jiaxing-2024-11-2col-radicals.pdf", 40),
    (CORPUS / "raw" / "jiaxing-2025-18.html", 50),
    (CORPUS / "raw" / "hangzhou-2023-ai-mirror.html", 30),
    (REAL / "raw" / "liuhe-chanye.html", 30),
    (REAL / "raw" / "govcn-055.html", 30),
    (CORPUS / "raw" / "jiaxing-ai-plan-draft.txt", 40),
    (CORPUS / "raw" / "jiaxing-2024-11.gbk.txt", 30),
    (FORMATS / "shangrao-police-notice-2019.doc", 40),
    (FORMATS / "bengbu-letter-2023.ofd", 30),
    (FORMATS / "routing-form-2020.ofd", 30),
]
# The workers' memory ceiling for the run (--memory-limit); a worker reading these inputs
# peaks near 300 MB, a runaway would reach GBs.
MEMORY_LIMIT_MB = 2048


def flip_bytes(data: bytes, rng: random.Random) -> bytes:
    out = bytearray(data)
    for _ in range(rng.randint(1, 8)):
        position = rng.randrange(len(out))
        out[position] ^= 1 << rng.randrange(8)
    return bytes(out)


def cut_short(data: bytes, rng: random.Random) -> bytes:
    return data[:rng.randrange(1, len(data))]


def repeat_chunk(data: bytes, rng: random.Random) -> bytes:
    start = rng.randrange(len(data))
    chunk = data[start:start + rng.randint(1, 4096)]
    return data[:start] + chunk * rng.randint(2, 20) + data[start:]


def zero_range(data: bytes, rng: random.Random) -> bytes:
    start = rng.randrange(len(data))
    end = min(len(data), start + rng.randint(1, 2048))
    return data[:start] + bytes(end - start) + data[end:]


def insert_noise(data: bytes, rng: random.Random) -> bytes:
    position = rng.randrange(len(data))
    return data[:position] + rng.randbytes(rng.randint(1, 512)) + data[position:]


def huge_lengths(data: bytes, rng: random.Random) -> bytes:
    """A PDF's /Length values and object numbers lied about (a classic of broken PDFs)."""
    return re.sub(rb"/Length \d+", lambda _m: b"/Length %d" % rng.choice([0, 2**31 - 1, 10**12, 7]), data)


def lie_about_charset(data: bytes, rng: random.Random) -> bytes:
    charset = rng.choice([b"koi8-r", b"zlib", b"base64", b"utf-16", b"x-unknown", b"gb2312"])
    return re.sub(rb"charset=[\"']?[\w-]+", b"charset=" + charset, data, count=1, flags=re.I)


MUTATORS = [flip_bytes, cut_short, repeat_chunk, zero_range, insert_noise]
BY_SUFFIX = {".pdf": [huge_lengths], ".html": [lie_about_charset]}


def make_mutants(folder: Path) -> list[str]:
    rng = random.Random(SEED)
    names = []
    for seed_file, count in SEEDS:
        data = seed_file.read_bytes()
        mutators = MUTATORS + BY_SUFFIX.get(seed_file.suffix, [])
        for number in range(count):
            mutate = rng.choice(mutators)
            name = f"{seed_file.stem}-{number:03d}-{mutate.__name__}{seed_file.suffix}"
            (folder / name).write_bytes(mutate(data, rng))
            names.append(name)
    return names


@pytest.fixture(scope="module")
def fuzzed(tmp_path_factory):
    inputs = tmp_path_factory.mktemp("mutants")
    out = tmp_path_factory.mktemp("fuzz_out")
    names = make_mutants(inputs)
    # the program in a process of its own, as cron runs it: its workers inherit its address
    # space under --memory-limit, and this test process's, grown by the tests before it, left
    # them too little room to load lxml (ImportError for every web page and OFD)
    done = subprocess.run([sys.executable, "-m", "pipeline", "extract", str(inputs), "--out", str(out),
                           "--ocr", "off", "--time-limit", "60", "--memory-limit", str(MEMORY_LIMIT_MB)],
                          capture_output=True, text=True, timeout=900)
    return names, out, done


def test_a_few_hundred_mutants_make_no_traceback(fuzzed):
    names, _out, done = fuzzed
    assert len(names) == sum(count for _seed, count in SEEDS) >= 400
    printed = done.stdout + done.stderr  # a worker's faulthandler dump, if any, included
    assert done.returncode == 0 and "Traceback" not in printed, printed[-3000:]
    assert f"{len(names)} inputs:" in printed


def test_every_mutant_is_a_table_row_or_an_error_row(fuzzed):
    names, out, _result = fuzzed
    manifest = pd.read_parquet(out / "manifest.parquet")
    assert sorted(manifest["source_file"]) == sorted(names)
    documents = set(pd.read_parquet(out / "documents.parquet")["source_file"])
    errors = pd.read_parquet(out / "errors.parquet")
    unaccounted = [name for name in names if name not in documents and name not in set(errors["source_file"])]
    assert not unaccounted, unaccounted[:10]
    assert len(documents) > len(names) // 3  # most small mutations leave a readable document


def test_every_error_is_one_a_reader_names(fuzzed):
    _names, out, _result = fuzzed
    errors = pd.read_parquet(out / "errors.parquet")
    unforeseen = errors[~errors["error_type"].str.fullmatch(r"[a-z]+(_[a-z]+)*")]
    assert unforeseen.empty, unforeseen[["source_file", "stage", "error_type", "message"]].head(10).to_string()


def test_the_output_of_the_fuzz_run_validates(fuzzed):
    _names, out, _result = fuzzed
    result = CliRunner().invoke(gazette, ["validate", str(out)])
    assert result.exit_code == 0, result.output[-3000:]


def test_no_worker_grew_past_the_memory_ceiling(fuzzed):
    _names, out, _result = fuzzed
    manifest = pd.read_parquet(out / "manifest.parquet")
    assert manifest["peak_rss_mb"].max() < MEMORY_LIMIT_MB
