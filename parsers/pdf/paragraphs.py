"""Lines to text with page spans: paragraphs joined again.

assemble() makes the document's text from every page's lines. A line is joined to the
next one when the layout shows the paragraph goes on (continues): the line runs to the
right edge of its column and the next starts flush left, not indented, as measured over
the whole document (Margins). This also joins paragraphs across columns and pages. A
centred heading wrapped over several lines (a title, `【市政府人事任免】(2024` / `年` /
`10` / `月份)`) is joined too (wrapped_heading). Running headers and page-number footers
are dropped here (parsers.pdf.headers).
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from operator import itemgetter

from pipeline.patterns import TOC_LEADER
from pipeline.records import PageSpan

from .headers import _PAGE_NUMBER, header_signature, running_headers
from .lines import PageLines
from .rows import Line

# --- tuning knobs (fractions of the font size unless said otherwise) -------------------
EDGE_TOLERANCE = 1.0        # within this of a column's edge counts as touching it
MIN_MARGIN_LINES = 3        # a margin is a line start/end shared by at least this many lines
MIN_MARGIN_SHARE = 0.03     # ... and by this share of the document's lines
HEADING_LEADING = 1.0       # a wrapped heading's next line starts within this below the last
CENTRE_TOLERANCE = 1.5      # a centred line's middle is this close to its column's middle
FOOT_OF_PAGE = 4.0          # a heading ending this close to the text's foot may go on overleaf
HEADING_SIZE = 1.2          # a heading is set at least this many times the body text's size


@dataclass(frozen=True, slots=True)
class Margins:
    """Where the lines of each column start and end: the edges of the text block.

    Lines are sorted into column regions by the document's gutter (left of it, right of
    it, or across it). A region's margins are its outermost line starts and ends that
    many lines share: full, justified lines end at the right margin and continuation
    lines start at the left one, while indents, centred titles and equal-length headings
    sit inside. Measured over the whole document, so a page with one short column, or a
    short last page, cannot make its longest line look full.
    """

    gutter: float | None
    edges: dict  # region -> (left, right)
    body_size: float = 0.0  # the commonest size of a line: body text
    foot: float = 0.0  # where full pages' text ends (the lowest line bottom most pages share)

    @classmethod
    def measure(cls, pages: list[PageLines]) -> Margins:
        gutters = sorted(p.gutter for p in pages if p.gutter is not None)
        gutter = gutters[len(gutters) // 2] if gutters else None
        all_lines = [line for page in pages for line in page.lines]
        regions: dict[str, list[Line]] = {}
        if gutter is None:  # every line is in the region "page" (_region)
            if all_lines:
                regions["page"] = all_lines
        else:
            for line in all_lines:
                regions.setdefault(_region(line, gutter), []).append(line)
        edges = {}
        for region, lines in regions.items():
            needed = max(MIN_MARGIN_LINES, MIN_MARGIN_SHARE * len(lines))
            starts = _peaks(map(_X0, lines), needed)
            ends = _peaks(map(_X1, lines), needed)
            edges[region] = (min(starts), max(ends))
        sizes = Counter(map(_SIZE, all_lines))
        feet = [max(map(_BOTTOM, page.lines)) for page in pages if page.lines]
        return cls(gutter, edges,
                   body_size=sizes.most_common(1)[0][0] if sizes else 0.0,
                   foot=max(_peaks(feet, max(2, len(feet) // 3))) if feet else 0.0)

    def edges_of(self, line: Line) -> tuple[float | None, float | None]:
        """The (left, right) margins of the line's region; None, None if it has none."""
        return self.edges.get(_region(line, self.gutter), _NO_EDGES)

    def flush_left(self, line: Line) -> bool:
        """Starts at the margin: not indented (a new paragraph) and not centred."""
        return _flush_left(line, self.edges_of(line)[0])

    def full_right(self, line: Line) -> bool:
        return _full_right(line, self.edges_of(line)[1])

    def centred(self, line: Line) -> bool:
        left, right = self.edges_of(line)
        return left is not None and abs((line.x0 + line.x1) - (left + right)) / 2 <= CENTRE_TOLERANCE * line.size


_NO_EDGES = (None, None)
_X0, _X1, _SIZE, _BOTTOM = itemgetter(1), itemgetter(2), itemgetter(3), itemgetter(5)  # of a Line


def _flush_left(line: Line, left: float | None) -> bool:
    """Margins.flush_left, given the line's left margin."""
    return left is not None and abs(line.x0 - left) <= EDGE_TOLERANCE * line.size * 0.5


def _full_right(line: Line, right: float | None) -> bool:
    """Margins.full_right, given the line's right margin."""
    return right is not None and line.x1 >= right - EDGE_TOLERANCE * line.size


def _region(line: Line, gutter: float | None) -> str:
    if gutter is None:
        return "page"
    if line.x1 <= gutter:
        return "left"
    if line.x0 >= gutter:
        return "right"
    return "page"


def _peaks(values, needed: float) -> list[float]:
    """Positions (to the point) shared by at least `needed` values; the commonest if none is."""
    counts: Counter[int] = Counter()
    # lines share their x0s and x1s: each distinct value is rounded once (in the order first
    # met, so the counts and their order are those of rounding every value)
    for value, n in Counter(values).items():
        counts[round(value)] += n
    found = [float(v) for v, n in counts.items() if n >= needed]
    return found or [float(counts.most_common(1)[0][0])]


def continues(prev: Line, nxt: Line, margins: Margins) -> bool:
    """Does the paragraph of `prev` go on in `nxt`? (a full line, then a flush-left line)

    Table rows (a cell gap) and 目录 entries (dot leaders to a page number) run to the
    margin too, but each is a line of its own.
    """
    if _stands_alone(prev) or _stands_alone(nxt):
        return False
    return _joins(prev, nxt, margins)


def _stands_alone(line: Line) -> bool:
    """A table row or a 目录 entry: never joined to the line before or after."""
    text = line.text
    # TOC_LEADER needs a dot leader: most lines have none, and three substring tests are
    # some ten times faster than the pattern's search over the line
    return "\t" in text or ("...." in text or "……" in text or "····" in text) \
        and TOC_LEADER.search(text) is not None


def _joins(prev: Line, nxt: Line, margins: Margins) -> bool:
    """continues(), for two lines neither of which stands alone."""
    return _joins_at(prev, margins.edges_of(prev), nxt, margins.edges_of(nxt), margins)


def _joins_at(prev: Line, prev_edges: tuple, nxt: Line, next_edges: tuple, margins: Margins) -> bool:
    """_joins, given each line's Margins.edges_of (assemble finds them once a line)."""
    if abs(prev.size - nxt.size) >= 0.5:
        return False
    return (_full_right(prev, prev_edges[1]) and _flush_left(nxt, next_edges[0])) \
        or wrapped_heading(prev, nxt, margins)


def wrapped_heading(prev: Line, nxt: Line, margins: Margins) -> bool:
    """Is `nxt` the next line of a centred heading that `prev` started?

    Both are centred and set larger than body text, and `nxt` sits right below `prev`, or
    at the top of the next column or page when `prev` ended at the foot of its own.
    Sizes were checked equal by the caller.
    """
    if prev.size < HEADING_SIZE * margins.body_size or not (margins.centred(prev) and margins.centred(nxt)):
        return False
    if nxt.top >= prev.bottom:  # same column: the next line down
        return nxt.top - prev.bottom <= HEADING_LEADING * prev.size
    return prev.bottom >= margins.foot - FOOT_OF_PAGE * prev.size  # overleaf


def assemble(pages: list[PageLines]) -> tuple[str, tuple[PageSpan, ...]]:
    """All pages' lines as one text; each page's characters form one PageSpan."""
    headers = running_headers(pages)
    margins = Margins.measure(pages)
    parts: list[str] = []
    spans: list[PageSpan] = []
    length = 0
    prev: Line | None = None
    prev_alone = False  # _stands_alone(prev), found once per line
    prev_edges = _NO_EDGES  # margins.edges_of(prev), likewise
    # without a gutter every line is in the region "page" (_region): its edges are every line's
    one_region = margins.edges.get("page", _NO_EDGES) if margins.gutter is None else None
    for page in pages:
        lines = list(page.lines)
        if page.header and header_signature(page.header) not in headers:
            lines.insert(0, _loose_line(page.header))
        if page.footer and not _PAGE_NUMBER.match(page.footer):
            lines.append(_loose_line(page.footer))
        start = length
        for line in lines:
            alone = _stands_alone(line)
            edges = margins.edges_of(line) if one_region is None else one_region
            if prev is None:
                sep = ""
            elif not (prev_alone or alone) and _joins_at(prev, prev_edges, line, edges, margins):  # continues()
                # a Latin word wrapped at the line end keeps its space; CJK text has none
                sep = " " if _latin_end(prev.text) and _latin_end(line.text[:1]) else ""
            else:
                sep = "\n"
            parts.append(sep + line.text)
            length += len(sep) + len(line.text)
            prev, prev_alone, prev_edges = line, alone, edges
        spans.append(PageSpan(page.number, start, length, ocr=page.ocr))
    return "".join(parts), tuple(spans)


def _latin_end(text: str) -> bool:
    return bool(text) and text[-1].isascii() and text[-1].isalpha()


def _loose_line(text: str) -> Line:
    """A header or footer line that turned out to be content: never joined to neighbours."""
    return Line(text=text, x0=-1e9, x1=-1e9, size=0.0)
