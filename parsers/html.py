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

Raises ReadError for empty files, undecodable bytes, and pages with no text.
"""
from __future__ import annotations

import re
from pathlib import Path

import lxml.etree
import lxml.html
import regex

from pipeline import rules
from pipeline.records import RawIssue

from . import ReadError, StatedFields, read_bytes
from .encoding import decode_bytes

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
# Below this many characters of <p> text the page has no paragraph structure worth
# trusting, and the whole <body> is read instead.
MIN_ARTICLE_CHARS = 200

_DECLARED_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_:.-]+)""", re.I)
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")
# A label is a short run of Han characters before a colon; mirror pages annotate
# characters with pinyin (`點(diǎn)擊:`), which may sit inside it.
_HAN = r"\p{Han}(?:\([a-z\u00e0-\u01dc]+\))?"
_PINYIN = regex.compile(r"\([a-z\u00e0-\u01dc]+\)")
_LABEL = regex.compile(rf"((?:{_HAN}){{1,12}})[ \u3000]*[:：]")
# Labels spaced out letter by letter (`索 引 号`): single characters between spaces.
_SPACED_LETTERS = regex.compile(r"(?<!\p{Han})\p{Han}(?:[ \u3000]\p{Han})+(?!\p{Han})")
_SPACES = re.compile(r"[ \t\r\n\f\v\u00a0\u3000]+")
_BREADCRUMB_WORDS = re.compile(r"(?:当前|所在)(?:的)?位置|^首页\s*[>»›]")
_BREADCRUMB_SEPARATOR = re.compile(r"\s[>»›]\s|&gt;")
# Line breaks inside a text node are source formatting, white space like any other (a
# metadata item `<li><span>实施日期：</span>\n   2021年12月06日</li>` is one line).
_SOURCE_BREAKS = str.maketrans({"\n": " ", "\r": " "})


def declared_charset(data: bytes) -> str | None:
    """The charset a page declares in <meta charset> or http-equiv, from its first 4 KiB."""
    match = _DECLARED_CHARSET.search(data[:4096])
    return match.group(1).decode("ascii") if match else None


def parse(path: Path, source_file: str | None = None) -> RawIssue:
    data, sha256 = read_bytes(path)
    text, encoding = decode_bytes(data, declared_charset(data))
    page = parse_page(text)
    if not page.body.strip():
        raise ReadError("no_content", "the page holds no article text")
    return RawIssue(source_file=source_file or str(path), source_sha256=sha256, source_format="html",
                    text=page.body, metadata=page.metadata, title=page.title,
                    line_breaks="paragraphs", encoding=encoding)


class Page:
    """The parts of a web page the pipeline uses (title, body lines, metadata pairs)."""

    __slots__ = ("title", "body", "metadata")

    def __init__(self, title: str | None, body: str, metadata: tuple[tuple[str, str], ...]):
        self.title, self.body, self.metadata = title, body, metadata


def parse_page(html: str) -> Page:
    html = _XML_DECLARATION.sub("", html, count=1)
    try:
        root = lxml.html.document_fromstring(html)
    except (lxml.etree.ParserError, ValueError) as exc:
        raise ReadError("not_html", f"not an HTML page ({exc})") from exc
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
    lines = [line for line in (_clean_line(x) for x in _block_text(article).split("\n")) if line]
    if title and lines and _clean_line(lines[0]) == _clean_line(title):
        lines = lines[1:]  # the article root included the <h1> itself
    body = "\n".join(([title] if title else []) + lines)
    return Page(title, body, metadata)


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

    def walk(el):
        if el is skip:
            return
        tag = el.tag if isinstance(el.tag, str) else ""
        if tag in BLOCK_TAGS or tag == "br":
            parts.append("\n")
        if el.text:
            parts.append(el.text if tag == "pre" else el.text.translate(_SOURCE_BREAKS))
        for child in el:
            walk(child)
            if child.tail:
                parts.append(child.tail.translate(_SOURCE_BREAKS))
        if tag in CELL_TAGS:
            parts.append("\t")
        if tag in BLOCK_TAGS:
            parts.append("\n")

    walk(element)
    text = "".join(parts)
    # Inside a block, source-code line breaks and runs of spaces are one space.
    return "\n".join(_SPACES.sub(" ", line) if "\t" not in line else line for line in text.split("\n"))


def _clean_line(line: str) -> str:
    return _SPACES.sub(" ", line).strip()


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
    for line in _block_text(root, skip=article).split("\n"):
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
        run = match.group(1)
        found = None
        for k in range(len(run)):
            candidate = _PINYIN.sub("", run[k:])
            if rules.is_metadata_label(candidate):
                found = (match.start(1) + k, candidate)
                break
        start, label = found if found else (match.start(1), None)
        labels.append((start, match.end(), label))
    pairs = []
    for i, (_, value_start, label) in enumerate(labels):
        if label:
            end = labels[i + 1][0] if i + 1 < len(labels) else len(line)
            pairs.append((label, line[value_start:end].strip()))
    return pairs
