"""Every table the pipeline writes for the test corpora, row for row, against a reviewed copy.

Speed work (issue 19) changes how pages are read and facts found, never what is found:
these tests hold every row of every table of the sample, extra and real corpora to what
the code wrote before that work (tests/golden/tables/*.jsonl). A change that is meant to
change the output rewrites them, and the diff is reviewed with it:

    .venv/bin/python -m pytest tests/test_tables_unchanged.py --update-golden

Long texts (documents.text, gazette_issues.toc) are kept as their length and a hash, so the
files stay readable; a changed character still shows as a changed row.
"""
from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner

from pipeline.cli import gazette
from pipeline.schema import SCHEMAS
from tests.conftest import CORPUS, EXTRA, REAL

GOLDEN_TABLES = Path(__file__).parent / "golden" / "tables"
CORPORA = {"sample": CORPUS, "extra": EXTRA, "real": REAL}
LONG = 160  # characters: a longer text is kept as its length and hash
# The run's own columns, not the inputs': the manifest is a record of the run, not output to
# hold still (its rows are the inputs and their statuses, checked by test_incremental).
SKIPPED_TABLES = {"manifest"}


def _value(value):
    if isinstance(value, str) and len(value) > LONG:
        return f"{len(value)} chars sha256:{hashlib.sha256(value.encode('utf-8')).hexdigest()[:16]}"
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if isinstance(value, list):
        return [_value(v) for v in value]
    return value


def table_lines(out: Path) -> list[str]:
    """Every row of every table in OUT, one JSON line each, in a fixed order."""
    lines: list[str] = []
    for name in SCHEMAS:
        if name in SKIPPED_TABLES:
            continue
        rows = [json.dumps({"table": name, **{column: _value(value) for column, value in row.items()}},
                           ensure_ascii=False, default=str)
                for row in pq.read_table(out / f"{name}.parquet").to_pylist()]
        lines.extend(sorted(rows))
    return lines


@pytest.fixture(scope="module", params=sorted(CORPORA))
def corpus_lines(request, tmp_path_factory) -> tuple[str, list[str]]:
    name = request.param
    out = tmp_path_factory.mktemp(f"tables-{name}")
    result = CliRunner().invoke(gazette, ["extract", str(CORPORA[name] / "raw"), "--out", str(out)])
    assert result.exit_code == 0, result.output
    return name, table_lines(out)


def test_every_row_of_every_table_is_what_it_was(corpus_lines, update_golden):
    name, lines = corpus_lines
    golden = GOLDEN_TABLES / f"{name}.jsonl"
    if update_golden:
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    assert golden.exists(), f"{golden} is missing: write it with --update-golden and review it"
    want = golden.read_text(encoding="utf-8").splitlines()
    lost = sorted(set(want) - set(lines))
    found = sorted(set(lines) - set(want))
    assert not lost and not found, (
        f"{name}: {len(lost)} row(s) no longer written, {len(found)} new\n"
        + "\n".join(["- " + line for line in lost[:15]] + ["+ " + line for line in found[:15]]))
    assert len(lines) == len(want)  # a row written twice
