"""Shared fixtures: the sample corpus (copied into tests/fixtures) and one pipeline run over it."""
from __future__ import annotations

import json
import os
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from pipeline.cli import gazette
from pipeline.schema import SCHEMAS

CORPUS = Path(__file__).parent / "fixtures" / "corpus"
RAW = CORPUS / "raw"
MANIFEST = json.loads((CORPUS / "MANIFEST.json").read_text(encoding="utf-8"))
# Gazettes written for this project and rendered with the shared tools (other issuers,
# 文号 families, issue numbering and layouts): fixtures/extra/README.md.
EXTRA = Path(__file__).parent / "fixtures" / "extra"
CORPORA = (CORPUS, EXTRA)
# 14 real official documents with hand gold (fixtures/real/README.md): the documents and
# their fields are held to it; their facts are not yet (see bench/eval.json).
REAL = Path(__file__).parent / "fixtures" / "real"


# documents.validity is computed for the run date: the suite runs on a fixed one, so a
# policy that expires while the suite is kept does not turn its assertions (GAZETTE_TODAY).
os.environ.setdefault("GAZETTE_TODAY", "2026-01-01")


def manifest(corpus: Path) -> dict:
    return json.loads((corpus / "MANIFEST.json").read_text(encoding="utf-8"))


def good_inputs(corpora=CORPORA) -> list[tuple[Path, dict]]:
    """(path, manifest entry) of every input of every corpus that must read."""
    return [(corpus / "raw" / name, info) for corpus in corpora
            for name, info in sorted(manifest(corpus).items()) if info["expect"] == "ok"]


def gold_of(path: Path) -> dict:
    corpus = path.parent.parent
    return json.loads((corpus / "gold" / f"{manifest(corpus)[path.name]['text_id']}.json").read_text(encoding="utf-8"))


def raw(name: str) -> Path:
    return RAW / name


@pytest.fixture(scope="session")
def corpus_out(tmp_path_factory) -> Path:
    """The output folder of one `gazette extract` over the whole corpus (read-only: copy it
    before running anything that writes)."""
    out = tmp_path_factory.mktemp("out")
    result = CliRunner().invoke(gazette, ["extract", str(RAW), "--out", str(out)])
    assert result.exit_code == 0, result.output
    return out


@pytest.fixture(scope="session")
def corpus_run(corpus_out) -> dict[str, pd.DataFrame]:
    """`gazette extract` over the whole corpus once; every table loaded with pandas."""
    return {name: pd.read_parquet(corpus_out / f"{name}.parquet") for name in SCHEMAS}


def pytest_addoption(parser):
    parser.addoption("--update-golden", action="store_true",
                     help="rewrite tests/golden/*.json from the current code (review the diff!)")


@pytest.fixture
def update_golden(request) -> bool:
    return request.config.getoption("--update-golden")
