"""Bytes -> str for text and HTML inputs: a declared charset if it fits the bytes, else detection.

Gazette texts come as UTF-8, GB18030/GBK/GB2312 and Big5. A declared GB2312 or GBK is
decoded as GB18030, its superset, because real pages declare the narrower charset while
using characters outside it. Detection is charset-normalizer's; its answer is accepted
only when the result reads as text (few control characters, few replacement marks), so
random bytes are refused rather than decoded into noise.

A declaration is a claim the bytes can contradict: one that is no text encoding (`zlib`,
`base64`), does not decode the bytes, or reads Chinese bytes as no Chinese at all (`koi8-r`
on UTF-8) is set aside for what the bytes are, with a warning naming both.

A few bytes that no encoding decodes (a flipped byte, a download cut inside the last
character) lose a character each, not the file: they are replaced by U+FFFD and the
reader is told how many, so the file is marked partly_read.
"""
from __future__ import annotations

import codecs
import re
import unicodedata
from dataclasses import dataclass

import charset_normalizer
import regex

from . import ReadError

# Text files are refused above this size, before being read (web pages: parsers/html.py).
# A 300-page gazette issue is about 1 MB of text as UTF-8 (2.4 to 3.9 KB a page in the
# corpus). The pipeline took 26 s and 390 MB on 8 MB of text, 570 s and 1.8 GB on 20 MB (it
# grows faster than the text), 3.9 GB on 200 MB. A file past this is no single issue: it is
# refused whole (too_large), not cut, since a cut issue would be segmented as if complete.
MAX_TEXT_BYTES = 8 * 1024 * 1024

# Declared charsets that are subsets of one we can decode more completely.
WIDER_CHARSET = {"gb2312": "gb18030", "gbk": "gb18030", "x-gbk": "gb18030", "big5": "big5hkscs"}
# Codecs Python counts as text encodings that are no charset a page can mean: they read
# Python's backslash escapes (`\u4e2d`), not bytes as characters.
NOT_CHARSETS = frozenset({"unicode-escape", "raw-unicode-escape"})

# A decoded text with more than this share of control or unassigned characters is
# not text (random bytes decoded as some single-byte code page look like this).
MAX_NOISE_SHARE = 0.01

# A file whose bytes fail to decode in at most this share of them is read with U+FFFD in
# place of each undecodable run, and marked partly_read naming how many: one flipped byte or
# a download cut inside the last character must lose a character, not the file. Random bytes
# fail on 9% (GB18030) to 43% (UTF-8) of their bytes and stay refused; the corpus's texts
# read in the wrong one of LENIENT_ENCODINGS fail on 1.4% (GBK as Big5) to 60%.
MAX_UNDECODABLE_SHARE = 0.01
# The encodings a file is read in leniently when none decodes it cleanly: the ones gazette
# texts come in. GB18030 reads most Big5 bytes without an error (as other characters), so
# a legacy encoding is taken only when detection, on the bytes it could decode, agrees.
LENIENT_ENCODINGS = ("utf-8", "gb18030", "big5hkscs")

# A reading is Chinese when most of its non-ASCII characters are East Asian: Han, kana,
# Hangul, bopomofo, CJK punctuation and full-width forms (U+3000-303F, U+FF00-FFEF).
MIN_EAST_ASIAN_SHARE = 0.5
_EAST_ASIAN = regex.compile(r"[\p{Han}\p{Hiragana}\p{Katakana}\p{Hangul}\p{Bopomofo}\u3000-\u303f\uff00-\uffef]+")
_NON_ASCII = re.compile(r"[^\x00-\x7f\u00a0\u3000]+")  # white space excepted

# Each byte a codec cannot decode becomes the lone surrogate U+DC00 + byte: no decoded text
# holds one, so they can be counted, then replaced by U+FFFD.
_UNDECODABLE = re.compile("[\udc00-\udcff]+")
_ESCAPE_HANDLER = "gazette-undecodable"


def _escape_undecodable(exc: UnicodeError) -> tuple[str, int]:
    if not isinstance(exc, UnicodeDecodeError):
        raise exc
    return "".join(chr(0xDC00 + byte) for byte in exc.object[exc.start:exc.end]), exc.end


codecs.register_error(_ESCAPE_HANDLER, _escape_undecodable)


@dataclass(frozen=True, slots=True)
class Decoded:
    """A file's text, the codec that read it, how many bytes it could not, and what the
    reader must report (RawIssue.warnings: the file is partly_read)."""

    text: str
    encoding: str
    undecodable_bytes: int = 0
    warnings: tuple[str, ...] = ()


def canonical_charset(name: str) -> str | None:
    """Python's codec name for a declared charset, widened to its superset; None if unknown."""
    try:
        name = codecs.lookup(name.strip().strip("'\"")).name
    except LookupError:
        return None
    return WIDER_CHARSET.get(name, name)


def noise_share(text: str) -> float:
    """Share of characters that no real text contains: controls, unassigned, U+FFFD."""
    if not text:
        return 1.0
    bad = 0
    for ch in text:
        if ch in "\t\n\r\f":
            continue
        cat = unicodedata.category(ch)
        if cat in ("Cc", "Cn", "Co", "Cs") or ch == "\ufffd":
            bad += 1
    return bad / len(text)


def reads_as_chinese(text: str) -> bool:
    """Whether most of the text's non-ASCII characters are East Asian (a text with none is
    not contradicted by anything and counts as Chinese)."""
    non_ascii = "".join(_NON_ASCII.findall(text))
    return not non_ascii or len("".join(_EAST_ASIAN.findall(non_ascii))) >= MIN_EAST_ASIAN_SHARE * len(non_ascii)


def decode(data: bytes, declared: str | None = None) -> Decoded:
    """The text of `data`: in its byte-order mark's encoding; else in the `declared` charset
    when that decodes the bytes and reads them as what they are; else UTF-8; else what
    detection finds; else leniently, a few undecodable bytes replaced. A declaration set
    aside is a warning. Raises ReadError('undecodable_text') when nothing fits."""
    if bom_codec := _bom_codec(data):
        return _clean(data, bom_codec) or _lenient(data, (bom_codec,), trusted=bom_codec) \
            or _refuse(data, [bom_codec])
    charset, problem = _usable_charset(declared)
    if charset:
        reading, problem = _declared_reading(data, charset)
        if reading is not None:
            return reading
    lenient = (charset, *LENIENT_ENCODINGS) if charset else LENIENT_ENCODINGS
    decoded = _clean(data, "utf-8") or _detected(data) or _lenient(data, lenient, trusted=charset) \
        or _refuse(data, [charset or declared, "utf-8"] if declared else ["utf-8"])
    if declared and decoded.encoding != charset:
        note = f"the page declares charset {declared!r}, {problem}; read as {decoded.encoding}"
        decoded = Decoded(decoded.text, decoded.encoding, decoded.undecodable_bytes, (note, *decoded.warnings))
    return decoded


def _declared_reading(data: bytes, charset: str) -> tuple[Decoded | None, str | None]:
    """The bytes read in the declared charset, or None and why the declaration is set aside:
    it does not decode them into text, or it reads as no Chinese text bytes that UTF-8 or
    detection reads as Chinese (`koi8-r` declared on UTF-8)."""
    reading = _clean(data, charset)
    if reading is None:
        return None, "which does not decode its bytes into text"
    if reads_as_chinese(reading.text):
        return reading, None
    other = _clean(data, "utf-8") or _detected(data)
    if other is not None and reads_as_chinese(other.text):
        return None, f"which reads its bytes as no Chinese text while {other.encoding} does"
    return reading, None


def _bom_codec(data: bytes) -> str | None:
    for bom, codec in ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"),
                       (codecs.BOM_UTF16_BE, "utf-16")):
        if data.startswith(bom):
            return codec
    return None


def _usable_charset(declared: str | None) -> tuple[str | None, str | None]:
    """(codec, None) for a declared charset that names a text encoding, else (None, why not)."""
    if not declared:
        return None, None
    charset = canonical_charset(declared)
    if charset is None:
        return None, "which is no encoding Python knows"
    if not codecs.lookup(charset)._is_text_encoding or charset in NOT_CHARSETS:
        return None, "which is not a text encoding"
    return charset, None


def _clean(data: bytes, codec: str) -> Decoded | None:
    """The bytes decoded strictly in `codec`, if they decode and read as text."""
    try:
        text = data.decode(codec)
    except (UnicodeError, LookupError):  # LookupError: a codec that is no text encoding after all
        return None
    return Decoded(text, codec) if noise_share(text) <= MAX_NOISE_SHARE else None


def _detected(data: bytes) -> Decoded | None:
    """What charset detection reads the bytes as, if that reads as text."""
    best = charset_normalizer.from_bytes(data).best()
    if best is None:
        return None
    text = str(best)
    return Decoded(text, canonical_charset(best.encoding) or best.encoding) \
        if noise_share(text) <= MAX_NOISE_SHARE else None


def _lenient(data: bytes, candidates: tuple[str, ...], trusted: str | None = None) -> Decoded | None:
    """The bytes read in the candidate that leaves the fewest of them undecodable, at most
    MAX_UNDECODABLE_SHARE; each undecodable run is replaced by U+FFFD. UTF-8 and the
    `trusted` (declared) codec are taken on that alone, other codecs only when detection
    agrees on the bytes they did decode."""
    readings = []
    for codec in dict.fromkeys(candidates):
        escaped, undecodable = _escaped_reading(data, codec)
        if escaped is None or not 0 < undecodable <= MAX_UNDECODABLE_SHARE * len(data):
            continue
        decodable = _UNDECODABLE.sub("", escaped)
        if noise_share(decodable) > MAX_NOISE_SHARE:
            continue
        if codec not in ("utf-8", trusted) and _detected_codec(decodable.encode(codec)) != codec:
            continue
        readings.append((undecodable, codec, escaped))
    if not readings:
        return None
    undecodable, codec, escaped = min(readings, key=lambda reading: reading[0])
    first_line = escaped.count("\n", 0, _UNDECODABLE.search(escaped).start()) + 1
    note = (f"{undecodable:,} byte{'s' if undecodable > 1 else ''} ({undecodable / len(data):.2%} of the file) "
            f"could not be decoded as {codec}: U+FFFD stands in their place (first on line {first_line})")
    return Decoded(_UNDECODABLE.sub("\ufffd", escaped), codec, undecodable, (note,))


def _escaped_reading(data: bytes, codec: str) -> tuple[str | None, int]:
    """The bytes decoded in `codec` with each undecodable byte escaped, and how many were."""
    try:
        escaped = data.decode(codec, _ESCAPE_HANDLER)
    except (UnicodeError, LookupError):
        return None, 0
    return escaped, len(escaped) - len(_UNDECODABLE.sub("", escaped))


def _detected_codec(data: bytes) -> str | None:
    best = charset_normalizer.from_bytes(data).best()
    return canonical_charset(best.encoding) if best is not None else None


def _refuse(data: bytes, tried: list[str]) -> Decoded:
    counts = [(count, codec) for codec in LENIENT_ENCODINGS
              for reading, count in [_escaped_reading(data, codec)] if reading is not None]
    fewest, codec = min(counts, default=(0, ""))
    why = (f"at best {fewest:,} of its {len(data):,} bytes could not be decoded ({codec}), more than the "
           f"{MAX_UNDECODABLE_SHARE:.0%} a damaged text may lose") if fewest \
        else "what decodes is control characters and unassigned code points, not text"
    raise ReadError("undecodable_text",
                    "not text in any known encoding (tried " + ", ".join([*tried, "charset detection"]) + f"); {why}")
