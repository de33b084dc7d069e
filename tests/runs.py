"""Helpers for tests that run the pipeline over folders and compare whole outputs."""
from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd

from pipeline.schema import SCHEMAS
from tests.conftest import RAW


def copy_inputs(names, folder: Path, source: Path = RAW) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name in names:
        shutil.copy(source / name, folder / name)
    return folder


def canonical(frame: pd.DataFrame) -> pd.DataFrame:
    """A table's rows in a fixed order, every value as text: row order is not part of
    the output (parallel runs write in the order files finish)."""
    text = frame.astype(str)
    return text.sort_values(list(text.columns)).reset_index(drop=True)


def tables(out: Path) -> dict[str, pd.DataFrame]:
    return {name: canonical(pd.read_parquet(out / f"{name}.parquet")) for name in SCHEMAS}


def assert_same_tables(out: Path, reference: Path) -> None:
    got, want = tables(out), tables(reference)
    for name in SCHEMAS:
        pd.testing.assert_frame_equal(got[name], want[name], obj=name)
