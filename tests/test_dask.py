"""`--executor dask`: the same per-file function on a dask.distributed cluster (here a
LocalCluster of two worker processes) writes the same tables as the local pool."""
from __future__ import annotations

import pytest
from click.testing import CliRunner

from pipeline.cli import gazette
from pipeline.run import run
from tests.runs import assert_same_tables, copy_inputs

distributed = pytest.importorskip("distributed")

NAMES = ["jiaxing-2024-11.pdf", "jiaxing-2025-18.html", "jiaxing-ai-plan-draft.txt", "empty.pdf"]


@pytest.fixture(scope="module")
def cluster():
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0",
                                  silence_logs=40) as local:
        yield local


def test_a_dask_cluster_writes_the_tables_the_local_pool_writes(cluster, tmp_path):
    inputs = copy_inputs(NAMES, tmp_path / "in")
    run(inputs, tmp_path / "local", workers=2)
    result = CliRunner().invoke(gazette, ["extract", str(inputs), "--out", str(tmp_path / "dask"),
                                          "--executor", "dask", "--scheduler", cluster.scheduler_address])
    assert result.exit_code == 0, result.output
    assert "4 inputs: 3 read, 1 unreadable" in result.output
    assert_same_tables(tmp_path / "dask", tmp_path / "local")


def test_dask_without_a_scheduler_is_a_usage_error(tmp_path):
    inputs = copy_inputs(["jiaxing-2025-18.html"], tmp_path / "in")
    result = CliRunner().invoke(gazette, ["extract", str(inputs), "--out", str(tmp_path / "out"),
                                          "--executor", "dask"])
    assert result.exit_code == 2 and "--scheduler" in result.output
