"""Bytes -> str for text and HTML inputs: a declared charset if it decodes, else detection.

Gazette texts come as UTF-8, GB18030/GBK/GB2312 and Big5. A declared GB2312 or GBK is
decoded as GB18030, its superset, because real pages declare the narrower charset while
using characters outside it. Detection is charset-normalizer's; its answer is accepted
only when the result reads as text (few control characters, few replacement marks), so
random bytes are refused rather than decoded into noise.
"""
from __future__ import annotations

import codecs
import unicodedata

import charset_normalizer

from . import ReadError

# Declared charsets that are subsets of one we can decode more completely.
WIDER_CHARSET = {"gb2312": "gb18030", "gbk": "gb18030", "x-gbk": "gb18030", "big5": "big5hkscs"}

# A decoded text with more than this share of control or unassigned characters is
# not text (random bytes decoded as some single-byte code page look like this).
MAX_NOISE_SHARE = 0.01


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


def decode_bytes(data: bytes, declared: str | None = None) -> tuple[str, str]:
    """(text, encoding used). Raises ReadError('undecodable_text') when nothing fits."""
    for bom, codec in ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"),
                       (codecs.BOM_UTF16_BE, "utf-16")):
        if data.startswith(bom):
            return data.decode(codec), codec
    candidates = []
    if declared and (charset := canonical_charset(declared)):
        candidates.append(charset)
    candidates.append("utf-8")  # strict UTF-8 almost never decodes anything else by accident
    for codec in candidates:
        try:
            text = data.decode(codec)
        except UnicodeDecodeError:
            continue
        if noise_share(text) <= MAX_NOISE_SHARE:
            return text, codec
    best = charset_normalizer.from_bytes(data).best()
    if best is not None:
        text = str(best)
        if noise_share(text) <= MAX_NOISE_SHARE:
            return text, canonical_charset(best.encoding) or best.encoding
    raise ReadError("undecodable_text",
                    "not text in any known encoding (tried "
                    + ", ".join(candidates + ["charset detection"]) + ")")
