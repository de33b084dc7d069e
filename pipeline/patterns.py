"""Text patterns that more than one stage anchors on, defined once.

Vocabularies belong in rule files (pipeline/data); these are the few structural marks
of a gazette's layout that readers and stages must agree on.
"""
from __future__ import annotations

import re

# A 目录 entry's dot leaders running to its page number: `(嘉政发[2024]19号) ...... (2)`.
TOC_LEADER = re.compile(r"(\.{4,}|…{2,}|·{4,})\s*[(（]?\s*[0-9]+\s*[)）]?$")
