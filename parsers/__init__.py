"""Readers: one module per input format, each `parse(path) -> RawIssue`.

A reader turns bytes into text with positions and nothing more: no script
conversion, no segmentation. A file it cannot read raises `ReadError`, whose
`error_type` becomes the `errors` table's column of the same name.
"""
from __future__ import annotations

import hashlib
from itertools import pairwise
from pathlib import Path

from pipeline import rules


class ReadError(Exception):
    """An input that cannot be read; `error_type` is a short machine-readable reason."""

    def __init__(self, error_type: str, message: str):
        super().__init__(message)
        self.error_type = error_type
        self.message = message


def read_bytes(path: Path, max_bytes: int | None = None, kind: str = "files") -> tuple[bytes, str]:
    """The file's bytes and their sha256; an empty file, or one that cannot be opened
    (permissions, I/O: the next run tries again), is a ReadError. A file of more than
    `max_bytes` is one too (too_large), told by its size before anything is read; `kind`
    names what the limit is for in the message ("text files")."""
    try:
        if max_bytes is not None:
            _refuse_if_larger(Path(path).stat().st_size, max_bytes, kind)
        data = Path(path).read_bytes()
    except OSError as exc:
        raise cannot_open(exc) from exc
    if not data:
        raise ReadError("empty_file", "the file is empty (0 bytes)")
    if max_bytes is not None:
        _refuse_if_larger(len(data), max_bytes, kind)  # it grew after it was measured
    return data, hashlib.sha256(data).hexdigest()


def _refuse_if_larger(size: int, max_bytes: int, kind: str) -> None:
    if size > max_bytes:
        raise ReadError("too_large", f"the file is {size:,} bytes; {kind} are read up to {max_bytes:,} bytes")


def cannot_open(exc: OSError) -> ReadError:
    """A file the operating system would not give us (permissions, I/O): not the file's
    fault, so the run manifest has it read again on the next run."""
    return ReadError("cannot_open", f"cannot open the file: {exc.strerror or exc}; it is read again "
                                    "on the next run")


class StatedFields:
    """The (column, value) pairs a page or an export states about itself, by label
    (label_aliases.tsv); validity words mapped (validity_words.tsv); the first value of
    each column kept."""

    def __init__(self):
        self._found: dict[str, str] = {}

    def add(self, label: str, value: str | None) -> None:
        self.add_column(rules.metadata_column(label), value)

    def add_column(self, column: str | None, value: str | None) -> None:
        if column == "validity":
            value = rules.validity_value(value)
        if column and value and column not in self._found:
            self._found[column] = value

    def pairs(self) -> tuple[tuple[str, str], ...]:
        return tuple(self._found.items())


# A form states at least this many known labels in its cells (one `文号` cell in a table of
# documents is a column heading, not a form).
MIN_FORM_LABELS = 2


def form_fields(text: str) -> tuple[tuple[str, str], ...]:
    """The (column, value) pairs a form prints as label and value cells of its table rows
    (`来文文号<TAB>府办专督〔2020〕24号<TAB>来文单位<TAB>市人民政府办公室`): routing slips (收文处理笺),
    drafting sheets (发文稿纸) and the like, whose text is a table about one document. A
    label cell counts when the cell after it holds a value and not another label (a table's
    heading row is labels only). Labels: label_aliases.tsv, as for web pages."""
    found = StatedFields()
    labels = 0
    for line in text.split("\n"):
        if "\t" not in line:
            continue
        cells = [cell.strip() for cell in line.split("\t")]
        for label, value in pairwise(cells):
            if value and rules.metadata_column(label) and not rules.is_metadata_label(value):
                labels += 1
                found.add(label, value)
    return found.pairs() if labels >= MIN_FORM_LABELS else ()
