"""Write the review site of an output folder: index, one page per input and per document.

Every file is written to a temporary name beside it and renamed into place, so a
crash leaves each page whole (old or new), and the index is written last, so it never
links to a page not yet there. A page whose bytes have not changed is not rewritten.
The pages hold nothing but what the tables hold (no clock, no absolute paths), so the
same output folder gives the same bytes.
"""
from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from pipeline.report.names import (
    ASSETS_DIR,
    DOCUMENTS_DIR,
    INDEX_FILE,
    ISSUES_DIR,
    PAGE_SUFFIX,
    UNPLACED_ANCHOR,
)
from pipeline.report.pages import UnplacedFact, build_documents, build_index, build_issues
from pipeline.report.render import render
from pipeline.report.tables import ReportError, read_out

ASSET_FILES = ("report.css", "report.js")
# Written into html_dir: stale pages are removed only from a folder that holds it, so a
# folder of somebody else's pages given by mistake loses nothing.
MARKER_FILE = ".gazette-report"
MARKER_TEXT = "pages written by `gazette report`; stale pages in documents/ and issues/ are removed\n"
ROOT_FROM_SUBFOLDER = "../"
PAGE_MODE = 0o644  # a site others read (mkstemp would leave 0600)


@dataclass(frozen=True, slots=True)
class ReportSummary:
    """What `write_report` wrote."""

    issue_pages: int
    document_pages: int
    facts_highlighted: int  # facts lit up at their span in a document's text
    facts_not_placed: int  # facts listed but not highlighted (facts.Unplaced says why); the index lists them

    def line(self) -> str:
        """One line for the command line."""
        line = (f"{self.issue_pages} input pages, {self.document_pages} document pages; "
                f"{self.facts_highlighted} facts highlighted, {self.facts_not_placed} not placed in the text")
        return f"{line} (listed at {INDEX_FILE}#{UNPLACED_ANCHOR})" if self.facts_not_placed else line


def write_report(out_dir: Path, html_dir: Path) -> ReportSummary:
    """Write the review site of `out_dir` (the folder `gazette extract --out` wrote) into `html_dir`.

    Raises ReportError when out_dir holds no tables or a table that cannot be read, or
    html_dir cannot be written.
    """
    out = read_out(out_dir)
    ours = (html_dir / MARKER_FILE).exists()
    try:
        for folder in (html_dir, html_dir / DOCUMENTS_DIR, html_dir / ISSUES_DIR, html_dir / ASSETS_DIR):
            folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ReportError(f"cannot write the report into {html_dir} ({exc})") from exc
    issues = build_issues(out)
    written: set[Path] = set()
    for name in ASSET_FILES:
        written.add(_write(html_dir / ASSETS_DIR / name, (resources.files(__package__) / "assets" / name).read_bytes()))
    highlighted = 0
    unplaced: list[UnplacedFact] = []
    document_pages: set[Path] = set()
    for view in build_documents(out, issues):
        highlighted += view.highlighted
        unplaced.extend(UnplacedFact(view.summary, fact) for fact in view.unplaced)
        document_pages.add(_write(html_dir / view.summary.href, render("document", ROOT_FROM_SUBFOLDER, view=view)))
    written |= document_pages
    for issue in issues:
        written.add(_write(html_dir / issue.href, render("issue", ROOT_FROM_SUBFOLDER, issue=issue)))
    if ours:
        _remove_stale(html_dir, written)
    _write(html_dir / MARKER_FILE, MARKER_TEXT)
    _write(html_dir / INDEX_FILE, render("index", "", index=build_index(out, issues, tuple(unplaced))))
    return ReportSummary(issue_pages=len(issues), document_pages=len(document_pages),
                         facts_highlighted=highlighted, facts_not_placed=len(unplaced))


def _remove_stale(html_dir: Path, written: set[Path]) -> None:
    """Pages of documents and inputs no longer in the output folder."""
    for folder in (DOCUMENTS_DIR, ISSUES_DIR):
        for page in set((html_dir / folder).glob("*" + PAGE_SUFFIX)) - written:
            page.unlink(missing_ok=True)


def _write(path: Path, content: str | bytes) -> Path:
    """Write `content` to `path` through a temporary file and a rename; nothing when unchanged."""
    data = content.encode("utf-8") if isinstance(content, str) else content
    try:
        if path.exists() and path.read_bytes() == data:
            return path
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
            os.chmod(tmp, PAGE_MODE)
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    except OSError as exc:
        raise ReportError(f"cannot write {path} ({exc})") from exc
    return path
