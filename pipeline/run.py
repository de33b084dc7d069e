"""Orchestration: find the inputs, run each through the stages, write the tables.

    read -> normalise -> segment -> extract      (per file: `process_file`)
    write                                        (once per run: `run`)

A file that fails at any stage gives an ErrorRow naming the stage and the file; the
run goes on with the next one. This module and cli.py are the only places that chain
the stages.
"""
from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from parsers import ReadError
from pipeline.extract import extract
from pipeline.normalise import normalise
from pipeline.read import SUPPORTED_SUFFIXES, read
from pipeline.records import ErrorRow, FileResult
from pipeline.segment import segment
from pipeline.write import error_row, fact_row, issue_rows, write_tables


def find_inputs(root: Path) -> list[tuple[Path, str]]:
    """(path, source_file) for every supported file under `root`, in a stable order.

    source_file is the path relative to `root` (the file's own name when `root` is a
    file), so the same folder gives the same names on any machine.
    """
    if root.is_file():
        return [(root, root.name)]
    files = sorted(p for p in root.rglob("*")
                   if p.is_file() and p.suffix.lower() in SUPPORTED_SUFFIXES and not p.name.startswith("."))
    return [(p, p.relative_to(root).as_posix()) for p in files]


def process_file(path: Path, source_file: str) -> FileResult:
    """One input through read, normalise, segment and extract; never raises for bad input."""
    stage = "read"
    try:
        raw = read(path, source_file)
        stage = "normalise"
        raw = normalise(raw)
        stage = "segment"
        issue = segment(raw)
        stage = "extract"
        facts = tuple(fact for doc in issue.documents for fact in extract(doc, issue.pages))
    except ReadError as exc:
        return FileResult(source_file, None, errors=(ErrorRow(source_file, stage, exc.error_type, exc.message),))
    except Exception as exc:  # a bug or an input we did not foresee: log it, keep going
        return FileResult(source_file, None, errors=(
            ErrorRow(source_file, stage, type(exc).__name__, f"{type(exc).__name__}: {exc}"),))
    warnings = tuple(ErrorRow(source_file, "read", "partly_read", w) for w in raw.warnings)
    return FileResult(source_file, issue, facts=facts, errors=warnings)


@dataclass
class RunSummary:
    files: int = 0
    files_read: int = 0
    documents: int = 0
    rows: dict[str, int] = field(default_factory=dict)
    errors: list[ErrorRow] = field(default_factory=list)
    seconds: float = 0.0

    def line(self) -> str:
        counts = " ".join(f"{t}={n}" for t, n in self.rows.items() if t != "errors")
        return (f"{self.files_read}/{self.files} files read, {self.documents} documents; rows: {counts}; "
                f"errors={len(self.errors)}; {self.seconds:.1f} s")


def run(input_root: Path, out_dir: Path, *, progress: Callable | None = None,
        on_error: Callable[[ErrorRow], None] | None = None) -> RunSummary:
    """Process every input under `input_root` and write the tables to `out_dir`."""
    started = time.perf_counter()
    inputs = find_inputs(input_root)
    summary = RunSummary(files=len(inputs))
    rows: dict[str, list[dict]] = {}
    iterator = progress(inputs) if progress else inputs
    for path, source_file in iterator:
        result = process_file(path, source_file)
        for error in result.errors:
            summary.errors.append(error)
            rows.setdefault("errors", []).append(error_row(error))
            if on_error:
                on_error(error)
        if result.issue is None:
            continue
        summary.files_read += 1
        summary.documents += len(result.issue.documents)
        for table, table_rows in issue_rows(result.issue).items():
            rows.setdefault(table, []).extend(table_rows)
        for fact in result.facts:
            table, row = fact_row(fact)
            rows.setdefault(table, []).append(row)
    summary.rows = write_tables(out_dir, rows, replaced_sources={source for _, source in inputs})
    summary.seconds = time.perf_counter() - started
    return summary
