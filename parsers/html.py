"""Web-page reader: a government article page, or a mirror of one, to text and metadata.

What it keeps:
- the article title (<h1>, else the page's ArticleTitle meta, else <title>);
- the article body: the element whose <p> children hold the most text, with every
  block element (<p>, <div>, <tr>, <br> ...) as a line of its own;
- the metadata block (索引号, 文号, 发布单位, 有效性, 成文日期 ...) as structured
  fields, whether the site lays it out as a table of label/value cells or as a run of
  `label: value` text; labels are matched through pipeline/data/label_aliases.tsv.

What it drops: script, style and other non-content elements, navigation, footers,
and link-dense blocks (navigation bars, breadcrumbs, the spam link lists of hijacked
mirrors) inside the body.

Raises ReadError for empty files, undecodable bytes, pages with no text, and pages too
large to read (MAX_PAGE_BYTES, checked before reading; their text: encoding.MAX_TEXT_BYTES).
What it reads only in part is a warning on the RawIssue (partly_read): bytes no encoding
decodes, a declared charset set aside, and a page nested deeper than libxml2 goes, whose
rest it never reaches. Pages are parsed with huge_tree (2048 levels, not 256) and walked
without recursion, so no depth libxml2 accepts can overflow Python's stack.
"""
from __future__ import annotations

import re
from pathlib import Path

import lxml.etree
import lxml.html
import regex

from pipeline import rules
from pipeline.records import RawIssue

from . import ReadError, StatedFields, encoding, read_bytes

# Elements that never hold article text.
NON_CONTENT_TAGS = ("script", "style", "noscript", "template", "iframe", "object", "embed", "svg",
                    "canvas", "form", "select", "button", "input", "textarea", "nav", "head")
BLOCK_TAGS = frozenset({"address", "article", "aside", "blockquote", "center", "dd", "div", "dl", "dt",
                        "figcaption", "figure", "footer", "h1", "h2", "h3", "h4", "h5", "h6", "header",
                        "hr", "li", "main", "ol", "p", "pre", "section", "table", "tbody", "thead",
                        "tfoot", "tr", "ul"})
CELL_TAGS = frozenset({"td", "th"})

# A block inside the article with at least this many links, whose text is mostly link
# text, is navigation or spam, not content (an attachment line has one link).
MIN_LINKS_IN_LINK_BLOCK = 3
MIN_LINK_TEXT_SHARE = 0.6
# Web pages are refused above this size, before being read. Markup, scripts and inline
# images are most of a page's bytes (the largest real page in the corpus is 270 KB, of which
# 14 KB is text); a 30 MB page reads in 6 to 8 s and 350 MB. The text a page yields is held
# to encoding.MAX_TEXT_BYTES, as a text file is.
MAX_PAGE_BYTES = 4 * encoding.MAX_TEXT_BYTES
# Inline tags that only style text. Old editors open one per paragraph and never close it
# (`<p><font face=仿宋>…`), which nests every paragraph inside the one before; a page past
# libxml2's depth limit that way is parsed again without them (its text is the same).
_FORMATTING_TAG = re.compile(r"</?(?:font|span|b|i|u|s|em|strong|small|big|strike|tt|sup|sub)(?=[\s/>])[^>]*>",
                             re.I)
_DEPTH_LIMIT = re.compile(r"Excessive depth in document: (\d+)")
# Below this many characters of <p> text the page has no paragraph structure worth
# trusting, and the whole <body> is read instead.
MIN_ARTICLE_CHARS = 200

_DECLARED_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_:.-]+)""", re.I)
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")
# A label is a short run of Han characters before a colon; mirror pages annotate
# characters with pinyin (`點(diǎn)擊:`), which may sit inside it.
_HAN = r"\p{Han}(?:\([a-z\u00e0-\u01dc]+\))?"
_PINYIN = regex.compile(r"\([a-z\u00e0-\u01dc]+\)")
# `发布日期:`; `[实施日期]` (beijing.gov.cn's list of labels in brackets, no colon)
_LABEL = regex.compile(rf"((?:{_HAN}){{1,12}})[ \u3000]*[:：]|[\[【]((?:{_HAN}){{1,12}})[\]】]")
# Labels spaced out letter by letter (`索 引 号`): single characters between spaces.
_SPACED_LETTERS = regex.compile(r"(?<!\p{Han})\p{Han}(?:[ \u3000]\p{Han})+(?!\p{Han})")
_SPACES = re.compile(r"[ \t\r\n\f\v\u00a0\u3000]+")
_BREADCRUMB_WORDS = re.compile(r"(?:当前|所在)(?:的)?位置|^首页\s*[>»›]")
_BREADCRUMB_SEPARATOR = re.compile(r"\s[>»›]\s|&gt;")
# Line breaks inside a text node are source formatting, white space like any other (a
# metadata item `<li><span>实施日期：</span>\n   2021年12月06日</li>` is one line).
_SOURCE_BREAKS = str.maketrans({"\n": " ", "\r": " "})


def declared_charset(data: bytes) -> str | None:
    """The charset a page declares in <meta charset> or http-equiv, from its first 4 KiB.

    A <meta> found in the bytes as ASCII is not in UTF-16 or UTF-32, whatever it says: such a
    declaration means UTF-8 (as the WHATWG encoding rules read it)."""
    match = _DECLARED_CHARSET.search(data[:4096])
    if not match:
        return None
    declared = match.group(1).decode("ascii")
    return "utf-8" if (encoding.canonical_charset(declared) or "").startswith(("utf-16", "utf-32")) else declared


def parse(path: Path, source_file: str | None = None) -> RawIssue:
    data, sha256 = read_bytes(path, MAX_PAGE_BYTES, "web pages")
    decoded = encoding.decode(data, declared_charset(data))
    del data  # the page's bytes are no longer needed while its tree is built
    page = parse_page(decoded.text)
    if not page.body.strip():
        raise ReadError("no_content", "the page holds no article text")
    if (size := len(page.body.encode())) > encoding.MAX_TEXT_BYTES:
        raise ReadError("too_large", f"the page's text is {size:,} bytes as UTF-8; texts are read up to "
                                     f"{encoding.MAX_TEXT_BYTES:,} bytes")
    return RawIssue(source_file=source_file or str(path), source_sha256=sha256, source_format="html",
                    text=page.body, metadata=page.metadata, title=page.title,
                    line_breaks="paragraphs", encoding=decoded.encoding,
                    warnings=decoded.warnings + page.warnings)


class Page:
    """The parts of a web page the pipeline uses (title, body lines, metadata pairs), and
    what of it could not be read (warnings)."""

    __slots__ = ("title", "body", "metadata", "warnings")

    def __init__(self, title: str | None, body: str, metadata: tuple[tuple[str, str], ...],
                 warnings: tuple[str, ...] = ()):
        self.title, self.body, self.metadata, self.warnings = title, body, metadata, warnings


def parse_page(html: str) -> Page:
    html = _XML_DECLARATION.sub("", html, count=1)
    root, stopped = _parse_tree(html)
    if stopped is not None and _DEPTH_LIMIT.search(stopped.message):
        root, stopped = _parse_tree(_FORMATTING_TAG.sub("", html))
    warnings = (_what_was_lost(root, stopped),) if stopped is not None else ()
    meta = {m.get("name", "").lower(): (m.get("content") or "").strip() for m in root.iter("meta")}
    lxml.etree.strip_elements(root, lxml.etree.Comment, with_tail=False)
    title = _title(root, meta)
    for element in list(root.iter(*NON_CONTENT_TAGS)):
        element.drop_tree()  # drop_tree keeps the tail text, which belongs to the parent
    article = _article_root(root)
    metadata = _metadata(root, article, meta)
    for block in list(article.iter()):
        if block is not article and block.getparent() is not None and _is_link_block(block):
            block.drop_tree()
    for table in list(article.iter("table")):
        if _is_task_table(table):
            _fill_spanned_cells(table)
    lines = [line for line in (_clean_row(x) for x in _block_text(article).split("\n")) if line]
    if title and lines and _clean_line(lines[0]) == _clean_line(title):
        lines = lines[1:]  # the article root included the <h1> itself
    body = "\n".join(([title] if title else []) + lines)
    return Page(title, body, metadata, warnings)


def _parse_tree(html: str):
    """The page's element tree, and the fatal parser error that stopped libxml2 before the
    end of the page (None when it read to the end)."""
    parser = lxml.html.HTMLParser(huge_tree=True)
    try:
        root = lxml.html.document_fromstring(html, parser=parser)
    except (lxml.etree.ParserError, ValueError) as exc:
        raise ReadError("not_html", f"not an HTML page ({exc})") from exc
    fatal = [error for error in parser.error_log if error.level == lxml.etree.ErrorLevels.FATAL]
    return root, fatal[0] if fatal else None


def _what_was_lost(root, error) -> str:
    """A partly_read warning: why the parser stopped, and the last text it read (libxml2's
    line and column do not point there on a page of one long line)."""
    last = ""
    for text in root.itertext():
        if text.strip():
            last = text
    where = f'after "{_clean_line(last)[-30:]}"' if last else "from its start"
    if depth := _DEPTH_LIMIT.search(error.message):
        return (f"the page's elements are nested deeper than {depth.group(1)} levels, where the HTML parser "
                f"stops: its text {where} was not read")
    return f"the HTML parser stopped ({error.message.strip()}): the page's text {where} was not read"


def _title(root, meta: dict[str, str]) -> str | None:
    for h1 in root.iter("h1"):
        text = _clean_line(h1.text_content())
        if text and not is_breadcrumb(text):
            return text
    if meta.get("articletitle"):
        return _clean_line(meta["articletitle"])
    for title in root.iter("title"):
        text = _clean_line(title.text_content())
        if text:
            return text
    return None


def is_breadcrumb(text: str) -> bool:
    """`您当前所在的位置：首页 > 政务服务 > …`: a site's trail of links, not a title (some
    sites print it in an <h1>)."""
    return bool(_BREADCRUMB_WORDS.search(text)) or len(_BREADCRUMB_SEPARATOR.findall(text)) >= 2


def _article_root(root):
    """The element whose <p> children carry the most text (the article body)."""
    totals: dict = {}
    for p in root.iter("p"):
        parent = p.getparent()
        if parent is not None:
            totals[parent] = totals.get(parent, 0) + len(_SPACES.sub("", p.text_content()))
    if totals:
        best = max(totals, key=totals.get)
        if totals[best] >= MIN_ARTICLE_CHARS:
            return best
    body = root.find("body")
    return body if body is not None else root


def _is_link_block(element) -> bool:
    if element.tag not in BLOCK_TAGS:
        return False
    links = list(element.iter("a"))
    if len(links) < MIN_LINKS_IN_LINK_BLOCK:
        return False
    text = len(_SPACES.sub("", element.text_content()))
    link_text = sum(len(_SPACES.sub("", a.text_content())) for a in links)
    return text > 0 and link_text / text >= MIN_LINK_TEXT_SHARE


def _block_text(element, skip=None) -> str:
    """Text with a line break around every block element and <br>, a tab after each cell.

    `skip` is an element whose text is left out (the article, when reading the rest).
    """
    parts: list[str] = []
    # Depth first with a stack of (element, closing), not recursion: a page may nest
    # elements 2048 deep, past Python's recursion limit.
    stack = [(element, False)]
    while stack:
        el, closing = stack.pop()
        tag = el.tag if isinstance(el.tag, str) else ""
        if not closing and el is not skip:
            if tag in BLOCK_TAGS or tag == "br":
                parts.append("\n")
            if el.text:
                parts.append(el.text if tag == "pre" else el.text.translate(_SOURCE_BREAKS))
            stack.append((el, True))
            stack.extend((child, False) for child in reversed(el))
            continue
        if closing and tag in CELL_TAGS:
            parts.append("\t")
        if closing and tag in BLOCK_TAGS:
            parts.append("\n")
        if el is not element and el.tail:
            parts.append(el.tail.translate(_SOURCE_BREAKS))
    text = "".join(parts)
    # Inside a block, source-code line breaks and runs of spaces are one space.
    return "\n".join(_SPACES.sub(" ", line) if "\t" not in line else line for line in text.split("\n"))


def _clean_line(line: str) -> str:
    return _SPACES.sub(" ", line).strip()


_UNIT_LABEL_CELL = regex.compile(rf"^(?:{rules.alternation('unit_labels.tsv', 'lead', 'responsible', 'partner')})"
                                  r"(?:[(（][^)）]*[)）])?$")
# A cell spanning more rows than this is no row of a table of items (a layout table's side column).
MAX_ROW_SPAN = 50


def _is_task_table(table) -> bool:
    """A table of tasks and the units in charge of them: a cell of it is a label of unit_labels.tsv
    (`牵头单位`, `责任单位`). Only its spanned cells are repeated: in other tables a repeated amount or
    date would be read as more facts."""
    return any(_UNIT_LABEL_CELL.match(_clean_line(cell.text_content()))
               for cell in table.iter("td", "th") if _nearest_table(cell) is table)


def _fill_spanned_cells(table) -> None:
    """A cell that spans rows (rowspan) is repeated in each row it covers, and a cell that spans
    columns (colspan) is followed by empty cells, so that every row of a table of items has its
    cells in the columns of its header: a task table's 牵头单位 printed once for three tasks is each
    task's. Nested tables are left to their own call."""
    pending: dict[int, tuple[object, int]] = {}  # column -> (cell, rows it still covers)
    for row in [r for r in table.iter("tr") if _nearest_table(r) is table]:
        cells = [c for c in row if isinstance(c.tag, str) and c.tag in CELL_TAGS]
        column = 0
        for cell in cells:
            while column in pending:
                _copy_into(row, pending, column, before=cell)
                column += 1
            span = _span(cell, "rowspan")
            if 1 < span <= MAX_ROW_SPAN:
                pending[column] = (cell, span - 1)
            column += 1
            for _ in range(_span(cell, "colspan") - 1):
                cell.addnext(lxml.html.Element(cell.tag))
                column += 1
        while column in pending:
            _copy_into(row, pending, column, before=None)
            column += 1


def _copy_into(row, pending: dict, column: int, before) -> None:
    """Puts a copy of the cell spanning down into `row` at `column` (before the cell `before`, else last)."""
    cell, left = pending[column]
    copy = lxml.html.fromstring(lxml.html.tostring(cell))
    copy.attrib.pop("rowspan", None)
    copy.tail = None
    if before is not None:
        before.addprevious(copy)
    else:
        row.append(copy)
    if left > 1:
        pending[column] = (cell, left - 1)
    else:
        del pending[column]


def _nearest_table(element):
    return next(element.iterancestors("table"), None)


def _span(cell, attribute: str) -> int:
    try:
        return max(1, min(int(cell.get(attribute, "1")), MAX_ROW_SPAN + 1))
    except ValueError:
        return 1


def _clean_row(line: str) -> str:
    """A line of the article: a table row keeps a tab between its cells (a task table's 牵头单位 and
    配合单位 columns stay apart); a row of one cell, as a page laid out in a table has, is its text."""
    if "\t" not in line:
        return _clean_line(line)
    cells = [_clean_line(cell) for cell in line.split("\t")]
    while cells and not cells[-1]:
        cells.pop()
    while cells and not cells[0]:
        cells.pop(0)
    return "\t".join(cells) if len(cells) > 1 else (cells[0] if cells else "")


def _metadata(root, article, meta: dict[str, str]) -> tuple[tuple[str, str], ...]:
    """(column, value) pairs from the page's metadata table, label lines and meta tags."""
    found = StatedFields()

    def add(label: str, value: str):
        found.add(label, _clean_line(value))

    # 1. Label and value in neighbouring table cells: <td>索引号：</td><td>0025...</td>
    for cell in root.iter("td", "th"):
        if article in cell.iterancestors() or cell is article:
            continue
        label = _clean_line(cell.text_content())
        nxt = cell.getnext()
        if nxt is not None and label and rules.is_metadata_label(label) and len(label) <= 16:
            add(label, nxt.text_content())
    # 2. Runs of `label: value` text outside the article (info lines, <li> lists).
    # what prints nothing is left out first: a zero-width space inside 发布日期 hides the label
    for line in rules.without_invisible(_block_text(root, skip=article)).split("\n"):
        for label, value in split_label_values(line):
            add(label, value)
    # 3. The site template's meta tags (meta_names.tsv) fill what the block left out.
    for name, content in meta.items():
        found.add_column(rules.meta_column(name), _clean_line(content))
    return found.pairs()


def split_label_values(line: str) -> list[tuple[str, str]]:
    """`索引号: 0025 文号: 嘉政办发〔2025〕18号` -> [(索引号, 0025), (文号, 嘉政办发〔2025〕18号)].

    A value runs to the next `label:`. Only labels known to label_aliases.tsv start a
    pair, but any `label:` ends the value before it (`浏览次数:` ends 信息来源's value).
    A known label may end a longer run of characters (`嘉兴市人民政府发文字号:`): the
    run's start is then part of the previous value.
    """
    line = _SPACED_LETTERS.sub(lambda m: regex.sub(r"[ \u3000]", "", m.group()), line)
    labels = []  # (label start, value start, known label or None)
    for match in _LABEL.finditer(line):
        group = 1 if match.group(1) else 2
        run = match.group(group)
        found = None
        for k in range(len(run) if group == 1 else 1):  # a bracketed label is whole
            candidate = _PINYIN.sub("", run[k:])
            if rules.is_metadata_label(candidate):
                found = (match.start(group) + k if group == 1 else match.start(), candidate)
                break
        start, label = found if found else (match.start(group) if group == 1 else match.start(), None)
        labels.append((start, match.end(), label))
    pairs = []
    for i, (_, value_start, label) in enumerate(labels):
        if label:
            end = labels[i + 1][0] if i + 1 < len(labels) else len(line)
            pairs.append((label, line[value_start:end].strip()))
    return pairs
