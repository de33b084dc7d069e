"""The 14 real official documents of tests/fixtures/real, scored against their hand gold
the way shared/tools/score.py scores (bench/score.py is a copy): the floor each table
must not fall below. These texts are the development set the rules were written on, so
the floors guard against regressions; they do not measure how the rules generalise
(bench/README.md keeps the first figures, recorded before any change for them)."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from pipeline.cli import gazette
from tests.conftest import REAL

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))
import score  # noqa: E402  (bench/score.py, the shared scorer)

FLOORS = {"documents": 1.0, "targets": 0.9, "subsidies": 0.9, "responsible_units": 0.95, "dates": 0.95,
          "appointments": 1.0}


@pytest.fixture(scope="module")
def real_score(tmp_path_factory):
    out = tmp_path_factory.mktemp("real-out")
    result = CliRunner().invoke(gazette, ["extract", str(REAL / "raw"), "--out", str(out)])
    assert result.exit_code == 0, result.output
    figures, per_file = score.score(out, REAL)
    return figures, per_file


@pytest.mark.parametrize("table", sorted(FLOORS))
def test_each_table_holds_its_floor_on_the_real_documents(real_score, table):
    figures, per_file = real_score
    assert figures[table]["f1"] >= FLOORS[table], "\n".join("  ".join(line) for line in per_file)


def test_every_document_field_and_the_lead_units(real_score):
    figures, _ = real_score
    assert all(value == 1.0 for value in figures["document_fields"].values()), figures["document_fields"]
    assert figures["is_lead_accuracy"] >= 0.95
