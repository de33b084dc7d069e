"""Plain-text reader: UTF-8, GB18030/GBK or Big5, detected; a file over
encoding.MAX_TEXT_BYTES is refused before it is read, a few undecodable bytes are
replaced and reported (parsers/encoding.py).

A text file has no layout: its line breaks may be real paragraph ends or the cuts of
an old page break, so the normaliser is allowed to re-join them.

Text files come as users save them, and two kinds of markup are read, not kept:
- a legal-database export's header block, one `【label】value` line per field
  (`【发布部门】国务院`, `【发文字号】国令第707号`, `【实施日期】2019.03.02`, `【时效性】现行有效`):
  metadata, like a web page's block, through the same label_aliases.tsv;
- Markdown: `#` heading marks, `**bold**`/`__bold__`, and `- `/`* `/`+ `/`• ` list markers
  (a 目录 saved as a bulleted list reads like the printed one).
"""
from __future__ import annotations

from pathlib import Path

import regex

from pipeline import rules
from pipeline.records import RawIssue

from . import ReadError, StatedFields, encoding, read_bytes


def parse(path: Path, source_file: str | None = None) -> RawIssue:
    data, sha256 = read_bytes(path, encoding.MAX_TEXT_BYTES, "text files")
    decoded = encoding.decode(data)
    text = decoded.text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise ReadError("empty_text", f"the file decodes ({decoded.encoding}) but holds only white space")
    metadata, text = export_header(strip_markdown(text))
    if not text.strip():
        raise ReadError("empty_text", "the file holds a metadata header and no text")
    return RawIssue(source_file=source_file or str(path), source_sha256=sha256, source_format="txt",
                    text=text, encoding=decoded.encoding, metadata=metadata, warnings=decoded.warnings)


# `【发布部门】国务院`: a bracketed label, then its value on the same line.
_HEADER_LINE = regex.compile(r"^\s*【(?P<label>[^】]{2,12})】\s*(?P<value>\S.*?)\s*$")
# A header block names at least this many known labels (a gazette's `【市政府文件】` heading
# lines carry no value, and a lone bracketed phrase in a text is no header).
MIN_HEADER_LABELS = 2
# `# 标题`, `**加粗**`, `- 条目`: Markdown's marks. A bullet is followed by text, not by a
# dash or a lone page number (`- 3 -` is a page footer).
_MD_HEADING = regex.compile(r"^[ \t]{0,3}#{1,6}[ \t]+", regex.M)
_MD_BOLD = regex.compile(r"\*\*(?=\S)(.+?)(?<=\S)\*\*|__(?=\S)(.+?)(?<=\S)__")
_MD_BULLET = regex.compile(r"^[ \t]*[-*+•][ \t]+(?![0-9]+[ \t]*[-—]?[ \t]*$)(?=[^\s\-—])", regex.M)


def strip_markdown(text: str) -> str:
    """The text without Markdown's heading marks, bold marks and list bullets."""
    if "#" in text:
        text = _MD_HEADING.sub("", text)
    if "**" in text or "__" in text:
        text = _MD_BOLD.sub(lambda m: m.group(1) or m.group(2), text)
    return _MD_BULLET.sub("", text)


def export_header(text: str) -> tuple[tuple[tuple[str, str], ...], str]:
    """A legal-database export's `【label】value` block as (column, value) pairs, and the
    text without it. Lines with labels that label_aliases.tsv does not know (`【法规类别】`)
    belong to the block too; the block must name MIN_HEADER_LABELS known labels."""
    lines = text.split("\n")
    block = [i for i, line in enumerate(lines) if _HEADER_LINE.match(line)]
    known = [i for i in block if rules.is_metadata_label(_HEADER_LINE.match(lines[i]).group("label"))]
    if len(known) < MIN_HEADER_LABELS:
        return (), text
    # The block is the run of header lines around the first known label (blank lines inside it).
    start = end = known[0]
    while start > 0 and (_HEADER_LINE.match(lines[start - 1]) or not lines[start - 1].strip()):
        start -= 1
    while end + 1 < len(lines) and (_HEADER_LINE.match(lines[end + 1]) or not lines[end + 1].strip()):
        end += 1
    found = StatedFields()
    for line in lines[start:end + 1]:
        if match := _HEADER_LINE.match(line):
            found.add(match.group("label"), match.group("value"))
    kept = lines[:start] + [""] + lines[end + 1:]
    return found.pairs(), "\n".join(kept)
