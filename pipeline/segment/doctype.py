"""What kind of document a title names (文种), by the words in pipeline/data/doc_types.tsv.

The Rulings: a numbered document takes the GB/T 9704 文种 its title ends in
(`...的实施意见` -> 意见, `关于印发...的通知` -> 通知); a document without one takes the
word its title ends in (`...实施方案` -> 实施方案); then 政策解读, 人事任免 and 发文目录. A title of
appointments that ends in a 文种 (`关于张建国等同志职务任免的通知`) is that 文种: a notice signed and dated
like any other; a gazette's list (`市政府人事任免(2024年10月份)`) is 人事任免.
A trailing bracket (`(2025—2027年)`, `(试行)`, `(2024年10月份)`) does not count.
"""
from __future__ import annotations

from functools import cache

import regex

from pipeline.rules import table

_TRAILING_BRACKETS = regex.compile(r"(?:[(（][^()（）]*[)）]\s*)+$")
LISTING_ENDS = ("目录", "索引", "大事记")


@cache
def _words() -> dict[str, list[str]]:
    by_class: dict[str, list[str]] = {}
    for word, kind in table("doc_types.tsv").items():
        by_class.setdefault(kind, []).append(word)
    for words in by_class.values():
        words.sort(key=len, reverse=True)  # the longest word wins
    return by_class


def _bare(title: str) -> str:
    return _TRAILING_BRACKETS.sub("", title.strip()).strip()


def _ending(title: str, kind: str) -> str | None:
    bare = _bare(title)
    return next((word for word in _words().get(kind, []) if bare.endswith(word)), None)


def is_interpretation(title: str) -> bool:
    return _bare(title).endswith("解读")


def is_appointments(title: str) -> bool:
    return "任免" in title


def is_listing(title: str) -> bool:
    """A list of documents or events a gazette prints (发文目录, 政策解读目录, 大事记)."""
    return _bare(title).endswith(LISTING_ENDS)


def doc_type(title: str | None) -> str | None:
    """The doc_type column for a document with this title."""
    if not title:
        return None
    if is_listing(title):
        return "发文目录"
    if is_interpretation(title):
        return "政策解读"
    if is_appointments(title):  # a numbered notice of appointments is a 通知 (`…职务任免的通知`, 豫政任〔2023〕58号)
        return _ending(title, "gbt") or "人事任免"
    return _ending(title, "gbt") or _ending(title, "plan")


def is_document_title(title: str) -> bool:
    """Does a 目录 entry without a 文号 list a document (a 公文, 政策解读, 人事任免)?"""
    if is_listing(title):
        return False
    return (is_interpretation(title) or is_appointments(title) or "关于" in title
            or doc_type(title) is not None)
