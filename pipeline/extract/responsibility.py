"""Responsible units: the `(责任单位:...)` parenthesis that closes a task, one row per unit.

    1.加大项目招引。...(责任单位:市商务局、市发展改革委、市经信局,列第一位的为牵头单位,下同。
    嘉兴经济技术开发区...和各县〔市、区〕政府均为责任主体,不再列出)

- `(责任单位:` `(责任部门:` `[责任单位:` `(牵头单位:...;配合单位:...)` all open one; it runs to
  its matching bracket, whatever brackets it holds (`市委组织部〔市委人才办〕`).
- Units are split on `、` `,` `，` `;` outside brackets; a trailing `等相关部门` is dropped;
  `各区、县(市)政府` is one collective unit.
- The clauses that state rules are not units. `列第一位的为牵头单位` makes the first unit lead,
  in this parenthesis and, with `下同`, in every later one. `X、Y均为责任主体,不再列出` makes
  X and Y responsible for this task and every later one; `以下均需X落实,不再列出` for every
  later one. Those units are written as is_implicit rows (the gold lists written units only).
- `unit` is the full name: unit_names.tsv, with the city taken from the document's issuer.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import regex

from pipeline import rules
from pipeline.records import Document, ResponsibleUnitRow

from .text import CLOSING, OPENING, DocumentText, Span, split_top_level

_OPENS = regex.compile(r"[(（\[［【]\s*(?:责任单位|责任部门|牵头单位|牵头部门|责任主体)\s*[:：]")
_LABEL = regex.compile(r"^\s*(?P<label>牵头单位|牵头部门|配合单位|配合部门|责任单位|责任部门|参与单位)\s*[:：]")
_LEAD_RULE = regex.compile(r"(?:第一位|第一个|首位|排在最前)[^,，。;；]{0,6}牵头|牵头[^,，。;；]{0,4}(?:第一位|首位)")
_SAME_BELOW = regex.compile(r"下同|以下同")
_ALL_ARE = regex.compile(r"均(?:为|是|作为)(?:责任单位|责任主体|责任部门|实施主体)")
_LATER_ALL = regex.compile(r"以下(?:各项任务)?均(?:需|由|要)(?P<units>.+?)(?:负责)?(?:落实|实施|推进|负责)")
_NOT_LISTED = regex.compile(r"不再(?:一一)?列出")
_TRAILING_ETC = regex.compile(r"等(?:相关|有关)?(?:涉企)?(?:部门|单位)?$")
_AREA_HEAD = regex.compile(r"^各[区县市镇乡街道]+$")  # 各区、县(市)政府: one collective unit
_AREA_TAIL = regex.compile(r"^[区县市镇乡](?:[(（〔][^)）〕]*[)）〕])?(?:人民)?政府")
_CITY = regex.compile(r"^(?:中共)?(?P<city>\p{Han}{2,4}?市)")
_PROVINCE = regex.compile(r"^(?:中共)?(?P<province>\p{Han}{2,3}?省)")
_ALIAS = regex.compile(r"^(?P<main>.+?)(?P<alias>[〔(（\[［][^〔(（\[［]+[〕)）\]］])$")
_BRACKET_OR_BREAK = re.compile(f"[{re.escape(OPENING + CLOSING)}\n]")


@dataclass(frozen=True, slots=True)
class Parenthesis:
    """One `(责任单位:...)` read: its units and the rules it states."""

    span: Span
    units: tuple[str, ...]
    labelled_leads: tuple[str, ...]  # units a `牵头单位:` label names
    states_lead_rule: bool
    lead_rule_carries_on: bool  # 下同
    implicit_from_here: tuple[str, ...]  # X均为责任主体,不再列出
    implicit_after_here: tuple[str, ...]  # 以下均需X落实,不再列出


def find_parentheses(text: str) -> list[Parenthesis]:
    found = []
    for match in _OPENS.finditer(text):
        end = _closing(text, match.start())
        if end is None:
            continue
        # the label stays with the content: `牵头单位:` names the lead
        found.append(read_parenthesis(text[match.start() + 1:end - 1], Span(match.start(), end, text[match.start():end])))
    return found


def _closing(text: str, start: int) -> int | None:
    """The end (exclusive) of the bracket opened at `start`, within its paragraph."""
    depth = 0
    for match in _BRACKET_OR_BREAK.finditer(text, start):  # the characters that matter, not all
        i, ch = match.start(), match.group()
        if ch in OPENING:
            depth += 1
        elif ch in CLOSING:
            depth -= 1
            if depth == 0:
                return i + 1
        elif ch == "\n":
            return None
    return None


def read_parenthesis(content: str, span: Span) -> Parenthesis:
    units, leads, from_here, after_here = [], [], [], []
    states_rule = carries_on = False
    for _, sentence in split_top_level(content, "。;；"):
        pending: list[str] = []
        labelled_lead = False
        for _, clause in split_top_level(sentence, ",，"):
            clause = clause.strip()
            if not clause:
                continue
            label = _LABEL.match(clause)
            if label:
                units += pending
                pending = []
                labelled_lead = label.group("label").startswith("牵头")
                clause = clause[label.end():]
            if (all_are := _ALL_ARE.search(clause)):
                from_here += pending + split_units(clause[:all_are.start()])
                pending = []
                continue
            if (later := _LATER_ALL.search(clause)):
                after_here += split_units(later.group("units"))
                continue
            is_rule = False
            if _LEAD_RULE.search(clause):
                states_rule = is_rule = True
            if _SAME_BELOW.search(clause):
                carries_on = is_rule = True
            if _NOT_LISTED.search(clause):
                is_rule = True
            if is_rule:
                continue
            named = split_units(clause)
            pending += named
            if labelled_lead:
                leads += named
        units += pending
    return Parenthesis(span, tuple(dict.fromkeys(units)), tuple(leads), states_rule, carries_on,
                       tuple(from_here), tuple(after_here))


def split_units(text: str) -> list[str]:
    """`市经信局、市委组织部〔市委人才办〕、各区、县(市)政府等` -> three units."""
    pieces = [piece.strip() for _, piece in split_top_level(text, "、;；,，")]
    pieces = [piece for piece in pieces if piece]
    joined: list[str] = []
    for piece in pieces:
        if joined and _AREA_HEAD.match(joined[-1]) and _AREA_TAIL.match(piece):
            joined[-1] = f"{joined[-1]}、{piece}"
        else:
            joined.append(piece)
    if joined:
        joined[-1] = _TRAILING_ETC.sub("", joined[-1]).strip()
    return [unit for unit in joined if unit]


def extract_responsible_units(doc: DocumentText) -> list[ResponsibleUnitRow]:
    rows = []
    city, province = places_of(doc.document)
    lead_rule_from = _lead_rule_outside_parentheses(doc.text)
    carried_lead_rule = False
    implicit: list[tuple[str, Parenthesis]] = []  # unit, the parenthesis that made it implicit
    for parenthesis in find_parentheses(doc.text):
        section = doc.section_at(parenthesis.span.start)
        path, task = (section.path, section.heading) if section else (None, None)
        lead_rule = (carried_lead_rule or parenthesis.states_lead_rule
                     or (lead_rule_from is not None and lead_rule_from < parenthesis.span.start))
        implicit += [(unit, parenthesis) for unit in parenthesis.implicit_from_here]
        provenance = doc.provenance(parenthesis.span)
        for position, unit in enumerate(parenthesis.units, start=1):
            is_lead = (unit in parenthesis.labelled_leads if parenthesis.labelled_leads
                       else lead_rule and position == 1)
            rows.append(ResponsibleUnitRow(provenance, path, task, unit, canonical_unit(unit, city, province),
                                           position, is_lead, is_implicit=False))
        position = len(parenthesis.units)
        for unit, source in implicit:
            if unit in parenthesis.units:
                continue
            position += 1
            rows.append(ResponsibleUnitRow(doc.provenance(source.span), path, task, unit,
                                           canonical_unit(unit, city, province), position, False,
                                           is_implicit=True))
        implicit += [(unit, parenthesis) for unit in parenthesis.implicit_after_here]
        carried_lead_rule = carried_lead_rule or (parenthesis.states_lead_rule and parenthesis.lead_rule_carries_on)
    return rows


def _lead_rule_outside_parentheses(text: str) -> int | None:
    """Where the text states the lead rule once for all tasks (`各项任务中列第一位的为牵头单位`)."""
    for match in _LEAD_RULE.finditer(text):
        opened = max(text.rfind(ch, 0, match.start()) for ch in OPENING)
        closed = max(text.rfind(ch, 0, match.start()) for ch in CLOSING)
        if opened <= closed:
            return match.start()
    return None


def places_of(document: Document) -> tuple[str | None, str | None]:
    """The city and the province the document's issuer belongs to (嘉兴市, 浙江省)."""
    city = province = None
    for name in (document.issuer, document.title, document.gazette_title):
        if not name:
            continue
        city = city or (m.group("city") if (m := _CITY.match(name)) else None)
        province = province or (m.group("province") if (m := _PROVINCE.match(name)) else None)
    return city, province


@lru_cache(maxsize=1024)  # a document names the same few units task after task
def canonical_unit(raw: str, city: str | None, province: str | None) -> str:
    """`市经信局` -> `嘉兴市经济和信息化局`; a name the table does not know keeps its
    spelling with its leading 市 or 省 spelled out; without a city, the raw name."""
    alias = ""
    if (match := _ALIAS.match(raw)) and not match.group("main").endswith(("各县", "各区", "各市")):
        raw, alias = match.group("main"), match.group("alias")
    full = rules.table("unit_names.tsv").get(raw)
    if full is None:
        if raw.startswith("市委"):
            full = "中共{市}委" + raw[2:]
        elif raw.startswith("市") and not raw.startswith("市场"):
            full = "{市}" + raw[1:]
        elif raw.startswith("省委"):
            full = "中共{省}委" + raw[2:]
        elif raw.startswith("省"):
            full = "{省}" + raw[1:]
        else:
            return raw + alias
    if ("{市}" in full and not city) or ("{省}" in full and not province):
        return raw + alias
    return full.replace("{市}", city or "").replace("{省}", province or "") + alias
