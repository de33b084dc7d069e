"""A document's heading tree (sections.parquet) as the outline beside its text.

Each section whose start lies inside the text gets an anchor there (`sec-3`: the
document's 4th section in text order), and its outline entry links to it. A section
whose start is not inside the text (validate reports those) is still listed, unlinked:
the outline shows the table as it is.
"""
from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass

from pipeline.report.spans import Anchor

ANCHOR_PREFIX = "sec-"  # never a fact id (t3, s12), so a link to either is unambiguous


@dataclass(frozen=True, slots=True)
class OutlineEntry:
    """One section: its number and heading as the table holds them, and its subsections."""

    anchor_id: str | None  # None: the section's start is not inside the text
    start: int | None
    level: int | None
    number: str | None
    heading: str | None
    path: str | None
    children: tuple[OutlineEntry, ...]


def document_outline(text: str, sections: Iterable[Mapping]) -> tuple[OutlineEntry, ...]:
    """The top sections of a document, each holding its subsections, all in text order.

    A section goes under its parent_id when that section comes before it in the text, as
    a parent does; any other is shown at the top, so rows that contradict each other
    cannot loop or drop a section.
    """
    ordered = sorted(sections, key=_text_order)
    roots: list[_Node] = []
    by_id: dict[object, _Node] = {}
    for rank, row in enumerate(ordered):
        start = row.get("char_start")
        node = _Node(row, f"{ANCHOR_PREFIX}{rank}" if start is not None and 0 <= start < len(text) else None)
        parent = by_id.get(row.get("parent_id"))
        (parent.children if parent else roots).append(node)
        by_id[row.get("section_id")] = node
    return tuple(node.entry() for node in roots)


def outline_anchors(outline: Iterable[OutlineEntry]) -> Iterator[Anchor]:
    """The anchor of every linked entry, depth first."""
    for entry in outline:
        if entry.anchor_id is not None:
            yield Anchor(entry.anchor_id, entry.start)
        yield from outline_anchors(entry.children)


def count_entries(outline: Iterable[OutlineEntry]) -> int:
    """Sections in the outline, at every level."""
    return sum(1 + count_entries(entry.children) for entry in outline)


def _text_order(row: Mapping) -> tuple:
    start = row.get("char_start")
    return (start is None, start or 0, row.get("level") or 0)


class _Node:
    """An entry while the tree is built (OutlineEntry is immutable)."""

    def __init__(self, row: Mapping, anchor_id: str | None):
        self.row, self.anchor_id, self.children = row, anchor_id, []

    def entry(self) -> OutlineEntry:
        row = self.row
        return OutlineEntry(
            anchor_id=self.anchor_id, start=row.get("char_start"), level=row.get("level"),
            number=row.get("number"), heading=row.get("heading"), path=row.get("path"),
            children=tuple(child.entry() for child in self.children))
