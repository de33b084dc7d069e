"""File names of the report's pages, from doc_id and source_file.

A page's name must be a safe, portable file name however its key is written (a
source_file may hold folders, spaces, CJK or shell characters) and two keys must never
share one. A key that is already a plain name is used as it is, so pages are easy to
find by hand (documents/91a177a1e3a0a8874886.html, issues/jiaxing-2024-11.pdf.html); any other key is reduced to its
plain characters and suffixed with a hash of the whole key, which keeps it unique.
"""
from __future__ import annotations

import hashlib
import re

DOCUMENTS_DIR = "documents"
ISSUES_DIR = "issues"
ASSETS_DIR = "assets"
INDEX_FILE = "index.html"
UNPLACED_ANCHOR = "unplaced"  # the index's list of facts not placed in their text
PAGE_SUFFIX = ".html"

# Lower case only: on a case-insensitive file system (macOS, Windows) A.pdf and a.pdf would meet.
_PLAIN_NAME = re.compile(r"[a-z0-9][a-z0-9._-]{0,99}")
_NOT_PLAIN = re.compile(r"[^A-Za-z0-9._-]+")
_HASH_CHARS = 16  # 64 bits of sha256: a collision even among millions of names is negligible
_STEM_CHARS = 60  # keeps a reduced name well under every file system's limit


def page_stem(key: str) -> str:
    """A file name (without suffix) that only `key` maps to."""
    if _PLAIN_NAME.fullmatch(key):
        return key
    reduced = _NOT_PLAIN.sub("_", key).strip("._-")[:_STEM_CHARS]
    digest = hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()[:_HASH_CHARS]
    return f"{reduced}-{digest}" if reduced else digest


def document_href(doc_id: str) -> str:
    """The document page, relative to the report's root."""
    return f"{DOCUMENTS_DIR}/{page_stem(doc_id)}{PAGE_SUFFIX}"


def issue_href(source_file: str) -> str:
    """The page of one input, relative to the report's root."""
    return f"{ISSUES_DIR}/{page_stem(source_file)}{PAGE_SUFFIX}"
