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


def read(path: Path, source_file: str | None = None, *, pdf_engine: str = "pdfium",
         deadline: float | None = None) -> RawIssue:
    """Read one file. `pdf_engine` picks the PDF reader (parsers.pdf.ENGINES); `deadline`
    (a time.monotonic() value) stops a PDF between pages with ReadError("time_limit").
    HTML and text files are small and read in one go, so only PDFs take the deadline."""
    suffix = path.suffix.lower()
    reader = READERS.get(suffix)
    if reader is None:
        raise ReadError("unsupported_format", f"no reader for {path.suffix!r} files")
    if reader is pdf.parse:
        return pdf.parse(path, source_file=source_file or path.name, engine=pdf_engine, deadline=deadline)
    return reader(path, source_file=source_file or path.name)
