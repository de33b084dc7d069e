"""Stage 1, read: a file path -> RawIssue, by what kind of file it is.

Each format has its reader in parsers/ (pdf, html, text, word, ofd); this module only
picks one. The kind comes from the file's suffix (pipeline/data/file_kinds.tsv); a suffix
the table does not know is decided by the file's first bytes (`sniff`), since web pages
are saved as .asp, .jsp, .php or with no suffix at all. A file of a kind gazette has no
reader for (an image, a spreadsheet, an archive) raises ReadError("unsupported_format"),
so it is listed, never skipped in silence. A file that cannot be opened (permissions,
I/O) raises ReadError("cannot_open"), which the next run retries.
"""
from __future__ import annotations

from dataclasses import replace
from importlib import import_module
from pathlib import Path

from parsers import ReadError, cannot_open, form_fields
from pipeline import rules
from pipeline.records import RawIssue

READ_KINDS = ("pdf", "html", "text", "docx", "doc", "ofd")
# Kinds whose text keeps a table's cells apart (tabs), so a form's label and value cells show
LAYOUT_KINDS = ("pdf", "docx", "doc", "ofd")
# parsers.pdf.OCR_MODES, which pages are read by OCR, named here so that the command line
# does not import the PDF reader to show its help (tests/test_inputs.py checks they agree)
OCR_MODES = ("auto", "off", "force")
SNIFF_BYTES = 4096


def file_kind(path: Path) -> str | None:
    """What file_kinds.tsv says a file of this suffix is (a reader's kind, or e.g.
    "spreadsheet"); None for a suffix it does not list."""
    return rules.table("file_kinds.tsv").get(path.suffix.lower(), None) if path.suffix else None


def sniff(head: bytes) -> str:
    """The kind of file whose first bytes are `head`: a reader's kind, or what it is."""
    if head.startswith(b"%PDF-") or b"%PDF-" in head[:1024]:
        return "pdf"
    if head.startswith(b"PK\x03\x04"):
        if b"OFD.xml" in head:
            return "ofd"
        if b"word/" in head or b"[Content_Types].xml" in head:
            return "docx"  # the word reader tells a Word package from other Office files
        return "archive"
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return "doc"  # OLE2: the word reader tells Word from Excel and PowerPoint files
    if head.startswith((b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"II*\x00", b"MM\x00*", b"BM")):
        return "image"
    if head.startswith((b"Rar!", b"7z\xbc\xaf", b"\x1f\x8b")):
        return "archive"
    if head.startswith(b"{\\rtf"):
        return "unsupported e-document"
    start = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if start.startswith((b"<!doctype html", b"<html", b"<?xml")) and b"<html" in head.lower() \
            or any(tag in start[:1024] for tag in (b"<head", b"<body", b"<meta ", b"<title")):
        return "html"
    return "unknown"


def kind_of(path: Path) -> str:
    """The kind of the file at `path`: by its suffix, else by its first bytes."""
    kind = file_kind(path)
    if kind is not None:
        return kind
    try:
        with open(path, "rb") as handle:
            head = handle.read(SNIFF_BYTES)
    except OSError as exc:
        raise cannot_open(exc) from exc
    return sniff(head)


def _pdf(path: Path, source_file: str, *, pdf_engine: str, deadline: float | None, ocr: str) -> RawIssue:
    from parsers import pdf
    return pdf.parse(path, source_file=source_file, engine=pdf_engine, deadline=deadline, ocr=ocr)


def _reader(module: str):
    """A reader that reads in one go (everything but PDF), imported when first used."""
    def read_in_one_go(path: Path, source_file: str, **_settings) -> RawIssue:
        return import_module(f"parsers.{module}").parse(path, source_file=source_file)
    return read_in_one_go


# kind -> the module of parsers/ that reads it in one go
_ONE_GO_MODULES = {"html": "html", "text": "text", "docx": "word", "doc": "word", "ofd": "ofd"}
# kind -> reader(path, source_file, *, pdf_engine, deadline, ocr)
READERS = {"pdf": _pdf, **{kind: _reader(module) for kind, module in _ONE_GO_MODULES.items()}}


def prepare(paths) -> None:
    """Import the readers of the kinds among `paths` (by suffix) now, in the process that
    forks the workers: a worker under --memory-limit then need not map lxml's library itself,
    which a worker of a large parent could not always do."""
    for kind in {file_kind(path) for path in paths}:
        if kind in _ONE_GO_MODULES:
            import_module(f"parsers.{_ONE_GO_MODULES[kind]}")


def read(path: Path, source_file: str | None = None, *, pdf_engine: str = "pdfium",
         deadline: float | None = None, ocr: str = "auto") -> RawIssue:
    """Read one file. `pdf_engine` picks the PDF reader (parsers.pdf.ENGINES); `deadline`
    (a time.monotonic() value) stops a PDF between pages with ReadError("time_limit");
    `ocr` (OCR_MODES) says which PDF pages are read by OCR. Other formats are read in one go."""
    kind = kind_of(path)
    reader = READERS.get(kind)
    if reader is None:
        suffix = f"a {path.suffix} file" if path.suffix else "a file without a suffix"
        raise ReadError("unsupported_format",
                        f"{suffix} ({kind}): gazette reads PDF, web pages, text, Word (.docx, .doc) and OFD")
    try:
        raw = reader(path, source_file or path.name, pdf_engine=pdf_engine, deadline=deadline, ocr=ocr)
    except (PermissionError, FileNotFoundError, IsADirectoryError) as exc:  # a reader that opens files itself
        raise cannot_open(exc) from exc
    return with_form_fields(raw) if kind in LAYOUT_KINDS else raw


def with_form_fields(raw: RawIssue) -> RawIssue:
    """A form's label and value cells (parsers.form_fields) as the file's metadata, after
    what the file states about itself (an OFD's or a web page's own fields win)."""
    pairs = form_fields(raw.text)
    if not pairs:
        return raw
    stated = dict(raw.metadata)
    title = raw.title or dict(pairs).pop("title", None)
    metadata = raw.metadata + tuple((column, value) for column, value in pairs
                                    if column not in stated and column != "title")
    return replace(raw, metadata=metadata, title=title)
