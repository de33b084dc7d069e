"""Running headers and page-number footers, and where they are dropped.

Each page's top and bottom rows are set aside as its header and footer candidates when
they lie near the page's edges (read_page, parsers.pdf.lines: HEADER_BAND, FOOTER_BAND).
Once every page is read, assemble() (parsers.pdf.paragraphs) drops
* running headers: a top line repeated across pages, digits aside, in either order
  (`2024年第11期 嘉兴市人民政府公报` / `嘉兴市人民政府公报 2024年第11期`), as
  running_headers() finds them, and
* page-number footers (`— 3 —`, `- 3 -`, `第3页`): a bottom line _PAGE_NUMBER matches;
the other candidates go back into the text as lines of their own.
"""
from __future__ import annotations

import re
from collections import Counter

from .lines import PageLines

# --- tuning knobs (fractions of the font size unless said otherwise) -------------------
MIN_HEADER_PAGE_SHARE = 0.3  # a header must repeat on this share of pages (and on 2+)

_PAGE_NUMBER = re.compile(r"^[\s\-—–－~·•]*(第\s*)?[0-9]{1,4}(\s*页)?(\s*/\s*(共\s*)?[0-9]{1,4}\s*页?)?[\s\-—–－~·•]*$")
_DIGITS = re.compile(r"[0-9]+")


def header_signature(text: str) -> frozenset[str]:
    """A running header's identity: its words, digits masked, order ignored (mirrored pages)."""
    return frozenset(_DIGITS.sub("#", word) for word in text.split())


def running_headers(pages: list[PageLines]) -> set[frozenset[str]]:
    """Signatures of top lines that repeat across enough pages to be running headers."""
    counts = Counter(header_signature(p.header) for p in pages if p.header)
    needed = max(2, MIN_HEADER_PAGE_SHARE * len(pages))
    return {sig for sig, n in counts.items() if n >= needed}
