"""OFD reader (GB/T 33190-2016, the national e-document format): text with page provenance.

An OFD file is a ZIP of XML parts. OFD.xml lists the package's documents (DocBody: its
DocInfo and the path of its Document.xml, DocRoot); a Document.xml gives the page size
(CommonData/PageArea), its template pages (CommonData/TemplatePage) and its pages in order
(Pages/Page BaseLoc: each page's Content.xml). A page's content is layers of graphic
objects; the text is in TextObjects:

    <TextObject Boundary="x y w h" CTM="a b c d e f" Font="18" Size="5.6268">
      <TextCode X="0.844" Y="4.8331" DeltaX="5.6301 5.6726 g 2 5.6301">蚌山区政府：</TextCode>

A character's origin on the page is the Boundary's origin plus the CTM applied to its
position in the object, (X, Y) for the first character of a TextCode, then advanced by
DeltaX (and DeltaY) per character; `g n d` in those lists is n repeats of d. Y is the
baseline; units are millimetres, y grows downwards from the top of the page.

Each character becomes a parsers.pdf Char with a box as pdfminer makes it (x0 the origin,
x1 the origin plus the advance, bottom a small descent below the baseline, top one size
above the bottom), in points (the PDF layout code's table finder works in points); the
page's straight ruling lines and rectangles (PathObjects) become its rulings. Then the PDF
reader's layout code does the rest (parsers.pdf.read_page per page: rows, columns, ruled
tables; parsers.pdf.assemble: running headers and page numbers dropped, paragraphs joined).

What is read and what is not:
* every page of every document of the package, in order, page numbers running on;
* a template page's text (TemplatePage, referred to by the page's Template), which is
  where letterheads and running headers often are, with the page's own text;
* not annotations (Annots: stamps, free-text notes added on top of the document), not
  signatures and seals (Signs, stamp images), not images, not CompositeObjects (reusable
  vector graphics: seal and stamp appearances); a letterhead drawn as paths or as an
  image has no text to read either;
* rotated, skewed or mirrored text (a CTM that is not a scale and a move, a CharDirection)
  is skipped, as the PDF reader skips characters that are not upright (seal rings).

Metadata: DocInfo's Title becomes RawIssue.title when it names a document (`关于…`, or it
ends in a document type: producers often put the issuer there, as `蚌埠市国土资源局`);
CustomData entries whose Name is a metadata label (label_aliases.tsv: 文号, 发文机关,
成文日期 …) become metadata pairs. Author, Keywords, Creator and the dates are not mapped:
CreationDate and ModDate are when the file was made, not when the document was signed.

The package is untrusted: a member over MAX_MEMBER_BYTES uncompressed, or more than
MAX_TOTAL_BYTES read in all, is refused, and XML is parsed without entity expansion,
DTD loading or network access.

Raises ReadError: empty_file, not_an_ofd, corrupt_ofd, no_text_layer.
"""
from __future__ import annotations

import io
import math
import posixpath
import unicodedata
import zipfile
from dataclasses import dataclass, field
from itertools import pairwise
from pathlib import Path
from unicodedata import east_asian_width

from lxml import etree

from parsers.pdf import Char, PageContent, assemble, read_page
from pipeline import rules
from pipeline.records import RawIssue

from . import ReadError, StatedFields, read_bytes

MAX_MEMBER_BYTES = 64 * 1024 * 1024  # one XML part, uncompressed
MAX_TOTAL_BYTES = 512 * 1024 * 1024  # all the parts read from one package
MAX_NESTING = 32                     # PageBlocks inside PageBlocks
MM_TO_PT = 72 / 25.4                 # OFD's millimetres to the layout code's points
DESCENT = 0.15                       # a box's bottom is this many sizes below the baseline
DEFAULT_PAGE = (0.0, 0.0, 210.0, 297.0)  # A4, when neither the page nor its document says
RULING_THICKNESS = 2.0               # points: a filled rectangle thinner than this is a rule
_WIDE = frozenset(("W", "F"))       # east_asian_width of a full-width character
_SKEW = 1e-6                         # a CTM's b and c at most this (relative) is upright



def _xml_parser() -> etree.XMLParser:
    """lxml's safe settings: no entity expansion, no DTD loading, no network, no huge
    trees. One per package: an lxml parser is not to be shared between threads."""
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False,
                           remove_comments=True, remove_pis=True)


Affine = tuple[float, float, float, float, float, float]  # a b c d e f: x' = a x + c y + e
_IDENTITY: Affine = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)


def parse(path: Path, source_file: str | None = None) -> RawIssue:
    """The OFD package's text with its page spans, DocInfo's title and stated fields."""
    data, sha256 = read_bytes(path)
    package = Package(data)
    bodies = package.bodies()
    pages, warnings = [], []
    text_objects = 0
    number = 0
    for index, body in enumerate(bodies):
        try:
            document = package.document(body.root)
        except ReadError as exc:  # one of several documents broken: say so, read the others
            if len(bodies) == 1:
                raise
            warnings.append(f"document {index + 1} unreadable ({exc.error_type}): {exc.message}")
            continue
        for location in document.pages:
            number += 1
            try:
                content, objects = package.page(document, location, number)
                text_objects += objects
                pages.append(read_page(content))
            except Exception as exc:  # one bad page: say so and read the others
                warnings.append(f"page {number} unreadable: {type(exc).__name__}: {exc}")
    if not any(p.lines or p.header or p.footer for p in pages):
        if warnings:
            raise ReadError("corrupt_ofd", "no page could be read: " + "; ".join(warnings[:3]))
        if number == 0:
            raise ReadError("corrupt_ofd", "the package lists no page")
        if not text_objects:
            raise ReadError("no_text_layer",
                            f"{number} page(s) without text objects (scanned images?); OCR is not done here")
        raise ReadError("no_text_layer", f"{number} page(s) whose text objects hold no readable text")
    text, spans = assemble(pages)
    metadata, title = _stated(bodies)
    return RawIssue(source_file=source_file or str(path), source_sha256=sha256, source_format="ofd",
                    text=text, pages=spans, metadata=metadata, title=title, line_breaks="layout",
                    warnings=tuple(warnings))


# --- the package -------------------------------------------------------------------------

@dataclass
class Body:
    """One DocBody of OFD.xml: its DocInfo fields and the path of its Document.xml."""

    root: str
    info: dict[str, str] = field(default_factory=dict)
    custom: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class Document:
    """A Document.xml: its page size, template pages and pages (paths of Content.xml)."""

    path: str
    box: tuple[float, float, float, float]
    templates: dict[str, str]
    pages: list[str | None]


class Package:
    """The ZIP's parts, read with limits, and the parsing of OFD.xml and Document.xml."""

    def __init__(self, data: bytes):
        try:
            self._zip = zipfile.ZipFile(io.BytesIO(data))
            infos = self._zip.infolist()
        except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError) as exc:
            raise ReadError("not_an_ofd", f"not a ZIP package ({exc}); an OFD file is one") from exc
        self._names = {}
        for info in infos:
            if not info.is_dir():
                self._names.setdefault(_normal(info.filename).lower(), info)
        if "ofd.xml" not in self._names:
            raise ReadError("not_an_ofd", "a ZIP package without OFD.xml")
        self._read = 0
        self._parser = _xml_parser()
        self._templates: dict[tuple, Found] = {}

    def bodies(self) -> list[Body]:
        root = self._xml("OFD.xml", "corrupt_ofd")
        bodies = []
        for body in root.iterfind("{*}DocBody"):
            location = (body.findtext("{*}DocRoot") or "").strip()
            if not location:
                continue
            entry = Body(_join("", location))
            info = body.find("{*}DocInfo")
            if info is not None:
                for child in info:
                    name = etree.QName(child).localname if isinstance(child.tag, str) else ""
                    if name == "CustomDatas":
                        entry.custom += [(c.get("Name") or "", _text(c)) for c in child.iterfind("{*}CustomData")]
                    elif name and _text(child):
                        entry.info.setdefault(name, _text(child))
            bodies.append(entry)
        if not bodies:
            raise ReadError("corrupt_ofd", "OFD.xml names no document (DocBody/DocRoot)")
        return bodies

    def document(self, path: str) -> Document:
        root = self._xml(path, "corrupt_ofd")
        common = root.find("{*}CommonData")
        box = _box(_text(common.find("{*}PageArea/{*}PhysicalBox"))) if common is not None else None
        templates = {}
        if common is not None:
            for template in common.iterfind("{*}TemplatePage"):
                if template.get("ID") and template.get("BaseLoc"):
                    templates[template.get("ID").strip()] = _join(path, template.get("BaseLoc"))
        pages = [_join(path, page.get("BaseLoc")) if page.get("BaseLoc") else None
                 for page in root.iterfind("{*}Pages/{*}Page")]
        return Document(path, box or DEFAULT_PAGE, templates, pages)

    def page(self, document: Document, location: str | None, number: int) -> tuple[PageContent, int]:
        """Page `number`'s characters and rulings (from its own content and its templates),
        and how many text objects it has."""
        if location is None:
            raise ValueError("the page has no BaseLoc")
        root = self._xml(location, None)
        box = _box(_text(root.find("{*}Area/{*}PhysicalBox"))) or document.box
        found = Found(box)
        for template in root.iterfind("{*}Template"):
            template_path = document.templates.get((template.get("TemplateID") or "").strip())
            if template_path is not None:
                found.add(self._template(template_path, document.box))
        found.collect(root)
        width, height = box[2] * MM_TO_PT, box[3] * MM_TO_PT
        lines = [_ruling(r, height) for r in found.rulings if r[2] - r[0] < RULING_THICKNESS
                 or r[3] - r[1] < RULING_THICKNESS]
        rects = [_ruling(r, height, "rect") for r in found.rulings if r[2] - r[0] >= RULING_THICKNESS
                 and r[3] - r[1] >= RULING_THICKNESS]
        return PageContent(number, width, height, found.chars, lines, rects), found.objects

    def _template(self, path: str, box: tuple[float, float, float, float]) -> Found:
        """A template page's content, read once for all the pages that use it."""
        key = (path, box)
        if key not in self._templates:
            found = Found(box)
            found.collect(self._xml(path, None))
            self._templates[key] = found
        return self._templates[key]

    def _xml(self, path: str, error: str | None) -> etree._Element:
        """A part parsed; a missing or broken part is ReadError(error), or ValueError when
        `error` is None (a page: the caller makes it a warning)."""
        try:
            data = self._member(path)
            return etree.fromstring(data, self._parser)
        except (KeyError, ValueError, etree.XMLSyntaxError) as exc:
            if error is None:
                raise ValueError(f"{path}: {exc}") from exc
            raise ReadError(error, f"{path}: {exc}") from exc

    def _member(self, path: str) -> bytes:
        info = self._names.get(_normal(path).lower())
        if info is None:
            raise KeyError(f"no such part in the package: {path}")
        if info.file_size > MAX_MEMBER_BYTES:
            raise ValueError(f"part of {info.file_size} bytes uncompressed refused "
                             f"(over {MAX_MEMBER_BYTES} bytes)")
        if self._read + info.file_size > MAX_TOTAL_BYTES:
            raise ValueError(f"over {MAX_TOTAL_BYTES} bytes read from the package: refused")
        try:
            with self._zip.open(info) as handle:
                data = handle.read(MAX_MEMBER_BYTES + 1)
        except (zipfile.BadZipFile, NotImplementedError, RuntimeError, EOFError, OSError) as exc:
            raise ValueError(f"cannot unpack {path}: {exc}") from exc
        if len(data) > MAX_MEMBER_BYTES:
            raise ValueError(f"part over {MAX_MEMBER_BYTES} bytes uncompressed refused")
        self._read += len(data)
        return data


def _normal(path: str) -> str:
    return posixpath.normpath("/" + path.replace("\\", "/")).lstrip("/")


def _join(base_part: str, location: str) -> str:
    """A BaseLoc (relative to the part that names it, or absolute from the package's root)
    as a package path."""
    location = location.strip().replace("\\", "/")
    if location.startswith("/"):
        return _normal(location)
    return _normal(posixpath.join(posixpath.dirname(base_part), location))


# --- one page's objects -------------------------------------------------------------------

class Found:
    """The characters (in points, top down) and ruling boxes (x0, top, x1, bottom in points)
    of a page's or template's content, and how many text objects it has."""

    def __init__(self, box: tuple[float, float, float, float]):
        self.origin = (box[0], box[1])
        self.chars: list[Char] = []
        self.rulings: list[tuple[float, float, float, float]] = []
        self.objects = 0

    def add(self, other: Found) -> None:
        self.chars += other.chars
        self.rulings += other.rulings
        self.objects += other.objects

    def collect(self, page: etree._Element) -> None:
        for layer in page.iterfind("{*}Content/{*}Layer"):
            self._walk(layer, 0)

    def _walk(self, element: etree._Element, depth: int) -> None:
        for child in element:
            if not isinstance(child.tag, str):
                continue
            name = etree.QName(child).localname
            if name == "TextObject":
                self.objects += 1
                self._text_object(child)
            elif name == "PathObject":
                self._path_object(child)
            elif name == "PageBlock" and depth < MAX_NESTING:
                self._walk(child, depth + 1)
            # ImageObject, CompositeObject: no text (a seal, a stamp, a picture)

    def _transform(self, element: etree._Element) -> Affine | None:
        """Object space -> page space (millimetres, from the page box's origin): the CTM,
        then a move to the Boundary's origin. None for a broken Boundary."""
        box = _box(element.get("Boundary"))
        if box is None:
            return None
        a, b, c, d, e, f = _numbers(element.get("CTM"), 6) or _IDENTITY
        return a, b, c, d, e + box[0] - self.origin[0], f + box[1] - self.origin[1]

    def _text_object(self, element: etree._Element) -> None:
        transform = self._transform(element)
        size = _number(element.get("Size"))
        if transform is None or not size or size <= 0:
            return
        a, b, c, d, e, f = transform
        if abs(b) > _SKEW * abs(a) or abs(c) > _SKEW * abs(d) or a <= 0 or d <= 0:
            return  # rotated, skewed or mirrored: not upright
        if (element.get("CharDirection") or "0").strip() not in ("0", ""):
            return  # glyphs turned by 90, 180 or 270 degrees
        x = y = 0.0
        char_size = size * d * MM_TO_PT
        descent = DESCENT * char_size
        ax, dy_, ex, fy = a * MM_TO_PT, d * MM_TO_PT, e * MM_TO_PT, f * MM_TO_PT
        if not all(map(math.isfinite, (ax, dy_, ex, fy, char_size))):
            return
        chars = self.chars
        for code in element.iterfind("{*}TextCode"):
            x = _number(code.get("X"), x)  # an absent X or Y is the previous TextCode's
            y = _number(code.get("Y"), y)
            text = code.text or ""
            if not text:
                continue
            dxs = _deltas(code.get("DeltaX"), len(text) - 1)
            dys = _deltas(code.get("DeltaY"), len(text) - 1)
            cx, cy = x, y
            for i, ch in enumerate(text):
                # the advance when DeltaX does not give it (the fonts are not read): a full
                # size for CJK and other wide characters, half of it otherwise
                width = size if east_asian_width(ch) in _WIDE else size / 2
                advance = dxs[i] if i < len(dxs) else width
                if ch.isprintable() or ch.isspace() or unicodedata.category(ch) == "Co":
                    # (a control or format character takes its place in DeltaX, but is no
                    # character; a private-use one is, as the PDF engines keep it)
                    x0 = ax * cx + ex
                    bottom = dy_ * cy + fy + descent
                    glyph = advance if 0 < advance < width else width
                    chars.append(Char(ch, x0, x0 + ax * glyph, bottom - char_size, bottom, char_size))
                cx += advance
                if i < len(dys):
                    cy += dys[i]

    def _path_object(self, element: etree._Element) -> None:
        """Straight rules and rectangles the table finder can use. A path is drawn when it
        is stroked (the default) or filled, and not fully transparent. A filled path whose
        outline is not made of rectangles alone is a shape (a letterhead's characters drawn
        as outlines: their counters would be little boxes), not rules."""
        if (element.get("Alpha") or "").strip() == "0":
            return
        stroked = (element.get("Stroke") or "true").strip().lower() != "false"
        filled = (element.get("Fill") or "false").strip().lower() == "true"
        transform = self._transform(element)
        data = element.find("{*}AbbreviatedData")
        if transform is None or data is None or not (stroked or filled):
            return
        a, b, c, d, e, f = transform
        if abs(b) > _SKEW * abs(a) or abs(c) > _SKEW * abs(d):
            return
        found = []
        for points, curved in _subpaths(data.text or ""):
            page = [((a * px + e) * MM_TO_PT, (d * py + f) * MM_TO_PT) for px, py in points]
            if not all(map(math.isfinite, _bounds(page))):
                return  # an absurd number: a broken path, no rulings from it
            if not curved and _is_rectangle(page):
                found.append(_bounds(page))
            elif not stroked:
                return  # a filled outline (a glyph drawn as a path, a seal): no rulings in it
            elif not curved:  # a stroked polyline: its straight horizontal and vertical segments
                found += [_bounds([p, q]) for p, q in pairwise(page) if p[0] == q[0] or p[1] == q[1]]
        self.rulings += found


def _bounds(points: list[tuple[float, float]]) -> tuple[float, float, float, float]:
    xs, ys = [p[0] for p in points], [p[1] for p in points]
    return min(xs), min(ys), max(xs), max(ys)


def _subpaths(data: str) -> list[tuple[list[tuple[float, float]], bool]]:
    """AbbreviatedData's subpaths: each one's points and whether it has a curve in it.
    Operators: S/M x y start, L x y line, Q/B/A curves (to their last point), C close."""
    tokens = data.split()
    out: list[tuple[list[tuple[float, float]], bool]] = []
    points: list[tuple[float, float]] = []
    curved = False
    i, end = 0, len(tokens)
    try:
        while i < end:
            op = tokens[i]
            if op == "L":
                points.append((float(tokens[i + 1]), float(tokens[i + 2])))
                i += 3
            elif op in ("M", "S"):
                if points:
                    out.append((points, curved))
                points, curved = [(float(tokens[i + 1]), float(tokens[i + 2]))], False
                i += 3
            elif op in _CURVES:
                i += 1 + _CURVES[op]
                points.append((float(tokens[i - 2]), float(tokens[i - 1])))
                curved = True
            elif op == "C":
                if points:
                    out.append((points, curved))
                points, curved = [], False
                i += 1
            else:
                i += 1  # not an operator: skipped
    except (IndexError, ValueError):
        pass  # a truncated or broken path: what came before it stands
    if points:
        out.append((points, curved))
    return out


_CURVES = {"Q": 4, "B": 6, "A": 7}  # operator: number of arguments, the end point last


def _is_rectangle(points: list[tuple[float, float]]) -> bool:
    """Do the points go round an axis-aligned rectangle (repeated points aside)?"""
    distinct = [p for i, p in enumerate(points) if i == 0 or p != points[i - 1]]
    if len(distinct) > 1 and distinct[-1] == distinct[0]:
        distinct.pop()
    if len(distinct) != 4:
        return False
    return all(p[0] == q[0] or p[1] == q[1] for p, q in zip(distinct, distinct[1:] + distinct[:1], strict=True))


def _ruling(box: tuple[float, float, float, float], height: float, kind: str = "line") -> dict:
    """A ruling as pdfplumber gives one: a thin box is a line (top == bottom or x0 == x1
    along its middle), a wider one a rect."""
    x0, top, x1, bottom = box
    if kind == "line":
        if x1 - x0 < bottom - top:  # vertical
            x0 = x1 = (x0 + x1) / 2
        else:
            top = bottom = (top + bottom) / 2
    return {"object_type": kind, "x0": x0, "x1": x1, "y0": height - bottom, "y1": height - top,
            "top": top, "bottom": bottom, "doctop": top, "width": x1 - x0, "height": bottom - top}


# --- numbers ------------------------------------------------------------------------------

def _number(token: str | None, default: float | None = None) -> float | None:
    if token is None:
        return default
    try:
        value = float(token)
    except ValueError:
        return default
    return value if value == value and abs(value) != float("inf") else default


def _numbers(value: str | None, count: int) -> tuple[float, ...] | None:
    if not value:
        return None
    numbers = [_number(t) for t in value.replace(",", " ").split()]
    if len(numbers) < count or any(n is None for n in numbers[:count]):
        return None
    return tuple(numbers[:count])


def _box(value: str | None) -> tuple[float, float, float, float] | None:
    numbers = _numbers(value, 4)
    return None if numbers is None else (numbers[0], numbers[1], numbers[2], numbers[3])


def _deltas(value: str | None, limit: int) -> list[float]:
    """A DeltaX or DeltaY list with `g n d` (n times d) written out; at most `limit`
    values, so a huge repeat count costs nothing."""
    out: list[float] = []
    tokens = (value or "").split()
    i = 0
    while i < len(tokens) and len(out) < limit:
        if tokens[i] == "g":
            count, delta = _number(tokens[i + 1] if i + 1 < len(tokens) else None), \
                _number(tokens[i + 2] if i + 2 < len(tokens) else None)
            if count is None or delta is None:
                break
            out += [delta] * max(0, min(int(count), limit - len(out)))
            i += 3
            continue
        delta = _number(tokens[i])
        if delta is None:
            break
        out.append(delta)
        i += 1
    return out


def _text(element: etree._Element | None) -> str:
    return " ".join((element.text or "").split()) if element is not None else ""


# --- metadata -----------------------------------------------------------------------------

def _stated(bodies: list[Body]) -> tuple[tuple[tuple[str, str], ...], str | None]:
    """Metadata pairs from the CustomData entries named by a metadata label, and the title:
    DocInfo's Title (or a CustomData 标题) when it names a document."""
    from pipeline.segment.split import looks_like_title  # the segmenter's test of a title

    found = StatedFields()
    titles = []
    for body in bodies:
        titles.append(body.info.get("Title"))
        for name, value in body.custom:
            column = rules.metadata_column(name)
            if column == "title":
                titles.append(value)
            else:
                found.add_column(column, value)
    title = next((t for t in titles if t and looks_like_title(t)), None)
    return found.pairs(), title
