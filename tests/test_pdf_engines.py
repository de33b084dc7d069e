"""The two PDF engines (pdfium, the default, and pdfplumber, the reference) read alike.

For every PDF of the corpora: the same text, page spans and number of warnings, or the
same error. Below that, the same characters (boxes and sizes) and ruling lines, page by
page, and the PDFium engine reads the corpus pages itself rather than handing them to the
reference engine. Pages it must hand over (a rotated page, text drawn twice) are built
here as small PDFs.
"""
from __future__ import annotations

import hashlib
import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from parsers import ReadError, pdf
from tests.conftest import CORPORA, good_inputs, raw
from tests.test_hostile_pdf import appointment_pdf, bomb_pdf, wide_pdf

ROOT = Path(__file__).parent.parent
FOLDERS = [corpus / "raw" for corpus in CORPORA] + [ROOT / "data" / "raw"]
PDFS = sorted(path for folder in FOLDERS for path in folder.glob("*.pdf"))


def _id(path: Path) -> str:
    return str(path.relative_to(ROOT))


_OUTCOMES: dict[tuple[str, str], tuple] = {}  # (sha256, engine) -> outcome


def outcome(path: Path, engine: str) -> tuple:
    """What parse() makes of the file: ("ok", text, page spans, number of warnings) or
    ("error", error_type). Read once per content and engine (data/raw repeats the corpus)."""
    key = (hashlib.sha256(path.read_bytes()).hexdigest(), engine)
    if key not in _OUTCOMES:
        try:
            issue = pdf.parse(path, engine=engine)
            _OUTCOMES[key] = ("ok", issue.text, issue.pages, len(issue.warnings))
        except ReadError as error:
            _OUTCOMES[key] = ("error", error.error_type)
    return _OUTCOMES[key]


def test_the_corpora_have_pdfs_of_both_kinds():
    assert len(PDFS) >= 15
    assert {outcome(p, "pdfplumber")[0] for p in PDFS} == {"ok", "error"}


@pytest.mark.parametrize("path", PDFS, ids=_id)
def test_both_engines_read_the_same(path):
    assert outcome(path, "pdfium") == outcome(path, "pdfplumber")


@pytest.mark.parametrize("path", [p for p, _info in good_inputs() if p.suffix == ".pdf"], ids=_id)
def test_pdfium_reads_every_corpus_page_itself(path):
    pages = pdf.open_pages(path.read_bytes(), "pdfium")
    try:
        for index in range(pages.page_count):
            pages.read(index)
        assert pages.reference_pages == []
    finally:
        pages.close()


def read_all(data: bytes, engine: str) -> list[pdf.PageContent]:
    pages = pdf.open_pages(data, engine)
    try:
        return [pages.read(index) for index in range(pages.page_count)]
    finally:
        pages.close()


def assert_same_pages(fast: list[pdf.PageContent], reference: list[pdf.PageContent]):
    """Same characters in the same boxes (to PDFium's single precision), same rulings."""
    assert len(fast) == len(reference)
    for mine, theirs in zip(fast, reference, strict=True):
        assert (mine.number, mine.width, mine.height) == (theirs.number, theirs.width, theirs.height)
        assert [c.text for c in mine.chars] == [c.text for c in theirs.chars]
        for a, b in zip(mine.chars, theirs.chars, strict=True):
            assert a.size == pytest.approx(b.size, abs=1e-5), (mine.number, a, b)
            for edge in ("x0", "x1", "top", "bottom"):
                assert getattr(a, edge) == pytest.approx(getattr(b, edge), abs=1e-3), (mine.number, edge, a, b)
        for kind in ("lines", "rects", "curves"):
            mine_rulings, their_rulings = getattr(mine, kind), getattr(theirs, kind)
            assert len(mine_rulings) == len(their_rulings), (mine.number, kind)
            for a, b in zip(mine_rulings, their_rulings, strict=True):
                assert [a[k] for k in ("x0", "x1", "top", "bottom")] == pytest.approx(
                    [b[k] for k in ("x0", "x1", "top", "bottom")], abs=1e-3)
        mine_tables, their_tables = pdf.tables.ruled_tables(mine), pdf.tables.ruled_tables(theirs)
        assert [len(t.rows) for t in mine_tables] == [len(t.rows) for t in their_tables]
        for a, b in zip(mine_tables, their_tables, strict=True):
            assert a.bbox == pytest.approx(b.bbox, abs=1e-3)
            for row_a, row_b in zip(a.rows, b.rows, strict=True):
                assert [cell is None for cell in row_a] == [cell is None for cell in row_b]
                for cell_a, cell_b in zip(row_a, row_b, strict=True):
                    assert cell_a is None or cell_a == pytest.approx(cell_b, abs=1e-3)


@pytest.mark.parametrize("name", ["jiaxing-2024-11-2col-radicals.pdf"])  # two columns, ruled tables
def test_both_engines_give_the_same_characters_and_rulings(name):
    data = raw(name).read_bytes()
    reference = read_all(data, "pdfplumber")
    assert sum(len(p.lines) for p in reference) > 20  # the table pages are in
    assert_same_pages(read_all(data, "pdfium"), reference)


# --- pages the PDFium engine hands to the reference engine --------------------------------

def tiny_pdf(pages: list[tuple[str, str]]) -> bytes:
    """A PDF of `pages`, each (content stream, extra page-dictionary entries), in Helvetica."""
    objects = ["<< /Type /Catalog /Pages 2 0 R >>", "",
               "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"]
    kids = []
    for content, extra in pages:
        objects.append(f"<< /Length {len(content)} >>\nstream\n{content}\nendstream")
        objects.append(f"<< /Type /Page /Parent 2 0 R /Contents {len(objects)} 0 R "
                       f"/Resources << /Font << /F1 3 0 R >> >> {extra} >>")
        kids.append(f"{len(objects)} 0 R")
    objects[1] = f"<< /Type /Pages /Kids [{' '.join(kids)}] /Count {len(kids)} /MediaBox [0 0 595 842] >>"
    out, offsets = bytearray(b"%PDF-1.7\n"), []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n{body}\nendobj\n".encode("latin-1")
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += "".join(f"{offset:010d} 00000 n \n" for offset in offsets).encode()
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


PLAIN = ("BT /F1 12 Tf 72 760 Td (Plain text, twelve points.) Tj ET\n"
         "BT /F1 6 Tf 2 0 0 2 72 730 Tm (Six points, scaled by two: a size of twelve.) Tj ET\n"
         "BT /F1 10 Tf 1 0 0 1.5 72 700 Tm (Ten points, half as tall again.) Tj ET\n"
         + "".join(f"{72 + 150 * c} {600 - 20 * r} 150 20 re S\n" for r in range(3) for c in range(2))
         + "".join(f"BT /F1 10 Tf {76 + 150 * c} {606 - 20 * r} Td (cell {r}{c}) Tj ET\n"
                   for r in range(3) for c in range(2)))
FAKE_BOLD = ("BT /F1 14 Tf 72 760 Td (Bold by drawing twice) Tj ET\n"
             "BT /F1 14 Tf 72.4 760 Td (Bold by drawing twice) Tj ET\n"
             "BT /F1 12 Tf 72 730 Td (Then plain text.) Tj ET\n")
TURNED = "BT /F1 12 Tf 72 760 Td (Text on a page turned a quarter.) Tj ET\n"


@pytest.fixture(scope="module")
def odd_pdf(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("pdf") / "odd.pdf"
    path.write_bytes(tiny_pdf([(PLAIN, ""), (FAKE_BOLD, ""), (TURNED, "/Rotate 90")]))
    return path


def test_odd_pages_are_read_by_the_reference_engine(odd_pdf):
    pages = pdf.open_pages(odd_pdf.read_bytes(), "pdfium")
    try:
        for index in range(pages.page_count):
            pages.read(index)
        assert [number for number, _why in pages.reference_pages] == [2, 3]
    finally:
        pages.close()
    assert outcome(odd_pdf, "pdfium") == outcome(odd_pdf, "pdfplumber")


def test_scaled_text_standard_fonts_and_rectangles_are_read_alike(odd_pdf):
    data = odd_pdf.read_bytes()
    fast, reference = read_all(data, "pdfium")[:1], read_all(data, "pdfplumber")[:1]
    assert {round(c.size, 3) for c in reference[0].chars} == {12.0, 15.0, 10.0}
    assert len(reference[0].rects) == 6
    assert_same_pages(fast, reference)
    assert "cell 10\tcell 11" in outcome(odd_pdf, "pdfium")[1]


def test_characters_outside_the_bmp_are_read_alike(tmp_path):
    # a 任免 notice whose names hold CJK Extension B characters (𠀀 U+20000): PDFium's text is
    # UTF-16, where each is two surrogates, which the PDFium engine joins into one character
    path = tmp_path / "appointment.pdf"
    path.write_bytes(appointment_pdf())
    data = path.read_bytes()
    pages = pdf.open_pages(data, "pdfium")
    try:
        pages.read(0)
        assert pages.reference_pages == []
    finally:
        pages.close()
    assert_same_pages(read_all(data, "pdfium"), read_all(data, "pdfplumber"))
    assert outcome(path, "pdfium") == outcome(path, "pdfplumber")
    assert "任命张𠀀为" in outcome(path, "pdfium")[1]


@pytest.mark.parametrize("hostile", ["wide", "bomb"])
def test_pages_beyond_the_limits_are_read_alike(hostile, tmp_path):
    # a page a billion points wide (read as one column), and a page whose content inflates
    # to 200 MB (left out): the same text and warnings from either engine
    path = tmp_path / f"{hostile}.pdf"
    path.write_bytes(wide_pdf() if hostile == "wide" else bomb_pdf("content"))
    assert outcome(path, "pdfium") == outcome(path, "pdfplumber")
    assert outcome(path, "pdfium")[3] == 1


@pytest.mark.parametrize("engine", pdf.ENGINES)
def test_a_page_that_fails_is_a_warning_and_the_others_are_read(engine, monkeypatch):
    open_pages = pdf.open_pages

    def second_page_fails(data, engine):
        pages = open_pages(data, engine)
        read = pages.read

        def read_or_fail(index):
            if index == 1:
                raise ValueError("a broken content stream")
            return read(index)
        pages.read = read_or_fail
        return pages

    monkeypatch.setattr(pdf, "open_pages", second_page_fails)
    issue = pdf.parse(raw("jiaxing-ai-plan-draft.pdf"), engine=engine)
    assert issue.warnings == ("page 2 unreadable: ValueError: a broken content stream",)
    assert [span.page for span in issue.pages] == [1, 3, 4, 5]


# --- deadline and engine choice --------------------------------------------------------------

@pytest.mark.parametrize("engine", pdf.ENGINES)
def test_a_passed_deadline_stops_reading(engine):
    with pytest.raises(ReadError) as info:
        pdf.parse(raw("jiaxing-2024-11.pdf"), engine=engine, deadline=time.monotonic() - 1)
    assert info.value.error_type == "time_limit"
    assert info.value.message == "stopped reading at page 1 of 13: over the per-file time limit"


@pytest.mark.parametrize("engine", pdf.ENGINES)
def test_a_deadline_not_reached_changes_nothing(engine):
    path = raw("jiaxing-ai-plan-draft.pdf")
    issue = pdf.parse(path, engine=engine, deadline=time.monotonic() + 3600)
    assert ("ok", issue.text, issue.pages, len(issue.warnings)) == outcome(path, engine)


def test_pdfium_is_the_default_and_unknown_engines_are_refused():
    assert pdf.ENGINES == ("pdfium", "pdfplumber")
    with pytest.raises(ValueError, match="unknown PDF engine"):
        pdf.parse(raw("jiaxing-ai-plan-draft.pdf"), engine="pymupdf")


# --- the shared layout code, made faster, counts as before -----------------------------------

def gutter_by_scanning_every_point(rows: list[list[pdf.Char]], width: float) -> float | None:
    """find_gutter as it was: count the crossing rows at every whole point in turn."""
    if len(rows) < pdf.columns.MIN_ROWS_FOR_COLUMNS:
        return None
    spans = [pdf.rows._intervals(r) for r in rows]
    best_x, best_crossings = None, None
    for x in range(int(width * pdf.columns.GUTTER_BAND[0]), int(width * pdf.columns.GUTTER_BAND[1]) + 1):
        crossings = sum(any(a < x < b for a, b in s) for s in spans)
        if best_crossings is None or crossings < best_crossings:
            best_x, best_crossings = x, crossings
    if best_crossings is None or best_crossings > pdf.columns.MAX_GUTTER_CROSSINGS * len(rows):
        return None
    left_edge = max((b for s in spans for a, b in s if b <= best_x), default=best_x)
    right_edge = min((a for s in spans for a, b in s if a >= best_x), default=best_x)
    gutter = (left_edge + right_edge) / 2
    left_rows = sum(any(b <= gutter for a, b in s) for s in spans)
    right_rows = sum(any(a >= gutter for a, b in s) for s in spans)
    if min(left_rows, right_rows) < pdf.columns.MIN_COLUMN_ROWS * len(rows):
        return None
    return gutter


@st.composite
def column_rows(draw) -> list[list[pdf.Char]]:
    rows = []
    for _ in range(draw(st.integers(0, 14))):
        size = draw(st.sampled_from([9.0, 10.5, 12.0]))
        x, row = draw(st.floats(40, 300)), []
        for _ in range(draw(st.integers(1, 12))):
            x += draw(st.one_of(st.just(0.0), st.floats(0, 60)))  # touching, or a gap
            width = draw(st.sampled_from([size, size / 2, 0.5]))
            row.append(pdf.Char(draw(st.sampled_from(["字", " ", "a"])), x, x + width, 100.0, 100.0 + size, size))
            x += width
        rows.append(row)
    return rows


@settings(max_examples=100, deadline=None)
@given(column_rows(), st.sampled_from([595.28, 600.0, 841.89, 419.5]))
def test_find_gutter_finds_what_the_scan_over_every_point_found(rows, width):
    assert pdf.columns.find_gutter(rows, width) == gutter_by_scanning_every_point(rows, width)


# --- pages read as pieces are laid out as their characters ------------------------------------

def as_chars(page: pdf.PageContent) -> pdf.PageContent:
    """The page with its characters as Chars: read_page goes character by character."""
    return pdf.PageContent(page.number, page.width, page.height, list(page.chars),
                           page.lines, page.rects, page.curves)


@pytest.mark.parametrize("path", [p for p, _info in good_inputs() if p.suffix == ".pdf"], ids=_id)
def test_the_corpus_pages_are_laid_out_from_pieces_as_from_characters(path):
    for page in read_all(path.read_bytes(), "pdfium"):
        assert page.pieces is not None
        from_pieces = pdf.lines.read_pieces(page, pdf.tables.ruled_tables(page))
        assert from_pieces is not None, page.number  # the fast way takes every corpus page
        assert from_pieces == pdf.read_page(as_chars(page)), page.number


GRID = [{"object_type": "rect", "x0": x0, "x1": x0 + 90.0, "top": top, "bottom": top + 30.0,
         "y0": 842.0 - top - 30.0, "y1": 842.0 - top, "doctop": top, "width": 90.0, "height": 30.0}
        for x0 in (330.0, 420.0) for top in (300.0, 330.0)]  # a ruled table of two by two cells


@st.composite
def pieces_pages(draw) -> pdf.PageContent:
    """A page of pieces as the PDFium engine makes them: lines in one or two columns,
    headers and footers, spaces, wide gaps, superscripts, sizes, pieces in any order,
    sometimes a ruled table; and on odd pages what the fast way leaves to the character
    way: tabs, characters without width, overlapping pieces, a size of 0."""
    odd = draw(st.booleans())
    sizes = [10.5, 10.5, 10.5, 12.0, 16.0] + [0.0] * odd
    letters = ["字", "字", "字", "a", "1", " ", "\u3000", "·"] + ["\t"] * odd
    widths = [10.5, 10.5, 5.25, 12.0] + [0.0] * odd
    gaps = [0.0, 0.0, 0.0, 0.5, 5.0, 25.0, -2.0] + [-20.0] * odd
    shifts = [0.0, 0.0, 3.0, 8.0, 30.0] + [-4.0] * odd  # between pieces
    columns = draw(st.sampled_from([[50.0], [60.0], [110.0], [50.0, 330.0]]))
    pieces = []
    tops = [40.0, 800.0, 305.0, 335.0] + [100.0 + 20.0 * i for i in range(30)]
    for line_top in draw(st.lists(st.sampled_from(tops), max_size=16, unique=not odd)):
        for x in columns:
            for _ in range(draw(st.integers(1, 3))):
                size = draw(st.sampled_from(sizes))
                top = line_top + draw(st.sampled_from([0.0, 0.0, 0.0, 0.1, -3.0, 5.0]))
                x += draw(st.sampled_from(shifts))
                text, x0s, x1s = "", [], []
                for _ in range(draw(st.integers(1, 8 if odd or len(columns) == 1 else 4))):
                    text += draw(st.sampled_from(letters))
                    width = draw(st.sampled_from(widths))
                    x0s.append(x)
                    x1s.append(x + width)
                    x += width + draw(st.sampled_from(gaps))
                pieces.append(pdf.Piece(text, x0s, x1s, top, top + size, size))
    pieces = draw(st.permutations(pieces))
    rects = GRID if draw(st.booleans()) else []
    return pdf.PageContent(1, 595.0, 842.0, None, [], list(rects), [], pieces=list(pieces))


def layout(page: pdf.PageContent) -> object:
    """read_page(page), or the error it raises (a part of a row with only tabs has no x0)."""
    try:
        return pdf.read_page(page)
    except ValueError as error:
        return repr(error)


@settings(max_examples=300, deadline=None)
@given(pieces_pages())
def test_a_page_is_laid_out_from_pieces_as_from_its_characters(page):
    assert layout(page) == layout(as_chars(page))


def test_the_per_character_calls_are_compiled_in_this_install():
    # optional in pyproject.toml, so that an install without a C compiler still reads PDFs;
    # an install here that lost it would read them a tenth slower, unnoticed (issue 19)
    assert pdf.pdfium._compiled is not None, "parsers/pdf/_chars.c was not built: `make setup` with gcc"


@pytest.mark.parametrize(("call", "args"), [("objects_and_origins", (0, 3)), ("text_object_parts", (0, 0, 1)),
                                             ("advance_parts", (1, 0, 0, 65, 10.0))])
def test_the_compiled_calls_refuse_a_null_handle_rather_than_pass_it_to_pdfium(call, args):
    with pytest.raises(ValueError, match="null"):
        getattr(pdf.pdfium._compiled, call)(*args)


@pytest.mark.parametrize("path", [p for p, _info in good_inputs() if p.suffix == ".pdf"], ids=_id)
def test_the_compiled_calls_give_what_ctypes_gives(path, monkeypatch):
    """_chars.c against the same calls through ctypes, on every page of the corpus PDFs: each
    character's text object and origin, each text object's parts (matrix, ToUnicode map,
    marks, font, size), and each character's loose box and glyph width in its style."""
    import pypdfium2 as pdfium
    import pypdfium2.raw as pdfium_c

    def both(function, *args):
        """function(*args) with _chars.c, then through ctypes."""
        compiled = function(*args)
        with monkeypatch.context() as patch:
            patch.setattr(pdf.pdfium, "_compiled", None)
            return compiled, function(*args)

    document = pdfium.PdfDocument(path.read_bytes())
    fonts = pdf.pdfium._Fonts()
    characters = styled = 0
    try:
        for index in range(len(document)):
            page = pdfium_c.FPDF_LoadPage(document.raw, index)
            text_page = pdfium_c.FPDFText_LoadPage(page)
            count = pdfium_c.FPDFText_CountChars(text_page)
            compiled, through_ctypes = both(pdf.pdfium.objects_and_origins, text_page, count)
            assert compiled == through_ctypes, index
            reader = pdf.pdfium._PageChars(text_page, 842.0, fonts)
            text = pdf.pdfium._scratch.page_text(text_page, count) if count else ""
            objects = compiled[0]
            for char, text_object in enumerate(objects):
                if text_object is None:
                    continue
                compiled_parts, ctypes_parts = both(reader.text_object_parts, char, text_object)
                assert compiled_parts == ctypes_parts, (index, char)
                a, _b, _c, d, _error, _marks, font, font_size = compiled_parts
                if font and len(text[char]) == 1 and not "\ud800" <= text[char] <= "\udfff":
                    style = fonts.style(font, font_size, a, d)
                    compiled_advance, ctypes_advance = both(reader.advance_parts, char, text[char], style)
                    assert compiled_advance == ctypes_advance, (index, char)
                    styled += 1
            pdfium_c.FPDFText_ClosePage(text_page)
            pdfium_c.FPDF_ClosePage(page)
            characters += count
    finally:
        document.close()
    assert characters > 0 and styled > 0


@pytest.mark.parametrize("compiled", [True, False], ids=["compiled", "ctypes"])
def test_the_pdfium_scratch_buffers_are_let_go_after_a_big_page(compiled, monkeypatch):
    path = raw("jiaxing-2024-11-2col-radicals.pdf")
    expected = outcome(path, "pdfium")
    if not compiled:
        monkeypatch.setattr(pdf.pdfium, "_compiled", None)
    monkeypatch.setattr(pdf.pdfium._Scratch, "KEEP", 16)  # every page is a big page
    issue = pdf.parse(path, engine="pdfium")
    assert ("ok", issue.text, issue.pages, len(issue.warnings)) == expected
    assert pdf.pdfium._scratch.size == 0
