"""Readers: one module per input format, each `parse(path) -> RawIssue`.

A reader turns bytes into text with positions and nothing more: no script
conversion, no segmentation. A file it cannot read raises `ReadError`, whose
`error_type` becomes the `errors` table's column of the same name.
"""
from __future__ import annotations

import hashlib
from pathlib import Path


class ReadError(Exception):
    """An input that cannot be read; `error_type` is a short machine-readable reason."""

    def __init__(self, error_type: str, message: str):
        super().__init__(message)
        self.error_type = error_type
        self.message = message


def read_bytes(path: Path) -> tuple[bytes, str]:
    """The file's bytes and their sha256; an empty file is a ReadError."""
    data = Path(path).read_bytes()
    if not data:
        raise ReadError("empty_file", "the file is empty (0 bytes)")
    return data, hashlib.sha256(data).hexdigest()
