"""Cut a document's text into pieces at every fact span boundary.

Facts overlap and nest: one sentence often carries a target, three subsidies and a
date, and a 责任单位 parenthesis inside it carries a dozen units. HTML elements cannot
overlap, so instead of nesting one element per fact the text is cut at every place a
span starts or ends; each piece then lies wholly inside or wholly outside every span
and can carry the full list of facts that cover it. Lighting up a fact is then lighting
up exactly the pieces that list it.

Section starts (the outline's link targets) overlap facts too, so they are not wrapped
either: the text is also cut at each anchor's offset, and the page puts an empty
element there, between two pieces.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Span:
    """One fact's evidence: text[start:end]."""

    fact_id: str
    start: int
    end: int

    def __post_init__(self):
        if not 0 <= self.start < self.end:
            raise ValueError(f"fact {self.fact_id}: empty or negative span {self.start}..{self.end}")


@dataclass(frozen=True, slots=True)
class Piece:
    """text[start:end], covered by the facts in `fact_ids` (in the order the spans were given)."""

    start: int
    end: int
    text: str
    fact_ids: tuple[str, ...]
    anchors: tuple[str, ...] = ()  # ids of the anchors at `start`, in the order given


@dataclass(frozen=True, slots=True)
class Anchor:
    """A named place in the text, before text[offset]: where a section starts."""

    anchor_id: str
    offset: int


def mark_spans(text: str, spans: Iterable[Span], anchors: Iterable[Anchor] = ()) -> tuple[Piece, ...]:
    """The whole of `text` as consecutive pieces, cut at every span boundary and anchor.

    Pieces no fact covers are kept (with no fact ids), so joining the pieces' text gives
    `text` back. Raises ValueError for a span that runs past the end of the text or an
    anchor outside it: a span that does not fit is a bug upstream, and silently clipping
    it would highlight the wrong words.
    """
    spans = tuple(spans)
    for span in spans:
        if span.end > len(text):
            raise ValueError(f"fact {span.fact_id}: span {span.start}..{span.end} past the end of a "
                             f"text of {len(text)} characters")
    anchored: dict[int, list[str]] = {}
    for anchor in anchors:
        if not 0 <= anchor.offset < len(text):
            raise ValueError(f"anchor {anchor.anchor_id}: offset {anchor.offset} outside a text of "
                             f"{len(text)} characters")
        anchored.setdefault(anchor.offset, []).append(anchor.anchor_id)
    order = {span.fact_id: rank for rank, span in enumerate(spans)}
    if len(order) != len(spans):
        raise ValueError("two spans with the same fact id")
    starting: dict[int, list[str]] = {}
    ending: dict[int, list[str]] = {}
    for span in spans:
        starting.setdefault(span.start, []).append(span.fact_id)
        ending.setdefault(span.end, []).append(span.fact_id)
    cuts = sorted({0, len(text), *starting, *ending, *anchored})
    pieces = []
    covering: set[str] = set()
    for start, end in zip(cuts, cuts[1:], strict=False):
        covering.difference_update(ending.get(start, ()))
        covering.update(starting.get(start, ()))
        pieces.append(Piece(start, end, text[start:end], tuple(sorted(covering, key=order.__getitem__)),
                            tuple(anchored.get(start, ()))))
    return tuple(pieces)
