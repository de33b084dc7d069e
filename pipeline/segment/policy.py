"""Which policy a document is: the same document read from several inputs (a PDF, a
two-column PDF and a text of one issue; a page re-published on two sites) is one policy.

`policy_id` is stable across runs and machines: a hash of the document's normalised 文号,
else of its normalised title and issuer. A 政策解读 belongs to the policy it explains (its
interprets_doc_number), so facts can be joined per policy. `is_listing` marks documents that
list others (发文目录 and its kin, listing_kinds.tsv): they are not policies.
"""
from __future__ import annotations

import hashlib
import unicodedata

import regex

from pipeline import rules

_NOT_COUNTED = regex.compile(r"[\s\p{P}\p{S}]+")  # spaces, brackets, dashes, quotes: how copies differ


def policy_key(doc_number: str | None, title: str | None, issuer: str | None,
               interprets_doc_number: str | None = None) -> str:
    """What makes two documents one policy."""
    number = interprets_doc_number or doc_number
    if number:
        return "文号:" + _normalised(number)
    return f"标题:{_normalised(title or '')}|{_normalised(issuer or '')}"


def policy_id(doc_number: str | None, title: str | None, issuer: str | None,
              interprets_doc_number: str | None = None) -> str:
    key = policy_key(doc_number, title, issuer, interprets_doc_number)
    return hashlib.sha256(key.encode()).hexdigest()[:16]


def is_listing(doc_type: str | None) -> bool:
    return doc_type is not None and doc_type in rules.table("listing_kinds.tsv")


def _normalised(text: str) -> str:
    return _NOT_COUNTED.sub("", unicodedata.normalize("NFKC", text))
