"""Hostile and odd web pages and text files (issue 18): nothing read may be lost unsaid.

Every input here is written by its test from a small recipe: a page nested thousands of
elements deep, a text with one bad byte or cut inside its last character, a page whose
declared charset is no text encoding or contradicts its bytes, a file too large to read.
Each must either be read whole, be read with a `partly_read` warning naming what was lost,
or be refused with an error row that says why; never dropped in silence, never a crash.
"""
from __future__ import annotations

import pandas as pd
import pytest
from click.testing import CliRunner

from parsers import ReadError, encoding, html
from pipeline.cli import gazette
from pipeline.read import read

TITLE = "嘉兴市人民政府关于印发嘉兴市数字经济发展行动计划的通知"
PARAGRAPHS = [f"第{n}条 到2027年，全市数字经济核心产业增加值达到{n}00亿元，培育链主型企业{n}家。"
              for n in range(1, 41)]
TEXT = TITLE + "\n" + "\n".join(PARAGRAPHS) + "\n"
# The same notice in traditional characters, as a Big5 file holds it.
TITLE_TRADITIONAL = "嘉興市人民政府關於印發嘉興市數字經濟發展行動計劃的通知"
PARAGRAPHS_TRADITIONAL = [f"第{n}條 到2027年，全市數字經濟核心產業增加值達到{n}00億元，培育鏈主型企業{n}家。"
                          for n in range(1, 41)]
TEXT_TRADITIONAL = TITLE_TRADITIONAL + "\n" + "\n".join(PARAGRAPHS_TRADITIONAL) + "\n"


def page(body: str, head: str = "") -> str:
    return f"<html><head>{head}<title>{TITLE}</title></head><body>{body}</body></html>"


def article_page(head: str = "") -> str:
    return page(f"<h1>{TITLE}</h1><div class='article'>" + "".join(f"<p>{p}</p>" for p in PARAGRAPHS) + "</div>",
                head)


def write(tmp_path, name: str, data: bytes):
    path = tmp_path / name
    path.write_bytes(data)
    return path


def spoil_byte(data: bytes, before: str, text: str, codec: str, byte: int = 0) -> bytes:
    """`data` (= `text` encoded in `codec`) with byte `byte` of the character that follows
    `before` in `text` replaced by 0xFF, which no byte of these encodings is: one bad byte
    in the middle of the file."""
    position = text.index(before) + len(before)
    offset = len(text[:position].encode(codec)) + byte
    return data[:offset] + b"\xff" + data[offset + 1:]


# --- 4(a) pages nested deeper than the HTML parser's limits ---------------------------------

def unclosed_font_page(paragraphs: int) -> str:
    """A FrontPage-era page: a <font> opened in every paragraph and never closed, so each
    paragraph nests two elements deeper than the one before."""
    return page("".join(f"<p><font face='仿宋'>段落{n}：全市数字经济核心产业增加值达到{n}亿元。" for n in range(paragraphs)))


@pytest.mark.parametrize("paragraphs", [400, 3000])
def test_a_page_with_an_unclosed_font_in_every_paragraph_keeps_every_paragraph(tmp_path, paragraphs):
    path = write(tmp_path, "deep.html", unclosed_font_page(paragraphs).encode())

    issue = read(path)

    kept = [n for n in range(paragraphs) if f"段落{n}：全市数字经济核心产业增加值达到{n}亿元。" in issue.text]
    assert len(kept) == paragraphs
    assert issue.warnings == ()


def test_a_page_nested_5000_levels_deep_is_partly_read_and_says_where_it_stopped(tmp_path):
    levels = 5000
    body = "".join(f"<div>第{n}层" for n in range(levels)) + "</div>" * levels + "<p>页尾的一段话。</p>"
    path = write(tmp_path, "nested.html", page(body).encode())

    issue = read(path)  # no RecursionError, no crash: the blocks are walked without recursion

    lines = issue.text.split("\n")
    assert lines[:3] == [TITLE, "第0层", "第1层"]
    kept = sum(1 for n in range(levels) if f"第{n}层" in lines)
    assert 2000 <= kept < levels  # libxml2 holds 2048 levels with huge_tree (256 without)
    assert "页尾的一段话。" not in issue.text  # after the levels it never left
    assert issue.warnings == (f"the page's elements are nested deeper than 2048 levels, where the HTML parser "
                              f'stops: its text after "第{kept - 1}层" was not read',)


# --- 4(b) a few undecodable bytes --------------------------------------------------------------

def test_one_bad_byte_in_a_utf8_text_loses_one_character_not_the_file(tmp_path):
    # 经 is E7 BB 8F: with FF for E7, its two continuation bytes cannot be decoded either
    data = spoil_byte(TEXT.encode(), "第20条 到2027年，全市数字", TEXT, "utf-8")
    path = write(tmp_path, "plan.txt", data)

    issue = read(path)

    assert issue.encoding == "utf-8"
    assert issue.text == TEXT.replace("第20条 到2027年，全市数字经济", "第20条 到2027年，全市数字\ufffd济")
    assert issue.warnings == (f"3 bytes ({3 / len(data):.2%} of the file) could not be decoded as utf-8: U+FFFD "
                              "stands in their place (first on line 21)",)


def test_a_utf8_text_cut_inside_its_last_character_is_read_with_the_cut_marked(tmp_path):
    text = TEXT.rstrip("\n")  # ends in `家。`: the download stopped inside `。`
    data = text.encode()[:-1]
    path = write(tmp_path, "cut.txt", data)

    issue = read(path)

    assert issue.text == text[:-1] + "\ufffd"
    assert issue.warnings == (f"2 bytes ({2 / len(data):.2%} of the file) could not be decoded as utf-8: U+FFFD "
                              "stands in their place (first on line 41)",)


@pytest.mark.parametrize(("codec", "text", "spoilt"), [
    ("gb18030", TEXT, "第20条 到2027年，全市数字经"),
    ("big5hkscs", TEXT_TRADITIONAL, "第20條 到2027年，全市數字經"),
])
def test_one_bad_byte_in_a_legacy_chinese_text_loses_one_character_not_the_file(tmp_path, codec, text, spoilt):
    # the second byte of 经/經 spoilt: its first byte, alone, is undecodable too
    data = spoil_byte(text.encode(codec), spoilt[:-1], text, codec, byte=1)
    path = write(tmp_path, "plan.txt", data)

    issue = read(path)

    assert issue.encoding == codec
    assert issue.text == text.replace(spoilt, spoilt[:-1] + "\ufffd")
    assert issue.warnings == (f"2 bytes ({2 / len(data):.2%} of the file) could not be decoded as {codec}: U+FFFD "
                              "stands in their place (first on line 21)",)


@pytest.mark.parametrize(("codec", "used"), [("utf-8-sig", "utf-8-sig"), ("utf-16", "utf-16")])
def test_a_text_with_a_byte_order_mark_cut_inside_its_last_character_is_read_with_the_cut_marked(tmp_path, codec,
                                                                                                used):
    text = TEXT.rstrip("\n")
    data = text.encode(codec)[:-1]  # a byte-order mark, then the text cut one byte short
    path = write(tmp_path, "cut.txt", data)

    issue = read(path)

    assert (issue.encoding, issue.text) == (used, text[:-1] + "\ufffd")
    assert len(issue.warnings) == 1 and f"could not be decoded as {used}" in issue.warnings[0]


def test_one_bad_byte_in_a_utf8_web_page_loses_one_character_not_the_page(tmp_path):
    markup = article_page("<meta charset='utf-8'>")
    data = spoil_byte(markup.encode(), "第20条 到2027年，全市数字", markup, "utf-8")
    path = write(tmp_path, "page.html", data)

    issue = read(path)

    assert issue.title == TITLE
    assert "第20条 到2027年，全市数字\ufffd济核心产业增加值达到2000亿元" in issue.text
    assert all(p in issue.text for p in PARAGRAPHS if not p.startswith("第20条"))
    assert len(issue.warnings) == 1 and issue.warnings[0].startswith("3 bytes (")


def test_a_text_with_more_than_one_percent_of_bad_bytes_is_still_refused(tmp_path):
    data = bytearray(TEXT.encode())
    for position in range(0, len(data), 50):  # 2% of the bytes
        data[position] = 0xFF
    path = write(tmp_path, "noise.txt", bytes(data))

    with pytest.raises(ReadError) as refused:
        read(path)

    assert refused.value.error_type == "undecodable_text"
    assert "bytes could not be decoded" in refused.value.message


# --- 4(c) declared charsets that are not text encodings or contradict the bytes -------------

NOT_A_TEXT_ENCODING = "which is not a text encoding"


@pytest.mark.parametrize(("charset", "why"), [
    *((codec, NOT_A_TEXT_ENCODING) for codec in ("zlib", "base64", "hex", "rot13", "bz2", "uu", "quopri")),
    ("unicode_escape", NOT_A_TEXT_ENCODING),  # Python's backslash escapes, not a charset
    ("undefined", "which does not decode its bytes into text"),  # a text encoding that decodes nothing
    ("x-gazette-unknown", "which is no encoding Python knows"),
])
def test_a_page_declaring_a_charset_that_is_no_text_encoding_is_read_by_detection(tmp_path, charset, why):
    path = write(tmp_path, "page.html", article_page(f"<meta charset='{charset}'>").encode())

    issue = read(path)

    assert issue.encoding == "utf-8"
    assert issue.title == TITLE and all(p in issue.text for p in PARAGRAPHS)
    assert issue.warnings == (f"the page declares charset {charset!r}, {why}; read as utf-8",)


@pytest.mark.parametrize(("charset", "why"), [
    ("koi8-r", "which reads its bytes as no Chinese text while utf-8 does"),
    ("mac-roman", "which reads its bytes as no Chinese text while utf-8 does"),
    ("iso-8859-1", "which does not decode its bytes into text"),  # C1 control characters
    ("windows-1251", "which does not decode its bytes into text"),  # 0x98 is no character
])
def test_a_page_declaring_a_charset_its_chinese_bytes_contradict_is_read_as_what_they_are(tmp_path, charset, why):
    path = write(tmp_path, "page.html", article_page(f"<meta http-equiv='Content-Type' "
                                                     f"content='text/html; charset={charset}'>").encode())

    issue = read(path)

    assert issue.encoding == "utf-8"
    assert issue.title == TITLE and all(p in issue.text for p in PARAGRAPHS)
    assert issue.warnings == (f"the page declares charset {charset!r}, {why}; read as utf-8",)


def test_a_gbk_page_that_declares_utf8_is_read_as_gb18030_with_a_warning(tmp_path):
    path = write(tmp_path, "page.html", article_page("<meta charset='utf-8'>").encode("gb18030"))

    issue = read(path)

    assert issue.encoding == "gb18030"
    assert issue.title == TITLE and all(p in issue.text for p in PARAGRAPHS)
    assert issue.warnings == ("the page declares charset 'utf-8', which does not decode its bytes into text; "
                              "read as gb18030",)


@pytest.mark.parametrize("charset", ["utf-16", "UTF-16LE", "utf-32"])
def test_a_page_declaring_utf16_in_a_meta_tag_readable_as_ascii_is_read_as_utf8(tmp_path, charset):
    """A <meta> readable byte for byte as ASCII cannot be UTF-16 or UTF-32 text: the WHATWG
    encoding rules read such a page as UTF-8, and so does gazette (no warning: no lie). A page
    that writes its Chinese as character references (`&#22025;`) is all ASCII, which read as
    UTF-16 is Han characters throughout, all of them wrong."""
    data = article_page(f"<meta charset='{charset}'>").encode("ascii", "xmlcharrefreplace")
    path = write(tmp_path, "page.html", data + b" " * (-len(data) % 4))

    issue = read(path)

    assert issue.encoding == "utf-8"
    assert issue.title == TITLE and all(p in issue.text for p in PARAGRAPHS)
    assert issue.warnings == ()


@pytest.mark.parametrize(("charset", "codec", "used"), [("gb2312", "gb18030", "gb18030"),
                                                         ("big5", "big5", "big5hkscs"),
                                                         ("utf-8", "utf-8", "utf-8")])
def test_a_page_whose_declared_charset_fits_its_bytes_is_read_in_it_without_a_warning(tmp_path, charset,
                                                                                      codec, used):
    markup = article_page(f"<meta charset='{charset}'>")
    if codec == "big5":
        markup = markup.replace(TITLE, TITLE_TRADITIONAL)
        for simplified, traditional in zip(PARAGRAPHS, PARAGRAPHS_TRADITIONAL, strict=True):
            markup = markup.replace(simplified, traditional)
    path = write(tmp_path, "page.html", markup.encode(codec))

    issue = read(path)

    assert (issue.encoding, issue.warnings) == (used, ())


# --- 3 (text part): a size cap for text files and web pages --------------------------------

@pytest.mark.parametrize(("name", "kind"), [("huge.txt", "text files"), ("huge.html", "web pages")])
def test_a_text_or_page_larger_than_the_cap_is_refused_as_too_large_without_being_read(tmp_path, name, kind):
    path = tmp_path / name
    with open(path, "wb") as sparse:  # a terabyte of nothing on disk: reading it is impossible
        sparse.truncate(2 ** 40)
    cap = encoding.MAX_TEXT_BYTES if kind == "text files" else html.MAX_PAGE_BYTES

    with pytest.raises(ReadError) as refused:
        read(path)

    assert refused.value.error_type == "too_large"
    assert refused.value.message == f"the file is 1,099,511,627,776 bytes; {kind} are read up to {cap:,} bytes"


def test_a_page_whose_text_is_larger_than_the_text_cap_is_refused_as_too_large(tmp_path, monkeypatch):
    monkeypatch.setattr(encoding, "MAX_TEXT_BYTES", 1000)  # the page's bytes are far under MAX_PAGE_BYTES
    path = write(tmp_path, "long.html", article_page().encode())

    with pytest.raises(ReadError) as refused:
        read(path)

    assert refused.value.error_type == "too_large"
    assert refused.value.message.startswith("the page's text is ")
    assert refused.value.message.endswith("bytes as UTF-8; texts are read up to 1,000 bytes")


def test_a_text_at_the_cap_is_read_and_one_byte_more_is_refused(tmp_path, monkeypatch):
    data = TEXT.encode()
    monkeypatch.setattr(encoding, "MAX_TEXT_BYTES", len(data))
    at_cap = write(tmp_path, "at-cap.txt", data)
    over_cap = write(tmp_path, "over-cap.txt", data + b"\n")

    assert read(at_cap).text.startswith(TITLE)
    with pytest.raises(ReadError) as refused:
        read(over_cap)
    assert refused.value.error_type == "too_large"


# --- all of it through the command line: rows, statuses and stderr lines --------------------

def test_hostile_pages_and_texts_are_rows_and_stderr_lines_and_the_others_are_read(tmp_path):
    inputs = tmp_path / "in"
    inputs.mkdir()
    (inputs / "good.txt").write_bytes(TEXT.encode())
    spoilt = spoil_byte(TEXT.encode(), "第20条 到2027年，全市数字", TEXT, "utf-8")
    (inputs / "bad-byte.txt").write_bytes(spoilt)
    (inputs / "deep.html").write_bytes(page("".join(f"<div>第{n}层" for n in range(5000))).encode())
    (inputs / "zlib.html").write_bytes(article_page("<meta charset='zlib'>").encode())
    with open(inputs / "huge.txt", "wb") as sparse:  # (the run hashes what it refuses: not a terabyte here)
        sparse.truncate(encoding.MAX_TEXT_BYTES + 1)
    out = tmp_path / "out"

    result = CliRunner().invoke(gazette, ["extract", str(inputs), "--out", str(out), "--workers", "1"])

    assert result.exit_code == 0, result.output
    status = pd.read_parquet(out / "manifest.parquet").set_index("source_file")["status"].to_dict()
    assert status == {"good.txt": "ok", "bad-byte.txt": "partly_read", "deep.html": "partly_read",
                      "zlib.html": "partly_read", "huge.txt": "error"}
    errors = pd.read_parquet(out / "errors.parquet").set_index("source_file")
    assert errors["error_type"].to_dict() == {"bad-byte.txt": "partly_read", "deep.html": "partly_read",
                                              "zlib.html": "partly_read", "huge.txt": "too_large"}
    assert errors.loc["bad-byte.txt", "message"].startswith(f"3 bytes ({3 / len(spoilt):.2%} of the file) could "
                                                            "not be decoded as utf-8")
    assert "nested deeper than 2048 levels" in errors.loc["deep.html", "message"]
    assert "'zlib', which is not a text encoding" in errors.loc["zlib.html", "message"]
    assert errors.loc["huge.txt", "message"].startswith(f"the file is {encoding.MAX_TEXT_BYTES + 1:,} bytes")
    for name in ("bad-byte.txt", "deep.html", "zlib.html", "huge.txt"):
        assert name in result.stderr
    documents = pd.read_parquet(out / "documents.parquet")
    assert set(documents["source_file"]) == {"good.txt", "bad-byte.txt", "deep.html", "zlib.html"}
    validated = CliRunner().invoke(gazette, ["validate", str(out)])
    assert validated.exit_code == 0, validated.output
