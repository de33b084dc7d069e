"""Stage 1, read: a file path -> RawIssue, by the file's suffix.

Each format has its reader in parsers/ (pdf, html, text); this module only picks one.
A file that cannot be read raises parsers.ReadError naming why (error_type).
"""
from __future__ import annotations

from pathlib import Path

from parsers import ReadError, html, pdf, text
from pipeline.records import RawIssue

READERS = {".pdf": pdf.parse, ".html": html.parse, ".htm": html.parse, ".txt": text.parse}
SUPPORTED_SUFFIXES = tuple(READERS)


def read(path: Path, source_file: str | None = None) -> RawIssue:
    reader = READERS.get(path.suffix.lower())
    if reader is None:
        raise ReadError("unsupported_format", f"no reader for {path.suffix!r} files")
    return reader(path, source_file=source_file or path.name)
