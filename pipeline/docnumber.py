"""文号 (document numbers): find them, and write them the GB/T 9704 way.

GB/T 9704 writes a 文号 as issuer code, year in 六角括号, sequence, 号, no spaces:
`嘉政发〔2024〕19号`. Gazettes and web pages also print `嘉政发[2024]19号`,
`嘉政发［2024］19号`, `嘉政发(2024)19号`, `嘉政发〔2025 〕18 号`, `嘉政发2023]12 号` (the
opening bracket lost), `第05号`. All of them mean the same number. Orders (令) carry no
year: `浙江省人民政府令第412号`. Ministries number their 公告 and 令 by year without brackets:
`财政部 税务总局公告2023年第19号`, `交通运输部令2023年第12号`; those stay as printed, spaces
removed.

    >>> parse_doc_number("(嘉政发[2024]19号)").normalized
    '嘉政发〔2024〕19号'
"""
from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import regex

# An issuer code is a run of Han characters (a few codes carry Latin letters); it never
# starts right after another Han character when found inside running text.
_CODE = r"(?P<code>\p{Han}[\p{Han}A-Za-z]{0,15}?)"
_YEAR = r"(?P<year>(?:19|20)[0-9]{2})"
_OPEN = r"[〔\[［(（【{｛]"
_CLOSE = r"[〕\]］)）】}｝]"
_SEQ = r"第?\s*(?P<seq>[0-9]{1,5})\s*号"
_DATED = rf"{_CODE}\s*{_OPEN}?\s*{_YEAR}\s*{_CLOSE}\s*{_SEQ}"
_ORDER = r"(?P<code>\p{Han}{1,20}?令)\s*第?\s*(?P<seq>[0-9]{1,5})\s*号"
# `财政部 税务总局公告2023年第19号`: joint issuers may be spaced apart
_YEARLY = (r"(?P<code>\p{Han}[\p{Han} \u3000]{0,30}?(?:公告|令))\s*(?P<year>(?:19|20)[0-9]{2})\s*年\s*"
           r"第\s*(?P<seq>[0-9]{1,5})\s*号")

# The State Council's orders are printed `中华人民共和国国务院令 第706号` and cited `国令第706号`:
# one number, written the short way.
ORDER_CODES = {"中华人民共和国国务院令": "国令", "国务院令": "国令"}

_DATED_RE = regex.compile(_DATED)
_ORDER_RE = regex.compile(_ORDER)
_YEARLY_RE = regex.compile(_YEARLY)
# Inside running text a code starts where the Han run starts (after a bracket, 《》, a
# comma ...), so `根据嘉政发〔2024〕19号` is not read as issuer `根据嘉政发`... as far as a
# regular expression can tell; callers looking for citations prefer bracketed ones.
_IN_TEXT_RE = regex.compile(rf"(?<![\p{{Han}}A-Za-z])(?:{_DATED}|{_YEARLY}|{_ORDER})")
# A line that is a 文号 and nothing else, bracketed or not: how a document's own number
# is printed under (or above) its title.
_WRAPPING = "()（）[]［］〔〕 \t"


@dataclass(frozen=True, slots=True)
class DocNumber:
    """A parsed 文号: `normalized` is the GB/T 9704 form, `raw` as printed."""

    raw: str
    issuer_code: str
    year: int | None  # None for orders (令), which are numbered without a year
    seq: int
    yearly: bool = False  # `…公告2023年第19号`: numbered within its year, printed without brackets

    @property
    def normalized(self) -> str:
        if self.year is None:
            return f"{self.issuer_code}第{self.seq}号"
        if self.yearly:
            return f"{self.issuer_code}{self.year}年第{self.seq}号"
        return f"{self.issuer_code}〔{self.year}〕{self.seq}号"


def _from_match(match: regex.Match) -> DocNumber:
    year = match.group("year") if "year" in match.groupdict() else None
    code = regex.sub(r"[ \u3000]", "", match.group("code"))
    return DocNumber(raw=match.group(0), issuer_code=ORDER_CODES.get(code, code),
                     year=int(year) if year else None, seq=int(match.group("seq")),
                     yearly=match.re is _YEARLY_RE)


def parse_doc_number(text: str) -> DocNumber | None:
    """The 文号 that `text` is, or None. Surrounding brackets and spaces are ignored:
    `(嘉政发[2024]19号)` is a 文号, `根据嘉政发[2024]19号文件` is not (see find_doc_numbers)."""
    core = text.strip().strip(_WRAPPING) if text else ""
    if not core:
        return None
    for pattern in (_DATED_RE, _YEARLY_RE, _ORDER_RE):
        match = pattern.fullmatch(core)
        if match:
            found = _from_match(match)
            return DocNumber(raw=text.strip(), issuer_code=found.issuer_code, year=found.year, seq=found.seq,
                             yearly=found.yearly)
    return None


def normalize_doc_number(text: str | None) -> str | None:
    """GB/T 9704 form of a printed 文号, or None when `text` is not one."""
    parsed = parse_doc_number(text or "")
    return parsed.normalized if parsed else None


@dataclass(frozen=True, slots=True)
class DocNumberMatch:
    number: DocNumber
    start: int
    end: int


def find_doc_numbers(text: str) -> Iterator[DocNumberMatch]:
    """Every 文号 cited in running text, in order, with its span."""
    for match in _IN_TEXT_RE.finditer(text):
        yield DocNumberMatch(_from_match(_named(match)), match.start(), match.end())


def _named(match: regex.Match) -> regex.Match:
    """The alternative of _IN_TEXT_RE that matched, as a match with the usual group names."""
    for pattern in (_DATED_RE, _YEARLY_RE, _ORDER_RE):
        inner = pattern.fullmatch(match.group(0))
        if inner:
            return inner
    raise AssertionError(f"unparseable 文号 match {match.group(0)!r}")
