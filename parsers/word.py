"""Word reader: .docx, .doc (Word 97-2003) and .wps (WPS Office), recognised by content.

Government sites publish many "Word" files that are something else, so the suffix only
sends a file here and its first bytes decide how it is read:
- a ZIP: Office Open XML (.docx, .docm, .dotx), read with python-docx's package reader;
  another ZIP (a spreadsheet, an OFD, an archive) is ReadError("unsupported_format");
- an OLE2 compound file: Word 97-2003 binary, read here from the FIB and the piece table
  (olefile opens the container; no system package). WPS Office's .wps files are the same
  binary layout; an OLE2 file without a WordDocument stream (a spreadsheet, Works) is
  unsupported;
- a web page saved as .doc (very common): the HTML reader; Word's single-file web page
  (MHT, MIME) saved as .doc: its HTML part, through the HTML reader's page parser;
- Word 2003 XML and Word's flat-XML document: the same body walker as .docx;
- RTF: ReadError("unsupported_format"), as file_kinds.tsv lists .rtf files.

The text is the body only, one paragraph per line (`line_breaks="paragraphs"`), in
document order; a table row is a line of its cells joined by a tab (as the PDF reader
writes ruled tables), a nested table's cells are flattened into the cell that holds it, and
a cell's paragraphs are joined by a space. Page headers and footers, footnotes, comments,
deleted revisions, hidden text and field codes are dropped (a field's result is kept).
A .docx text box is read as lines after the paragraph that anchors it; a .doc's text boxes
have no anchor in the text stream and are left out with a warning.

The document's own properties are trusted for the title only, and only when it reads as a
title and the text prints it: Word fills the title with `Microsoft Word - x.doc`, with
`文档1`, or with the title of the file the document was copied from.
"""
from __future__ import annotations

import email
import email.policy
import io
import struct
import zipfile
from bisect import bisect_right
from pathlib import Path

import docx.oxml
import lxml.etree
import olefile
import regex
from docx.opc.constants import CONTENT_TYPE as CT
from docx.package import Package

from pipeline.records import RawIssue

from . import ReadError, read_bytes
from . import html as html_reader
from .encoding import decode

OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGICS = (b"PK\x03\x04", b"PK\x05\x06")
# How many leading bytes decide a file's kind (HTML saved as .doc may open with a long comment).
SNIFF_BYTES = 4096


def parse(path: Path, source_file: str | None = None) -> RawIssue:
    """A Word file (.docx, .doc, .wps) to text, whatever its suffix says it is."""
    data, sha256 = read_bytes(path)
    source = source_file or str(path)
    kind = sniff(data)
    if kind == "docx":
        return _issue(source, sha256, "docx", *read_docx(data))
    if kind == "doc":
        return _issue(source, sha256, "doc", *read_doc(data))
    if kind == "wordml":
        return _issue(source, sha256, "docx", *read_word_xml(data))
    if kind == "html":
        return html_reader.parse(path, source_file=source_file)
    if kind == "mht":
        return _read_mht(data, sha256, source)
    if kind == "rtf":
        raise ReadError("unsupported_format", "an RTF file under a Word suffix: gazette does not read RTF; "
                                              "save it as .docx")
    if kind == "pdf":
        raise ReadError("unsupported_format", "a PDF under a Word suffix: rename it .pdf to have it read")
    raise ReadError("corrupt_word", f"not a Word file: neither a .docx (ZIP) nor a .doc (OLE2), nor a web page "
                                    f"or RTF saved as one (it opens with {data[:8]!r})")


def sniff(data: bytes) -> str:
    """docx, doc, wordml, html, mht, rtf, pdf or unknown, from the file's first bytes."""
    if data.startswith(ZIP_MAGICS):
        return "docx"
    if data.startswith(OLE2_MAGIC):
        return "doc"
    if data.startswith(b"%PDF-"):
        return "pdf"
    head = _head_text(data[:SNIFF_BYTES])
    start = head.lstrip().lower()
    if start.startswith("{\\rtf"):
        return "rtf"
    if start.startswith("mime-version:") or ("mime-version:" in start[:1024] and "multipart/" in start):
        return "mht"
    if start.startswith("<") and ("<w:worddocument" in start or "progid=\"word.document\"" in start
                                  or "<pkg:package" in start):
        return "wordml"
    if start.startswith("<") and any(tag in start for tag in ("<html", "<head", "<body", "<meta", "<title",
                                                               "<p", "<div", "<table")):
        return "html"
    return "unknown"


def _head_text(head: bytes) -> str:
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return head.decode("utf-16", errors="ignore")
    return head.decode("latin-1").removeprefix("\u00ef\u00bb\u00bf")  # ASCII marks are all that matter


def _issue(source: str, sha256: str, fmt: str, lines: list[str], title: str | None,
           warnings: tuple[str, ...]) -> RawIssue:
    text = "\n".join(lines)
    if not text.strip():
        raise ReadError("empty_text", f"the Word document ({fmt}) opens but its body holds no text "
                                      "(only images, or an empty page)")
    return RawIssue(source_file=source, source_sha256=sha256, source_format=fmt, text=text,
                    title=stated_title(title, text), line_breaks="paragraphs", warnings=warnings)


# --- the document's own title -------------------------------------------------------------

# Titles Word and WPS fill in by themselves, or that name a file rather than a document.
_DEFAULT_TITLE = regex.compile(
    r"^(?:microsoft\s+word\s*-|wps\s*-)|^(?:文档|新建\s*(?:microsoft\s*)?(?:word|wps)?\s*文档|document|"
    r"word\s+document|标题|题目|title|无标题|untitled|模板|normal|公文模板|红头文件)\s*\d*$"
    r"|\.(?:docx?|wps|dotx?|rtf|pdf|txt)$", regex.I)
_HAN = regex.compile(r"\p{Han}")
_BLANKS = regex.compile(r"[\s\u3000\u00a0]+")
# The title is printed near the top: after a 红头, a 文号 and a line or two of marks.
TITLE_SEARCH_CHARS = 1500
MIN_TITLE_CHARS = 4


def stated_title(title: str | None, text: str) -> str | None:
    """The title the document's properties state, when it is one: Han characters, not a
    default Word or WPS fills in, and printed at the top of the text (a title left over
    from the file this one was copied from is not)."""
    if not title:
        return None
    title = _BLANKS.sub(" ", title).strip()
    if len(title) < MIN_TITLE_CHARS or not _HAN.search(title) or _DEFAULT_TITLE.search(title):
        return None
    if _BLANKS.sub("", title) not in _BLANKS.sub("", text[:TITLE_SEARCH_CHARS]):
        return None
    return title


def _strip_line(line: str) -> str:
    return line.strip(" \t\u3000\u00a0")


# --- .docx and Word XML --------------------------------------------------------------------

W2006 = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
W2003 = "http://schemas.microsoft.com/office/word/2003/wordml"
MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
WORD_MAIN_TYPES = frozenset({
    CT.WML_DOCUMENT_MAIN,
    "application/vnd.ms-word.document.macroEnabled.main+xml",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.template.main+xml",
    "application/vnd.ms-word.template.macroEnabledTemplate.main+xml",
})
# What a ZIP that is not a Word document is, by a file it holds.
_OTHER_ZIPS = (("xl/", "an Excel workbook"), ("ppt/", "a PowerPoint presentation"),
               ("OFD.xml", "an OFD document"), ("mimetype", "an OpenDocument or EPUB file"))


def read_docx(data: bytes) -> tuple[list[str], str | None, tuple[str, ...]]:
    """The body's lines, the core-properties title and warnings of an Office Open XML package."""
    try:
        names = zipfile.ZipFile(io.BytesIO(data)).namelist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise ReadError("corrupt_word", f"a ZIP file (.docx) that cannot be opened: {exc}") from exc
    if "[Content_Types].xml" not in names:
        what = next((name for marker, name in _OTHER_ZIPS if any(n.startswith(marker) for n in names)),
                    "a ZIP archive")
        shown = ", ".join(names[:5]) + (" ..." if len(names) > 5 else "")
        raise ReadError("unsupported_format", f"{what}, not a Word document (it holds {shown or 'nothing'})")
    try:
        package = Package.open(io.BytesIO(data))
        part = package.main_document_part
    except Exception as exc:  # python-docx raises KeyError, ValueError, XML errors ... on broken packages
        raise ReadError("corrupt_word", f"a .docx whose package cannot be read: {type(exc).__name__}: {exc}") \
            from exc
    if part.content_type not in WORD_MAIN_TYPES:
        what = next((name for marker, name in _OTHER_ZIPS if part.partname.startswith("/" + marker)),
                    f"an Office file of type {part.content_type}")
        raise ReadError("unsupported_format", f"{what}, not a Word document")
    try:
        root = part.element if hasattr(part, "element") else docx.oxml.parse_xml(part.blob)
    except lxml.etree.XMLSyntaxError as exc:
        raise ReadError("corrupt_word", f"the .docx's document.xml is not well-formed XML: {exc}") from exc
    body = root.find(f"{{{W2006}}}body")
    if body is None:
        raise ReadError("corrupt_word", "the .docx's document.xml has no <w:body>")
    return _Body(W2006).blocks(body), _core_title(package), _embedded_warning(_ole_objects(body))


def _core_title(package) -> str | None:
    # A package without core properties gets python-docx's default part ("Word Document"),
    # which stated_title refuses; properties are optional, so a broken part is no error.
    try:
        return package.core_properties.title or None
    except Exception:
        return None


def read_word_xml(data: bytes) -> tuple[list[str], None, tuple[str, ...]]:
    """Word 2003 XML (`<w:wordDocument>`) or Word's flat XML package (`<pkg:package>`)."""
    parser = lxml.etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True)
    try:
        root = lxml.etree.fromstring(data, parser)
    except lxml.etree.XMLSyntaxError as exc:
        raise ReadError("corrupt_word", f"a Word XML document that is not well-formed XML: {exc}") from exc
    for ns in (W2006, W2003):
        body = next(root.iter(f"{{{ns}}}body"), None)
        if body is not None:
            return _Body(ns).blocks(body), None, _embedded_warning(_ole_objects(body))
    raise ReadError("corrupt_word", "a Word XML document without a <w:body>")


_OFF = ("0", "false", "off")
VML_OFFICE = "urn:schemas-microsoft-com:office:office"


def _ole_objects(body) -> list[str]:
    """The ProgIDs of the objects embedded in a body (an Excel sheet pasted as an object)."""
    return [obj.get("ProgID") or "an object" for obj in body.iter(f"{{{VML_OFFICE}}}OLEObject")]


def _embedded_warning(objects: list[str]) -> tuple[str, ...]:
    """A warning naming the embedded objects (their contents are not read: a spreadsheet
    pasted as an object shows as a picture in the text)."""
    if not objects:
        return ()
    counts = {name: objects.count(name) for name in objects}
    named = ", ".join(f"{name} ({n})" if n > 1 else name for name, n in counts.items())
    return (f"embedded objects not read: {named}",)


class _Body:
    """Lines of a WordprocessingML body (2006 or 2003 namespace: the element names agree)."""

    def __init__(self, ns: str):
        w = f"{{{ns}}}"
        self.p, self.tbl, self.tr, self.tc, self.r = w + "p", w + "tbl", w + "tr", w + "tc", w + "r"
        self.t, self.txbx, self.rpr, self.vanish = w + "t", w + "txbxContent", w + "rPr", w + "vanish"
        self.val = w + "val"
        self.spaces = {w + "tab", w + "ptab"}
        self.breaks = {w + "br", w + "cr"}
        self.hyphen = w + "noBreakHyphen"
        # Never text: properties, deleted or moved-away revisions, field codes, ruby (pinyin)
        # over characters, and the
        # fallback copy of a text box (mc:Choice holds the same one).
        self.skip = {w + name for name in ("pPr", "rPr", "tblPr", "tblGrid", "trPr", "tcPr", "sectPr",
                                           "sdtPr", "sdtEndPr", "del", "moveFrom", "delText",
                                           "instrText", "delInstrText", "softHyphen", "sym", "rt")}
        self.skip.add(f"{{{MC}}}Fallback")

    def blocks(self, container) -> list[str]:
        lines: list[str] = []
        for child in container:
            tag = child.tag
            if not isinstance(tag, str) or tag in self.skip:
                continue
            if tag == self.p:
                lines.extend(self.paragraph(child))
            elif tag == self.tbl:
                lines.extend(self.table(child))
            else:  # w:sdt, w:customXml, wx:sect ...: containers of blocks
                lines.extend(self.blocks(child))
        return lines

    def paragraph(self, p) -> list[str]:
        parts: list[str] = []
        boxes: list[str] = []
        self._inline(p, parts, boxes)
        lines = [_strip_line(line) for line in "".join(parts).split("\n")]
        return [line for line in lines if line] + boxes

    def _inline(self, element, parts: list[str], boxes: list[str]) -> None:
        for child in element:
            tag = child.tag
            if not isinstance(tag, str) or tag in self.skip:
                continue
            if tag == self.t:
                parts.append(child.text or "")
            elif tag in self.spaces:
                parts.append(" ")  # a tab inside a paragraph is layout, not a table cell
            elif tag in self.breaks:
                parts.append("\n")
            elif tag == self.hyphen:
                parts.append("-")
            elif tag == self.txbx:
                boxes.extend(self.blocks(child))
            elif tag == self.r and self._hidden(child):
                continue
            else:  # runs, hyperlinks, fields, smart tags, inserted revisions, drawings
                self._inline(child, parts, boxes)

    def _hidden(self, run) -> bool:
        props = run.find(self.rpr)
        vanish = props.find(self.vanish) if props is not None else None
        return vanish is not None and vanish.get(self.val, "1").lower() not in _OFF

    def table(self, tbl) -> list[str]:
        lines = []
        for row in self._children(tbl, self.tr):
            cells = [self.cell(tc) for tc in self._children(row, self.tc)]
            if any(cells):
                lines.append("\t".join(cells))
        return lines

    def cell(self, tc) -> str:
        # A cell's paragraphs, and the cells of a table nested in it, joined by a space.
        return " ".join(_strip_line(line.replace("\t", " ")) for line in self.blocks(tc)).strip()

    def _children(self, element, tag) -> list:
        """`element`'s children of `tag`, also those wrapped in w:sdt/w:customXml."""
        found = []
        for child in element:
            if child.tag == tag:
                found.append(child)
            elif isinstance(child.tag, str) and child.tag not in self.skip and child.tag not in (self.p, self.tbl):
                found.extend(self._children(child, tag))
        return found


# --- web pages saved as .doc --------------------------------------------------------------


def _read_mht(data: bytes, sha256: str, source: str) -> RawIssue:
    """Word's single-file web page (MIME, .mht) saved as .doc: its HTML part."""
    message = email.message_from_bytes(data, policy=email.policy.compat32)
    part = next((p for p in message.walk() if p.get_content_type() == "text/html"), None)
    payload = part.get_payload(decode=True) if part is not None else None
    if not payload:
        raise ReadError("corrupt_word", "a web archive (MHT) saved as a Word file, without an HTML part")
    decoded = decode(payload, part.get_content_charset() or html_reader.declared_charset(payload))
    page = html_reader.parse_page(decoded.text)
    if not page.body.strip():
        raise ReadError("no_content", "the web archive's page holds no article text")
    return RawIssue(source_file=source, source_sha256=sha256, source_format="html", text=page.body,
                    metadata=page.metadata, title=page.title, line_breaks="paragraphs", encoding=decoded.encoding,
                    warnings=decoded.warnings + page.warnings)


# --- .doc (Word 97-2003 binary) and .wps -----------------------------------------------------
# [MS-DOC]: the WordDocument stream opens with the FIB; its FibRgLw97 gives the length of
# each story (main text first), its FibRgFcLcb97 where the piece table (Clx) and the
# paragraph properties (PlcBtePapx) sit in the 0Table or 1Table stream.

WORD97_IDENT = 0xA5EC
WORD95_IDENT = 0xA5DC
F_ENCRYPTED, F_WHICH_TABLE = 0x0100, 0x0200
# FibRgLw97 indexes (4-byte values) and FibRgFcLcb97 indexes (fc/lcb pairs).
LW_CCP_TEXT, LW_CCP_TXBX = 3, 9  # the stories in order: main text, footnotes, headers, (macro),
# comments, endnotes, text boxes, header text boxes
FC_PLCF_BTE_PAPX, FC_CLX = 13, 33
FKP_SIZE = 512
# Paragraph sprms: in a table, a table row's end mark (TTP), nesting depth, and the
# inner-table cell and row marks (nested tables end their cells with a paragraph mark).
SPRM_IN_TABLE, SPRM_TTP, SPRM_ITAP = 0x2416, 0x2417, 0x6649
SPRM_INNER_CELL, SPRM_INNER_TTP = 0x244B, 0x244C
SPRM_TDEF_TABLE, SPRM_CHG_TABS = 0xD608, 0xC615
_SPRA_SIZE = {0: 1, 1: 1, 2: 2, 3: 4, 4: 2, 5: 2, 7: 3}
# 8-bit ("compressed") pieces are cp1252 (MS-DOC 2.4.1); the five bytes cp1252 leaves
# undefined are dropped.
_CP1252_HIGH = {i: bytes([i]).decode("cp1252", errors="ignore") for i in range(0x80, 0xA0)}

# Characters of the text stream (MS-DOC 2.8): paragraph end, table cell/row end, line,
# page and column breaks, field begin/separator/end, non-breaking and optional hyphens.
PARAGRAPH_END, CELL_END, LINE_BREAK, PAGE_BREAK, COLUMN_BREAK = "\r", "\x07", "\x0b", "\x0c", "\x0e"
FIELD_BEGIN, FIELD_SEPARATOR, FIELD_END = "\x13", "\x14", "\x15"
_KEPT = {"\x1e": "-", "\t": " "}  # other control characters (pictures, anchors, note marks) go

# An embedded object is a field: `\x13 EMBED Excel.Sheet.8 \x14\x01\x15` (its result a picture).
_EMBED_FIELD = regex.compile(r"\x13\s*EMBED\s+([^\s\x13\x14\x15]+)")
_OLE_NON_WORD = (("Workbook", "an Excel workbook"), ("Book", "an Excel 95 workbook"),
                 ("PowerPoint Document", "a PowerPoint presentation"), ("CONTENTS", "a Works or old WPS file"))


def read_doc(data: bytes) -> tuple[list[str], str | None, tuple[str, ...]]:
    """The main text's lines, the SummaryInformation title and warnings of a Word 97-2003
    (or WPS Office) binary file."""
    try:
        ole = olefile.OleFileIO(io.BytesIO(data))  # (bytes under 1536 would be taken for a path)
    except Exception as exc:  # olefile raises OSError and its own errors on broken containers
        raise ReadError("corrupt_word", f"an OLE2 (.doc) container that cannot be opened: {exc}") from exc
    with ole:
        streams = {"/".join(entry) for entry in ole.listdir()}
        if "EncryptedPackage" in streams or "EncryptionInfo" in streams:
            raise ReadError("encrypted", "a password-protected Office document: open it with its password "
                                         "and save it again")
        if "WordDocument" not in streams:
            what = next((name for stream, name in _OLE_NON_WORD if stream in streams), "an OLE2 file")
            raise ReadError("unsupported_format", f"{what} without a WordDocument stream, not a Word document "
                                                  f"(streams: {', '.join(sorted(streams)[:6])})")
        word = ole.openstream("WordDocument").read()
        try:
            ident, nfib = struct.unpack_from("<HH", word, 0)
            flags = struct.unpack_from("<H", word, 0x0A)[0]
        except struct.error as exc:
            raise ReadError("corrupt_word", "the WordDocument stream is too short for a FIB") from exc
        if ident == WORD95_IDENT:
            raise ReadError("unsupported_format", f"a Word 6/95 document (nFib {nfib:#x}): save it as .docx")
        if ident != WORD97_IDENT:
            raise ReadError("corrupt_word", f"the WordDocument stream opens with {ident:#06x}, not a Word FIB")
        if flags & F_ENCRYPTED:  # (fObfuscated then says XOR rather than RC4: either needs the password)
            raise ReadError("encrypted", "a password-protected .doc: open it with its password and save it again")
        table_name = "1Table" if flags & F_WHICH_TABLE else "0Table"
        if table_name not in streams:
            raise ReadError("corrupt_word", f"the FIB names the {table_name} stream, which the file lacks")
        table = ole.openstream(table_name).read()
        title = _summary_title(ole)
    try:
        lines, boxes, objects = _Word97(word, table).main_lines()
    except (struct.error, IndexError, ValueError) as exc:
        raise ReadError("corrupt_word", f"the .doc's FIB or piece table cannot be read: {exc}") from exc
    warnings = _embedded_warning(objects)
    if boxes:
        quoted = " / ".join(boxes)
        quoted = quoted if len(quoted) <= 40 else quoted[:40] + "…"
        warnings = (f"text boxes not read ({len(boxes)} lines: 「{quoted}」): a .doc's text boxes have no "
                    "place in its text",)
    return lines, title, warnings


def _summary_title(ole) -> str | None:
    try:
        meta = ole.get_metadata()
        title = meta.title
        if isinstance(title, bytes):
            codec = {936: "gb18030", 950: "big5hkscs", 1200: "utf-16-le", 65001: "utf-8"}.get(
                meta.codepage or 0, f"cp{meta.codepage}" if meta.codepage else "gb18030")
            title = title.decode(codec, errors="strict")
        return title.strip("\x00 ") or None
    except Exception:  # properties are optional: a broken SummaryInformation is no error
        return None


class _Word97:
    """The main story of a Word 97 binary: text from the piece table, table structure from
    the paragraph properties of each cell and row mark."""

    def __init__(self, word: bytes, table: bytes):
        self.word, self.table = word, table
        csw = struct.unpack_from("<H", word, 32)[0]
        at = 34 + 2 * csw
        cslw = struct.unpack_from("<H", word, at)[0]
        self.lw = struct.unpack_from(f"<{cslw}i", word, at + 2)
        at += 2 + 4 * cslw
        count = struct.unpack_from("<H", word, at)[0]
        if count <= FC_CLX:
            raise ValueError(f"the FIB's FibRgFcLcb holds {count} entries, too few for a Word 97 file")
        self.fclcb = struct.unpack_from(f"<{2 * count}I", word, at + 2)
        self.pieces = self._pieces()
        self.papx = self._papx_index()
        self._fkps: dict[int, tuple] = {}

    def _pieces(self) -> list[tuple[int, int, int, bool]]:
        """(cp start, cp end, byte offset in WordDocument, 8-bit?) of each piece."""
        fc, lcb = self.fclcb[2 * FC_CLX], self.fclcb[2 * FC_CLX + 1]
        clx = self.table[fc:fc + lcb]
        if len(clx) != lcb or not lcb:
            raise ValueError(f"the piece table (Clx at {fc}, {lcb} bytes) runs past the table stream")
        at = 0
        while clx[at] == 0x01:  # Prc: a grpprl of piece properties
            at += 3 + struct.unpack_from("<H", clx, at + 1)[0]
        if clx[at] != 0x02:
            raise ValueError("the Clx holds no piece table (Pcdt)")
        size = struct.unpack_from("<I", clx, at + 1)[0]
        plc = clx[at + 5:at + 5 + size]
        n = (size - 4) // 12
        if n < 1 or len(plc) != size:
            raise ValueError("the piece table is cut short")
        cps = struct.unpack_from(f"<{n + 1}I", plc, 0)
        pieces = []
        for k in range(n):
            fc = struct.unpack_from("<I", plc, 4 * (n + 1) + 8 * k + 2)[0]
            compressed = bool(fc & 0x40000000)
            offset = (fc & 0x3FFFFFFF) // 2 if compressed else fc & 0x3FFFFFFF
            pieces.append((cps[k], cps[k + 1], offset, compressed))
        return pieces

    def _text(self, cp_end: int) -> tuple[str, list[int]]:
        """Characters [0, cp_end) and, for each, its byte offset in the WordDocument stream."""
        chars, offsets = [], []
        for start, end, offset, compressed in self.pieces:
            if start >= cp_end:
                break
            count = min(end, cp_end) - start
            width = 1 if compressed else 2
            raw = self.word[offset:offset + count * width]
            if len(raw) != count * width:
                raise ValueError(f"a piece at byte {offset} runs past the WordDocument stream")
            chars.append(raw.decode("latin-1").translate(_CP1252_HIGH) if compressed
                         else raw.decode("utf-16-le", errors="replace"))
            offsets.append((start, offset, width))
        return "".join(chars), offsets

    def _papx_index(self) -> tuple[list[int], list[int]] | None:
        fc, lcb = self.fclcb[2 * FC_PLCF_BTE_PAPX], self.fclcb[2 * FC_PLCF_BTE_PAPX + 1]
        n = (lcb - 4) // 8
        if n < 1 or fc + lcb > len(self.table):
            return None
        fcs = list(struct.unpack_from(f"<{n + 1}I", self.table, fc))
        pns = [pn & 0x3FFFFF for pn in struct.unpack_from(f"<{n}I", self.table, fc + 4 * (n + 1))]
        return fcs, pns

    def _sprms(self, byte: int) -> dict[int, int] | None:
        """The paragraph sprms of the paragraph whose mark is at `byte`, as {sprm: operand}
        for the one-, two- and four-byte ones; None where the properties cannot be found."""
        if self.papx is None:
            return None
        fcs, pns = self.papx
        i = bisect_right(fcs, byte) - 1
        if not 0 <= i < len(pns):
            return None
        fkp = self._fkp(pns[i])
        if fkp is None:
            return None
        page, rgfc = fkp
        k = bisect_right(rgfc, byte) - 1
        if not 0 <= k < len(rgfc) - 1:
            return None
        b_offset = page[4 * len(rgfc) + 13 * k]
        if b_offset == 0:
            return {}
        at = 2 * b_offset
        cb = page[at]
        grpprl = page[at + 2:at + 2 + 2 * page[at + 1]] if cb == 0 else page[at + 1:at + 2 * cb]
        return _parse_sprms(grpprl[2:])  # after the istd

    def _fkp(self, pn: int):
        if pn not in self._fkps:
            page = self.word[pn * FKP_SIZE:(pn + 1) * FKP_SIZE]
            if len(page) != FKP_SIZE:
                self._fkps[pn] = None
            else:
                crun = page[FKP_SIZE - 1]
                self._fkps[pn] = (page, list(struct.unpack_from(f"<{crun + 1}I", page, 0)))
        return self._fkps[pn]

    def main_lines(self) -> tuple[list[str], list[str], list[str]]:
        """The main story's lines, the lines its text boxes hold and the ProgIDs of its
        embedded objects (the last two to be reported)."""
        main, objects = self._story_lines(0, self.lw[LW_CCP_TEXT], objects=True)
        boxes = []
        if len(self.lw) > LW_CCP_TXBX and self.lw[LW_CCP_TXBX] > 0:
            start = sum(self.lw[LW_CCP_TEXT:LW_CCP_TXBX])
            try:
                boxes = self._story_lines(start, start + self.lw[LW_CCP_TXBX])
            except (struct.error, IndexError, ValueError):
                boxes = ["(unreadable)"]
        return main, boxes, objects

    def _story_lines(self, cp_start: int, cp_end: int, objects: bool = False):
        text, offsets = self._text(cp_end)
        starts = [start for start, _, _ in offsets]

        def props(cp: int) -> dict[int, int] | None:
            start, offset, width = offsets[bisect_right(starts, cp + cp_start) - 1]
            return self._sprms(offset + (cp + cp_start - start) * width)

        lines = _doc_lines(text[cp_start:], props)
        return (lines, _EMBED_FIELD.findall(text[cp_start:])) if objects else lines


def _parse_sprms(grpprl: bytes) -> dict[int, int]:
    found: dict[int, int] = {}
    at = 0
    while at + 2 <= len(grpprl):
        sprm = struct.unpack_from("<H", grpprl, at)[0]
        at += 2
        spra = sprm >> 13
        if spra in _SPRA_SIZE:
            size = _SPRA_SIZE[spra]
            if at + size > len(grpprl):
                break
            if size in (1, 2, 4):
                found[sprm] = int.from_bytes(grpprl[at:at + size], "little")
        elif sprm == SPRM_TDEF_TABLE:
            size = struct.unpack_from("<H", grpprl, at)[0] + 1  # cb counts itself minus one
        elif sprm == SPRM_CHG_TABS and grpprl[at] == 255:
            deleted = grpprl[at + 1]
            added = grpprl[at + 2 + 4 * deleted]
            size = 3 + 4 * deleted + 3 * added
        else:
            size = 1 + grpprl[at]
        at += size
    return found


def _doc_lines(text: str, props) -> list[str]:
    """Lines of a Word 97 text stream: fields reduced to their results, paragraphs as
    lines, table rows as cells joined by a tab. `props(cp)` gives the paragraph sprms of
    the mark at `cp` (None when unknown: then two cell marks in a row end a row)."""
    lines: list[str] = []
    row: list[str] = []
    par: list[str] = []
    fields: list[bool] = []  # per open field: reading its result (True) or its code (False)
    last_was_cell = False
    for cp, ch in enumerate(text):
        if ch == FIELD_BEGIN:
            fields.append(False)
            continue
        if ch == FIELD_SEPARATOR:
            if fields:
                fields[-1] = True
            continue
        if ch == FIELD_END:
            if fields:
                fields.pop()
            continue
        if fields and not all(fields):
            continue  # a field's code (HYPERLINK "...", PAGE, TOC \o ...)
        if ch == CELL_END:
            sprms = props(cp)
            row_end = sprms.get(SPRM_TTP, 0) == 1 if sprms is not None else (last_was_cell and not par)
            if row_end:
                line = "\t".join(row)
                if line.strip():
                    lines.append(line)
                row = []
            else:
                row.append(_strip_line("".join(par)))
            par = []
            last_was_cell = not row_end
            continue
        last_was_cell = False
        if ch in (PARAGRAPH_END, LINE_BREAK, PAGE_BREAK, COLUMN_BREAK):
            sprms = props(cp)  # a break inside a paragraph finds its paragraph's properties too
            in_table = bool(sprms) and (sprms.get(SPRM_IN_TABLE, 0) == 1 or sprms.get(SPRM_ITAP, 0) >= 1
                                        or SPRM_INNER_CELL in sprms or SPRM_INNER_TTP in sprms)
            if in_table:
                par.append(" ")  # a paragraph inside a cell, or a nested table's cell or row
            else:
                line = _strip_line("".join(par))
                if line:
                    lines.append(line)
                par = []
            continue
        if ch < " ":
            ch = _KEPT.get(ch, "")
        par.append(ch)
    line = _strip_line("".join(par))
    if row:
        lines.append("\t".join([*row, line]))
    elif line:
        lines.append(line)
    return lines
