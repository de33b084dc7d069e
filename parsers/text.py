"""Plain-text reader: UTF-8, GB18030/GBK or Big5, detected.

A text file has no layout: its line breaks may be real paragraph ends or the cuts of
an old page break, so the normaliser is allowed to re-join them.
"""
from __future__ import annotations

from pathlib import Path

from pipeline.records import RawIssue

from . import ReadError, read_bytes
from .encoding import decode_bytes


def parse(path: Path, source_file: str | None = None) -> RawIssue:
    data, sha256 = read_bytes(path)
    text, encoding = decode_bytes(data)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise ReadError("empty_text", f"the file decodes ({encoding}) but holds only white space")
    return RawIssue(source_file=source_file or str(path), source_sha256=sha256, source_format="txt",
                    text=text, encoding=encoding)
